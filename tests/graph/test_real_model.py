"""Opt-in: a real model drives the real graph, toolbox and kubectl against the in-memory cluster.

Skipped unless ``BINKS_TEST_OLLAMA_URL`` (an Ollama server) or ``BINKS_TEST_OPENAI_URL`` (an
OpenAI-compatible server such as llama.cpp's, e.g. ``http://127.0.0.1:8080/v1``) is set;
``BINKS_TEST_MODEL`` names the model (default ``qwen2.5-coder:1.5b``). Small models on a CPU
take minutes per task, so the model timeout is generous. These tests measure whether the
guidance in prompts, hints and guards is enough for a small model on simple tasks.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.intents import IntentLog
from binks.checkpoints.saver import open_checkpointer
from binks.graph.model import make_chat_model
from binks.tools.toolbox import KubeToolbox
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.graph.harness import Harness, graph_for, make_settings, open_database

OLLAMA_URL = os.environ.get("BINKS_TEST_OLLAMA_URL")
OPENAI_URL = os.environ.get("BINKS_TEST_OPENAI_URL")
MODEL = os.environ.get("BINKS_TEST_MODEL", "qwen2.5-coder:1.5b")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (OLLAMA_URL or OPENAI_URL),
        reason="set BINKS_TEST_OLLAMA_URL or BINKS_TEST_OPENAI_URL to run against a real model",
    ),
]


def backend() -> dict[str, Any]:
    """Settings for the model named by the environment."""
    if OLLAMA_URL:
        return {"model_backend": "ollama", "ollama_base_url": OLLAMA_URL, "ollama_model": MODEL}
    if importlib.util.find_spec("langchain_openai") is None:
        pytest.skip("BINKS_TEST_OPENAI_URL needs the openai extra: pip install 'binks[openai]'")
    return {"model_backend": "openai", "openai_base_url": OPENAI_URL, "ollama_model": MODEL}


@dataclass
class Live:
    """A harness on a real model, and the cluster it works on."""

    harness: Harness
    cluster: KubeApi


@pytest.fixture
async def live(kube_api: KubeApi, tmp_path: Path) -> AsyncIterator[Live]:
    kube_api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    kube_api.apply(deployment("web", namespace="shop", replicas=2))
    kube_api.clear_requests()
    (tmp_path / "manifests" / "agents").mkdir(parents=True)
    settings = make_settings(
        tmp_path / "state",
        kubeconfig_path=kube_api.kubeconfig,
        manifests_dir=tmp_path / "manifests",
        model_timeout_s=900,
        max_steps=8,
        verify_timeout_s=10,
        **backend(),
    )
    toolbox = KubeToolbox(settings)
    model = make_chat_model(settings)
    try:
        async with open_database(settings) as database, open_checkpointer(database) as saver:
            intents, audit = IntentLog(database), AuditLog(database)
            graph = graph_for(model, toolbox, settings, saver, intents, audit)  # type: ignore[arg-type]
            scripted = ScriptedChatModel.from_script([])  # the harness's type; never asked
            yield Live(Harness(graph, scripted, toolbox, settings, intents, audit), kube_api)
    finally:
        toolbox.close()


def tool_calls(harness: Harness) -> list[dict[str, Any]]:
    return [event["data"] for event in harness.events if event["event"] == "tool_call"]


async def test_counts_the_nodes(live: Live) -> None:
    state = await live.harness.ask("How many nodes does the cluster have? Answer with the number.")
    assert tool_calls(live.harness), "the model answered without looking"
    assert "2" in state["final_answer"]
    assert live.cluster.mutations() == []


async def test_reads_a_deployment_in_a_namespace(live: Live) -> None:
    state = await live.harness.ask("How many replicas does the deployment web in namespace shop have?")
    assert tool_calls(live.harness)
    assert "2" in state["final_answer"]
    assert live.cluster.mutations() == []


async def test_scales_after_approval(live: Live) -> None:
    await live.harness.ask("Scale the deployment web in namespace shop to 3 replicas.")
    pending = await live.harness.pending()
    assert [step.verb for step in pending.plan.steps] == ["scale"]
    assert live.cluster.mutations() == []
    state = await live.harness.decide("approve")
    found = live.cluster.get("deployments", "web", "shop")
    assert found is not None and found["spec"]["replicas"] == 3
    assert "executed and verified" in state["final_answer"]
