from __future__ import annotations

from binks.client import load_client_config
from binks.tui.app import BinksApp
from binks.tui.dialogs.approval import ApprovalCard
from binks.tui.dialogs.prompts import TextPrompt
from binks.tui.widgets.status_line import StatusLine
from binks.tui.widgets.thread_list import ThreadItem
from tests.fakes.binks_api import LiveFake
from tests.tui.pilot_helpers import conversation_text, until


def card_shown(app: BinksApp) -> bool:
    return isinstance(app.screen, ApprovalCard)


async def test_a_task_brings_up_the_card_and_approving_all_runs_and_verifies(fake_binks: LiveFake) -> None:
    app = BinksApp(config=load_client_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"scale web to 3", "enter")
        await until(pilot, lambda: card_shown(app), "the approval card")
        assert app.focused is not None and app.focused.id == "later"
        await pilot.press("enter")  # a stray Enter lands on "Decide later"
        await until(pilot, lambda: not card_shown(app), "the card to close")
        assert fake_binks.fake.mutations == [] and fake_binks.fake.decisions == []
        await pilot.press("f2")
        await until(pilot, lambda: card_shown(app), "the card again")
        await pilot.press("a")
        await until(pilot, lambda: "verified" in conversation_text(pilot), "the verification")
        await until(pilot, lambda: "Done: 2 step(s)" in conversation_text(pilot), "the answer")
    assert fake_binks.fake.mutations == ["s1", "s2"]


async def test_rejecting_asks_why_and_changes_nothing(fake_binks: LiveFake) -> None:
    app = BinksApp(config=load_client_config())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"scale web", "enter")
        await until(pilot, lambda: card_shown(app), "the approval card")
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the reason prompt")
        await pilot.press(*"not now", "enter")
        await until(pilot, lambda: "rejected: not now" in conversation_text(pilot), "the rejection")
    assert fake_binks.fake.mutations == []
    assert fake_binks.fake.decisions[0]["action"] == "reject"


async def test_selecting_steps_approves_only_the_ticked_ones(fake_binks: LiveFake) -> None:
    app = BinksApp(config=load_client_config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"scale web", "enter")
        await until(pilot, lambda: card_shown(app), "the approval card")
        await pilot.press("s")  # nothing ticked yet: focus moves to the first tick box
        assert app.focused is not None and app.focused.id == "pick-s1"
        await pilot.press("space", "s")
        await until(pilot, lambda: fake_binks.fake.mutations == ["s1"], "step s1 to run")
        await until(pilot, lambda: "Done: 1 step(s)" in conversation_text(pilot), "the answer")


async def test_editing_a_step_shows_the_new_dry_run_before_anything_runs(fake_binks: LiveFake) -> None:
    app = BinksApp(config=load_client_config())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"scale web", "enter")
        await until(pilot, lambda: card_shown(app), "the approval card")
        first = app.screen
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the edit prompt")
        await pilot.press("backspace", "2", "enter")
        await until(
            pilot, lambda: card_shown(app) and app.screen is not first, "the card for the edited plan"
        )
        assert isinstance(app.screen, ApprovalCard)
        assert (
            app.screen.pending.plan.steps[0].command() == "kubectl -n shop scale deployment/web --replicas=2"
        )
        assert fake_binks.fake.commands == []
        await pilot.press("a")
        await until(pilot, lambda: bool(fake_binks.fake.commands), "the edited step to run")
    assert fake_binks.fake.decisions[0]["edits"] == {
        "s1": {"command": "kubectl -n shop scale deployment/web --replicas=2"}
    }
    assert fake_binks.fake.commands[0] == "kubectl -n shop scale deployment/web --replicas=2"


async def test_opening_a_thread_by_id_shows_its_pending_card(fake_binks: LiveFake) -> None:
    from binks.client import BinksClient

    with BinksClient() as client:
        thread = client.start_thread("scale web from elsewhere").thread_id
    app = BinksApp(config=load_client_config(), thread_id=thread)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: card_shown(app), "the card of the pending thread")
        await pilot.press("escape")
        await until(pilot, lambda: bool(app.screen.query(ThreadItem)), "the sidebar")
        item = app.screen.query(ThreadItem).first()
        assert item.thread.thread_id == thread and item.has_class("-approval")
        assert app.screen.query_one(StatusLine).thread == thread
    assert fake_binks.fake.mutations == []


async def test_a_lost_server_shows_as_reconnecting_and_the_app_carries_on() -> None:
    import asyncio

    from binks.client import ClientConfig
    from tests.fakes.binks_api import API_KEY, FakeBinks, create_fake_app
    from tests.fakes.live_server import free_port, serve

    fake = FakeBinks()
    port = free_port()
    first_life = serve(create_fake_app(fake), port=port)
    first_life.__enter__()
    app = BinksApp(config=ClientConfig(url=f"http://127.0.0.1:{port}", api_key=API_KEY))
    async with app.run_test(size=(80, 24)) as pilot:
        status = app.screen.query_one(StatusLine)
        await pilot.press(*"scale web", "enter")
        await until(pilot, lambda: card_shown(app), "the approval card")
        await pilot.press("escape")
        await asyncio.to_thread(first_life.__exit__, None, None, None)
        await until(pilot, lambda: status.connection == "reconnecting", "the reconnecting status")
        assert app.is_running
        fake.rebind()
        with serve(create_fake_app(fake), port=port):
            await until(pilot, lambda: status.connection == "connected", "the reconnection")
            await pilot.press("f2")
            await until(pilot, lambda: card_shown(app), "the card after the restart")
            await pilot.press("a")
            await until(pilot, lambda: "Done: 2 step(s)" in conversation_text(pilot), "the answer")
    assert fake.mutations == ["s1", "s2"]
