"""What a person sends to answer an approval (DESIGN §4).

A decision names the interrupt it answers and the hash of the plan it was made for; a
decision for anything else is refused (:func:`binks.graph.approval.check_decision`), so a
stale or duplicated answer can never approve a plan the person has not seen.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

DecisionAction = Literal["approve", "reject", "edit", "respond"]


class Decision(BaseModel):
    """A person's answer to one pending approval."""

    model_config = ConfigDict(extra="forbid")

    interrupt_id: str = Field(min_length=1, description="the id of the pending approval it answers")
    plan_hash: str = Field(min_length=1, description="the hash of the plan it was made for")
    action: DecisionAction
    steps: list[str] | None = Field(None, description="approve only these step ids (default: all)")
    edits: dict[str, dict[str, Any]] | None = Field(
        None, description="edit: step id -> new tool arguments (re-dry-run and asked again)"
    )
    reason: str = Field("", description="why (reject), or the free-text answer (respond)")

    @model_validator(mode="after")
    def _consistent(self) -> Decision:
        if self.steps is not None and self.action != "approve":
            raise ValueError("steps selects what to approve; use it only with action 'approve'")
        if self.steps is not None and not self.steps:
            raise ValueError("steps is empty: approve at least one step, or reject the plan")
        if self.action == "edit" and not self.edits:
            raise ValueError("action 'edit' needs edits: {step id: new tool arguments}")
        if self.edits is not None and self.action != "edit":
            raise ValueError("edits are only allowed with action 'edit'")
        if self.action == "respond" and not self.reason.strip():
            raise ValueError("action 'respond' needs the answer in reason")
        return self
