from __future__ import annotations

from tests.fakes.kube_api import KubeApi
from tests.fakes.kubectl import kubectl


def test_namespace_get_and_delete_by_name(kube_api: KubeApi) -> None:
    created = kubectl(
        kube_api, "apply", "-f", "-", stdin="apiVersion: v1\nkind: Namespace\nmetadata:\n  name: zz\n"
    )
    assert created.code == 0, created.err
    assert kubectl(kube_api, "get", "namespace", "zz", "-o", "name").out.strip() == "namespace/zz"
    deleted = kubectl(kube_api, "delete", "namespace", "zz")
    assert deleted.code == 0, deleted.err
    assert kube_api.get("namespaces", "zz") is None
