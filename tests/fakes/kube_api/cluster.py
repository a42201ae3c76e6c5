"""API semantics over the store.

Create, update, patch, delete with dry-run, conflicts, defaults, validation, garbage
collection, and the controllers run after every write.

HTTP handlers and the test fixture both go through :class:`Cluster`, so an object seeded
by a test gets exactly the treatment of one created with kubectl.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

import yaml

from tests.fakes.kube_api import defaults, patching
from tests.fakes.kube_api.errors import ApiError, already_exists, conflict, not_found
from tests.fakes.kube_api.kinds import Kind, by_api_version, by_plural
from tests.fakes.kube_api.selectors import Matcher
from tests.fakes.kube_api.store import Store
from tests.fakes.kube_api.validation import check_identity, validate
from tests.fakes.kube_api.world import World

Obj = dict[str, Any]
ObjList = list[Obj]
Dependents = list[tuple[Kind, Obj]]

_NO_GENERATION = {
    "ConfigMap",
    "Secret",
    "Event",
    "Endpoints",
    "EndpointSlice",
    "ServiceAccount",
    "Lease",
    "Node",
    "Namespace",
    "ControllerRevision",
}
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply-cbor",
}


def random_suffix(length: int = 5) -> str:
    """The random name suffix controllers and ``generateName`` use."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _spec_part(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


