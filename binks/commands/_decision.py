"""What ``binks approve`` and ``binks reject`` share: find the pending approval, send the decision."""

from __future__ import annotations

import argparse
import sys

from binks.errors import ApprovalConflict, ConfigError


def add_pin_options(parser: argparse.ArgumentParser) -> None:
    """``--interrupt`` / ``--plan-hash``: decide exactly the approval a script reviewed."""
    parser.add_argument(
        "--interrupt",
        metavar="ID",
        help="the interrupt_id you reviewed (from the approval_required event); refused if stale",
    )
    parser.add_argument("--plan-hash", metavar="HASH", help="the plan_hash you reviewed; refused if stale")


def send_decision(args: argparse.Namespace, action: str, *, steps: list[str] | None, reason: str) -> int:
    """Decide the thread's pending approval; 409 (stale, none pending) raises ApprovalConflict."""
    from binks.client import BinksClient, Decision

    with BinksClient() as client:
        pending = client.get_thread(args.thread).pending
        if pending is None and not (args.interrupt and args.plan_hash):
            raise ApprovalConflict(
                f"thread {args.thread} has no approval pending; "
                f"'binks watch {args.thread}' shows what it does"
            )
        interrupt_id = args.interrupt or (pending.interrupt_id if pending else "")
        plan_hash = args.plan_hash or (pending.plan_hash if pending else "")
        if steps is not None and pending is not None:
            known = [step.id for step in pending.plan.steps]
            unknown = [step for step in steps if step not in known]
            if unknown:
                raise ConfigError(
                    f"no step {', '.join(unknown)} in the plan; its steps are {', '.join(known)}"
                )
        decision = Decision(
            interrupt_id=interrupt_id, plan_hash=plan_hash, action=action, steps=steps, reason=reason
        )
        client.decide(args.thread, decision)
    what = "approved" if action == "approve" else "rejected"
    which = f" steps {', '.join(steps)}" if steps else ""
    sys.stderr.write(f"{what}{which} on thread {args.thread}; 'binks watch {args.thread}' follows the run\n")
    return 0
