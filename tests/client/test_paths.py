"""A thread id from anyone (a person, a calling agent) reaches that thread's route or none.

The server's router sees the path after the URL is parsed and percent-decoded (as uvicorn
hands it over), so these check the client's paths against Binks' real routes that way.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Match

from binks.client.paths import thread_path
from binks.errors import ThreadNotFound
from binks.server.app import create_app
from binks.settings import load_settings


def _flat(routes: list[BaseRoute]) -> list[BaseRoute]:
    """The app's routes, the included routers' own routes in their place (none have a prefix)."""
    flat: list[BaseRoute] = []
    for route in routes:
        included = getattr(route, "original_router", None)
        flat.extend(_flat(list(included.routes)) if included is not None else [route])
    return flat


ROUTES = _flat(list(create_app(load_settings(env_file=None, state_dir=Path("/nonexistent"))).routes))
SUFFIXES = [(), ("log",), ("messages",), ("decision",), ("resume",), ("cancel",), ("events",)]
PIECES = ["victim", "/", "..", ".", "%2F", "?", "#", "cancel", "log", "events", "%"]
IDS = st.one_of(
    st.text(min_size=1, max_size=30),
    st.lists(
        st.sampled_from(["victim", "/", "..", ".", "%2F", "?", "#", "cancel", "log", "events", "%"]),
        max_size=6,
    ).map("".join),
)


def _routed(path: str, method: str) -> list[tuple[str, dict[str, object]]]:
    """The routes the server would pick for a request to ``path`` (after decoding, as uvicorn)."""
    raw = httpx.URL("http://binks" + path).raw_path.split(b"?")[0]
    scope = {"type": "http", "path": unquote(raw.decode("ascii")), "method": method}
    found = []
    for route in ROUTES:
        match, child = route.matches(scope)
        if match is Match.FULL:
            found.append((getattr(route, "path", ""), dict(child.get("path_params", {}))))
    return found


@given(thread_id=IDS, suffix=st.sampled_from(SUFFIXES))
def test_a_thread_id_reaches_its_own_route_or_none(thread_id: str, suffix: tuple[str, ...]) -> None:
    method = "GET" if suffix in ((), ("log",), ("events",)) else "POST"
    if "/" in thread_id:
        with pytest.raises(ThreadNotFound, match="has no slashes"):
            thread_path(thread_id, *suffix)
        return
    routed = _routed(thread_path(thread_id, *suffix), method)
    expected = "/threads/{thread_id}" + "".join(f"/{part}" for part in suffix)
    assert routed in ([], [(expected, {"thread_id": thread_id})]), (thread_id, routed)


def test_an_id_that_spells_another_route_stays_one_id() -> None:
    assert _routed(thread_path("victim", "cancel"), "POST") == [
        ("/threads/{thread_id}/cancel", {"thread_id": "victim"})
    ]
    for spelling in ("victim/cancel?", "victim/log", "victim/events"):
        with pytest.raises(ThreadNotFound):
            thread_path(spelling)
    encoded = _routed(thread_path("victim%2Flog"), "GET")
    assert encoded == [("/threads/{thread_id}", {"thread_id": "victim%2Flog"})], "one id, as written"
    climbed = _routed(thread_path("..", "cancel"), "POST")
    assert climbed == [("/threads/{thread_id}/cancel", {"thread_id": ".."})]
