"""Constrained output: each turn decoded against the schema of "one tool call or the answer".

For a model that cannot call tools natively (the small Qwen models write their calls as
text, often broken), the backend can be made to emit only JSON that fits a schema: Ollama's
``format`` (a JSON schema, turned into a grammar by llama.cpp), or an OpenAI-compatible
server's ``response_format``. With ``BINKS_OUTPUT_MODE=json`` the agent binds no tools;
the tools are listed in the system prompt instead, and every answer is either
``{"name": TOOL, "arguments": {...}}`` (checked against that tool's schema, like any
call written as text) or ``{"answer": "..."}``. ``format`` cannot be combined with tools in
Ollama, which is why this is a mode and not an addition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import Runnable

from binks.settings import Settings


def turn_schema(specs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The JSON schema of one turn: a call of one of the tools, or the final answer."""
    branches: list[dict[str, Any]] = []
    for spec in specs:
        function = spec.get("function", spec)
        branches.append(
            {
                "type": "object",
                "properties": {
                    "name": {"const": function["name"]},
                    "arguments": function.get("parameters") or {"type": "object"},
                },
                "required": ["name", "arguments"],
            }
        )
    branches.append({"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]})
    return {"anyOf": branches}


def tools_listing(specs: Sequence[dict[str, Any]]) -> str:
    """The tools as prompt text (no tools are bound in this mode): name, arguments, purpose."""
    lines = [
        'Reply with JSON only: {"name": TOOL, "arguments": {...}} to call one tool, or'
        ' {"answer": "..."} when you can answer. Tools (? = optional):'
    ]
    for spec in specs:
        function = spec.get("function", spec)
        parameters = function.get("parameters") or {}
        required = set(parameters.get("required") or [])
        names = [f"{name}{'' if name in required else '?'}" for name in parameters.get("properties") or {}]
        lines.append(f"- {function['name']} {{{', '.join(names)}}}: {function.get('description', '')}")
    return "\n".join(lines)


def bind_constrained(
    model: BaseChatModel, specs: Sequence[dict[str, Any]], settings: Settings
) -> Runnable[LanguageModelInput, BaseMessage]:
    """The model bound to the turn schema, the way its backend takes a schema."""
    schema = turn_schema(specs)
    if settings.model_backend == "openai":
        return model.bind(
            response_format={"type": "json_schema", "json_schema": {"name": "turn", "schema": schema}}
        )
    return model.bind(format=schema)


def unwrap_answer(message: AIMessage) -> AIMessage:
    """``{"answer": "..."}`` becomes the plain answer text; anything else is left as it is."""
    if not isinstance(message.content, str):
        return message
    try:
        value = json.loads(message.content)
    except ValueError:
        return message
    if isinstance(value, dict) and isinstance(value.get("answer"), str) and "name" not in value:
        return message.model_copy(update={"content": value["answer"]})
    return message
