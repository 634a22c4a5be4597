"""Whole-book checks on hand-made valid data folders (issue 10).

``HAND_MADE`` lists awkward folders of the kinds :mod:`any_data` draws, each
built deterministically by :func:`any_data.build_cohort`. For each, the book
must build with exit 0, no error output in any executed notebook, and no
``nan``, ``inf``, ``None`` or ``<NA>`` in the text of any rendered page.

``tests/book/test_whole_book.py`` builds a few of them in ``make test``; run
all of them, with what each chapter said, by::

    .venv/bin/python tests/whole_book.py [OUT_FOLDER]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from any_data import build_cohort, write_cohort  # noqa: E402

_BAD = re.compile(r"(?<![\w.-])(nan|NaN|inf|-inf|None|<NA>|NaT)(?![\w-])")
#: Words that mark a sentence saying what cannot be computed.
_DEGRADED = re.compile(
    r"\b(cannot|not (?:defined|compared|comparable|tested|computable|fitted|estimable)|"
    r"No participant|No fever|nobody|Nobody|none)\b"
)


@dataclass(frozen=True)
class Folder:
    """One hand-made folder: a kind of :mod:`any_data`, a seed and the arm sizes."""

    name: str
    kind: str
    seed: int
    n_msc: int
    n_ctl: int
    what: str


HAND_MADE: tuple[Folder, ...] = (
    Folder("nobody_remits", "nobody_remits", 11, 20, 18, "no participant remits"),
    Folder("everybody_remits", "everybody_remits", 12, 15, 14, "every participant remits"),
    Folder(
        "no_control_fasting",
        "no_control_remits_fasting",
        13,
        25,
        24,
        "no control participant's fasting C-peptide rises 10%",
    ),
    Folder("all_juvenile", "all_juvenile", 14, 18, 16, "every onset juvenile"),
    Folder("all_adult", "all_adult", 15, 18, 16, "every onset adult"),
    Folder("no_dropouts", "no_dropouts", 16, 20, 20, "nobody discontinues"),
    Folder("tiny_arms", "tiny_arms", 17, 3, 2, "three and two participants"),
    Folder(
        "missing_visits",
        "missing_visits",
        18,
        22,
        20,
        "no month 3 or 6, half miss month 12",
    ),
    Folder("no_antibodies", "no_antibodies", 19, 20, 18, "every antibody value empty"),
    Folder(
        "many_insulin_free", "many_insulin_free", 20, 20, 18, "many insulin-free periods"
    ),
    Folder("one_sex", "one_sex", 21, 12, 10, "every participant male"),
    Folder("separation", "separation", 22, 20, 20, "remission separated by BMI"),
    Folder(
        "many_adverse_events", "many_adverse_events", 23, 20, 18, "events of every kind"
    ),
    Folder("coarse_ties", "coarse_ties", 24, 20, 18, "values rounded to integers"),
    Folder("extra_months", "extra_months", 25, 16, 16, "visits at months 18 and 24"),
)


def make_folder(folder: Folder, root: Path) -> Path:
    """Write the folder's data under ``root / name``."""
    cohort = build_cohort(folder.kind, folder.seed, folder.n_msc, folder.n_ctl)
    return write_cohort(cohort, root / folder.name)


class _Text(HTMLParser):
    """The text of a page a reader sees: no script or style bodies."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def page_problems(html_dir: Path) -> list[str]:
    """Every nan/inf/None/<NA> in the text of a rendered page, with its context."""
    problems = []
    for path in sorted(html_dir.rglob("*.html")):
        if "_static" in path.parts or path.name in ("search.html", "genindex.html"):
            continue
        text = page_text(path)
        for m in _BAD.finditer(text):
            ctx = text[max(0, m.start() - 60) : m.end() + 30]
            problems.append(f"{path.relative_to(html_dir)}: ...{ctx}...")
    return problems


def notebook_errors(nb_dir: Path) -> list[str]:
    """Error outputs (and tracebacks on stderr) of the executed notebooks."""
    problems = []
    for path in sorted(nb_dir.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    problems.append(f"{path.name} cell {i}: {out.get('ename')}")
                elif out.get("name") == "stderr" and "Traceback" in "".join(out["text"]):
                    problems.append(f"{path.name} cell {i}: traceback on stderr")
    return problems


def degraded_sentences(nb_dir: Path) -> dict[str, list[str]]:
    """Per chapter, the glued sentences that say what cannot be computed."""
    out: dict[str, list[str]] = {}
    for path in sorted(nb_dir.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for o in cell.get("outputs", []):
                name = o.get("metadata", {}).get("scrapbook", {}).get("name")
                data = o.get("data", {})
                text = "".join(
                    data.get("application/papermill.record/text/plain", "")
                    or data.get("text/plain", "")
                )
                if name and isinstance(text, str) and _DEGRADED.search(text):
                    out.setdefault(path.stem, []).append(text.strip("'\""))
    return out


def build(data: Path, out: Path, *, jobs: int = 2) -> subprocess.CompletedProcess:
    """``python -m ucmsc_repro build`` on a folder, as ``make book`` runs it."""
    cmd = [sys.executable, "-m", "ucmsc_repro", "build", "--data", str(data)]
    cmd += ["--out", str(out), "--jobs", str(jobs)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def check(folder: Folder, root: Path) -> dict:
    """Build the book on one hand-made folder and collect what a reader would see."""
    data = make_folder(folder, root / "data")
    out = root / "out" / folder.name
    start = time.perf_counter()
    proc = build(data, out)
    seconds = time.perf_counter() - start
    result = {"folder": folder, "exit": proc.returncode, "seconds": seconds}
    if proc.returncode != 0:
        result["stderr"] = proc.stderr[-2000:]
        return result
    result["errors"] = notebook_errors(out / "notebooks")
    result["pages"] = page_problems(out / "html")
    result["said"] = degraded_sentences(out / "notebooks")
    return result


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path("/tmp/ucmsc_whole_book")
    bad = 0
    for folder in HAND_MADE:
        r = check(folder, root)
        ok = r["exit"] == 0 and not r.get("errors") and not r.get("pages")
        bad += not ok
        print(
            f"## {folder.name} ({folder.what}; {folder.n_msc} MSC, "
            f"{folder.n_ctl} control): "
            f"exit {r['exit']}, {r['seconds']:.0f} s, "
            f"{len(r.get('errors', []))} error outputs, "
            f"{len(r.get('pages', []))} nan/inf/None on pages",
            flush=True,
        )
        for line in r.get("errors", []) + r.get("pages", [])[:10]:
            print(f"   PROBLEM {line}")
        if "stderr" in r:
            print(r["stderr"])
        for chapter, sentences in r.get("said", {}).items():
            for s in dict.fromkeys(sentences):
                print(f"   {chapter}: {s}")
    print(f"{len(HAND_MADE) - bad} of {len(HAND_MADE)} folders clean")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
