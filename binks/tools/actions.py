"""Typed tools for the everyday changes, each compiled to one kubectl argv.

Small models fill typed parameters (``{"name": "web", "replicas": 3}``) far more reliably
than they write kubectl: no flag order, no quoting, no JSON patch that replaces a whole
container list and loses the image. Each action here is only a compiler: its arguments
become one kubectl argv (:func:`compile_argv`), and that argv goes through exactly what a
``run_kubectl`` call goes through (classifier, plan, server-side dry-run, diff, approval,
audit, verification). Nothing here decides whether a call is a change: the classifier does,
from the argv.

Names the model leaves out are filled in by :mod:`binks.tools.typed` from the cluster (the
namespace of the one object of that name, the only container), never guessed.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

NAME = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"
QUANTITY = r"^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$"

Workload = Literal["deployment", "statefulset", "daemonset"]
Labelled = Literal["deployment", "statefulset", "daemonset", "service", "pod", "configmap", "job", "cronjob"]

_KIND_WORD = re.compile(
    r"^(?:the|an?)\s+|^(?:deployments?|deploy|statefulsets?|sts|daemonsets?|ds|services?|svc|pods?|po"
    r"|configmaps?|cm|jobs?|cronjobs?|namespaces?|ns)(?:\.[a-z0-9.]+)?(?:/|\s+)|"
    r"\s+(?:deployments?|deploy|statefulsets?|sts|daemonsets?|ds|services?|svc|pods?|po|configmaps?|cm|jobs?"
    r"|cronjobs?|namespaces?|ns)(?:\.[a-z0-9.]+)?$",
    re.IGNORECASE,
)


def plain_name(value: object) -> object:
    """A name as an object's name: ``deployment/Web``, ``the web deployment`` and ``Web`` are ``web``.

    Small models write the kind with the name (they have seen ``kubectl get deployment/web``)
    and capitalise it; Kubernetes names are lowercase, and the kind is another argument.
    """
    if not isinstance(value, str):
        return value
    text = value.strip().strip("`'\"").strip()
    while (shorter := _KIND_WORD.sub("", text, count=1).strip()) != text:
        text = shorter
    return text.lower()


def pairs(value: object) -> object:
    """Key/value pairs as a mapping: ``"team=web,tier=front"`` is ``{"team": "web", "tier": "front"}``.

    Small models give labels and data as the text they would put on a kubectl command line.
    """
    if not isinstance(value, str):
        return value
    found = dict(part.split("=", 1) if "=" in part else part.split(":", 1) for part in _PAIRS.findall(value))
    return {key.strip(): item.strip() for key, item in found.items()} or value


_PAIRS = re.compile(r"[^,\s=:]+\s*[=:]\s*[^,\s]*")

PlainName = Annotated[str, BeforeValidator(plain_name)]
"""An object's name as a small model may write it (:func:`plain_name`)."""
Pairs = Annotated[dict[str, str], BeforeValidator(pairs)]
"""Key/value pairs, also as kubectl command-line text (:func:`pairs`)."""


class ActionArgs(BaseModel):
    """Common to every action: the object's name and, optionally, its namespace."""

    # Small models add stray keys; ignore them rather than fail the call.
    model_config = ConfigDict(extra="ignore", frozen=True)

    name: PlainName = Field(max_length=253, pattern=NAME, description="The object's name.")
    namespace: str | None = Field(
        None, max_length=63, pattern=NAME, description="Its namespace; leave out to find it by name."
    )

    @model_validator(mode="before")
    @classmethod
    def _namespaced(cls, data: object) -> object:
        """``{"name": "shop/web"}`` is web in shop: the ``NAMESPACE/NAME`` form of the listings."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return data
        name = str(plain_name(data["name"]))
        where, _, short = name.rpartition("/")
        if where and short and data.get("namespace") in (None, "", where):
            return {**data, "name": short, "namespace": where}
        return data

    @field_validator("namespace", mode="before")
    @classmethod
    def _plain_namespace(cls, value: object) -> object:
        return plain_name(value) or None  # "" is a namespace left out


class ScaleArgs(ActionArgs):
    """``scale``: set a workload's replica count."""

    replicas: int = Field(ge=0, le=1000, description="How many replicas to run.")
    kind: Literal["deployment", "statefulset", "replicaset"] = "deployment"


