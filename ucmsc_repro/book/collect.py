"""Run every chapter's ``results(ch)`` outside a notebook and merge the results.

The scorecard and the cohort chapter compare the paper with the other chapters'
results; in a book build they read the files those chapters wrote, otherwise
(nbval, tests) :meth:`ucmsc_repro.book.chapter.Chapter.collect_results` recomputes
them here, opening each chapter exactly as its notebook does.
"""

from __future__ import annotations

import pandas as pd

from ..chapters import results_function
from ..core.results_table import RESULT_COLUMNS
from ..core.settings import AnalysisSettings
from ..reproduction.scorecard import OWN_CHAPTERS, chapters_to_collect
from .chapter import open_chapter

__all__ = ["collect_results"]


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
