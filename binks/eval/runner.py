"""Run evaluation tasks: setup → the agent → verify and expectations → cleanup.

The agent is anything with :class:`Agent`'s shape; ``binks eval`` passes one that drives
the real Binks graph (not a shortcut), answering approvals as the task allows. The runner
learns a task's namespaces from what its setup creates, so cleanup can be confined to them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from binks.eval.results import RunCounts, TaskResult
from binks.eval.scripts import ScriptResult, run_script
from binks.eval.tasks import Task

Approvals = Literal["approve", "reject"]


class AgentRun(RunCounts):
    """One agent run: its final answer, its thread, its counts, and the error that ended it."""

    answer: str
    thread_id: str | None = None
    error: str | None = None


class Agent(Protocol):
    """Runs a task's prompts as one conversation and answers approvals as told."""

    async def run(self, prompts: list[str], *, approvals: Approvals) -> AgentRun:
        """Run the prompts in order on one thread; return the final answer and the counts."""
        ...

    async def stopped(self) -> AgentRun | None:
        """After :meth:`run` was cancelled (the task's timeout): what it had done so far."""
        ...


@dataclass
class RunOptions:
    """How a whole evaluation runs."""

    kubeconfig: Path
    kubectl: Path
    model: str = ""
    repeat: int = 1
    parallel: int = 1
    script_timeout_s: float = 300.0
    cleanup_guard: Callable[[set[str]], tuple[Path, dict[str, str]]] | None = None
    on_result: Callable[[TaskResult], None] = field(default=lambda _result: None)


def list_namespaces(kubectl: Path, kubeconfig: Path) -> set[str]:
    """The cluster's namespaces now (empty when the cluster cannot be read)."""
    result = subprocess.run(
        [str(kubectl), "--kubeconfig", str(kubeconfig), "get", "namespaces", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        return set()
    return {item["metadata"]["name"] for item in json.loads(result.stdout).get("items", [])}


async def run_task(task: Task, agent: Agent, options: RunOptions, attempt: int = 1) -> TaskResult:
    """Evaluate one attempt at one task; every failure becomes a result, never an exception."""
    start = time.monotonic()
    result = TaskResult(
        task=task.name,
        attempt=attempt,
        outcome="error",
        difficulty=task.difficulty,
        model=options.model,
        approvals=task.binks.approvals,
    )
    before = await asyncio.to_thread(list_namespaces, options.kubectl, options.kubeconfig)
    namespaces = set(task.binks.namespaces)
    try:
        if task.setup is not None:
            setup = await _script(task.setup, options)
            if not setup.ok:
                result.reasons.append(_script_failure("setup", setup))
                return result
        namespaces |= await asyncio.to_thread(list_namespaces, options.kubectl, options.kubeconfig) - before
        try:
            run = await asyncio.wait_for(
                agent.run(task.prompts, approvals=task.binks.approvals), task.timeout_s
            )
        except TimeoutError:
            partial = await agent.stopped()
            if partial is not None:
                _record_run(result, partial)
            result.outcome = "fail"
            result.reasons.append(f"the agent did not finish within {task.timeout_s:g} s")
            return result
        _record_run(result, run)
        result.outcome = "pass"
        own = _binks_failures(task, run)
        expectation_failures = [failure for e in task.expect if (failure := e.failure(run.answer))]
        result.expectations_ok = not expectation_failures if task.expect else None
        if task.verifier is not None:
            verify = await _script(task.verifier, options)
            result.verifier_ok = verify.ok
            if not verify.ok and verify.exit_code in (126, 127):
                # 126/127: the verifier needs a program this machine lacks; that judges nothing.
                result.outcome = "error"
                result.reasons.append(_script_failure("verifier", verify))
                return result
            if not verify.ok:
                expectation_failures.insert(0, _script_failure("verifier", verify))
        if own or not _judged(task, result.verifier_ok, result.expectations_ok):
            result.outcome = "fail"
            result.reasons.extend([*own, *expectation_failures])
        return result
    finally:
        if task.cleanup is not None:
            await _cleanup(task, options, namespaces, result)
        result.seconds = round(time.monotonic() - start, 3)


def _binks_failures(task: Task, run: AgentRun) -> list[str]:
    """Binks' own conditions, required whatever the pass rule: the run ended, the gate held."""
    failures = []
    if run.error:
        failures.append(f"the run ended with an error: {run.error}")
    if task.binks.approvals == "reject" and not run.approvals_asked:
        failures.append("the task expects a change to be proposed (and rejected); none was")
    if task.binks.expect_mutation is False and run.mutations_executed:
        failures.append(f"the task expects no change, but {run.mutations_executed} mutation(s) ran")
    return failures


def _judged(task: Task, verifier_ok: bool | None, expectations_ok: bool | None) -> bool:
    """The pass rule: k8s-ai-bench's (the verifier *or* the expectations), or both with ``pass: all``."""
    verdicts = [verdict for verdict in (verifier_ok, expectations_ok) if verdict is not None]
    if not verdicts:
        return True  # nothing to judge but Binks' own conditions
    return all(verdicts) if task.binks.pass_rule == "all" else any(verdicts)


def _record_run(result: TaskResult, run: AgentRun) -> None:
    for name in RunCounts.model_fields:
        setattr(result, name, getattr(run, name))
    result.thread_id = run.thread_id
    result.answer = run.answer[:2000]


async def _script(
    path: Path, options: RunOptions, guard: tuple[Path, dict[str, str]] | None = None
) -> ScriptResult:
    """Run a task script; ``guard`` puts a guarding kubectl first on its PATH (cleanup)."""
    extra_path, extra_env = guard if guard is not None else (None, None)
    return await run_script(
        path,
        kubeconfig=options.kubeconfig,
        timeout_s=options.script_timeout_s,
        extra_path=extra_path,
        extra_env=extra_env,
    )


async def _cleanup(task: Task, options: RunOptions, namespaces: set[str], result: TaskResult) -> None:
    assert task.cleanup is not None
    guard = options.cleanup_guard(namespaces) if options.cleanup_guard is not None else None
    cleanup = await _script(task.cleanup, options, guard)
    if not cleanup.ok:
        result.reasons.append("cleanup: " + _script_failure("cleanup", cleanup))


def _script_failure(kind: str, script: ScriptResult) -> str:
    if script.timed_out:
        return f"{kind} timed out after {script.seconds:.0f} s"
    tail = script.output.strip().splitlines()[-3:]
    return f"{kind} exited {script.exit_code}" + (": " + " | ".join(tail) if tail else "")


async def run_tasks(
    tasks: list[Task], make_agent: Callable[[], Agent], options: RunOptions
) -> list[TaskResult]:
    """Run every task ``options.repeat`` times, ``options.parallel`` at a time, in a stable order."""
    semaphore = asyncio.Semaphore(max(1, options.parallel))
    jobs = [(task, attempt) for task in tasks for attempt in range(1, options.repeat + 1)]

    async def one(task: Task, attempt: int) -> TaskResult:
        async with semaphore:
            outcome = await run_task(task, make_agent(), options, attempt)
            options.on_result(outcome)
            return outcome

    return list(await asyncio.gather(*(one(task, attempt) for task, attempt in jobs)))
