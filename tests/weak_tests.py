"""Find tests that cannot fail, or check less than their names say, by reading their code.

``python -m tests.weak_tests`` (a gate of ``scripts/check``) walks ``tests/`` with ``ast`` and
reports four kinds of weak test, each a pattern that once hid a regression here:

- ``not-none``: ``assert f(...) is not None`` on a call's result (it narrows nothing, and
  most functions always return something), or a test whose only asserts are ``is not None``;
- ``or``: ``assert A or B``, which holds whenever the easier side does, so the other side is
  never checked (``A <= names or B <= names`` once let a whole event kind go unchecked);
- ``conditional``: a test whose every assert sits in a branch or loop that may not run (an
  ``if`` without an asserting ``else``, a ``for`` over what may be empty);
- ``swallowed``: ``gather(..., return_exceptions=True)`` whose results are never looked at.

Known, justified exceptions are in :data:`ALLOWED`, each with its reason; an entry that no
longer matches anything is reported too, so the list cannot rot.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent

#: ``"path::function::kind"`` -> why the pattern is right there.
ALLOWED: dict[str, str] = {
    (
        "tests/reliability/test_streams.py::"
        "test_hundred_dropped_connections_during_a_run_lose_and_repeat_nothing::or"
    ): (
        "a read ends with the events it waited for or, earlier, with the run's last event: both are"
        " real outcomes, and a short read that did not end the run fails"
    ),
    "tests/eval/test_everyday.py::test_the_set_covers_what_people_ask::or": (
        "a task is judged by its verifier or by its expectations (k8s-ai-bench's rule): either one"
        " is a real judge, and a task with neither fails"
    ),
    "tests/tools/test_outputs.py::test_no_read_of_a_secret_shows_its_value::conditional": (
        "a refused command is the other safe answer to 'does this read leak a Secret': nothing ran"
    ),
    "tests/tools/test_outputs.py::test_other_commands_that_print_objects::conditional": (
        "a refused command is the other safe answer to 'does this read leak a Secret': nothing ran"
    ),
    "tests/tools/test_shown.py::test_payload_commands_and_descriptions_hide_the_same_values::conditional": (
        "the loop is over the secrets commands_with_secrets() wrote into the command: always one"
    ),
    "tests/tools/test_spellings.py::test_raw_paths_into_workloads_are_changes_however_encoded::conditional": (
        "a refused path never runs, which is as safe as a change that asks: both pass"
    ),
    "tests/tools/test_classify.py::test_mutating_commands_are_never_read_only::conditional": (
        "only a read-only verdict can be wrong in the unsafe direction, and asking kubectl costs a"
        " process, so only those are checked; test_swallowed_verbs_are_read_as_kubectl_reads_them"
        " runs that branch on known cases every time"
    ),
}

#: Functions and methods whose result may be None: ``assert f(...) is not None`` checks them.
OPTIONAL_RESULTS: dict[str, str] = {
    "get": "Mapping.get and KubeApi.get (tests/fakes/kube_api) return None for a missing key or object",
    "failure": "eval's Expectation.failure returns None when the expectation holds",
}


@dataclass(frozen=True)
class Finding:
    path: str
    function: str
    kind: str
    line: int
    detail: str

    @property
    def key(self) -> str:
        return f"{self.path}::{self.function}::{self.kind}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.function}: {self.kind}: {self.detail}"


_RAISES = frozenset({"raises", "warns", "deprecated_call"})


def _raises_context(node: ast.With | ast.AsyncWith) -> bool:
    return any(
        isinstance(item.context_expr, ast.Call)
        and isinstance(item.context_expr.func, ast.Attribute)
        and item.context_expr.func.attr in _RAISES
        for item in node.items
    )


def _may_return(node: ast.AST) -> bool:
    """Whether a ``return`` inside this statement (not in a nested function) may leave early."""
    stack: list[ast.AST] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Return):
            return True
        if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(item))
    return False


def _non_empty(node: ast.expr, literals: frozenset[str]) -> bool:
    """Whether a loop over ``node`` runs: a list or tuple literal with one plain element at least."""
    if isinstance(node, ast.Name):
        return node.id in literals
    return isinstance(node, ast.Tuple | ast.List) and any(
        not isinstance(element, ast.Starred) for element in node.elts
    )


def _literal_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Names the function binds exactly once, to a non-empty list or tuple literal."""
    bound: dict[str, int] = {}
    literal: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bound[node.id] = bound.get(node.id, 0) + 1
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and _non_empty(node.value, frozenset())
        ):
            literal.add(node.targets[0].id)
    return frozenset(name for name in literal if bound.get(name) == 1)


