"""The API key: where it comes from, how a request proves it, and the id the audit log keeps.

There is no "auth off". The key is ``BINKS_API_KEY`` when set (service managers, tests),
otherwise the key file in the state dir, generated with mode 0600 on first start. A request
sends it as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; it is compared in
constant time. ``binks key --rotate`` replaces the file; the server notices the new file
(by its modification time) on the next request, so rotating needs no restart.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from binks.errors import ConfigError
from binks.settings import Settings

logger = logging.getLogger(__name__)

KEY_BYTES = 32


def key_id(key: str) -> str:
    """A short, stable, non-secret name for a key: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def write_key_file(path: Path) -> str:
    """Write a fresh random key to ``path`` (mode 0600, replacing atomically) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_urlsafe(KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, (key + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return key


def read_key_file(path: Path) -> str:
    """The key stored in ``path``; refuses an empty file or one others can read."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(
            f"the API key file {path} is readable by others (mode {mode:o}); run: chmod 600 {path}"
        )
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ConfigError(f"the API key file {path} is empty; run: binks key --rotate")
    return key


@dataclass
class KeySource:
    """Where this server's key comes from; :meth:`current` follows a rotated key file."""

    settings: Settings
    created: bool = False
    _key: str = ""
    _mtime_ns: int = -1

    @classmethod
    def load(cls, settings: Settings) -> KeySource:
        """Take ``BINKS_API_KEY``, or read the key file, making it on first start."""
        source = cls(settings)
        if settings.api_key is not None:
            key = settings.api_key.get_secret_value().strip()
            if len(key) < 16:
                raise ConfigError("BINKS_API_KEY is shorter than 16 characters; use a long random key")
            source._key = key
            return source
        path = settings.api_key_file
        if not path.exists():
            write_key_file(path)
            source.created = True
            logger.warning(
                "generated an API key in %s (mode 0600). Clients send it as "
                "'Authorization: Bearer <key>' or 'X-API-Key: <key>'; 'binks key' shows it.",
                path,
            )
        source.current()
        return source

    @property
    def from_env(self) -> bool:
        """True when the key is ``BINKS_API_KEY`` rather than the key file."""
        return self.settings.api_key is not None

    def current(self) -> str:
        """The key in force now (re-read when the key file changed)."""
        if self.from_env:
            return self._key
        path = self.settings.api_key_file
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError as exc:
            raise ConfigError(f"the API key file {path} is gone; run: binks key --rotate") from exc
        if mtime != self._mtime_ns:
            self._key = read_key_file(path)
            self._mtime_ns = mtime
        return self._key

    def check(self, offered: str | None) -> str | None:
        """The key id when ``offered`` is the key, else None (constant-time comparison)."""
        if not offered:
            return None
        key = self.current()
        if hmac.compare_digest(offered.encode(), key.encode()):
            return key_id(key)
        return None
