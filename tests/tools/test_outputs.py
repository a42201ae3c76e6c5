"""No output format, naming form or flag brings a Secret's value to the model (real kubectl).

A Secret applied the way ``kubectl apply`` leaves it (its plaintext also in the
last-applied annotation), a pod with a credential in its environment, and a kubeconfig whose
users carry an exec plugin's environment, a token and auth-provider tokens. Reads are
generated over every output format kubectl has and every way of naming the objects, and run
through the real toolbox and the real kubectl against the test API server.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import pod
from tests.tools.conftest import tool_settings

CANARIES = {
    "secret data": "canary-secret-data-7f3a",
    "applied plaintext": "canary-applied-plaintext-91be",
    "pod env": "canary-pod-env-2c44",
    "exec env": "canary-exec-env-AKIA5e1d",
    "user token": "canary-user-token-0b9c",
    "provider token": "canary-provider-token-d00d",
}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def leaks(text: str) -> list[str]:
    """Which canaries (plain, or base64 as a Secret stores them) appear in ``text``."""
    return [name for name, value in CANARIES.items() if value in text or _b64(value) in text]


SECRET: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {"name": "db", "namespace": "default", "labels": {"app": "db"}},
    "type": "Opaque",
    "data": {"tls.key": _b64(CANARIES["secret data"]), "password": _b64(CANARIES["applied plaintext"])},
}


def _applied(secret: dict[str, Any]) -> dict[str, Any]:
    """The Secret as `kubectl apply` leaves it: the applied manifest (plaintext) in an annotation."""
    applied = {**secret, "stringData": {"password": CANARIES["applied plaintext"]}}
    applied.pop("data")
    meta = dict(secret["metadata"])
    meta["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": json.dumps(applied)}
    return {**secret, "metadata": meta}


@pytest.fixture
def box(kube_api: KubeApi, manifests_dir: Path, tmp_path: Path) -> Iterator[KubeToolbox]:
    kube_api.apply(_applied(SECRET))
    workload = pod("api", namespace="default")
    workload["spec"]["containers"][0]["env"] = [
        {"name": "DB_PASSWORD", "value": CANARIES["pod env"]},
        {"name": "LOG_LEVEL", "value": "debug"},
    ]
    kube_api.apply(workload)
    (manifests_dir / "db-secret.yaml").write_text(
        yaml.safe_dump({k: v for k, v in SECRET.items() if k != "data"} | {"data": {}})
    )
    kubeconfig = yaml.safe_load(kube_api.kubeconfig.read_text())
    kubeconfig["users"].append(
        {
            "name": "cloud",
            "user": {
                "exec": {
                    "apiVersion": "client.authentication.k8s.io/v1",
                    "command": "aws",
                    "args": ["eks", "get-token"],
                    "env": [{"name": "AWS_SECRET_ACCESS_KEY", "value": CANARIES["exec env"]}],
                },
                "token": CANARIES["user token"],
                "auth-provider": {
                    "name": "oidc",
                    "config": {
                        "id-token": CANARIES["provider token"],
                        "refresh-token": CANARIES["provider token"],
                    },
                },
            },
        }
    )
    copy = tmp_path / "kubeconfig"
    copy.write_text(yaml.safe_dump(kubeconfig))
    toolbox = KubeToolbox(tool_settings(copy, manifests_dir))
    yield toolbox
    toolbox.close()


FORMATS = [
    [],
    ["-o", "json"],
    ["-o", "yaml"],
    ["-o", "kyaml"],
    ["-o=kyaml", "--show-managed-fields"],
    ["-ojson", "--show-managed-fields"],
    ["-o", "name"],
    ["-o", "wide"],
    ["-o", "jsonpath={.data}"],
    ["-o", "jsonpath={.items[*].data}"],
    ["-o", "jsonpath={..password}"],
    ["-o", "jsonpath={.metadata.annotations}"],
    ["-o=jsonpath-as-json={.data}"],
    ["-o", "go-template={{.data}}"],
    ["--template={{range .items}}{{.data}}{{end}}"],
    ["-o", "template={{.data}}"],
    ["-o", "custom-columns=K:.data"],
    ["-o", "custom-columns=E:.spec.containers[*].env[*].value"],
    ["--sort-by=.data.password"],
    ["-o", "jsonpath={.spec.containers[0].env}"],
    ["-o", "jsonpath={.missing.field}"],
    ["-v=4", "-o", "yaml"],
]
TARGETS = [
    ["secret", "db"],
    ["secrets"],
    ["secret/db"],
    ["Secrets.v1.", "db"],
    ["secrets,configmaps"],
    ["secret", "-l", "app=db"],
    ["-f", "manifests/db-secret.yaml"],
    ["pod", "api"],
    ["pods,secrets"],
    ["all"],
    ["-A", "secrets"],
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(TARGETS), st.sampled_from(FORMATS), st.booleans())
async def test_no_read_of_a_secret_shows_its_value(
    box: KubeToolbox, target: list[str], output: list[str], namespace_first: bool
) -> None:
    where = ["-n", "default"] if "-A" not in target else []
    argv = [*where, "get", *target, *output] if namespace_first else ["get", *target, *output, *where]
    command = " ".join(f"'{word}'" if any(c in word for c in "{}[]*$") else word for word in argv)
    try:
        result = await box.read("run_kubectl", {"command": command})
    except CommandRefused:
        return
    assert leaks(result.output) == [], (command, result.output)


@pytest.mark.parametrize(
    "command",
    [
        "get --raw /api/v1/namespaces/default/secrets/db",
        "get --raw /api/v1/secrets",
        "get --raw /api/v1/namespaces/default/pods/api",
        "apply view-last-applied secret/db -n default",
        "apply view-last-applied secret/db -n default -o json",
        "describe secret db -n default",
        "describe pod api -n default",
        "get events -A -o yaml",
        "config view",
        "config view -o json",
        "config view -o kyaml",
        "config view --minify=false -o yaml",
        "config view -o jsonpath={.users[*].user}",
        "config view -o go-template={{range .users}}{{.user}}{{end}}",
        "create secret generic x --from-literal=password=canary-secret-data-7f3a --dry-run=client -o yaml",
        "create secret generic x --from-literal=password=canary-secret-data-7f3a --dry-run=client"
        " -o jsonpath={.data}",
        "set env pod/api --list -n default",
        "label secret db -n default x=y --dry-run=server -o jsonpath={.data}",
        "annotate secret db -n default x=y --dry-run=server -o yaml",
    ],
)
async def test_other_commands_that_print_objects(box: KubeToolbox, command: str) -> None:
    try:
        result = await box.read("run_kubectl", {"command": command})
    except CommandRefused:
        return
    assert leaks(result.output) == [], (command, result.output)


async def test_scrubbed_output_still_answers_the_question(box: KubeToolbox) -> None:
    shown = (await box.read("run_kubectl", {"command": "get secret db -n default -o kyaml"})).output
    assert "tls.key" in shown and "<redacted>" in shown  # the keys stay, the values go
    table = (await box.read("run_kubectl", {"command": "get secrets -n default"})).output
    assert "db" in table and "Opaque" in table
    env = (
        await box.read("run_kubectl", {"command": "get pod api -n default -o jsonpath={.metadata.name}"})
    ).output
    assert env.strip() == "api"  # a free format of a non-Secret runs
    config = (await box.read("run_kubectl", {"command": "config view -o yaml"})).output
    assert "cloud" in config and "aws" in config  # who the users are, not their credentials


async def test_stderr_is_scrubbed_like_stdout(box: KubeToolbox) -> None:
    result = await box.read("run_kubectl", {"command": "get secret db -n default -o jsonpath={.nope}"})
    assert leaks(result.output) == []


def _protobuf_secret(value: bytes) -> bytes:
    """A Secret as a real API server answers ``--raw`` with protobuf (k8s magic + Unknown envelope)."""

    def field(number: int, payload: bytes) -> bytes:
        return bytes([number << 3 | 2, len(payload)]) + payload

    meta = field(1, b"db") + field(3, b"default")
    entry = field(1, b"password") + field(2, value)
    secret = field(1, meta) + field(2, entry) + field(3, b"Opaque")
    type_meta = field(1, b"v1") + field(2, b"Secret")
    return b"k8s\x00" + field(1, type_meta) + field(2, secret)


def test_a_raw_answer_that_is_not_json_is_withheld() -> None:
    from binks.tools.argv import parse_argv
    from binks.tools.redact import redact_output

    body = _protobuf_secret(CANARIES["secret data"].encode()).decode("utf-8", errors="replace")
    for path in ("/api/v1/namespaces/default/secrets/db", "/api/v1/namespaces/default/pods"):
        shown = redact_output(body, parse_argv(["get", "--raw", path]))
        assert leaks(shown) == [] and "could not be parsed" in shown
