"""The four tools the model sees: argument models and their OpenAI-style function schemas.

Descriptions are short because every token is prompt time on a small local model, and they
hold no literal commands: small models copy examples verbatim, so an example namespace or
deployment name would end up in real calls.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from binks.tools.models import ToolName

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"


class _Args(BaseModel):
    # Small models add stray keys; ignore them rather than fail the call.
    model_config = ConfigDict(extra="ignore", frozen=True)


class RunKubectlArgs(_Args):
    """Arguments of ``run_kubectl``."""

    command: str = Field(
        min_length=1,
        max_length=4000,
        description="The kubectl arguments, without the word kubectl: a verb, then resource, name and flags.",
    )


class GetClusterStatusArgs(_Args):
    """``get_cluster_status`` takes no arguments."""


class SpawnWorkerAgentArgs(_Args):
    """Arguments of ``spawn_worker_agent``."""

    agent_type: str = Field(
        max_length=40,
        pattern=DNS_LABEL,
        description="Worker type: a Job template name in manifests/agents (lowercase letters, digits, -).",
    )
    task_params: dict[str, Any] = Field(
        default_factory=dict, description="What the worker should do, as a JSON object."
    )


class CheckAgentStatusArgs(_Args):
    """Arguments of ``check_agent_status``."""

    job_name: str = Field(
        max_length=63,
        pattern=DNS_LABEL,
        description="The Job name that spawn_worker_agent returned.",
    )


ARGS: dict[ToolName, type[_Args]] = {
    "run_kubectl": RunKubectlArgs,
    "get_cluster_status": GetClusterStatusArgs,
    "spawn_worker_agent": SpawnWorkerAgentArgs,
    "check_agent_status": CheckAgentStatusArgs,
}

DESCRIPTIONS: dict[ToolName, str] = {
    "run_kubectl": (
        "Run one kubectl command on the cluster. Reads (get, describe, logs, top, events) run at once; "
        "changes are shown to a person with a dry-run and run only after approval. One command, no "
        "pipes or shell syntax; filter with -l, --field-selector or -o jsonpath."
    ),
    "get_cluster_status": (
        "Overview of the cluster: nodes and their health, pod counts by namespace and phase, pods "
        "that are not ready and why, recent warning events. Call it first when asked about health."
    ),
    "spawn_worker_agent": (
        "Start a worker Job on the cluster for a long or heavy task. Needs approval. Returns the "
        "Job name; follow it with check_agent_status."
    ),
    "check_agent_status": (
        "Status of a worker Job: phase, pod states, the end of its log and its result when done."
    ),
}


_SCHEMA_NOISE = {"title", "maxLength"}
"""Left out of what the model sees: titles get echoed as values, and a long ``maxLength``
becomes a grammar llama.cpp's servers refuse. The argument models still enforce both."""


def _clean_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The argument schema as the model sees it, without keys that only cause trouble there."""
    schema = {key: value for key, value in schema.items() if key != "title"}
    if "properties" in schema:
        schema["properties"] = {
            name: {key: value for key, value in prop.items() if key not in _SCHEMA_NOISE}
            for name, prop in schema["properties"].items()
        }
    else:
        schema["properties"] = {}
    schema.pop("description", None)
    return schema


def tool_specs() -> list[dict[str, Any]]:
    """OpenAI-style function specs of the four tools, for ``bind_tools``."""
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": DESCRIPTIONS[name],
                "parameters": _clean_schema(model.model_json_schema()),
            },
        }
        for name, model in ARGS.items()
    ]


def parse_args(name: str, args: dict[str, Any]) -> _Args:
    """Validate a tool call's arguments; ``ValueError`` names the real tools or the bad field."""
    model = next((model for tool, model in ARGS.items() if tool == name), None)
    if model is None:
        raise ValueError(f"unknown tool {name!r}: the tools are {', '.join(ARGS)}")
    try:
        return model.model_validate(args)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'arguments'}: {error['msg']}"
            for error in exc.errors()
        )
        raise ValueError(f"bad arguments for {name}: {problems}") from exc
