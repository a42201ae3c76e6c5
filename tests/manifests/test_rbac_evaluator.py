"""The RBAC evaluator itself: each rule of the API server's authorizer, then generated grants.

If the evaluator missed a way RBAC grants access, the questions in ``test_rbac.py`` ("nobody
touches secrets") would pass whatever the manifests say; so each way is checked here.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.manifests.rbac import Authorizer, UnknownRole, User

Doc = dict[str, Any]
SA = User.service_account("binks", "binks-orchestrator")
RBAC_GROUP = "rbac.authorization.k8s.io"


def cluster_role(name: str, rules: list[Doc], labels: dict[str, str] | None = None, **extra: Any) -> Doc:
    return {
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels or {}},
        "rules": rules,
        **extra,
    }


def role(name: str, namespace: str, rules: list[Doc]) -> Doc:
    return {"kind": "Role", "metadata": {"name": name, "namespace": namespace}, "rules": rules}


def binding(
    kind: str, role_kind: str, role_name: str, subjects: list[Doc], namespace: str | None = None
) -> Doc:
    meta: Doc = {"name": f"{role_name}-binding"}
    if namespace:
        meta["namespace"] = namespace
    return {
        "kind": kind,
        "metadata": meta,
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": role_name},
        "subjects": subjects,
    }


SECRETS = {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}
READER = cluster_role("reader", [SECRETS])


def secrets_in(docs: list[Doc], namespace: str | None = "demo", user: User = SA) -> bool:
    return Authorizer(docs).allows(user, "get", "", "secrets", namespace, any_name=True)


@pytest.mark.parametrize(
    "subject",
    [
        {"kind": "ServiceAccount", "name": "binks-orchestrator", "namespace": "binks"},
        {"kind": "User", "apiGroup": RBAC_GROUP, "name": "system:serviceaccount:binks:binks-orchestrator"},
        {"kind": "Group", "apiGroup": RBAC_GROUP, "name": "system:serviceaccounts:binks"},
        {"kind": "Group", "apiGroup": RBAC_GROUP, "name": "system:serviceaccounts"},
        {"kind": "Group", "apiGroup": RBAC_GROUP, "name": "system:authenticated"},
    ],
    ids=["serviceaccount", "user", "namespace-group", "all-accounts-group", "authenticated-group"],
)
def test_every_kind_of_subject_that_names_the_account_grants_it(subject: Doc) -> None:
    assert secrets_in([READER, binding("ClusterRoleBinding", "ClusterRole", "reader", [subject])])


@pytest.mark.parametrize(
    "subject",
    [
        {"kind": "ServiceAccount", "name": "binks-orchestrator", "namespace": "other"},
        {"kind": "ServiceAccount", "name": "someone-else", "namespace": "binks"},
        {"kind": "User", "apiGroup": RBAC_GROUP, "name": "binks-orchestrator"},
        {"kind": "Group", "apiGroup": RBAC_GROUP, "name": "system:serviceaccounts:other"},
        {"kind": "ServiceAccount", "name": "binks-orchestrator"},  # no namespace in a cluster binding
    ],
)
def test_subjects_that_do_not_name_the_account_grant_it_nothing(subject: Doc) -> None:
    assert not secrets_in([READER, binding("ClusterRoleBinding", "ClusterRole", "reader", [subject])])


def test_a_rolebinding_grants_only_in_its_namespace_and_defaults_the_account_namespace() -> None:
    account = {"kind": "ServiceAccount", "name": "binks-orchestrator"}  # namespace: the binding's
    docs = [READER, binding("RoleBinding", "ClusterRole", "reader", [account], namespace="binks")]
    assert secrets_in(docs, "binks")
    assert not secrets_in(docs, "demo") and not secrets_in(docs, None)
    local = [role("local", "binks", [SECRETS]), binding("RoleBinding", "Role", "local", [account], "binks")]
    assert secrets_in(local, "binks")


@pytest.mark.parametrize(
    "rule",
    [
        {"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["*"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["db"]},
    ],
    ids=["any-group", "any-resource", "any-verb", "one-name"],
)
def test_wildcards_and_named_grants_count(rule: Doc) -> None:
    subject = {"kind": "ServiceAccount", "name": "binks-orchestrator", "namespace": "binks"}
    assert secrets_in(
        [cluster_role("wide", [rule]), binding("ClusterRoleBinding", "ClusterRole", "wide", [subject])]
    )


def test_resource_names_limit_requests_to_those_names() -> None:
    rule = {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"], "resourceNames": ["db"]}
    subject = {"kind": "ServiceAccount", "name": "binks-orchestrator", "namespace": "binks"}
    rbac = Authorizer(
        [cluster_role("one", [rule]), binding("ClusterRoleBinding", "ClusterRole", "one", [subject])]
    )
    assert rbac.allows(SA, "get", "", "secrets", "demo", "db")
    assert not rbac.allows(SA, "get", "", "secrets", "demo", "other")
    assert not rbac.allows(SA, "list", "", "secrets", "demo")  # a list names nothing


def test_subresources_match_exactly_or_by_star() -> None:
    subject = {"kind": "ServiceAccount", "name": "binks-orchestrator", "namespace": "binks"}
    for resources, allowed in (
        (["pods"], {"pods"}),
        (["pods/log"], {"pods/log"}),
        (["*/log"], {"pods/log"}),
        (["*"], {"pods", "pods/log", "pods/exec"}),
    ):
        rule = {"apiGroups": [""], "resources": resources, "verbs": ["get"]}
        rbac = Authorizer(
            [cluster_role("r", [rule]), binding("ClusterRoleBinding", "ClusterRole", "r", [subject])]
        )
        got = {res for res in ("pods", "pods/log", "pods/exec") if rbac.allows(SA, "get", "", res, "demo")}
        assert got == allowed, resources


def test_an_aggregated_cluster_role_has_the_rules_of_the_roles_it_selects() -> None:
    subject = {"kind": "ServiceAccount", "name": "binks-orchestrator", "namespace": "binks"}
    aggregate = {"clusterRoleSelectors": [{"matchLabels": {"aggregate-to-binks": "true"}}]}
    docs = [
        cluster_role("binks-read", [], aggregationRule=aggregate),
        cluster_role("extra", [SECRETS], labels={"aggregate-to-binks": "true"}),
        binding("ClusterRoleBinding", "ClusterRole", "binks-read", [subject]),
    ]
    assert secrets_in(docs)
    expressions = {"clusterRoleSelectors": [{"matchExpressions": [{"key": "tier", "operator": "Exists"}]}]}
    docs[0] = cluster_role("binks-read", [], aggregationRule=expressions)
    assert not secrets_in(docs)
    docs[1]["metadata"]["labels"]["tier"] = "x"
    assert secrets_in(docs)


def test_a_binding_to_a_role_that_is_not_shipped_cannot_pass() -> None:
    subject = {"kind": "Group", "apiGroup": RBAC_GROUP, "name": "system:serviceaccounts:binks"}
    with pytest.raises(UnknownRole, match="ClusterRole edit"):
        secrets_in([binding("RoleBinding", "ClusterRole", "edit", [subject], namespace="demo")])


SUBJECT_FOR_SA = st.sampled_from(
    [
        {"kind": "ServiceAccount", "name": "binks-orchestrator", "namespace": "binks"},
        {"kind": "User", "apiGroup": RBAC_GROUP, "name": "system:serviceaccount:binks:binks-orchestrator"},
        {"kind": "Group", "apiGroup": RBAC_GROUP, "name": "system:serviceaccounts:binks"},
        {"kind": "Group", "apiGroup": RBAC_GROUP, "name": "system:authenticated"},
    ]
)
SECRET_RULES = st.sampled_from(
    [
        SECRETS,
        {"apiGroups": ["", "apps"], "resources": ["pods", "secrets"], "verbs": ["list", "get"]},
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["token"]},
    ]
)


@given(
    subject=SUBJECT_FOR_SA,
    rule=SECRET_RULES,
    via=st.sampled_from(["cluster", "namespaced-cluster-role", "role", "aggregated"]),
    noise=st.lists(st.sampled_from(["pods", "configmaps", "deployments"]), max_size=3),
)
def test_a_secret_grant_is_found_whatever_path_it_takes(
    subject: Doc, rule: Doc, via: str, noise: list[str]
) -> None:
    harmless = cluster_role(
        "harmless", [{"apiGroups": [""], "resources": noise or ["pods"], "verbs": ["get"]}]
    )
    docs: list[Doc] = [harmless, binding("ClusterRoleBinding", "ClusterRole", "harmless", [subject])]
    if via == "cluster":
        docs += [
            cluster_role("grant", [rule]),
            binding("ClusterRoleBinding", "ClusterRole", "grant", [subject]),
        ]
    elif via == "namespaced-cluster-role":
        docs += [
            cluster_role("grant", [rule]),
            binding("RoleBinding", "ClusterRole", "grant", [subject], "demo"),
        ]
    elif via == "role":
        docs += [role("grant", "demo", [rule]), binding("RoleBinding", "Role", "grant", [subject], "demo")]
    else:
        aggregate = {"clusterRoleSelectors": [{"matchLabels": {"to-harmless": "true"}}]}
        docs[0] = cluster_role("harmless", [], aggregationRule=aggregate)
        docs.append(cluster_role("grant", [rule], labels={"to-harmless": "true"}))
    assert secrets_in(docs, "demo")
    assert not secrets_in(docs[:2] if via != "aggregated" else [harmless, docs[1]], "demo")
