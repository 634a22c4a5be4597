"""The dropouts chapter on a stand-in chapter object with the paper's counts.

The stand-in ``ch`` has the attributes the chapter module reads (``table``,
``data.visits``, ``settings``), so the test does not depend on where the
loading code lives. Its per-arm counts are the paper's: 11/27 MSC and 3/26
control remitters among completers, 5 and 9 dropouts.
"""

import math
import re
import warnings
from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from ucmsc_repro.chapters import dropouts as dr
from ucmsc_repro.figures.dropouts import tipping_figure, tipping_point_figure

matplotlib.use("Agg")


def stand_in(arms) -> SimpleNamespace:
    """A chapter object; ``arms``: {arm: (remitters, completers, dropouts)}."""
    rows, visits, k = [], [], 0
    for arm, (x, n, d) in arms.items():
        for i in range(n + d):
            k += 1
            sid = f"S{k:02d}"
            done = i < n
            fcp0, pcp0 = 200.0 + 7 * (k % 11), 500.0 + 13 * (k % 7)
            rows.append(
                {
                    "subject_id": sid,
                    "arm": arm,
                    "status": "completed" if done else "discontinued",
                    "per_protocol": done,
                    "remission": (1.0 if i < x else 0.0) if done else np.nan,
                    "bmi_kg_m2": 17.0 + (k % 9) * 0.6,
                    "fcp_pmol_l_0": fcp0,
                    "pcp_pmol_l_0": pcp0,
                    "discontinued_month": np.nan if done else 2.0,
                    "discontinued_reason": "" if done else "withdrew consent",
                    "infusions_received": (2 if done else 1) if arm == "MSC" else 0,
                    # insulin independence: 3 MSC completers, no control one
                    "insulin_free_start_month": 4.0
                    if arm == "MSC" and done and i < 3
                    else np.nan,
                }
            )
            visits.append(
                {"subject_id": sid, "month": 0.0, "fcp_pmol_l": fcp0, "pcp_pmol_l": pcp0}
            )
            if done or i % 2 == 0:  # half the dropouts came to the month-3 visit
                rise = 1.2 if (k % 3 == 0) else 0.9
                visits.append(
                    {
                        "subject_id": sid,
                        "month": 3.0,
                        "fcp_pmol_l": fcp0 * rise,
                        "pcp_pmol_l": pcp0 * 0.95,
                    }
                )
    table = pd.DataFrame(rows)
    return SimpleNamespace(
        table=table,
        pp=table.loc[table["per_protocol"]],
        data=SimpleNamespace(visits=pd.DataFrame(visits)),
        settings=SimpleNamespace(alpha=0.05, remission_threshold=0.10, endpoint_month=12.0),
    )


PAPER = {"MSC": (11, 27, 5), "control": (3, 26, 9)}


@pytest.fixture(scope="module")
def paper_results():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return dr.results(stand_in(PAPER)).set_index("key")


def test_results_have_the_standard_columns_and_unique_dropouts_keys(paper_results):
    r = paper_results.reset_index()
    assert r.columns.tolist() == ["key", "value", "ci_low", "ci_high", "method", "n"]
    assert r["key"].is_unique and r["key"].str.startswith("dropouts.").all()
    # missing by design: the reverse index of a significant result, the index of a
    # non-significant one; the stand-in has no Table 1 columns (dropouts.who)
    by_design = r["key"].str.contains(
        r"^dropouts\.who\.|remission\.reverse_|insulin_free\.(?:index|quotient|pval_after)"
    )
    assert np.isfinite(r.loc[~by_design, "value"]).all()


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("dropouts.n_missing_msc", 5),
        ("dropouts.n_missing_control", 9),
        ("dropouts.pp.pval_fisher", 0.02760805),  # R fisher.test (test_small_sample)
        ("dropouts.pp.pval_barnard", 0.0177414535),  # R barnard.R
        ("dropouts.pp.pval_boschloo", 0.0179917282),  # R boschloo.R
        ("dropouts.fragility.remission.index", 1),  # R fragility.R
        # R: fisher.test(matrix(c(3, 24, 0, 26), 2, byrow = TRUE))$p.value = 0.2358490566
        ("dropouts.fragility.insulin_free.pval_fisher", 0.2358490566),
        # R fragility.R: "RFI 3/27 vs 0/26: 3 p after: 0.0229223765"
        ("dropouts.fragility.insulin_free.reverse_index", 3),
        ("dropouts.fragility.insulin_free.reverse_pval_after", 0.0229223765),
        ("dropouts.composite.pval_fisher", 0.0148667),  # R composite.R
        ("dropouts.best.pval_fisher", 0.0002768936),  # R composite.R
        ("dropouts.worst.pval_fisher", 1.0),  # R composite.R
        ("dropouts.tipping.share_significant", 25 / 60),  # R: 25 of 60
    ],
)
def test_results_reproduce_the_reference_values(paper_results, key, expected):
    assert paper_results.loc[key, "value"] == pytest.approx(expected, rel=1e-5)


