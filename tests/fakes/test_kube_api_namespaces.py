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


def test_dry_run_delete_is_not_logged_as_a_mutation(kube_api: KubeApi) -> None:
    kube_api.apply_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  namespace: default\n")
    result = kubectl(kube_api, "delete", "configmap", "keep", "--dry-run=server")
    assert result.code == 0, result.err
    assert kube_api.get("configmaps", "keep", "default") is not None
    deletes = [r for r in kube_api.requests() if r.method == "DELETE"]
    assert deletes and all(r.dry_run for r in deletes)
    assert kube_api.mutations() == []
