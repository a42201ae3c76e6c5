"""What the model and the cluster write cannot drive the person's terminal or hide a command."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from binks.client.models import PendingApproval, PlanStep, StreamEvent
from binks.client.printable import printable
from binks.terminal.display import HumanDisplay

ESCAPES = st.sampled_from(
    [
        "\x1b[1A",
        "\x1b[2K",
        "\x1b[1;1r",
        "\x1b]8;;http://x\x1b\\",
        "\x9b2J",
        "\u202e",
        "\u2066",
        "\u200b",
        "\r",
        "\x07",
    ]
)


@given(st.lists(st.one_of(ESCAPES, st.text(alphabet="abc $-", max_size=5)), max_size=12))
def test_printable_text_has_no_control_or_direction_characters(parts: list[str]) -> None:
    shown = printable("".join(parts))
    assert not any(char in shown for char in "\x1b\x9b\u202e\u2066\u200b\r\x07")


@given(st.lists(ESCAPES, min_size=1, max_size=5))
def test_model_text_and_tool_output_cannot_drive_the_terminal(escapes: list[str]) -> None:
    out = io.StringIO()
    display = HumanDisplay(out)
    display.console = Console(file=out, force_terminal=True, highlight=False)  # a person's terminal
    text = "Checking." + "".join(escapes) + "$ kubectl get pods   (read)"
    display.event(StreamEvent(seq=1, thread_id="t", event="model_token", data={"text": text}))
    display.event(StreamEvent(seq=2, thread_id="t", event="tool_result", data={"name": "x", "output": text}))
    display.close()
    written = out.getvalue()
    assert [escape for escape in escapes if escape in written] == []


def test_the_card_shows_every_word_that_runs() -> None:
    step = PlanStep.model_validate(
        {"id": "s1", "tool": "run_kubectl", "argv": ["kubectl", "delete", "ns", "prod"]}
    )
    assert step.command() == "kubectl kubectl delete ns prod"
    pending = PendingApproval.model_validate(
        {
            "interrupt_id": "i",
            "plan_hash": "h",
            "plan": {"steps": [{"id": "s1", "argv": ["delete", "pod", "web\u202e"]}], "summary": "x\x1b[2K"},
        }
    )
    assert "\u202e" not in pending.plan.steps[0].command() and "\x1b" not in pending.plan.summary
