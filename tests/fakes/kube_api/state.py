"""Everything one fake API server holds, shared by the HTTP app and the test fixture."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fakes.kube_api.auth import Authorizer
from tests.fakes.kube_api.cluster import Cluster
from tests.fakes.kube_api.requestlog import RequestLog
from tests.fakes.kube_api.seed import default_objects
from tests.fakes.kube_api.store import Store
from tests.fakes.kube_api.world import World


@dataclass
class ServerState:
    """Store, cluster rules, test controls, authoriser and request log of one server."""

    store: Store = field(default_factory=Store)
    world: World = field(default_factory=World)
    authorizer: Authorizer = field(default_factory=Authorizer)
    log: RequestLog = field(default_factory=RequestLog)
    address: str = "127.0.0.1:0"
    token: str = "binks-test-token"

    def __post_init__(self) -> None:
        self.cluster = Cluster(self.store, self.world)

    def reset(self) -> None:
        """Back to the default seed: system namespaces and two Ready nodes, nothing else."""
        with self.store.lock:
            self.store.clear()
            self.world.clear()
            self.authorizer.clear()
            for obj in default_objects():
                self.cluster.seed(obj)
            self.log.clear()
