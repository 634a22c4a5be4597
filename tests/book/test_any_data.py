"""Every chapter runs on any valid data and says in words what it cannot compute.

Property-based (hypothesis): :func:`any_data.cohorts` draws data folders inside
the contract, awkward ones among them (see ``any_data.KINDS``). For each, the
folder must pass validation, and every chapter notebook, executed in this
process, must run without an exception and show the reader no ``nan``, ``inf``
or ``None``: not in a table, not in a displayed text, not in a glued value its
prose refers to.

The number of examples is bounded for ``make test`` (profile ``ci``); run more
with ``HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/test_any_data.py``.
"""

from __future__ import annotations

import os

import pytest
from any_data import (
    KINDS,
    chapter_parameters,
    cohorts,
    reader_problems,
    run_chapter,
    write_cohort,
)
from hypothesis import HealthCheck, Phase, given, settings

from ucmsc_repro.chapters import book_chapters
from ucmsc_repro.core.paths import NOTEBOOKS
from ucmsc_repro.data.loading import load_dataset

settings.register_profile(
    "ci",
    max_examples=len(KINDS),
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as drawn
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Chapters that read the data (the audit reads only the paper), in a book on data
#: other than the synthetic cohort (the cohort chapter is not in such a book).
DATA_CHAPTERS = [c for c in book_chapters(synthetic=False) if c.slug != "audit"]


@given(cohort=cohorts())
def test_every_chapter_runs_and_shows_no_nan_on_any_valid_data(
    cohort, tmp_path_factory, monkeypatch
):
    folder = write_cohort(cohort, tmp_path_factory.mktemp(cohort["kind"]))
    load_dataset(folder)  # the strategy draws valid folders only
    failures = []
    for info in DATA_CHAPTERS:
        if info.slug == "scorecard":
            continue  # needs the other chapters' results of a build: whole-book test
        if info.slug in ("robustness", "checklist"):
            # they read every chapter's results: tests/reproduction/test_robustness_pages.py
            continue
        try:
            cap = run_chapter(
                NOTEBOOKS / info.notebook, chapter_parameters(folder), monkeypatch
            )
        except Exception as err:  # noqa: BLE001 - report every chapter's failure
            failures.append(f"{info.slug}: {type(err).__name__}: {err}")
            continue
        failures += [f"{info.slug}: {p}" for p in reader_problems(cap)]
    assert not failures, f"kind {cohort['kind']!r}:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("kind", KINDS)
def test_the_strategy_draws_valid_folders_of_every_kind(kind, tmp_path_factory):
    @settings(max_examples=3, derandomize=True)
    @given(cohort=cohorts(kinds=(kind,)))
    def check(cohort):
        load_dataset(write_cohort(cohort, tmp_path_factory.mktemp(kind)))

    check()
