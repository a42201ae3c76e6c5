"""Server-side dry-run and diff of a kubectl change, for the approval card.

Coverage:

* every command kubectl can dry-run (``apply``, ``create``, ``replace``, ``patch``,
  ``scale``, ``label``, ``annotate``, ``set *``, ``expose``, ``autoscale``, ``run``,
  ``taint``, ``rollout undo``, ``auth reconcile``): the exact argv plus
  ``--dry-run=server -o json``; each object in the answer is diffed against the live one;
* ``delete``: ``--dry-run=server -o name``, shown as "deletes ...";
* ``drain``: ``--dry-run=server``; kubectl's own report (what it would cordon and evict);
* ``rollout restart|pause|resume`` and ``cordon``/``uncordon`` of named objects: kubectl has
  no dry-run for them, so Binks dry-runs the equivalent patch (the restart annotation,
  ``spec.paused``, ``spec.unschedulable``) and shows that diff;
* anything else (``exec``, plugins, ``certificate approve``, ``create token``): no dry-run
  exists; ``DryRun(ok=True, supported=False)`` with a note that the plan shows the argv only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal

from binks.errors import ClusterError, CommandRefused
from binks.settings import Settings
from binks.tools import kubectl_flags as table
from binks.tools.argv import ParsedArgv, parse_argv
from binks.tools.classify import classify_argv
from binks.tools.diffing import label, object_diff
from binks.tools.kubectl import Kubectl, finish
from binks.tools.models import DryRun, ObjectRef
from binks.tools.output import cap_output
from binks.tools.outputs import without_output
from binks.tools.resources import targets_of

Action = Literal["create", "update", "delete", "unchanged"]
_NO_OUTPUT_FLAG = frozenset({"drain", "cordon", "uncordon"})
_PATCHED = {
    ("rollout", "pause"): {"spec": {"paused": True}},
    ("rollout", "resume"): {"spec": {"paused": False}},
    ("cordon",): {"spec": {"unschedulable": True}},
    ("uncordon",): {"spec": {"unschedulable": False}},
}


def with_flags(parsed: ParsedArgv, extra: list[str]) -> list[str]:
    """The argv with flags added before any ``--`` (after it they would belong to a container)."""
    argv = list(parsed.argv)
    if "--" in argv:
        cut = argv.index("--")
        return [*argv[:cut], *extra, *argv[cut:]]
    return [*argv, *extra]


def _certainly_dry(argv: list[str]) -> bool:
    """Whether kubectl will surely read the added ``--dry-run=server`` as the dry-run flag.

    A flag left without its value at the end of the model's command (``--field-manager``)
    would swallow ``--dry-run=server`` as that value, and the "dry run" would be real.
    """
    try:
        return not classify_argv(argv).mutating
    except CommandRefused:
        return False


#: Kinds whose deletion loses data or capacity, whatever words named them.
DESTRUCTIVE_DELETE_KINDS = frozenset(
    {"Namespace", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "Node", "Secret"}
)


def scaled_to_zero(before: dict[str, Any] | None, after: dict[str, Any]) -> bool:
    """Whether a change takes a running workload's wanted replicas to zero."""
    if before is None:
        return False
    old = (before.get("spec") or {}).get("replicas")
    new = (after.get("spec") or {}).get("replicas", old)
    return new == 0 and old != 0 and "replicas" in (after.get("spec") or {})


def namespace_flags(parsed: ParsedArgv) -> list[str]:
    """The argv's own namespace choice, to read the live objects from the same place."""
    values = parsed.values("namespace", "-n")
    return ["-n", values[-1]] if values and values[-1] else []


def _resource_arg(obj: dict[str, Any]) -> str:
    group, _, version = str(obj.get("apiVersion", "v1")).rpartition("/")
    kind = str(obj.get("kind", "")).lower()
    name = (obj.get("metadata") or {}).get("name", "")
    return f"{kind}.{version}.{group}/{name}" if group else f"{kind}/{name}"


def ref(obj: dict[str, Any], action: Action) -> ObjectRef:
    """The :class:`ObjectRef` of an object as the API server returned it."""
    meta = obj.get("metadata") or {}
    return ObjectRef(
        api_version=str(obj.get("apiVersion", "v1")),
        kind=str(obj.get("kind", "")),
        name=str(meta.get("name", "")),
        namespace=meta.get("namespace"),
        action=action,
    )


def live_argv(obj: ObjectRef) -> list[str]:
    """``kubectl get`` argv for one object, as JSON, empty output if it does not exist."""
    body = {"apiVersion": obj.api_version, "kind": obj.kind, "metadata": {"name": obj.name}}
    namespace = ["-n", obj.namespace] if obj.namespace else []
    return ["get", _resource_arg(body), *namespace, "-o", "json", "--ignore-not-found"]


def _items(text: str) -> list[dict[str, Any]]:
    if not text.strip():
        return []  # `set image` to the image already set prints nothing: nothing would change
    body = json.loads(text)
    if (
        isinstance(body, dict)
        and isinstance(body.get("items"), list)
        and body.get("kind", "").endswith("List")
    ):
        return [item for item in body["items"] if isinstance(item, dict)]
    return [body] if isinstance(body, dict) else []


