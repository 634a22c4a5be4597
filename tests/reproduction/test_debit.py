"""Tests of ucmsc_repro.reproduction.debit, with the hand computations beside them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ucmsc_repro.data.claims import read_claims
from ucmsc_repro.reproduction import debit as d
from ucmsc_repro.reproduction.rounding import CONVENTIONS


def test_binary_sd_formula():
    # 7 ones among 20: p = 0.35, sample variance 0.35 x 0.65 x 20/19 = 0.239474
    assert d.binary_sd(0.35, 20) == pytest.approx(math.sqrt(0.2275 * 20 / 19), rel=1e-15)
    assert d.binary_sd(0.35, 20, sample=False) == pytest.approx(math.sqrt(0.2275))
    # a constant variable has SD 0
    assert d.binary_sd(0.0, 10) == 0.0 and d.binary_sd(1.0, 10) == 0.0


@pytest.mark.parametrize(("p", "n"), [(1.2, 10), (-0.1, 10), (0.5, 1)])
def test_binary_sd_rejects(p, n):
    with pytest.raises(ValueError):
        d.binary_sd(p, n)


def test_debit_scrutiny_vignette_example():
    # scrutiny's DEBIT vignette (CRAN, "DEBIT basics"): debit(x = "0.35", sd = "0.18",
    # n = 20) prints FALSE. By hand: 0.35 in [0.345, 0.355] needs 6.9 <= k <= 7.1, so
    # k = 7; SD = sqrt(7 x 13 / (20 x 19)) = sqrt(91/380) = 0.4894, far from
    # [0.175, 0.185].
    r = d.debit("0.35", "0.18", 20)
    assert r["consistency"] is False
    assert (r["k_lower"], r["k_upper"]) == (7, 7)
    assert r["sd_rec_lower"] == pytest.approx(math.sqrt(91 / 380))
    assert (r["x_lower"], r["x_upper"]) == (0.345, 0.355)
    assert (r["sd_lower"], r["sd_upper"]) == (0.175, 0.185)
    # the interval method agrees: the SDs over [0.345, 0.355] are 0.4876 to 0.4911
    assert d.debit("0.35", "0.18", 20, method="interval")["consistency"] is False


def test_debit_scrutiny_reference_example_by_hand():
    # scrutiny's ?debit example is debit(x = "0.36", sd = "0.11", n = 20); its output is
    # not printed on the help page, so computed by hand here (not verified against R):
    # means k/20 move in steps of 0.05 (0.35, 0.40): none lies in [0.355, 0.365], so
    # the mean fails GRIM and DEBIT is FALSE under the exact method; under the interval
    # method the SDs over [0.355, 0.365] are sqrt(0.355 x 0.645 x 20/19) = 0.4910 to
    # sqrt(0.365 x 0.635 x 20/19) = 0.4939, not 0.11: FALSE too.
    r = d.debit("0.36", "0.11", 20)
    assert r["consistency"] is False and r["k_lower"] is None
    assert math.isnan(r["sd_rec_lower"])
    ri = d.debit("0.36", "0.11", 20, method="interval")
    assert ri["consistency"] is False
    assert ri["sd_rec_lower"] == pytest.approx(math.sqrt(0.355 * 0.645 * 20 / 19))
    assert ri["sd_rec_upper"] == pytest.approx(math.sqrt(0.365 * 0.635 * 20 / 19))


def test_debit_consistent_case_by_hand():
    # 0.35 of 20 with SD 0.49: k = 7, SD 0.4894 rounds to 0.49 under every convention
    for conv in (None, *CONVENTIONS[:3]):
        assert d.debit("0.35", "0.49", 20, convention=conv)["consistency"] is True
    # truncation: 0.4894 truncates to 0.48, not 0.49
    assert d.debit("0.35", "0.49", 20, convention="truncate")["consistency"] is False
    assert d.debit("0.35", "0.48", 20, convention="truncate")["consistency"] is True


def test_debit_population_sd():
    # population SD of 7/20: sqrt(0.35 x 0.65) = 0.4770
    assert d.debit("0.35", "0.48", 20, sample=False)["consistency"] is True
    assert d.debit("0.35", "0.48", 20)["consistency"] is False


def test_debit_interval_max_at_one_half():
    # mean 0.5 of 10 (k = 5): SD sqrt(25/90) = 0.5270. Interval method: the bounds
    # [0.45, 0.55] contain 0.5, so the greatest SD is sqrt(0.25 x 10/9) = 0.5270
    # and the least sqrt(0.45 x 0.55 x 10/9) = 0.5244
    r = d.debit("0.5", "0.53", 10, method="interval")
    assert r["consistency"] is True
    assert r["sd_rec_upper"] == pytest.approx(math.sqrt(0.25 * 10 / 9))
    assert r["sd_rec_lower"] == pytest.approx(math.sqrt(0.45 * 0.55 * 10 / 9))
    # the mean 0.5 also allows k = 5 exactly: "0.53" holds under the exact method too
    assert d.debit("0.5", "0.53", 10)["consistency"] is True


def test_debit_interval_accepts_what_exact_rejects():
    # 0.36 of 20 fails GRIM (see above), but with SD 0.49 the interval method, which
    # ignores that 20 x 0.36 must be whole, accepts it: 0.4910 rounds to 0.49
    assert d.debit("0.36", "0.49", 20)["consistency"] is False
    assert d.debit("0.36", "0.49", 20, method="interval")["consistency"] is True


def test_debit_a_paper_percentage_with_its_implied_sd():
    # 11/27 = 0.4074 prints as 0.407; SD sqrt(11 x 16 / (27 x 26)) = 0.50071 -> 0.501
    assert d.debit("0.407", "0.501", 27)["consistency"] is True
    assert d.debit("0.407", "0.49", 27)["consistency"] is False


@pytest.mark.parametrize(
    ("x", "sd", "n", "match"),
    [
        ("1.2", "0.4", 10, "not in"),
        ("0.5", "1.5", 10, "not in"),
        ("0.5", "0.5", 1, "n >= 2"),
    ],
)
def test_debit_rejects_non_binary_summaries(x, sd, n, match):
    with pytest.raises(ValueError, match=match):
        d.debit(x, sd, n)


def test_debit_needs_text():
    with pytest.raises(TypeError, match="printed text"):
        d.debit(0.35, "0.18", 20)
    with pytest.raises(ValueError, match="unknown method"):
        d.debit("0.35", "0.18", 20, method="mean_sd")


def test_debit_map_columns_and_extra_columns():
    cases = pd.DataFrame(
        {"x": ["0.35", "0.36"], "sd": ["0.18", "0.49"], "n": [20, 20], "source": ["a", "b"]}
    )
    out = d.debit_map(cases)
    assert list(out.columns) == [*d.DEBIT_COLUMNS, "source"]
    assert out["consistency"].tolist() == [False, False]
    assert out["k_lower"].tolist()[0] == 7 and pd.isna(out["k_lower"].tolist()[1])
    assert out["source"].tolist() == ["a", "b"]
    assert d.debit_map(cases, method="interval")["consistency"].tolist() == [False, True]


@pytest.mark.parametrize(
    ("pct", "n", "convention", "counts"),
    [
        # 100 k / 27 in steps of 3.704: 11 -> 40.741 -> "40.7"
        ("40.7", 27, None, (11,)),
        # 3/26 = 11.538 -> "11.5"
        ("11.5", 26, "half_up", (3,)),
        # 28/53 = 52.830 -> "53"; truncation: no k with 53 <= 100k/53 < 54
        ("53", 53, "half_up", (28,)),
        ("53", 53, "truncate", ()),
        # 33/53 = 62.264 -> "62" and "62.3" rounded; truncated "62" and "62.2"
        ("62", 53, "truncate", (33,)),
        ("62.3", 53, "half_even", (33,)),
        ("62.3", 53, "truncate", ()),
        ("62.2", 53, "truncate", (33,)),
    ],
)
def test_debit_percent(pct, n, convention, counts):
    r = d.debit_percent(pct, n, convention=convention)
    assert r["counts"] == counts
    assert r["possible"] is bool(counts)


def test_debit_percent_implied_sd_by_hand():
    # 3/26: sqrt(3 x 23 / (26 x 25)) = sqrt(69/650) = 0.32581
    r = d.debit_percent("11.5%", 26)
    assert r["reported"] == "11.5" and r["decimals"] == 1
    assert r["implied_sd"] == pytest.approx((math.sqrt(69 / 650),))


def test_debit_percent_with_a_number_and_decimals():
    assert d.debit_percent(53.0, 53, 0)["counts"] == (28,)
    assert d.debit_percent(62.3, 53, 1)["counts"] == (33,)
    with pytest.raises(ValueError, match="give decimals"):
        d.debit_percent(62.3, 53)
    with pytest.raises(ValueError, match="more than 0 decimals"):
        d.debit_percent(62.3, 53, 0)
    with pytest.raises(ValueError, match="has 1 decimals, not 2"):
        d.debit_percent("62.3", 53, 2)


def test_paper_percentage_table_reads_the_claims_file():
    t = d.paper_percentage_table()
    assert list(t.columns) == d.PAPER_PERCENTAGE_COLUMNS
    assert len(t) == len(d.PAPER_PERCENTAGES) * (1 + len(CONVENTIONS))
    first = t.drop_duplicates("check_id").set_index("check_id")
    assert first.loc["remission_msc", ["reported", "n", "stated_count"]].tolist() == [
        "40.7",
        27,
        11,
    ]
    assert first.loc["remission_control", ["reported", "n"]].tolist() == ["11.5", 26]
    assert first.loc["male", ["reported", "n"]].tolist() == ["53", 53]
    assert first.loc["adult", ["reported", "n", "stated_count"]].tolist() == ["62", 53, 33]
    assert first.loc["dk_or_dka", ["reported", "n"]].tolist() == ["62.3", 53]
    # 40.7% is printed in the abstract, the results and the discussion
    assert first.loc["remission_msc", "printed_in"] == (
        "Abstract; Results: Efficacy evaluation; Discussion"
    )
    assert first.loc["male", "printed_in"] == "Results: Characteristics of the participants"


def test_paper_percentage_table_results_by_convention():
    t = d.paper_percentage_table(read_claims())
    got = {(r.check_id, r.convention): r.possible for r in t.itertuples()}
    # hand computations: see test_debit_percent; only 53% and 62.3% fail, and only
    # under truncation (52.83% truncates to 52, 62.264% to 62.2)
    for (check_id, conv), possible in got.items():
        expected = not (check_id in ("male", "dk_or_dka") and conv == "truncate")
        assert possible is expected, (check_id, conv)
    assert t["verdict"].eq("inconsistent").sum() == 2
    # stated counts print as the percentage: 11/27, 3/26, 33/53
    assert t["stated_count_prints"].dropna().all()
    sd = t.drop_duplicates("check_id").set_index("check_id")["implied_sd"]
    assert sd["remission_msc"] == pytest.approx(math.sqrt(11 * 16 / (27 * 26)))
    assert sd["male"] == pytest.approx(math.sqrt(28 * 25 / (53 * 52)))


def test_paper_percentage_summary():
    s = d.paper_percentage_summary()
    assert s.columns.tolist() == [
        "percentage",
        "label",
        "stated count",
        "either",
        *CONVENTIONS,
        "implied SD",
    ]
    assert s["percentage"].tolist() == [
        "40.7% of 27",
        "11.5% of 26",
        "53% of 53",
        "62% of 53",
        "62.3% of 53",
    ]
    assert s["truncate"].tolist() == ["11/27", "3/26", "impossible", "33/53", "impossible"]
    # sqrt(176/702) = 0.50071 -> 0.501; sqrt(69/650) = 0.32581 -> 0.326
    assert s["implied SD"].tolist()[:2] == ["0.501", "0.326"]


def test_audit_rows_have_the_audit_format():
    from ucmsc_repro.reproduction.audit_checks import AUDIT_COLUMNS, VERDICTS

    assert d.AUDIT_ROW_COLUMNS == AUDIT_COLUMNS
    rows = d.audit_rows()
    assert [r["check_id"] for r in rows] == [
        f"rounding_{p[0]}" for p in d.PAPER_PERCENTAGES
    ]
    assert all(list(r) == AUDIT_COLUMNS for r in rows)
    assert all(r["verdict"] in VERDICTS for r in rows)
    # every percentage fits SPSS's half-up rounding
    assert {r["verdict"] for r in rows} == {"consistent"}
    male = rows[2]
    assert male["result"] == "fits half_up, half_even, half_down; impossible under truncate"
    assert "28/53 = 52.83%" in male["arithmetic"]


def test_power_convention_row():
    from ucmsc_repro.reproduction.audit_checks import AUDIT_COLUMNS

    row = d.power_convention_row()
    assert list(row) == AUDIT_COLUMNS
    # pooled-variance z power for 11/27 vs 3/26 is 68.483%: rounds to 68.5 (half up,
    # even, down: remainder 0.83 of a tenth), truncates to 68.4; every other usual
    # formula is far away (55.9 to 73.1%). Truncation makes 53% and 62.3% of 53
    # impossible (see test_debit_percent), so no one convention fits everything.
    assert row["verdict"] == "unmatched"
    assert (
        "truncate: power 68.4% from pooled_z; impossible: 53%, 62.3%" in row["arithmetic"]
    )
    assert (
        "half_up: no formula prints 68.4%; every percentage possible" in row["arithmetic"]
    )
    assert row["result"].startswith("no single convention gives both")


@pytest.mark.parametrize("method", list(d.DEBIT_METHODS))
def test_debit_constant_variables(method):
    # all zeros (k = 0) or all ones (k = 10): SD 0, printed 0.00
    assert d.debit("0.00", "0.00", 10, method=method)["consistency"] is True
    assert d.debit("1.00", "0.00", 10, method=method)["consistency"] is True
    # a mean of 0.00 cannot have an SD of 0.30 (k = 0 has SD 0; under the interval
    # method the SDs over [0, 0.005] reach only sqrt(0.005 x 0.995 x 10/9) = 0.0744)
    assert d.debit("0.00", "0.30", 10, method=method)["consistency"] is False


def test_debit_map_accepts_numpy_integers():
    cases = pd.DataFrame(
        {"x": ["0.35"], "sd": ["0.49"], "n": pd.array([20], dtype="int64")}
    )
    assert d.debit_map(cases)["consistency"].tolist() == [True]


#: Heathers and Brown (2019), "DEBIT: A simple consistency test for binary data"
#: (https://osf.io/5vb3u/), Table 1: seven means and SDs of binary variables, all
#: with n = 1683, as transcribed in scrutiny's DEBIT vignette (lhdjung/scrutiny,
#: vignettes/debit.Rmd at commit c7c5b7d2, the tibble ``flying_pigs``), where R's
#: ``debit_map(flying_pigs)`` checks them. Our expected answers are the hand
#: computations beside each row (not R's printed output, which the vignette does
#: not store): the means' possible counts k in [ceil((x - 0.005) n), floor((x +
#: 0.005) n)] and the sample SDs sqrt(k (n - k) / (n (n - 1))) over them.
HEATHERS_BROWN_TABLE_1 = [
    # x, sd, k range, reconstructed SD range, consistent
    ("0.53", "0.50", (884, 900), (0.4989, 0.4995), True),  # 0.4989 to 0.4995: 0.50
    ("0.44", "0.50", (733, 748), (0.4960, 0.4971), True),  # rounds to 0.50
    ("0.77", "0.42", (1288, 1304), (0.4178, 0.4239), True),  # contains 0.42
    # 0.19 of 1683 is k = 312..328; their SDs 0.3887..0.3962 round to 0.39 or 0.40,
    # never to 0.35: the row the paper shows to be impossible
    ("0.19", "0.35", (312, 328), (0.3887, 0.3962), False),
    ("0.34", "0.47", (564, 580), (0.4722, 0.4754), True),  # 0.47 or 0.48
    ("0.93", "0.25", (1557, 1573), (0.2472, 0.2633), True),  # 0.25 to 0.26
    ("0.12", "0.33", (194, 210), (0.3194, 0.3306), True),  # 0.32 or 0.33
]


@pytest.mark.parametrize(("x", "sd", "ks", "sds", "ok"), HEATHERS_BROWN_TABLE_1)
def test_debit_heathers_and_brown_table_1(x, sd, ks, sds, ok):
    n = 1683
    r = d.debit(x, sd, n)
    assert (r["k_lower"], r["k_upper"]) == ks
    # by hand: sqrt(k (n - k) / (n (n - 1))) at the two end counts (no range holds
    # n / 2, so the SD is monotone over it and the extremes are at the ends)
    ends = sorted(math.sqrt(k * (n - k) / (n * (n - 1))) for k in ks)
    assert ends == pytest.approx(sds, abs=5e-5)
    assert (r["sd_rec_lower"], r["sd_rec_upper"]) == pytest.approx(sds, abs=5e-5)
    assert r["consistency"] is ok
    assert d.debit(x, sd, n, method="interval")["consistency"] is ok
