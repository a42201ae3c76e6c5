"""The weak-test finder finds each kind it promises, and leaves sound tests alone."""

from __future__ import annotations

import textwrap

import pytest

from tests.weak_tests import ALLOWED, check_source, check_tree


def kinds(source: str) -> list[tuple[str, str]]:
    return [(f.function, f.kind) for f in check_source(textwrap.dedent(source), "tests/test_x.py")]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            """
            async def test_state(h):
                assert await h.graph.aget_state(h.config) is not None
                assert h.done
            """,
            [("test_state", "not-none")],
        ),
        (
            """
            def test_only_exists():
                result = make()
                assert result is not None
            """,
            [("test_only_exists", "not-none")],
        ),
        (
            """
            def test_names(names):
                assert {"a", "b"} <= names or {"a"} <= names
            """,
            [("test_names", "or")],
        ),
        (
            """
            def test_model(env):
                if "MODEL" in env:
                    assert env["MODEL"] == "x"
            """,
            [("test_model", "conditional")],
        ),
        (
            """
            def test_jobs(docs):
                for doc in docs:
                    assert doc["ttl"] > 0
            """,
            [("test_jobs", "conditional")],
        ),
        (
            """
            def test_early_return(x):
                if x:
                    return
                assert x == 0
            """,
            [("test_early_return", "conditional")],
        ),
        (
            """
            def test_starred_only(extra):
                for command in [*extra]:
                    assert command
            """,
            [("test_starred_only", "conditional")],
        ),
        (
            """
            def test_rebound(extra):
                commands = ["get pods"]
                commands = extra
                for command in commands:
                    assert command
            """,
            [("test_rebound", "conditional")],
        ),
        (
            """
            async def cut(reader, waiter):
                await asyncio.gather(reader, waiter, return_exceptions=True)
            """,
            [("cut", "swallowed")],
        ),
        (
            """
            async def cut(reader, waiter):
                _ = await asyncio.gather(reader, waiter, return_exceptions=True)
            """,
            [("cut", "swallowed")],
        ),
    ],
    ids=[
        "not-none-call",
        "only-not-none",
        "or",
        "if",
        "for",
        "early-return",
        "starred-only",
        "rebound-literal",
        "gather",
        "gather-unread",
    ],
)
def test_each_kind_is_found(source: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        """
        def test_narrowing(client):
            pending = client.pending()
            assert pending is not None
            assert pending.steps == ["s1"]
        """,
        """
        def test_optional_lookup(kube_api):
            assert kube_api.get("deployments", "web") is not None
        """,
        """
        def test_both_branches(x):
            if x:
                assert x == 1
            else:
                assert x == 0
        """,
        """
        def test_literal_loop():
            for value in (1, 2):
                assert value > 0
        """,
        """
        def test_named_literal_loop(extra):
            commands = ["get pods", *extra]
            for command in commands:
                assert command
        """,
        """
        def test_raises():
            with pytest.raises(ValueError):
                parse("x")
        """,
        """
        def test_try_else(x):
            try:
                parse(x)
            except ValueError:
                assert x == ""
            else:
                assert x
        """,
        """
        def test_loop_after_a_check(docs):
            assert docs
            for doc in docs:
                assert doc
        """,
        """
        def test_short_circuit(x):
            if x < 0:
                assert x == -1
                return
            assert x >= 0
        """,
        """
        async def read(tasks):
            results = await asyncio.gather(*tasks, return_exceptions=True)
            assert not [r for r in results if isinstance(r, Exception)]
        """,
    ],
    ids=[
        "narrowing",
        "optional",
        "both-branches",
        "literal-loop",
        "named-literal-loop",
        "raises",
        "try-else",
        "guarded",
        "assert-then-return",
        "gather-read",
    ],
)
def test_sound_tests_are_left_alone(source: str) -> None:
    assert kinds(source) == []


def test_every_allowed_exception_still_matches_and_says_why() -> None:
    found = {finding.key for finding in check_tree()}
    assert ALLOWED
    for key, reason in ALLOWED.items():
        assert key in found, f"{key} is allowed but no longer found: remove it"
        assert len(reason) > 40, key
