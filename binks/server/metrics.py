"""The server's Prometheus metrics, one registry per app (built in the lifespan).

Names and labels (all prefixed ``binks_``):

- ``runs_total{status}``: runs that ended, by how (completed, awaiting_approval, failed,
  interrupted, cancelled);
- ``decisions_total{action,outcome}``: decisions by action, accepted or refused;
- ``time_to_decision_seconds``: from ``approval_required`` to the accepted decision;
- ``tool_duration_seconds{tool,verb,operation}``: each toolbox call the graph makes;
- ``model_duration_seconds{outcome}`` and ``model_tokens_total{direction}``: each model call
  and the tokens the backend reported (input/output, when it reports usage);
- ``sse_subscribers``, ``runs_in_progress``: live gauges;
- ``event_log_rows``: rows in the event log, counted on each scrape.

Labels only take values from small, known sets (a verb the classifier did not recognise
counts as ``other``), so a model that invents commands cannot blow up the series count.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

#: Seconds: a person may answer within a minute or after a night's sleep.
DECISION_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 72 * 3600)
#: Seconds: from a cached read to a verified rollout.
TOOL_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
#: Seconds: a small local model answers in a second, a slow one in minutes.
MODEL_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300)

_VERB = re.compile(r"^[a-z][a-z-]{0,23}( [a-z][a-z-]{0,23})?$")


def label_verb(verb: str | None) -> str:
    """A verb fit for a label: a kubectl-like word (or two), else ``other``."""
    if verb and _VERB.match(verb):
        return verb
    return "other"


class Metrics:
    """Every metric of one server, registered on its own :class:`CollectorRegistry`."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.runs = Counter(
            "binks_runs", "Runs that ended, by the thread's status.", ["status"], registry=registry
        )
        self.decisions = Counter(
            "binks_decisions",
            "Decisions on approvals, by action and whether the server accepted them.",
            ["action", "outcome"],
            registry=registry,
        )
        self.time_to_decision = Histogram(
            "binks_time_to_decision_seconds",
            "Time from approval_required to the accepted decision.",
            buckets=DECISION_BUCKETS,
            registry=registry,
        )
        self.tool_duration = Histogram(
            "binks_tool_duration_seconds",
            "Duration of toolbox calls by tool, kubectl verb and operation (read, propose, execute, ...).",
            ["tool", "verb", "operation"],
            buckets=TOOL_BUCKETS,
            registry=registry,
        )
        self.model_duration = Histogram(
            "binks_model_duration_seconds",
            "Duration of model calls, by outcome (ok, error).",
            ["outcome"],
            buckets=MODEL_BUCKETS,
            registry=registry,
        )
        self.model_tokens = Counter(
            "binks_model_tokens",
            "Tokens the model backend reported, by direction (input, output).",
            ["direction"],
            registry=registry,
        )
        self.sse_subscribers = Gauge(
            "binks_sse_subscribers", "Event streams open right now.", registry=registry
        )
        self.runs_in_progress = Gauge("binks_runs_in_progress", "Runs in progress.", registry=registry)
        self.event_log_rows = Gauge(
            "binks_event_log_rows", "Rows in the event log (counted at scrape time).", registry=registry
        )

    def watch(self, *, subscribers: Callable[[], int], running: Callable[[], int]) -> None:
        """Read the live gauges from the event log and run manager at each scrape."""
        self.sse_subscribers.set_function(lambda: float(subscribers()))
        self.runs_in_progress.set_function(lambda: float(running()))
