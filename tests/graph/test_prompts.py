"""The prompt stays within its budget: every 2,000 prompt tokens cost a CPU model ≈ 30 s."""

from __future__ import annotations

import json
import re
from itertools import combinations

import pytest

from binks.graph.prompts import (
    PROMPT_BUDGET_TOKENS,
    SYSTEM_PROMPT,
    prompt_tokens,
    system_messages,
    system_prompt,
)
from binks.graph.toolsets import CHANGE_TOOLS, name_of
from binks.tools.actions import action_specs
from binks.tools.find import find_spec
from binks.tools.models import ClusterContext
from binks.tools.registry import tool_specs

TWENTY = [f"team-{index:02d}-apps" for index in range(20)]


@pytest.mark.parametrize("named", list(combinations(sorted(CHANGE_TOOLS), 3)))
def test_system_prompt_and_the_tools_a_task_is_shown_fit_the_budget(named: tuple[str, ...]) -> None:
    """The read tools and any three change tools a task's words name (tool_set=typed)."""
    context = ClusterContext(context="home-cluster", namespaces=["default", "kube-system", *TWENTY]).line()
    prompt = system_prompt(context)
    every_tool = [*tool_specs(), find_spec(), *action_specs()]
    shown = [spec for spec in every_tool if name_of(spec) not in CHANGE_TOOLS or name_of(spec) in named]
    schemas = json.dumps(shown, separators=(",", ":"))
    total = prompt_tokens(prompt) + prompt_tokens(schemas)
    assert total <= PROMPT_BUDGET_TOKENS, f"{total} tokens-ish: shorten the prompt or the tool descriptions"


def test_the_context_is_a_message_of_its_own_after_the_unchanging_prompt() -> None:
    first, second = system_messages("Cluster: context home; namespaces: default, shop.")
    assert first.content == SYSTEM_PROMPT
    assert second.content == "Cluster: context home; namespaces: default, shop."
    assert [m.content for m in system_messages(None)] == [SYSTEM_PROMPT]


def test_a_huge_cluster_does_not_blow_the_prompt() -> None:
    context = ClusterContext(context="big", namespaces=[f"ns-{index}" for index in range(500)]).line()
    assert prompt_tokens(context) < 200
    assert "(+470 more)" in context


def test_the_prompt_states_the_contracts_and_the_context() -> None:
    prompt = system_prompt("Cluster: context home; namespaces: default, shop.")
    for contract in ("without a shell", "run only after approval", "get_cluster_status", "never tell"):
        assert contract in prompt
    assert prompt.endswith("Cluster: context home; namespaces: default, shop.")
    unreadable = ClusterContext(error="the API server is unreachable").line()
    assert unreadable == "Cluster: could not be read (the API server is unreachable)."


def test_few_shot_commands_are_correct_verbatim() -> None:
    """Small models copy examples word for word: each must be right as it stands, no placeholders."""
    commands = re.findall(r'\{"command": "([^"]+)"\}', SYSTEM_PROMPT)
    assert len(commands) >= 3
    for command in commands:
        assert "<" not in command and not re.search(r"\b[A-Z]{2,}\b", command), command
        assert "-A" in command, f"{command!r} names no namespace, so it must span them all"
