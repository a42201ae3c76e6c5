"""Fetch a unified diff from a forge's HTTP API, standard library only (no git in the image).

Sources, from the task parameters:

- GitHub (``forge: github``, the default): ``repo`` (``owner/name``) with ``base`` and
  ``head`` uses the compare API ``GET /repos/{repo}/compare/{base}...{head}``; ``pull`` (a
  number) uses ``GET /repos/{repo}/pulls/{n}``; both with ``Accept: application/vnd.github.diff``.
  ``api_url`` defaults to ``https://api.github.com`` (GitHub Enterprise: ``https://HOST/api/v3``).
- Gitea / Forgejo (``forge: gitea``): ``api_url`` is required (``https://HOST/api/v1``);
  ``pull`` uses ``GET /repos/{repo}/pulls/{n}.diff`` (any recent Gitea); ``base``/``head`` use
  ``GET /repos/{repo}/compare/{base}...{head}.diff``, which only newer Gitea versions have.
- ``diff_url``: any URL that answers a plain unified diff (a web ``.diff`` link, a mirror).

Public repositories need no token. For private ones the person stores a token in the Secret
``code-reviewer-forge`` (key ``token``, optional key ``api_url``) in ``ai-agents``; the Job
passes them as ``FORGE_TOKEN`` and ``FORGE_API_URL``. The token is sent only to the host of
``FORGE_API_URL`` (``api.github.com`` when unset) and never to a ``diff_url``: the task
parameters come from a model, and a model must not be able to send the token elsewhere.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from typing import Any

from binks_worker import WorkerError, http_request, optional_str, require_str, short

GITHUB_API = "https://api.github.com"
USER_AGENT = "binks-code-reviewer"


def _quote_ref(ref: str) -> str:
    return urllib.parse.quote(ref, safe="/")


def diff_source(task: Mapping[str, Any]) -> tuple[str, str, str]:
    """``(url, accept header, forge)`` for the diff the task names."""
    diff_url = optional_str(task, "diff_url")
    if diff_url:
        if urllib.parse.urlsplit(diff_url).scheme not in ("http", "https"):
            raise WorkerError(f"diff_url must be an http:// or https:// URL, got {diff_url!r}")
        return diff_url, "text/plain", "url"
    forge = (optional_str(task, "forge") or "github").lower()
    if forge not in ("github", "gitea", "forgejo"):
        raise WorkerError(f"forge must be 'github' or 'gitea', got {forge!r}; or pass diff_url")
    repo = require_str(task, "repo")
    if repo.count("/") != 1 or repo.startswith("/") or repo.endswith("/") or ".." in repo:
        raise WorkerError(f"repo must look like 'owner/name', got {repo!r}")
    api = optional_str(task, "api_url")
    if forge == "github":
        api = api or GITHUB_API
    elif not api:
        raise WorkerError(
            "api_url is required for a Gitea/Forgejo forge, e.g. https://git.example.lan/api/v1"
        )
    api = api.rstrip("/")
    pull = task.get("pull")
    if pull is not None:
        if isinstance(pull, bool) or not isinstance(pull, int) or pull < 1:
            raise WorkerError(f"pull must be a positive pull request number, got {pull!r}")
        if forge == "github":
            return f"{api}/repos/{repo}/pulls/{pull}", "application/vnd.github.diff", forge
        return f"{api}/repos/{repo}/pulls/{pull}.diff", "text/plain", forge
    base = require_str(task, "base")
    head = require_str(task, "head")
    spec = f"{_quote_ref(base)}...{_quote_ref(head)}"
    if forge == "github":
        return f"{api}/repos/{repo}/compare/{spec}", "application/vnd.github.diff", forge
    return f"{api}/repos/{repo}/compare/{spec}.diff", "text/plain", forge


def _token_for(url: str, forge: str, environ: Mapping[str, str]) -> str | None:
    token = environ.get("FORGE_TOKEN", "").strip()
    if not token or forge == "url":
        return None
    trusted = urllib.parse.urlsplit(environ.get("FORGE_API_URL", "").strip() or GITHUB_API).hostname
    return token if urllib.parse.urlsplit(url).hostname == trusted else None


def fetch_diff(task: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """``(diff text, url it came from)``; a :class:`WorkerError` that says what to fix otherwise."""
    env = os.environ if environ is None else environ
    url, accept, forge = diff_source(task)
    headers = {"Accept": accept, "User-Agent": USER_AGENT}
    token = _token_for(url, forge, env)
    if token:
        headers["Authorization"] = f"Bearer {token}" if forge == "github" else f"token {token}"
    status, body = http_request("GET", url, headers=headers, timeout=60.0, what="the forge")
    if status == 404:
        private = "" if token else " or private (store a token in the Secret code-reviewer-forge)"
        raise WorkerError(f"the forge answered 404 for {url}: the repository or refs do not exist{private}")
    if status in (401, 403):
        raise WorkerError(
            f"the forge refused {url} (HTTP {status}): the token in Secret code-reviewer-forge is missing, "
            f"wrong or rate-limited; {short(body)}"
        )
    if status != 200:
        raise WorkerError(f"the forge answered HTTP {status} for {url}: {short(body)}")
    return body.decode("utf-8", "replace"), url
