"""Workstation files and URLs a kubectl command reads: allowed explicitly, captured once.

kubectl reads files and fetches URLs for its caller (``-f``, ``-k``, ``--from-file``,
``--from-env-file``, ``--patch-file``, ``--cert``/``--key``). Binks runs kubectl with its own
credentials on the workstation, so a model's ``create configmap x --from-file=/proc/self/environ
--dry-run=client -o yaml`` would print the server's environment (and API key), and
``get -f http://169.254.169.254/...`` would fetch a cloud metadata URL. So:

* only sources inside the **allow-list** are read: the manifests that ship with Binks plus
  ``BINKS_ALLOWED_SOURCES`` (folders, files, ``https://`` prefixes). The state dir, the
  kubeconfig and the files it names, ``~/.kube``, ``~/.ssh``, ``/proc``, ``/sys`` and
  ``/dev`` are never read, whatever the list says. Paths are resolved (symlinks, ``..``)
  before they are checked.
* an allowed source is **captured once**, when the step is prepared: its bytes and their
  SHA-256 go into the plan (so into the plan hash), and every later run of the step (the
  dry-run, the execution, the verification) gives kubectl those bytes from a private copy.
  A file edited after the person saw the diff, or a URL that answers differently, cannot
  change what runs. A kustomization is rendered once and applied as the rendered YAML, and
  may not name remote bases (kustomize would run git).
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, quote, unquote, urlsplit

from binks.errors import CommandRefused
from binks.settings import Settings
from binks.tools.argv import Flag, ParsedArgv
from binks.tools.models import CapturedFile, CapturedSource
from binks.tools.worker_job import agents_dir

FILE_LIMIT_BYTES = 1024 * 1024
TOTAL_LIMIT_BYTES = 4 * 1024 * 1024
MANIFEST_SUFFIXES = (".json", ".yaml", ".yml")
"""What kubectl reads from a folder given to ``-f`` (its ``FileExtensions``)."""

#: Flags whose value is a workstation path (or, for ``filename``, a URL), by canonical name.
PATH_FLAGS = {
    "filename": "filename",
    "-f": "filename",
    "kustomize": "kustomize",
    "-k": "kustomize",
    "from-file": "from-file",
    "from-env-file": "from-env-file",
    "patch-file": "patch-file",
    "cert": "cert",
    "key": "key",
}

#: Credentials in a home folder that no allow-list opens (cloud CLIs, registries, keys, Binks').
HOME_CREDENTIALS = (
    ".kube",
    ".ssh",
    ".aws",
    ".azure",
    ".docker",
    ".gnupg",
    ".config/gcloud",
    ".config/binks",
    ".config/helm",
    ".netrc",
    ".git-credentials",
    ".pgpass",
    ".local/share/binks",
)
#: System places no allow-list opens: process and device files, mounted service-account tokens.
SYSTEM_CREDENTIALS = ("/proc", "/sys", "/dev", "/var/run/secrets", "/run/secrets", "/etc/kubernetes")

ALLOWED_HELP = (
    "Binks lets kubectl read only the manifests that ship with it and the folders, files and URL "
    "prefixes in BINKS_ALLOWED_SOURCES"
)


def manifests_root(settings: Settings) -> Path:
    """The manifests that ship with Binks (or the configured folder): always allowed."""
    return agents_dir(settings).parent


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


@dataclass(frozen=True)
class SourcePolicy:
    """Which workstation paths and URLs kubectl may read, from the settings."""

    roots: tuple[Path, ...]
    urls: tuple[str, ...]
    denied: tuple[Path, ...]
    manifests: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> SourcePolicy:
        """The allow-list of the settings plus the shipped manifests, and the places never read."""
        manifests = manifests_root(settings)
        roots = [_real(manifests)]
        urls: list[str] = []
        for entry in settings.allowed_sources:
            if entry.startswith(("http://", "https://")):
                urls.append(entry)
            else:
                roots.append(_real(Path(entry).expanduser()))
        home = Path.home()
        denied = [settings.state_dir, settings.api_key_file, *(home / place for place in HOME_CREDENTIALS)]
        denied += [Path(place) for place in SYSTEM_CREDENTIALS]
        denied += [Path.cwd() / ".env"]  # Binks' own settings file
        kubeconfigs = [settings.effective_kubeconfig()]
        kubeconfigs += [Path(path) for path in os.environ.get("KUBECONFIG", "").split(os.pathsep) if path]
        for kubeconfig in kubeconfigs:
            if kubeconfig is not None:
                denied.append(kubeconfig.expanduser())
                denied.extend(_kubeconfig_files(kubeconfig.expanduser()))
        return cls(tuple(roots), tuple(urls), tuple(_real(path) for path in denied), manifests)

    def resolve(self, written: str) -> Path:
        """The real path a written path names; ``manifests/...`` means the shipped manifests."""
        path = Path(written).expanduser()
        if not path.is_absolute():
            parts = path.parts
            path = self.manifests.joinpath(*parts[1:]) if parts[:1] == ("manifests",) else Path.cwd() / path
        return _real(path)

    def check_path(self, written: str) -> Path:
        """The real path, if kubectl may read it; ``CommandRefused`` saying why not otherwise."""
        real = self.resolve(written)
        if _inside(real, self.denied):
            raise CommandRefused(
                f"refused {written!r}: Binks never lets kubectl read its own state or settings, the "
                "kubeconfig and its credentials, credential folders (~/.kube, ~/.ssh, ~/.aws, ~/.docker, "
                "...), /proc, /sys, /dev or mounted service-account tokens"
            )
        if not _inside(real, self.roots):
            raise CommandRefused(f"refused {written!r}: it is outside the allowed sources. {ALLOWED_HELP}.")
        return real

    def check_url(self, url: str) -> str:
        """The normalised URL to fetch, if it lies under an allowed prefix; ``CommandRefused`` if not.

        Both sides are normalised first (scheme and host case, default ports, percent-encoding,
        ``.`` and ``..`` segments) and compared part by part, on whole path segments, so
        ``https://host/allowed/../creds`` is not under ``https://host/allowed/``.
        """
        target = normalise_url(url)
        if target is not None:
            for prefix in self.urls:
                allowed = normalise_url(prefix)
                if allowed is not None and _under(target, allowed):
                    return target.geturl()
        raise CommandRefused(
            f"refused {url!r}: kubectl does not fetch URLs for Binks. {ALLOWED_HELP} (empty by default)."
        )


_CREDENTIAL_FILES = frozenset({"client-certificate", "client-key", "certificate-authority", "tokenFile"})


def normalise_url(url: str) -> SplitResult | None:
    """``url`` in one canonical spelling, or None when it is not a plain http(s) URL (userinfo too)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    default = {"http": 80, "https": 443}[scheme]
    host = parts.hostname.lower() + (f":{port}" if port not in (None, default) else "")
    path = unquote(parts.path) or "/"
    resolved = posixpath.normpath(path)
    if path.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    return SplitResult(scheme, host, quote(resolved.replace("//", "/")), parts.query, "")


