"""A jsonpath over a list is read with each value next to its object; anything else is left alone."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.tools.argv import parse_argv
from binks.tools.classify import classify_argv
from binks.tools.labelled import labelled_command
from binks.tools.shell_hints import shell_hints
from binks.tools.typed import TypedToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment

KINDS = st.sampled_from(["deployments", "deploy", "pods", "jobs", "services", "statefulsets"])
FIELDS = st.sampled_from(
    [
        "spec.replicas",
        "status.readyReplicas",
        "metadata.name",
        "spec.containers[*].image",
        "status.containerStatuses[*].restartCount",
        "status.phase",
        "spec.template.spec.containers[0].image",
    ]
)
SEPARATORS = st.sampled_from(["", " ", '{"\\t"}', '{" "}', ",", '{"\\n"}'])
SCOPES = st.sampled_from([["-A"], ["-n", "shop"], ["--all-namespaces"], ["-n=shop", "-l", "app=web"]])
SPELLINGS = st.sampled_from(["-o", "--output", "-o=", "--output=", "-o"])


def _output(spelling: str, value: str) -> list[str]:
    return [f"{spelling}{value}"] if spelling.endswith("=") else [spelling, value]


@given(KINDS, st.lists(FIELDS, min_size=1, max_size=3), SEPARATORS, SCOPES, SPELLINGS)
def test_every_value_comes_with_the_name_of_its_object(
    kind: str, fields: list[str], separator: str, scope: list[str], spelling: str
) -> None:
    template = separator.join(f"{{.items[*].{field}}}" for field in fields)
    command = shlex.join(["get", kind, *scope, *_output(spelling, f"jsonpath={template}")])
    reshaped = labelled_command(command)
    assert reshaped is not None, command
    argv = shlex.split(reshaped)
    parsed = parse_argv(argv)
    (output,) = parsed.values("-o", "output")
    assert output is not None and output.startswith("custom-columns=NAMESPACE:.metadata.namespace,NAME:")
    for field in fields:
        assert f":.{field}" in output
    assert parsed.positionals[0] == kind
    for word in scope:
        assert word in argv, "the same objects are read"
    assert not classify_argv(argv).mutating


@given(
    st.sampled_from(
        [
            "get deployment web -n shop -o jsonpath={.spec.replicas}",
            'get deploy -o jsonpath={range .items[*]}{.metadata.name} {.spec.replicas}{"\\n"}{end}',
            "get pods -o wide",
            "get pods -A",
            "get pods -o json",
            "describe deployment web",
            "get deploy -o jsonpath={.items[0].spec.replicas}",
            "get deploy -o jsonpath={.items[*].spec.replicas}{.kind}",
            "scale deployment web --replicas=2",
            "get pods | grep web",
        ]
    )
)
def test_reads_that_already_say_whose_values_they_are_are_left_alone(command: str) -> None:
    assert labelled_command(command) is None


async def test_a_sort_pipe_is_answered_with_the_kubectl_command_that_sorts(
    typed: TypedToolbox, kube_api: KubeApi
) -> None:
    """The hint's command runs as it is and puts the largest last, with its name."""
    for name, replicas in [("cart", 2), ("catalog", 5), ("checkout", 3)]:
        kube_api.apply(deployment(name, namespace="shop", replicas=replicas))
    piped = "get deployments -n shop -o jsonpath='{.items[*].spec.replicas}' | sort -nr | head -n 1"
    with pytest.raises(CommandRefused, match=r"sort in kubectl, each value next to its object's name"):
        await typed.read("run_kubectl", {"command": piped})
    hint = shell_hints(piped)[0]
    command = hint.split("`")[1]
    assert command.endswith("--sort-by=.spec.replicas")
    result = await typed.read("run_kubectl", {"command": command})
    rows = [line.split() for line in result.output.splitlines() if line.strip()][1:]
    assert [row[1] for row in rows] == ["web", "cart", "checkout", "catalog"], result.output


@given(KINDS, FIELDS)
def test_the_sort_hint_sorts_by_the_whole_field_the_pipe_printed(kind: str, field: str) -> None:
    """A field with an index or a dash (``spec.containers[0].image``) is sorted by whole, as it is read."""
    hint = shell_hints(f"get {kind} -A -o jsonpath='{{.items[*].{field}}}' | sort")[0]
    assert hint.startswith("sort in kubectl, each value next to its object's name")
    assert hint.split("`")[1].endswith(f" --sort-by=.{field}")
