"""Post hoc power of a comparison of two proportions, by the usual formulas.

The paper (Results, Efficacy evaluation; Discussion, limitations) reports "a
post hoc power analysis indicated 68.4% power" for remission in 11/27 versus
3/26 without naming the formula. :func:`power_table` computes the power of the
observed rates by every formula in common use, so a chapter can show them side
by side and say which one (if any) gives the published figure.

Every ``power_*`` function takes the true proportions and group sizes (post
hoc: the observed proportions) and returns the power of a two-sided test at
level ``alpha`` as a probability in [0, 1]; :func:`power_table` takes the
observed counts ``x1/n1`` and ``x2/n2``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.power import NormalIndPower, normal_power_het
from statsmodels.stats.proportion import power_proportions_2indep

__all__ = [
    "POWER_METHODS",
    "DEFAULT_POWER_METHOD",
    "power_pooled_z",
    "power_pooled_z_cc",
    "power_arcsine",
    "power_unpooled_z",
    "power_exact",
    "power_table",
]


def _check(p1, n1, p2, n2, alpha, *, whole: bool = False) -> None:
    if not (n1 > 0 and n2 > 0):
        raise ValueError(f"group sizes must be positive, got n1={n1!r}, n2={n2!r}")
    if whole and (float(n1) != int(n1) or float(n2) != int(n2)):
        raise ValueError(f"exact power needs whole group sizes, got n1={n1!r}, n2={n2!r}")
    if not (0 <= p1 <= 1 and 0 <= p2 <= 1):
        raise ValueError(f"proportions must lie in [0, 1], got p1={p1!r}, p2={p2!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")


def _sigmas(p1, n1, p2, n2) -> tuple[float, float]:
    """SD of p1 - p2 under H0 (pooled proportion) and under H1 (unpooled)."""
    pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
    sigma0 = float(np.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2)))
    sigma1 = float(np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2))
    return sigma0, sigma1


#: The Parameters section every normal-approximation ``power_*`` function shares
#: (filled into their docstrings by :func:`_shared_parameters`).
_PARAMETERS = """Parameters
    ----------
    p1, p2 : float
        True (here: observed) proportions of group 1 and group 2.
    n1, n2 : float
        Group sizes.
    alpha : float
        Two-sided significance level.

    Returns
    -------
    float"""


def _shared_parameters(fn):
    """Write the shared Parameters and Returns headings into ``fn``'s docstring."""
    fn.__doc__ = fn.__doc__.replace("%(parameters)s", _PARAMETERS)
    return fn


def _checked_sigmas(p1, n1, p2, n2, alpha) -> tuple[float, float] | None:
    """Check the arguments; the SDs of p1 - p2 (see :func:`_sigmas`), None if one is 0."""
    _check(p1, n1, p2, n2, alpha)
    sigma0, sigma1 = _sigmas(p1, n1, p2, n2)
    if sigma0 == 0 or sigma1 == 0:
        return None
    return sigma0, sigma1


@_shared_parameters
def power_pooled_z(
    p1: float, n1: float, p2: float, n2: float, *, alpha: float = 0.05
) -> float:
    """Power of the two-sided z test with the pooled variance under H0.

    %(parameters)s
        Power, a probability in [0, 1]; NaN when a variance is 0.

    Notes
    -----
    With ``d = |p1 - p2|``, ``pbar = (n1 p1 + n2 p2) / (n1 + n2)``,
    ``sigma0 = sqrt(pbar (1 - pbar) (1/n1 + 1/n2))``,
    ``sigma1 = sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2)`` and
    ``z = z_{1 - alpha/2}``::

        power = Phi((d - z sigma0) / sigma1) + Phi((-d - z sigma0) / sigma1)

    The first term is the classical formula without continuity correction
    (Fleiss 1981, chapter 3; Chow, Shao and Wang 2008, section 4.2; R's
    ``power.prop.test`` for equal groups); the second, the opposite tail, is
    usually negligible. Computed with
    :func:`statsmodels.stats.proportion.power_proportions_2indep`.

    References
    ----------
    Fleiss JL. Statistical methods for rates and proportions, 2nd ed., 1981,
    chapter 3. Lu et al. 2021, Results (Efficacy evaluation).

    Examples
    --------
    >>> round(power_pooled_z(11 / 27, 27, 3 / 26, 26), 4)
    0.6848
    """
    sigmas = _checked_sigmas(p1, n1, p2, n2, alpha)
    if sigmas is None:
        return float("nan")
    sigma0, sigma1 = sigmas
    res = power_proportions_2indep(
        abs(p1 - p2),
        min(p1, p2),
        n1 if p1 >= p2 else n2,
        ratio=(n2 / n1) if p1 >= p2 else (n1 / n2),
        alpha=alpha,
        alternative="two-sided",
    )
    return float(res.power)