def test_mn_interval_row_matches_r(paper_results):
    # R mn.R: mn(11, 27, 3, 26) = 0.05566020 0.50462604
    row = paper_results.loc["dropouts.pp.rd_mn"]
    assert (row.ci_low, row.ci_high) == pytest.approx((0.05566020, 0.50462604), abs=1e-7)
    assert row.method == "Miettinen-Nurminen score interval"


def test_multiple_imputation_row_is_pooled_with_small_monte_carlo_error(paper_results):
    rd = paper_results.loc["dropouts.mi.rd"]
    assert rd.method == "multiple imputation (MICE, m = 100)"
    assert rd.ci_low < rd.value < rd.ci_high and rd.n == 67
    assert paper_results.loc["dropouts.mi.mc_se_pval", "value"] < 0.01
    assert 0 < paper_results.loc["dropouts.mi.fmi", "value"] < 1


def test_early_response_is_missing_for_dropouts_without_a_month_3_visit():
    f = dr.imputation_frame(stand_in(PAPER))
    dropped = f["remission"].isna()
    assert f.loc[~dropped, "early_response"].notna().all()
    assert f.loc[dropped, "early_response"].isna().any()


_BAD = re.compile(r"\b(nan|NaN|None|inf|Inf)\b")


def _display_text(ch) -> list[str]:
    frames = [
        dr.estimands_table(ch),
        dr.small_sample_display(ch),
        dr.scenarios_display(ch),
        dr.fragility_display(ch),
        dr.imputation_display(ch),
    ]
    out = []
    for f in frames:
        assert len(f)
        out += [str(v) for v in f.to_numpy().ravel()]
    return out


@pytest.mark.parametrize(
    "arms",
    [
        PAPER,
        {"MSC": (0, 0, 4), "control": (3, 26, 9)},  # MSC arm: dropouts only
        {"MSC": (0, 10, 0), "control": (0, 10, 0)},  # no events, no dropouts
        {"MSC": (5, 5, 1), "control": (0, 6, 2)},  # zero cells
    ],
)
def test_displays_never_show_nan_none_or_inf(arms):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        texts = _display_text(stand_in(arms))
    bad = [t for t in texts if _BAD.search(t)]
    assert bad == []


def test_degenerate_chapter_results_do_not_raise_and_say_why():
    ch = stand_in({"MSC": (0, 0, 4), "control": (3, 26, 9)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = dr.results(ch).set_index("key")
        frag = dr.fragility_display(ch)
    assert math.isnan(r.loc["dropouts.pp.pval_fisher", "value"])
    assert frag["Index"].str.startswith("cannot be computed: the MSC arm").all()


def test_estimands_table_names_the_ich_e9_attributes():
    t = dr.estimands_table(stand_in(PAPER))
    assert {
        "Treatment",
        "Population",
        "Variable",
        "Intercurrent event",
        "Strategy",
        "Summary",
    } <= set(t.columns)
    assert t["Strategy"].str.contains("Composite").any()


@pytest.mark.parametrize(
    ("counts"), [(11, 27, 5, 3, 26, 9), (0, 0, 0, 3, 26, 9), (2, 3, 0, 1, 3, 0)]
)
def test_tipping_point_figure_returns_a_figure(counts):
    from ucmsc_repro.stats.missing_outcome import tipping_point_grid

    x1, n1, d1, x2, n2, d2 = counts
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = tipping_point_grid(*counts)
        fig = tipping_point_figure(g, x1=x1, n1=n1, d1=d1, x2=x2, n2=n2, d2=d2)
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_xlabel().startswith("MSC dropouts")
    matplotlib.pyplot.close(fig)


def test_chapter_figure_uses_the_chapter_counts():
    fig = tipping_figure(stand_in(PAPER))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "MSC dropouts who remit (of 5)"
    assert ax.get_ylabel() == "Control dropouts who remit (of 9)"
    assert "11/27" in ax.get_title() and "3/26" in ax.get_title()
    matplotlib.pyplot.close(fig)