def _under(target: SplitResult, allowed: SplitResult) -> bool:
    if (target.scheme, target.netloc) != (allowed.scheme, allowed.netloc):
        return False
    base = allowed.path if allowed.path.endswith("/") else allowed.path + "/"
    return target.path == allowed.path or target.path.startswith(base)


def _kubeconfig_files(kubeconfig: Path) -> list[Path]:
    """Files the kubeconfig names (client keys, certificates, token files): credentials too."""
    import yaml

    try:
        data = yaml.safe_load(kubeconfig.read_text())
    except (OSError, ValueError, yaml.YAMLError):
        return []
    found: list[Path] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and key in _CREDENTIAL_FILES:
                    found.append((kubeconfig.parent / value).expanduser())
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return found


@dataclass(frozen=True)
class Named:
    """A flag occurrence that names a workstation source."""

    flag: Flag
    kind: str
    """Canonical flag: filename, kustomize, from-file, ..."""
    key: str | None
    """The ``key=`` part of ``--from-file=key=path``."""
    path: str


def named_sources(parsed: ParsedArgv) -> list[Named]:
    """Every workstation path or URL the command names, in argv order."""
    found: list[Named] = []
    for flag in parsed.flags:
        kind = PATH_FLAGS.get(flag.name)
        if kind is None or flag.value is None:  # `logs -f` follows: no value
            continue
        if kind == "key" and parsed.path != ("create", "secret", "tls"):
            continue
        key, path = None, flag.value
        if kind == "from-file" and "=" in flag.value:
            key, _, path = flag.value.partition("=")
        found.append(Named(flag, kind, key, path))
    if parsed.path == ("kustomize",):
        directory = parsed.positionals[0] if parsed.positionals else "."
        found.append(Named(Flag("kustomize", directory), "kustomize", None, directory))
    return found


