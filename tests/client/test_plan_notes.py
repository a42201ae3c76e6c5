"""The approval card warns when part of a command is hidden and names every captured file."""

from __future__ import annotations

from rich.console import Console

from binks.client.models import PlanStep
from binks.terminal.render import step_block


def _shown(step: PlanStep) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(step_block(1, step))
    return console.export_text()


def test_hidden_parts_and_captured_files_are_on_the_card() -> None:
    step = PlanStep.model_validate(
        {
            "id": "s1",
            "argv": ["apply", "-f", "manifests/app.yaml", "-p", "<redacted>"],
            "hidden": ["the patch argument (120 bytes) of a Secret"],
            "sources": [
                {
                    "flag": "filename",
                    "written": "manifests/app.yaml",
                    "kind": "file",
                    "sha256": "ab" * 32,
                    "files": [{}],
                }
            ],
        }
    )
    text = _shown(step)
    assert "hidden: the patch argument (120 bytes) of a Secret" in text
    assert "filename manifests/app.yaml captured" in text and "abababababab" in text


def test_a_plain_step_has_no_notes() -> None:
    assert (
        PlanStep.model_validate({"id": "s1", "argv": ["scale", "deploy/web", "--replicas=3"]}).notes() == []
    )
