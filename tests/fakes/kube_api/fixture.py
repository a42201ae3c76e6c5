""":class:`KubeApi`: the handle tests use to seed, steer and inspect the fake cluster."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import yaml

from tests.fakes.kube_api import openapi
from tests.fakes.kube_api.kinds import KINDS, Kind
from tests.fakes.kube_api.requestlog import Fault, Hold, RequestRecord
from tests.fakes.kube_api.server import ServerThread
from tests.fakes.kube_api.state import ServerState

Obj = dict[str, Any]
CONTEXT = "binks-test"
ObjList = list[Obj]
Records = list[RequestRecord]


def write_kubeconfig(path: Path, url: str, token: str, namespace: str = "default") -> Path:
    """A kubeconfig with one cluster, user and context named ``binks-test``."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CONTEXT, "cluster": {"server": url}}],
        "users": [{"name": CONTEXT, "user": {"token": token}}],
        "contexts": [
            {"name": CONTEXT, "context": {"cluster": CONTEXT, "user": CONTEXT, "namespace": namespace}}
        ],
        "current-context": CONTEXT,
        "preferences": {},
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def _kind_for(resource: str) -> Kind:
    plural, _, group = resource.partition(".")
    for kind in KINDS:
        if kind.plural == plural and (not group or kind.group == group):
            return kind
        if resource in kind.short_names or resource == kind.singular:
            return kind
    raise KeyError(
        f"the fake API server does not serve {resource!r}; known: {', '.join(k.plural for k in KINDS)}"
    )


class KubeApi:
    """A running fake API server: URL, kubeconfig, seeding, test controls and the request log."""

    def __init__(self, server: ServerThread, kubeconfig: Path) -> None:
        self._server = server
        self.state: ServerState = server.state
        self.url: str = server.url
        self.kubeconfig: Path = kubeconfig
        self.token: str = server.state.token

    def apply(self, *objects: Obj) -> None:
        """Create or update objects directly (controllers run; the request log is untouched)."""
        for obj in objects:
            self.state.cluster.seed(obj)

    def apply_yaml(self, text: str) -> None:
        """:meth:`apply` every document of a YAML string."""
        self.apply(*[doc for doc in yaml.safe_load_all(text) if doc])

    def get(self, resource: str, name: str, namespace: str | None = None) -> Obj | None:
        """The stored object (``resource`` is the plural, e.g. ``deployments``), or ``None``."""
        kind = _kind_for(resource)
        return self.state.cluster.find(kind, (namespace or "default") if kind.namespaced else None, name)

    def list(self, resource: str, namespace: str | None = None) -> ObjList:
        """Stored objects of a resource, in one namespace or all."""
        return self.state.cluster.list(_kind_for(resource), namespace)

    def delete(self, resource: str, name: str, namespace: str | None = None) -> None:
        """Remove an object and its dependents directly."""
        kind = _kind_for(resource)
        obj = self.state.cluster.find(kind, (namespace or "default") if kind.namespaced else None, name)
        if obj is not None:
            self.state.cluster.remove(kind, obj)
            self.state.cluster.reconcile()

    def requests(self) -> Records:
        """Every API request so far, in order."""
        return self.state.log.records()

    def mutations(self) -> Records:
        """Only requests that changed (or tried to change) state: no reads, no dry-runs."""
        return [r for r in self.requests() if r.mutating and not r.dry_run]

    def clear_requests(self) -> None:
        """Forget the requests so far (e.g. after a test's own setup through kubectl)."""
        self.state.log.clear_records()

    def set_pod_log(self, namespace: str, pod: str, text: str) -> None:
        """What ``kubectl logs`` returns for the pod."""
        self.state.world.pod_logs[(namespace, pod)] = text

    def mark_image_bad(self, image: str) -> None:
        """Pods using ``image`` (exact string) from now on sit in ImagePullBackOff."""
        self.state.world.bad_images.add(image)
        self.state.cluster.reconcile()

    def set_job_outcome(
        self, namespace: str, job: str, outcome: Literal["Succeeded", "Failed"], log: str = ""
    ) -> None:
        """Finish the job's pod with ``outcome``, now or as soon as the Job exists.

        ``log`` becomes the pod's log unless the test set one with :meth:`set_pod_log`.
        """
        with self.state.store.lock:
            self.state.world.job_outcomes[(namespace, job)] = (outcome, log)
            self.state.cluster.reconcile()

    def deny(self, verb: str, resource: str, namespace: str | None = None) -> None:
        """Answer ``verb`` on ``resource`` (``*`` for any; ``pods/log`` for a subresource) with 403."""
        self.state.authorizer.deny(verb, resource, namespace)

    def fail_next(
        self, method: str, path_regex: str, status: int, times: int = 1, delay_s: float = 0.0
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` and ``path_regex`` with ``status``.

        ``method`` may be ``*``; the answer comes after ``delay_s``; ``status=0`` only delays.
        """
        self.state.log.add_fault(Fault(method, re.compile(path_regex), status, times, delay_s))

    def hang_next(self, method: str, path_regex: str, times: int = 1) -> None:
        """The next ``times`` matching requests never get an answer, and change nothing.

        The server waits until the client gives up (its timeout, or it was killed): the way
        to provoke a timeout that does not depend on how fast the machine is.
        """
        self.state.log.add_fault(Fault(method, re.compile(path_regex), 0, times, 0.0, hang=True))

    def drop_faults(self, path_regex: str) -> None:
        """Cancel the pending faults added with exactly this ``path_regex``."""
        self.state.log.drop_faults(path_regex)

    def hold_next(self, method: str, path_regex: str, *, after: bool = False) -> Hold:
        """Hold the next request matching ``method`` and ``path_regex`` until ``Hold.release()``.

        ``after=True`` lets the server carry the request out first and holds only its answer
        (the change happened; the client does not know yet). :meth:`reset` releases holds.
        """
        hold = Hold(after=after)
        self.state.log.add_fault(Fault(method, re.compile(path_regex), 0, 1, 0.0, hold))
        return hold

    def reset(self) -> None:
        """Back to the default seed, no test controls, empty request log."""
        self.state.reset()


@contextmanager
def standalone(folder: Path) -> Iterator[KubeApi]:
    """A fake API server of its own, in its default state, outside pytest (the benchmarks)."""
    openapi.documents()
    server = ServerThread(ServerState())
    server.start()
    try:
        api = KubeApi(server, write_kubeconfig(folder / "kubeconfig", server.url, server.state.token))
        api.reset()
        yield api
    finally:
        server.stop()
