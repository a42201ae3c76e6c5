"""Take the workstation sources a command names, once: files, folders, URLs, kustomizations.

:mod:`binks.tools.sources` says what may be read and keeps the private copies; this module
reads them. :meth:`Capturer.check` runs when a call is assessed (no file is read yet, so a
refusal costs nothing); :meth:`Capturer.capture` runs when a read is made or a change is
prepared, and returns the bytes the plan carries.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from binks.errors import CommandRefused
from binks.settings import Settings
from binks.tools.argv import ParsedArgv
from binks.tools.kubectl import Kubectl
from binks.tools.kustomization import check_tree
from binks.tools.models import CapturedFile, CapturedSource
from binks.tools.redact import redact_text
from binks.tools.sources import (
    FILE_LIMIT_BYTES,
    TOTAL_LIMIT_BYTES,
    Named,
    SourcePolicy,
    captured_file,
    digest,
    folder_files,
    named_sources,
    read_regular,
)

#: The name a rendered kustomization has in its private copy.
RENDERED = "kustomization.rendered.yaml"


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://")) or "://" in value


class Capturer:
    """Checks and reads the sources of kubectl commands under one :class:`SourcePolicy`."""

    def __init__(self, settings: Settings, kubectl: Kubectl) -> None:
        self.settings = settings
        self.kubectl = kubectl
        self.policy = SourcePolicy.from_settings(settings)

    def check(self, parsed: ParsedArgv) -> None:
        """Refuse (``CommandRefused``) any source outside the allow-list, before anything is read."""
        for named in named_sources(parsed):
            self._check(named)

    def _check(self, named: Named) -> Path | None:
        if named.path in ("-", ""):
            raise CommandRefused(
                "refused reading from standard input: Binks gives kubectl no input. Name a manifest file "
                "under the allowed sources instead"
            )
        if _is_url(named.path):
            if named.kind != "filename":
                raise CommandRefused(f"refused {named.path!r}: only -f may name a URL")
            self.policy.check_url(named.path)
            return None
        real = self.policy.check_path(named.path)
        if named.kind == "kustomize":
            if not real.is_dir():
                raise CommandRefused(f"refused -k {named.path!r}: not a folder with a kustomization")
            check_tree(real, named.path, self._check_relative)
        elif real.is_dir() and named.kind not in ("filename", "from-file"):
            raise CommandRefused(f"refused {named.path!r}: a folder, where kubectl expects a file")
        return real

    def _check_relative(self, written: str, folder: Path) -> Path:
        path = Path(written)
        return self.policy.check_path(str(path if path.is_absolute() else folder / path))

    async def capture(self, parsed: ParsedArgv) -> list[CapturedSource]:
        """Read every source the command names; ``CommandRefused`` if one may not or cannot be."""
        sources: list[CapturedSource] = []
        total = 0
        for named in named_sources(parsed):
            real = self._check(named)
            source = await self._take(named, real, parsed)
            total += source.size
            if total > TOTAL_LIMIT_BYTES:
                limit = TOTAL_LIMIT_BYTES // (1024 * 1024)
                raise CommandRefused(f"refused: the command's files add up to more than {limit} MiB")
            sources.append(source)
        return sources

    async def _take(self, named: Named, real: Path | None, parsed: ParsedArgv) -> CapturedSource:
        if real is None:
            files = [await self._fetch(self.policy.check_url(named.path))]
            kind = "url"
        elif named.kind == "kustomize":
            files = [captured_file(RENDERED, await self._render(real, named.path))]
            kind = "kustomization"
        elif real.is_dir():
            manifests = named.kind == "filename"
            recursive = manifests and parsed.has("recursive", "-R")
            folder = Path(named.path.rstrip("/")).name or "folder"
            files = [
                captured_file(f"{folder}/{relative}", read_regular(path, named.path))
                for relative, path in folder_files(
                    real, named.path, recursive=recursive, manifests_only=manifests
                )
            ]
            kind = "folder"
        else:
            files = [captured_file(Path(named.path).name or "file", read_regular(real, named.path))]
            kind = "file"
        return CapturedSource(
            flag=named.kind, written=named.path, kind=kind, sha256=digest(files), files=files
        )

    async def _fetch(self, url: str) -> CapturedFile:
        """An allowed URL's body (no redirects: a redirect could leave the allowed prefix)."""
        timeout = self.settings.kubectl_timeout_s
        try:
            async with (
                httpx.AsyncClient(follow_redirects=False, timeout=timeout) as client,
                client.stream("GET", url) as response,
            ):
                if response.status_code != 200:
                    raise CommandRefused(f"could not fetch {url!r}: HTTP {response.status_code}")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > FILE_LIMIT_BYTES:
                        raise CommandRefused(f"refused {url!r}: larger than {FILE_LIMIT_BYTES // 1024} KiB")
        except httpx.HTTPError as exc:
            raise CommandRefused(f"could not fetch {url!r}: {type(exc).__name__}") from exc
        name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "source.yaml"
        return captured_file(name, bytes(body))

    async def _render(self, folder: Path, written: str) -> bytes:
        """``kubectl kustomize`` of a checked folder, with no helper programs on its PATH."""
        result = await self.kubectl.run(["kustomize", str(folder)], extra_env={"PATH": ""})
        if result.exit_code != 0:
            error = redact_text(result.stderr).strip().splitlines()[-1:] or ["no output"]
            raise CommandRefused(f"kustomize could not render {written!r}: {error[0][:300]}")
        return result.stdout.encode()
