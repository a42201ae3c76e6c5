"""One-shot model pull for the in-cluster Ollama, standard library only.

Run by the Job ``ollama-pull-model`` in ``ai-services``: waits until Ollama answers
``/api/version`` (the Job and the Deployment start together, and a Pi takes a while to pull
the Ollama image), then asks it to pull the model(s) named in ``OLLAMA_PULL_MODEL``
(comma-separated) and logs the progress. Ollama keeps the model on its PVC, so this runs
once per model, not once per restart. Exit code 0 when every model is present.

Environment: ``OLLAMA_URL`` (default ``http://ollama.ai-services.svc:11434``),
``OLLAMA_PULL_MODEL`` (required), ``OLLAMA_WAIT_SECONDS`` (default 900).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request

DEFAULT_URL = "http://ollama.ai-services.svc:11434"


def say(message: str) -> None:
    """One line of progress in the Job's log."""
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def wait_for_ollama(base: str, wait_seconds: float) -> None:
    """Return once Ollama answers; raise ``TimeoutError`` saying what to check otherwise."""
    deadline = time.monotonic() + wait_seconds
    last_error = ""
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/version", timeout=5) as response:
                version = json.loads(response.read()).get("version", "?")
                say(f"ollama {version} is up at {base}")
                return
        except (urllib.error.URLError, OSError, ValueError) as exc:
            error = str(getattr(exc, "reason", exc))
            if error != last_error:
                say(f"waiting for ollama at {base}: {error}")
                last_error = error
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"ollama at {base} did not answer within {wait_seconds:.0f}s ({last_error}); "
                "check: kubectl -n ai-services get pods -l app.kubernetes.io/name=ollama"
            )
        time.sleep(min(5.0, max(0.05, wait_seconds / 20)))


def pull(base: str, model: str) -> None:
    """Pull ``model`` with streamed progress; raise ``RuntimeError`` with Ollama's error."""
    body = json.dumps({"model": model, "stream": True}).encode()
    request = urllib.request.Request(
        f"{base}/api/pull", data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    last_status = ""
    last_percent = -10
    try:
        with urllib.request.urlopen(request, timeout=3600) as response:
            for raw in response:
                if not raw.strip():
                    continue
                event = json.loads(raw)
                if "error" in event:
                    raise RuntimeError(f"ollama could not pull {model}: {event['error']}")
                status = str(event.get("status", ""))
                total, completed = event.get("total"), event.get("completed")
                if total and completed is not None:
                    percent = int(100 * completed / total)
                    if percent >= last_percent + 10 or status != last_status:
                        say(f"{model}: {status} {percent}%")
                        last_percent = percent
                elif status != last_status:
                    say(f"{model}: {status}")
                last_status = status
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"ollama refused to pull {model}: HTTP {exc.code} {exc.read()[:300]!r}") from exc
    if last_status != "success":
        raise RuntimeError(f"the pull of {model} stopped before success (status: {last_status or 'none'})")


def main() -> int:
    """Pull every configured model; the exit code tells the Job whether to retry."""
    base = (os.environ.get("OLLAMA_URL") or DEFAULT_URL).rstrip("/")
    models = [name.strip() for name in os.environ.get("OLLAMA_PULL_MODEL", "").split(",") if name.strip()]
    if not models:
        say("OLLAMA_PULL_MODEL is empty: set it in manifests/core/kustomization.yaml (configMapGenerator)")
        return 2
    try:
        wait_for_ollama(base, float(os.environ.get("OLLAMA_WAIT_SECONDS") or 900))
        for model in models:
            pull(base, model)
            say(f"{model}: ready")
    except (TimeoutError, RuntimeError, urllib.error.URLError, OSError, ValueError) as exc:
        say(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
