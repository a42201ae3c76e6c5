"""Reads through MCP: the tool layer's reads, refusals, redaction and caps; never a change."""

from __future__ import annotations

import base64

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.tools.toolbox import KubeToolbox
from tests.mcp.conftest import SCALE, Binks, BinksFactory, Transport, mcp_session, text_of


async def test_reads_run_and_a_change_is_refused_pointing_to_propose_change(
    binks_mcp: BinksFactory, transport: Transport
) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, transport) as client:
        listed = await client.call_tool("kubectl_read", {"command": "get deployment web -n default"})
        assert not listed.is_error, text_of(listed)
        assert "web" in text_of(listed, binks) and "READY" in text_of(listed)
        status = await client.call_tool("cluster_status", {})
        assert not status.is_error and "pi-1" in text_of(status, binks)

        change = await client.call_tool("kubectl_read", {"command": f"kubectl {SCALE}"})
        assert change.is_error
        assert "Not a read (nothing ran)" in text_of(change, binks) and "propose_change" in text_of(change)
    assert binks.kube.mutations() == []
    async with binks.api() as api:
        assert (await api.get("/threads")).json()["threads"] == [], "a read starts no thread"


async def test_refusals_redaction_and_the_output_cap_are_the_tools_own(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp(output_limit_bytes=1024)
    value = "s3cr3t-passw0rd-value"
    encoded = base64.b64encode(value.encode()).decode()
    binks.kube.apply(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "db", "namespace": "default"},
            "type": "Opaque",
            "data": {"password": encoded},
        }
    )
    async with mcp_session(binks, "http") as client:
        secret = text_of(await client.call_tool("kubectl_read", {"command": "get secret db -o yaml"}), binks)
        assert "password: <redacted>" in secret and value not in secret and encoded not in secret
        for command, reason in [
            ("get pods | grep web", "shell"),
            ("get pods --kubeconfig /etc/kubernetes/admin.conf", "--kubeconfig"),
            ("get pods --token abc", "--token"),
        ]:
            refused = await client.call_tool("kubectl_read", {"command": command})
            assert refused.is_error and "Refused by Binks (nothing ran)" in text_of(refused, binks), command
            assert reason in text_of(refused), command
        big = text_of(await client.call_tool("kubectl_read", {"command": "get nodes -o yaml"}), binks)
        assert "more bytes cut; narrow it" in big
        missing = await client.call_tool("kubectl_read", {"command": "get deployment nope -n default"})
        assert missing.is_error and "not found" in text_of(missing, binks)
        empty = await client.call_tool("kubectl_read", {"command": ""})
        assert empty.is_error
    assert binks.kube.mutations() == []


VERBS = st.sampled_from(
    [
        "get",
        "describe",
        "logs",
        "top",
        "scale",
        "delete",
        "apply",
        "patch",
        "label",
        "rollout",
        "auth",
        "edit",
        "exec",
        "port-forward",
        "drain",
        "cordon",
        "annotate",
        "set",
        "create",
        "frobnicate",
    ]
)
RESOURCES = st.sampled_from(
    ["deployment web", "pods", "ns default", "node pi-1", "secret db", "status deploy/web"]
)
FLAGS = st.lists(
    st.sampled_from(
        [
            "-n default",
            "-A",
            "--replicas=0",
            "--dry-run=server",
            "--dry-run=none",
            "-o yaml",
            "--all",
            "-v=9",
            "--as admin",
            "-f https://example.invalid/x.yaml",
            "--from-file=/etc/passwd",
            ";",
            "$(id)",
        ]
    ),
    max_size=3,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(verb=VERBS, resource=RESOURCES, flags=FLAGS)
async def test_kubectl_read_answers_exactly_as_the_tools_read_would(
    binks: Binks, verb: str, resource: str, flags: list[str]
) -> None:
    """Same classification, same refusals, same outcome as the agent's run_kubectl read."""
    command = " ".join([verb, resource, *flags])
    args = {"command": command}
    tools = KubeToolbox(binks.settings)
    try:
        expected = "change" if tools.assess("run_kubectl", args).mutating else "read"
        if expected == "read":
            direct = await tools.read("run_kubectl", args)
    except (CommandRefused, ValueError) as exc:
        expected, reason = "refused", str(exc)
    finally:
        tools.close()
    async with mcp_session(binks, "http") as client:
        result = await client.call_tool("kubectl_read", args)
    text = text_of(result, binks)
    if expected == "refused":
        assert result.is_error and reason in text, (command, text)
    elif expected == "change":
        assert result.is_error and "Not a read (nothing ran)" in text, (command, text)
    else:
        assert result.is_error == (not direct.ok), (command, text)
        assert "Not a read" not in text and "Refused by Binks" not in text, (command, text)
    assert binks.kube.mutations() == [], command
