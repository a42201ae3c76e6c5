"""The distribution installs ``binks.*`` only, with the manifests as package data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_holds_only_the_binks_package(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            str(ROOT),
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("binks-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.startswith("binks-")}
    assert top_level == {"binks"}
    for package in ("graph", "tools", "server", "tui", "checkpoints"):
        assert f"binks/{package}/__init__.py" in names
    assert "binks/manifests/__init__.py" in names
    assert {"binks/templates/binks.service", "binks/templates/dev.binks.serve.plist"} <= set(names)

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = (
        "import importlib.util, importlib.resources, binks, binks.tools.locate\n"
        f"assert binks.__file__.startswith({str(target)!r}), binks.__file__\n"
        "assert importlib.util.find_spec('graph') is None\n"
        "assert importlib.util.find_spec('tools') is None\n"
        "print(importlib.resources.files('binks.manifests').joinpath('__init__.py').is_file())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(target)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_editable_install_imports_from_another_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import binks.graph, binks.manifests; print(binks.graph.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(ROOT / "binks" / "graph" / "__init__.py")