def _always_checks(body: list[ast.stmt], literals: frozenset[str] = frozenset()) -> bool:
    """Whether every way through this block runs a check (an assert, ``pytest.raises``) first.

    Loops over anything but a non-empty literal (or a name in ``literals``, bound once to
    one) may not run; a branch or handler that returns early skips what follows it.
    """
    if not body:
        return False
    node, rest = body[0], body[1:]
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Return):
        return False
    if isinstance(node, ast.With | ast.AsyncWith):
        return _raises_context(node) or _always_checks(node.body + rest, literals)
    if isinstance(node, ast.If):
        if _may_return(node):
            return _always_checks(node.body + rest, literals) and _always_checks(node.orelse + rest, literals)
        both = _always_checks(node.body, literals) and _always_checks(node.orelse, literals)
        return both or _always_checks(rest, literals)
    if isinstance(node, ast.Try | ast.TryStar):
        if _always_checks(node.finalbody, literals):
            return True
        completes = _always_checks(node.body + node.orelse + rest, literals)
        return completes and all(_always_checks(handler.body + rest, literals) for handler in node.handlers)
    if isinstance(node, ast.For | ast.AsyncFor) and _non_empty(node.iter, literals):
        return _always_checks(node.body + rest, literals)  # never empty: the body runs
    if isinstance(node, ast.For | ast.AsyncFor | ast.While) and _may_return(node):
        return _always_checks(rest, literals) and _always_checks(node.body + rest, literals)
    return _always_checks(rest, literals)  # loops may not run; anything else checks nothing by itself


def _asserts(function: ast.AST) -> list[ast.Assert]:
    """The asserts in a function's own body (not in functions nested in it)."""
    found: list[ast.Assert] = []
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Assert):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda node: node.lineno)


def _not_none(test: ast.expr) -> ast.expr | None:
    """The operand of ``X is not None``, or None."""
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left
    return None


def _always_returned(node: ast.expr) -> bool:
    """Whether ``node`` is a call whose result is not known to be optional."""
    call = node.value if isinstance(node, ast.Await) else node
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name not in OPTIONAL_RESULTS


def _weak_not_none(test: ast.expr) -> bool:
    """``X is not None`` where X is a name or a call that always returns (not an optional lookup)."""
    operand = _not_none(test)
    if operand is None:
        return False
    return _always_returned(operand) or not isinstance(operand, ast.Call | ast.Await)


def _raises_somewhere(function: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RAISES
        for node in ast.walk(function)
    )


def _gather_swallows(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return name == "gather" and any(
        kw.arg == "return_exceptions" and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in call.keywords
    )


def _swallowed(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[int]:
    """Lines of ``gather(..., return_exceptions=True)`` whose result nothing reads."""
    loaded = {
        node.id
        for node in ast.walk(function)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    for node in ast.walk(function):
        if isinstance(node, ast.Expr | ast.Assign):
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if not (isinstance(value, ast.Call) and _gather_swallows(value)):
                continue
            if isinstance(node, ast.Expr):
                yield node.lineno
            else:
                names = [target.id for target in node.targets if isinstance(target, ast.Name)]
                if not any(name in loaded and name != "_" for name in names):
                    yield node.lineno


def check_source(source: str, path: str) -> list[Finding]:
    """Every weak pattern in one test module."""
    tree = ast.parse(source)
    findings: list[Finding] = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        name = function.name
        for line in _swallowed(function):
            findings.append(
                Finding(path, name, "swallowed", line, "return_exceptions=True, results unchecked")
            )
        if not name.startswith("test"):
            continue
        asserts = _asserts(function)
        for node in asserts:
            if isinstance(node.test, ast.BoolOp) and isinstance(node.test.op, ast.Or):
                findings.append(Finding(path, name, "or", node.lineno, ast.unparse(node.test)[:80]))
            operand = _not_none(node.test)
            if operand is not None and _always_returned(operand):
                findings.append(Finding(path, name, "not-none", node.lineno, ast.unparse(node.test)[:80]))
        if asserts and all(_weak_not_none(node.test) for node in asserts) and not _raises_somewhere(function):
            if not any(f.kind == "not-none" and f.function == name for f in findings):
                findings.append(
                    Finding(path, name, "not-none", asserts[0].lineno, "only `is not None` asserts")
                )
        if asserts and not _always_checks(function.body, _literal_names(function)):
            findings.append(
                Finding(path, name, "conditional", asserts[0].lineno, "every assert may be skipped")
            )
    return findings


def check_tree(root: Path = ROOT) -> list[Finding]:
    """Every weak pattern under ``root`` (the test suite)."""
    findings: list[Finding] = []
    for file in sorted(root.rglob("*.py")):
        relative = file.relative_to(root.parent).as_posix()
        findings.extend(check_source(file.read_text(encoding="utf-8"), relative))
    return findings


def main() -> int:
    findings = check_tree()
    weak = [finding for finding in findings if finding.key not in ALLOWED]
    used = {finding.key for finding in findings}
    stale = sorted(set(ALLOWED) - used)
    for finding in weak:
        print(finding)  # noqa: T201 - a command-line report
    for key in stale:
        print(f"{key}: listed in tests/weak_tests.py ALLOWED but no longer found: remove it")  # noqa: T201
    if weak or stale:
        print(  # noqa: T201
            f"{len(weak)} weak test pattern(s): make each assert able to fail, or list it in ALLOWED "
            "with the reason it is right"
        )
        return 1
    print(f"weak tests: none ({len(findings)} known exceptions, each with its reason)")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