@_shared_parameters
def power_pooled_z_cc(
    p1: float, n1: float, p2: float, n2: float, *, alpha: float = 0.05
) -> float:
    """Power of the two-sided pooled z test with a continuity correction (Fleiss).

    %(parameters)s
        Power in [0, 1]; NaN when a variance is 0.

    Notes
    -----
    As :func:`power_pooled_z` with the continuity correction
    ``c = (1/n1 + 1/n2) / 2`` taken off the difference::

        power = Phi((d - c - z sigma0) / sigma1) + Phi((-d - c - z sigma0) / sigma1)

    This is the exact inverse of the continuity-corrected sample size of
    Fleiss, Tytun and Ury (1980), ``m' = m/4 (1 + sqrt(1 + 2 (r + 1) / (r m d)))^2``
    for ``n2 = r n1`` (equal groups: ``n' = n/4 (1 + sqrt(1 + 4 / (n d)))^2``),
    which is what the test suite checks.

    References
    ----------
    Fleiss JL, Tytun A, Ury HK. A simple approximation for calculating sample
    sizes for comparing independent proportions. Biometrics 1980;36:343-6.
    Lu et al. 2021, Results (Efficacy evaluation).

    Examples
    --------
    >>> round(power_pooled_z_cc(11 / 27, 27, 3 / 26, 26), 4)
    0.559
    """
    sigmas = _checked_sigmas(p1, n1, p2, n2, alpha)
    if sigmas is None:
        return float("nan")
    sigma0, sigma1 = sigmas
    d = abs(p1 - p2)
    c = 0.5 * (1 / n1 + 1 / n2)
    z = stats.norm.isf(alpha / 2)
    upper = stats.norm.cdf((d - c - z * sigma0) / sigma1)
    lower = stats.norm.cdf((-d - c - z * sigma0) / sigma1)
    return float(upper + lower)


@_shared_parameters
def power_arcsine(
    p1: float, n1: float, p2: float, n2: float, *, alpha: float = 0.05
) -> float:
    """Power for Cohen's effect size h (arcsine transformation).

    %(parameters)s
        Power in [0, 1].

    Notes
    -----
    ``h = |2 asin(sqrt(p1)) - 2 asin(sqrt(p2))|`` and
    ``power = Phi(h sqrt(n1 n2 / (n1 + n2)) - z) + Phi(-h sqrt(n1 n2 / (n1 + n2)) - z)``,
    computed with :class:`statsmodels.stats.power.NormalIndPower`
    (``effect_size=h, nobs1=n1, ratio=n2/n1``). This is the formula of
    G*Power's and R ``pwr``'s ``pwr.2p2n.test``.

    References
    ----------
    Cohen J. Statistical power analysis for the behavioral sciences, 2nd ed.,
    1988, chapter 6. Lu et al. 2021, Results (Efficacy evaluation).

    Examples
    --------
    >>> round(power_arcsine(11 / 27, 27, 3 / 26, 26), 4)
    0.711
    """
    _check(p1, n1, p2, n2, alpha)
    h = abs(2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2)))
    power = NormalIndPower().power(
        effect_size=h, nobs1=n1, alpha=alpha, ratio=n2 / n1, alternative="two-sided"
    )
    return float(power)


