"""opencode's ``mcp`` entry for Binks, printed or merged into ``opencode.json`` in one step.

Two forms (opencode's config schema): ``local`` starts ``binks mcp`` as a subprocess (it
finds the server and key like the CLI does, so on the workstation nothing else is needed
and a laptop needs ``binks login`` once); ``remote`` talks to ``/mcp`` on ``binks serve``
with the key taken from the environment when opencode reads its config
(``{env:BINKS_API_KEY}``), so the key is never written into the file.

Merging keeps everything else in the file and replaces only ``mcp.<name>``. A file with
comments (JSONC) is not rewritten: the entry is shown for pasting instead.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from binks.errors import ConfigError

SCHEMA = "https://opencode.ai/config.json"
KEY_FROM_ENV = "Bearer {env:BINKS_API_KEY}"


def binks_command() -> str:
    """The ``binks`` executable to start: the one installed beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("binks")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("binks") or "binks"


def local_entry(command: str | None = None) -> dict[str, Any]:
    """``{"type": "local", "command": [binks, "mcp"]}``: opencode starts ``binks mcp``."""
    return {"type": "local", "command": [command or binks_command(), "mcp"], "enabled": True}


def remote_entry(url: str) -> dict[str, Any]:
    """``{"type": "remote", "url": .../mcp, "headers": ...}`` with the key from ``BINKS_API_KEY``."""
    base = url.rstrip("/")
    return {
        "type": "remote",
        "url": base if base.endswith("/mcp") else f"{base}/mcp",
        "headers": {"Authorization": KEY_FROM_ENV},
        "enabled": True,
    }


def global_config_path() -> Path:
    """Opencode's own config file: ``$XDG_CONFIG_HOME/opencode/opencode.json`` (or ``.jsonc``)."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "opencode"
    jsonc = base / "opencode.jsonc"
    plain = base / "opencode.json"
    return jsonc if jsonc.exists() and not plain.exists() else plain


def snippet(name: str, entry: dict[str, Any]) -> str:
    """The ``mcp`` block to paste into an ``opencode.json``."""
    return json.dumps({"$schema": SCHEMA, "mcp": {name: entry}}, indent=2)


def merge_into(path: Path, name: str, entry: dict[str, Any]) -> bool:
    """Set ``mcp.<name>`` in the file (created if missing); True when it changed anything."""
    config: dict[str, Any] = {"$schema": SCHEMA}
    if path.exists():
        text = path.read_text(encoding="utf-8")
        try:
            loaded = json.loads(text) if text.strip() else {}
        except ValueError as exc:
            raise ConfigError(
                f"{path} is not plain JSON ({exc.args[0]}; comments?), so Binks leaves it alone. "
                f'Add this under its "mcp" key by hand:\n{json.dumps({name: entry}, indent=2)}'
            ) from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path} does not hold a JSON object; fix it, then run this again")
        config = loaded
    servers = config.setdefault("mcp", {})
    if not isinstance(servers, dict):
        raise ConfigError(f'"mcp" in {path} is not an object; fix it, then run this again')
    if servers.get(name) == entry:
        return False
    servers[name] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.binks.tmp")
    tmp.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if path.exists():
        os.chmod(tmp, path.stat().st_mode & 0o777)
    os.replace(tmp, path)
    return True
