"""Which cluster an evaluation would touch, and whether it looks like one it must not.

Evaluation tasks create, break and delete things. ``binks eval`` therefore reads the
kubeconfig itself (no Kubernetes client needed) and refuses a context whose context,
cluster or user name looks like production unless the person says
``--yes-this-is-a-test-cluster``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from binks.errors import ConfigError

PRODUCTION_HINT = re.compile(r"(^|[^a-z])(prod|production|prd|live)([^a-z]|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """The context an evaluation runs against."""

    kubeconfig: Path
    context: str
    cluster: str
    server: str
    user: str

    def production_reason(self) -> str | None:
        """Why this target looks like production, or None."""
        for label, value in (("context", self.context), ("cluster", self.cluster), ("user", self.user)):
            if PRODUCTION_HINT.search(value):
                return f"the {label} name {value!r} looks like production"
        return None


def _named(items: Any, name: str, kind: str, path: Path) -> dict[str, Any]:
    for item in items or []:
        if isinstance(item, dict) and item.get("name") == name:
            body = item.get(kind)
            return body if isinstance(body, dict) else {}
    raise ConfigError(f"{path}: no {kind} named {name!r}")


def read_target(kubeconfig: Path, context: str | None = None) -> Target:
    """Resolve the context (the kubeconfig's current one by default) to cluster, server and user."""
    try:
        config = yaml.safe_load(kubeconfig.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read kubeconfig {kubeconfig}: {exc}") from exc
    name = context or config.get("current-context")
    if not name:
        raise ConfigError(f"{kubeconfig} has no current-context; pass --context")
    ctx = _named(config.get("contexts"), name, "context", kubeconfig)
    cluster_name = str(ctx.get("cluster", ""))
    cluster = _named(config.get("clusters"), cluster_name, "cluster", kubeconfig)
    return Target(
        kubeconfig=kubeconfig,
        context=name,
        cluster=cluster_name,
        server=str(cluster.get("server", "")),
        user=str(ctx.get("user", "")),
    )


def check_target(target: Target, *, confirmed_test_cluster: bool) -> None:
    """Refuse a production-looking target unless the person confirmed it is a test cluster."""
    reason = target.production_reason()
    if reason and not confirmed_test_cluster:
        raise ConfigError(
            f"refusing to evaluate against context {target.context!r} ({target.server}): {reason}. "
            "Evaluation tasks create and delete resources. If this really is a test cluster, "
            "add --yes-this-is-a-test-cluster."
        )
