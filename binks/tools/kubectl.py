"""Run one kubectl command: argv only, no shell, Binks' cluster and identity, a timeout.

Binks adds ``--kubeconfig`` and ``--context`` from its settings in front of the argv (the
classifier refuses those flags from the model), runs kubectl with stdin closed and kuberc
preferences off (a kuberc alias could turn ``get`` into anything), and kills it at the
timeout. The caller gets the raw result; :func:`finish` redacts and caps it for the model.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass

from binks.errors import ClusterError
from binks.settings import Settings
from binks.tools.argv import ParsedArgv, parse_argv
from binks.tools.failures import Failure, explain
from binks.tools.kubectl_hints import condense, hint, is_help
from binks.tools.locate import find_kubectl
from binks.tools.models import CapturedSource
from binks.tools.output import cap_output
from binks.tools.outputs import WITHHELD, group, names_secrets
from binks.tools.redact import redact_output, redact_text
from binks.tools.shown import redact_argv

log = logging.getLogger(__name__)

#: Environment variables that would change what kubectl does behind Binks' back.
_DROPPED_ENV = ("KUBECONFIG", "KUBERC", "KUBECTL_EXTERNAL_DIFF", "KUBECTL_COMMAND_HEADERS", "KUBE_EDITOR")
#: Binks' own settings (its API key, the model's key) are no business of kubectl or a plugin.
_PRIVATE_PREFIXES = ("BINKS_", "OLLAMA_", "OPENAI_")


@dataclass(frozen=True)
class KubectlResult:
    """What one kubectl process did; ``stdout``/``stderr`` are raw (not yet redacted)."""

    argv: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        """Exit 0, or exit 1 from ``kubectl diff`` (which means 'there are differences')."""
        return self.exit_code == 0 or (self.exit_code == 1 and self.argv[:1] == ("diff",) and not self.stderr)


class Kubectl:
    """Runs kubectl for Binks with the settings' kubeconfig, context and timeout."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.binary = find_kubectl(settings.kubectl)

    def command_line(self, argv: list[str] | tuple[str, ...]) -> list[str]:
        """The full command: kubectl, Binks' own target flags, then the argv unchanged."""
        target: list[str] = []
        kubeconfig = self.settings.effective_kubeconfig()
        if kubeconfig is not None:
            target.append(f"--kubeconfig={kubeconfig}")
        if self.settings.kube_context:
            target.append(f"--context={self.settings.kube_context}")
        return [str(self.binary), *target, *argv]

    def environment(self) -> dict[str, str]:
        """The process environment kubectl runs with: no kuberc aliases, nothing that retargets it."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _DROPPED_ENV and not key.upper().startswith(_PRIVATE_PREFIXES)
        }
        env["KUBECTL_KUBERC"] = "false"
        return env

    async def run(
        self,
        argv: list[str] | tuple[str, ...],
        timeout_s: float | None = None,
        *,
        extra_env: dict[str, str] | None = None,
    ) -> KubectlResult:
        """Run kubectl; raise ``ClusterError`` only when it cannot start or runs out of time."""
        timeout = timeout_s or self.settings.kubectl_timeout_s
        started = time.perf_counter()
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.command_line(argv),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env={**self.environment(), **(extra_env or {})},
            )
        except OSError as exc:
            raise ClusterError(f"could not start kubectl ({self.binary}): {exc}; set BINKS_KUBECTL") from exc
        try:
            out, err = await asyncio.wait_for(proc.communicate(), timeout)
        except TimeoutError as exc:
            proc.kill()
            await proc.wait()
            raise ClusterError(
                f"`kubectl {' '.join(redact_argv(list(argv)))}` did not finish within {timeout:g} s "
                "(BINKS_KUBECTL_TIMEOUT_S): is the cluster reachable and not overloaded?"
            ) from exc
        seconds = time.perf_counter() - started
        result = KubectlResult(
            argv=tuple(argv),
            exit_code=proc.returncode if proc.returncode is not None else -1,
            stdout=out.decode("utf-8", errors="replace"),
            stderr=err.decode("utf-8", errors="replace"),
            seconds=seconds,
        )
        log.debug("kubectl %s exited %s in %.2fs", argv[:2], result.exit_code, seconds)
        return result


@dataclass(frozen=True)
class Finished:
    """A kubectl result made safe for the model: redacted, capped, failures explained."""

    ok: bool
    output: str
    truncated_bytes: int
    failure: Failure | None
    error: str | None


def finish(
    result: KubectlResult,
    settings: Settings,
    parsed: ParsedArgv | None = None,
    sources: list[CapturedSource] | None = None,
    *,
    secrets: bool = False,
) -> Finished:
    """Redact and cap a result; on failure, say what went wrong and what to check.

    stderr is scrubbed like stdout. Where stdout is withheld (a free format that may print
    Secret values), stderr is too: kubectl's jsonpath errors print the whole object.
    """
    parsed = parsed or parse_argv(list(result.argv))
    free_secrets = group(parsed) == "free" and (secrets or names_secrets(parsed, sources))
    stdout = (
        WITHHELD if free_secrets and result.stdout.strip() else redact_output(result.stdout, parsed, sources)
    )
    if result.stderr.strip() and free_secrets:
        stderr = "kubectl's error message is not shown: it may quote Secret values.\n"
    else:
        stderr = redact_text(result.stderr)
    if result.ok:
        text, cut = cap_output(
            stdout + (f"\n{stderr}" if stderr.strip() else ""), settings.output_limit_bytes
        )
        return Finished(True, text, cut, None, None)
    failure, message = explain(stderr or stdout, settings)
    text = failure_text(stdout, stderr, failure, message, parsed)
    text, cut = cap_output(text, settings.output_limit_bytes)
    return Finished(False, text, cut, failure, message)


def failure_text(stdout: str, stderr: str, failure: Failure, message: str, parsed: ParsedArgv) -> str:
    """A failed run for the model: output kept, help text and usage noise cut, plus a hint.

    kubectl's own error line is dropped when the explanation already quotes it, and an
    unclassified failure (``Failure.OTHER``) needs no explanation beyond kubectl's lines.
    """
    kept = condense(stdout) if is_help(stdout) else stdout.strip()
    error = condense(stderr) if stderr.strip() else ""
    explained = message if failure is not Failure.OTHER or not (kept or error) else ""
    if explained and error and error in explained:
        error = ""
    parts = [part for part in (kept, error, explained) if part]
    advice = hint(parsed, f"{stdout}\n{stderr}")
    if advice:
        parts.append(f"Hint: {advice}")
    return "\n\n".join(parts) + "\n"
