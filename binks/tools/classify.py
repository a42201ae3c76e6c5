"""Read or change? The tool layer decides, from the command itself, and fails closed.

A command is read-only only when Binks knows it is: a built-in read verb (``get``,
``describe``, ``logs``, ``rollout status``, ...) or a change made with a certain
``--dry-run=client|server``. Everything else counts as a change and goes through approval:
unknown verbs, plugins, ``--dry-run=none``, a bare ``--dry-run``, a dry-run flag kubectl
might read as another flag's value. Commands Binks never runs raise ``CommandRefused``
(:mod:`binks.tools.refusals`).

Risk: ``destructive`` for what loses data or capacity (deleting namespaces, volumes and their
claims, CRDs, nodes, secrets; deletes by ``--all``, selector or file; ``drain``; ``taint``;
``scale --replicas=0``; ``replace --force``; ``apply --prune``), ``change`` for other changes
(``cordon`` included: it only stops new scheduling and ``uncordon`` undoes it), ``read`` for
reads. ``namespace`` is ``"*"`` for ``-A``/``--all-namespaces``, the namespace itself for a
namespace object, and None when the kubeconfig's default applies.
"""

from __future__ import annotations

import shlex
from pathlib import PurePath

import yaml

from binks.errors import CommandRefused
from binks.tools import kubectl_flags as table
from binks.tools.argv import ParsedArgv, Unrenderable, parse_argv, render
from binks.tools.gonum import parse_go_int
from binks.tools.models import Classification, Risk
from binks.tools.rawpath import normalise_raw
from binks.tools.refusals import check_argv, check_text
from binks.tools.resources import canonical, kinds_in, target, targets_of

READ_COMMANDS = frozenset(
    {
        ("get",),
        ("describe",),
        ("logs",),
        ("top",),
        ("top", "node"),
        ("top", "pod"),
        ("explain",),
        ("api-resources",),
        ("api-versions",),
        ("version",),
        ("cluster-info",),
        ("cluster-info", "dump"),
        ("events",),
        ("auth", "can-i"),
        ("auth", "whoami"),
        ("rollout", "status"),
        ("rollout", "history"),
        ("config", "view"),
        ("config", "get-contexts"),
        ("config", "current-context"),
        ("config", "get-clusters"),
        ("config", "get-users"),
        ("diff",),
        ("wait",),
        ("kustomize",),
        ("plugin", "list"),
        ("completion",),
        ("apply", "view-last-applied"),
    }
)
_HELP_COMMANDS = frozenset({"help", "options"})
_DESTRUCTIVE_KINDS = frozenset(
    {
        "namespace",
        "persistentvolume",
        "persistentvolumeclaim",
        "customresourcedefinition",
        "node",
        "secret",
        "all",
    }
)
_POD_FIRST = frozenset({"logs", "exec", "attach", "port-forward"})
_NODE_FIRST = frozenset({"cordon", "uncordon", "drain"})


def split_command(command: str) -> list[str]:
    """The argv Binks will run, from the model's command string (without the ``kubectl`` word)."""
    check_text(command)
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise CommandRefused(f"could not split the command ({exc}): check the quotes") from exc
    if argv and PurePath(argv[0]).name in ("kubectl", "kubectl.exe"):
        argv = argv[1:]
    if not argv:
        raise CommandRefused("empty command: give kubectl arguments, e.g. `get pods -n <namespace>`")
    return argv


def command_argv(command: str) -> list[str]:
    """The argv Binks runs for a command string: split, then spelled canonically.

    :func:`binks.tools.argv.render` spells it so kubectl can read it only as Binks does.
    """
    words = split_command(command)
    try:
        return render(parse_argv(words))
    except Unrenderable as exc:
        raise CommandRefused(
            f"refused: {exc}. Check the command's flags with `kubectl <command> --help`."
        ) from exc


def classify(command: str) -> Classification:
    """Classify a kubectl command string; raise ``CommandRefused`` for what Binks never runs."""
    return classify_argv(split_command(command))


