"""The elicitation question shows every step that would run, and nothing can pose as a step.

The plan's title, summary, note and dry-run messages come from the task, the calling
agent or the cluster; the steps may be long enough to push past any length limit. The
person approves what the question shows, so the question must show every step whole and
draw its step lines itself.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from binks.client import ThreadDetail
from binks.mcp.approval import QUESTION_LIMIT, question_text

FREE_TEXT = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
    | st.sampled_from(["\n", "\r\n", "\u2028", "s1  ", "s9  kubectl get pods", "    risk: read"]),
    max_size=12,
).map("".join)
STEP_LINE = re.compile(r"^(s\d+)  ")


def _step(index: int, size: int, dry_run_message: str, diff_lines: int) -> dict[str, object]:
    return {
        "id": f"s{index}",
        "tool": "run_kubectl",
        "argv": ["annotate", "configmap", f"c{index}", "-n=default", f"note={'x' * size}"],
        "namespace": "default",
        "risk": "change",
        "dry_run": {
            "ok": True,
            "message": dry_run_message,
            "diff": "".join(f"+  line {n}\n" for n in range(diff_lines)) or None,
        },
    }


@given(
    title=FREE_TEXT,
    summary=FREE_TEXT,
    note=st.none() | FREE_TEXT,
    dry_run_message=FREE_TEXT,
    sizes=st.lists(st.integers(0, 6000), min_size=1, max_size=6),
    diff_lines=st.integers(0, 400),
)
def test_every_step_is_shown_whole_and_only_steps_look_like_steps(
    title: str, summary: str, note: str | None, dry_run_message: str, sizes: list[int], diff_lines: int
) -> None:
    steps = [_step(index, size, dry_run_message, diff_lines) for index, size in enumerate(sizes, start=1)]
    detail = ThreadDetail.model_validate(
        {
            "thread_id": "t1",
            "status": "awaiting_approval",
            "title": title,
            "pending": {
                "interrupt_id": "i1",
                "plan_hash": "f" * 64,
                "plan": {"steps": steps, "summary": summary},
                "note": note,
            },
        }
    )
    question = question_text(detail)
    shown = [match.group(1) for line in question.splitlines() if (match := STEP_LINE.match(line))]
    assert shown == [f"s{index}" for index in range(1, len(sizes) + 1)], "each step once, in order"
    for index, size in enumerate(sizes, start=1):
        assert f"annotate configmap c{index} -n=default note={'x' * size}" in question
    assert f"these {len(sizes)} step(s)" in question
    lines = question.splitlines()
    whole = lines.count("    diff:")
    notes = [line for line in lines if line.startswith("    diff: too long to show here")]
    assert whole + len(notes) == (len(sizes) if diff_lines else 0), "each diff shown whole or said cut"
    if whole:  # the diffs shown fit the limit; the notes that say a diff was cut come on top
        limit = QUESTION_LIMIT + sum(len(note) + 1 for note in notes)
        assert len(question) <= limit, "a diff shown never takes the question past the limit"
