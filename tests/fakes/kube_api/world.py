"""What a test decides about the simulated cluster: logs, bad images, job outcomes, denials."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

JobOutcome = Literal["Succeeded", "Failed"]


@dataclass
class World:
    """Test-controlled facts the controllers and the kubelet consult."""

    pod_logs: dict[tuple[str, str], str] = field(default_factory=dict)
    bad_images: set[str] = field(default_factory=set)
    job_outcomes: dict[tuple[str, str], tuple[JobOutcome, str]] = field(default_factory=dict)
    frozen_pods: set[str] = field(default_factory=set)  # uids of seeded pods whose status the test set

    def clear(self) -> None:
        """Back to a cluster where every image pulls and every job keeps running."""
        self.pod_logs.clear()
        self.bad_images.clear()
        self.job_outcomes.clear()
        self.frozen_pods.clear()
