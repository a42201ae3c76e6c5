"""The typed tools and ``find``, in front of any toolbox, through the same gate as ``run_kubectl``.

:class:`TypedToolbox` wraps the toolbox the graph uses. It adds the typed actions
(:mod:`binks.tools.actions`) and ``find`` (:mod:`binks.tools.find`) to the tools the model
sees, and lists the worker types that exist in ``spawn_worker_agent``'s schema (so a
model cannot invent one). Every typed call is turned into a ``run_kubectl`` call before
the inner toolbox sees it:

- :meth:`assess` classifies the compiled argv with the inner toolbox's classifier (the
  tool layer, from the argv, decides read or change; never this module);
- :meth:`propose` fills in what the model left out from the cluster (the namespace of the
  one object with that name, the only container, also in place of one that is not there),
  compiles the argv, and proposes it as a
  ``run_kubectl`` change: the plan, dry-run, diff, approval, audit, execution and
  verification are the inner toolbox's, unchanged;
- ``find`` runs one ``kubectl get`` through the inner toolbox's :meth:`read`.

A name that matches nothing or several things is an error that lists what does exist: the
model gets real names for its next call instead of a guess being made for it.
"""

from __future__ import annotations

import shlex
from typing import Any

from binks.errors import CommandRefused
from binks.settings import Settings
from binks.tools.actions import (
    ACTIONS,
    WITH_CONTAINER,
    CreateConfigMapArgs,
    action_specs,
    compile_argv,
    kind_of,
    parse_action,
)
from binks.tools.argv import parse_argv
from binks.tools.classify import split_command
from binks.tools.find import FindArgs, Row, answer, find_command, find_spec, matching, of_kind, parse_rows
from binks.tools.labelled import NOTE as LABELLED_NOTE
from binks.tools.labelled import labelled_command
from binks.tools.models import (
    ChangeResult,
    Classification,
    ClusterContext,
    ProposedChange,
    ReconcileOutcome,
    ToolResult,
    Verification,
)
from binks.tools.protocol import Toolbox
from binks.tools.recovery import advice
from binks.tools.worker_job import available_types

KUBECTL = "run_kubectl"
TYPED = frozenset({"find", *ACTIONS})


def _find_args(args: dict[str, Any]) -> FindArgs:
    try:
        return FindArgs.model_validate(args)
    except ValueError as exc:
        raise ValueError(f"bad arguments for find: {exc}") from exc


def _advice(name: str, args: dict[str, Any], error: str) -> str | None:
    """The next step :mod:`binks.tools.recovery` reads from a kubectl error, if it knows one."""
    command = args.get("command")
    if name != KUBECTL or not isinstance(command, str):
        return None
    try:
        argv = split_command(command)
    except CommandRefused:
        return None
    return advice(parse_argv(argv), error)