def classify_argv(argv: list[str]) -> Classification:
    """Classify an argv (without the ``kubectl`` word), failing closed on anything unclear."""
    parsed = parse_argv(argv)
    check_argv(parsed)
    if not parsed.known:
        verb = parsed.path[0]
        if verb in _HELP_COMMANDS:
            return _result(parsed, verb, False, "read", f"`{verb}` prints kubectl's help")
        return _result(
            parsed,
            verb,
            True,
            "change",
            f"`{verb}` is not a built-in kubectl command (a plugin or a typo): treated as a change",
        )
    verb = _verb(parsed.path)
    if not parsed.path:
        if parsed.positionals or parsed.unsure or parsed.after_dashdash:
            return _result(parsed, "", True, "change", "no kubectl command found: treated as a change")
        return _result(parsed, "", False, "read", "no command: kubectl prints its help")
    if any(flag.name in ("help", "-h") and flag.certain and flag.value is None for flag in parsed.flags):
        return _result(parsed, verb, False, "read", f"`{verb} --help` prints help and runs nothing")
    if parsed.path == ("get",) and any(
        normalise_raw(value).reaches_workloads for value in parsed.values("raw") if value is not None
    ):
        reason = (
            "`get --raw` through a proxy, exec, attach or port-forward path reaches into the cluster's "
            "workloads or nodes: treated as a change"
        )
        return _result(parsed, verb, True, "change", reason)
    if parsed.path == ("create",) and parsed.positionals:
        # `kubectl create foo` runs a `kubectl-create-foo` plugin from PATH when one exists.
        reason = f"`create {parsed.positionals[0]}` is not a built-in kind: kubectl may run a plugin"
        return _result(parsed, verb, True, "change", reason)
    if parsed.path in READ_COMMANDS:
        return _result(parsed, verb, False, "read", f"`{verb}` only reads")
    dry_run = _dry_run(parsed)
    if dry_run is not None:
        return _result(parsed, verb, False, "read", dry_run)
    risk = _risk(parsed)
    reason = _change_reason(parsed, verb)
    if risk == "destructive":
        reason += "; destructive: it can lose data or capacity"
    return _result(parsed, verb, True, risk, reason)


def _verb(path: tuple[str, ...]) -> str:
    """``rollout restart``, ``set image``; ``create``/``top`` keep the kind as the resource."""
    if path[:1] in (("create",), ("top",)):
        return path[0]
    return " ".join(path)


def _dry_run(parsed: ParsedArgv) -> str | None:
    """Why this is a dry run that changes nothing, or None if it may change something."""
    flags = [flag for flag in parsed.flags if flag.name == "dry-run"]
    if not flags or " ".join(parsed.path) not in table.DRY_RUN_COMMANDS:
        return None
    if any(flag.name == "raw" for flag in parsed.flags):
        # `create|replace|delete --raw` sends the request as it is: kubectl ignores --dry-run.
        return None
    if parsed.path == ("replace",) and parsed.has("force"):
        # `replace --force` deletes and re-creates; a kubectl that let it through with a
        # dry-run would still delete: never a read, whatever kubectl does with the flag today.
        return None
    modes = _DRY_RUN_MODES.get(parsed.path, ("client", "server"))
    # kubectl compares the value exactly: `Server` is an error today and must not become a read
    # if a later kubectl accepts it differently.
    if all(flag.certain and flag.value in modes for flag in flags):
        return f"--dry-run={flags[-1].value}: nothing is stored"
    return None


#: Commands whose server-side dry-run Binks has not seen work: only ``client`` counts as dry.
_DRY_RUN_MODES: dict[tuple[str, ...], tuple[str, ...]] = {("auth", "reconcile"): ("client",)}


def _change_reason(parsed: ParsedArgv, verb: str) -> str:
    flags = [flag for flag in parsed.flags if flag.name == "dry-run"]
    if any(flag.value is None for flag in flags):
        return f"`{verb}` with a bare --dry-run (once meaning 'run for real'): treated as a change"
    if flags:
        return f"`{verb}` without a certain --dry-run=client|server: treated as a change"
    if parsed.path == ("exec",):
        return "`exec` runs a command in a container; Binks cannot tell what it changes"
    if " ".join(parsed.path) not in table.DRY_RUN_COMMANDS and parsed.path[0] not in ("rollout",):
        return f"`{verb}` is not known to be read-only: treated as a change"
    return f"`{verb}` changes the cluster"


def _kinds(parsed: ParsedArgv) -> set[str]:
    words = [*parsed.positionals, *parsed.unsure]
    return {kind for word in words for kind in kinds_in(word)}