def digest(files: Iterable[CapturedFile]) -> str:
    """SHA-256 over the files' names and hashes, in order."""
    total = hashlib.sha256()
    for file in files:
        total.update(f"{file.path}\0{file.sha256}\n".encode())
    return total.hexdigest()


def captured_file(path: str, data: bytes) -> CapturedFile:
    """A file's bytes as the plan carries them."""
    return CapturedFile(
        path=path, sha256=hashlib.sha256(data).hexdigest(), content=base64.b64encode(data).decode()
    )


def read_regular(real: Path, written: str) -> bytes:
    """A regular file's bytes within the size limit; ``CommandRefused`` for anything else."""
    try:
        info = real.stat()
    except OSError as exc:
        raise CommandRefused(f"cannot read {written!r}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise CommandRefused(f"refused {written!r}: not a regular file")
    if info.st_size > FILE_LIMIT_BYTES:
        raise CommandRefused(f"refused {written!r}: larger than {FILE_LIMIT_BYTES // 1024} KiB")
    try:
        return real.read_bytes()
    except OSError as exc:
        raise CommandRefused(f"cannot read {written!r}: {exc.strerror or exc}") from exc


def folder_files(
    real: Path, written: str, *, recursive: bool, manifests_only: bool
) -> list[tuple[str, Path]]:
    """The files kubectl would read from a folder: ``-f DIR`` (manifests, ``-R``) or ``--from-file=DIR``."""
    found: list[tuple[str, Path]] = []
    walker = sorted(real.rglob("*")) if recursive else sorted(real.iterdir())
    for item in walker:
        if manifests_only and item.suffix not in MANIFEST_SUFFIXES:
            continue
        if item.is_symlink() or not item.is_file():
            continue
        found.append((str(item.relative_to(real)), item))
    if not found:
        raise CommandRefused(f"refused {written!r}: the folder holds no file kubectl would read")
    return found


class SourceStore:
    """Private copies of captured sources, where kubectl reads them at every run of a step.

    Copies live in a folder only this process's user can read, one sub-folder per source
    hash, written once and checked against the hash before each use.
    """

    def __init__(self) -> None:
        self._root: Path | None = None

    @property
    def root(self) -> Path:
        """The private folder (made on first use, mode 0700)."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="binks-sources-"))
        return self._root

    def place(self, source: CapturedSource) -> Path:
        """The copy of ``source`` (a file or a folder), written if needed, hash-checked."""
        if digest(source.files) != source.sha256:
            raise CommandRefused(f"the captured copy of {source.written!r} does not match its hash: not run")
        base = self.root / source.sha256
        for file in source.files:
            data = base64.b64decode(file.content)
            if hashlib.sha256(data).hexdigest() != file.sha256:
                raise CommandRefused(f"the captured copy of {source.written!r} was altered: not run")
            target = base / file.path
            if target.exists() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_bytes(data)
            temporary.chmod(0o400)
            temporary.replace(target)
        if source.kind == "folder":
            return base / _folder_name(source.written)
        return base / source.files[0].path

    def close(self) -> None:
        """Remove the copies."""
        if self._root is not None:
            import shutil

            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


def _folder_name(written: str) -> str:
    return Path(written.rstrip("/")).name or "folder"


def rewrite(parsed: ParsedArgv, sources: list[CapturedSource], store: SourceStore) -> list[str]:
    """The argv with every captured source replaced by its private copy (``-k`` becomes ``-f``)."""
    argv = list(parsed.argv)
    by_position = {(source.flag, source.written): source for source in sources}
    for named in named_sources(parsed):
        source = by_position.get((named.kind, named.path))
        if source is None:
            raise CommandRefused(f"{named.path!r} was not captured when the step was prepared: not run")
        copy = str(store.place(source))
        flag = named.flag
        if parsed.path == ("kustomize",):
            continue  # the rendered output is the command's whole answer; kubectl is not run again
        value = f"{named.key}={copy}" if named.key is not None else copy
        if named.kind == "kustomize":
            if flag.value_word == flag.word:
                argv[flag.word] = f"--filename={copy}"
            else:
                argv[flag.word] = "--filename"
                argv[flag.value_word] = copy
            continue
        word = argv[flag.value_word]
        argv[flag.value_word] = word[: flag.offset] + value
    return argv


__all__ = [
    "ALLOWED_HELP",
    "CapturedFile",
    "CapturedSource",
    "Named",
    "SourcePolicy",
    "SourceStore",
    "captured_file",
    "digest",
    "folder_files",
    "named_sources",
    "read_regular",
    "rewrite",
]
