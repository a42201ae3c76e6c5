"""A scripted model that answers each thread from its own task, for many threads at once.

:class:`~tests.fakes.chat_model.ScriptedChatModel` answers in script order, which is
ambiguous when fifty threads share one model. :class:`PerTaskModel` picks its answer from
the conversation instead: the task names a deployment (``"... web-17"``), and the number of
tool results since the task says which turn it is: read it (unless the task says "without
looking"), scale it to 3, then answer. A
thread that received another thread's answer would show it in its own events (the
deployment name), which is what the cross-talk tests look for.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from tests.fakes.chat_model import ScriptedChatModel

_TARGET = re.compile(r"\b(web-\d+)\b")


def _turn(command: str) -> dict[str, Any]:
    call = {"name": "run_kubectl", "args": {"command": command}, "id": f"call_{uuid.uuid4().hex[:12]}"}
    return {"tool_calls": [call]}


class PerTaskModel(ScriptedChatModel):
    """Read, change, answer, for the deployment the thread's last task names.

    ``change=False`` skips the scale: read, then answer (no approval in the run).
    """

    change: bool = True
    namespace: str = "shop"

    @classmethod
    def create(cls, *, change: bool = True, namespace: str = "shop") -> PerTaskModel:
        """A model with an empty script (it never reads one)."""
        return cls(script=[], change=change, namespace=namespace)

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
        self.received.append(list(messages))
        asked = max(i for i, message in enumerate(messages) if isinstance(message, HumanMessage))
        found = _TARGET.search(str(messages[asked].content))
        if found is None:
            return {"content": "name a deployment like web-1"}
        target = found.group(1)
        turns = [f"kubectl -n {self.namespace} get deployment {target}"]
        if "without looking" in str(messages[asked].content):
            turns = []
        if self.change:
            turns.append(f"kubectl -n {self.namespace} scale deployment/{target} --replicas=3")
        results = sum(isinstance(message, ToolMessage) for message in messages[asked:])
        if results < len(turns):
            return _turn(turns[results])
        return {"content": f"{target} is done"}
