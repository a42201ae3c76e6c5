"""The words the model sees. Short on purpose: a 1.5B model on a 2-core CPU reads ≈ 66 tok/s."""

from __future__ import annotations

import json
from typing import Any

SYSTEM_PROMPT = """You are Binks, an assistant for a small Kubernetes cluster.
Use the tools to look at the cluster before answering. Call a tool with a structured tool call.
Changes (scale, apply, delete, set image, rollout restart, spawning workers) are shown to a
person for approval before they run; propose them with the same tools and wait for the result.
Never claim a change worked unless a tool result says it was executed and verified.
Answer briefly and concretely."""

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
