"""The TUI against the real server (scripted model, in-memory cluster): approve and reject."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from binks.client import load_client_config
from binks.tui.app import BinksApp
from binks.tui.dialogs.approval import ApprovalCard
from binks.tui.dialogs.prompts import TextPrompt
from tests.fakes.binks_fixture import SCALE_WEB, RealBinks, answer
from tests.tui.pilot_helpers import conversation_text, until

Start = Callable[[list[dict[str, Any]]], RealBinks]


async def test_start_a_task_see_the_card_approve_and_the_change_is_verified(real_binks: Start) -> None:
    server = real_binks([SCALE_WEB, answer("web now runs 3 replicas")])
    app = BinksApp(config=load_client_config())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"scale web in shop to 3", "enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalCard), "the approval card")
        card = app.screen
        assert isinstance(card, ApprovalCard)
        assert card.pending.plan.steps[0].command() == "kubectl -n shop scale deployment/web --replicas=3"
        assert server.replicas() == 1
        await pilot.press("a")
        await until(pilot, lambda: "✔ verified" in conversation_text(pilot), "the verification", timeout=20)
        await until(pilot, lambda: "web now runs 3 replicas" in conversation_text(pilot), "the answer")
        assert "running s1: kubectl -n shop scale deployment/web --replicas=3" in conversation_text(pilot)
    assert server.replicas() == 3


async def test_reject_with_a_reason_changes_nothing(real_binks: Start) -> None:
    server = real_binks([SCALE_WEB, answer("All right, I left web alone.")])
    app = BinksApp(config=load_client_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"scale web in shop to 3", "enter")
        await until(pilot, lambda: isinstance(app.screen, ApprovalCard), "the approval card")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the reason prompt")
        await pilot.press(*"not during the sale", "enter")
        await until(pilot, lambda: "I left web alone" in conversation_text(pilot), "the answer", timeout=20)
        assert "rejected: not during the sale" in conversation_text(pilot)
    assert server.toolbox.mutations == [] and server.replicas() == 1
