"""What every chapter notebook does first: load data, settings, recorder, banner."""

from __future__ import annotations

import html
from dataclasses import dataclass

import matplotlib
import pandas as pd

from ..chapters import chapter_number, results_function
from ..core.results_table import RESULT_COLUMNS
from ..core.settings import AnalysisSettings
from ..data.loading import Dataset, load_dataset
from ..reproduction.scorecard import OWN_CHAPTERS, chapters_to_collect
from .results import Recorder

__all__ = ["Chapter", "open_chapter", "banner_html", "collect_results"]


@dataclass
class Chapter:
    """A chapter's data, settings and recorder.

    Attributes
    ----------
    slug : str
        Chapter name used in result keys' ``chapter`` column.
    data : Dataset
        The validated input tables.
    settings : AnalysisSettings
    rec : Recorder
        Glues and records every statistic of the chapter.
    table : pandas.DataFrame
        One row per enrolled participant with derived variables.
    """

    slug: str
    data: Dataset
    settings: AnalysisSettings
    rec: Recorder
    table: pd.DataFrame

    @property
    def number(self) -> int:
        """The chapter's number in the book built on these data.

        A chapter these data leave out of the book (the cohort chapter on data
        other than the synthetic cohort), run on its own, keeps its number in the
        full book.
        """
        try:
            return chapter_number(self.slug, synthetic=self.data.synthetic)
        except KeyError:
            return chapter_number(self.slug)

    def table_number(self, k: int) -> str:
        """The number of the chapter's ``k``-th table (``"4.2"``)."""
        return f"{self.number}.{k}"

    @property
    def pp(self) -> pd.DataFrame:
        """The per-protocol set (the paper's main analysis set)."""
        return self.table.loc[self.table["per_protocol"]].reset_index(drop=True)

    def collect_results(self) -> pd.DataFrame:
        """Every other chapter's results on this chapter's data and settings.

        See :func:`collect_results`; chapter modules call
        this (they do not import :mod:`ucmsc_repro.book`).
        """
        return collect_results(self.data.folder, settings=self.settings)


def banner_html(data: Dataset, settings: AnalysisSettings) -> str:
    """The notice shown at the top of every chapter: which data, which settings."""
    s = settings
    params = (
        f"endpoint month {s.endpoint_month:g}, remission threshold "
        f"{100 * s.remission_threshold:g}%, adult onset from {s.adult_onset_age:g} years, "
        f"alpha {s.alpha:g}"
    )
    if data.synthetic:
        seed = data.provenance.get("seed", "?")
        kind, title = "warning", "Synthetic data: not the trial's participants"
        text = (
            f"This chapter ran on {html.escape(data.label)}, generated with seed "
            f"{html.escape(str(seed))} from the aggregates the paper publishes. No value "
            "below is a measurement of a real participant."
        )
    else:
        kind, title = "note", "Data"
        text = f"This chapter ran on {html.escape(data.label)}."
    return (
        f'<div class="admonition {kind}"><p class="admonition-title">{title}</p>'
        f"<p>{text} Settings: {html.escape(params)}.</p></div>"
    )


def _quiet_plotting() -> None:
    # The backend is left as the kernel set it (inline in a notebook), so
    # figures returned by the package's plotting functions are displayed.
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "ucmsc",
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "font.size": 10,
            "figure.max_open_warning": 0,
        }
    )


def open_chapter(
    slug: str,
    *,
    data_dir=None,
    results_path=None,
    endpoint_month: float = 12,
    remission_threshold: float = 0.10,
    adult_onset_age: float = 18,
    alpha: float = 0.05,
    show_banner: bool = True,
    glue: bool = True,
) -> Chapter:
    """Load the data and settings of one chapter and show the data banner.

    Parameters mirror the notebooks' papermill parameters; ``data_dir=None``
    is the embedded synthetic cohort and ``results_path=None`` keeps the
    results in memory.
    """
    _quiet_plotting()
    settings = AnalysisSettings(
        endpoint_month=float(endpoint_month),
        remission_threshold=float(remission_threshold),
        adult_onset_age=float(adult_onset_age),
        alpha=float(alpha),
    )
    data = load_dataset(data_dir)
    rec = Recorder(slug, results_path, glue=glue)
    chapter = Chapter(slug, data, settings, rec, data.table(settings))
    if show_banner:
        from IPython.display import HTML, display

        display(HTML(banner_html(data, settings)))
    return chapter


def collect_results(data_dir=None, *, settings=None, skip=OWN_CHAPTERS) -> pd.DataFrame:
    """Run every chapter's ``results(ch)`` and merge them into one results table.

    Parameters
    ----------
    data_dir : path, optional
        Data folder (default: the embedded synthetic cohort).
    settings : AnalysisSettings, optional
        Analysis settings (default: the paper's).
    skip : tuple of str
        Chapter slugs not to run (default: the scorecard and the audit).

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`ucmsc_repro.book.results.RESULT_COLUMNS`, the chapters
        in reading order. Chapters whose module does not exist are left out.

    Notes
    -----
    Each chapter is opened with :func:`ucmsc_repro.book.chapter.open_chapter`
    without banner and without glue, exactly as its notebook opens it, so
    the values equal those the chapter notebooks record.
    """
    s = settings or AnalysisSettings()
    frames = []
    for info in chapters_to_collect(skip):
        fn = results_function(info)
        ch = open_chapter(
            info.slug,
            data_dir=data_dir,
            endpoint_month=s.endpoint_month,
            remission_threshold=s.remission_threshold,
            adult_onset_age=s.adult_onset_age,
            alpha=s.alpha,
            show_banner=False,
            glue=False,
        )
        ch.rec.record_frame(fn(ch))
        frames.append(ch.rec.frame())
    if not frames:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    return pd.concat(frames, ignore_index=True)
