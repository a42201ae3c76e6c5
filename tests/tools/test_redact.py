"""Secrets never reach the model: structured Secrets, keys, tokens, kubeconfig credentials."""

from __future__ import annotations

import base64
import json
from typing import Any

import yaml

from binks.tools.argv import parse_argv
from binks.tools.redact import MARK, redact_output, redact_text, redact_value
from binks.tools.shown import redact_argv

PASSWORD = "hunter2-very-secret"
B64 = base64.b64encode(PASSWORD.encode()).decode()
SECRET = {
    "apiVersion": "v1",
    "kind": "Secret",
    "metadata": {
        "name": "db",
        "namespace": "shop",
        "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": json.dumps({"data": {"password": B64}}),
        },
    },
    "type": "Opaque",
    "data": {"password": B64},
    "stringData": {"plain": PASSWORD},
}


def _clean(text: str) -> None:
    assert PASSWORD not in text
    assert B64 not in text


def test_secret_json_keeps_keys_and_sizes() -> None:
    out = redact_text(json.dumps(SECRET))
    _clean(out)
    body = json.loads(out)
    assert body["data"]["password"] == f"{MARK} ({len(PASSWORD)} bytes)"
    assert body["metadata"]["name"] == "db"


def test_secret_yaml_and_lists() -> None:
    listing = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [SECRET, {"kind": "ConfigMap", "data": {"a": "b"}}],
    }
    out = redact_text(yaml.safe_dump(listing))
    _clean(out)
    assert "a: b" in out  # ConfigMaps are not secrets


def test_raw_secret_list_items_without_kind() -> None:
    item = {key: value for key, value in SECRET.items() if key != "kind"}
    _clean(redact_text(json.dumps({"kind": "SecretList", "items": [item]})))


def test_unparseable_yaml_falls_back_to_lines() -> None:
    text = f"kind: Secret\nmetadata:\n  name: db\ndata:\n  password: {B64}\n  bad: [unclosed\n"
    _clean(redact_text(text))


def test_private_keys_tokens_and_kubeconfig_fields() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    text = (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecret\n-----END RSA PRIVATE KEY-----\n"
        f"Authorization: Bearer abcdefgh12345678\ntoken {jwt}\n"
        "users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0Eg\n    token: s3cr3t-t0k3n\n"
    )
    out = redact_text(text)
    for leaked in ("MIIEowIBAAKCAQEAsecret", "abcdefgh12345678", jwt, "LS0tLS1CRUdJTiBSU0Eg", "s3cr3t-t0k3n"):
        assert leaked not in out
    assert "client-key-data: <redacted>" in out


def test_free_format_secret_reads_are_withheld() -> None:
    parsed = parse_argv(["get", "secret", "db", "-o", "jsonpath={.data.password}"])
    out = redact_output(B64, parsed)
    _clean(out)
    assert "describe secret" in out
    # A pod's jsonpath is not a secret read.
    assert (
        redact_output("web-1", parse_argv(["get", "pods", "-o", "jsonpath={.items[0].metadata.name}"]))
        == "web-1"
    )


def test_plain_tables_pass_unchanged() -> None:
    table = "NAME    READY   STATUS\nweb-1   1/1     Running\n"
    assert redact_text(table) == table


def test_argv_for_the_audit_hides_literals_and_secret_patches() -> None:
    argv = [
        "-n",
        "shop",
        "create",
        "secret",
        "generic",
        "db",
        f"--from-literal=password={PASSWORD}",
        "--from-literal",
        f"user={PASSWORD}",
    ]
    assert redact_argv(argv) == [
        "-n",
        "shop",
        "create",
        "secret",
        "generic",
        "db",
        f"--from-literal=password={MARK}",
        "--from-literal",
        f"user={MARK}",
    ]
    patch = ["patch", "secret/db", "-p", json.dumps({"data": {"password": B64}})]
    assert redact_argv(patch) == ["patch", "secret/db", "-p", json.dumps({"data": {"password": MARK}})]
    scale = ["-n", "shop", "scale", "deployment/web", "--replicas=3"]
    assert redact_argv(scale) == scale
    deploy_patch = ["patch", "deploy/web", "-p", '{"spec":{"replicas":2}}']
    assert redact_argv(deploy_patch)[:3] == deploy_patch[:3] and "replicas" in redact_argv(deploy_patch)[3]


def test_values_for_the_audit_are_scrubbed_without_touching_the_original() -> None:
    params: dict[str, Any] = {
        "task": f"token: {PASSWORD}",
        "db_password": PASSWORD,
        "manifest": dict(SECRET),
        "n": 3,
    }
    redacted = redact_value(params)
    assert PASSWORD not in json.dumps(redacted) and B64 not in json.dumps(redacted)
    assert redacted["n"] == 3
    assert params["manifest"]["data"] == {"password": B64}


def test_a_watch_stream_of_secrets_is_scrubbed_object_by_object() -> None:
    from binks.tools.redact import redact_text

    stream = (
        '{"type":"ADDED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"},'
        '"data":{"password":"aHVudGVyMg=="}}}\n'
        '{"type":"MODIFIED","object":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"},'
        '"data":{"tls.key":"c2VjcmV0"}}}\n'
    )
    out = redact_text(stream)
    assert "aHVudGVyMg" not in out and "c2VjcmV0" not in out
    assert out.count('"MODIFIED"') == 1
    cut = '{"kind": "Secret", "data": {"a": "Zm9vYmFy"'  # a stream cut mid-object
    assert "Zm9vYmFy" not in redact_text(cut)


def test_kubeconfig_fields_in_a_free_format_are_withheld() -> None:
    from binks.tools.argv import parse_argv
    from binks.tools.redact import redact_output

    parsed = parse_argv(["config", "view", "-o", "jsonpath={.users[0].user.exec.env}"])
    assert "AKIA" not in redact_output('[{"name":"AWS_SECRET_ACCESS_KEY","value":"AKIAxyz"}]', parsed)


def test_commands_in_payloads_hide_literal_values() -> None:
    from binks.tools.shown import redact_payload

    command = "kubectl create secret generic s --from-literal=password=hunter2"
    out = redact_payload(
        {"args": {"command": command}, "argv": command.split()[1:], "description": command, "n": 1}
    )
    assert "hunter2" not in str(out)
    assert out["n"] == 1
    assert redact_payload({"command": "kubectl get pods -n shop"}) == {"command": "kubectl get pods -n shop"}


def test_argv_hides_secret_named_env_values_and_attached_patches() -> None:
    from binks.tools.shown import redact_argv

    assert redact_argv(["set", "env", "deploy/web", "DB_PASSWORD=hunter2", "LOG_LEVEL=debug"]) == [
        "set",
        "env",
        "deploy/web",
        "DB_PASSWORD=<redacted>",
        "LOG_LEVEL=debug",
    ]
    assert "Zm9v" not in str(redact_argv(["patch", "secret", "s", '-p{"data":{"a":"Zm9v"}}']))
    assert redact_argv(["scale", "deploy/web", "--replicas=3"]) == ["scale", "deploy/web", "--replicas=3"]
