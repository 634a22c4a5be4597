"""Time the book build on the default data and print the figures.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_build.py``).
Prints the time of validation (best of 5), of each chapter and of the HTML
step for one full build into a temporary folder. Nothing is asserted: this
is a measurement, not a test.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ucmsc_repro.book.runner import build
from ucmsc_repro.data.loading import load_dataset


def main() -> None:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        load_dataset()
        times.append(time.perf_counter() - t)
    print(f"validate + load default data: best of 5 = {min(times) * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        report = build(None, Path(tmp) / "book", progress=False)
    for step, seconds in report.timings.items():
        print(f"{step:>16}: {seconds:7.1f} s")


if __name__ == "__main__":
    main()
