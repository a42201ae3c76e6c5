"""What a small model reads when it gets a command wrong, run with real kubectl.

The kubectl-native way instead of shell syntax, short errors, hints for common mistakes,
and where the object it looked for really is. Run with real kubectl against the in-memory API server.
"""

from __future__ import annotations

import pytest

from binks.errors import CommandRefused
from binks.tools.argv import parse_argv
from binks.tools.classify import classify
from binks.tools.kubectl_hints import condense, hint
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment

SHELL_CASES = [
    ("get pods -n shop | grep web", ["-l key=value", "--field-selector metadata.name=NAME", "-o custom-"]),
    ("get pods -A | grep -v Running", ["--field-selector status.phase!=Running", "get_cluster_status"]),
    ("get pods -n shop | wc -l", ["-o name"]),
    ("get deploy web -o json | jq .spec.replicas", ["-o jsonpath="]),
    ("get pods | awk '{print $1}'", ["-o custom-columns="]),
    ("logs web-1 | tail -20", ["--tail=N"]),
    ("get pods --sort-by=x | sort", ["--sort-by="]),
    ("get pods && kubectl get svc", ["one tool call per command"]),
    ("get pods; delete ns shop", ["one tool call per command"]),
    ("get pods -n $(kubectl get ns -o name)", ["run the inner command first"]),
    ("get pods -n `whoami`", ["run the inner command first"]),
    ("apply -f - <<EOF", ["no stdin", "create deployment NAME --image=IMAGE", "patch TYPE NAME"]),
    ("apply -f - < app.yaml", ["no stdin"]),
    ("get pods > pods.txt", ["no files are written"]),
    ("get pods -n <namespace>", ["`<namespace>` is a placeholder", "real name"]),
]


@pytest.mark.parametrize(("command", "expected"), SHELL_CASES)
def test_shell_syntax_refusal_names_the_kubectl_way(command: str, expected: list[str]) -> None:
    with pytest.raises(CommandRefused) as refused:
        classify(command)
    message = str(refused.value)
    assert "without a shell" in message
    for part in expected:
        assert part in message, (command, message)


def test_the_hint_is_specific_to_the_construct() -> None:
    with pytest.raises(CommandRefused) as counted:
        classify("get pods | wc -l")
    assert "jsonpath" not in str(counted.value)
    assert "-o name" in str(counted.value)
    with pytest.raises(CommandRefused) as chained:
        classify("get pods && get svc")
    assert "wc" not in str(chained.value) and "one tool call per command" in str(chained.value)


HELP_DUMP = """Display resource (CPU/memory) usage.

 This command provides a view of recent resource consumption for nodes and pods.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use "kubectl top <command> --help" for more information about a given command.
"""


def test_help_dumps_become_one_line() -> None:
    assert condense(HELP_DUMP) == "this command needs a subcommand: node, pod"
    assert condense("error: unknown flag: --all\nSee 'kubectl get --help' for usage.") == (
        "error: unknown flag: --all"
    )


@pytest.mark.parametrize(
    ("argv", "text", "expected"),
    [
        (["get", "pods", "--all"], "error: unknown flag: --all", "use -A (--all-namespaces)"),
        (["get", "pods", "--all-namespace"], "error: unknown flag: --all-namespace", "-A"),
        (["get", "pods", "--namspace=x"], "error: unknown flag: --namspace", "did you mean --namespace"),
        (["get", "pods", "-a"], "error: unknown shorthand flag: 'a' in -a", "-A (capital A)"),
        (["get", "pods", "-l"], "error: flag needs an argument: 'l' in -l", "-l needs a value"),
        (
            ["get", "deploy", "--field-selector", "status.phase!=Running"],
            'Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that match'
            ' label selector "", field selector "status.phase!=Running": "status.phase" is not a known'
            ' field selector: only "metadata.name", "metadata.namespace"',
            "cannot use status.phase for deployments; it works only on metadata.name, metadata.namespace",
        ),
        (
            ["get", "pods", "--field-selector", "spec.foo=1"],
            "field label not supported: spec.foo",
            "status.phase, spec.nodeName",
        ),
        (["get", "foos"], 'error: the server doesn\'t have a resource type "foos"', "api-resources"),
        (["top", "pods"], "error: Metrics API not available", "get_cluster_status"),
        (["get", "pods", "-n", "all"], "No resources found in all namespace.", "-A"),
        (["get", "pods", "-o", "custom-columns=NAME"], "error: unexpected custom-columns spec", "HEADER:"),
    ],
)
def test_common_mistakes_get_a_hint(argv: list[str], text: str, expected: str) -> None:
    found = hint(parse_argv(argv), text)
    assert found is not None and expected in found, found


