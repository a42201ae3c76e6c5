"""What every benchmark shares: the machine's load beside each figure, and ``--under-load``.

A ratio measured on a quiet machine says little about a workstation that also runs a local
model, so each benchmark prints ``os.getloadavg()`` next to its ratios and can keep N busy
processes spinning (``--under-load N``, default: one per core) while it measures; run it
with and without to compare.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager


def load_text() -> str:
    """``load 1.23 0.98 0.75`` (1, 5 and 15 minute averages) and the core count."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _spin(stop_at: float) -> None:
    while time.monotonic() < stop_at:
        sum(range(10_000))


@contextmanager
def busy(processes: int, limit_s: float = 1800.0) -> Iterator[None]:
    """Keep ``processes`` processes busy in a loop (each stops by itself after ``limit_s``)."""
    workers = [
        multiprocessing.Process(target=_spin, args=(time.monotonic() + limit_s,), daemon=True)
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        yield
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(10)


def parser(description: str) -> argparse.ArgumentParser:
    """The command line every benchmark takes."""
    found = argparse.ArgumentParser(description=description)
    found.add_argument(
        "--under-load",
        nargs="?",
        type=int,
        const=os.cpu_count() or 2,
        default=0,
        metavar="N",
        help="keep N busy processes running while measuring (default N: one per core)",
    )
    return found


def ratio_line(name: str, value: float, unit: str, base: float | None = None, load: str | None = None) -> str:
    """One figure, its ratio to the baseline, and the load when it was measured (default: now)."""
    ratio = f"   ratio {value / base:6.2f}x" if base else " " * 16
    return f"  {name:<40} {value:10.2f} {unit:<7}{ratio}   ({load or load_text()})"
