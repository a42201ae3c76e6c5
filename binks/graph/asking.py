"""One model call: the timeout, and backend failures as :class:`ModelError`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import Runnable

from binks.errors import ModelError
from binks.graph.model import as_model_error
from binks.settings import Settings


async def ask_model(
    model: Runnable[LanguageModelInput, BaseMessage], messages: Sequence[BaseMessage], settings: Settings
) -> AIMessage:
    """One model call with the timeout; backend failures become ModelError."""
    try:
        async with asyncio.timeout(settings.model_timeout_s):
            answer = await model.ainvoke(list(messages))
    except ModelError:
        raise
    except Exception as exc:  # any backend failure: the message names the fix
        raise as_model_error(exc, settings) from exc
    if not isinstance(answer, AIMessage):
        raise ModelError(f"the model backend returned {type(answer).__name__}, not an answer message")
    return answer
