"""One model call: streamed to the run's sink, the timeout, backend failures as :class:`ModelError`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, BaseMessageChunk, message_chunk_to_message
from langchain_core.runnables import Runnable

from binks.errors import ModelError
from binks.graph.events import emit_token
from binks.graph.model import as_model_error
from binks.graph.texts import message_text
from binks.settings import Settings


async def ask_model(
    model: Runnable[LanguageModelInput, BaseMessage], messages: Sequence[BaseMessage], settings: Settings
) -> AIMessage:
    """One model call with the timeout; backend failures become ModelError.

    The answer streams: each piece of text goes to the run's sink as it comes (a model
    made without streaming gives one piece, its whole answer), and the pieces add up to
    the answer the way LangChain's own streamed ``ainvoke`` adds them.
    """
    pieces: list[BaseMessage] = []
    try:
        async with asyncio.timeout(settings.model_timeout_s):
            async for piece in model.astream(list(messages)):
                if text := message_text(piece):
                    emit_token(text)
                pieces.append(piece)
    except ModelError:
        raise
    except Exception as exc:  # any backend failure: the message names the fix
        raise as_model_error(exc, settings) from exc
    answer = _whole(pieces)
    if not isinstance(answer, AIMessage):
        got = "nothing" if answer is None else type(answer).__name__
        raise ModelError(f"the model backend returned {got}, not an answer message")
    return answer


def _whole(pieces: list[BaseMessage]) -> BaseMessage | None:
    """The streamed pieces as one message (a single whole message stays as it is)."""
    if not pieces:
        return None
    first, *rest = pieces
    if isinstance(first, BaseMessageChunk) and all(isinstance(piece, BaseMessageChunk) for piece in rest):
        return message_chunk_to_message(first + cast(list[BaseMessageChunk], rest) if rest else first)
    if rest:
        raise ModelError(f"the model backend streamed {len(pieces)} whole messages for one answer")
    return first
