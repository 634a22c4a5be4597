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

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats
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
    "exact_power",
    "ExactPower",
    "EXACT_WINDOW_SD",
    "EXACT_ALL_TABLES",
    "enumeration_note",
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


#: Exact power enumerates the outcomes of each group within this many standard
#: deviations of its expected count (see :func:`exact_power`).
EXACT_WINDOW_SD = 10.0
#: Up to this many possible tables, (n1 + 1)(n2 + 1), exact power enumerates
#: every one (groups of up to about 500 each), whatever the window.
EXACT_ALL_TABLES = 250_000
#: Relative band around alpha (and around a table's own probability, for
#: Fisher's ties) inside which the vectorised p-value is not trusted to decide
#: and SciPy's own test is called for that table.
_DECIDE_REL = 1e-7
_TIE_REL = 1e-6


@dataclass(frozen=True)
class ExactPower:
    """Result of :func:`exact_power`.

    Attributes
    ----------
    power : float
        Probability of rejecting over the enumerated outcomes; the exact power
        lies in ``[power, power + neglected]``.
    neglected : float
        Total probability of the outcomes not enumerated (0.0 when every
        outcome was).
    tables : int
        Number of 2x2 tables enumerated.
    complete : bool
        True when every possible outcome was enumerated.
    """

    power: float
    neglected: float
    tables: int
    complete: bool


def _window(n: int, p: float, window_sd: float) -> tuple[int, int, float]:
    """Outcomes ``lo..hi`` of Binomial(n, p) within ``window_sd`` SDs of n p, and
    the probability of the outcomes outside."""
    if not np.isfinite(window_sd):
        return 0, n, 0.0
    mu, sd = n * p, float(np.sqrt(n * p * (1 - p)))
    lo = max(0, int(np.ceil(mu - window_sd * sd)))
    hi = min(n, int(np.floor(mu + window_sd * sd)))
    if sd == 0:  # p is 0 or 1: one outcome carries all the probability
        lo = hi = int(round(mu))
    left = float(stats.binom.cdf(lo - 1, n, p)) if lo > 0 else 0.0
    right = float(stats.binom.sf(hi, n, p)) if hi < n else 0.0
    return lo, hi, left + right


def _fisher_bounds(a, m, n1, n2, lf, window_sd):
    """Lower and upper bounds of the two-sided Fisher p-value of every table
    ``[[a, n1 - a], [m - a, n2 - m + a]]`` (arrays ``a`` and ``m`` of equal shape).

    For each column margin ``m`` the conditional (hypergeometric) probabilities
    are computed from log-factorials over the outcomes within ``window_sd``
    (plus 2) SDs of the conditional mean and over the tables asked for; the
    probability outside is added to the upper bound. The p-value sums the
    probabilities not above the table's own: the lower bound counts those below
    ``1 - 1e-6`` times it, the upper bound those below ``1 + 1e-6`` times it, so
    SciPy's p-value (which counts ties within 1e-14) lies between them.
    """
    big_n = n1 + n2
    shape = a.shape
    a, m = a.ravel(), m.ravel()
    lo_p = np.empty(a.shape)
    hi_p = np.empty(a.shape)
    k = min(window_sd, 1e6) + 2.0
    order = np.argsort(m, kind="stable")
    margins, starts = np.unique(m[order], return_index=True)
    ends = np.append(starts[1:], len(order))
    for mv, s0, s1 in zip(margins.tolist(), starts, ends, strict=True):
        sel = order[s0:s1]
        xs = a[sel]
        s_lo, s_hi = max(0, mv - n2), min(n1, mv)
        if s_lo == s_hi:
            lo_p[sel] = hi_p[sel] = 1.0
            continue
        mean = mv * n1 / big_n
        sd = np.sqrt(mv * n1 * n2 * (big_n - mv) / (big_n**2 * max(big_n - 1, 1)))
        w_lo = max(s_lo, min(int(xs.min()), int(np.floor(mean - k * sd))))
        w_hi = min(s_hi, max(int(xs.max()), int(np.ceil(mean + k * sd))))
        x = np.arange(w_lo, w_hi + 1)
        logpmf = (lf[n1] - lf[x] - lf[n1 - x] + lf[n2] - lf[mv - x] - lf[n2 - mv + x]) - (
            lf[big_n] - lf[mv] - lf[big_n - mv]
        )
        pmf = np.exp(logpmf)
        outside = 0.0
        if w_lo > s_lo:
            outside += float(stats.hypergeom.cdf(w_lo - 1, big_n, n1, mv))
        if w_hi < s_hi:
            outside += float(stats.hypergeom.sf(w_hi, big_n, n1, mv))
        ranked = np.sort(pmf)
        cum = np.concatenate(([0.0], np.cumsum(ranked)))
        own = pmf[xs - w_lo]
        below = np.searchsorted(ranked, own * (1 - _TIE_REL), side="right")
        upto = np.searchsorted(ranked, own * (1 + _TIE_REL), side="right")
        lo_p[sel] = cum[below] + own
        hi_p[sel] = cum[upto] + outside
    return lo_p.reshape(shape), hi_p.reshape(shape)


