"""Resource verbs over HTTP.

Get, list, create, update, patch, delete, deletecollection, and the ``scale``, ``status``,
``log``, ``eviction`` and ``token`` subresources.
"""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass
from typing import Any

import yaml

from tests.fakes.kube_api import defaults, tables
from tests.fakes.kube_api.auth import whoami
from tests.fakes.kube_api.errors import ApiError, not_found
from tests.fakes.kube_api.kinds import Kind
from tests.fakes.kube_api.paths import RequestInfo
from tests.fakes.kube_api.protobuf import decode_envelope
from tests.fakes.kube_api.selectors import field_matcher, label_matcher, selector_string
from tests.fakes.kube_api.state import ServerState
from tests.fakes.kube_api.validation import strict_fields

Obj = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """The parts of an HTTP request the verbs need."""

    info: RequestInfo
    query: dict[str, str]
    body: bytes
    content_type: str
    accept: str
    user_agent: str

    @property
    def dry_run(self) -> bool:
        return self.query.get("dryRun") == "All"

    @property
    def manager(self) -> str:
        return self.query.get("fieldManager") or (self.user_agent.split("/", 1)[0] or "unknown")


@dataclass(frozen=True)
class Reply:
    """What to send back: JSON (``body``) or text."""

    status: int
    body: Obj | None = None
    text: str | None = None


def decode_body(call: Call) -> Obj:
    """JSON, YAML or protobuf request body as a JSON object."""
    media = call.content_type.split(";")[0].strip()
    if media == "application/vnd.kubernetes.protobuf":
        return decode_envelope(call.body)
    try:
        data = (
            yaml.safe_load(call.body.decode() or "{}")
            if media == "application/yaml"
            else json.loads(call.body or b"{}")
        )
    except (ValueError, yaml.YAMLError) as exc:
        raise ApiError(400, f"couldn't get version/kind; json parse error: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "the request body is not a JSON object")
    return data


def _list_kind(kind: Kind) -> str:
    return f"{kind.kind}List"


def _view(call: Call, kind: Kind, objects: list[Obj], rv: str, single: bool) -> Obj:
    accept = call.accept
    if "as=Table" in accept:
        return tables.table(kind.kind, objects, rv, call.query.get("includeObject", "Metadata"))
    if "as=PartialObjectMetadata" in accept:
        items = [tables.partial_metadata(o) for o in objects]
        if single:
            return items[0]
        return {
            "kind": "PartialObjectMetadataList",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": rv},
            "items": items,
        }
    if single:
        return objects[0]
    return {
        "kind": _list_kind(kind),
        "apiVersion": kind.api_version,
        "metadata": {"resourceVersion": rv},
        "items": objects,
    }


def list_objects(state: ServerState, call: Call, kind: Kind) -> list[Obj]:
    """Objects matching the namespace and the label and field selectors."""
    labels = label_matcher(call.query.get("labelSelector"))
    fields = field_matcher(call.query.get("fieldSelector"), kind.kind)
    return state.cluster.list(kind, call.info.namespace, lambda o: labels(o) and fields(o))


def do_list(state: ServerState, call: Call, kind: Kind) -> Reply:
    """``list``, with ``limit``/``continue`` paging."""
    rv = str(state.store.current_rv)
    items = list_objects(state, call, kind)
    start = int(base64.b64decode(call.query["continue"]).decode()) if call.query.get("continue") else 0
    limit = int(call.query.get("limit") or 0)
    page = items[start : start + limit] if limit else items[start:]
    body = _view(call, kind, page, rv, single=False)
    if limit and start + limit < len(items):
        body["metadata"]["continue"] = base64.b64encode(str(start + limit).encode()).decode()
        body["metadata"]["remainingItemCount"] = len(items) - start - limit
    return Reply(200, body)


def _scale(kind: Kind, obj: Obj) -> Obj:
    meta = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": obj["spec"].get("replicas", 0)},
        "status": {
            "replicas": (obj.get("status") or {}).get("replicas", 0),
            "selector": selector_string(obj["spec"].get("selector")).replace("<none>", ""),
        },
    }


def do_get(state: ServerState, call: Call, kind: Kind) -> Reply:
    """``get`` of an object or of its ``status``/``scale``/``log`` subresource."""
    info = call.info
    assert info.name is not None
    obj = state.cluster.get(kind, info.namespace, info.name)
    if info.subresource == "scale":
        return Reply(200, _scale(kind, obj))
    if info.subresource == "log":
        return Reply(200, text=pod_log(state, call, obj))
    if info.subresource not in (None, "status"):
        raise ApiError(404, "the server could not find the requested resource", details={})
    return Reply(200, _view(call, kind, [obj], obj["metadata"]["resourceVersion"], single=True))


