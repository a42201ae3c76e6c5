"""Point an in-cluster worker at a test API server: its URL, token and CA from a kubeconfig."""

from __future__ import annotations

import base64
from pathlib import Path

import yaml


def worker_env(kubeconfig: Path, workdir: Path) -> dict[str, str]:
    """The ``BINKS_KUBE_*`` variables that make a worker use the kubeconfig's cluster and token.

    A pod gets the same three things from Kubernetes: the API address, the service account
    token file and the cluster CA file; here they are written next to the test.
    """
    config = yaml.safe_load(kubeconfig.read_text())
    contexts = {item["name"]: item["context"] for item in config["contexts"]}
    context = contexts[config["current-context"]]
    cluster = {item["name"]: item["cluster"] for item in config["clusters"]}[context["cluster"]]
    user = {item["name"]: item["user"] for item in config["users"]}[context["user"]]
    token_file = workdir / "token"
    token_file.write_text(user["token"] if "token" in user else Path(user["tokenFile"]).read_text())
    env = {"BINKS_KUBE_API_URL": cluster["server"], "BINKS_KUBE_TOKEN_FILE": str(token_file)}
    ca_file = workdir / "ca.crt"
    if "certificate-authority-data" in cluster:
        ca_file.write_bytes(base64.b64decode(cluster["certificate-authority-data"]))
        env["BINKS_KUBE_CA_FILE"] = str(ca_file)
    elif "certificate-authority" in cluster:
        env["BINKS_KUBE_CA_FILE"] = cluster["certificate-authority"]
    return env
