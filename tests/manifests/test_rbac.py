"""What the shipped RBAC lets the orchestrator and each worker do, evaluated like the API server.

A small evaluator applies the RBAC rules (ClusterRoleBindings everywhere, RoleBindings in
their namespace) to the shipped manifests, so the tests read as questions a person asks:
may Binks read pods anywhere? read a Secret? change kube-system? create a Deployment in
ai-agents?
"""

from __future__ import annotations

import pytest

from binks.doctor import REQUIRED_ACCESS
from tests.manifests.docs import Doc, objects

RBAC = objects("rbac", "apps", "core")
ORCHESTRATOR = ("binks", "binks-orchestrator")
VERIFIER = ("ai-agents", "deployment-verifier")
REVIEWER = ("ai-agents", "code-reviewer")


def _role(kind: str, name: str, namespace: str | None) -> Doc:
    for doc in RBAC:
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            if kind == "ClusterRole" or doc["metadata"].get("namespace") == namespace:
                return doc
    raise AssertionError(f"{kind} {name} is referenced but not shipped")


def _binds(binding: Doc, subject: tuple[str, str]) -> bool:
    return any(
        item["kind"] == "ServiceAccount" and (item["namespace"], item["name"]) == subject
        for item in binding.get("subjects") or []
    )


def can(subject: tuple[str, str], verb: str, group: str, resource: str, namespace: str | None) -> bool:
    """Whether ``subject`` may ``verb`` ``resource`` in ``namespace`` (None: cluster-scoped)."""
    for binding in RBAC:
        if binding["kind"] not in ("ClusterRoleBinding", "RoleBinding") or not _binds(binding, subject):
            continue
        if binding["kind"] == "RoleBinding" and binding["metadata"]["namespace"] != namespace:
            continue
        ref = binding["roleRef"]
        role = _role(ref["kind"], ref["name"], binding["metadata"].get("namespace"))
        for rule in role.get("rules") or []:
            if group in rule["apiGroups"] and resource in rule["resources"] and verb in rule["verbs"]:
                return True
    return False


READS = [
    # get_cluster_status, run_kubectl get/describe/logs, rollout status, check_agent_status
    ("list", "", "nodes", None),
    ("list", "", "pods", "demo"),
    ("watch", "", "pods", "kube-system"),
    ("get", "", "pods/log", "ai-agents"),
    ("list", "", "events", "demo"),
    ("get", "", "configmaps", "demo"),
    ("list", "", "namespaces", None),
    ("get", "apps", "deployments", "ai-services"),
    ("list", "apps", "replicasets", "demo"),
    ("watch", "batch", "jobs", "ai-agents"),
    ("list", "networking.k8s.io", "ingresses", "demo"),
    ("list", "metrics.k8s.io", "pods", "demo"),
]


@pytest.mark.parametrize(("verb", "group", "resource", "namespace"), READS)
def test_the_orchestrator_reads_the_whole_cluster(
    verb: str, group: str, resource: str, namespace: str
) -> None:
    assert can(ORCHESTRATOR, verb, group, resource, namespace)


@pytest.mark.parametrize("namespace", ["demo", "kube-system", "ai-agents", "binks", None])
@pytest.mark.parametrize("verb", ["get", "list", "watch", "create", "update", "patch", "delete"])
def test_nobody_touches_secrets(verb: str, namespace: str | None) -> None:
    for subject in (ORCHESTRATOR, VERIFIER, REVIEWER):
        assert not can(subject, verb, "", "secrets", namespace)


def test_no_rule_uses_wildcards_or_dangerous_rights() -> None:
    dangerous = {"pods/exec", "pods/attach", "pods/portforward", "services/proxy", "nodes/proxy", "secrets"}
    for doc in RBAC:
        for rule in doc.get("rules") or []:
            assert "*" not in rule["verbs"] + rule["resources"] + rule["apiGroups"], doc["metadata"]["name"]
            assert not {"escalate", "bind", "impersonate", "deletecollection"} & set(rule["verbs"])
            assert not dangerous & set(rule["resources"]), doc["metadata"]["name"]
            if "rbac.authorization.k8s.io" in rule["apiGroups"]:
                assert set(rule["verbs"]) <= {"get", "list", "watch"}


def test_the_orchestrator_changes_only_namespaces_that_allow_it() -> None:
    assert can(ORCHESTRATOR, "patch", "apps", "deployments", "demo")  # manifests/apps/example allows it
    assert can(ORCHESTRATOR, "update", "apps", "deployments/scale", "demo")
    assert can(ORCHESTRATOR, "delete", "", "pods", "demo")
    for namespace in ("kube-system", "ai-services", "default", "binks", None):
        assert not can(ORCHESTRATOR, "patch", "apps", "deployments", namespace)
        assert not can(ORCHESTRATOR, "delete", "", "pods", namespace)
    for cluster_scoped in ("namespaces", "nodes", "persistentvolumes"):
        assert not can(ORCHESTRATOR, "create", "", cluster_scoped, None)
        assert not can(ORCHESTRATOR, "delete", "", cluster_scoped, None)
    assert not can(ORCHESTRATOR, "create", "", "pods", "demo")  # controllers create pods
    assert not any(
        doc["kind"] == "ClusterRoleBinding" and doc["roleRef"]["name"] == "binks-change" for doc in RBAC
    ), "binks-change must only ever be bound per namespace"


def test_the_orchestrator_spawns_worker_jobs_and_nothing_else_in_ai_agents() -> None:
    assert can(ORCHESTRATOR, "create", "batch", "jobs", "ai-agents")
    assert can(ORCHESTRATOR, "delete", "batch", "jobs", "ai-agents")
    for group, resource in (
        ("apps", "deployments"),
        ("", "pods"),
        ("", "configmaps"),
        ("", "serviceaccounts"),
    ):
        assert not can(ORCHESTRATOR, "create", group, resource, "ai-agents")


def test_no_job_binks_creates_can_run_as_the_orchestrator() -> None:
    # Binks may create Jobs in ai-agents; its own ServiceAccount must live elsewhere.
    assert ORCHESTRATOR[0] != "ai-agents"
    assert not can(ORCHESTRATOR, "create", "batch", "jobs", ORCHESTRATOR[0])
    assert not can(ORCHESTRATOR, "create", "", "serviceaccounts/token", ORCHESTRATOR[0])


def test_the_verifier_only_reads_deployments_replicasets_and_pods() -> None:
    assert can(VERIFIER, "get", "apps", "deployments", "demo")
    assert can(VERIFIER, "list", "apps", "replicasets", "demo")
    assert can(VERIFIER, "list", "", "pods", "demo")
    for verb in ("create", "update", "patch", "delete"):
        assert not can(VERIFIER, verb, "apps", "deployments", "demo")
    assert not can(VERIFIER, "get", "", "configmaps", "demo")
    assert not can(VERIFIER, "get", "", "pods/log", "demo")


def test_the_code_reviewer_has_no_kubernetes_rights_and_no_token() -> None:
    for verb, group, resource, namespace in READS:
        assert not can(REVIEWER, verb, group, resource, namespace)
    (account,) = [
        doc
        for doc in RBAC
        if doc["kind"] == "ServiceAccount"
        and (doc["metadata"]["namespace"], doc["metadata"]["name"]) == REVIEWER
    ]
    assert account["automountServiceAccountToken"] is False


def test_binks_doctor_finds_every_access_it_checks() -> None:
    for verb, resource, namespace in REQUIRED_ACCESS:
        plural, _, group = resource.partition(".")
        assert can(ORCHESTRATOR, verb, group, plural, namespace), (verb, resource, namespace)
