"""Worker agent ``code-reviewer``: reviews a diff with the cluster's small model.

Task parameters (``BINKS_TASK``, JSON): where the diff comes from (see :mod:`forge_diff`:
``repo`` + ``base`` + ``head``, or ``repo`` + ``pull``, on ``forge`` github or gitea; or a
``diff_url``), and optionally ``focus`` (what to look at, e.g. "security"), ``model`` (default:
the Job's ``OLLAMA_MODEL``), ``max_diff_chars`` (default 16000: a small model on a Pi reads
about a few dozen tokens a second, so the diff is cut and the result says so) and
``timeout_seconds`` for the model call (default 900).

The result holds ``summary`` and ``findings`` (``file``, ``line``, ``severity``, ``message``).
When the model does not answer in the requested JSON shape, its text becomes the summary and
``structured`` is false, so Binks can tell a review without line findings from a clean one.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

from binks_worker import DEFAULT_MODEL, JsonObject, log, number, ollama_chat, optional_str, run, time_left
from forge_diff import fetch_diff

AGENT = "code-reviewer"
MAX_FINDINGS = 50
SEVERITIES = ("high", "medium", "low")

SYSTEM_PROMPT = (
    "You review code changes. Read the unified diff and report concrete problems only: bugs, "
    "security issues, missing error handling, risky Kubernetes or configuration settings. "
    "Do not praise, do not restate the diff. Answer with JSON only, in this shape: "
    '{"summary": "one or two sentences", "findings": [{"file": "path", "line": 12, '
    '"severity": "high|medium|low", "message": "what is wrong and how to fix it"}]}. '
    "Use an empty findings list when nothing is wrong."
)

RESPONSE_SCHEMA: JsonObject = {
    "type": "object",
    "properties": {
        "summary": {"type": "string"},
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "file": {"type": "string"},
                    "line": {"type": ["integer", "null"]},
                    "severity": {"type": "string", "enum": list(SEVERITIES)},
                    "message": {"type": "string"},
                },
                "required": ["file", "severity", "message"],
            },
        },
    },
    "required": ["summary", "findings"],
}

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def parse_review(text: str) -> tuple[str, list[JsonObject], bool]:
    """``(summary, findings, structured)`` from the model's answer, tolerant of fences and chatter."""
    candidates = [text.strip(), *(match.strip() for match in _FENCE.findall(text))]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            parsed: Any = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(parsed, dict) and isinstance(parsed.get("findings", []), list):
            findings = [_finding(item) for item in parsed.get("findings") or [] if isinstance(item, dict)]
            kept = [finding for finding in findings if finding["message"]][:MAX_FINDINGS]
            return str(parsed.get("summary") or "").strip(), kept, True
    return text.strip()[:4000], [], False


def _finding(item: JsonObject) -> JsonObject:
    severity = str(item.get("severity") or "").lower()
    line = item.get("line")
    return {
        "file": str(item.get("file") or ""),
        "line": line if isinstance(line, int) and not isinstance(line, bool) else None,
        "severity": severity if severity in SEVERITIES else "low",
        "message": str(item.get("message") or "").strip(),
    }


def work(task: JsonObject) -> JsonObject:
    """Fetch the diff, ask the model, return its findings."""
    max_chars = int(number(task, "max_diff_chars", 16000, low=1000, high=200000))
    timeout = number(task, "timeout_seconds", 900, low=5, high=3600)
    timeout = max(5.0, min(timeout, time_left() - 30))  # answer before the Job's deadline
    model = optional_str(task, "model") or os.environ.get("OLLAMA_MODEL") or DEFAULT_MODEL
    focus = optional_str(task, "focus")
    diff, source = fetch_diff(task)
    files = diff.count("\ndiff --git ") + (1 if diff.startswith("diff --git ") else 0)
    log(f"fetched {len(diff)} characters of diff ({files} files) from {source}")
    result: JsonObject = {
        "ok": True,
        "source": source,
        "files_changed": files,
        "diff_chars": len(diff),
        "truncated": len(diff) > max_chars,
        "model": model,
    }
    if not diff.strip():
        return {
            **result,
            "summary": "The diff is empty: nothing to review.",
            "findings": [],
            "structured": True,
        }
    prompt = "Review this diff"
    if focus:
        prompt += f", paying special attention to: {focus}"
    excerpt = diff[:max_chars]
    if result["truncated"]:
        prompt += f" (only its first {max_chars} characters are shown)"
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"{prompt}.\n\n{excerpt}"},
    ]
    log(f"asking {model} for a review")
    answer = ollama_chat(messages, model=model, timeout=timeout, response_format=RESPONSE_SCHEMA)
    summary, findings, structured = parse_review(answer)
    log(f"review done: {len(findings)} findings")
    return {**result, "summary": summary, "findings": findings, "structured": structured}


if __name__ == "__main__":
    sys.exit(run(AGENT, work))
