from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from binks.errors import ConfigError
from binks.tools.locate import find_kubectl


def test_kubectl_ships_with_binks() -> None:
    kubectl = find_kubectl()
    result = subprocess.run([str(kubectl), "version", "--client"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "Client Version: v1." in result.stdout


def test_override_must_be_executable(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError, match="BINKS_KUBECTL"):
        find_kubectl(str(missing))
    script = tmp_path / "kubectl"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert find_kubectl(str(script)) == script
