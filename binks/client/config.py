"""Where the client finds the server: ``BINKS_URL`` / ``BINKS_API_KEY``, then a config file.

``binks login URL`` writes ``~/.config/binks/client.toml`` (mode 0600, it holds the key), so
a laptop needs none of the server's settings. On the workstation itself nothing needs
configuring: the client falls back to ``http://127.0.0.1:8000`` (or ``API_HOST``/``API_PORT``)
and the key file the server writes into its state directory.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from binks.errors import ConfigError

DEFAULT_URL = "http://127.0.0.1:8000"


def config_path() -> Path:
    """The client config file: ``$XDG_CONFIG_HOME/binks/client.toml`` (``~/.config/...``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "binks" / "client.toml"


def _local_key_file() -> Path:
    """The key file a server on this machine writes (see ``Settings.api_key_file``)."""
    state = os.environ.get("BINKS_STATE_DIR")
    if state:
        return Path(state).expanduser() / "api-key"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "binks" / "api-key"


@dataclass(frozen=True)
class ClientConfig:
    """The server's base URL and API key, and where each came from (for error messages)."""

    url: str
    api_key: str | None
    source: str = "default"

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ConfigError(
                f"server URL {self.url!r} must start with http:// or https:// "
                "(set BINKS_URL or run 'binks login URL')"
            )
        object.__setattr__(self, "url", self.url.rstrip("/"))


def _read_file(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}; fix it or run 'binks login URL' again") from exc
    return {key: str(value) for key, value in data.items() if key in ("url", "api_key")}


def _fallback_url() -> str:
    """A server on this machine, at the address its own settings would bind."""
    host = os.environ.get("API_HOST", "127.0.0.1")
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    port = os.environ.get("API_PORT")
    return f"http://{host}:{port}" if port else DEFAULT_URL


def load_client_config(url: str | None = None, api_key: str | None = None) -> ClientConfig:
    """Resolve URL and key: explicit arguments, then the environment, then the file, then local."""
    path = config_path()
    stored = _read_file(path)
    candidates = [
        (url, "--url"),
        (os.environ.get("BINKS_URL"), "BINKS_URL"),
        (stored.get("url"), str(path)),
        (_fallback_url(), "default"),
    ]
    chosen_url, source = next((value, where) for value, where in candidates if value)
    if api_key is None:
        api_key = os.environ.get("BINKS_API_KEY") or stored.get("api_key")
    if api_key is None:
        key_file = _local_key_file()
        if key_file.is_file():
            api_key = key_file.read_text(encoding="utf-8").strip() or None
    return ClientConfig(url=chosen_url, api_key=api_key, source=source)


def _toml_string(value: str) -> str:
    """A TOML basic string; JSON's escapes are a subset TOML accepts for these values."""
    return json.dumps(value, ensure_ascii=False)


def save_client_config(url: str, api_key: str | None) -> Path:
    """Write the config file with mode 0600 (created that way, never world-readable)."""
    config = ClientConfig(url=url, api_key=api_key)
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = [f"url = {_toml_string(config.url)}"]
    if api_key:
        lines.append(f"api_key = {_toml_string(api_key)}")
    text = "# written by 'binks login'; holds the API key, keep it private\n" + "\n".join(lines) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    return path
