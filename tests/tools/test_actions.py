"""Typed action arguments as a small model writes them: kinds, namespaces and cases in the name."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binks.tools.actions import parse_action

NAMES = st.from_regex(r"[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,6}){0,2}", fullmatch=True).filter(
    lambda name: name not in {"the", "a", "an"}
)
KIND_WORDS = ["deployment", "deploy", "deployments.apps", "svc", "service", "pod", "configmap"]
DECORATIONS = st.sampled_from(
    [
        "{n}",
        "{k}/{n}",
        "the {n} {k}",
        "{N}",
        "`{n}`",
        "'{n}'",
        " {n} ",
        "{k} {n}",
        "the {n}",
    ]
)


@given(NAMES, DECORATIONS, st.sampled_from(KIND_WORDS))
def test_a_name_written_with_its_kind_or_its_case_is_the_name(name: str, decoration: str, kind: str) -> None:
    written = decoration.format(n=name, N=name.upper(), k=kind)
    call = parse_action("restart", {"name": written})
    assert call.name == name, written


KIND_PREFIXES = re.compile(
    r"(deployments?|deploy|statefulsets?|sts|daemonsets?|ds|services?|svc|pods?|po|configmaps?|cm|jobs?"
    r"|cronjobs?|namespaces?|ns)"
)
"""Words read as the kind before a slash: models write ``deploy/web`` far more often than a
namespace is called ``deploy``."""


@given(NAMES.filter(lambda namespace: not KIND_PREFIXES.fullmatch(namespace)), NAMES)
def test_namespace_slash_name_is_the_name_in_that_namespace(namespace: str, name: str) -> None:
    call = parse_action("scale", {"name": f"{namespace}/{name}", "replicas": 2})
    assert (call.namespace, call.name) == (namespace, name)
    empty = parse_action("scale", {"name": name, "namespace": "", "replicas": 2})
    assert empty.namespace is None, "an empty namespace is one left out"


@given(
    st.dictionaries(NAMES, NAMES, min_size=1, max_size=4),
    st.sampled_from([",", ", "]),
    st.sampled_from(["=", ": "]),
)
def test_pairs_written_as_text_are_the_pairs(pairs: dict[str, str], joiner: str, sign: str) -> None:
    text = joiner.join(f"{key}{sign}{value}" for key, value in pairs.items())
    assert parse_action("label", {"name": "web", "labels": text}).labels == pairs  # type: ignore[attr-defined]
    assert parse_action("set_selector", {"name": "web", "selector": text}).selector == pairs  # type: ignore[attr-defined]
    assert parse_action("create_configmap", {"name": "c", "data": text}).data == pairs  # type: ignore[attr-defined]


@pytest.mark.parametrize("bad", ["Web Server!", "", "web_server"])
def test_a_name_that_is_no_name_is_still_an_error(bad: str) -> None:
    with pytest.raises(ValueError, match="bad arguments for restart: name"):
        parse_action("restart", {"name": bad})


@given(st.from_regex(KIND_PREFIXES, fullmatch=True), NAMES)
def test_a_kind_word_before_the_slash_is_the_kind_not_a_namespace(kind: str, name: str) -> None:
    call = parse_action("scale", {"name": f"{kind}/{name}", "replicas": 2})
    assert (call.namespace, call.name) == (None, name)
