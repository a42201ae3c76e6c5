"""An in-memory Kubernetes API server for tests.

Faithful enough for real kubectl and the kubernetes Python client. See README.md beside this
file for what it covers.
"""

from tests.fakes.kube_api.fixture import KubeApi
from tests.fakes.kube_api.requestlog import RequestRecord

__all__ = ["KubeApi", "RequestRecord"]