@_shared_parameters
def power_unpooled_z(
    p1: float, n1: float, p2: float, n2: float, *, alpha: float = 0.05
) -> float:
    """Power of the two-sided Wald z test (unpooled variance under H0 and H1).

    %(parameters)s
        Power in [0, 1]; NaN when the variance is 0.

    Notes
    -----
    ``power = Phi(d / sigma1 - z) + Phi(-d / sigma1 - z)`` with ``sigma1`` as
    in :func:`power_pooled_z`; computed with
    :func:`statsmodels.stats.power.normal_power_het` (``std_null`` equal to
    ``std_alternative``).

    References
    ----------
    Chow SC, Shao J, Wang H. Sample size calculations in clinical research,
    2nd ed., 2008, section 4.2. Lu et al. 2021, Results (Efficacy evaluation).

    Examples
    --------
    >>> round(power_unpooled_z(11 / 27, 27, 3 / 26, 26), 4)
    0.7305
    """
    _check(p1, n1, p2, n2, alpha)
    _, sigma1 = _sigmas(p1, n1, p2, n2)
    if sigma1 == 0:
        return float("nan")
    # normal_power_het scales by sqrt(nobs); pass nobs=1 with the SD of p1 - p2.
    power = normal_power_het(
        abs(p1 - p2), 1, alpha, std_null=sigma1, std_alternative=sigma1
    )
    return float(power)


def power_exact(
    p1: float, n1: int, p2: float, n2: int, *, alpha: float = 0.05, test: str = "fisher"
) -> float:
    """Exact power of a 2x2 test, by enumerating every possible outcome.

    Parameters
    ----------
    p1, p2 : float
        True (here: observed) proportions of group 1 and group 2.
    n1, n2 : int
        Group sizes.
    alpha : float
        Two-sided significance level.
    test : {"fisher", "chi2", "yates"}
        Fisher's exact test (two-sided), Pearson's chi-square test, or the
        chi-square test with Yates' continuity correction.

    Returns
    -------
    float
        Power in [0, 1].

    Notes
    -----
    With ``A ~ Binomial(n1, p1)`` and ``B ~ Binomial(n2, p2)`` independent,
    ``power = sum over a = 0..n1, b = 0..n2 of P(A = a) P(B = b) 1[p(a, b) <= alpha]``
    where ``p(a, b)`` is the test's p-value for the table
    ``[[a, n1 - a], [b, n2 - b]]`` (:func:`scipy.stats.fisher_exact`,
    :func:`scipy.stats.chi2_contingency`). Tables with an empty column (no
    events or no non-events at all) have no chi-square statistic and never
    reject. This is the unconditional exact power G*Power reports for
    Fisher's exact test.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation).

    Examples
    --------
    >>> round(power_exact(11 / 27, 27, 3 / 26, 26, test="fisher"), 4)
    0.6077
    """
    _check(p1, n1, p2, n2, alpha, whole=True)
    if test not in ("fisher", "chi2", "yates"):
        raise ValueError(f"test must be 'fisher', 'chi2' or 'yates', got {test!r}")
    n1, n2 = int(n1), int(n2)
    pa = stats.binom.pmf(np.arange(n1 + 1), n1, p1)
    pb = stats.binom.pmf(np.arange(n2 + 1), n2, p2)
    power = 0.0
    for a in range(n1 + 1):
        if pa[a] == 0:
            continue
        for b in range(n2 + 1):
            if pb[b] == 0:
                continue
            table = np.array([[a, n1 - a], [b, n2 - b]])
            if test == "fisher":
                p = stats.fisher_exact(table).pvalue
            elif a + b in (0, n1 + n2):
                p = 1.0
            else:
                p = stats.chi2_contingency(table, correction=(test == "yates"))[1]
            if p <= alpha:
                power += pa[a] * pb[b]
    return float(power)


