"""The verdict and checklist pages run on any valid data and show no nan, inf or None.

Property-based, like ``tests/book/test_any_data.py`` (whose profile this module
loads): each drawn data folder's results are collected once (every trial
chapter's ``results(ch)``), handed to both pages in place of
``gather_results``, and both notebooks run in this process. What a reader sees
must hold no ``nan``/``inf``/``None``: the displayed tables, the glued values
the prose refers to, and the glued Markdown tables (the ``{glue:md}``
directive, which :func:`any_data.reader_problems` does not read).
"""

from __future__ import annotations

import os
import re

import matplotlib.pyplot  # noqa: F401 - any_data.run_chapter closes figures with it
from any_data import (
    KINDS,
    chapter_parameters,
    cohorts,
    reader_problems,
    run_chapter,
    write_cohort,
)
from hypothesis import HealthCheck, Phase, given, settings

from ucmsc_repro.book.chapter import collect_results
from ucmsc_repro.chapters import chapter
from ucmsc_repro.core.paths import NOTEBOOKS
from ucmsc_repro.reproduction import scorecard

settings.register_profile(
    "ci",
    max_examples=len(KINDS),
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_BAD = re.compile(r"(?<![\w.-])(nan|NaN|inf|-inf|None|<NA>|NaT)(?![\w-])")
_MD_GLUE = re.compile(r"```\{glue:md\}\s+(\S+)")
PAGES = ("robustness", "checklist")


def _problems(cap) -> list[str]:
    problems = reader_problems(cap)
    for key in _MD_GLUE.findall(cap.markdown):
        if key not in cap.glued:
            problems.append(f"the page shows {key}, which was not glued")
            continue
        text = getattr(cap.glued[key], "data", cap.glued[key])
        for m in _BAD.finditer(str(text)):
            problems.append(f"{key}: ...{str(text)[max(0, m.start() - 60) : m.end()]}")
    return problems


@given(cohort=cohorts())
def test_verdict_and_checklist_run_and_show_no_nan_on_any_valid_data(
    cohort, tmp_path_factory, monkeypatch
):
    folder = write_cohort(cohort, tmp_path_factory.mktemp(cohort["kind"]))
    res = collect_results(folder)
    monkeypatch.setattr(scorecard, "gather_results", lambda ch, **kw: (res, "recomputed"))
    failures = []
    for slug in PAGES:
        cap = run_chapter(
            NOTEBOOKS / chapter(slug).notebook, chapter_parameters(folder), monkeypatch
        )
        failures += [f"{slug}: {p}" for p in _problems(cap)]
    assert not failures, f"kind {cohort['kind']!r}:\n" + "\n".join(failures[:40])


def test_both_pages_run_on_the_default_data_without_reader_problems(monkeypatch):
    """The default data, as the committed notebooks run (one example, fast)."""
    import pandas as pd

    res = collect_results(None)
    monkeypatch.setattr(scorecard, "gather_results", lambda ch, **kw: (res, "recomputed"))
    for slug in PAGES:
        cap = run_chapter(
            NOTEBOOKS / chapter(slug).notebook, chapter_parameters(None), monkeypatch
        )
        assert _problems(cap) == []
        assert cap.glued[f"{slug}.results_source"].startswith("recomputed")
    assert isinstance(res, pd.DataFrame)
