"""Decode the protobuf request bodies kubectl's typed clients send.

``kubectl create namespace|configmap|secret|deployment|job|cronjob|service|role...``,
``auth can-i``, ``auth whoami``, ``create token`` and ``drain`` post protobuf (they accept
JSON back). This decoder knows the field numbers of those types (from Kubernetes'
``generated.proto`` files) and turns a body into the JSON object the rest of the server
handles; unknown fields are skipped, as a tolerant reader should.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from tests.fakes.kube_api.errors import ApiError

Obj = dict[str, Any]
MAGIC = b"k8s\x00"

# message -> field number -> (json name, type); a leading "*" marks a repeated field.
# types: s string, b bool, i int, y bytes (base64 in JSON), t Time, q Quantity, ios IntOrString,
# m:<msg> nested message, map:s / map:y / map:q string-keyed maps.
F = dict[int, tuple[str, str]]
SCHEMAS: dict[str, F] = {
    "Unknown": {
        1: ("typeMeta", "m:TypeMeta"),
        2: ("raw", "y"),
        3: ("contentEncoding", "s"),
        4: ("contentType", "s"),
    },
    "TypeMeta": {1: ("apiVersion", "s"), 2: ("kind", "s")},
    "ObjectMeta": {
        1: ("name", "s"),
        2: ("generateName", "s"),
        3: ("namespace", "s"),
        5: ("uid", "s"),
        6: ("resourceVersion", "s"),
        7: ("generation", "i"),
        8: ("creationTimestamp", "t"),
        11: ("labels", "map:s"),
        12: ("annotations", "map:s"),
        13: ("*ownerReferences", "m:OwnerReference"),
        14: ("*finalizers", "s"),
    },
    "OwnerReference": {
        1: ("kind", "s"),
        3: ("name", "s"),
        4: ("uid", "s"),
        5: ("apiVersion", "s"),
        6: ("controller", "b"),
        7: ("blockOwnerDeletion", "b"),
    },
    "LabelSelector": {1: ("matchLabels", "map:s"), 2: ("*matchExpressions", "m:LabelSelectorRequirement")},
    "LabelSelectorRequirement": {1: ("key", "s"), 2: ("operator", "s"), 3: ("*values", "s")},
    "Namespace": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:NamespaceSpec")},
    "NamespaceSpec": {1: ("*finalizers", "s")},
    "ConfigMap": {
        1: ("metadata", "m:ObjectMeta"),
        2: ("data", "map:s"),
        3: ("binaryData", "map:y"),
        4: ("immutable", "b"),
    },
    "Secret": {
        1: ("metadata", "m:ObjectMeta"),
        2: ("data", "map:y"),
        3: ("type", "s"),
        4: ("stringData", "map:s"),
        5: ("immutable", "b"),
    },
    "ServiceAccount": {1: ("metadata", "m:ObjectMeta"), 4: ("automountServiceAccountToken", "b")},
    "Service": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:ServiceSpec")},
    "ServiceSpec": {
        1: ("*ports", "m:ServicePort"),
        2: ("selector", "map:s"),
        3: ("clusterIP", "s"),
        4: ("type", "s"),
        5: ("*externalIPs", "s"),
        7: ("sessionAffinity", "s"),
        10: ("externalName", "s"),
    },
    "ServicePort": {
        1: ("name", "s"),
        2: ("protocol", "s"),
        3: ("port", "i"),
        4: ("targetPort", "ios"),
        5: ("nodePort", "i"),
        6: ("appProtocol", "s"),
    },
    "IntOrString": {1: ("type", "i"), 2: ("intVal", "i"), 3: ("strVal", "s")},
    "PodTemplateSpec": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:PodSpec")},
    "PodSpec": {
        2: ("*containers", "m:Container"),
        3: ("restartPolicy", "s"),
        4: ("terminationGracePeriodSeconds", "i"),
        5: ("activeDeadlineSeconds", "i"),
        6: ("dnsPolicy", "s"),
        7: ("nodeSelector", "map:s"),
        8: ("serviceAccountName", "s"),
        10: ("nodeName", "s"),
        14: ("securityContext", "m:Empty"),
        19: ("schedulerName", "s"),
        20: ("*initContainers", "m:Container"),
    },
    "Empty": {},
    "Container": {
        1: ("name", "s"),
        2: ("image", "s"),
        3: ("*command", "s"),
        4: ("*args", "s"),
        5: ("workingDir", "s"),
        6: ("*ports", "m:ContainerPort"),
        7: ("*env", "m:EnvVar"),
        8: ("resources", "m:ResourceRequirements"),
        13: ("terminationMessagePath", "s"),
        14: ("imagePullPolicy", "s"),
        16: ("stdin", "b"),
        17: ("stdinOnce", "b"),
        18: ("tty", "b"),
        20: ("terminationMessagePolicy", "s"),
    },
    "ContainerPort": {
        1: ("name", "s"),
        2: ("hostPort", "i"),
        3: ("containerPort", "i"),
        4: ("protocol", "s"),
    },
    "EnvVar": {1: ("name", "s"), 2: ("value", "s")},
    "ResourceRequirements": {1: ("limits", "map:q"), 2: ("requests", "map:q")},
    "Deployment": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:DeploymentSpec")},
    "DeploymentSpec": {
        1: ("replicas", "i"),
        2: ("selector", "m:LabelSelector"),
        3: ("template", "m:PodTemplateSpec"),
        4: ("strategy", "m:DeploymentStrategy"),
        5: ("minReadySeconds", "i"),
        6: ("revisionHistoryLimit", "i"),
        7: ("paused", "b"),
        9: ("progressDeadlineSeconds", "i"),
    },
    "DeploymentStrategy": {1: ("type", "s"), 2: ("rollingUpdate", "m:RollingUpdateDeployment")},
    "RollingUpdateDeployment": {1: ("maxUnavailable", "ios"), 2: ("maxSurge", "ios")},
    "Job": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:JobSpec")},
    "JobSpec": {
        1: ("parallelism", "i"),
        2: ("completions", "i"),
        3: ("activeDeadlineSeconds", "i"),
        4: ("selector", "m:LabelSelector"),
        5: ("manualSelector", "b"),
        6: ("template", "m:PodTemplateSpec"),
        7: ("backoffLimit", "i"),
        8: ("ttlSecondsAfterFinished", "i"),
        9: ("completionMode", "s"),
        10: ("suspend", "b"),
    },
    "CronJob": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:CronJobSpec")},
    "CronJobSpec": {
        1: ("schedule", "s"),
        2: ("startingDeadlineSeconds", "i"),
        3: ("concurrencyPolicy", "s"),
        4: ("suspend", "b"),
        5: ("jobTemplate", "m:JobTemplateSpec"),
        6: ("successfulJobsHistoryLimit", "i"),
        7: ("failedJobsHistoryLimit", "i"),
        8: ("timeZone", "s"),
    },
    "JobTemplateSpec": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:JobSpec")},
    "Role": {1: ("metadata", "m:ObjectMeta"), 2: ("*rules", "m:PolicyRule")},
    "ClusterRole": {1: ("metadata", "m:ObjectMeta"), 2: ("*rules", "m:PolicyRule")},
    "PolicyRule": {
        1: ("*verbs", "s"),
        3: ("*apiGroups", "s"),
        4: ("*resources", "s"),
        5: ("*resourceNames", "s"),
        6: ("*nonResourceURLs", "s"),
    },
    "RoleBinding": {
        1: ("metadata", "m:ObjectMeta"),
        2: ("*subjects", "m:Subject"),
        3: ("roleRef", "m:RoleRef"),
    },
    "ClusterRoleBinding": {
        1: ("metadata", "m:ObjectMeta"),
        2: ("*subjects", "m:Subject"),
        3: ("roleRef", "m:RoleRef"),
    },
    "Subject": {1: ("kind", "s"), 2: ("apiGroup", "s"), 3: ("name", "s"), 4: ("namespace", "s")},
    "RoleRef": {1: ("apiGroup", "s"), 2: ("kind", "s"), 3: ("name", "s")},
    "SelfSubjectAccessReview": {
        1: ("metadata", "m:ObjectMeta"),
        2: ("spec", "m:SelfSubjectAccessReviewSpec"),
    },
    "SelfSubjectAccessReviewSpec": {
        1: ("resourceAttributes", "m:ResourceAttributes"),
        2: ("nonResourceAttributes", "m:NonResourceAttributes"),
    },
    "ResourceAttributes": {
        1: ("namespace", "s"),
        2: ("verb", "s"),
        3: ("group", "s"),
        4: ("version", "s"),
        5: ("resource", "s"),
        6: ("subresource", "s"),
        7: ("name", "s"),
    },
    "NonResourceAttributes": {1: ("path", "s"), 2: ("verb", "s")},
    "SelfSubjectRulesReview": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:SelfSubjectRulesReviewSpec")},
    "SelfSubjectRulesReviewSpec": {1: ("namespace", "s")},
    "SelfSubjectReview": {1: ("metadata", "m:ObjectMeta")},
    "TokenRequest": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:TokenRequestSpec")},
    "TokenRequestSpec": {1: ("*audiences", "s"), 4: ("expirationSeconds", "i")},
    "Eviction": {1: ("metadata", "m:ObjectMeta"), 2: ("deleteOptions", "m:DeleteOptions")},
    "DeleteOptions": {
        1: ("gracePeriodSeconds", "i"),
        3: ("orphanDependents", "b"),
        4: ("propagationPolicy", "s"),
        5: ("*dryRun", "s"),
    },
    "ResourceQuota": {1: ("metadata", "m:ObjectMeta"), 2: ("spec", "m:ResourceQuotaSpec")},
    "ResourceQuotaSpec": {1: ("hard", "map:q")},
    "PodDisruptionBudget": {1: ("metadata", "m:ObjectMeta")},
}


_POINTER_INTS = frozenset(
    {
        "replicas",
        "backoffLimit",
        "completions",
        "parallelism",
        "revisionHistoryLimit",
        "activeDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
        "terminationGracePeriodSeconds",
        "ttlSecondsAfterFinished",
        "startingDeadlineSeconds",
        "progressDeadlineSeconds",
        "expirationSeconds",
    }
)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ApiError(400, "protobuf body ends inside a varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int, Any]]:
    out: list[tuple[int, int, Any]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            value, pos = data[pos : pos + size], pos + size
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ApiError(400, f"unsupported protobuf wire type {wire}")
        out.append((number, wire, value))
    return out


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _scalar(kind: str, raw: Any) -> Any:
    if kind == "s":
        return bytes(raw).decode()
    if kind == "b":
        return bool(raw)
    if kind == "i":
        return _signed(int(raw))
    if kind == "y":
        return base64.b64encode(bytes(raw)).decode()
    if kind == "q":
        return next((bytes(v).decode() for n, _, v in _fields(bytes(raw)) if n == 1), "")
    if kind == "t":
        seconds = decode(bytes(raw), "Time_").get("seconds", 0)
        return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "ios":
        value = decode(bytes(raw), "IntOrString")
        return value.get("strVal", "") if value.get("type") == 1 else value.get("intVal", 0)
    if kind.startswith("m:"):
        return decode(bytes(raw), kind[2:])
    raise ApiError(400, f"no protobuf decoder for field type {kind}")


def decode(data: bytes, message: str) -> Obj:
    """Decode one message of type ``message`` into its JSON form."""
    if message == "Time_":
        return {"seconds": next((int(v) for n, _, v in _fields(data) if n == 1), 0)}
    schema = SCHEMAS.get(message)
    if schema is None:
        raise ApiError(
            415, f"the fake API server cannot decode protobuf {message}; send JSON or YAML instead"
        )
    out: Obj = {}
    for number, _wire, raw in _fields(data):
        if number not in schema:
            continue
        name, kind = schema[number]
        repeated = name.startswith("*")
        name = name.lstrip("*")
        if kind.startswith("map:"):
            entry = {n: v for n, _, v in _fields(bytes(raw))}
            key = bytes(entry.get(1, b"")).decode()
            out.setdefault(name, {})[key] = _scalar(kind[4:], entry.get(2, b""))
        elif repeated:
            out.setdefault(name, []).append(_scalar(kind, raw))
        else:
            value = _scalar(kind, raw)
            # gogo-protobuf writes Go zero values of plain fields; Go reads them as "unset"
            if value in ("", False) or (value == 0 and kind == "i" and name not in _POINTER_INTS):
                continue
            out[name] = value
    return out


def decode_envelope(body: bytes) -> Obj:
    """Decode a magic-prefixed (``k8s`` NUL) protobuf body into a JSON object with apiVersion and kind."""
    if not body.startswith(MAGIC):
        raise ApiError(400, "protobuf body does not start with the k8s magic prefix")
    envelope = _fields(body[len(MAGIC) :])
    type_meta: Obj = {}
    raw = b""
    for number, _wire, value in envelope:
        if number == 1:
            type_meta = decode(bytes(value), "TypeMeta")
        elif number == 2:
            raw = bytes(value)
    kind = str(type_meta.get("kind", ""))
    obj = decode(raw, kind)
    obj["apiVersion"] = type_meta.get("apiVersion", "")
    obj["kind"] = kind
    return obj
