"""Small-sample inference for a 2x2 table: exact tests and risk-difference intervals.

Two independent binomial samples, ``x1`` events of ``n1`` (arm 1, e.g. MSC) and
``x2`` events of ``n2`` (arm 2, e.g. control). The functions return dicts or a
tidy frame and never raise or warn on degenerate tables (zero cells, 0/n or n/n
in both arms, an arm with ``n = 0``): values that cannot be computed are NaN
and the ``note`` says why. Invalid counts (negative, or ``x > n``) are an error
of the caller and raise :class:`ValueError`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.proportion import confint_proportions_2indep

__all__ = [
    "STAT_TOL",
    "check_counts",
    "fisher_test",
    "fisher_midp",
    "barnard_test",
    "too_many_tables",
    "boschloo_test",
    "mn_interval",
    "risk_difference_intervals",
    "small_sample_table",
]

#: Relative tolerance when comparing the statistic (or probability) of a table
#: with the observed one: tables whose statistic equals the observed one up to
#: floating-point error are counted as ties (in the rejection region).
STAT_TOL = 1e-7

_NAN = float("nan")

#: Most tables (n1 + 1)(n2 + 1) an unconditional exact test (Barnard's, Boschloo's)
#: enumerates: about half a second here (two arms of about 500). Above it the test
#: is not computed and its note says why; at such sizes the large-sample tests
#: (chi-square, Miettinen-Nurminen) are accurate and are reported beside it.
EXACT_TABLES_MAX = 250_000


def too_many_tables(n1: int, n2: int) -> str:
    """Why an unconditional exact test is not computed for arms of ``n1`` and
    ``n2`` (empty when it is).

    >>> too_many_tables(27, 26)
    ''
    >>> too_many_tables(25000, 25000)[:40]
    'not computed: arms of 25,000 and 25,000 '
    """
    tables = (int(n1) + 1) * (int(n2) + 1)
    if tables <= EXACT_TABLES_MAX:
        return ""
    return (
        f"not computed: arms of {int(n1):,} and {int(n2):,} participants give "
        f"{tables:,} tables, more than the {EXACT_TABLES_MAX:,} an unconditional "
        "exact test enumerates here; at this size the large-sample tests are accurate"
    )


def check_counts(x1: int, n1: int, x2: int, n2: int) -> str:
    """Validate the counts of a 2x2 table; return a note if inference is impossible.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.

    Returns
    -------
    str
        ``""`` when both arms have participants, otherwise a sentence naming
        the empty arm(s).

    Raises
    ------
    ValueError
        A count is negative, not an integer, or ``x > n``.

    Examples
    --------
    >>> check_counts(11, 27, 3, 26)
    ''
    >>> check_counts(0, 0, 3, 26)
    'arm 1 has no participants (n1 = 0): no comparison is possible'
    """
    for name, v in (("x1", x1), ("n1", n1), ("x2", x2), ("n2", n2)):
        if not float(v).is_integer() or v < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
    if x1 > n1 or x2 > n2:
        raise ValueError(f"events exceed participants: {x1}/{n1}, {x2}/{n2}")
    empty = [
        f"arm {i} has no participants (n{i} = 0)" for i, n in ((1, n1), (2, n2)) if n == 0
    ]
    if empty:
        return " and ".join(empty) + ": no comparison is possible"
    return ""


def _hypergeom_support(x1: int, n1: int, x2: int, n2: int):
    """Support and probabilities of arm-1 events given both margins."""
    total, events = n1 + n2, x1 + x2
    k = np.arange(max(0, n1 - (total - events)), min(n1, events) + 1)
    prob = stats.hypergeom.pmf(k, total, events, n1)
    return k, prob


def fisher_test(x1: int, n1: int, x2: int, n2: int) -> dict:
    """Fisher's exact test, two-sided.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.

    Returns
    -------
    dict
        ``pval`` (two-sided p of :func:`scipy.stats.fisher_exact`: the sum of
        the probabilities of the tables with the same margins that are no more
        probable than the observed one) and ``note``.

    Notes
    -----
    scipy compares table probabilities with a relative tolerance of 1e-7, so
    ties are handled (unlike :func:`scipy.stats.barnard_exact`). An arm with
    ``n = 0`` gives ``pval`` NaN and a note.

    References
    ----------
    Fisher RA. Statistical Methods for Research Workers. 1934, section 21.02.

    Examples
    --------
    >>> round(fisher_test(11, 27, 3, 26)["pval"], 4)
    0.0276
    """
    note = check_counts(x1, n1, x2, n2)
    if note:
        return {"pval": _NAN, "note": note}
    res = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative="two-sided")
    return {"pval": float(res.pvalue), "note": ""}


def fisher_midp(x1: int, n1: int, x2: int, n2: int, *, method: str = "minlike") -> dict:
    """Lancaster's mid-p version of Fisher's exact test, two-sided.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.
    method : {"minlike", "central"}
        ``"minlike"`` (default): the sum of the conditional (hypergeometric)
        probabilities of the tables *less* probable than the observed one plus
        half the sum of those *equally* probable (the observed table and any
        tie, compared at relative tolerance :data:`STAT_TOL`): Lancaster's
        mid-p applied to the two-sided Fisher test as scipy and R
        ``fisher.test`` order tables (by probability). ``"central"``: twice
        the smaller one-sided mid-p (``P(X < x) + P(X = x) / 2`` in either
        tail), capped at 1, the doubling convention of e.g. epitools
        ``ormidp.test``. Neither R package is installed here, so both are
        checked against a hand enumeration with ``dhyper`` (see the tests).

    Returns
    -------
    dict
        ``pval`` and ``note``.

    Notes
    -----
    The mid-p is not an exact test (its size can exceed alpha slightly) but is
    much less conservative than Fisher's test in small samples (Lancaster
    1961; Hirji 2006, section 2.5). An arm with ``n = 0`` gives NaN and a note.
    A table whose margins leave a single possible table (e.g. 0/n in both
    arms) has mid-p 0.5 under ``"minlike"``: only the observed table exists,
    counted half.

    References
    ----------
    Lancaster HO. Significance tests in discrete distributions. J Am Stat
    Assoc 1961;56:223-34. Hirji KF. Exact Analysis of Discrete Data. 2006.

    Examples
    --------
    >>> round(fisher_midp(11, 27, 3, 26)["pval"], 4)
    0.0206
    """
    note = check_counts(x1, n1, x2, n2)
    if note:
        return {"pval": _NAN, "note": note}
    if method not in ("minlike", "central"):
        raise ValueError(f"method must be 'minlike' or 'central', got {method!r}")
    k, prob = _hypergeom_support(x1, n1, x2, n2)
    p_obs = prob[k == x1][0]
    if method == "minlike":
        tie = np.isclose(prob, p_obs, rtol=STAT_TOL, atol=0.0)
        less = (prob < p_obs) & ~tie
        p = prob[less].sum() + 0.5 * prob[tie].sum()
        note = "single possible table" if k.size == 1 else ""
    else:
        lower = prob[k < x1].sum() + 0.5 * p_obs
        upper = prob[k > x1].sum() + 0.5 * p_obs
        p = 2.0 * min(lower, upper)
        note = ""
    return {"pval": float(min(1.0, p)), "note": note}


def _pooled_wald(n1: int, n2: int) -> np.ndarray:
    """Pooled-variance Wald statistic of every table (rows a = 0..n1, cols b = 0..n2)."""
    a = np.arange(n1 + 1)[:, None]
    b = np.arange(n2 + 1)[None, :]
    p1, p2 = a / n1, b / n2
    p = (a + b) / (n1 + n2)
    var = p * (1 - p) * (1 / n1 + 1 / n2)
    z = np.zeros((n1 + 1, n2 + 1))
    ok = var > 0
    diff = np.broadcast_to(p1 - p2, z.shape)
    z[ok] = diff[ok] / np.sqrt(np.broadcast_to(var, z.shape)[ok])
    return z


def _sup_pvalue(region: np.ndarray, n1: int, n2: int, *, grid: int = 2001) -> tuple:
    """Sup over the common success probability of P(table in region).

    The tail probability is a polynomial in the nuisance parameter pi; it is
    evaluated on a grid of ``grid`` points on [0, 1] and refined by a bounded
    scalar maximisation between the neighbours of the five best grid points.
    Returns ``(p, pi_at_sup)``.
    """
    pis = np.linspace(0.0, 1.0, grid)
    a = np.arange(n1 + 1)
    b = np.arange(n2 + 1)
    reg = region.astype(float)

    def prob(pi):
        pi = np.atleast_1d(pi)
        f1 = stats.binom.pmf(a[None, :], n1, pi[:, None])
        f2 = stats.binom.pmf(b[None, :], n2, pi[:, None])
        return np.einsum("ga,ab,gb->g", f1, reg, f2)

    values = prob(pis)
    best_p, best_pi = float(values.max()), float(pis[values.argmax()])
    for i in np.argsort(values)[-5:]:
        lo, hi = pis[max(i - 1, 0)], pis[min(i + 1, grid - 1)]
        res = optimize.minimize_scalar(
            lambda t: -prob(t)[0],
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-10},
        )
        if -res.fun > best_p:
            best_p, best_pi = float(-res.fun), float(res.x)
    return min(1.0, best_p), best_pi


def barnard_test(x1: int, n1: int, x2: int, n2: int) -> dict:
    """Barnard's unconditional exact test, two-sided, pooled Wald statistic.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.

    Returns
    -------
    dict
        ``pval`` (sup over the common event probability pi of the probability
        of the tables at least as extreme as the observed one), ``statistic``
        (observed pooled Wald z), ``nuisance`` (pi at the sup) and ``note``.

    Notes
    -----
    Every table (a, b), a = 0..n1, b = 0..n2, is ordered by
    ``|z| = |a/n1 - b/n2| / sqrt(p (1 - p) (1/n1 + 1/n2))`` with
    ``p = (a + b)/(n1 + n2)`` (z = 0 when the pooled variance is 0), the
    statistic of :func:`scipy.stats.barnard_exact` with ``pooled=True``. A
    table is in the rejection region when ``|z| >= |z_obs| (1 - 1e-7)``.

    This is computed here rather than by :func:`scipy.stats.barnard_exact`
    because scipy compares ``abs(z) >= abs(z_obs)`` without a tolerance: the
    mirror table (n1 - a, n2 - b), whose |z| is mathematically equal, can come
    out one ulp smaller and be left out of the region, which lowers the p-value
    (see the tests for a table where this happens). The sup is found on a grid
    of 2001 points plus local bounded refinement (scipy uses 32 Sobol points
    with shgo). An arm with ``n = 0`` gives NaN and a note; a table with no
    events or only events in both arms has z = 0 and p = 1.

    References
    ----------
    Barnard GA. Significance tests for 2x2 tables. Biometrika 1947;34:123-38.
    Suissa S, Shuster JJ. Exact unconditional sample sizes for the 2x2
    binomial trial. J R Stat Soc A 1985;148:317-27.

    Examples
    --------
    >>> round(barnard_test(11, 27, 3, 26)["pval"], 4)
    0.0177
    >>> round(barnard_test(2, 2, 2, 6)["pval"], 10)  # scipy.stats.barnard_exact: 0.12890625
    0.1875
    """
    note = check_counts(x1, n1, x2, n2) or too_many_tables(n1, n2)
    if note:
        return {"pval": _NAN, "statistic": _NAN, "nuisance": _NAN, "note": note}
    z = _pooled_wald(n1, n2)
    z_obs = z[x1, x2]
    region = np.abs(z) >= abs(z_obs) * (1 - STAT_TOL)
    p, pi = _sup_pvalue(region, n1, n2)
    note = "no difference in the observed rates (z = 0): p = 1" if z_obs == 0 else ""
    return {"pval": p, "statistic": float(z_obs), "nuisance": pi, "note": note}


def boschloo_test(x1: int, n1: int, x2: int, n2: int) -> dict:
    """Boschloo's unconditional exact test, two-sided (twice the smaller one-sided p).

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.

    Returns
    -------
    dict
        ``pval`` and ``note``.

    Notes
    -----
    :func:`scipy.stats.boschloo_exact` with ``alternative="two-sided"``:
    tables are ordered by the one-sided Fisher p-value (compared at relative
    tolerance 1e-13, so ties are handled), the one-sided p is the sup over the
    nuisance parameter, and the two-sided p is twice the smaller one-sided p,
    capped at 1 (scipy's documented convention). The tests check it against a
    direct enumeration with a fine grid. An arm with ``n = 0`` gives NaN and a
    note (scipy would return NaN silently).

    References
    ----------
    Boschloo RD. Raised conditional level of significance for the 2x2-table
    when testing the equality of two probabilities. Stat Neerl 1970;24:1-35.

    Examples
    --------
    >>> round(boschloo_test(11, 27, 3, 26)["pval"], 4)
    0.018
    """
    note = check_counts(x1, n1, x2, n2) or too_many_tables(n1, n2)
    if note:
        return {"pval": _NAN, "note": note}
    res = stats.boschloo_exact([[x1, x2], [n1 - x1, n2 - x2]], alternative="two-sided")
    return {"pval": float(res.pvalue), "note": ""}


def _restricted_mle(x1: int, n1: int, x2: int, n2: int, delta: float) -> tuple:
    """MLE of (p1, p2) under p1 - p2 = delta: closed-form cubic root.

    Farrington & Manning (1990), eq. (13)-(14); Miettinen & Nurminen (1985),
    Appendix 1. With theta = n2/n1 the restricted MLE of p1 is the root in
    [max(0, delta), min(1, 1 + delta)] of a x^3 + b x^2 + c x + d.
    """
    p1, p2 = x1 / n1, x2 / n2
    theta = n2 / n1
    a = 1.0 + theta
    b = -(1.0 + theta + p1 + theta * p2 + delta * (theta + 2.0))
    c = delta * delta + delta * (2.0 * p1 + theta + 1.0) + p1 + theta * p2
    d = -p1 * delta * (1.0 + delta)
    v = b**3 / (3.0 * a) ** 3 - b * c / (6.0 * a * a) + d / (2.0 * a)
    u2 = b * b / (3.0 * a) ** 2 - c / (3.0 * a)
    u = math.copysign(math.sqrt(max(u2, 0.0)), v)
    if u == 0.0:
        q1 = -b / (3.0 * a)
    else:
        w = (math.pi + math.acos(min(1.0, max(-1.0, v / u**3)))) / 3.0
        q1 = 2.0 * u * math.cos(w) - b / (3.0 * a)
    q1 = min(1.0, max(0.0, q1))
    q2 = min(1.0, max(0.0, q1 - delta))
    return q1, q2


def _mn_z(x1: int, n1: int, x2: int, n2: int, delta: float) -> float:
    """Miettinen-Nurminen score statistic for H0: p1 - p2 = delta."""
    num = x1 / n1 - x2 / n2 - delta
    if num == 0.0:
        return 0.0
    q1, q2 = _restricted_mle(x1, n1, x2, n2, delta)
    n = n1 + n2
    var = (q1 * (1 - q1) / n1 + q2 * (1 - q2) / n2) * n / (n - 1)
    if var <= 0.0:
        return math.copysign(math.inf, num)
    return num / math.sqrt(var)


def mn_interval(x1: int, n1: int, x2: int, n2: int, *, alpha: float = 0.05) -> dict:
    """Miettinen-Nurminen score interval and score test for the risk difference.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.
    alpha : float
        1 - confidence level.

    Returns
    -------
    dict
        ``estimate`` (p1 - p2), ``ci_low``, ``ci_high``, ``pval`` (two-sided
        score test of p1 = p2, which is the Pearson chi-square test times
        (N - 1)/N) and ``note``.

    Notes
    -----
    The interval is ``{delta : |z(delta)| <= z_{1 - alpha/2}}`` with
    ``z(delta) = (p1 - p2 - delta) / sqrt(V(delta))``,
    ``V = [q1 (1 - q1)/n1 + q2 (1 - q2)/n2] N/(N - 1)`` and (q1, q2) the MLE
    under p1 - p2 = delta (closed-form cubic root, Farrington & Manning 1990).
    Each limit is found by :func:`scipy.optimize.brentq` between the estimate
    and -1 or 1 (a limit is -1 or 1 itself when the estimate is there).

    Written here because statsmodels 0.15 ``confint_proportions_2indep(...,
    method="score")`` solves the restricted likelihood with ``count0`` where
    ``nobs0`` belongs (statsmodels issue #10269, PR #10270) and is wrong
    whenever the difference is not 0. An arm with ``n = 0`` gives NaN and a note.

    References
    ----------
    Miettinen O, Nurminen M. Comparative analysis of two rates. Stat Med
    1985;4:213-26. Farrington CP, Manning G. Test statistics and sample size
    formulae for comparative binomial trials with null hypothesis of non-zero
    risk difference or non-unity relative risk. Stat Med 1990;9:1447-54.
    Newcombe RG. Interval estimation for the difference between independent
    proportions. Stat Med 1998;17:873-90 (Table II, method 6).

    Examples
    --------
    >>> r = mn_interval(56, 70, 48, 80)
    >>> round(r["ci_low"], 4), round(r["ci_high"], 4)
    (0.0528, 0.3382)
    """
    note = check_counts(x1, n1, x2, n2)
    if note:
        return {
            "estimate": _NAN,
            "ci_low": _NAN,
            "ci_high": _NAN,
            "pval": _NAN,
            "note": note,
        }
    est = x1 / n1 - x2 / n2
    zc = stats.norm.ppf(1 - alpha / 2)
    eps = 1e-12

    def limit(sign: float, bound: float) -> float:
        # sign = +1: lower limit, z(delta) - zc changes sign on (bound, est]
        if est == bound:
            return bound

        def f(dl: float) -> float:
            # an infinite z (zero restricted variance) is clamped so brentq can bracket
            return min(1e12, max(-1e12, _mn_z(x1, n1, x2, n2, dl))) - sign * zc

        edge = bound + sign * eps
        if f(edge) * sign > 0:
            lo, hi = sorted((edge, est))
            return optimize.brentq(f, lo, hi, xtol=1e-13, rtol=4 * np.finfo(float).eps)
        return bound

    low, high = limit(1.0, -1.0), limit(-1.0, 1.0)
    z0 = _mn_z(x1, n1, x2, n2, 0.0)
    pval = 1.0 if z0 == 0.0 else float(2 * stats.norm.sf(abs(z0)))
    return {"estimate": est, "ci_low": low, "ci_high": high, "pval": pval, "note": ""}


def risk_difference_intervals(
    x1: int, n1: int, x2: int, n2: int, *, alpha: float = 0.05
) -> pd.DataFrame:
    """Risk difference p1 - p2 with three small-sample confidence intervals.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.
    alpha : float
        1 - confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per method, columns ``test_or_method``, ``estimate``
        (p1 - p2), ``ci_low``, ``ci_high``, ``pval`` (score test for
        Miettinen-Nurminen, NaN for the others, which have no test) and
        ``note``. Methods: ``"Newcombe hybrid score"``
        (:func:`statsmodels.stats.proportion.confint_proportions_2indep`,
        ``method="newcomb"``: Wilson intervals of each arm combined by the
        square-and-add rule, Newcombe 1998 method 10), ``"Agresti-Caffo"``
        (``method="agresti-caffo"``: Wald interval after adding one event and
        one non-event to each arm; a limit beyond -1 or 1 is truncated there
        and the note says so) and ``"Miettinen-Nurminen score"``
        (:func:`mn_interval`).

    Notes
    -----
    An arm with ``n = 0`` gives NaN in every row and a note.

    References
    ----------
    Newcombe RG. Stat Med 1998;17:873-90. Agresti A, Caffo B. Simple and
    effective confidence intervals for proportions and differences of
    proportions result from adding two successes and two failures. Am Stat
    2000;54:280-8.

    Examples
    --------
    >>> t = risk_difference_intervals(9, 10, 3, 10)
    >>> t[["test_or_method", "ci_low", "ci_high"]].round(4).values.tolist()
    [['Newcombe hybrid score', 0.1705, 0.809], ['Agresti-Caffo', 0.16, 0.84], \
['Miettinen-Nurminen score', 0.17, 0.8406]]
    """
    note = check_counts(x1, n1, x2, n2)
    rows = []
    for label, method in (
        ("Newcombe hybrid score", "newcomb"),
        ("Agresti-Caffo", "agresti-caffo"),
    ):
        if note:
            est = low = high = _NAN
        else:
            est = x1 / n1 - x2 / n2
            low, high = confint_proportions_2indep(
                x1, n1, x2, n2, method=method, compare="diff", alpha=alpha
            )
            low, high = float(low), float(high)
        extra = ""
        if low < -1.0 or high > 1.0:
            low, high = max(low, -1.0), min(high, 1.0)
            extra = "; limit truncated to [-1, 1]"
        rows.append(
            {
                "test_or_method": label,
                "estimate": est,
                "ci_low": low,
                "ci_high": high,
                "pval": _NAN,
                "note": note or "interval only; no test" + extra,
            }
        )
    mn = mn_interval(x1, n1, x2, n2, alpha=alpha)
    rows.append({"test_or_method": "Miettinen-Nurminen score", **mn})
    return pd.DataFrame(rows, columns=_COLUMNS)


_COLUMNS = ["test_or_method", "estimate", "ci_low", "ci_high", "pval", "note"]


def small_sample_table(
    x1: int, n1: int, x2: int, n2: int, *, alpha: float = 0.05
) -> pd.DataFrame:
    """Every small-sample test and risk-difference interval of a 2x2 table.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.
    alpha : float
        1 - confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Columns ``test_or_method``, ``estimate``, ``ci_low``, ``ci_high``,
        ``pval``, ``note``. Test rows (``"Fisher exact test"``,
        ``"Fisher mid-p"``, ``"Barnard's exact test"``, ``"Boschloo's exact
        test"``) have the observed risk difference as ``estimate``, no
        interval and the two-sided p; then the rows of
        :func:`risk_difference_intervals`.

    Notes
    -----
    An arm with ``n = 0`` gives NaN everywhere and a note in every row.

    Examples
    --------
    >>> t = small_sample_table(11, 27, 3, 26)
    >>> t["test_or_method"].tolist()[:4]
    ['Fisher exact test', 'Fisher mid-p', "Barnard's exact test", "Boschloo's exact test"]
    """
    note = check_counts(x1, n1, x2, n2)
    est = _NAN if note else x1 / n1 - x2 / n2
    tests = (
        ("Fisher exact test", fisher_test),
        ("Fisher mid-p", fisher_midp),
        ("Barnard's exact test", barnard_test),
        ("Boschloo's exact test", boschloo_test),
    )
    rows = []
    for label, fn in tests:
        r = fn(x1, n1, x2, n2)
        rows.append(
            {
                "test_or_method": label,
                "estimate": est,
                "ci_low": _NAN,
                "ci_high": _NAN,
                "pval": r["pval"],
                "note": r["note"] or "test of p1 = p2; no interval",
            }
        )
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    return pd.concat(
        [frame, risk_difference_intervals(x1, n1, x2, n2, alpha=alpha)], ignore_index=True
    )
