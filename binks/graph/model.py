"""The LLM backends: Ollama by default, any OpenAI-compatible endpoint with the ``openai`` extra.

:func:`check_model` answers, before any run, the three questions that otherwise surface as
obscure failures mid-run: is the server reachable, is the model there (else: ``ollama pull``),
does it support tools. :func:`as_model_error` turns whatever a backend raises into a
:class:`ModelError` whose message says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import httpx
from langchain_core import exceptions as lc_exceptions
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable
from pydantic import BaseModel

from binks.errors import ConfigError, ModelError
from binks.settings import Settings

# LangChain's own wrappers of backend failures (langchain-openai raises these).
_LC_TIMEOUT: type[BaseException] = getattr(lc_exceptions, "ModelTimeoutError", TimeoutError)
_LC_CONNECTION: type[BaseException] = getattr(lc_exceptions, "ModelConnectionError", ConnectionError)


class ModelStatus(BaseModel):
    """What the capability check found."""

    backend: str
    base_url: str
    model: str
    version: str | None = None
    tools: bool
    capabilities: list[str] = []


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the settings name (not contacted yet; see :func:`check_model`)."""
    if settings.model_backend == "openai":
        try:
            from langchain_openai import ChatOpenAI  # type: ignore[import-not-found,unused-ignore]
        except ImportError as exc:
            raise ConfigError(
                "BINKS_MODEL_BACKEND=openai needs the OpenAI backend: pip install 'binks[openai]'"
            ) from exc
        if not settings.openai_base_url:
            raise ConfigError(
                "BINKS_MODEL_BACKEND=openai needs BINKS_OPENAI_BASE_URL (e.g. http://host:8080/v1)"
            )
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        model: BaseChatModel = ChatOpenAI(
            base_url=settings.openai_base_url,
            api_key=key,
            model=settings.ollama_model,
            timeout=settings.model_timeout_s,
            max_retries=0,
            temperature=0,
            max_completion_tokens=settings.model_max_tokens,
            disable_streaming=_streaming(settings),
            stream_usage=True,  # token counts also when answers stream (metrics, binks eval)
        )
        return model
    from langchain_ollama import ChatOllama

    return ChatOllama(
        base_url=settings.ollama_base_url,
        model=settings.ollama_model,
        temperature=0,
        num_predict=settings.model_max_tokens,
        client_kwargs={"timeout": settings.model_timeout_s},
        disable_streaming=_streaming(settings),
    )


def bind_agent_tools(
    model: BaseChatModel, specs: Sequence[dict[str, Any]], settings: Settings
) -> Runnable[LanguageModelInput, BaseMessage]:
    """The model with the tools bound, as the agent calls it.

    With ``BINKS_STREAM_WITH_TOOLS=false`` the request itself asks for no streaming:
    ChatOllama streams over HTTP even when LangChain does not, unless told ``stream=False``.
    """
    if settings.model_backend == "openai":
        # llama.cpp's OpenAI-compatible servers leave the tools out of the prompt unless the
        # request names a tool_choice.
        bound = model.bind_tools(list(specs), tool_choice="auto")
    else:
        bound = model.bind_tools(list(specs))
    if not settings.stream_with_tools and model._llm_type == "chat-ollama":
        return bound.bind(stream=False)
    return bound


def _streaming(settings: Settings) -> bool | Literal["tool_calling"]:
    """``disable_streaming`` for the settings: off while tools are bound, when asked to be.

    Some backends (llama.cpp's server in some versions, proxies) drop or garble tool calls
    in streamed answers; with ``BINKS_STREAM_WITH_TOOLS=false`` the agent's calls, which
    always bind tools, are made without streaming (each answer whole, as one token event).
    """
    return False if settings.stream_with_tools else "tool_calling"


def model_url(settings: Settings) -> str:
    """Where the configured backend listens."""
    if settings.model_backend == "openai":
        return settings.openai_base_url or "(BINKS_OPENAI_BASE_URL unset)"
    return settings.ollama_base_url