#: method -> (label, formula, reference, function)
POWER_METHODS: dict[str, tuple[str, str, str, object]] = {
    "pooled_z": (
        "Normal approximation, pooled variance under H0",
        "Phi((d - z*s0)/s1) + Phi((-d - z*s0)/s1); d = |p1 - p2|, "
        "s0 = sqrt(pbar*(1 - pbar)*(1/n1 + 1/n2)), s1 = sqrt(p1*q1/n1 + p2*q2/n2), "
        "z = z(1 - alpha/2)",
        "Fleiss 1981; Chow, Shao and Wang 2008, sec. 4.2; R power.prop.test",
        power_pooled_z,
    ),
    "pooled_z_cc": (
        "Normal approximation, pooled variance, continuity correction (Fleiss)",
        "Phi((d - c - z*s0)/s1) + Phi((-d - c - z*s0)/s1); c = (1/n1 + 1/n2)/2",
        "Fleiss, Tytun and Ury 1980",
        power_pooled_z_cc,
    ),
    "arcsine_h": (
        "Arcsine transformation (Cohen's h)",
        "Phi(h*sqrt(n1*n2/(n1 + n2)) - z) + Phi(-h*sqrt(n1*n2/(n1 + n2)) - z); "
        "h = |2 asin(sqrt(p1)) - 2 asin(sqrt(p2))|",
        "Cohen 1988, ch. 6; statsmodels NormalIndPower",
        power_arcsine,
    ),
    "unpooled_z": (
        "Normal approximation, unpooled (Wald) variance",
        "Phi(d/s1 - z) + Phi(-d/s1 - z)",
        "Chow, Shao and Wang 2008, sec. 4.2",
        power_unpooled_z,
    ),
    "exact_fisher": (
        "Exact power of Fisher's exact test (enumeration)",
        "sum of Bin(a; n1, p1) Bin(b; n2, p2) over tables with Fisher p <= alpha",
        "enumeration of all (n1 + 1)(n2 + 1) outcomes",
        lambda *a, alpha: power_exact(*a, alpha=alpha, test="fisher"),
    ),
    "exact_chi2": (
        "Exact power of Pearson's chi-square test (enumeration)",
        "sum of Bin(a; n1, p1) Bin(b; n2, p2) over tables with chi-square p <= alpha",
        "enumeration of all (n1 + 1)(n2 + 1) outcomes",
        lambda *a, alpha: power_exact(*a, alpha=alpha, test="chi2"),
    ),
    "exact_yates": (
        "Exact power of the chi-square test with Yates' correction (enumeration)",
        "sum of Bin(a; n1, p1) Bin(b; n2, p2) over tables with Yates p <= alpha",
        "enumeration of all (n1 + 1)(n2 + 1) outcomes",
        lambda *a, alpha: power_exact(*a, alpha=alpha, test="yates"),
    ),
}

#: The formula the primary-endpoint chapter names first: the classical one.
DEFAULT_POWER_METHOD = "pooled_z"


def power_table(x1: int, n1: int, x2: int, n2: int, *, alpha: float = 0.05) -> pd.DataFrame:
    """Post hoc power of the observed rates ``x1/n1`` vs ``x2/n2`` by every formula.

    Parameters
    ----------
    x1, n1 : int
        Events and size of group 1 (e.g. remissions in the MSC arm).
    x2, n2 : int
        Events and size of group 2 (e.g. remissions in the control arm).
    alpha : float
        Two-sided significance level.

    Returns
    -------
    pandas.DataFrame
        One row per method, in the order of :data:`POWER_METHODS`, with
        columns ``method`` (stable slug: ``pooled_z``, ``pooled_z_cc``,
        ``arcsine_h``, ``unpooled_z``, ``exact_fisher``, ``exact_chi2``,
        ``exact_yates``), ``label`` (plain-language name), ``formula``,
        ``reference``, ``alpha``, ``n1``, ``n2`` and ``power`` (a probability
        in [0, 1], unrounded; multiply by 100 for percent).

    Notes
    -----
    Post hoc ("observed") power treats the observed proportions as the true
    ones; it is a function of the p-value and adds no evidence of its own
    (Hoenig and Heisey 2001, Am Stat 55:19-24). It is shown because the paper
    reports it.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation) and Discussion
    (limitations): "68.4% power".

    Examples
    --------
    >>> t = power_table(11, 27, 3, 26)
    >>> list(t.columns)
    ['method', 'label', 'formula', 'reference', 'alpha', 'n1', 'n2', 'power']
    >>> t.set_index("method")["power"].round(3).to_dict()["pooled_z"]
    0.685
    """
    counts = (x1, n1, x2, n2)
    if any(float(v) != int(v) for v in counts):
        raise ValueError(f"counts must be whole numbers, got {counts!r}")
    x1, n1, x2, n2 = (int(v) for v in counts)
    if n1 < 1 or n2 < 1 or not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        raise ValueError(f"need 0 <= x <= n and n >= 1, got {x1}/{n1} and {x2}/{n2}")
    p1, p2 = x1 / n1, x2 / n2
    rows = []
    for method, (label, formula, reference, fn) in POWER_METHODS.items():
        rows.append(
            {
                "method": method,
                "label": label,
                "formula": formula,
                "reference": reference,
                "alpha": float(alpha),
                "n1": n1,
                "n2": n2,
                "power": fn(p1, n1, p2, n2, alpha=alpha),
            }
        )
    return pd.DataFrame(rows)
