"""The book's chapters, in reading order: one source for the runner and the tests."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = ["ChapterInfo", "CHAPTERS", "chapter", "results_function"]


@dataclass(frozen=True)
class ChapterInfo:
    """One chapter notebook.

    Attributes
    ----------
    slug : str
        Short name, written to the ``chapter`` column of ``results.csv``.
    notebook : str
        File name in ``notebooks/``.
    title : str
        Title shown in the progress bar.
    module : str or None
        Package module whose ``results(ch)`` returns every statistic the
        chapter records (None for chapters that record nothing).
    """

    slug: str
    notebook: str
    title: str
    module: str | None


CHAPTERS: tuple[ChapterInfo, ...] = (
    ChapterInfo("trial_profile", "01_trial_profile.ipynb", "Trial profile", "flow"),
    ChapterInfo("baseline", "02_baseline.ipynb", "Baseline characteristics", "baseline"),
    ChapterInfo("adverse_events", "03_adverse_events.ipynb", "Adverse events", "safety"),
    ChapterInfo("primary", "04_primary_endpoint.ipynb", "Primary endpoint", "remission"),
    ChapterInfo(
        "secondary", "05_secondary_endpoints.ipynb", "Secondary endpoints", "trajectories"
    ),
    ChapterInfo("subgroups", "06_subgroups.ipynb", "Subgroups", "subgroups"),
    ChapterInfo(
        "factors",
        "07_remission_factors.ipynb",
        "Factors associated with remission",
        "regression",
    ),
    ChapterInfo(
        "cohort",
        "08_synthetic_cohort.ipynb",
        "How the synthetic cohort was built",
        "calibration",
    ),
    ChapterInfo("scorecard", "09_scorecard.ipynb", "Reproduction scorecard", "scorecard"),
    ChapterInfo("audit", "10_audit.ipynb", "Statistical audit of the paper", "audit"),
)


def chapter(slug: str) -> ChapterInfo:
    """The chapter with this slug."""
    for c in CHAPTERS:
        if c.slug == slug:
            return c
    raise KeyError(slug)


def results_function(info: ChapterInfo):
    """The ``results(ch)`` function of a chapter's module, or None."""
    if info.module is None:
        return None
    mod = importlib.import_module(f"ucmsc_repro.{info.module}")
    return getattr(mod, "results", None)