def _chi2_pvalues(a, b, n1, n2, *, yates: bool):
    """Chi-square p-values of the tables ``[[a, n1 - a], [b, n2 - b]]`` (1 when
    a column is empty), as :func:`scipy.stats.chi2_contingency` computes them."""
    big_n = n1 + n2
    m = a + b
    a, b, m = (np.asarray(v, dtype=float) for v in (a, b, m))
    diff = np.abs(a * (n2 - b) - b * (n1 - a)) / big_n  # |O - E| in every cell
    if yates:
        diff = np.maximum(diff - 0.5, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = diff**2 * float(big_n) ** 3 / (float(n1) * n2 * m * (big_n - m))
    p = stats.chi2.sf(stat, 1)
    return np.where((m == 0) | (m == big_n), 1.0, p)


def _scipy_pvalue(a: int, b: int, n1: int, n2: int, test: str) -> float:
    """The test's p-value of one table, by SciPy (the reference)."""
    table = np.array([[a, n1 - a], [b, n2 - b]])
    if test == "fisher":
        return float(stats.fisher_exact(table).pvalue)
    if a + b in (0, n1 + n2):
        return 1.0
    return float(stats.chi2_contingency(table, correction=(test == "yates"))[1])


def exact_power(
    p1: float,
    n1: int,
    p2: float,
    n2: int,
    *,
    alpha: float = 0.05,
    test: str = "fisher",
    window_sd: float = EXACT_WINDOW_SD,
) -> ExactPower:
    """Exact power of a 2x2 test by enumerating the outcomes that carry probability.

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
    window_sd : float
        Outcomes of a group farther than this many standard deviations from
        its expected count are not enumerated (``numpy.inf``: every outcome).

    Returns
    -------
    ExactPower
        ``power``, ``neglected`` (probability of the outcomes left out: the
        exact power lies in ``[power, power + neglected]``), ``tables``
        (tables enumerated) and ``complete``.

    Notes
    -----
    With ``A ~ Binomial(n1, p1)`` and ``B ~ Binomial(n2, p2)`` independent,
    ``power = sum over a, b of P(A = a) P(B = b) 1[p(a, b) <= alpha]``, where
    ``p(a, b)`` is the test's p-value for ``[[a, n1 - a], [b, n2 - b]]``, as
    :func:`scipy.stats.fisher_exact` and :func:`scipy.stats.chi2_contingency`
    compute it. Tables with an empty column never reject. This is the
    unconditional exact power G*Power reports for Fisher's exact test.

    ``a`` runs over ``n1 p1 +/- window_sd sqrt(n1 p1 (1 - p1))`` (clipped to
    ``0..n1``), ``b`` likewise: for the trial's 27 and 26 participants this is
    every outcome (``neglected`` is 0), for 25,000 per arm about 1,500 x 1,000
    tables instead of 6 x 10^8. By Chebyshev the mass left out is below
    ``2 / window_sd^2``; it is computed exactly from the binomial tails (about
    10^-23 at 10 SDs).

    The p-values are computed for all tables at once (Fisher's from
    log-factorials, margin by margin; chi-square in closed form). Where a
    vectorised p-value is within a relative 1e-7 of ``alpha``, or Fisher's
    ties make it uncertain, SciPy's test decides that table, so every table
    rejects exactly when SciPy's p-value is at most ``alpha``. The power is
    the sum of the rejecting tables' probabilities in the order ``a`` then
    ``b``.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation).

    Examples
    --------
    >>> r = exact_power(11 / 27, 27, 3 / 26, 26, test="fisher")
    >>> round(r.power, 4), r.neglected, r.complete
    (0.6077, 0.0, True)
    """
    _check(p1, n1, p2, n2, alpha, whole=True)
    if test not in ("fisher", "chi2", "yates"):
        raise ValueError(f"test must be 'fisher', 'chi2' or 'yates', got {test!r}")
    if not window_sd > 0:
        raise ValueError(f"window_sd must be positive, got {window_sd!r}")
    n1, n2 = int(n1), int(n2)
    if (n1 + 1) * (n2 + 1) <= EXACT_ALL_TABLES:
        window_sd = np.inf
    lo1, hi1, out1 = _window(n1, p1, window_sd)
    lo2, hi2, out2 = _window(n2, p2, window_sd)
    ia, ib = np.arange(lo1, hi1 + 1), np.arange(lo2, hi2 + 1)
    pa, pb = stats.binom.pmf(ia, n1, p1), stats.binom.pmf(ib, n2, p2)
    a, b = np.meshgrid(ia, ib, indexing="ij")
    if test == "fisher":
        lf = special.gammaln(np.arange(n1 + n2 + 1) + 1.0)
        low, high = _fisher_bounds(a, a + b, n1, n2, lf, window_sd)
    else:
        pv = _chi2_pvalues(a, b, n1, n2, yates=(test == "yates"))
        low, high = pv * (1 - 1e-12), pv * (1 + 1e-12)
    reject = high * (1 + _DECIDE_REL) <= alpha
    unsure = ~reject & (low * (1 - _DECIDE_REL) <= alpha)
    for i, j in zip(*np.nonzero(unsure), strict=True):
        reject[i, j] = _scipy_pvalue(int(ia[i]), int(ib[j]), n1, n2, test) <= alpha
    terms = pa[:, None] * pb[None, :]
    # summed one by one in the order a, then b (np.cumsum adds left to right)
    power = float(np.cumsum(terms[reject])[-1]) if reject.any() else 0.0
    neglected = out1 + out2 - out1 * out2
    complete = lo1 == 0 and hi1 == n1 and lo2 == 0 and hi2 == n2
    if complete:
        neglected = 0.0
    return ExactPower(power, neglected, int(a.size), bool(complete))


def power_exact(
    p1: float, n1: int, p2: float, n2: int, *, alpha: float = 0.05, test: str = "fisher"
) -> float:
    """Exact power of a 2x2 test (the ``power`` of :func:`exact_power`).

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
        Power in [0, 1], over the outcomes within :data:`EXACT_WINDOW_SD`
        standard deviations of each group's expected count (every outcome for
        groups of up to a few hundred).

    Examples
    --------
    >>> round(power_exact(11 / 27, 27, 3 / 26, 26, test="fisher"), 4)
    0.6077
    """
    return exact_power(p1, n1, p2, n2, alpha=alpha, test=test).power


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

#: The exact methods of :data:`POWER_METHODS` and the test each enumerates.
_EXACT_TESTS = {"exact_fisher": "fisher", "exact_chi2": "chi2", "exact_yates": "yates"}

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
        ``reference``, ``alpha``, ``n1``, ``n2``, ``power`` (a probability
        in [0, 1], unrounded; multiply by 100 for percent; NaN where the
        formula is not defined), ``defined`` (False where ``power`` is NaN:
        a normal formula whose variance is 0, e.g. when nobody or everybody
        has the event in both groups) and ``neglected`` (for the exact
        methods, the probability of the outcomes not enumerated, see
        :func:`exact_power`: the exact power lies in
        ``[power, power + neglected]``; 0.0 otherwise).

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
    >>> list(t.columns)[-3:]
    ['power', 'defined', 'neglected']
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
        neglected = 0.0
        if method in _EXACT_TESTS:
            r = exact_power(p1, n1, p2, n2, alpha=alpha, test=_EXACT_TESTS[method])
            value, neglected = r.power, r.neglected
        else:
            value = fn(p1, n1, p2, n2, alpha=alpha)
        rows.append(
            {
                "method": method,
                "label": label,
                "formula": formula,
                "reference": reference,
                "alpha": float(alpha),
                "n1": n1,
                "n2": n2,
                "power": value,
                "defined": bool(np.isfinite(value)),
                "neglected": neglected,
            }
        )
    return pd.DataFrame(rows)


def enumeration_note(table: pd.DataFrame) -> str:
    """One sentence saying which outcomes the exact powers of ``table`` enumerate.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`power_table`.

    Returns
    -------
    str
        "every possible outcome" when nothing was left out, else the window
        and the bound on the probability left out (no number is rounded to
        zero: it is printed in scientific notation).

    Examples
    --------
    >>> enumeration_note(power_table(11, 27, 3, 26))
    'The exact powers enumerate every possible outcome of both groups.'
    """
    left = float(table.loc[table["method"].isin(list(_EXACT_TESTS)), "neglected"].max())
    if left == 0:
        return "The exact powers enumerate every possible outcome of both groups."
    return (
        "The exact powers enumerate the outcomes within "
        f"{EXACT_WINDOW_SD:g} standard deviations of each group's expected count; "
        f"the outcomes left out have a total probability of at most {left:.1e}, "
        "so each exact power is exact to that."
    )