class SetImageArgs(ActionArgs):
    """``set_image``: run another image in one container (a rolling update)."""

    image: str = Field(min_length=1, max_length=400, description="The new image, e.g. repo/app:1.2.")
    container: str | None = Field(None, max_length=63, description="Container name; leave out if one.")
    kind: Workload = "deployment"


class SetResourcesArgs(ActionArgs):
    """``set_resources``: set CPU and memory requests and limits of one container."""

    container: str | None = Field(None, max_length=63, description="Container name; leave out if one.")
    cpu_request: str | None = Field(None, pattern=QUANTITY, description="e.g. 100m")
    cpu_limit: str | None = Field(None, pattern=QUANTITY, description="e.g. 500m")
    memory_request: str | None = Field(None, pattern=QUANTITY, description="e.g. 64Mi")
    memory_limit: str | None = Field(None, pattern=QUANTITY, description="e.g. 256Mi")
    kind: Workload = "deployment"


class RollbackArgs(ActionArgs):
    """``rollback``: go back to the previous (or a given) revision of a workload."""

    revision: int | None = Field(None, ge=1, description="Revision to go back to; leave out for the last.")
    kind: Workload = "deployment"


class RestartArgs(ActionArgs):
    """``restart``: restart a workload's pods with a rolling restart."""

    kind: Workload = "deployment"


class SetSelectorArgs(ActionArgs):
    """``set_selector``: replace a Service's selector (which pods it sends traffic to)."""

    selector: Pairs = Field(min_length=1, description="The labels the Service selects, e.g. {app: web}.")


class CreateConfigMapArgs(ActionArgs):
    """``create_configmap``: a ConfigMap from key/value pairs."""

    data: Pairs = Field(min_length=1, description="Keys and their text values.")


class MountConfigMapArgs(ActionArgs):
    """``mount_configmap``: mount a ConfigMap as files into a Deployment's container."""

    configmap: PlainName = Field(max_length=253, pattern=NAME, description="The ConfigMap to mount.")
    path: str = Field(min_length=2, max_length=200, pattern=r"^/", description="Directory in the container.")
    container: str | None = Field(None, max_length=63, description="Container name; leave out if one.")


class LabelArgs(ActionArgs):
    """``label``: add labels to one object, or change their values."""

    labels: Pairs = Field(min_length=1, description="The labels to set, e.g. {team: web}.")
    kind: Labelled = "deployment"


ACTIONS: dict[str, type[ActionArgs]] = {
    "scale": ScaleArgs,
    "set_image": SetImageArgs,
    "set_resources": SetResourcesArgs,
    "rollback": RollbackArgs,
    "restart": RestartArgs,
    "set_selector": SetSelectorArgs,
    "create_configmap": CreateConfigMapArgs,
    "mount_configmap": MountConfigMapArgs,
    "label": LabelArgs,
}

DESCRIPTIONS: dict[str, str] = {
    "scale": "Set a deployment's replica count.",
    "set_image": "Change a deployment's container image.",
    "set_resources": "Set CPU/memory requests or limits of a deployment.",
    "rollback": "Roll a deployment back to its previous revision.",
    "restart": "Restart a deployment's pods.",
    "set_selector": "Replace which pods the Service `name` sends traffic to. Not for labels.",
    "create_configmap": "Create a ConfigMap `name` from key/value text.",
    "mount_configmap": "Mount ConfigMap `configmap` as files at `path` in deployment `name`.",
    "label": "Add labels to object `name` (a deployment unless `kind` says otherwise).",
}

WITH_CONTAINER = frozenset({"set_image", "set_resources", "mount_configmap"})
"""Actions that name a container; the only container is used when the model leaves it out."""


def parse_action(name: str, args: dict[str, Any]) -> ActionArgs:
    """Validate an action's arguments; ``ValueError`` names the bad field."""
    try:
        return ACTIONS[name].model_validate(args)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'arguments'}: {error['msg']}"
            for error in exc.errors()
        )
        raise ValueError(f"bad arguments for {name}: {problems}") from exc


def kind_of(call: ActionArgs) -> str:
    """The kind of object the action changes."""
    if isinstance(call, SetSelectorArgs):
        return "service"
    if isinstance(call, CreateConfigMapArgs):
        return "configmap"
    if isinstance(call, MountConfigMapArgs):
        return "deployment"
    return str(getattr(call, "kind", "deployment"))


