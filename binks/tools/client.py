"""The official Kubernetes Python client, built from Binks' kubeconfig, called off the event loop.

The client is synchronous; every call runs in a worker thread (``asyncio.to_thread``) with
the settings' timeout and no urllib3 retries (a dead API server should fail in one timeout,
not four). Reads that Binks does often ask for raw JSON (``_preload_content=False``): the
typed models cost more to build than the request itself. Errors become
:class:`KubeApiError` with a message that says what to check.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError, ReadTimeoutError

from binks.errors import ClusterError, ConfigError
from binks.settings import Settings
from binks.tools.failures import Failure, explain


class KubeApiError(ClusterError):
    """A Kubernetes API call failed; ``failure`` says how (unreachable, 403, 404, ...)."""

    def __init__(self, message: str, failure: Failure, status: int | None = None) -> None:
        super().__init__(message)
        self.failure = failure
        self.status = status


class KubeClient:
    """Lazily built API client plus typed and raw calls that never block the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._api: k8s.ApiClient | None = None

    @property
    def api(self) -> k8s.ApiClient:
        """The ``ApiClient`` for the configured kubeconfig and context (built on first use)."""
        if self._api is None:
            path = self.settings.effective_kubeconfig()
            if path is None:
                raise ConfigError("no kubeconfig found: set KUBECONFIG_PATH to your cluster's kubeconfig")
            configuration = k8s.Configuration()
            try:
                k8s_config.load_kube_config(  # type: ignore[no-untyped-call]
                    config_file=str(path),
                    context=self.settings.kube_context,
                    client_configuration=configuration,
                    persist_config=False,
                )
            except (ConfigException, OSError) as exc:
                raise ConfigError(f"cannot use kubeconfig {path}: {exc}; check KUBECONFIG_PATH") from exc
            configuration.retries = 0
            self._api = k8s.ApiClient(configuration)
        return self._api

    def core(self) -> k8s.CoreV1Api:
        """Core v1 (pods, nodes, events)."""
        return k8s.CoreV1Api(self.api)

    def apps(self) -> k8s.AppsV1Api:
        """apps/v1 (deployments, statefulsets, daemonsets)."""
        return k8s.AppsV1Api(self.api)

    def batch(self) -> k8s.BatchV1Api:
        """batch/v1 (jobs)."""
        return k8s.BatchV1Api(self.api)

    async def call(self, action: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one client call in a thread; ``action`` ('list pods') goes into the error message."""
        kwargs.setdefault("_request_timeout", self.settings.kubectl_timeout_s)
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except ApiException as exc:
            failure, message = explain(str(exc.body or exc.reason or ""), self.settings, exc.status)
            raise KubeApiError(f"{action}: {message}", failure, exc.status) from exc
        except (Urllib3Error, OSError) as exc:
            if _read_timed_out(exc):  # connected, asked, no answer: slow, not unreachable
                raise KubeApiError(
                    f"{action}: the API server did not answer within {kwargs['_request_timeout']:g} s "
                    "(BINKS_KUBECTL_TIMEOUT_S): it may be overloaded; try again, or raise the timeout",
                    Failure.TIMEOUT,
                ) from exc
            failure, message = explain(f"Unable to connect to the server: {exc}", self.settings)
            raise KubeApiError(f"{action}: {message}", failure) from exc

    async def raw(self, action: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Like :meth:`call`, but returns the decoded JSON body instead of typed models."""
        response = await self.call(action, fn, *args, _preload_content=False, **kwargs)
        body = json.loads(response.data)
        if not isinstance(body, dict):
            raise KubeApiError(f"{action}: the API server answered {type(body).__name__}", Failure.OTHER)
        return body

    async def get_raw(
        self, action: str, fn: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> dict[str, Any] | None:
        """:meth:`raw`, with None for a 404 (the object does not exist)."""
        try:
            return await self.raw(action, fn, *args, **kwargs)
        except KubeApiError as exc:
            if exc.failure is Failure.NOT_FOUND:
                return None
            raise

    def close(self) -> None:
        """Release the connection pool."""
        if self._api is not None:
            self._api.close()  # type: ignore[no-untyped-call]
            self._api = None


def _read_timed_out(exc: BaseException) -> bool:
    """True when the request reached the API server but its answer did not come in time."""
    reason = exc.reason if isinstance(exc, MaxRetryError) else exc
    return isinstance(reason, ReadTimeoutError)
