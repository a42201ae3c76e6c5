"""Checks on a final text answer before it goes out, each answered by one more question.

Two ways a small model ends a task badly although the tools could have helped:

1. **Giving up after one error.** A call failed (a NotFound, a rejected dry-run, a refused
   pipe) and the model answers "I can't". The error came back with a specific next step
   (the namespaces that do hold the object, the fields a patch dropped and the safe
   command, the jsonpath form that works); the model is asked to take it, up to
   :data:`RECOVERY_BUDGET` times per task. Policy refusals and rejected plans are final:
   trying again cannot help, so they are never re-asked.
2. **An answer that does not answer.** Asked *which* or *what*, it names nothing the tools
   returned (a bare count, or the question echoed back); or it cites an object no tool
   returned; or it talks about another namespace than the one asked about. The model is
   asked once to fix it; the second answer stands.

Everything here is plain text matching on the task, the answer and the tool results:
cheap, and wrong only in the direction of one extra question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from binks.graph.guards import suggests_command
from binks.graph.marks import refused_by_policy, repeated
from binks.graph.texts import message_text, only_data

RECOVERY_BUDGET = 2
"""Re-asks after a failed call, per task, before Binks accepts "I can't"."""

_GIVE_UP = re.compile(
    r"\b(?:can(?:not|'t|’t)|unable|not able|sorry|apologi[sz]e|impossible|not possible|failed|"
    r"(?:do not|don't|don’t) have (?:access|permission)|error)\b",
    re.IGNORECASE,
)
_ASKS_NAME = re.compile(r"\b(?:which|what|who|name|names|list)\b", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@-]*[A-Za-z0-9]|[A-Za-z0-9]")
_NAME_LIKE = re.compile(
    r"[a-z][-a-z0-9.]*[-.:/0-9][-a-z0-9.:/@]*|[a-z0-9]+[-.][a-z0-9][-a-z0-9.]*", re.IGNORECASE
)
_KIND_WORDS = (
    r"pod|deployment|deploy|service|svc|job|cronjob|statefulset|daemonset|configmap|node|"
    r"replicaset|namespace|ingress|secret|pvc"
)
_CITED = re.compile(
    rf"\b(?:{_KIND_WORDS})s?(?:/([a-z0-9][-a-z0-9.]*[a-z0-9])"  # deployment/web
    rf"|\s+[`'\"]([a-z0-9][-a-z0-9.]*[a-z0-9])[`'\"]"  # deployment `web`
    rf"|\s+([a-z0-9]+(?:[-.][a-z0-9]+)+))",  # pod web-7d9f8-abcde
    re.IGNORECASE,
)
_USAGE_ERROR = re.compile(
    r"^(?:Refused|Not run)\b|\bunknown (?:shorthand )?flag\b|\bunknown command\b|\bbad arguments for\b"
)
"""A call that never reached the cluster: a refusal, a flag or command kubectl does not know."""
_QUOTED_NAME = re.compile(r"`([a-z0-9]+(?:[-.][a-z0-9]+)+)`")
_GENERIC = frozenset(
    """
    a an and are as at be by for from has have in is it its of on or that the this to was were with
    all any none not no yes one two three some there their they them then than when where which what
    who how why name names namespace namespaces pod pods deployment deployments deploy service services
    svc job jobs node nodes container containers image images replica replicas replicaset replicasets
    running pending ready status ok true false none unknown default age type kind cluster label labels
    selector created ago error errors warning normal event events message reason ip port ports
    available desired current updated up date restart restarts total count number list spec metadata
    apps v1 api version statefulset statefulsets daemonset daemonsets configmap configmaps secret
    secrets cpu memory mi gi m s h d resources resource found only such more most other been being
    your you can use get see also may might will would should could here these those now
    """.split()
)


@dataclass(frozen=True)
class Review:
    """Why an answer is asked again, and what the model is told."""

    kind: str
    """``recover`` (after an error) or ``answer`` (the answer check)."""
    prompt: str


def _trailing_results(messages: Sequence[BaseMessage]) -> list[ToolMessage]:
    """The tool results after the model's last tool calls."""
    found: list[ToolMessage] = []
    for message in reversed(messages):
        if isinstance(message, ToolMessage):
            found.append(message)
        elif isinstance(message, AIMessage) and message.tool_calls:
            break
        elif isinstance(message, HumanMessage):
            break
    return list(reversed(found))


def recoverable_failure(messages: Sequence[BaseMessage]) -> ToolMessage | None:
    """The last failed call the model could still fix: a failed read or a change not proposed.

    Policy refusals, rejected or unapproved plans and changes that ran and failed are final
    answers from the person or the cluster, not mistakes in the call: they are not re-asked.
    """
    for result in reversed(_trailing_results(messages)):
        if result.status != "error" or refused_by_policy(result) or repeated(result):
            continue
        text = message_text(result)
        if text.startswith('{"step"') and '"status":"not proposed"' not in text:
            continue
        return result
    return None


