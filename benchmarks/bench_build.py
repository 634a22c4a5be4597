"""Time the book build and print the figures (``make bench``).

From one run, on a copy of the project in a temporary folder (so that touching
a notebook never touches the committed one), it prints:

- the import floor: one process importing what a chapter's kernel imports
  (median of 3);
- a full build of the default data (every chapter runs), then a no-op build
  (nothing changed), a build after touching one chapter's notebook, and a build
  after changing one data value, each with what was rerun and why;
- a build on 50,000 participants (the default cohort replicated with new ids),
  stopped after ``--large-timeout`` seconds;

each also as a ratio to the floor. Nothing is asserted: this is a measurement,
not a test.

Usage: ``.venv/bin/python benchmarks/bench_build.py [--no-large] [--large-timeout S]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = (
    "ucmsc_repro",
    "notebooks",
    "book",
    "data",
    "_toc.yml",
    "_config.yml",
    "requirements.txt",
    "constraints.txt",
)
FLOOR = "import pandas, scipy.stats, statsmodels.api, matplotlib.pyplot, seaborn, pingouin"


def _copy_project(dst: Path) -> Path:
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst / name)
    return dst


def _floor() -> float:
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", FLOOR], check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _build(project: Path, data: Path, out: Path, timeout: float | None = None):
    cmd = [sys.executable, "-m", "ucmsc_repro", "build", "--data", str(data)]
    cmd += ["--out", str(out), "--no-progress"]
    env = dict(os.environ, PYTHONPATH=str(project))
    t = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=project, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - t, None
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stdout}\n{proc.stderr}")
    said = [
        line
        for line in proc.stdout.splitlines()
        if line.startswith(("Reused", "Ran", "  "))
    ]
    return seconds, said


def _replicate(data: Path, dst: Path, target: int) -> int:
    import pandas as pd

    subjects = pd.read_csv(data / "subjects.csv", keep_default_na=False)
    visits = pd.read_csv(data / "visits.csv", keep_default_na=False)
    events = pd.read_csv(data / "adverse_events.csv", keep_default_na=False)
    copies = -(-target // len(subjects))
    parts = {"s": [], "v": [], "e": []}
    for k in range(copies):
        rename = {sid: f"{sid}-{k:04d}" for sid in subjects["subject_id"]}
        for key, frame in (("s", subjects), ("v", visits), ("e", events)):
            parts[key].append(frame.assign(subject_id=frame["subject_id"].map(rename)))
    dst.mkdir(parents=True)
    pd.concat(parts["s"]).to_csv(dst / "subjects.csv", index=False)
    pd.concat(parts["v"]).to_csv(dst / "visits.csv", index=False)
    pd.concat(parts["e"]).to_csv(dst / "adverse_events.csv", index=False)
    return len(subjects) * copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-large", action="store_true", help="skip 50,000 participants")
    parser.add_argument("--large-timeout", type=float, default=900.0)
    args = parser.parse_args()
    floor = _floor()
    print(f"import floor (median of 3): {floor:.2f} s", flush=True)
    rows = []

    def report(name: str, seconds: float, said) -> None:
        rows.append((name, seconds))
        if said is None:
            print(f"{name}: did not finish in {seconds:.0f} s", flush=True)
            return
        print(f"{name}: {seconds:.1f} s = {seconds / floor:.1f} x the floor", flush=True)
        for line in said:
            print(f"    {line.strip()}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = _copy_project(tmp / "project")
        data = tmp / "data"
        shutil.copytree(ROOT / "data" / "synthetic", data)
        out = tmp / "book"
        full, said = _build(project, data, out)
        report("full build", full, said)
        # the floor of a full build: every chapter's kernel imports once, the
        # chapters share the CPUs, then the HTML step (issue 12's definition)
        ran = [line for line in said if line.strip().startswith("Ran ")]
        html = [line for line in said if line.strip().startswith("HTML")]
        html_s = float(html[0].split(":")[1].split()[0]) if html else 0.0
        cpus = len(os.sched_getaffinity(0))  # as the runner's workers()
        full_floor = len(ran) * floor / cpus + html_s
        print(
            f"    full-build floor ({len(ran)} chapters x {floor:.2f} s / {cpus} CPUs"
            f" + HTML {html_s:.1f} s): {full_floor:.1f} s;"
            f" full build = {full / full_floor:.2f} x it",
            flush=True,
        )
        seconds, said = _build(project, data, out)
        report("no-op build", seconds, said)
        print(f"    no-op / full = {seconds / full:.1%}")
        nb = project / "notebooks" / "02_baseline.ipynb"
        cells = json.loads(nb.read_text(encoding="utf-8"))
        cells["cells"][0]["source"] = "".join(cells["cells"][0]["source"]) + " "
        nb.write_text(json.dumps(cells, indent=1), encoding="utf-8")
        seconds, said = _build(project, data, out)
        report("after touching 02_baseline.ipynb", seconds, said)
        visits = (data / "visits.csv").read_text(encoding="utf-8").splitlines()
        head, first = visits[0].split(","), visits[1].split(",")
        i = head.index("hba1c_pct")
        first[i] = f"{float(first[i]) + 0.1:.1f}"
        visits[1] = ",".join(first)
        (data / "visits.csv").write_text("\n".join(visits) + "\n", encoding="utf-8")
        seconds, said = _build(project, data, out)
        report("after changing one HbA1c value", seconds, said)
        if not args.no_large:
            large = tmp / "large"
            n = _replicate(ROOT / "data" / "synthetic", large, 50_000)
            seconds, said = _build(project, large, tmp / "large_book", args.large_timeout)
            report(f"{n:,} participants", seconds, said)
            if said is not None:
                print(f"    / full build of the default data = {seconds / full:.1f}")


if __name__ == "__main__":
    main()