def pod_log(state: ServerState, call: Call, pod: Obj) -> str:
    """The log the test set for this pod, with ``tailLines``/``limitBytes``/``timestamps``."""
    containers = [c["name"] for c in pod["spec"].get("containers") or []]
    container = call.query.get("container")
    name = pod["metadata"]["name"]
    if container is None:
        if len(containers) > 1:
            raise ApiError(
                400,
                f"a container name must be specified for pod {name}, choose one of: [{' '.join(containers)}]",
            )
        container = containers[0] if containers else ""
    elif container not in containers:
        raise ApiError(400, f"container {container} is not valid for pod {name}")
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        waiting = (status.get("state") or {}).get("waiting")
        crashed = waiting is not None and waiting.get("reason") == "CrashLoopBackOff"  # the last run's log
        if status.get("name") == container and waiting is not None and not crashed:
            why = (
                "trying and failing to pull image"
                if "Image" in str(waiting.get("reason"))
                else "ContainerCreating"
            )
            raise ApiError(400, f'container "{container}" in pod "{name}" is waiting to start: {why}')
    text = state.world.pod_logs.get((pod["metadata"]["namespace"], name), "")
    lines = text.splitlines(keepends=True)
    if call.query.get("tailLines"):
        tail = int(call.query["tailLines"])
        lines = lines[-tail:] if tail > 0 else []
    if call.query.get("timestamps") == "true":
        lines = [f"{pod['status'].get('startTime', defaults.now())[:-1]}.000000000Z {line}" for line in lines]
    out = "".join(lines)
    if call.query.get("limitBytes"):
        out = out[: int(call.query["limitBytes"])]
    return out


def _strict(call: Call, kind: Kind, body: Obj) -> None:
    if call.query.get("fieldValidation") == "Strict":
        strict_fields(kind, body)


def do_create(state: ServerState, call: Call, kind: Kind) -> Reply:
    """``create`` (POST), including the review kinds and pod subresources."""
    info = call.info
    body = decode_body(call)
    if kind.plural == "selfsubjectaccessreviews":
        return Reply(201, state.authorizer.review(body))
    if kind.plural == "selfsubjectrulesreviews":
        return Reply(201, state.authorizer.rules_review(body))
    if kind.plural == "selfsubjectreviews":
        return Reply(201, whoami(body))
    if info.subresource == "eviction" and info.name:
        pod = state.cluster.get(kind, info.namespace, info.name)
        options = body.get("deleteOptions") or {}  # kubectl drain --dry-run=server asks here
        dry_run = call.dry_run or options.get("dryRun") == ["All"]
        state.cluster.delete(kind, info.namespace, info.name, dry_run=dry_run)
        return Reply(
            201,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "details": {"name": pod["metadata"]["name"], "kind": "pods"},
            },
        )
    if info.subresource == "token" and info.name:
        state.cluster.get(kind, info.namespace, info.name)
        token = base64.urlsafe_b64encode(f"fake-token-for-{info.namespace}-{info.name}".encode()).decode()
        return Reply(
            201,
            {
                **body,
                "metadata": {"name": info.name, "namespace": info.namespace, "creationTimestamp": None},
                "status": {"token": token, "expirationTimestamp": "2099-01-01T00:00:00Z"},
            },
        )
    if (info.name and kind.plural != "namespaces") or info.subresource:
        raise ApiError(405, "the server does not allow this method on the requested resource")
    _strict(call, kind, body)
    created = state.cluster.create(kind, info.namespace, body, dry_run=call.dry_run, manager=call.manager)
    return Reply(201, created)


def do_update(state: ServerState, call: Call, kind: Kind) -> Reply:
    """``update`` (PUT) of an object, its status, or its scale."""
    info = call.info
    assert info.name is not None
    body = decode_body(call)
    if info.subresource == "scale":
        current = state.cluster.get(kind, info.namespace, info.name)
        wanted = copy.deepcopy(current)
        wanted["spec"]["replicas"] = (body.get("spec") or {}).get("replicas", 0)
        rv = (body.get("metadata") or {}).get("resourceVersion")
        if rv:
            wanted["metadata"]["resourceVersion"] = rv
        updated = state.cluster.update(
            kind, info.namespace, info.name, wanted, dry_run=call.dry_run, manager=call.manager
        )
        return Reply(200, _scale(kind, updated))
    _strict(call, kind, body)
    updated = state.cluster.update(
        kind,
        info.namespace,
        info.name,
        body,
        subresource=info.subresource,
        dry_run=call.dry_run,
        manager=call.manager,
    )
    return Reply(200, updated)


