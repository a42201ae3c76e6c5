"""RBAC evaluated the way the Kubernetes API server's RBAC authorizer does it.

The rules follow ``plugin/pkg/auth/authorizer/rbac`` and ``pkg/apis/rbac/v1/evaluation_helpers.go``:

- who: a request comes from a user with a name and groups. A ServiceAccount is the user
  ``system:serviceaccount:<namespace>:<name>`` in the groups ``system:serviceaccounts``,
  ``system:serviceaccounts:<namespace>`` and ``system:authenticated``. A binding's subject
  applies to the user by name (``User``), by group (``Group``) or as that ServiceAccount
  (``ServiceAccount``; its namespace defaults to the binding's).
- where: ClusterRoleBindings apply everywhere; a RoleBinding only in its own namespace, to a
  Role of that namespace or to a ClusterRole.
- what: a rule matches verb, API group and resource (``*`` for any; ``resource/sub`` and
  ``*/sub`` for subresources) and, when it lists ``resourceNames``, only requests for those
  names (never a list or a create).
- a ClusterRole with an ``aggregationRule`` has the rules of every ClusterRole whose labels
  match one of its selectors (transitively, as the aggregation controller converges).

A binding to a role the manifests do not ship (``cluster-admin``, ``edit``, ...) cannot be
evaluated here and raises :class:`UnknownRole`: a test that meets one fails, as it must.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
AUTHENTICATED = "system:authenticated"


class UnknownRole(AssertionError):
    """A binding refers to a role that is not among the documents evaluated."""


@dataclass(frozen=True)
class User:
    """The identity a request is made as."""

    name: str
    groups: frozenset[str] = frozenset({AUTHENTICATED})

    @classmethod
    def service_account(cls, namespace: str, name: str) -> User:
        return cls(
            f"system:serviceaccount:{namespace}:{name}",
            frozenset({"system:serviceaccounts", f"system:serviceaccounts:{namespace}", AUTHENTICATED}),
        )


def _matches_selector(labels: dict[str, str], selector: Doc) -> bool:
    if not selector:
        return False  # an empty clusterRoleSelector selects nothing for aggregation
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


class Authorizer:
    """Answers "may this user do this?" over a set of RBAC documents."""

    def __init__(self, docs: Iterable[Doc]) -> None:
        self.docs = [doc for doc in docs if isinstance(doc, dict)]
        self.bindings = [doc for doc in self.docs if doc.get("kind") in ("ClusterRoleBinding", "RoleBinding")]

    def role(self, kind: str, name: str, namespace: str | None) -> Doc:
        for doc in self.docs:
            meta = doc.get("metadata") or {}
            if doc.get("kind") == kind and meta.get("name") == name:
                if kind == "ClusterRole" or meta.get("namespace") == namespace:
                    return doc
        where = "" if kind == "ClusterRole" else f" in namespace {namespace}"
        raise UnknownRole(f"{kind} {name}{where} is bound but not shipped: its rules cannot be checked")

    def rules(self, role: Doc, seen: frozenset[str] = frozenset()) -> list[Doc]:
        """The rules a role grants, with those aggregated into a ClusterRole."""
        found = list(role.get("rules") or [])
        aggregation = role.get("aggregationRule")
        if role.get("kind") == "ClusterRole" and aggregation:
            found = []  # the controller replaces the rules with the aggregated ones
            name = role["metadata"]["name"]
            for other in self.docs:
                other_name = (other.get("metadata") or {}).get("name")
                if other.get("kind") != "ClusterRole" or other_name in seen | {name}:
                    continue
                labels = (other.get("metadata") or {}).get("labels") or {}
                selectors = aggregation.get("clusterRoleSelectors") or []
                if any(_matches_selector(labels, selector) for selector in selectors):
                    found.extend(self.rules(other, seen | {name}))
        return found

    def _applies(self, binding: Doc, user: User) -> bool:
        namespace = binding["metadata"].get("namespace") if binding["kind"] == "RoleBinding" else None
        for subject in binding.get("subjects") or []:
            kind, name = subject.get("kind"), subject.get("name")
            if kind == "User" and name == user.name:
                return True
            if kind == "Group" and name in user.groups:
                return True
            if kind == "ServiceAccount":
                sa_namespace = subject.get("namespace") or namespace
                if sa_namespace and user.name == f"system:serviceaccount:{sa_namespace}:{name}":
                    return True
        return False

    def granted_rules(self, user: User, namespace: str | None) -> list[Doc]:
        """Every rule that applies to ``user`` for a request in ``namespace`` (None: cluster scope)."""
        found: list[Doc] = []
        for binding in self.bindings:
            if binding["kind"] == "RoleBinding" and binding["metadata"].get("namespace") != namespace:
                continue
            if not self._applies(binding, user):
                continue
            ref = binding["roleRef"]
            if binding["kind"] == "ClusterRoleBinding" and ref["kind"] != "ClusterRole":
                continue  # the API server rejects such a binding
            role = self.role(ref["kind"], ref["name"], binding["metadata"].get("namespace"))
            found.extend(self.rules(role))
        return found

    def allows(
        self,
        user: User,
        verb: str,
        group: str,
        resource: str,
        namespace: str | None,
        name: str | None = None,
        *,
        any_name: bool = False,
    ) -> bool:
        """Whether ``user`` may ``verb`` ``resource`` (``pods/log`` for a subresource).

        ``any_name``: whether some object of that resource could be reached, counting rules
        limited to ``resourceNames`` (for questions like "can it read *any* Secret?").
        """
        resource, _, subresource = resource.partition("/")
        combined = f"{resource}/{subresource}" if subresource else resource
        for rule in self.granted_rules(user, namespace):
            if rule.get("nonResourceURLs") and not rule.get("resources"):
                continue
            verbs, groups = rule.get("verbs") or [], rule.get("apiGroups") or []
            if not ("*" in verbs or verb in verbs) or not ("*" in groups or group in groups):
                continue
            if not _resource_matches(rule.get("resources") or [], combined, subresource):
                continue
            names = rule.get("resourceNames") or []
            if not names or any_name or (name is not None and name in names):
                return True
        return False

    def identities(self) -> list[User]:
        """Everyone the bindings name: each User, a member of each Group, each ServiceAccount."""
        found: dict[str, User] = {}
        for binding in self.bindings:
            namespace = binding["metadata"].get("namespace")
            for subject in binding.get("subjects") or []:
                kind, name = subject.get("kind"), subject.get("name")
                if kind == "User":
                    user = User(name)
                elif kind == "Group":
                    user = User(f"a member of {name}", frozenset({name, AUTHENTICATED}))
                elif kind == "ServiceAccount" and (subject.get("namespace") or namespace):
                    user = User.service_account(subject.get("namespace") or namespace, name)
                else:
                    continue
                found[f"{kind}/{user.name}"] = user
        return list(found.values())


def _resource_matches(rule_resources: list[str], combined: str, subresource: str) -> bool:
    for item in rule_resources:
        if item in ("*", combined):
            return True
        if subresource and item == f"*/{subresource}":
            return True
    return False
