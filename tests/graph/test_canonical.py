"""One key per request, however the model spelled it; different requests keep different keys."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from binks.graph.canonical import call_key

KINDS = {"deployment": ["deploy", "deployments", "deployment"], "pod": ["po", "pods", "pod"]}
NAMESPACE = [["-n", "{ns}"], ["-n={ns}"], ["--namespace", "{ns}"], ["--namespace={ns}"]]
OUTPUT = [["-o", "wide"], ["-o=wide"], ["--output", "wide"], ["--output=wide"]]


@given(
    kind=st.sampled_from(sorted(KINDS)),
    name=st.from_regex(r"[a-z][a-z0-9-]{0,12}[a-z0-9]", fullmatch=True),
    ns=st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True),
    seed=st.integers(0, 10_000),
    prefix=st.booleans(),
)
def test_spellings_of_one_read_share_a_key(kind: str, name: str, ns: str, seed: int, prefix: bool) -> None:
    rng = random.Random(seed)
    spellings = []
    for _ in range(4):
        alias = rng.choice(KINDS[kind])
        target = [f"{alias}/{name}"] if rng.random() < 0.5 else [alias, name]
        flags = [[part.format(ns=ns) for part in rng.choice(NAMESPACE)], rng.choice(OUTPUT)]
        rng.shuffle(flags)
        words = ["get", *target, *flags[0], *flags[1]]
        spellings.append(("kubectl " if prefix else "") + "  ".join(words))
    keys = {call_key("run_kubectl", {"command": command}) for command in spellings}
    assert len(keys) == 1, spellings


@given(ns=st.sampled_from(["shop", "blog"]), other=st.sampled_from(["web", "api"]))
def test_different_requests_keep_different_keys(ns: str, other: str) -> None:
    base = call_key("run_kubectl", {"command": f"get deployment web -n {ns}"})
    assert base != call_key("run_kubectl", {"command": f"get deployment web -n {ns}x"})
    assert base != call_key("run_kubectl", {"command": f"describe deployment web -n {ns}"})
    assert base != call_key("run_kubectl", {"command": f"get deployment web -n {ns} -o yaml"})
    if other != "web":
        assert base != call_key("run_kubectl", {"command": f"get deployment {other} -n {ns}"})


def test_typed_calls_are_keyed_by_their_arguments() -> None:
    assert call_key("scale", {"name": "web", "replicas": 3, "namespace": None}) == call_key(
        "scale", {"replicas": 3, "name": "web"}
    )
    assert call_key("find", {"text": "web"}) != call_key("find", {"text": "api"})
