"""Unit tests of the fake server's patch, selector and protobuf helpers."""

from __future__ import annotations

import pytest

from tests.fakes.kube_api.errors import ApiError
from tests.fakes.kube_api.patching import json_patch, merge_patch, strategic_merge
from tests.fakes.kube_api.protobuf import MAGIC, decode_envelope
from tests.fakes.kube_api.selectors import field_matcher, label_matcher

POD_SPEC = {
    "containers": [
        {"name": "web", "image": "nginx:1", "env": [{"name": "A", "value": "1"}]},
        {"name": "side", "image": "busybox"},
    ],
    "finalizers": ["a"],
}


def test_strategic_merge_merges_containers_by_name() -> None:
    out = strategic_merge(POD_SPEC, {"containers": [{"name": "web", "image": "nginx:2"}]})
    assert [(c["name"], c["image"]) for c in out["containers"]] == [("web", "nginx:2"), ("side", "busybox")]
    assert out["containers"][0]["env"] == [{"name": "A", "value": "1"}]


def test_strategic_merge_directives() -> None:
    deleted = strategic_merge(POD_SPEC, {"containers": [{"name": "side", "$patch": "delete"}]})
    assert [c["name"] for c in deleted["containers"]] == ["web"]
    replaced = strategic_merge(
        {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}},
        {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}},
    )
    assert replaced == {"strategy": {"type": "Recreate"}}
    ordered = strategic_merge(
        POD_SPEC, {"$setElementOrder/containers": [{"name": "web"}], "finalizers": ["b"]}
    )
    assert ordered["finalizers"] == ["a", "b"]
    pruned = strategic_merge(POD_SPEC, {"$deleteFromPrimitiveList/finalizers": ["a"]})
    assert pruned["finalizers"] == []
    assert strategic_merge({"a": {"b": 1}}, {"a": None}) == {}


def test_merge_patch_replaces_lists_and_drops_nulls() -> None:
    out = merge_patch(POD_SPEC, {"containers": [{"name": "only"}], "finalizers": None})
    assert out == {"containers": [{"name": "only"}]}


def test_json_patch_operations_and_errors() -> None:
    doc = {"spec": {"replicas": 1, "list": [1, 2]}}
    out = json_patch(
        doc,
        [
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "add", "path": "/spec/list/-", "value": 3},
            {"op": "remove", "path": "/spec/list/0"},
            {"op": "copy", "from": "/spec/replicas", "path": "/spec/copy"},
            {"op": "test", "path": "/spec/copy", "value": 3},
        ],
    )
    assert out == {"spec": {"replicas": 3, "list": [2, 3], "copy": 3}}
    with pytest.raises(ApiError, match="missing"):
        json_patch(doc, [{"op": "replace", "path": "/spec/nope", "value": 1}])
    with pytest.raises(ApiError, match="test failed"):
        json_patch(doc, [{"op": "test", "path": "/spec/replicas", "value": 9}])


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ("app=web", True),
        ("app==web", True),
        ("app!=web", False),
        ("app in (a,web)", True),
        ("app notin (web)", False),
        ("tier", True),
        ("!tier", False),
        ("app=web,tier=front", True),
        ("app=web,tier=back", False),
        ("", True),
    ],
)
def test_label_selectors(selector: str, matches: bool) -> None:
    obj = {"metadata": {"labels": {"app": "web", "tier": "front"}}}
    assert label_matcher(selector)(obj) is matches


def test_field_selectors() -> None:
    obj = {"metadata": {"name": "x"}, "status": {"phase": "Running"}, "spec": {"unschedulable": True}}
    assert field_matcher("metadata.name=x,status.phase!=Failed")(obj)
    assert not field_matcher("status.phase=Pending")(obj)
    assert field_matcher("spec.unschedulable=true")(obj)
    with pytest.raises(ApiError):
        field_matcher("nonsense")(obj)


def obj_with_phase() -> dict[str, object]:
    return {"metadata": {"name": "x"}, "status": {"phase": "Pending"}}


def test_field_selectors_accept_only_the_fields_the_real_server_indexes() -> None:
    assert field_matcher("status.phase!=Running,metadata.name=x", "Pod")(obj_with_phase())
    with pytest.raises(ApiError, match=r"field label not supported: spec\.replicas"):
        field_matcher("spec.replicas=1", "Pod")
    with pytest.raises(ApiError, match=r'"status\.phase" is not a known field selector'):
        field_matcher("status.phase=Running", "Deployment")


def _field(number: int, payload: bytes) -> bytes:
    return bytes([number << 3 | 2, len(payload)]) + payload


def test_protobuf_envelope_decodes_a_configmap() -> None:
    meta = _field(1, b"cfg")
    entry = _field(1, b"a") + _field(2, b"1")
    raw = _field(1, meta) + _field(2, entry)
    type_meta = _field(1, b"v1") + _field(2, b"ConfigMap")
    body = MAGIC + _field(1, type_meta) + _field(2, raw)
    assert decode_envelope(body) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg"},
        "data": {"a": "1"},
    }
