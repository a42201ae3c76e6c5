"""How long ``binks --help`` takes, against a bare interpreter start in the same run.

Run: ``.venv/bin/python -m bench.cli_startup``. The goal is ≤ 300 ms for ``binks --help``:
people type it, and scripts call ``binks`` in loops.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15


def _time(argv: list[str]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Print the median wall time of each command and the ratio to the bare interpreter."""
    baseline = _time([sys.executable, "-c", "pass"])
    help_time = _time([sys.executable, "-m", "binks.cli", "--help"])
    config_time = _time([sys.executable, "-m", "binks.cli", "config"])
    print(f"python -c pass      {baseline * 1000:7.1f} ms  (baseline)")
    print(
        f"binks --help        {help_time * 1000:7.1f} ms  ratio {help_time / baseline:5.2f}x  goal <= 300 ms"
    )
    print(f"binks config        {config_time * 1000:7.1f} ms  ratio {config_time / baseline:5.2f}x")


if __name__ == "__main__":
    main()
