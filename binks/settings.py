"""Binks' settings: one typed object read from the environment and an optional ``.env``.

Every setting has a ``BINKS_`` name. The names people already use from the original
scripts (``OLLAMA_BASE_URL``, ``OLLAMA_MODEL``, ``KUBECONFIG_PATH``, ``API_HOST``,
``API_PORT``) are accepted as aliases, so an existing ``.env`` keeps working. Invalid values
fail at start with one line per problem naming the variable (:func:`load_settings`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from binks.errors import ConfigError

DEFAULT_PROTECTED_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")


def _aliases(name: str, *legacy: str) -> AliasChoices:
    """Accept ``BINKS_<NAME>`` first, then the legacy names of the original scripts."""
    return AliasChoices(f"BINKS_{name}", *legacy)


def default_state_dir() -> Path:
    """Where Binks keeps its database and API key: the XDG data dir, ``~/.local/share/binks``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "binks"


def _split_list(value: Any) -> Any:
    """Read comma-separated lists from the environment (``a,b``) as well as JSON lists."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            import json

            return json.loads(stripped)
        return [item.strip() for item in stripped.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """Everything Binks can be told, with the defaults a workstation next to a Pi cluster needs."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
        validate_default=True,
    )

    # --- the model -------------------------------------------------------------------
    model_backend: Literal["ollama", "openai"] = Field(
        "ollama",
        validation_alias=_aliases("MODEL_BACKEND"),
        description="ollama (default) or openai for any OpenAI-compatible endpoint.",
    )
    ollama_base_url: str = Field(
        "http://localhost:11434",
        validation_alias=_aliases("OLLAMA_BASE_URL", "OLLAMA_BASE_URL"),
        description="Where the workstation's Ollama listens.",
    )
    ollama_model: str = Field(
        "qwen2.5-coder:7b",
        validation_alias=_aliases("OLLAMA_MODEL", "OLLAMA_MODEL"),
        description="The tool-capable model the agent uses.",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=_aliases("OPENAI_BASE_URL"),
        description="OpenAI-compatible endpoint (llama.cpp server, vLLM, LM Studio).",
    )
    openai_api_key: SecretStr | None = Field(
        None, validation_alias=_aliases("OPENAI_API_KEY"), description="Key for that endpoint."
    )
    stream_with_tools: bool = Field(
        True,
        validation_alias=_aliases("STREAM_WITH_TOOLS"),
        description="Stream model answers while tools are bound; false for backends that break tool calls.",
    )
    model_timeout_s: float = Field(
        300.0,
        gt=0,
        validation_alias=_aliases("MODEL_TIMEOUT_S"),
        description="Seconds one model call may take.",
    )
    model_max_tokens: int = Field(
        1024,
        ge=64,
        validation_alias=_aliases("MODEL_MAX_TOKENS"),
        description="Tokens one model answer may have: a small model that rambles on is cut off here"
        " (a call cut off at the end is dropped with a note) instead of holding the backend.",
    )
    output_mode: Literal["tools", "json"] = Field(
        "tools",
        validation_alias=_aliases("OUTPUT_MODE"),
        description="tools: native tool calling; json: each turn decoded against a JSON schema (one call"
        " or the answer), for models that cannot call tools (Ollama's format).",
    )
    tool_set: Literal["typed", "basic"] = Field(
        "typed",
        validation_alias=_aliases("TOOL_SET"),
        description="typed: typed tools for common changes and find, besides run_kubectl; basic: the four"
        " original tools only.",
    )

    # --- the cluster -----------------------------------------------------------------
    kubeconfig_path: Path | None = Field(
        None,
        validation_alias=_aliases("KUBECONFIG_PATH", "KUBECONFIG_PATH"),
        description="Kubeconfig file; unset means $KUBECONFIG, then ~/.kube/config.",
    )
    kube_context: str | None = Field(
        None,
        validation_alias=_aliases("KUBE_CONTEXT"),
        description="Context in the kubeconfig; unset means its current context.",
    )
    kubectl: str | None = Field(
        None,
        validation_alias=_aliases("KUBECTL"),
        description="Path of the kubectl binary; unset means the one installed with Binks.",
    )
    kubectl_timeout_s: float = Field(
        30.0,
        gt=0,
        validation_alias=_aliases("KUBECTL_TIMEOUT_S"),
        description="Seconds one kubectl call may take.",
    )
    verify_timeout_s: float = Field(
        120.0,
        gt=0,
        validation_alias=_aliases("VERIFY_TIMEOUT_S"),
        description="Seconds Binks waits for a change to take effect (rollout, scale) before reporting.",
    )
    output_limit_bytes: int = Field(
        16384,
        ge=1024,
        validation_alias=_aliases("OUTPUT_LIMIT_BYTES"),
        description="Tool output beyond this is cut before it reaches the model.",
    )
    manifests_dir: Path | None = Field(
        None,
        validation_alias=_aliases("MANIFESTS_DIR"),
        description="Folder with agents/<type>-job.yaml; unset means the installed ones.",
    )

    # --- safety ----------------------------------------------------------------------
    allowed_sources: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_aliases("ALLOWED_SOURCES"),
        description="Folders, files and URL prefixes kubectl may read manifests from (-f, -k, --from-file);"
        " the manifests that ship with Binks are always allowed.",
    )
    protected_namespaces: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_aliases("PROTECTED_NAMESPACES"),
        description="Namespaces that always ask, added to kube-system, kube-public, kube-node-lease.",
    )
    auto_approve: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_aliases("AUTO_APPROVE"),
        description="verb:namespace rules that skip the question (e.g. scale:demo). Empty: always ask.",
    )
    max_steps: int = Field(
        25,
        ge=1,
        validation_alias=_aliases("MAX_STEPS"),
        description="Model turns a run may take before it stops.",
    )
    max_replans: int = Field(
        3,
        ge=0,
        validation_alias=_aliases("MAX_REPLANS"),
        description="Rejected or failed plans a run may take before it stops.",
    )

    # --- the server ------------------------------------------------------------------
    api_host: str = Field(
        "127.0.0.1",
        validation_alias=_aliases("API_HOST", "API_HOST"),
        description="Address the server binds; auth stays on whatever it is.",
    )
    api_port: int = Field(
        8000,
        ge=1,
        le=65535,
        validation_alias=_aliases("API_PORT", "API_PORT"),
        description="Port the server listens on.",
    )
    api_key: SecretStr | None = Field(
        None,
        validation_alias=_aliases("API_KEY"),
        description="API key; unset means the key file in the state dir (made on first start).",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_aliases("CORS_ORIGINS"),
        description="Origins allowed by CORS; empty means CORS is off.",
    )
    mcp_wait_s: float = Field(
        20.0,
        gt=0,
        le=50,
        validation_alias=_aliases("MCP_WAIT_S"),
        description="Longest an MCP tool call waits for a run before answering 'running' "
        "(MCP clients give up on a call after about a minute).",
    )
    mcp_elicitation: bool = Field(
        True,
        validation_alias=_aliases("MCP_ELICITATION"),
        description="Accept approvals answered through an MCP client's elicitation prompt. Turn off "
        "where an MCP client may let its agent answer prompts: decisions then come from the TUI or CLI.",
    )
    state_dir: Path = Field(
        default_factory=default_state_dir,
        validation_alias=_aliases("STATE_DIR"),
        description="Holds the SQLite database and the API key file.",
    )
    database_url: str | None = Field(
        None,
        validation_alias=_aliases("DATABASE_URL"),
        description="postgresql://... for Postgres; unset means SQLite in the state dir.",
    )
    event_retention_days: int = Field(
        30,
        ge=0,
        validation_alias=_aliases("EVENT_RETENTION_DAYS"),
        description="Events of threads finished and untouched this many days are pruned daily; 0 keeps all.",
    )
    replica_id: str | None = Field(
        None,
        min_length=1,
        max_length=128,
        validation_alias=_aliases("REPLICA_ID"),
        description="This server's name among replicas sharing PostgreSQL; unset means host and process id. "
        "A stable, unique id lets a restarted replica interrupt its own cut-off runs at once.",
    )
    lease_s: float = Field(
        30.0,
        ge=1.0,
        le=3600.0,
        validation_alias=_aliases("LEASE_S"),
        description="Seconds a replica's hold on a run lasts without a heartbeat (renewed every third "
        "of it); another replica interrupts the run after that.",
    )

    # --- logging ---------------------------------------------------------------------
    log_format: Literal["text", "json"] = Field(
        "text", validation_alias=_aliases("LOG_FORMAT"), description="text or json."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=_aliases("LOG_LEVEL"), description="Lowest level logged."
    )

    @field_validator("protected_namespaces", "auto_approve", "cors_origins", "allowed_sources", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("ollama_base_url", "openai_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @field_validator("kubeconfig_path", "state_dir", "manifests_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("auto_approve")
    @classmethod
    def _rules(cls, value: list[str]) -> list[str]:
        for rule in value:
            verb, sep, namespace = rule.partition(":")
            if not sep or not verb or not namespace:
                raise ValueError(f"rule {rule!r} must look like verb:namespace (e.g. scale:demo)")
        return value

    @field_validator("allowed_sources")
    @classmethod
    def _sources(cls, value: list[str]) -> list[str]:
        for entry in value:
            if "://" in entry and not entry.startswith(("http://", "https://")):
                raise ValueError(f"{entry!r}: only folders, files and http(s):// URL prefixes can be allowed")
        return value

    @property
    def all_protected_namespaces(self) -> frozenset[str]:
        """The built-in protected namespaces plus the configured ones."""
        return frozenset(DEFAULT_PROTECTED_NAMESPACES) | frozenset(self.protected_namespaces)

    @property
    def database_path(self) -> Path:
        """The SQLite file used when no ``database_url`` is set."""
        return self.state_dir / "binks.db"

    @property
    def api_key_file(self) -> Path:
        """Where the generated API key lives (mode 0600)."""
        return self.state_dir / "api-key"

    def effective_kubeconfig(self) -> Path | None:
        """The kubeconfig the tools use: the setting, then ``$KUBECONFIG``, then ``~/.kube/config``."""
        if self.kubeconfig_path is not None:
            return self.kubeconfig_path
        env = os.environ.get("KUBECONFIG")
        if env:
            return Path(env.split(os.pathsep)[0]).expanduser()
        default = Path.home() / ".kube" / "config"
        return default if default.exists() else None


@dataclass(frozen=True)
class SettingSource:
    """Where one setting's value came from, for ``binks config``."""

    field: str
    value: str
    source: str


def _env_names(field_name: str) -> tuple[str, ...]:
    alias = Settings.model_fields[field_name].validation_alias
    if isinstance(alias, AliasChoices):
        return tuple(str(choice) for choice in alias.choices)
    return (f"BINKS_{field_name.upper()}",)


def _field_label(field_name: str) -> str:
    """The variable name a person would set for ``field_name`` (the legacy one if any)."""
    names = _env_names(field_name)
    legacy = [name for name in names if not name.startswith("BINKS_")]
    return legacy[0] if legacy else names[0]


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Read the settings, turning validation errors into one clear line per problem."""
    try:
        return Settings(_env_file=env_file, **overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = str(error["loc"][0]) if error["loc"] else "settings"
            field = next(
                (
                    name
                    for name in Settings.model_fields
                    if loc.upper() in map(str.upper, _env_names(name)) or loc == name
                ),
                loc,
            )
            label = _field_label(field) if field in Settings.model_fields else loc
            given = error.get("input")
            shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{label}: {message}{shown}")
        raise ConfigError("invalid settings:\n  " + "\n  ".join(lines)) from exc


def describe_settings(settings: Settings, env_file: str | Path | None = ".env") -> list[SettingSource]:
    """List every setting with its effective value (secrets masked) and where it came from."""
    from dotenv import dotenv_values

    file_values: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        file_values = {key.upper(): value for key, value in dotenv_values(env_file).items()}
    environ = {key.upper(): key for key in os.environ}
    rows = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        source = "default"
        for env_name in _env_names(name):
            if env_name.upper() in environ:
                source = f"env {environ[env_name.upper()]}"
                break
            if env_name.upper() in file_values:
                source = f"{env_file} ({env_name})"
                break
        if isinstance(value, SecretStr):
            shown = "********" if value.get_secret_value() else ""
        elif value is None:
            shown = "(unset)"
        elif isinstance(value, list):
            shown = ",".join(value) or "(none)"
        else:
            shown = str(value)
        rows.append(SettingSource(field=_field_label(name), value=shown, source=source))
    return rows
