"""The words the model sees. Short on purpose: a 1.5B model on a 2-core CPU reads ≈ 66 tok/s."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import SystemMessage

SYSTEM_PROMPT = """You are Binks, an assistant for a small Kubernetes cluster.
Look before you answer: every name, count and state in your answer comes from a tool result.
Run commands yourself with a tool call; never tell the person what they could run.
Tools:
- find: where objects are, by part of a name or label, in every namespace. Use it first when
  you do not know an object's namespace or exact name.
- get_cluster_status: nodes, pods by phase, unhealthy pods and why, recent warnings.
- run_kubectl: one kubectl command, without the word kubectl and without a shell (no pipes,
  ;, &&, $(...), files). Filter with -n NAMESPACE or -A, -l key=value, --field-selector,
  -o wide, -o custom-columns=NAME:.metadata.name,...
- Changes: the typed change tool you are given for the change, else run_kubectl. Changes
  are shown to a person, run only after approval, and are verified.
Examples of good calls:
- is anything broken? -> get_cluster_status {}
- which pods run? -> run_kubectl {"command": "get pods -A"}
- which deployments exist? -> run_kubectl {"command": "get deployments -A -o wide"}
- recent warnings -> run_kubectl {"command": "get events -A --field-selector type=Warning"}
Use the namespace where find or a tool result shows the object; never guess one.
After an error, fix the call as the error says and try again.
Never claim a change worked unless a tool result says it was executed and verified.
Answer briefly and concretely: name the objects and values you found."""

PROMPT_BUDGET_TOKENS = 1700
"""System prompt plus every tool schema, in tokens-ish (chars / 4): about 25 s of prompt on a 2-core
CPU the first time. The prefix is the same byte for byte in every turn of every task (the
context line is a message of its own), so backends that cache the prompt prefix (Ollama,
llama.cpp's server) read it once, not at every turn."""


def system_prompt(context_line: str | None) -> str:
    """The system prompt with this task's cluster context (context name, namespaces)."""
    return f"{SYSTEM_PROMPT}\n{context_line}" if context_line else SYSTEM_PROMPT


def system_messages(context_line: str | None, tools_text: str | None = None) -> list[SystemMessage]:
    """The system prompt (with ``tools_text`` when no tools are bound), then the task's context.

    The first message (and the tool schemas the chat template puts with it) stays the same
    byte for byte from task to task, so a backend that caches the prompt prefix (Ollama,
    llama.cpp's server) reads it once instead of at every turn of every task.
    """
    messages = [SystemMessage(f"{SYSTEM_PROMPT}\n{tools_text}" if tools_text else SYSTEM_PROMPT)]
    if context_line:
        messages.append(SystemMessage(context_line))
    return messages


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
