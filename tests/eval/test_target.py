from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from binks.errors import ConfigError
from binks.eval.target import check_target, read_target


def _kubeconfig(path: Path, context: str, cluster: str = "pis", user: str = "admin") -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": context,
                "contexts": [{"name": context, "context": {"cluster": cluster, "user": user}}],
                "clusters": [{"name": cluster, "cluster": {"server": "https://10.0.0.2:6443"}}],
                "users": [{"name": user, "user": {"token": "t"}}],
            }
        )
    )
    return path


def test_lab_cluster_is_accepted(tmp_path: Path) -> None:
    target = read_target(_kubeconfig(tmp_path / "k", "homelab-test"))
    assert (target.context, target.cluster, target.server) == ("homelab-test", "pis", "https://10.0.0.2:6443")
    check_target(target, confirmed_test_cluster=False)


@pytest.mark.parametrize(
    ("context", "cluster"),
    [("prod", "pis"), ("gke-production-eu", "x"), ("lab", "cluster-prd"), ("live", "x")],
)
def test_production_looking_targets_need_confirmation(tmp_path: Path, context: str, cluster: str) -> None:
    target = read_target(_kubeconfig(tmp_path / "k", context, cluster))
    with pytest.raises(ConfigError, match="--yes-this-is-a-test-cluster"):
        check_target(target, confirmed_test_cluster=False)
    check_target(target, confirmed_test_cluster=True)


def test_words_containing_prod_are_not_production(tmp_path: Path) -> None:
    target = read_target(_kubeconfig(tmp_path / "k", "productivity-lab", "reproducer"))
    check_target(target, confirmed_test_cluster=False)


def test_missing_context_is_a_clear_error(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path / "k", "lab")
    with pytest.raises(ConfigError, match="no context named 'other'"):
        read_target(path, "other")
