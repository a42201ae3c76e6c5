"""Snapshot checks of what a person sees: the screen as text, and as SVG for people to look at.

The text is compared always; the SVG only with the Textual version it was recorded with
(its markup changes between versions). ``BINKS_UPDATE_SNAPSHOTS=1`` rewrites both.
"""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

import textual
from rich.console import Console
from textual.app import App

HERE = Path(__file__).parent / "snapshots"


def render(app: App[int]) -> tuple[str, str]:
    """The current screen as plain text and as SVG, from one render."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    text = console.export_text(clear=False, styles=False)
    svg = console.export_svg(title="binks tui")
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n", svg


def assert_snapshot(app: App[int], name: str) -> None:
    """Compare the screen with ``snapshots/NAME.txt`` (and ``NAME.svg`` on the same Textual)."""
    text, svg = render(app)
    text_file, svg_file, version_file = HERE / f"{name}.txt", HERE / f"{name}.svg", HERE / "textual-version"
    if os.environ.get("BINKS_UPDATE_SNAPSHOTS") == "1" or not text_file.exists():
        HERE.mkdir(exist_ok=True)
        text_file.write_text(text)
        svg_file.write_text(svg)
        version_file.write_text(textual.__version__ + "\n")
        if os.environ.get("BINKS_UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(f"new snapshot {text_file.name} written: look at it, then commit it")
    expected = text_file.read_text()
    if text != expected:
        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), text.splitlines(True), "expected", "actual")
        )
        raise AssertionError(
            f"screen differs from {text_file.name} (BINKS_UPDATE_SNAPSHOTS=1 to accept):\n{diff}"
        )
    if version_file.read_text().strip() == textual.__version__:
        assert svg == svg_file.read_text(), f"{svg_file.name} differs (same text: colours or styles changed)"