def do_patch(state: ServerState, call: Call, kind: Kind) -> Reply:
    """``patch`` in any of the four content types, of an object, its status or its scale."""
    info = call.info
    assert info.name is not None
    media = call.content_type.split(";")[0].strip()
    force = call.query.get("force") == "true"
    if info.subresource == "scale":
        current = state.cluster.get(kind, info.namespace, info.name)
        from tests.fakes.kube_api import patching

        scale = _scale(kind, current)
        raw = json.loads(call.body or b"{}")
        if media == "application/json-patch+json":
            patched = patching.json_patch(scale, raw)
        elif media == "application/merge-patch+json":
            patched = patching.merge_patch(scale, raw)
        else:
            patched = patching.strategic_merge(scale, raw)
        replicas = (patched.get("spec") or {}).get("replicas", 0)
        updated = state.cluster.patch(
            kind,
            info.namespace,
            info.name,
            "application/merge-patch+json",
            json.dumps({"spec": {"replicas": replicas}}).encode(),
            dry_run=call.dry_run,
            manager=call.manager,
        )
        return Reply(200, _scale(kind, updated))
    if media == "application/apply-patch+yaml" and call.query.get("fieldValidation") == "Strict":
        parsed = yaml.safe_load(call.body.decode() or "{}")
        if isinstance(parsed, dict):
            strict_fields(kind, parsed)
    patched_obj = state.cluster.patch(
        kind,
        info.namespace,
        info.name,
        media,
        call.body,
        subresource=info.subresource,
        dry_run=call.dry_run,
        manager=call.query.get("fieldManager") or (None if "apply" in media else call.manager),
        force=force,
    )
    return Reply(200, patched_obj)


def do_delete(state: ServerState, call: Call, kind: Kind) -> Reply:
    """``delete`` with propagation policy and preconditions from query or DeleteOptions body."""
    info = call.info
    assert info.name is not None
    options = decode_body(call) if call.body else {}
    policy = call.query.get("propagationPolicy") or options.get("propagationPolicy")
    if options.get("orphanDependents") is True:
        policy = "Orphan"
    dry_run = call.dry_run or options.get("dryRun") == ["All"]
    result = state.cluster.delete(
        kind,
        info.namespace,
        info.name,
        propagation=policy,
        dry_run=dry_run,
        preconditions=options.get("preconditions"),
    )
    return Reply(200, result)


def do_delete_collection(state: ServerState, call: Call, kind: Kind) -> Reply:
    """``deletecollection``: delete everything the selectors match; returns the deleted list."""
    options = decode_body(call) if call.body else {}
    policy = call.query.get("propagationPolicy") or options.get("propagationPolicy")
    deleted = []
    for obj in list_objects(state, call, kind):
        meta = obj["metadata"]
        state.cluster.delete(
            kind, meta.get("namespace"), meta["name"], propagation=policy, dry_run=call.dry_run
        )
        deleted.append(obj)
    return Reply(
        200,
        {
            "kind": _list_kind(kind),
            "apiVersion": kind.api_version,
            "metadata": {"resourceVersion": str(state.store.current_rv)},
            "items": deleted,
        },
    )


def dispatch(state: ServerState, call: Call) -> Reply:
    """Run one non-watch resource request."""
    info = call.info
    kind = info.kind
    if kind is None or (info.subresource and info.subresource not in kind.subresources):
        raise ApiError(404, "the server could not find the requested resource", details={})
    if info.verb not in kind.verbs and not info.subresource:
        raise ApiError(405, "the server does not allow this method on the requested resource")
    if info.verb == "list":
        return do_list(state, call, kind)
    if info.verb == "get":
        return do_get(state, call, kind)
    if info.verb == "create":
        return do_create(state, call, kind)
    if info.verb == "update":
        return do_update(state, call, kind)
    if info.verb == "patch":
        return do_patch(state, call, kind)
    if info.verb == "delete":
        return do_delete(state, call, kind)
    if info.verb == "deletecollection":
        return do_delete_collection(state, call, kind)
    raise ApiError(405, "the server does not allow this method on the requested resource")


def missing(kind: Kind, name: str) -> ApiError:
    """NotFound for ``kind``/``name``."""
    return not_found(kind.plural, kind.group, name)
