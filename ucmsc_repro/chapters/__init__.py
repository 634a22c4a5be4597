"""The chapter modules, one per chapter slug, and the chapter registry.

``ucmsc_repro/chapters/<slug>.py`` computes every statistic of the chapter
``<slug>`` (its ``results(ch)``); the registry below lists the chapters in reading
order: one source for the runner and the tests. The three chapters about the book
itself have their module where their logic lives: ``cohort`` in
:mod:`ucmsc_repro.synthetic.cohort`, ``scorecard`` and ``audit`` in
:mod:`ucmsc_repro.reproduction`; so do the two pages of the robustness part that
weigh the other chapters' results against the paper, ``robustness`` (the verdict,
:mod:`ucmsc_repro.reproduction.robustness`) and ``checklist``
(:mod:`ucmsc_repro.reproduction.checklist`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

__all__ = [
    "ChapterInfo",
    "CHAPTERS",
    "SYNTHETIC_ONLY",
    "book_chapters",
    "chapter_number",
    "chapter",
    "results_function",
]


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
        Module, dotted below ``ucmsc_repro`` (``chapters.<slug>`` for the trial's
        chapters), whose ``results(ch)`` returns every statistic the chapter
        records (None for chapters that record nothing).
    """

    slug: str
    notebook: str
    title: str
    module: str | None


CHAPTERS: tuple[ChapterInfo, ...] = (
    ChapterInfo(
        "trial_profile", "01_trial_profile.ipynb", "Trial profile", "chapters.trial_profile"
    ),
    ChapterInfo(
        "baseline", "02_baseline.ipynb", "Baseline characteristics", "chapters.baseline"
    ),
    ChapterInfo(
        "adverse_events",
        "03_adverse_events.ipynb",
        "Adverse events",
        "chapters.adverse_events",
    ),
    ChapterInfo(
        "primary", "04_primary_endpoint.ipynb", "Primary endpoint", "chapters.primary"
    ),
    ChapterInfo(
        "secondary",
        "05_secondary_endpoints.ipynb",
        "Secondary endpoints",
        "chapters.secondary",
    ),
    ChapterInfo("subgroups", "06_subgroups.ipynb", "Subgroups", "chapters.subgroups"),
    ChapterInfo(
        "factors",
        "07_remission_factors.ipynb",
        "Factors associated with remission",
        "chapters.factors",
    ),
    ChapterInfo(
        "robustness",
        "08_robustness.ipynb",
        "Would the conclusions survive? A verdict",
        "reproduction.robustness",
    ),
    ChapterInfo(
        "dropouts",
        "09_dropouts.ipynb",
        "Dropouts and small samples",
        "chapters.dropouts",
    ),
    ChapterInfo(
        "confounding",
        "10_confounding.ipynb",
        "Confounding and other reasonable choices",
        "chapters.confounding",
    ),
    ChapterInfo(
        "trial_models",
        "11_trial_models.ipynb",
        "The models a type 1 diabetes trial is judged by",
        "chapters.trial_models",
    ),
    ChapterInfo(
        "checklist",
        "12_checklist.ipynb",
        "A reviewer's checklist",
        "reproduction.checklist",
    ),
    ChapterInfo(
        "cohort",
        "13_synthetic_cohort.ipynb",
        "How the synthetic cohort was built",
        "synthetic.cohort",
    ),
    ChapterInfo(
        "scorecard",
        "14_scorecard.ipynb",
        "Reproduction scorecard",
        "reproduction.scorecard",
    ),
    ChapterInfo(
        "audit", "15_audit.ipynb", "Statistical audit of the paper", "reproduction.audit"
    ),
)


def chapter(slug: str) -> ChapterInfo:
    """The chapter with this slug."""
    for c in CHAPTERS:
        if c.slug == slug:
            return c
    raise KeyError(slug)


#: Chapters in the book only when the data are the embedded synthetic cohort: the
#: cohort chapter tells how those data were made, which says nothing about others.
SYNTHETIC_ONLY = ("cohort",)


def book_chapters(*, synthetic: bool = True) -> tuple[ChapterInfo, ...]:
    """The chapters of a book built on synthetic (or other) data, in reading order.

    Examples
    --------
    >>> "cohort" in [c.slug for c in book_chapters(synthetic=False)]
    False
    """
    return tuple(c for c in CHAPTERS if synthetic or c.slug not in SYNTHETIC_ONLY)


def chapter_number(slug: str, *, synthetic: bool = True) -> int:
    """The chapter's number in the book (jupyter-book numbers across parts).

    Examples
    --------
    >>> chapter_number("trial_profile")
    1
    """
    slugs = [c.slug for c in book_chapters(synthetic=synthetic)]
    if slug not in slugs:
        raise KeyError(f"chapter {slug!r} is not in this book")
    return slugs.index(slug) + 1


def results_function(info: ChapterInfo):
    """The ``results(ch)`` function of a chapter's module, or None."""
    if info.module is None:
        return None
    mod = importlib.import_module(f"ucmsc_repro.{info.module}")
    return getattr(mod, "results", None)