def _risk(parsed: ParsedArgv) -> Risk:
    path = parsed.path
    if path in (("drain",), ("taint",)):
        return "destructive"
    if path == ("delete",):
        wide = parsed.has("all", "all-namespaces", "-A", "force", "raw")
        by_query = parsed.has("selector", "-l", "field-selector", "filename", "-f", "kustomize", "-k")
        grace_zero = any(_zero(value) for value in parsed.values("grace-period"))
        if wide or by_query or grace_zero or _kinds(parsed) & _DESTRUCTIVE_KINDS:
            return "destructive"
    if path == ("scale",) and any(_zero(value) for value in parsed.values("replicas")):
        return "destructive"
    if path == ("patch",) and any(zero_replicas(value) for value in parsed.values("patch", "-p")):
        return "destructive"
    if path == ("patch",) and "scale" in parsed.values("subresource") and not _positive_scale(parsed):
        return "destructive"
    if path == ("replace",) and parsed.has("force"):
        return "destructive"
    if path == ("apply",) and parsed.has("prune"):
        return "destructive"
    return "change"


def _zero(value: str | None) -> bool:
    """Whether kubectl reads this int flag value as 0 (Go's base-0 rules), or cannot read it."""
    number = parse_go_int(value) if value is not None else None
    return number is None or number == 0


def zero_replicas(patch: str | None) -> bool:
    """Whether a patch sets ``replicas`` to zero, in any patch type, or cannot be read."""
    if patch is None:
        return False
    try:
        decoded = yaml.safe_load(patch)
    except (yaml.YAMLError, RecursionError):
        return "replicas" in patch
    return _sets_zero(decoded)


def _positive_scale(parsed: ParsedArgv) -> bool:
    """Whether a patch of the scale subresource plainly sets ``spec.replicas`` above zero."""
    patches = parsed.values("patch", "-p")
    if len(patches) != 1 or patches[0] is None:
        return False
    try:
        decoded = yaml.safe_load(patches[0])
    except (yaml.YAMLError, RecursionError):
        return False
    replicas = (decoded.get("spec") or {}).get("replicas") if isinstance(decoded, dict) else None
    return isinstance(replicas, int) and not isinstance(replicas, bool) and replicas > 0


def _sets_zero(node: object) -> bool:
    if isinstance(node, dict):
        path = node.get("path")
        if isinstance(path, str) and path.rstrip("/").endswith("/replicas"):
            if node.get("op") in ("move", "copy"):
                return True  # the value comes from elsewhere: it may be zero
            if "value" in node:
                return _zero_value(node["value"])
        return any(
            (key == "replicas" and _zero_value(value)) or _sets_zero(value) for key, value in node.items()
        )
    if isinstance(node, list):
        return any(_sets_zero(item) for item in node)
    return False


def _zero_value(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    return isinstance(value, str) and _zero(value)


def _resource(parsed: ParsedArgv) -> tuple[str | None, str | None]:
    path, positionals = parsed.path, parsed.positionals
    if path[:1] == ("create",) and len(path) > 1:
        return canonical(path[1]), positionals[0] if positionals else None
    if path[:1] == ("top",) and len(path) > 1:
        return path[1], positionals[0] if positionals else None
    if path == ("auth", "can-i"):
        return (canonical(positionals[1]) if len(positionals) > 1 else None), None
    if path[:1] == ("run",):
        return "pod", positionals[0] if positionals else None
    if path[:1] and path[0] in _NODE_FIRST:
        return "node", positionals[0] if positionals else None
    if path[:1] and path[0] in _POD_FIRST and positionals and "/" not in positionals[0]:
        return "pod", positionals[0]
    if path in (("apply",), ("replace",), ("diff",), ("kustomize",)):
        return None, None
    return target(positionals)


def _namespace(parsed: ParsedArgv, resource: str | None, name: str | None) -> str | None:
    if resource == "namespace" and name:
        return name
    if parsed.has("all-namespaces", "-A"):
        return "*"
    values = parsed.values("namespace", "-n")
    return values[-1] if values and values[-1] else None


def _namespaces(parsed: ParsedArgv, namespace: str | None) -> list[str]:
    """Every namespace the command names: each Namespace object (``delete ns a b``), ``-n``, ``*``."""
    found = [namespace] if namespace else []
    for kind, name in targets_of(parsed.positionals) or []:
        if kind == "namespace" and name not in found:
            found.append(name)
    values = parsed.values("namespace", "-n")
    if values and values[-1] and values[-1] not in found:
        found.append(values[-1])
    return found


def _result(parsed: ParsedArgv, verb: str, mutating: bool, risk: Risk, reason: str) -> Classification:
    resource, name = _resource(parsed) if parsed.known else (None, None)
    namespace = _namespace(parsed, resource, name)
    return Classification(
        mutating=mutating,
        verb=verb,
        namespace=namespace,
        namespaces=_namespaces(parsed, namespace),
        resource=resource,
        name=name,
        risk=risk,
        reason=reason,
    )
