"""The committed kubectl flag table matches the kubectl Binks ships."""

from __future__ import annotations

from typing import Any

import pytest

import binks.tools.kubectl_flags as committed
from tests.tools.kubectl_help import global_options, render, walk


@pytest.mark.slow
def test_flag_table_matches_shipped_kubectl() -> None:
    generated: dict[str, Any] = {}
    exec(render(list(walk()), global_options()), generated)
    names = [name for name in generated if name.isupper()]
    assert len(names) >= 10
    for name in names:
        assert generated[name] == getattr(committed, name), (
            f"kubectl's {name} changed: regenerate with "
            "`.venv/bin/python -m tests.tools.kubectl_help > binks/tools/kubectl_flags.py`"
        )
