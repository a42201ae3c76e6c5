"""The URL path of a thread's routes, with the thread id as exactly one path segment.

Thread ids come from people and from calling agents (MCP's ``thread_id`` argument). Pasted
into a path unquoted, an id like ``abc/cancel?`` or ``..`` would reach another route or
another thread, so every character that could end or climb a segment is percent-encoded,
and an id with a slash is refused.
"""

from __future__ import annotations

from urllib.parse import quote

from binks.errors import ThreadNotFound


def thread_path(thread_id: str, *rest: str) -> str:
    """``/threads/<id>[/rest...]`` with the id encoded as one segment.

    The server decodes ``%2F`` back into ``/`` before routing, so an id holding a slash can
    name no thread: it is refused here rather than sent to whichever route it spells.
    """
    if "/" in thread_id:
        raise ThreadNotFound(
            f"no thread {thread_id!r}: a thread id has no slashes; 'binks threads' lists them"
        )
    segment = quote(thread_id, safe="")
    if not segment.strip("."):
        segment = segment.replace(".", "%2E")  # `.` and `..` would be resolved away by the URL
    return "/".join(["/threads", segment, *rest])