def compile_argv(call: ActionArgs, container: str | None = None) -> list[str]:
    """The kubectl argv of an action (``container``: the one to change when the call names none)."""
    where = ["-n", call.namespace] if call.namespace else []
    target = f"{kind_of(call)}/{call.name}"
    chosen = getattr(call, "container", None) or container or "*"
    if isinstance(call, ScaleArgs):
        return ["scale", target, *where, f"--replicas={call.replicas}"]
    if isinstance(call, SetImageArgs):
        return ["set", "image", target, f"{chosen}={call.image}", *where]
    if isinstance(call, SetResourcesArgs):
        return ["set", "resources", target, *_container_flag(chosen), *_resources(call), *where]
    if isinstance(call, RollbackArgs):
        revision = [f"--to-revision={call.revision}"] if call.revision else []
        return ["rollout", "undo", target, *where, *revision]
    if isinstance(call, RestartArgs):
        return ["rollout", "restart", target, *where]
    if isinstance(call, SetSelectorArgs):
        selector = ",".join(f"{key}={value}" for key, value in sorted(call.selector.items()))
        return ["set", "selector", target, selector, *where]
    if isinstance(call, CreateConfigMapArgs):
        literals = [f"--from-literal={key}={value}" for key, value in sorted(call.data.items())]
        return ["create", "configmap", call.name, *where, *literals]
    if isinstance(call, LabelArgs):
        labels = [f"{key}={value}" for key, value in sorted(call.labels.items())]
        return ["label", target, *where, *labels, "--overwrite"]
    if isinstance(call, MountConfigMapArgs):
        return ["patch", target, *where, "--type=strategic", "-p", json.dumps(_mount_patch(call, chosen))]
    raise ValueError(f"{type(call).__name__} is not an action Binks compiles")


def _container_flag(container: str) -> list[str]:
    return [] if container == "*" else ["-c", container]


def _resources(call: SetResourcesArgs) -> list[str]:
    requests = _pairs(cpu=call.cpu_request, memory=call.memory_request)
    limits = _pairs(cpu=call.cpu_limit, memory=call.memory_limit)
    if not requests and not limits:
        raise ValueError(
            "set_resources needs at least one of cpu_request, cpu_limit, memory_request, memory_limit"
        )
    return ([f"--requests={requests}"] if requests else []) + ([f"--limits={limits}"] if limits else [])


def _pairs(**values: str | None) -> str:
    return ",".join(f"{key}={value}" for key, value in values.items() if value)


def _mount_patch(call: MountConfigMapArgs, container: str) -> dict[str, Any]:
    """A strategic merge patch: volumes merge by name, containers by name, mounts by path."""
    volume = f"cm-{call.configmap}"[:63].rstrip("-.")
    return {
        "spec": {
            "template": {
                "spec": {
                    "volumes": [{"name": volume, "configMap": {"name": call.configmap}}],
                    "containers": [
                        {"name": container, "volumeMounts": [{"name": volume, "mountPath": call.path}]}
                    ],
                }
            }
        }
    }


_SHOWN = ("type", "enum", "additionalProperties")
"""Keys of a property the model sees: every token is prompt time, and titles, defaults,
patterns and bounds only cost it (the argument models still enforce them)."""
_HIDDEN = frozenset({"kind"})
"""Fields accepted but not shown: the default (a Deployment) is what people mean. ``label``
shows its ``kind``: people label pods and Services too."""
_EXPLAINED = frozenset({"image", "selector", "data", "revision", "labels"})
"""Fields whose description earns its tokens."""


def compact_schema(schema: dict[str, Any], hidden: frozenset[str] = _HIDDEN) -> dict[str, Any]:
    """A pydantic schema as the model sees it: optional fields as their plain type, no noise."""
    properties: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        if name in hidden:
            continue
        branches = [branch for branch in prop.get("anyOf", [prop]) if branch.get("type") != "null"]
        shown = {key: value for key, value in branches[0].items() if key in _SHOWN}
        if name in _EXPLAINED and "description" in prop:
            shown["description"] = prop["description"]
        properties[name] = shown
    return {"type": "object", "properties": properties, "required": list(schema.get("required") or [])}


def action_specs() -> list[dict[str, Any]]:
    """OpenAI-style function specs of the actions."""
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": DESCRIPTIONS[name],
                "parameters": compact_schema(
                    model.model_json_schema(), frozenset() if name == "label" else _HIDDEN
                ),
            },
        }
        for name, model in ACTIONS.items()
    ]
