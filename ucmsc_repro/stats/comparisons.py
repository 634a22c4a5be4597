"""Two-group comparisons: the tests the paper names, as tidy one-row results.

The paper (Statistical analysis): "Continuous variables were compared by the
Student's t test or Mann-Whitney U test, and categorical variables were
compared by the chi-square analysis or Fisher exact test", with SPSS 22.
Every function here returns the test's name with its result, so a chapter
can print which test produced each p-value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "describe",
    "is_normal",
    "normality_test",
    "student_t",
    "mann_whitney",
    "compare_continuous",
    "compare_categorical",
    "two_by_two_tests",
    "paired_test",
    "smd_continuous",
    "smd_binary",
    "smd_categorical",
]

#: Shapiro-Wilk p-value under which a group counts as skewed.
NORMALITY_ALPHA = 0.05
#: Largest sample for Shapiro-Wilk: Royston's p-value approximation holds to 5,000
#: values; R's shapiro.test refuses more, scipy warns. Above it, D'Agostino-Pearson.
SHAPIRO_MAX_N = 5000
SHAPIRO = "Shapiro-Wilk"
DAGOSTINO = "D'Agostino-Pearson"


def _clean(x) -> np.ndarray:
    a = np.asarray(pd.Series(x, dtype=float).dropna(), dtype=float)
    return a


def describe(x) -> dict:
    """n, mean, SD, SEM, median and quartiles of the non-missing values.

    Returns
    -------
    dict
        ``n``, ``missing``, ``mean``, ``sd`` (ddof=1), ``sem``, ``median``,
        ``q1``, ``q3`` (linear interpolation, as ``numpy.percentile``),
        ``min``, ``max``.

    Examples
    --------
    >>> d = describe([1, 2, 3, 4, None])
    >>> d["n"], d["missing"], d["mean"], round(d["sd"], 4)
    (4, 1, 2.5, 1.291)
    """
    s = pd.Series(x, dtype=float)
    a = _clean(s)
    n = int(a.size)
    out = {"n": n, "missing": int(s.isna().sum())}
    if n == 0:
        nan = float("nan")
        out.update(mean=nan, sd=nan, sem=nan, median=nan, q1=nan, q3=nan, min=nan, max=nan)
        return out
    sd = float(np.std(a, ddof=1)) if n > 1 else float("nan")
    out.update(
        mean=float(np.mean(a)),
        sd=sd,
        sem=sd / np.sqrt(n) if n > 1 else float("nan"),
        median=float(np.median(a)),
        q1=float(np.percentile(a, 25)),
        q3=float(np.percentile(a, 75)),
        min=float(a.min()),
        max=float(a.max()),
    )
    return out


def normality_test(x, *, tol: float = 0.0) -> tuple[str, float]:
    """The normality test for ``x`` and its p-value (nan: fewer than 3 values, or a
    range not above ``tol``).

    Shapiro-Wilk up to :data:`SHAPIRO_MAX_N` values, the D'Agostino-Pearson
    omnibus test (``scipy.stats.normaltest``) above, where Shapiro-Wilk's
    p-value is not defined (R's ``shapiro.test`` stops at 5,000).

    >>> normality_test([1.0, 2.0, 4.0])[0]
    'Shapiro-Wilk'
    >>> normality_test([3.0, 3.0, 3.0])
    ('Shapiro-Wilk', nan)
    """
    a = _clean(x)
    if a.size > SHAPIRO_MAX_N:
        return DAGOSTINO, float(stats.normaltest(a).pvalue)
    if a.size < 3 or np.ptp(a) <= tol:
        return SHAPIRO, float("nan")
    return SHAPIRO, float(stats.shapiro(a).pvalue)


def is_normal(*groups, alpha: float = NORMALITY_ALPHA) -> bool:
    """Whether every group passes the normality test at ``alpha``
    (:func:`normality_test`: Shapiro-Wilk, D'Agostino-Pearson above 5,000 values).

    Groups with fewer than 3 values cannot be tested and count as normal.
    """
    for g in groups:
        _, p = normality_test(g)
        if p < alpha:  # nan (untestable) compares False: counts as normal
            return False
    return True


def student_t(x, y) -> dict:
    """Student's two-sample t test (pooled variance), two-sided.

    Returns
    -------
    dict
        ``test``, ``statistic`` (t), ``dof``, ``pval``, ``n1``, ``n2``,
        ``diff`` (mean x - mean y) and its 95% CI ``ci_low``, ``ci_high``.
    """
    a, b = _clean(x), _clean(y)
    res = stats.ttest_ind(a, b, equal_var=True)
    ci = res.confidence_interval(0.95)
    return {
        "test": "Student's t test (two-sided)",
        "statistic": float(res.statistic),
        "dof": float(res.df),
        "pval": float(res.pvalue),
        "n1": int(a.size),
        "n2": int(b.size),
        "diff": float(a.mean() - b.mean()),
        "ci_low": float(ci.low),
        "ci_high": float(ci.high),
    }


def mann_whitney(x, y) -> dict:
    """Mann-Whitney U test, two-sided, normal approximation as SPSS reports it.

    Notes
    -----
    SPSS's "Asymp. Sig. (2-tailed)" is the normal approximation with the tie
    correction and without a continuity correction; that is what is computed
    here (``scipy.stats.mannwhitneyu(method="asymptotic",
    use_continuity=False)``). ``statistic`` is U of the first group.
    """
    a, b = _clean(x), _clean(y)
    res = stats.mannwhitneyu(
        a, b, alternative="two-sided", method="asymptotic", use_continuity=False
    )
    return {
        "test": "Mann-Whitney U test (two-sided, normal approximation)",
        "statistic": float(res.statistic),
        "dof": float("nan"),
        "pval": float(res.pvalue),
        "n1": int(a.size),
        "n2": int(b.size),
        "diff": float(np.median(a) - np.median(b)) if a.size and b.size else float("nan"),
        "ci_low": float("nan"),
        "ci_high": float("nan"),
    }


def compare_continuous(x, y, *, method: str = "auto") -> dict:
    """Compare a continuous variable between two groups.

    Parameters
    ----------
    x, y : array-like
        Values of the two groups; missing values are dropped.
    method : {"auto", "t", "mwu"}
        ``"auto"`` uses Student's t test when both groups pass Shapiro-Wilk
        (p >= 0.05), else the Mann-Whitney U test, as the paper describes.

    Returns
    -------
    dict
        As :func:`student_t` plus ``normal`` (the Shapiro-Wilk verdict).
    """
    normal = is_normal(x, y)
    if method == "auto":
        method = "t" if normal else "mwu"
    if method not in ("t", "mwu"):
        raise ValueError(f"method must be 'auto', 't' or 'mwu', got {method!r}")
    out = student_t(x, y) if method == "t" else mann_whitney(x, y)
    out["normal"] = normal
    return out


def compare_categorical(x, y) -> dict:
    """Compare a categorical variable between two groups.

    Pearson's chi-square test without continuity correction; for a 2x2 table
    with an expected count below 5, Fisher's exact test (two-sided) instead.
    A larger table with expected counts below 5 keeps the chi-square test and
    says so in ``note``.

    Returns
    -------
    dict
        ``test``, ``statistic``, ``dof``, ``pval``, ``n1``, ``n2``, ``note``.
    """
    sx, sy = pd.Series(x).dropna(), pd.Series(y).dropna()
    levels = sorted(set(sx) | set(sy), key=str)
    table = np.array(
        [[int((sx == lv).sum()) for lv in levels], [int((sy == lv).sum()) for lv in levels]]
    )
    table = table[:, table.sum(axis=0) > 0]
    out = {"n1": int(sx.size), "n2": int(sy.size), "note": ""}
    if sx.size == 0 or sy.size == 0:
        # a group with no values has no expected counts: no test is defined
        out.update(
            test="not tested (a group has no values)",
            statistic=float("nan"),
            dof=float("nan"),
            pval=float("nan"),
        )
        return out
    if table.shape[1] < 2:
        out.update(
            test="not tested (one category)",
            statistic=float("nan"),
            dof=float("nan"),
            pval=float("nan"),
        )
        return out
    chi2, p, dof, expected = stats.chi2_contingency(table, correction=False)
    if table.shape == (2, 2) and expected.min() < 5:
        res = stats.fisher_exact(table)
        out.update(
            test="Fisher's exact test (two-sided)",
            statistic=float(res.statistic),
            dof=float("nan"),
            pval=float(res.pvalue),
        )
        return out
    if expected.min() < 5:
        k = int((expected < 5).sum())
        out["note"] = f"{k} of {expected.size} expected counts are below 5"
    out.update(
        test="Pearson's chi-square test (two-sided)",
        statistic=float(chi2),
        dof=float(dof),
        pval=float(p),
    )
    return out


def two_by_two_tests(x1: int, n1: int, x2: int, n2: int) -> pd.DataFrame:
    """Every test the paper names, on events ``x1/n1`` versus ``x2/n2``.

    Returns
    -------
    pandas.DataFrame
        One row per test: ``test``, ``statistic``, ``dof``, ``pval``; the rows
        are Pearson's chi-square, chi-square with Yates' continuity
        correction, and Fisher's exact test (two-sided).

    Examples
    --------
    >>> t = two_by_two_tests(11, 27, 3, 26)
    >>> [round(p, 4) for p in t["pval"]]
    [0.0159, 0.0358, 0.0276]
    """
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    chi2c, pc, _, _ = stats.chi2_contingency(table, correction=True)
    fisher = stats.fisher_exact(table)
    return pd.DataFrame(
        [
            {
                "test": "Pearson's chi-square",
                "statistic": float(chi2),
                "dof": float(dof),
                "pval": float(p),
            },
            {
                "test": "Chi-square with Yates' continuity correction",
                "statistic": float(chi2c),
                "dof": float(dof),
                "pval": float(pc),
            },
            {
                "test": "Fisher's exact test (two-sided)",
                "statistic": float(fisher.statistic),
                "dof": float("nan"),
                "pval": float(fisher.pvalue),
            },
        ]
    )


def paired_test(before, after, *, method: str = "auto") -> dict:
    """Paired comparison of two measurements on the same participants.

    Pairs with a missing value are dropped. ``"auto"`` uses the paired t test
    when the differences pass Shapiro-Wilk, else the Wilcoxon signed-rank test
    (two-sided, normal approximation with zero-difference and tie handling as
    SPSS: ``zero_method="wilcox"``, no continuity correction).

    Returns
    -------
    dict
        ``test``, ``statistic``, ``pval``, ``n`` (pairs), ``mean_diff``.
    """
    b = pd.Series(before, dtype=float).reset_index(drop=True)
    a = pd.Series(after, dtype=float).reset_index(drop=True)
    keep = b.notna() & a.notna()
    b, a = b[keep].to_numpy(), a[keep].to_numpy()
    d = a - b
    if method == "auto":
        method = "t" if is_normal(d) else "wilcoxon"
    if method == "t":
        res = stats.ttest_rel(a, b)
        test = "paired t test (two-sided)"
    elif method == "wilcoxon":
        res = stats.wilcoxon(a, b, zero_method="wilcox", correction=False, method="approx")
        test = "Wilcoxon signed-rank test (two-sided, normal approximation)"
    else:
        raise ValueError(f"method must be 'auto', 't' or 'wilcoxon', got {method!r}")
    return {
        "test": test,
        "statistic": float(res.statistic),
        "pval": float(res.pvalue),
        "n": int(d.size),
        "mean_diff": float(d.mean()) if d.size else float("nan"),
    }


def smd_continuous(x, y) -> float:
    """Standardized mean difference (mean x - mean y) / sqrt((sd_x^2 + sd_y^2) / 2).

    Examples
    --------
    >>> round(smd_continuous([1, 2, 3], [2, 3, 4]), 4)
    -1.0
    """
    a, b = _clean(x), _clean(y)
    pooled = np.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2.0)
    return float((a.mean() - b.mean()) / pooled) if pooled > 0 else float("nan")


def smd_binary(p1: float, p2: float) -> float:
    """Standardized difference of two proportions (Austin 2009).

    (p1 - p2) / sqrt((p1 (1 - p1) + p2 (1 - p2)) / 2).

    Examples
    --------
    >>> round(smd_binary(0.5, 0.3), 4)
    0.417
    """
    denom = np.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2.0)
    return float((p1 - p2) / denom) if denom > 0 else float("nan")


def smd_categorical(p1, p2) -> float:
    """Standardized difference of a categorical variable with any number of levels.

    Yang and Dalton's multivariate form, as R's tableone computes it: with
    ``T`` the differences of the level proportions (first level dropped) and
    ``S`` the mean of the two groups' multinomial covariance matrices,
    ``sqrt(T' S^- T)`` (``S^-``: Moore-Penrose inverse). Never negative; for
    two levels it is the absolute value of :func:`smd_binary`.

    Parameters
    ----------
    p1, p2 : sequence of float
        Proportions of each level in each group (same level order, each
        summing to 1).

    Returns
    -------
    float
        The SMD; nan when a group has no proportions (an empty group).

    References
    ----------
    Yang D, Dalton JE. A unified approach to measuring the effect size between
    two groups using SAS. SAS Global Forum 2012, paper 335-2012.

    Examples
    --------
    >>> round(smd_categorical([0.5, 0.5], [0.3, 0.7]), 4)
    0.417
    """
    a, b = np.asarray(p1, dtype=float), np.asarray(p2, dtype=float)
    if (
        a.size < 2
        or a.size != b.size
        or not (np.isfinite(a).all() and np.isfinite(b).all())
    ):
        return float("nan")
    t = (a - b)[1:]

    def cov(p):
        q = p[1:]
        return np.diag(q) - np.outer(q, q)

    s = (cov(a) + cov(b)) / 2.0
    value = float(t @ np.linalg.pinv(s) @ t)
    return float(np.sqrt(max(value, 0.0)))
