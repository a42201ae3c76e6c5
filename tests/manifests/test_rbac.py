"""What the shipped RBAC lets the orchestrator, each worker and anyone else do.

:mod:`tests.manifests.rbac` evaluates RBAC as the API server's authorizer does (User, Group
and ServiceAccount subjects, RoleBindings in their namespace, aggregated ClusterRoles) over
what ``kubectl apply -k`` sends, so the tests read as questions a person asks: may Binks read
pods anywhere? read a Secret? change kube-system? create a Deployment in ai-agents?
"""

from __future__ import annotations

import pytest

from binks.doctor import REQUIRED_ACCESS
from tests.manifests.docs import kustomize, load, objects
from tests.manifests.rbac import Authorizer, User
from tests.manifests.workers import MANIFESTS

# What a person applies: the kustomizations of the README's apply order, and the token Secret.
SHIPPED = [
    *kustomize(MANIFESTS / "core"),
    *kustomize(MANIFESTS / "rbac"),
    *kustomize(MANIFESTS / "apps" / "example"),
    *load(MANIFESTS / "rbac" / "orchestrator-token.yaml"),
]
RBAC = Authorizer(SHIPPED)
ORCHESTRATOR = User.service_account("binks", "binks-orchestrator")
VERIFIER = User.service_account("ai-agents", "deployment-verifier")
REVIEWER = User.service_account("ai-agents", "code-reviewer")


def can(user: User, verb: str, group: str, resource: str, namespace: str | None) -> bool:
    """Whether ``user`` may ``verb`` ``resource`` in ``namespace`` (None: cluster-scoped)."""
    return RBAC.allows(user, verb, group, resource, namespace)


def test_every_rbac_document_is_applied_by_a_kustomization() -> None:
    """The evaluated set is what is shipped: no RBAC file is left out of it."""
    on_disk = {
        (doc["kind"], doc["metadata"]["name"])
        for doc in objects()
        if doc["kind"] in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")
    }
    evaluated = {(doc["kind"], doc["metadata"]["name"]) for doc in RBAC.docs}
    assert on_disk and on_disk <= evaluated


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


EVERYONE = [ORCHESTRATOR, VERIFIER, REVIEWER, *RBAC.identities(), User("someone"), User("system:anonymous")]


@pytest.mark.parametrize("namespace", ["demo", "kube-system", "ai-agents", "binks", "default", None])
@pytest.mark.parametrize(
    "verb", ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
)
def test_nobody_touches_secrets(verb: str, namespace: str | None) -> None:
    """Not Binks, not its workers, not any user, group or account a shipped binding names."""
    assert len(EVERYONE) > 4
    for user in EVERYONE:
        assert not RBAC.allows(user, verb, "", "secrets", namespace, any_name=True), user


def test_no_rule_uses_wildcards_or_dangerous_rights() -> None:
    dangerous = {"pods/exec", "pods/attach", "pods/portforward", "services/proxy", "nodes/proxy", "secrets"}
    rules = [(doc, rule) for doc in SHIPPED for rule in doc.get("rules") or []]
    assert len(rules) > 10
    for doc, rule in rules:
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
        doc["kind"] == "ClusterRoleBinding" and doc["roleRef"]["name"] == "binks-change" for doc in SHIPPED
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
    assert "system:serviceaccounts:ai-agents" not in ORCHESTRATOR.groups
    assert not can(ORCHESTRATOR, "create", "batch", "jobs", "binks")
    assert not can(ORCHESTRATOR, "create", "", "serviceaccounts/token", "binks")


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
        for doc in SHIPPED
        if doc["kind"] == "ServiceAccount"
        and (doc["metadata"]["namespace"], doc["metadata"]["name"]) == ("ai-agents", "code-reviewer")
    ]
    assert account["automountServiceAccountToken"] is False


def test_binks_doctor_finds_every_access_it_checks() -> None:
    assert REQUIRED_ACCESS
    for verb, resource, namespace in REQUIRED_ACCESS:
        plural, _, group = resource.partition(".")
        assert can(ORCHESTRATOR, verb, group, plural, namespace), (verb, resource, namespace)
