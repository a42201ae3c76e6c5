"""Marks Binks puts on tool results (``additional_kwargs``), read by the guards and by ``binks eval``."""

from __future__ import annotations

from langchain_core.messages import ToolMessage

REFUSED_BY_KEY = "binks_refused_by"
"""On a tool result the policy refused; its value names the rule (``protected_namespace``)."""
REPEATED_KEY = "binks_repeated"
"""On a tool result Binks gave without running the call (a repeat it stopped)."""


def refused_by_policy(message: ToolMessage) -> bool:
    """Whether the policy, not a mistake, refused this call (trying again cannot help)."""
    content = message.content if isinstance(message.content, str) else ""
    return bool(message.additional_kwargs.get(REFUSED_BY_KEY)) or "refused by policy" in content


def repeated(message: ToolMessage) -> bool:
    """Whether this result stood in for a call Binks did not run again."""
    return bool(message.additional_kwargs.get(REPEATED_KEY))
