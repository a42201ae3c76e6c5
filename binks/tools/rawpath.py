"""API paths given to ``--raw``, normalised the way they reach the API server, then judged.

``get --raw /api/v1/namespaces/x/services/web:80/%70roxy/`` once passed the proxy check,
because the check read the path as written while kubectl decoded ``%70`` to ``p`` on the
way. So a raw path is normalised before any rule looks at it: percent-decoded until it
stops changing, ``.`` and ``..`` resolved, empty segments dropped, lowercased (over-matching
is the safe side), the query split off. Rules then compare whole segments.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from binks.errors import CommandRefused

#: Subresources that reach into a workload or a node: proxies, shells, tunnels.
REACHING = frozenset({"proxy", "exec", "attach", "portforward", "port-forward"})
_DECODE_ROUNDS = 8


@dataclass(frozen=True)
class RawPath:
    """A ``--raw`` value as the API server will see it."""

    segments: tuple[str, ...]
    query: str

    @property
    def reaches_workloads(self) -> bool:
        """True when the path goes through a proxy, exec, attach or port-forward subresource."""
        return any(segment.split(":", 1)[0] in REACHING for segment in self.segments)

    @property
    def names_secrets(self) -> bool:
        """True when the path reads Secrets (``/api/v1/.../secrets...``)."""
        return "secrets" in self.segments

    @property
    def watches(self) -> bool:
        """True for a watch (``?watch=true`` or a ``/watch/`` path): it streams forever."""
        return "watch" in self.segments[:4] or "watch" in self.query


def normalise_raw(value: str) -> RawPath:
    """Normalise a ``--raw`` value; ``CommandRefused`` when it is not an API path."""
    text = value.strip()
    for _ in range(_DECODE_ROUNDS):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    else:
        raise CommandRefused(f"refused --raw {value!r}: it is encoded too many times to be read")
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        raise CommandRefused(f"refused --raw {value!r}: give an API path that starts with one '/'")
    path, _, query = text.partition("?")
    path = path.partition("#")[0].replace(";", "/")
    segments: list[str] = []
    for segment in path.lower().split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    return RawPath(tuple(segments), query.lower())
