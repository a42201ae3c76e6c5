"""The plan a person approves: the proposed changes of one model turn, with a stable hash.

A :class:`Step` is a :class:`~binks.tools.models.ProposedChange` (what would run, where,
the server's dry-run and diff) plus an id unique within the plan. The plan hash is a
SHA-256 over the canonical JSON of the steps, so a decision can name exactly the plan it
answers and execute can refuse anything that differs from what was approved.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from binks.tools.models import ProposedChange
from binks.tools.shown import describe_argv


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same data always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Step(ProposedChange):
    """One approvable change: the proposed change plus its id (``s1``, ``s2``, …)."""

    id: str = Field(description="unique within the plan: s1, s2, ...")

    @classmethod
    def from_change(cls, step_id: str, change: ProposedChange) -> Step:
        """Wrap a proposed change from the tools as step ``step_id``."""
        return cls(id=step_id, **change.model_dump())

    def to_change(self) -> ProposedChange:
        """The change the tools execute, exactly as proposed."""
        return ProposedChange(**self.model_dump(exclude={"id"}))

    def hashed(self) -> dict[str, Any]:
        """What the hashes cover: every field, captured files included.

        ``sources`` is left out when empty, so plans proposed before files were captured
        keep their hash.
        """
        data = self.model_dump(mode="json")
        if not data.get("sources"):
            data.pop("sources", None)
        return data

    def step_hash(self) -> str:
        """SHA-256 of this step's canonical JSON, recorded with execute intents."""
        return hashlib.sha256(canonical_json(self.hashed()).encode()).hexdigest()

    def describe(self) -> str:
        """One line a person can read: the command or template, literal secrets hidden."""
        if self.argv:
            what = describe_argv(self.argv)
        elif self.template:
            what = f"{self.tool} {self.template}"
        else:
            what = f"{self.tool} {canonical_json(self.args)}"
        return what


class Plan(BaseModel):
    """The changes of one model turn, shown to a person as one approval card."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    steps: list[Step]
    summary: str

    def plan_hash(self) -> str:
        """SHA-256 hex over the canonical JSON of the steps (the summary is not hashed)."""
        steps = [step.hashed() for step in self.steps]
        return hashlib.sha256(canonical_json(steps).encode()).hexdigest()

    def step(self, step_id: str) -> Step:
        """The step with id ``step_id``; ``KeyError`` when the plan has none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def step_ids(self) -> list[str]:
        """The ids of the steps, in order."""
        return [step.id for step in self.steps]


def summarize(steps: list[Step]) -> str:
    """A short summary of what the steps change, for the approval card's title."""
    parts = []
    for step in steps:
        target = "/".join(part for part in (step.resource, step.name) if part) or step.tool
        where = f" in {step.namespace}" if step.namespace else ""
        parts.append(f"{step.verb} {target}{where}")
    count = f"{len(steps)} change" + ("s" if len(steps) != 1 else "")
    return f"{count}: " + "; ".join(parts)
