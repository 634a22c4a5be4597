"""The trial profile as a CONSORT-style flow diagram (issue 11, item 3)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.patches import FancyBboxPatch

from ucmsc_repro.core.paths import DEFAULT_DATA
from ucmsc_repro.figures.render import describe, svg_text
from ucmsc_repro.figures.trial_profile import WIDTH, flow_boxes, trial_profile_figure


@pytest.fixture(scope="module")
def subjects():
    return pd.read_csv(DEFAULT_DATA / "subjects.csv")


def _text(boxes) -> str:
    """The boxes' text on one line, with ordinary spaces."""
    return " ".join(" ".join(b.text for b in boxes).split())


def _overlap(a, b) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width


def test_stages_in_consort_order_with_one_column_per_arm(subjects):
    boxes = flow_boxes(subjects)
    assert [b.stage for b in boxes if b.kind == "main"] == [
        "enrolment",
        "allocation",
        "allocation",
        "analysis",
        "analysis",
    ]
    for arm in ("MSC", "control"):
        alloc, analysed = (
            b for b in boxes if b.kind == "main" and b.arm == arm
        )  # the arm's column: allocation straight above analysis
        assert (alloc.x, alloc.width) == (analysed.x, analysed.width)


def test_losses_sit_in_side_boxes_off_the_vertical_flow(subjects):
    boxes = flow_boxes(subjects)
    mains = [b for b in boxes if b.kind == "main" and b.arm != "all"]
    sides = [b for b in boxes if b.kind == "side"]
    assert {b.stage for b in sides} == {"follow-up"}  # no exclusion in the default data
    for side in sides:
        assert _text([side]).startswith("Discontinued, n = ")
        # no main box above or below a side box: the flow does not pass through it
        assert not any(_overlap(side, m) for m in mains), side.text
    msc, control = (
        (b for b in sides if b.arm == "MSC"),
        (b for b in sides if b.arm == "control"),
    )
    assert next(msc).x < min(m.x for m in mains) and next(control).x > max(
        m.x for m in mains
    )


def test_counts_and_reasons_come_from_subjects(subjects):
    text = _text(flow_boxes(subjects))
    n_msc = int(subjects["arm"].eq("MSC").sum())
    disc = subjects.loc[subjects["status"].eq("discontinued")]
    assert f"Enrolled n = {len(subjects)}" in text
    assert f"Allocated to MSC-treated n = {n_msc}" in text
    for arm, g in disc.groupby("arm"):
        assert f"Discontinued, n = {len(g)}" in text, arm
        for reason in g["discontinued_reason"].unique():
            assert reason in text


def test_exclusions_from_the_analysis_get_their_own_side_box():
    s = pd.DataFrame(
        {
            "arm": ["MSC", "MSC", "MSC", "control"],
            "status": ["completed", "completed", "discontinued", "completed"],
            "infusions_received": [2, 0, 1, 0],  # the second never got an infusion
            "discontinued_month": [None, None, 3.0, None],
            "discontinued_reason": [None, None, "adverse event", None],
        }
    )
    boxes = flow_boxes(s)
    excluded = [b for b in boxes if b.stage == "analysis" and b.kind == "side"]
    assert len(excluded) == 1 and excluded[0].arm == "MSC"
    assert _text(excluded).endswith("treatment, n = 1")
    assert "adverse event, n = 1 (month 3)" in _text(boxes)


def test_boxes_stay_on_the_figure_and_do_not_overlap(subjects):
    fig = trial_profile_figure(subjects)
    ax = fig.axes[0]
    patches = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    boxes = [p for p in patches if p.get_facecolor()[:3] == (1.0, 1.0, 1.0)]
    assert len(boxes) == len(flow_boxes(subjects))
    ext = [p.get_bbox() for p in boxes]
    for i, a in enumerate(ext):
        assert 0 <= a.x0 and a.x1 <= WIDTH
        for b in ext[i + 1 :]:
            assert not a.overlaps(b)
    plt.close(fig)


def test_svg_is_deterministic_and_alt_text_names_the_counts(subjects):
    fig = trial_profile_figure(subjects)
    one, two = svg_text(fig), svg_text(fig)
    assert one == two and "<dc:date>" not in one
    assert "Discontinued, n" in one  # text kept as text (searchable)
    alt = describe(fig)
    assert alt.startswith("CONSORT-style flow diagram")
    assert f"{len(subjects)} enrolled" in alt
    plt.close(fig)