class DryRunner:
    """Runs dry-runs with kubectl and reads live objects to diff against."""

    def __init__(self, kubectl: Kubectl, settings: Settings) -> None:
        self.kubectl = kubectl
        self.settings = settings

    async def live(self, obj: dict[str, Any]) -> dict[str, Any] | None:
        """The live version of an object (None if it does not exist)."""
        result = await self.kubectl.run(live_argv(ref(obj, "unchanged")))
        if not result.ok:
            raise ClusterError(f"cannot read {label(obj)}: {finish(result, self.settings).error}")
        if not result.stdout.strip():
            return None
        items = _items(result.stdout)
        return items[0] if items else None

    async def dry_run(self, parsed: ParsedArgv) -> DryRun:
        """The server's answer to this change, with a diff per object it touches."""
        path = parsed.path
        if path == ("rollout", "restart") or path in _PATCHED:
            return await self._patched(parsed)
        if " ".join(path) not in table.DRY_RUN_COMMANDS:
            return DryRun(
                ok=True,
                supported=False,
                message=f"no server-side dry-run exists for `kubectl {' '.join(path)}`: the plan shows "
                "the command only",
            )
        if path == ("delete",):
            output = ["-o", "name"]
        elif path[0] in _NO_OUTPUT_FLAG:
            output = []
        else:
            output = ["-o", "json"]
        # The model's own output options go: the dry-run's objects are read as JSON.
        argv = with_flags(parse_argv(without_output(parsed)), ["--dry-run=server", *output])
        if not _certainly_dry(argv):
            return DryRun(
                ok=False,
                message="the command cannot be dry-run as written (a flag at its end seems to be missing "
                "its value, so kubectl would read --dry-run as that value); fix the command",
            )
        result = await self.kubectl.run(argv)
        done = finish(result, self.settings, parsed)
        if not done.ok:
            return DryRun(ok=False, message=f"the API server rejected the dry-run: {done.error}")
        if path == ("delete",):
            return await self._deletes(result.stdout, parsed)
        if not output:
            return DryRun(ok=True, message=done.output.strip())
        return await self._diffs(_items(result.stdout))

    async def _deletes(self, stdout: str, parsed: ParsedArgv) -> DryRun:
        names = [line.strip() for line in stdout.splitlines() if line.strip()]
        objects = []
        for name in names:
            result = await self.kubectl.run(["get", name, *namespace_flags(parsed), "-o", "json"])
            live = _items(result.stdout) if result.ok and result.stdout.strip() else []
            if live:
                objects.append(ref(live[0], "delete"))
        listing = ", ".join(names) or "nothing (no object matched)"
        destroys = [
            f"deletes {obj.kind.lower()}/{obj.name}"
            for obj in objects
            if obj.kind in DESTRUCTIVE_DELETE_KINDS
        ]
        if len(names) != len(objects):
            destroys.append("deletes objects Binks could not read back: their kinds are not known")
        return DryRun(
            ok=True,
            message=f"deletes {listing}",
            diff=f"deletes {listing}\n",
            objects=objects,
            destroys=destroys,
        )

    async def _diffs(self, after: list[dict[str, Any]]) -> DryRun:
        diffs, objects, summary, destroys = [], [], [], []
        for obj in after:
            try:
                before = await self.live(obj)
            except ClusterError as exc:
                summary.append(f"{label(obj)}: {exc}")
                continue
            if scaled_to_zero(before, obj):
                destroys.append(f"scales {label(obj)} to 0 replicas")
            diff = object_diff(before, obj)
            action: Action = "create" if before is None else ("update" if diff else "unchanged")
            objects.append(ref(obj, action))
            verb = {"create": "creates", "update": "changes", "unchanged": "leaves unchanged"}[action]
            summary.append(f"{verb} {label(obj)}")
            if diff:
                diffs.append(diff)
        text, _ = cap_output("".join(diffs), self.settings.output_limit_bytes)
        return DryRun(
            ok=True,
            message="; ".join(summary) or "the server accepted the dry-run",
            diff=text or "no change",
            objects=objects,
            destroys=destroys,
        )

    async def _patched(self, parsed: ParsedArgv) -> DryRun:
        """Dry-run the patch a restart/pause/resume/cordon amounts to, for named objects."""
        path = parsed.path
        if path in (("cordon",), ("uncordon",)):
            targets: list[tuple[str, str]] | None = [("node", name) for name in parsed.positionals]
        else:
            targets = targets_of(parsed.positionals)
        if (
            not targets
            or parsed.unsure
            or parsed.has("selector", "-l", "all", "filename", "-f", "kustomize", "-k")
        ):
            return DryRun(
                ok=True,
                supported=False,
                message=f"no server-side dry-run for `kubectl {' '.join(path)}` by selector: the plan "
                "shows the command only",
            )
        if path == ("rollout", "restart"):
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            annotation = {"kubectl.kubernetes.io/restartedAt": stamp}
            patch: dict[str, Any] = {"spec": {"template": {"metadata": {"annotations": annotation}}}}
        else:
            patch = _PATCHED[path]
        after: list[dict[str, Any]] = []
        for kind, name in targets:
            argv = [
                "patch",
                f"{kind}/{name}",
                *namespace_flags(parsed),
                "--type=merge",
                "-p",
                json.dumps(patch),
            ]
            result = await self.kubectl.run([*argv, "--dry-run=server", "-o", "json"])
            done = finish(result, self.settings)
            if not done.ok:
                return DryRun(ok=False, message=f"the API server rejected the dry-run: {done.error}")
            after.extend(_items(result.stdout))
        return await self._diffs(after)
