"""Time the regeneration of the synthetic cohort and print the figures.

Run with ``.venv/bin/python benchmarks/bench_synthesize.py [--repeat N] [--seed S]``.
Each run writes the cohort to a temporary folder with
:func:`ucmsc_repro.synthetic.generator.synthesize` (exactly what ``make synthesize``
does) and checks that it is byte-identical to the committed one when the seed
is the default. The requirement is under 60 seconds on a 2-core machine.
Nothing is asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from ucmsc_repro.core.paths import DEFAULT_DATA
from ucmsc_repro.synthetic.generator import DEFAULT_SEED, synthesize

FILES = ("subjects.csv", "visits.csv", "adverse_events.csv", "synthetic.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="number of runs (default 3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    times = []
    identical = True
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "synthetic"
            start = time.perf_counter()
            synthesize(out, seed=args.seed)
            times.append(time.perf_counter() - start)
            if args.seed == DEFAULT_SEED:
                identical &= all(
                    (out / f).read_bytes() == (DEFAULT_DATA / f).read_bytes() for f in FILES
                )
    print(f"synthesize (seed {args.seed}), {args.repeat} runs:")
    print(f"  best   {min(times):6.1f} s")
    print(f"  median {statistics.median(times):6.1f} s")
    print(f"  worst  {max(times):6.1f} s   (requirement: under 60 s)")
    if args.seed == DEFAULT_SEED:
        print(f"  identical to data/synthetic: {'yes' if identical else 'NO'}")


if __name__ == "__main__":
    main()
