"""A tiny read-only Kubernetes API client for worker agents, standard library only.

Inside a pod it uses what Kubernetes mounts for the worker's ServiceAccount: the API server
at ``https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT``, the bearer token and the
cluster CA under ``/var/run/secrets/kubernetes.io/serviceaccount``. For tests and manual
trials each of those can be replaced: ``BINKS_KUBE_API_URL``, ``BINKS_KUBE_TOKEN_FILE``,
``BINKS_KUBE_CA_FILE``.
"""

from __future__ import annotations

import json
import ssl
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from binks_worker import JsonObject, WorkerError, http_request, short

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


class KubeApi:
    """GET requests against the API server with the worker's service account token."""

    def __init__(self, base_url: str, token_file: Path, ca_file: Path | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.token_file = token_file
        self._context: ssl.SSLContext | None = None
        if self.base_url.startswith("https://"):
            if ca_file is not None and ca_file.is_file():
                self._context = ssl.create_default_context(cafile=str(ca_file))
            else:
                self._context = ssl.create_default_context()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> KubeApi:
        """The in-cluster API, or the one the ``BINKS_KUBE_*`` variables name."""
        url = environ.get("BINKS_KUBE_API_URL", "").strip()
        if not url:
            host = environ.get("KUBERNETES_SERVICE_HOST", "").strip()
            port = environ.get("KUBERNETES_SERVICE_PORT", "443").strip() or "443"
            if not host:
                raise WorkerError(
                    "no Kubernetes API to talk to: KUBERNETES_SERVICE_HOST is unset (run the worker as a "
                    "pod in the cluster, or set BINKS_KUBE_API_URL)"
                )
            url = f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"
        token_file = Path(environ.get("BINKS_KUBE_TOKEN_FILE") or SERVICE_ACCOUNT_DIR / "token")
        ca_file = Path(environ.get("BINKS_KUBE_CA_FILE") or SERVICE_ACCOUNT_DIR / "ca.crt")
        return cls(url, token_file, ca_file)

    def _token(self) -> str:
        # Read on every call: projected service account tokens rotate while a Job runs.
        try:
            return self.token_file.read_text().strip()
        except OSError as exc:
            raise WorkerError(
                f"cannot read the service account token at {self.token_file}: {exc.strerror}; "
                "the Job must not set automountServiceAccountToken: false"
            ) from exc

    def get(self, path: str, query: Mapping[str, str] | None = None) -> JsonObject | None:
        """GET ``path`` as JSON; ``None`` for 404; a :class:`WorkerError` saying what to fix otherwise."""
        url = self.base_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        status, body = http_request(
            "GET", url, headers=headers, timeout=15.0, context=self._context, what="the Kubernetes API"
        )
        if status == 404:
            return None
        if status == 401:
            raise WorkerError(f"the Kubernetes API rejected the service account token (401) for GET {path}")
        if status == 403:
            raise WorkerError(
                f"the worker's service account may not GET {path} (403): apply manifests/rbac "
                f"(kubectl apply -k manifests/rbac) and check the Job's serviceAccountName; {short(body)}"
            )
        if status >= 400:
            raise WorkerError(f"the Kubernetes API answered HTTP {status} for GET {path}: {short(body)}")
        try:
            parsed: Any = json.loads(body)
        except ValueError as exc:
            raise WorkerError(f"the Kubernetes API sent something that is not JSON for GET {path}") from exc
        if not isinstance(parsed, dict):
            raise WorkerError(f"the Kubernetes API sent a JSON {type(parsed).__name__} for GET {path}")
        return parsed


def label_selector(selector: Mapping[str, Any]) -> str:
    """A ``LabelSelector`` object (``matchLabels`` and ``matchExpressions``) as a query string."""
    parts = [f"{key}={value}" for key, value in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key", ""), expression.get("operator", "")
        values = ",".join(expression.get("values") or [])
        if operator == "In":
            parts.append(f"{key} in ({values})")
        elif operator == "NotIn":
            parts.append(f"{key} notin ({values})")
        elif operator == "Exists":
            parts.append(key)
        elif operator == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)