async def check_model(settings: Settings, *, timeout_s: float = 5.0) -> ModelStatus:
    """Check that the backend answers, has the model, and the model can call tools."""
    if settings.model_backend == "openai":
        return await _check_openai(settings, timeout_s)
    base, name = settings.ollama_base_url, settings.ollama_model
    async with httpx.AsyncClient(base_url=base, timeout=timeout_s) as client:
        try:
            version = (await client.get("/api/version")).json().get("version")
            show = await client.post("/api/show", json={"model": name})
        except httpx.HTTPError as exc:
            raise ModelError(
                f"cannot reach Ollama at {base} ({type(exc).__name__}: {exc}); start it with"
                " `ollama serve` or set OLLAMA_BASE_URL"
            ) from exc
        except ValueError as exc:
            raise ModelError(
                f"{base} answered /api/version with something that is not Ollama's JSON"
            ) from exc
    if show.status_code == 404:
        raise ModelError(f"Ollama at {base} does not have the model {name!r}; run `ollama pull {name}`")
    if show.status_code >= 400:
        raise ModelError(
            f"Ollama at {base} refused /api/show for {name!r}: HTTP {show.status_code} {show.text[:200]}"
        )
    capabilities = [str(item) for item in show.json().get("capabilities") or []]
    if capabilities and "tools" not in capabilities:
        raise ModelError(
            f"the model {name!r} does not support tool calling (capabilities: {', '.join(capabilities)});"
            " pick a tool-capable model such as qwen2.5-coder:7b or llama3.1 and set OLLAMA_MODEL"
        )
    return ModelStatus(
        backend="ollama",
        base_url=base,
        model=name,
        version=version,
        tools="tools" in capabilities,
        capabilities=capabilities,
    )


async def _check_openai(settings: Settings, timeout_s: float) -> ModelStatus:
    base = settings.openai_base_url
    if not base:
        raise ConfigError("BINKS_MODEL_BACKEND=openai needs BINKS_OPENAI_BASE_URL (e.g. http://host:8080/v1)")
    headers = {}
    if settings.openai_api_key:
        headers["Authorization"] = f"Bearer {settings.openai_api_key.get_secret_value()}"
    try:
        async with httpx.AsyncClient(timeout=timeout_s, headers=headers) as client:
            response = await client.get(f"{base}/models")
    except httpx.HTTPError as exc:
        raise ModelError(
            f"cannot reach the OpenAI-compatible endpoint {base} ({type(exc).__name__}); check"
            " BINKS_OPENAI_BASE_URL and that the server runs"
        ) from exc
    if response.status_code in (401, 403):
        raise ModelError(
            f"{base} refused the API key (HTTP {response.status_code}); set BINKS_OPENAI_API_KEY"
        )
    if response.status_code >= 400:
        raise ModelError(f"{base}/models answered HTTP {response.status_code}; is it OpenAI-compatible?")
    ids = [str(item.get("id")) for item in response.json().get("data") or []]
    if ids and settings.ollama_model not in ids:
        raise ModelError(
            f"{base} does not serve the model {settings.ollama_model!r} (it serves: {', '.join(ids)});"
            " set OLLAMA_MODEL to one of those"
        )
    return ModelStatus(backend="openai", base_url=base, model=settings.ollama_model, tools=True)


def as_model_error(exc: BaseException, settings: Settings) -> ModelError:
    """A backend failure as a ModelError a person can act on."""
    url, name = model_url(settings), settings.ollama_model
    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, TimeoutError | httpx.TimeoutException | _LC_TIMEOUT):
        return ModelError(
            f"the model did not answer within {settings.model_timeout_s:g} s; raise"
            " BINKS_MODEL_TIMEOUT_S or use a smaller model. The thread can be resumed"
        )
    if isinstance(exc, httpx.ConnectError | ConnectionError | _LC_CONNECTION):
        fix = (
            "start it or fix BINKS_OPENAI_BASE_URL"
            if settings.model_backend == "openai"
            else "start it (`ollama serve`) or fix OLLAMA_BASE_URL"
        )
        return ModelError(f"cannot reach the model server at {url} ({exc}); {fix}, then resume the thread")
    status = _status_code(exc)
    if status == 404:
        return ModelError(f"the model {name!r} is not available at {url}; run `ollama pull {name}`")
    text = str(exc) or type(exc).__name__
    return ModelError(
        f"the model call failed ({type(exc).__name__}: {text[:300]}); the thread can be resumed"
    )


def _status_code(exc: BaseException) -> int | None:
    value: Any = getattr(exc, "status_code", None)
    return value if isinstance(value, int) else None
