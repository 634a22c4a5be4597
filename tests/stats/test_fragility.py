"""Fragility and reverse fragility index: R brute force, hand enumeration, edge cases.

Reference values from ``Rscript fragility.R`` (R 4.2.2, source at the end of
this file), which loops over ``fisher.test``; its output:

    FI 11/27 vs 3/26: 1 p after: 0.06638581
    FI 0/10 vs 10/10: 6 p after: 0.08668731
    FI 56/70 vs 48/80: 5
    RFI 5/27 vs 3/26: 6 p after: 0.02760805
    RFI 3/10 vs 3/10: 6
    RFI 0/10 vs 0/10: 5
"""

import math
import warnings

import pytest
from scipy import stats

from ucmsc_repro.stats import fragility as fr


def test_paper_primary_endpoint_has_fragility_index_one():
    # Lu et al. 2021: 11/27 vs 3/26. Hand enumeration: Fisher p of 11/27 vs
    # (3 + k)/26 is 0.0276 at k = 0 and 0.0664 at k = 1, so one control
    # participant changed from non-remitter to remitter removes significance.
    # FI = 1, quotient = 1/53 = 0.0189. R: "FI 11/27 vs 3/26: 1 p after: 0.06638581".
    ps = [stats.fisher_exact([[11, 16], [3 + k, 23 - k]]).pvalue for k in range(3)]
    assert ps[0] < 0.05 <= ps[1]
    r = fr.fragility_index(11, 27, 3, 26, arm_names=("MSC", "control"))
    assert r["index"] == 1
    assert r["quotient"] == pytest.approx(1 / 53)
    assert r["arm_changed"] == "control"
    assert r["direction"] == "non-event to event"
    assert r["p_before"] == pytest.approx(0.02760805, rel=1e-6)
    assert r["p_after"] == pytest.approx(0.06638581, rel=1e-6)
    assert r["note"] == ""


@pytest.mark.parametrize(
    ("table", "index", "arm"),
    [
        ((11, 27, 3, 26), 1, "arm 2"),  # R: FI 11/27 vs 3/26: 1
        ((0, 10, 10, 10), 6, "arm 1"),  # R: FI 0/10 vs 10/10: 6
        ((56, 70, 48, 80), 5, "arm 2"),  # R: FI 56/70 vs 48/80: 5
    ],
)
def test_fragility_index_matches_r_brute_force(table, index, arm):
    r = fr.fragility_index(*table)
    assert (r["index"], r["arm_changed"]) == (index, arm)
    assert r["p_after"] >= 0.05 > r["p_before"]


@pytest.mark.parametrize(
    ("table", "index"),
    [
        ((5, 27, 3, 26), 6),  # R: RFI 5/27 vs 3/26: 6
        ((3, 10, 3, 10), 6),  # R: RFI 3/10 vs 3/10: 6
        ((0, 10, 0, 10), 5),  # R: RFI 0/10 vs 0/10: 5
    ],
)
def test_reverse_fragility_index_matches_r_brute_force(table, index):
    r = fr.reverse_fragility_index(*table)
    assert r["index"] == index
    assert r["p_after"] < 0.05 <= r["p_before"]


def test_reverse_index_of_5_of_27_lands_on_the_paper_table():
    # 5/27 + 6 events = 11/27 vs 3/26: the paper's result, p = 0.0276.
    r = fr.reverse_fragility_index(5, 27, 3, 26)
    assert r["p_after"] == pytest.approx(fr.fisher_p(11, 27, 3, 26))


def test_fragility_dispatches_on_significance():
    assert fr.fragility(11, 27, 3, 26)["kind"] == "fragility"
    assert fr.fragility(5, 27, 3, 26)["kind"] == "reverse fragility"


def test_wrong_kind_gives_nan_and_a_note():
    r = fr.fragility_index(5, 27, 3, 26)
    assert math.isnan(r["index"]) and "not significant" in r["note"]
    r = fr.reverse_fragility_index(11, 27, 3, 26)
    assert math.isnan(r["index"]) and "significant" in r["note"]


@pytest.mark.parametrize(
    "table", [(0, 10, 0, 10), (10, 10, 10, 10), (0, 10, 10, 10), (1, 1, 0, 1), (0, 1, 0, 1)]
)
def test_degenerate_tables_do_not_raise_or_warn(table):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = fr.fragility(*table)
    assert set(r) == {
        "kind",
        "index",
        "quotient",
        "direction",
        "arm_changed",
        "p_before",
        "p_after",
        "note",
    }
    if math.isnan(r["index"]):
        assert r["note"]


