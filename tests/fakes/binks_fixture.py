"""The ``fake_binks`` fixture: a contract-speaking server on loopback, with the client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.binks_api import API_KEY, FakeBinks, LiveFake, create_fake_app
from tests.fakes.live_server import serve


@pytest.fixture
def fake_binks(monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveFake]:
    """Serve a fresh :class:`FakeBinks`; ``BINKS_URL`` and ``BINKS_API_KEY`` point at it."""
    fake = FakeBinks()
    with serve(create_fake_app(fake)) as url:
        monkeypatch.setenv("BINKS_URL", url)
        monkeypatch.setenv("BINKS_API_KEY", API_KEY)
        yield LiveFake(fake=fake, url=url)
