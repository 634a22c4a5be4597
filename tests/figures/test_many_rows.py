"""Row-per-record figures on many participants: bounded size, one artist per part.

The default data has a few adverse events and insulin-free periods, one row
each. On 50,000 participants the same figures drew one artist per row (minutes,
a figure a thousand inches tall); now they stop growing at
``style.MAX_ROWS_HEIGHT`` and draw each part in one call.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ucmsc_repro.book.chapter import open_chapter
from ucmsc_repro.figures import render, style
from ucmsc_repro.figures.adverse_events import adverse_event_figure
from ucmsc_repro.figures.primary import insulin_free_timeline


def _copies(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    return pd.concat(
        frame.assign(subject_id=frame["subject_id"] + f"-{i}") for i in range(k)
    ).reset_index(drop=True)


@pytest.fixture(scope="module")
def default():
    return open_chapter("adverse_events")


def test_few_rows_keep_one_row_per_record_at_full_size(default):
    n = len(default.data.adverse_events)
    fig = adverse_event_figure(default.data.adverse_events, default.table)
    assert fig.get_size_inches()[1] == pytest.approx(max(2.4, 1.4 + 0.45 * n))
    plt.close(fig)


def test_many_events_make_a_bounded_figure_drawn_in_few_artists(default):
    k = 40
    events = _copies(default.data.adverse_events, k)
    table = _copies(default.table, k)
    assert len(events) > style.ROWS_DRAWN_ONE_BY_ONE
    fig = adverse_event_figure(events, table)
    assert fig.get_size_inches()[1] == style.MAX_ROWS_HEIGHT
    ax_a = fig.axes[0]
    # the onset-to-resolution segments: one per resolved event, in one collection
    resolved = int(events["resolved_hours"].notna().sum())
    assert sum(len(c.get_segments()) for c in ax_a.collections) >= resolved
    assert len(ax_a.lines) <= 4  # ticks, arrow ends, one marker line per infusion
    plt.close(fig)


def test_many_insulin_free_periods_make_one_collection_of_bars(default):
    k = 40
    pp = _copies(default.pp, k)
    fig = insulin_free_timeline(pp, endpoint_month=12)
    bars = [c for c in fig.axes[0].collections if len(c.get_paths()) > 1]
    assert fig.get_size_inches()[1] == style.MAX_ROWS_HEIGHT
    assert len(bars) == 1
    assert len(bars[0].get_paths()) == k * int(
        default.pp["insulin_free_start_month"].le(12).sum()
    )
    plt.close(fig)


def test_dense_artists_are_embedded_as_images_in_the_svg():
    fig, ax = plt.subplots()
    ax.plot(range(render.DENSE_POINTS + 1), ".")
    ax.plot([0, 1])
    svg = render.svg_text(fig)
    assert svg.count("<image") == 1  # the dense line only; the other stays a path
    plt.close(fig)