def test_tiny_table_that_cannot_become_significant_says_so():
    r = fr.fragility(1, 1, 0, 1)
    assert math.isnan(r["index"])
    assert r["note"] == "no single-arm change of outcomes makes p < alpha"


@pytest.mark.parametrize("table", [(0, 0, 3, 26), (11, 27, 0, 0)])
def test_empty_arm_gives_nan_and_a_note(table):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = fr.fragility(*table)
    assert math.isnan(r["index"]) and math.isnan(r["p_before"])
    assert "no participants" in r["note"]


# ---- R source (run as `Rscript fragility.R`, R 4.2.2) ----
# # Walsh fragility index by brute force with fisher.test: add events to the arm
# # with fewer events until p >= 0.05; reverse: smallest single-arm change to p < 0.05.
# fp <- function(a, n1, b, n2)
#   fisher.test(matrix(c(a, n1 - a, b, n2 - b), 2, byrow = TRUE))$p.value
# walk <- function(x, n, f, want_sig) {
#   for (k in 1:n) {
#     xk <- x + k
#     if (xk > n) return(NA)
#     if ((f(xk) < 0.05) == want_sig) return(k)
#   }
#   NA
# }
# walk_down <- function(x, f, want_sig) {
#   for (k in seq_len(x)) if ((f(x - k) < 0.05) == want_sig) return(k)
#   NA
# }
# cat("FI 11/27 vs 3/26:", walk(3, 26, function(b) fp(11, 27, b, 26), FALSE),
#     "p after:", fp(11, 27, 4, 26), "\n")
# cat("FI 0/10 vs 10/10:", walk(0, 10, function(a) fp(a, 10, 10, 10), FALSE),
#     "p after:", fp(6, 10, 10, 10), "\n")
# cat("FI 56/70 vs 48/80:", walk(48, 80, function(b) fp(56, 70, b, 80), FALSE), "\n")
# rfi <- function(x1, n1, x2, n2) min(c(
#   walk(x1, n1, function(a) fp(a, n1, x2, n2), TRUE),
#   walk_down(x1, function(a) fp(a, n1, x2, n2), TRUE),
#   walk(x2, n2, function(b) fp(x1, n1, b, n2), TRUE),
#   walk_down(x2, function(b) fp(x1, n1, b, n2), TRUE)), na.rm = TRUE)
# cat("RFI 5/27 vs 3/26:", rfi(5, 27, 3, 26), "p after:", fp(11, 27, 3, 26), "\n")
# cat("RFI 3/10 vs 3/10:", rfi(3, 10, 3, 10), "\n")
# cat("RFI 0/10 vs 0/10:", rfi(0, 10, 0, 10), "\n")


def test_fast_search_beyond_100_changes_finds_the_one_by_one_index():
    # 1,500/5,000 against 1,000/5,000: the control arm needs several hundred more
    # events before Fisher's p reaches 0.05. The reference is the definition itself,
    # every k tried in turn (here, in the test), against the doubling-and-bisection
    # search the function uses beyond LINEAR_STEPS.
    from ucmsc_repro.stats import fragility as fr

    x1, n1, x2, n2 = 1500, 5000, 1000, 5000
    k = 0
    while fr.fisher_p(x1, n1, x2 + k, n2) < 0.05:
        k += 1
    assert k > fr.LINEAR_STEPS
    r = fr.fragility_index(x1, n1, x2, n2)
    assert r["index"] == k
    assert r["p_after"] == fr.fisher_p(x1, n1, x2 + k, n2)


def test_fast_search_finds_the_one_by_one_reverse_index():
    # 10,100/50,000 against 10,000/50,000 is not significant; the reverse index is the
    # fewest changes in one arm, in either direction, that make Fisher's p < 0.05.
    # Reference: every k of the four walks tried in turn, here.
    from ucmsc_repro.stats import fragility as fr

    x1, n1, x2, n2 = 10100, 50000, 10000, 50000
    assert fr.fisher_p(x1, n1, x2, n2) >= 0.05
    best = None
    for arm in (1, 2):
        for step in (1, -1):
            k = 1
            while True:
                a, b = (x1 + step * k, x2) if arm == 1 else (x1, x2 + step * k)
                if fr.fisher_p(a, n1, b, n2) < 0.05:
                    break
                k += 1
            best = k if best is None else min(best, k)
    assert best > fr.LINEAR_STEPS
    assert fr.reverse_fragility_index(x1, n1, x2, n2)["index"] == best
