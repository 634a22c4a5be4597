"""Arithmetic on printed numbers: what a rounded figure can stand for.

General statistics, nothing about the paper: the interval a printed number stands
for, GRIM (which counts give a printed percentage), the SPSS chi-square table,
the Wald estimate and p-value range behind a printed odds ratio and interval,
observed power and p-values, odds ratio to risk ratio, and the largest SD a
range allows. A printed number ``x`` with ``d`` decimals stands for any value in
``[x - h, x + h]`` with ``h = 0.5 * 10**-d``. Used by the audit
(:mod:`ucmsc_repro.reproduction.audit`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from itertools import product

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .comparisons import two_by_two_tests

__all__ = [
    "printed_interval",
    "matches_printed",
    "grim_percent",
    "spss_chi_square_table",
    "wald_from_ci",
    "wald_p_range",
    "observed_power_from_p",
    "p_from_observed_power",
    "or_to_risk_ratio",
    "max_sd_for_range",
]

Z975 = stats.norm.isf(0.025)


def printed_interval(text: str) -> tuple[Fraction, Fraction]:
    """The values a printed number can stand for.

    Parameters
    ----------
    text : str
        The number as printed, e.g. ``"0.041"`` or ``"62"``.

    Returns
    -------
    (Fraction, Fraction)
        ``x - h`` and ``x + h`` with ``h`` half a unit of the last printed
        digit, as exact fractions.

    Examples
    --------
    >>> [float(v) for v in printed_interval("0.041")]
    [0.0405, 0.0415]
    """
    x = Fraction(Decimal(text))
    d = len(text.split(".", 1)[1]) if "." in text else 0
    h = Fraction(1, 2 * 10**d)
    return x - h, x + h


def matches_printed(value: float, text: str) -> bool:
    """Whether ``value`` prints as ``text`` (ties accepted either way).

    The value is read as its shortest decimal representation (``repr``), as
    in :func:`ucmsc_repro.reproduction.scorecard.round_half_up`.

    Examples
    --------
    >>> matches_printed(0.0159, "0.016"), matches_printed(0.0159, "0.041")
    (True, False)
    """
    lo, hi = printed_interval(text)
    v = Fraction(Decimal(repr(float(value))))
    return lo <= v <= hi


def grim_percent(pct_text: str, n: int) -> list[int]:
    """Counts ``k`` out of ``n`` whose percentage prints as ``pct_text`` (GRIM).

    Parameters
    ----------
    pct_text : str
        The percentage as printed, e.g. ``"40.7"``.
    n : int
        Its denominator.

    Returns
    -------
    list of int
        Every ``k`` in ``0..n`` with ``100 k / n`` in the printed interval of
        ``pct_text`` (exact rational arithmetic). An empty list means the
        percentage is impossible for this denominator.

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci
    2017;8:363-9.

    Examples
    --------
    >>> grim_percent("40.7", 27), grim_percent("40.0", 27)
    ([11], [])
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    lo, hi = printed_interval(pct_text)
    return [k for k in range(n + 1) if lo <= Fraction(100 * k, n) <= hi]


def spss_chi_square_table(x1: int, n1: int, x2: int, n2: int) -> pd.DataFrame:
    """The rows SPSS prints in its "Chi-Square Tests" table for a 2x2 table.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and group size of group 1 and group 2.

    Returns
    -------
    pandas.DataFrame
        Columns ``test``, ``statistic``, ``pval``, ``named`` (True for the
        tests the paper names: "the chi-square analysis or Fisher exact
        test", i.e. Pearson's chi-square, its continuity-corrected version
        and Fisher's exact test, two-sided) and ``min_expected``.

    Notes
    -----
    The named tests come from :func:`ucmsc_repro.stats.comparisons.two_by_two_tests`.
    The other rows of SPSS's table are added because SPSS prints them next
    to the named tests: the likelihood-ratio chi-square
    (``scipy.stats.chi2_contingency(lambda_="log-likelihood")``), Fisher's
    exact test one-sided in the observed direction and the linear-by-linear
    association ``(N - 1) / N * chi2`` on 1 degree of freedom.

    References
    ----------
    Lu et al. 2021, Methods (Statistical analysis).

    Examples
    --------
    >>> t = spss_chi_square_table(11, 27, 3, 26)
    >>> t.loc[t["named"], "pval"].round(4).tolist()
    [0.0159, 0.0358, 0.0276]
    """
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    named = two_by_two_tests(x1, n1, x2, n2)
    chi2, _, _, expected = stats.chi2_contingency(table, correction=False)
    lr = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    direction = "greater" if x1 / n1 >= x2 / n2 else "less"
    one_sided = stats.fisher_exact(table, alternative=direction)
    n = n1 + n2
    lbl = chi2 * (n - 1) / n
    rows = [
        {"test": r.test, "statistic": r.statistic, "pval": r.pval, "named": True}
        for r in named.itertuples()
    ]
    rows += [
        {
            "test": "Likelihood-ratio chi-square",
            "statistic": float(lr[0]),
            "pval": float(lr[1]),
            "named": False,
        },
        {
            "test": "Fisher's exact test (one-sided)",
            "statistic": float(one_sided.statistic),
            "pval": float(one_sided.pvalue),
            "named": False,
        },
        {
            "test": "Linear-by-linear association",
            "statistic": float(lbl),
            "pval": float(stats.chi2.sf(lbl, 1)),
            "named": False,
        },
    ]
    out = pd.DataFrame(rows)
    out["min_expected"] = float(expected.min())
    return out