def test_no_hint_for_an_ordinary_error() -> None:
    assert hint(parse_argv(["get", "pods"]), "error: something odd happened") is None


async def test_unknown_flag_comes_back_short_with_a_hint(toolbox: KubeToolbox) -> None:
    result = await toolbox.read("run_kubectl", {"command": "kubectl get pods -o wide --all"})
    assert not result.ok
    assert "unknown flag: --all" in result.output
    assert "Hint: `get` has no --all flag: to list every namespace use -A" in result.output
    assert "See 'kubectl" not in result.output


async def test_help_dump_is_cut_to_the_subcommands(toolbox: KubeToolbox) -> None:
    result = await toolbox.read("run_kubectl", {"command": "top"})
    assert not result.ok
    assert "this command needs a subcommand: node, pod" in result.output
    assert "Usage:" not in result.output and len(result.output) < 300


async def test_unsupported_field_selector_is_explained(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web", namespace="default"))
    result = await toolbox.read(
        "run_kubectl", {"command": "get deployments --field-selector status.phase!=Running"}
    )
    assert not result.ok
    assert "is not a known field selector" in result.output
    assert "cannot use status.phase for deployments" in result.output
    assert "custom-columns=NAME:.metadata.name,VALUE:.status.phase" in result.output
    command = "get pods -A --field-selector status.phase!=Running"
    pods = await toolbox.read("run_kubectl", {"command": command})
    assert pods.ok, pods.output


async def test_not_found_says_which_namespace_holds_the_object(
    toolbox: KubeToolbox, kube_api: KubeApi
) -> None:
    kube_api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    kube_api.apply(deployment("web", namespace="shop"))
    result = await toolbox.read("run_kubectl", {"command": "get deployment web"})
    assert not result.ok
    assert "not found" in result.output
    assert "a deployment named web exists in namespace shop: add -n shop" in result.output
    described = await toolbox.read("run_kubectl", {"command": "describe deploy/web -n default"})
    assert "add -n shop" in described.output


async def test_not_found_anywhere_says_so_and_names_similar_pods(
    toolbox: KubeToolbox, kube_api: KubeApi
) -> None:
    kube_api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    kube_api.apply(deployment("web", namespace="shop"))
    missing = await toolbox.read("run_kubectl", {"command": "get deployment nope -n shop"})
    assert "No deployment named nope exists in any namespace" in missing.output
    pod = await toolbox.read("run_kubectl", {"command": "logs web -n shop"})
    assert not pod.ok
    assert "No pod is named exactly web; these start with it" in pod.output
    assert "shop/web-" in pod.output


async def test_a_missing_namespace_is_named_with_the_real_ones(toolbox: KubeToolbox) -> None:
    result = await toolbox.read("run_kubectl", {"command": "get pods -n shopp"})
    assert result.ok
    assert "Namespace shopp does not exist; the namespaces are: ai-agents, ai-services, default" in (
        result.output
    )
    every = await toolbox.read("run_kubectl", {"command": "get pods --namespace=all"})
    assert "-A" in every.output
    namespace = await toolbox.read("run_kubectl", {"command": "describe namespace shopp"})
    assert (
        not namespace.ok
        and "Namespace shopp does not exist; the namespaces are: ai-agents" in namespace.output
    )
    present = await toolbox.read("run_kubectl", {"command": "get pods -n kube-public"})
    assert "does not exist" not in present.output


async def test_cluster_context_is_the_kubeconfig_context_and_namespaces(toolbox: KubeToolbox) -> None:
    context = await toolbox.cluster_context()
    assert context.error is None
    assert context.context == "binks-test"
    assert {"default", "kube-system", "ai-agents"} <= set(context.namespaces)
    first = "Cluster: context binks-test; namespaces: default, ai-agents, ai-services"
    assert context.line().startswith(first), "the person's namespaces come first"
