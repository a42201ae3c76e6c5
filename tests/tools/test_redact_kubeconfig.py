"""A kubeconfig in any structured output loses every credential its users carry.

kubectl's own ``config view`` hides the best-known fields (``token``, ``client-key-data``), and
Binks' text patterns hide them again; what neither sees is a credential in a place only the
structure tells apart: an exec plugin's environment and arguments, an auth provider's config
under an innocent key, a proxy URL's password. Those are the user entries' job.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from binks.tools.argv import parse_argv
from binks.tools.redact import redact_output, redact_value

CREDENTIALS = ["exec-env-value-1f9c", "exec-arg-value-77aa", "provider-value-3b2d", "proxy-pass-9e0f"]
KUBECONFIG: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [
        {
            "name": "lab",
            "cluster": {
                "server": "https://10.0.0.1:6443",
                "proxy-url": "http://me:proxy-pass-9e0f@proxy:3128",
            },
        }
    ],
    "users": [
        {
            "name": "lab-admin",
            "user": {
                "exec": {
                    "apiVersion": "client.authentication.k8s.io/v1",
                    "command": "vault-login",
                    "args": ["--role", "exec-arg-value-77aa"],
                    "env": [{"name": "VAULT_ADDR", "value": "exec-env-value-1f9c"}],
                },
                "auth-provider": {"name": "oidc", "config": {"extra": "provider-value-3b2d"}},
            },
        }
    ],
    "contexts": [{"name": "lab", "context": {"cluster": "lab", "user": "lab-admin"}}],
    "current-context": "lab",
}


@pytest.mark.parametrize("output", ["yaml", "json"])
def test_config_view_keeps_the_shape_and_loses_the_credentials(output: str) -> None:
    text = yaml.safe_dump(KUBECONFIG) if output == "yaml" else json.dumps(KUBECONFIG, indent=2)
    shown = redact_output(text, parse_argv(["config", "view", "-o", output, "--raw"]))
    for credential in CREDENTIALS:
        assert credential not in shown, credential
    kept = yaml.safe_load(shown)
    user = kept["users"][0]["user"]
    assert kept["users"][0]["name"] == "lab-admin"
    assert user["exec"]["command"] == "vault-login"  # how to log in stays readable
    assert kept["clusters"][0]["cluster"]["server"] == "https://10.0.0.1:6443"
    assert kept["clusters"][0]["cluster"]["proxy-url"].startswith("http://me:")


def test_a_kubeconfig_inside_any_value_loses_its_credentials() -> None:
    shown = json.dumps(redact_value({"payload": {"config": KUBECONFIG}}))
    for credential in CREDENTIALS:
        assert credential not in shown, credential
    assert "vault-login" in shown and "lab-admin" in shown