def wald_from_ci(
    estimate: float, ci_low: float, ci_high: float, *, level: float = 0.95
) -> dict:
    """Standard error, z and two-sided p-value of a ratio implied by its CI.

    Parameters
    ----------
    estimate, ci_low, ci_high : float
        A ratio (odds ratio, risk ratio) and its confidence interval.
    level : float
        Confidence level of the interval.

    Returns
    -------
    dict
        ``se`` (of the log ratio), ``z``, ``pval`` (two-sided Wald) and
        ``midpoint`` (the geometric mean of the limits, which a Wald
        interval is centred on).

    Notes
    -----
    ``se = (ln ci_high - ln ci_low) / (2 z)`` with ``z`` the normal quantile
    of ``(1 + level) / 2``; ``z_stat = ln estimate / se``;
    ``p = 2 (1 - Phi(|z_stat|))`` (Altman and Bland, BMJ 2011;343:d2090).

    Examples
    --------
    >>> r = wald_from_ci(1.141, 1.017, 1.280)
    >>> round(r["pval"], 4)
    0.0246
    """
    zq = stats.norm.isf((1 - level) / 2)
    se = (math.log(ci_high) - math.log(ci_low)) / (2 * zq)
    z = math.log(estimate) / se
    return {
        "se": se,
        "z": z,
        "pval": float(2 * stats.norm.sf(abs(z))),
        "midpoint": math.sqrt(ci_low * ci_high),
    }


def wald_p_range(
    estimate_text: str, low_text: str, high_text: str, *, level: float = 0.95
) -> tuple[float, float]:
    """Smallest and largest Wald p-value the printed ratio and CI allow.

    Each printed number may stand for any value in its printed interval
    (:func:`printed_interval`); the p-value is monotone in each of the three,
    so its extremes lie at the corners of that box.

    Returns
    -------
    (float, float)
        ``(p_min, p_max)``.

    Examples
    --------
    >>> lo, hi = wald_p_range("0.982", "0.966", "0.997")
    >>> round(lo, 4), round(hi, 4)
    (0.0166, 0.0338)
    """
    boxes = [
        [float(v) for v in printed_interval(t)]
        for t in (estimate_text, low_text, high_text)
    ]
    ps = [wald_from_ci(e, lo, hi, level=level)["pval"] for e, lo, hi in product(*boxes)]
    return min(ps), max(ps)


def observed_power_from_p(pval: float, *, alpha: float = 0.05) -> float:
    """Post hoc ("observed") power of a two-sided z test with this p-value.

    Notes
    -----
    ``z = Phi^-1(1 - p/2)``, ``power = Phi(z - z_a) + Phi(-z - z_a)`` with
    ``z_a = Phi^-1(1 - alpha/2)``: observed power is a function of the
    p-value alone (Hoenig and Heisey, Am Stat 2001;55:19-24).

    Examples
    --------
    >>> round(observed_power_from_p(0.05), 3)
    0.5
    """
    z = stats.norm.isf(pval / 2)
    za = stats.norm.isf(alpha / 2)
    return float(stats.norm.cdf(z - za) + stats.norm.cdf(-z - za))


def p_from_observed_power(power: float, *, alpha: float = 0.05) -> float:
    """The two-sided p-value whose observed power is ``power`` (inverse of above).

    Examples
    --------
    >>> round(p_from_observed_power(0.5), 4)
    0.05
    """
    if not observed_power_from_p(1 - 1e-12, alpha=alpha) < power < 1:
        raise ValueError(f"power must lie between the power at p = 1 and 1, got {power}")
    return float(
        optimize.brentq(
            lambda p: observed_power_from_p(p, alpha=alpha) - power, 1e-15, 1 - 1e-12
        )
    )


def or_to_risk_ratio(odds_ratio: float, p0: float) -> float:
    """Risk ratio implied by an odds ratio when the reference risk is ``p0``.

    Notes
    -----
    ``RR = OR / (1 - p0 + p0 OR)`` (Zhang and Yu, JAMA 1998;280:1690-1).
    An odds ratio overstates the risk ratio when the outcome is common.

    Examples
    --------
    >>> or_to_risk_ratio(2.0, 0.5)  # 2 / (0.5 + 1.0)
    1.3333333333333333
    """
    return odds_ratio / (1 - p0 + p0 * odds_ratio)


def max_sd_for_range(mean: float, low: float, high: float, n: int) -> float:
    """The largest sample SD possible for ``n`` values in ``[low, high]`` with this mean.

    Notes
    -----
    Bhatia-Davis inequality: the population variance is at most
    ``(high - mean)(mean - low)``; the sample SD (divisor ``n - 1``) is
    therefore at most ``sqrt((high - mean)(mean - low) n / (n - 1))``.

    References
    ----------
    Bhatia R, Davis C. A better bound on the variance. Am Math Monthly
    2000;107:353-7.

    Examples
    --------
    >>> max_sd_for_range(0.5, 0, 1, 2)  # values 0 and 1: SD = sqrt(0.5)
    0.7071067811865476
    """
    if not low <= mean <= high:
        raise ValueError(f"mean {mean} outside [{low}, {high}]")
    return math.sqrt((high - mean) * (mean - low) * n / (n - 1))