class TypedToolbox:
    """A :class:`~binks.tools.protocol.Toolbox` with typed tools compiled to the inner one's kubectl."""

    def __init__(self, inner: Toolbox, settings: Settings) -> None:
        self.inner = inner
        self.settings = settings

    def specs(self) -> list[dict[str, Any]]:
        """The inner tools (worker types listed), then ``find`` and the actions."""
        base = [self._with_worker_types(spec) for spec in self.inner.specs()]
        if self.settings.tool_set == "basic":
            return base
        return [*base, find_spec(), *action_specs()]

    def _with_worker_types(self, spec: dict[str, Any]) -> dict[str, Any]:
        function = spec.get("function") or {}
        types = available_types(self.settings)
        if function.get("name") != "spawn_worker_agent" or not types:
            return spec
        parameters = dict(function.get("parameters") or {})
        properties = dict(parameters.get("properties") or {})
        properties["agent_type"] = {**properties.get("agent_type", {}), "enum": types}
        parameters["properties"] = properties
        return {**spec, "function": {**function, "parameters": parameters}}

    def assess(self, name: str, args: dict[str, Any]) -> Classification:
        """``find`` is a read; an action is whatever its compiled argv is to the classifier."""
        if name == "find":
            call = _find_args(args)
            return Classification(
                mutating=False,
                verb="find",
                resource=call.kind,
                risk="read",
                reason="lists object names and labels in every namespace",
            )
        if name in ACTIONS:
            argv = compile_argv(parse_action(name, args))
            return self.inner.assess(KUBECTL, {"command": shlex.join(argv)})
        return self.inner.assess(name, args)

    async def read(self, name: str, args: dict[str, Any]) -> ToolResult:
        """``find`` through the inner read path; anything else as the inner toolbox reads it."""
        if name in ACTIONS:
            raise CommandRefused(f"{name} is a change: it needs approval")
        if name != "find":
            reshaped = labelled_command(str(args.get("command"))) if name == KUBECTL else None
            result = await self.inner.read(name, {**args, "command": reshaped} if reshaped else args)
            if reshaped and result.ok:
                result = result.model_copy(update={"output": f"{LABELLED_NOTE}\n{result.output}"})
            if result.ok and not result.output.strip() and name == KUBECTL:
                # A small model reads an empty result as a failure and gives up: say what it means.
                empty = "(kubectl printed nothing: no object matched, or the field asked for is not set)\n"
                return result.model_copy(update={"output": empty})
            tip = _advice(name, args, result.output) if not result.ok else None
            return (
                result.model_copy(update={"output": f"{result.output.rstrip()}\nNext step: {tip}\n"})
                if tip
                else result
            )
        call = _find_args(args)
        listing = await self.inner.read(KUBECTL, {"command": find_command(call)})
        if not listing.ok:
            return listing
        return ToolResult(ok=True, output=answer(call, parse_rows(listing.output)))

    async def propose(
        self, name: str, args: dict[str, Any], *, thread_id: str, step_id: str
    ) -> ProposedChange:
        """An action as the ``run_kubectl`` change it compiles to; anything else unchanged."""
        if name in ACTIONS:
            command = await self.compile(name, args)
            return await self.inner.propose(
                KUBECTL, {"command": command}, thread_id=thread_id, step_id=step_id
            )
        return await self.inner.propose(name, args, thread_id=thread_id, step_id=step_id)

    async def compile(self, name: str, args: dict[str, Any]) -> str:
        """The kubectl command of an action, with its namespace and container found if left out."""
        call = parse_action(name, args)
        kind = kind_of(call)
        if isinstance(call, CreateConfigMapArgs):
            if call.namespace is None:
                raise ValueError(f"create_configmap needs a namespace: {await self._namespaces()}")
        elif call.namespace is None or not await self._exists(kind, call.name, call.namespace):
            # Left out, or named where the object is not: the one namespace that holds it
            # (the plan shows it before anything runs); none or several is an error.
            name_found, namespace = await self._locate(kind, call.name)
            call = call.model_copy(update={"name": name_found, "namespace": namespace})
        if name in WITH_CONTAINER:
            given = getattr(call, "container", None)
            found = await self._container(kind, call.name, str(call.namespace), given)
            if found != given:
                call = call.model_copy(update={"container": found})
        return shlex.join(compile_argv(call))

    async def _lines(self, command: str) -> list[str]:
        result = await self.inner.read(KUBECTL, {"command": command})
        if not result.ok:
            raise ValueError(result.output.strip()[:400])
        return [line.strip() for line in result.output.splitlines() if line.strip()]

    async def _namespaces(self) -> str:
        names = await self._lines("get namespaces -o custom-columns=NAME:.metadata.name --no-headers")
        return f"the namespaces are {', '.join(names)}"

    async def _locate(self, kind: str, name: str) -> tuple[str, str]:
        """(name, namespace) of the one ``kind`` called ``name``; ``ValueError`` listing what exists."""
        columns = "-o custom-columns=NS:.metadata.namespace --no-headers"
        found = await self._lines(f"get {kind} -A --field-selector metadata.name={name} {columns}")
        found = [line for line in found if not line.startswith("No resources")]
        if len(found) == 1:
            return name, found[0]
        if found:
            raise ValueError(
                f"{kind} {name} exists in several namespaces ({', '.join(found)}): give namespace"
            )
        only = await self._lines(f"get {kind} -n {name} -o custom-columns=NAME:.metadata.name --no-headers")
        if len(only) == 1 and not only[0].startswith("No resources"):
            # `name` is a namespace holding one such object (a small model mixes the two up):
            # that object, which the plan names before anything runs.
            return only[0], name
        close = await self._close_matches(kind, name)
        if len(close) == 1:
            # One object whose name or labels hold the words (the plan names it before anything runs).
            return close[0].name, close[0].namespace
        listing = await self.read("find", {"text": name, "kind": kind})
        raise ValueError(f"no {kind} is named {name} in any namespace. {listing.output.strip()}")

    async def _close_matches(self, kind: str, name: str) -> list[Row]:
        """The objects of ``kind`` whose name or label values hold every word of ``name``."""
        call = FindArgs(text=name, kind=kind)
        listing = await self.inner.read(KUBECTL, {"command": find_command(call)})
        return matching(call, of_kind(call, parse_rows(listing.output))) if listing.ok else []

    async def _exists(self, kind: str, name: str, namespace: str) -> bool:
        found = await self._lines(f"get {kind}/{name} -n {namespace} --ignore-not-found -o name")
        return bool(found)

    async def _container(self, kind: str, name: str, namespace: str, given: str | None) -> str | None:
        """The container to change: the one named if it exists, else the only one there is.

        A small model fills every field it is shown: the 1.5B model gave the namespace as the
        container's name. A workload with one container has one answer (the plan shows it).
        """
        jsonpath = "{.spec.template.spec.containers[*].name}"
        names = " ".join(
            await self._lines(f"get {kind}/{name} -n {namespace} -o jsonpath={jsonpath}")
        ).split()
        if given in names or (given and not names):
            return given
        if len(names) == 1:
            return names[0]
        if names:
            missing = f" ({given} is not one of them)" if given else ""
            raise ValueError(
                f"{kind} {name} has several containers ({', '.join(names)}): give container{missing}"
            )
        return None

    async def cluster_context(self) -> ClusterContext:
        """The inner toolbox's context."""
        return await self.inner.cluster_context()

    async def execute(self, change: ProposedChange) -> ChangeResult:
        """Changes are the inner toolbox's ``run_kubectl`` changes: it runs them."""
        return await self.inner.execute(change)

    async def verify(self, change: ProposedChange, result: ChangeResult) -> Verification:
        """The inner toolbox's verification of the compiled command."""
        return await self.inner.verify(change, result)

    async def reconcile(self, change: ProposedChange) -> ReconcileOutcome:
        """The inner toolbox's reconciliation of the compiled command."""
        return await self.inner.reconcile(change)