class Cluster:
    """The state of one fake cluster and the rules for changing it."""

    def __init__(self, store: Store, world: World) -> None:
        self.store = store
        self.world = world
        self.controllers_enabled = True

    # -- reads ---------------------------------------------------------------------------

    def get(self, kind: Kind, namespace: str | None, name: str) -> Obj:
        """One object, or the real NotFound."""
        obj = self.store.get(kind.key, (namespace or "") if kind.namespaced else "", name)
        if obj is None:
            raise not_found(kind.plural, kind.group, name)
        return obj

    def find(self, kind: Kind, namespace: str | None, name: str) -> Obj | None:
        """One object or ``None``."""
        return self.store.get(kind.key, (namespace or "") if kind.namespaced else "", name)

    def list(self, kind: Kind, namespace: str | None, match: Matcher | None = None) -> ObjList:
        """Objects of a kind, optionally in one namespace and filtered."""
        items = self.store.list(kind.key, namespace if kind.namespaced else None)
        return [o for o in items if match is None or match(o)]

    # -- writes --------------------------------------------------------------------------

    def create(
        self,
        kind: Kind,
        namespace: str | None,
        body: Obj,
        *,
        dry_run: bool = False,
        manager: str = "unknown",
        operation: str = "Update",
        keep_status: bool = False,
    ) -> Obj:
        """Create an object: identity checks, defaults, validation, then the controllers."""
        check_identity(kind, body, namespace)
        obj = copy.deepcopy(body)
        obj["apiVersion"], obj["kind"] = kind.api_version, kind.kind
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = f"{meta['generateName']}{random_suffix()}"
        ns = (namespace or meta.get("namespace") or "default") if kind.namespaced else None
        with self.store.lock:
            if ns is not None and kind.plural != "namespaces":
                if self.store.get("/namespaces", "", ns) is None:
                    raise not_found("namespaces", "", ns)
            if meta.get("name") and self.store.get(kind.key, ns or "", meta["name"]) is not None:
                raise already_exists(kind.plural, kind.group, meta["name"])
            if not keep_status:
                obj.pop("status", None)
            defaults.new_metadata(obj, ns, kind.kind not in _NO_GENERATION)
            meta.pop("resourceVersion", None)
            defaults.apply_defaults(kind.kind, obj)
            validate(kind, obj, None)
            defaults.record_manager(obj, defaults.managed_entry(manager, operation, kind.api_version, obj))
            if dry_run:
                return obj
            stored = self.store.put(kind.key, obj)
            self.reconcile()
            return self.find(kind, ns, stored["metadata"]["name"]) or stored

    def update(
        self,
        kind: Kind,
        namespace: str | None,
        name: str,
        body: Obj,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
        manager: str = "unknown",
        operation: str = "Update",
    ) -> Obj:
        """Replace an object (PUT), honouring ``resourceVersion`` preconditions."""
        check_identity(kind, body, namespace)
        with self.store.lock:
            old = self.get(kind, namespace, name)
            sent_rv = (body.get("metadata") or {}).get("resourceVersion")
            if sent_rv and sent_rv != old["metadata"]["resourceVersion"]:
                raise conflict(kind.plural, kind.group, name)
            new = self._merge_update(kind, old, body, subresource)
            return self._commit(kind, old, new, subresource, dry_run, manager, operation)

    def patch(
        self,
        kind: Kind,
        namespace: str | None,
        name: str,
        patch_type: str,
        raw: bytes,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
        manager: str | None = None,
        force: bool = False,
    ) -> Obj:
        """PATCH in any of the four flavours; apply patches create missing objects."""
        flavour = PATCH_TYPES.get(patch_type)
        if flavour is None or flavour == "apply-cbor":
            raise ApiError(
                415,
                f"the body of the request was in an unknown format - accepted media types include: "
                f"{', '.join(t for t in PATCH_TYPES if 'cbor' not in t)}",
            )
        try:
            body = (
                yaml.safe_load(raw.decode()) if flavour == "apply" else yaml.safe_load(raw.decode() or "null")
            )
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"error decoding patch: {exc}") from exc
        with self.store.lock:
            old = self.find(kind, namespace, name)
            if old is None:
                if flavour != "apply":
                    raise not_found(kind.plural, kind.group, name)
                if not manager:
                    raise ApiError(
                        422,
                        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
                        "is required for apply patch",
                    )
                return self.create(kind, namespace, body, dry_run=dry_run, manager=manager, operation="Apply")
            if flavour == "json":
                patched = patching.json_patch(old, body)
            elif flavour == "merge":
                patched = patching.merge_patch(old, body)
            elif flavour == "strategic":
                patched = patching.strategic_merge(old, body)
            else:
                if not manager:
                    raise ApiError(
                        422,
                        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
                        "is required for apply patch",
                    )
                if not isinstance(body, dict):
                    raise ApiError(400, "error decoding YAML: the apply body is not an object")
                check_identity(kind, body, namespace)
                patched = patching.strategic_merge(old, body)
            if not isinstance(patched, dict):
                raise ApiError(422, "the patch result is not an object")
            sent_rv = (patched.get("metadata") or {}).get("resourceVersion")
            if sent_rv and sent_rv != old["metadata"]["resourceVersion"]:
                raise conflict(kind.plural, kind.group, name)
            new = self._merge_update(kind, old, patched, subresource)
            operation = "Apply" if flavour == "apply" else "Update"
            return self._commit(kind, old, new, subresource, dry_run, manager or "unknown", operation)

    def _merge_update(self, kind: Kind, old: Obj, body: Obj, subresource: str | None) -> Obj:
        """The new object: server-owned metadata kept, status or spec protected by subresource."""
        new = copy.deepcopy(body)
        new["apiVersion"], new["kind"] = kind.api_version, kind.kind
        meta = new.setdefault("metadata", {})
        for key in (
            "uid",
            "creationTimestamp",
            "namespace",
            "generation",
            "managedFields",
            "deletionTimestamp",
        ):
            if key in old["metadata"]:
                meta[key] = old["metadata"][key]
        meta["name"] = old["metadata"]["name"]
        has_status = "status" in kind.subresources
        if subresource == "status":
            status = new.get("status")
            new = {**copy.deepcopy(old), "status": status}
            new["metadata"] = copy.deepcopy(old["metadata"])
        elif has_status and "status" in old:
            new["status"] = copy.deepcopy(old["status"])
        elif has_status:
            new.pop("status", None)
        defaults.apply_defaults(kind.kind, new)
        return new

    def _commit(
        self,
        kind: Kind,
        old: Obj,
        new: Obj,
        subresource: str | None,
        dry_run: bool,
        manager: str,
        operation: str,
    ) -> Obj:
        if subresource != "status" and _spec_part(new) != _spec_part(old) and "generation" in old["metadata"]:
            new["metadata"]["generation"] = int(old["metadata"]["generation"]) + 1
        validate(kind, new, old)
        if new == old or (
            {k: v for k, v in new.items() if k != "metadata"}
            == {k: v for k, v in old.items() if k != "metadata"}
            and _meta_view(new) == _meta_view(old)
        ):
            return old  # a no-op write keeps the resourceVersion, like the real server
        defaults.record_manager(
            new,
            defaults.managed_entry(
                manager, operation, kind.api_version, new, subresource if subresource == "status" else ""
            ),
        )
        if dry_run:
            return new
        stored = self.store.put(kind.key, new)
        self.reconcile()
        return self.find(kind, new["metadata"].get("namespace"), new["metadata"]["name"]) or stored

    def delete(
        self,
        kind: Kind,
        namespace: str | None,
        name: str,
        *,
        propagation: str | None = None,
        dry_run: bool = False,
        preconditions: Obj | None = None,
    ) -> Obj:
        """Delete an object and, unless orphaned, everything it owns."""
        with self.store.lock:
            obj = self.get(kind, namespace, name)
            pre = preconditions or {}
            if pre.get("uid") and pre["uid"] != obj["metadata"]["uid"]:
                raise ApiError(
                    409,
                    f'Operation cannot be fulfilled on {kind.plural} "{name}": Precondition failed: '
                    f"UID in precondition: {pre['uid']}, UID in object meta: {obj['metadata']['uid']}",
                    "Conflict",
                )
            if pre.get("resourceVersion") and pre["resourceVersion"] != obj["metadata"]["resourceVersion"]:
                raise conflict(kind.plural, kind.group, name)
            policy = propagation or ("Orphan" if kind.kind in ("Job", "CronJob") else "Background")
            result = copy.deepcopy(obj)
            if kind.kind in ("Pod", "Namespace") or policy == "Foreground":
                result["metadata"]["deletionTimestamp"] = defaults.now()
                result["metadata"]["deletionGracePeriodSeconds"] = 30 if kind.kind == "Pod" else 0
                if kind.kind == "Namespace":
                    result["status"] = {"phase": "Terminating"}
            if not dry_run:
                self.remove(kind, obj, policy)
                self.reconcile()
            if "deletionTimestamp" in result["metadata"]:
                return result
            details: Obj = {"name": name, "kind": kind.plural, "uid": obj["metadata"]["uid"]}
            if kind.group:
                details["group"] = kind.group
            return {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "details": details,
            }

    def remove(self, kind: Kind, obj: Obj, policy: str = "Background") -> None:
        """Remove an object now and apply the propagation policy to its dependents."""
        meta = obj["metadata"]
        removed = self.store.delete(kind.key, meta.get("namespace", ""), meta["name"])
        if removed is None:
            return
        if kind.kind == "Namespace":
            for key in self.store.namespaces_in_use(meta["name"]):
                self.store.delete(*key)
            return
        if kind.kind == "Service":
            self.store.delete("/endpoints", meta.get("namespace", ""), meta["name"])
        uid = meta["uid"]
        for dep_kind, dep in self.dependents(uid, meta.get("namespace")):
            if policy == "Orphan":
                dep["metadata"]["ownerReferences"] = [
                    r for r in dep["metadata"].get("ownerReferences", []) if r.get("uid") != uid
                ]
                self.store.put(dep_kind.key, dep)
            else:
                self.remove(dep_kind, dep, "Background")

    def dependents(self, uid: str, namespace: str | None) -> Dependents:
        """Objects whose ownerReferences name ``uid``."""
        found: Dependents = []
        for plural in (
            "apps/replicasets",
            "/pods",
            "batch/jobs",
            "apps/controllerrevisions",
            "/endpoints",
            "discovery.k8s.io/endpointslices",
        ):
            group, _, name = plural.partition("/")
            dep_kind = by_plural(group, name)
            assert dep_kind is not None
            for dep in self.store.list(dep_kind.key, namespace):
                if any(r.get("uid") == uid for r in dep["metadata"].get("ownerReferences", [])):
                    found.append((dep_kind, dep))
        return found

    def save(self, kind: Kind, obj: Obj) -> Obj:
        """Controller write: store ``obj`` if it differs from what is stored (no log, no checks)."""
        meta = obj["metadata"]
        old = self.store.get(kind.key, meta.get("namespace", ""), meta["name"])
        if old is not None and old == obj:
            return old
        if old is None and "uid" not in meta:
            defaults.new_metadata(obj, meta.get("namespace"), kind.kind not in _NO_GENERATION)
            defaults.apply_defaults(kind.kind, obj)
        return self.store.put(kind.key, obj)

    def seed(self, body: Obj) -> Obj:
        """Create or update an object from a test, keeping any status it carries."""
        kind = by_api_version(str(body.get("apiVersion")), str(body.get("kind")))
        if kind is None:
            raise ApiError(404, f"no kind {body.get('kind')!r} in {body.get('apiVersion')!r} is served")
        meta = body.get("metadata") or {}
        ns = (meta.get("namespace") or "default") if kind.namespaced else None
        with self.store.lock:
            existing = self.find(kind, ns, meta.get("name", ""))
            if existing is not None:
                plain = copy.deepcopy(body)
                plain.get("metadata", {}).pop("resourceVersion", None)
                self.update(kind, ns, meta["name"], plain, manager="test-seed")
                if "status" in body and "status" in kind.subresources:
                    self.update(kind, ns, meta["name"], plain, subresource="status", manager="test-seed")
                return self.get(kind, ns, meta["name"])
            self.controllers_enabled = False
            try:
                created = self.create(kind, ns, body, manager="test-seed", keep_status=True)
            finally:
                self.controllers_enabled = True
            if kind.kind == "Pod" and (body.get("status") or {}).get("phase"):
                self.world.frozen_pods.add(created["metadata"]["uid"])
            self.reconcile()
            return self.find(kind, ns, created["metadata"]["name"]) or created

    def reconcile(self) -> None:
        """Run the simulated controllers until nothing changes (bounded, deterministic)."""
        if not self.controllers_enabled:
            return
        from tests.fakes.kube_api.controllers import run_controllers

        with self.store.lock:
            for _ in range(20):
                if not run_controllers(self):
                    return


def _meta_view(obj: Obj) -> Obj:
    return {k: v for k, v in obj["metadata"].items() if k not in ("managedFields", "resourceVersion")}
