from __future__ import annotations

import pytest
from textual.widgets import Input

from binks.tui.app import BinksApp
from binks.tui.dialogs.approval import ApprovalCard
from binks.tui.widgets.thread_list import ThreadItem
from tests.tui.canned import CannedClient
from tests.tui.pilot_helpers import until
from tests.tui.snapshots import assert_snapshot


@pytest.mark.parametrize(("size", "theme"), [((80, 24), "textual-dark"), ((120, 36), "textual-light")])
async def test_main_screen_and_approval_card(size: tuple[int, int], theme: str) -> None:
    client = CannedClient()
    app = BinksApp(client=client, thread_id="t3")
    async with app.run_test(size=size) as pilot:
        app.theme = theme
        await until(pilot, lambda: isinstance(app.screen, ApprovalCard), "the approval card")
        await pilot.pause()
        label = f"{size[0]}x{size[1]}-{theme.removeprefix('textual-')}"
        assert_snapshot(app, f"approval-card-{label}")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ApprovalCard), "the card to close")
        await until(pilot, lambda: len(app.screen.query(ThreadItem)) == 3, "the sidebar")
        app.screen.query_one(Input).cursor_blink = False
        app.clear_notifications()
        await pilot.pause()
        assert_snapshot(app, f"main-{label}")
    assert client.decisions == []
