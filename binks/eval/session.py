"""One ``binks eval`` session: check the target, open Binks, run the tasks, write results."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from binks.eval import guard
from binks.eval.agent import ServerAgent, open_services
from binks.eval.results import TaskResult, write_jsonl
from binks.eval.runner import RunOptions, run_tasks
from binks.eval.target import Target, check_target, read_target
from binks.eval.tasks import Task
from binks.settings import Settings
from binks.tools.locate import find_kubectl
from binks.tools.protocol import Toolbox


@dataclass
class EvalRequest:
    """What the person asked ``binks eval`` to do."""

    tasks: list[Task]
    kubeconfig: Path
    context: str | None = None
    confirmed_test_cluster: bool = False
    repeat: int = 1
    parallel: int = 1
    output: Path | None = None


def resolve_target(request: EvalRequest) -> Target:
    """The cluster the tasks will run against, refused if it looks like production."""
    target = read_target(request.kubeconfig, request.context)
    check_target(target, confirmed_test_cluster=request.confirmed_test_cluster)
    return target


async def evaluate(
    request: EvalRequest,
    settings: Settings,
    *,
    model: BaseChatModel | None = None,
    toolbox: Toolbox | None = None,
    on_result: Callable[[TaskResult], None] = lambda _result: None,
) -> list[TaskResult]:
    """Run every task through Binks against the target; write the results file if asked."""
    target = resolve_target(request)
    settings = settings.model_copy(
        update={"kubeconfig_path": target.kubeconfig, "kube_context": target.context}
    )
    kubectl = find_kubectl(settings.kubectl)
    with tempfile.TemporaryDirectory(prefix="binks-eval-") as scratch:
        options = RunOptions(
            kubeconfig=target.kubeconfig,
            kubectl=kubectl,
            model=settings.ollama_model if model is None else type(model).__name__,
            repeat=request.repeat,
            parallel=request.parallel,
            on_result=on_result,
            cleanup_guard=lambda namespaces: guard.install(Path(scratch) / "guard", kubectl, namespaces),
        )
        async with open_services(settings, model=model, toolbox=toolbox) as services:
            results = await run_tasks(request.tasks, lambda: ServerAgent(services), options)
    if request.output is not None:
        write_jsonl(results, request.output)
    return results
