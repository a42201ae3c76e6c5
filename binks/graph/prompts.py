"""The words the model sees. Short on purpose: a 1.5B model on a 2-core CPU reads ≈ 66 tok/s."""

from __future__ import annotations

import json
from typing import Any

SYSTEM_PROMPT = """You are Binks, an assistant for a small Kubernetes cluster.
Look before you answer: every name, count and state in your answer comes from a tool result.
Run commands yourself with a tool call; never tell the person what they could run.
Tools:
- run_kubectl: one kubectl command, without the word kubectl and without a shell (no pipes,
  ;, &&, $(...), files). Reads run at once. Changes (scale, set image, delete, apply, rollout
  restart) are shown to a person, run only after approval, and are verified.
- get_cluster_status: nodes, pods by phase, unhealthy pods and why, recent warnings.
- spawn_worker_agent, check_agent_status: long jobs run on the cluster (need approval).
Filter with kubectl itself: -n NAMESPACE or -A, -l key=value, --field-selector,
-o wide, -o name, -o jsonpath=... For one object, find its namespace first.
Examples of good calls:
- is anything broken? -> get_cluster_status {}
- which pods run? -> run_kubectl {"command": "get pods -A"}
- which deployments exist? -> run_kubectl {"command": "get deployments -A -o wide"}
- recent warnings -> run_kubectl {"command": "get events -A --field-selector type=Warning"}
Never claim a change worked unless a tool result says it was executed and verified.
Answer briefly and concretely."""

PROMPT_BUDGET_TOKENS = 1200
"""System prompt plus tool schemas, in tokens-ish (chars / 4): about 18 s of prompt on a 2-core CPU."""


def system_prompt(context_line: str | None) -> str:
    """The system prompt with this task's cluster context (context name, namespaces)."""
    return f"{SYSTEM_PROMPT}\n{context_line}" if context_line else SYSTEM_PROMPT


def prompt_tokens(text: str) -> int:
    """Tokens-ish: four characters per token, close enough for English and JSON to budget by."""
    return (len(text) + 3) // 4


REFUSED_HINT = (
    "Use run_kubectl with one plain kubectl command (no pipes, ';', '&&', redirects, or"
    " --context/--kubeconfig flags), e.g. `kubectl get pods -n NAMESPACE`."
)


def corrective_prompt(errors: list[str], tool_names: list[str]) -> str:
    """What the model is told after a tool call that did not validate (one retry)."""
    listed = "\n".join(f"- {error}" for error in errors)
    return (
        "Your tool call could not be used:\n"
        f"{listed}\n"
        f"Available tools: {', '.join(tool_names)}. Reply with one corrected tool call"
        ' as JSON: {"name": "<tool>", "arguments": {...}}, or answer in plain text.'
    )


EMPTY_ANSWER_PROMPT = "Your answer was empty. Call a tool or answer in plain text."


def tool_result_text(data: dict[str, Any]) -> str:
    """Tool results go back to the model as compact JSON data."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
