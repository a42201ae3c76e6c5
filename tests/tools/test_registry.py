from __future__ import annotations

import json

import pytest

from binks.tools.registry import parse_args, tool_specs


def test_specs_leave_out_titles_and_long_length_limits() -> None:
    text = json.dumps(tool_specs())
    assert '"title"' not in text
    assert "maxLength" not in text  # llama.cpp turns a long maxLength into a grammar it refuses
    names = [spec["function"]["name"] for spec in tool_specs()]
    assert names == ["run_kubectl", "get_cluster_status", "spawn_worker_agent", "check_agent_status"]


def test_the_argument_models_still_enforce_the_limits() -> None:
    with pytest.raises(ValueError, match="command"):
        parse_args("run_kubectl", {"command": "get pods " + "x" * 5000})
    with pytest.raises(ValueError, match="job_name"):
        parse_args("check_agent_status", {"job_name": "j" * 64})
    assert parse_args("run_kubectl", {"command": "get pods", "stray": 1}).model_dump() == {
        "command": "get pods"
    }