def recovery(answer: str, messages: Sequence[BaseMessage], used: int) -> Review | None:
    """A re-ask when the answer gives up right after a call that failed and can be fixed."""
    if used >= RECOVERY_BUDGET or not (_GIVE_UP.search(answer) or suggests_command(answer)):
        return None
    failed = recoverable_failure(messages)
    if failed is None:
        return None
    error = re.sub(r"\s+", " ", message_text(failed)).strip()[:600]
    return Review(
        kind="recover",
        prompt=(
            f"Do not give up yet, and do not tell me what to run: run it. The call failed with: {error}\n"
            "Fix the call the way the error and its hint say (another namespace, the command the"
            " hint names, a typed tool such as set_image, set_resources or scale, or find to locate"
            " the object), and call the tool again. Say you cannot do it only if no tool can."
        ),
    )


def evidence_tokens(results: Sequence[ToolMessage]) -> set[str]:
    """Names and values the tools returned: the first words of each line, and name-like words.

    ``shop/web``, ``app=web`` and ``nginx:1.27`` count whole and by their parts.
    """
    tokens: set[str] = set()
    for result in results:
        for line in message_text(result).splitlines():
            words = _TOKEN.findall(line)
            for found in [*words[:2], *_NAME_LIKE.findall(line)]:
                word = found.rstrip(":.,;/-@")
                tokens.add(word.lower())
                tokens.update(part.lower() for part in re.split(r"[/=:@,]", word) if part)
    return {token for token in tokens if token not in _GENERIC and re.search(r"[a-z]", token)}


def _mentions(text: str, token: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(token)}(?![\w-])", text, re.IGNORECASE) is not None


def answer_problem(
    task: str, answer: str, messages: Sequence[BaseMessage], namespaces: Sequence[str]
) -> str | None:
    """What is wrong with a final answer, judged against the question and the tool results."""
    results = [m for m in messages if isinstance(m, ToolMessage) and not repeated(m)]
    if not results:
        return None
    said = answer.strip()
    if only_data(said):
        return "your answer is a tool call or a tool result, not an answer in words for the person"
    succeeded = [m for m in results if m.status != "error"]
    never_ran = all(_USAGE_ERROR.search(message_text(m)) and not refused_by_policy(m) for m in results)
    if never_ran and not _GIVE_UP.search(said):
        # Seen: "The gateway is configured with a log level of INFO" after two refused calls.
        return (
            "none of your calls ran (each was refused or misspelled), so nothing in your answer"
            " comes from the cluster; make a call that works (find shows where objects are)"
        )
    if echoes(task, said):
        return "your answer repeats the question instead of answering it"
    evidence = evidence_tokens(succeeded) if _ASKS_NAME.search(task) else set()
    if evidence and not any(_mentions(said, token) for token in evidence):
        return "the question asks which or what, but your answer names nothing the tool results show"
    seen_text = " ".join(message_text(m) for m in results).lower() + " " + task.lower()
    cited = [next(part for part in match if part) for match in _CITED.findall(said)]
    cited += _QUOTED_NAME.findall(said)  # `eval-shop-deployment`: a name, whatever words surround it
    invented = [name for name in cited if name.lower() not in seen_text]
    if invented:
        return f"your answer names {invented[0]}, which no tool result shows"
    asked = [ns for ns in namespaces if _mentions(task, ns)]
    if len(asked) == 1:
        others = [
            ns for ns in namespaces if ns != asked[0] and _mentions(said, ns) and not _mentions(task, ns)
        ]
        if others and not _mentions(said, asked[0]):
            return f"the question is about namespace {asked[0]}, but your answer is about {others[0]}"
    return None


def answer_review(
    task: str, answer: str, messages: Sequence[BaseMessage], namespaces: Sequence[str], used: int
) -> Review | None:
    """A re-ask (once per task) when the answer fails the check."""
    if used >= 1:
        return None
    if suggests_command(answer) and any(isinstance(m, ToolMessage) for m in messages):
        return Review(
            kind="answer",
            prompt=(
                "Do not tell me what to run: call the tool yourself now (run_kubectl with that"
                " command, without the word kubectl) and answer from its result."
            ),
        )
    problem = answer_problem(task, answer, messages, namespaces)
    if problem is None:
        return None
    return Review(
        kind="answer",
        prompt=(
            f"Check your answer against the question: {problem}. Answer the question again, naming"
            " what it asks for from the tool results above (call a tool first if you need to look)."
        ),
    )


def echoes(task: str, answer: str) -> bool:
    """Whether an answer only repeats the question."""
    return bool(task.strip()) and _normalised(answer) == _normalised(task)


def _normalised(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().lower()


def namespaces_of(context_line: str | None) -> list[str]:
    """The namespaces listed in the task's cluster context line (see ``ClusterContext.line``)."""
    if not context_line or "namespaces:" not in context_line:
        return []
    listed = context_line.split("namespaces:", 1)[1].split("(+", 1)[0].strip().rstrip(".")
    return [name.strip() for name in listed.split(",") if name.strip() and name.strip() != "none"]
