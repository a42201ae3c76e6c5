"""``find``: locate objects by a name or label fragment across every namespace.

Small models guess namespaces and names ("the checkout service" lives in ``shop``? in
``default``?) and then conclude that nothing exists. ``find`` answers the question they
should have asked first: which objects are called something like this, and where. When
nothing matches, it says which kinds and names do exist, so the next call can use a real
name. It is a read: one ``kubectl get`` over the common kinds, run through the same read
path as ``run_kubectl`` (classified, redacted, capped).
"""

from __future__ import annotations

import re
from collections import defaultdict

from pydantic import BaseModel, ConfigDict, Field

from binks.tools.resources import canonical

DEFAULT_KINDS = (
    "deployments",
    "statefulsets",
    "daemonsets",
    "services",
    "pods",
    "jobs",
    "cronjobs",
    "configmaps",
    "ingresses",
    "persistentvolumeclaims",
)
_COLUMNS = (
    "KIND:.kind,NAMESPACE:.metadata.namespace,NAME:.metadata.name,PHASE:.status.phase,"
    "CONDITIONS:.status.conditions[*].type,IMAGES:.spec.template.spec.containers[*].image,"
    "POD_IMAGES:.spec.containers[*].image,LABELS:.metadata.labels"
)
_NOISE = frozenset({"kube-root-ca.crt"})
_EMPTY = frozenset({"", "<none>"})
MAX_MATCHES = 25
MAX_LISTED = 12


class FindArgs(BaseModel):
    """Arguments of ``find``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    text: str = Field(min_length=1, max_length=100, description="Part of a name or label value.")
    kind: str | None = Field(None, max_length=60, description="Only this kind, e.g. deployment.")


DESCRIPTION = (
    "Find objects whose name, labels, image or state (Failed, Pending, ...) contain `text`, in"
    " every namespace. Use it before guessing."
)


def find_spec() -> dict[str, object]:
    """The OpenAI-style function spec of ``find``."""
    return {
        "type": "function",
        "function": {
            "name": "find",
            "description": DESCRIPTION,
            "parameters": {
                "type": "object",
                "properties": {"text": {"type": "string"}, "kind": {"type": "string"}},
                "required": ["text"],
            },
        },
    }


def find_command(call: FindArgs) -> str:
    """The kubectl read ``find`` runs: the kind asked for, and the common kinds besides.

    The 1.5B model, asked *what log level the gateway is configured with*, looked for
    ``gateway`` among Deployments only and never saw ``gateway-config``. The other kinds
    are read too, and named after the kind asked for.
    """
    kinds = [_plural(call.kind)] if call.kind else []
    kinds += [kind for kind in DEFAULT_KINDS if kind not in kinds]
    return f"get {','.join(kinds)} -A --no-headers -o custom-columns={_COLUMNS}"


def of_kind(call: FindArgs, rows: list[Row]) -> list[Row]:
    """The rows of the kind the call asks for (every row when it names none)."""
    if not call.kind:
        return rows
    wanted = canonical(call.kind)
    return [row for row in rows if canonical(row.kind) == wanted]


def _plural(kind: str) -> str:
    name = canonical(kind)
    return name if name.endswith("s") else f"{name}s"


class Row(BaseModel):
    """One object in ``find``'s listing."""

    kind: str
    namespace: str
    name: str
    labels: dict[str, str]
    state: str = ""
    """A pod's phase, a Job's ``Failed`` or ``Complete``; empty for other kinds."""
    images: list[str] = []
    """The containers' images of a workload or pod (asked about *the redis*, look for ``redis``)."""

    def line(self) -> str:
        """``job backup -n ops (app=backup) [Failed]``: the form a next call can copy, and the state."""
        labels = ",".join(f"{key}={value}" for key, value in sorted(self.labels.items()))
        where = f" -n {self.namespace}" if self.namespace not in ("", "<none>") else ""
        state = f" [{self.state}]" if self.state else ""
        images = f" image {','.join(self.images)}" if self.images else ""
        return f"{self.kind.lower()} {self.name}{where}" + (f" ({labels})" if labels else "") + images + state


def parse_rows(output: str) -> list[Row]:
    """The rows of the custom-columns listing (``map[app:web tier:front]`` labels)."""
    rows: list[Row] = []
    for line in output.splitlines():
        parts = line.split(None, 7)
        if len(parts) < 3 or parts[2] in _NOISE:
            continue
        phase, conditions, template_images, pod_images, labels_text = [*parts[3:], "", "", "", "", ""][:5]
        images = [image for image in f"{template_images},{pod_images}".split(",") if image not in _EMPTY]
        labels = dict(re.findall(r"([\w./-]+):([\w.-]*)", labels_text.removeprefix("map[").removesuffix("]")))
        rows.append(
            Row(
                kind=parts[0],
                namespace=parts[1],
                name=parts[2],
                labels=labels,
                state=_state(phase, conditions),
                images=images,
            )
        )
    return rows


def _state(phase: str, conditions: str) -> str:
    """What ``find`` shows and matches as an object's state.

    Asked *which jobs failed*, the 1.5B model called ``find`` with the text ``failed``.
    """
    if phase not in ("", "<none>"):
        return phase
    types = conditions.split(",")
    return next((kind for kind in ("Failed", "Complete") if kind in types), "")


def _matches(row: Row, words: list[str]) -> bool:
    pairs = [f"{key}={value}" for key, value in row.labels.items()]  # "tier=frontend", as people write it
    haystack = " ".join([row.name, *pairs, row.state, *row.images]).lower()
    return all(word in haystack for word in words)


def matching(call: FindArgs, rows: list[Row]) -> list[Row]:
    """The rows whose name or label values hold every word of the call's text."""
    words = [word for word in re.split(r"[\s/_]+", call.text.lower()) if word]
    return [row for row in rows if _matches(row, words)]


def answer(call: FindArgs, rows: list[Row]) -> str:
    """What ``find`` tells the model: the matches, or what exists when nothing matched."""
    kind_rows = of_kind(call, rows)
    found = matching(call, kind_rows)
    others = [row for row in matching(call, rows) if row not in kind_rows][:MAX_LISTED]
    also = "".join(f"\n{row.line()}" for row in others)
    if found:
        shown = "\n".join(row.line() for row in found[:MAX_MATCHES])
        more = (
            f"\n(+{len(found) - MAX_MATCHES} more; add kind or a longer text)"
            if len(found) > MAX_MATCHES
            else ""
        )
        besides = f"\nOther kinds matching {call.text!r}:{also}" if also else ""
        return f"Found {len(found)} object(s) matching {call.text!r}:\n{shown}{more}{besides}\n"
    if also:
        return f"No {call.kind} matches {call.text!r}; other kinds do:{also}\n"
    by_kind: dict[str, list[str]] = defaultdict(list)
    for row in kind_rows:
        if row.namespace not in ("kube-system", "kube-public", "kube-node-lease"):
            # `NAME -n NAMESPACE`, the form a call takes: `namespace/name` made a small model
            # take the namespace for the name.
            by_kind[row.kind.lower()].append(f"{row.name} -n {row.namespace}")
    if not by_kind:
        return (
            f"Nothing matches {call.text!r}, and there are no objects of those kinds outside kube-system.\n"
        )
    listed = "\n".join(
        f"- {kind}: {', '.join(names[:MAX_LISTED])}"
        + (f" (+{len(names) - MAX_LISTED})" if len(names) > MAX_LISTED else "")
        for kind, names in sorted(by_kind.items())
    )
    return f"Nothing matches {call.text!r}. What exists:\n{listed}\n"
