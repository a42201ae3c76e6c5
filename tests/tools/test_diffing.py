"""The approval card's diff hides Secret values but never hides that they change."""

from __future__ import annotations

import base64
from typing import Any

from binks.tools.diffing import object_diff

OLD, NEW = "old-value-123", "new-value-456"


def _secret(value: str) -> dict[str, Any]:
    encoded = base64.b64encode(value.encode()).decode()
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"password": encoded}}


def _deploy(value: str) -> dict[str, Any]:
    container = {"name": "web", "image": "nginx", "env": [{"name": "DB_PASSWORD", "value": value}]}
    return {
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [container]}}},
    }


def test_a_same_size_secret_change_is_said_not_shown() -> None:
    diff = object_diff(_secret(OLD), _secret(NEW))
    assert OLD not in diff and NEW not in diff
    assert base64.b64encode(NEW.encode()).decode() not in diff
    assert "hidden values change: data.password" in diff


def test_a_credential_env_change_is_said_not_shown() -> None:
    diff = object_diff(_deploy(OLD), _deploy(NEW))
    assert NEW not in diff and OLD not in diff
    assert "spec.template.spec.containers[web].env[DB_PASSWORD].value" in diff


def test_no_note_when_hidden_values_stay() -> None:
    assert object_diff(_secret(OLD), _secret(OLD)) == ""
