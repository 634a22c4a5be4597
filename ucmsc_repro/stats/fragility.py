"""Fragility index, fragility quotient and reverse fragility index of a 2x2 result.

How many participants' outcomes would have to be different for a trial's
conclusion about a binary endpoint (significant or not by Fisher's exact test)
to flip. All functions take ``x1`` events of ``n1`` (arm 1) and ``x2`` of
``n2`` (arm 2), never raise or warn on degenerate tables, and return NaN with a
``note`` when the index cannot be computed (an empty arm, or no change within
the arm reaches the other side of alpha).
"""

from __future__ import annotations

import math

from scipy import stats

from .small_sample import check_counts

__all__ = ["fisher_p", "fragility_index", "reverse_fragility_index", "fragility"]

_NAN = float("nan")


def fisher_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided Fisher exact p of x1/n1 vs x2/n2 (:func:`scipy.stats.fisher_exact`).

    Examples
    --------
    >>> round(fisher_p(11, 27, 3, 26), 4)
    0.0276
    """
    return float(stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue)


#: Changes tried one at a time before the search for the index speeds up.
LINEAR_STEPS = 100


def _walk(x, n, other, arm, step, alpha, want_significant):
    """Change one arm's outcomes one at a time (step = +1 adds events, -1 removes).

    Returns (k, p) for the first k whose Fisher p is on the wanted side of
    alpha, or (None, None) if none is within 0..n.

    The first :data:`LINEAR_STEPS` changes are tried one by one (the exact
    definition; every trial of the paper's size ends here). Beyond them, as in a
    trial of thousands, k is found by doubling then bisection, in about 2 log2(k)
    Fisher tests instead of k. That needs the wanted side to be reached once
    for all along the searched range: towards significance (the reverse index)
    the rates only move apart once significant; away from it (the fragility
    index) the search stops where this arm's rate reaches the other arm's,
    beyond which the difference grows again. If the wanted side is not reached
    there, the changes are tried one by one after all.
    """

    def side(k):
        xk = x + step * k
        p = fisher_p(xk, n, *other) if arm == 1 else fisher_p(*other, xk, n)
        return (p < alpha) == want_significant, p

    limit = n - x if step > 0 else x  # changes possible within 0..n
    for k in range(1, min(limit, LINEAR_STEPS) + 1):
        hit, p = side(k)
        if hit:
            return k, p
    if limit <= LINEAR_STEPS:
        return None, None
    cap = limit
    if not want_significant:  # stop where the two arms' rates are equal
        x_other, n_other = other
        k_equal = math.ceil(step * (n * x_other / n_other - x))
        cap = min(limit, max(k_equal, LINEAR_STEPS + 1))
    lo, hi = LINEAR_STEPS, LINEAR_STEPS  # side(lo) is not a hit
    while True:
        hi = min(2 * hi, cap)
        hit, p = side(hi)
        if hit:
            break
        if hi == cap:
            # not reached: one by one after all
            for k in range(LINEAR_STEPS + 1, limit + 1):
                hit, p = side(k)
                if hit:
                    return k, p
            return None, None
        lo = hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        hit, p_mid = side(mid)
        if hit:
            hi, p = mid, p_mid
        else:
            lo = mid
    return hi, p


def _result(kind, k, p_before, p_after, arm, step, n_total, note, arm_names):
    changed = {1: arm_names[0], 2: arm_names[1]}.get(arm, "")
    direction = {1: "non-event to event", -1: "event to non-event"}.get(step, "")
    return {
        "kind": kind,
        "index": _NAN if k is None else float(k),
        "quotient": _NAN if k is None or n_total == 0 else k / n_total,
        "direction": direction,
        "arm_changed": changed,
        "p_before": p_before,
        "p_after": _NAN if p_after is None else p_after,
        "note": note,
    }


def fragility_index(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    *,
    alpha: float = 0.05,
    arm_names: tuple[str, str] = ("arm 1", "arm 2"),
) -> dict:
    """Fragility index (Walsh et al. 2014) of a significant result.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.
    alpha : float
        Significance level: the result is significant when Fisher's two-sided
        p < alpha.
    arm_names : tuple of str
        Names of the arms used in ``arm_changed``.

    Returns
    -------
    dict
        ``kind`` ("fragility"), ``index`` (number of participants whose
        outcome is changed), ``quotient`` (index / (n1 + n2)), ``direction``
        ("non-event to event"), ``arm_changed``, ``p_before``, ``p_after``
        (Fisher p after the changes) and ``note``.

    Notes
    -----
    Walsh's definition: in the arm with fewer events, non-events are changed
    to events one at a time, Fisher's two-sided p recomputed each time, until
    p >= alpha; the index is the number of changes. When both arms have the
    same number of events, both are tried and the smaller index is kept (arm
    1 on a tie). A non-significant result has no fragility index (NaN, note:
    use :func:`reverse_fragility_index`); so has a table where the arm runs
    out of non-events first (NaN, note), or an empty arm.

    References
    ----------
    Walsh M, Srinathan SK, McAuley DF, et al. The statistical significance of
    randomized controlled trial results is frequently fragile: a case for a
    Fragility Index. J Clin Epidemiol 2014;67:622-8. Ahmed W, Fowler RA,
    McCredie VA. Does sample size matter when interpreting the fragility
    index? Crit Care Med 2016;44:e1142-3 (fragility quotient).

    Examples
    --------
    >>> r = fragility_index(11, 27, 3, 26, arm_names=("MSC", "control"))
    >>> r["index"], r["arm_changed"], round(r["p_after"], 3)
    (1.0, 'control', 0.066)
    """
    note = check_counts(x1, n1, x2, n2)
    if note:
        return _result("fragility", None, _NAN, None, None, None, n1 + n2, note, arm_names)
    p0 = fisher_p(x1, n1, x2, n2)
    if p0 >= alpha:
        note = f"not significant (Fisher p >= {alpha:g}): see the reverse fragility index"
        return _result("fragility", None, p0, None, None, None, n1 + n2, note, arm_names)
    arms = [1] if x1 < x2 else [2] if x2 < x1 else [1, 2]
    best = None
    for arm in arms:
        if arm == 1:
            k, p = _walk(x1, n1, (x2, n2), 1, 1, alpha, False)
        else:
            k, p = _walk(x2, n2, (x1, n1), 2, 1, alpha, False)
        if k is not None and (best is None or k < best[0]):
            best = (k, p, arm)
    if best is None:
        note = "no number of added events in the arm with fewer events makes p >= alpha"
        return _result("fragility", None, p0, None, None, None, n1 + n2, note, arm_names)
    k, p, arm = best
    return _result("fragility", k, p0, p, arm, 1, n1 + n2, "", arm_names)


def reverse_fragility_index(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    *,
    alpha: float = 0.05,
    arm_names: tuple[str, str] = ("arm 1", "arm 2"),
) -> dict:
    """Reverse fragility index (Khan et al. 2020) of a non-significant result.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Events and participants in arm 1 and arm 2.
    alpha : float
        Significance level.
    arm_names : tuple of str
        Names of the arms used in ``arm_changed``.

    Returns
    -------
    dict
        Keys as :func:`fragility_index`, ``kind`` = "reverse fragility".

    Notes
    -----
    Definition used here: the smallest number of participants in a single arm
    whose outcome must change, all in the same direction, for Fisher's
    two-sided p to fall below alpha. Every single-arm, single-direction walk
    (events added to or removed from arm 1 or arm 2) is tried and the
    shortest kept; ties are broken in the order arm 1 then arm 2, adding
    before removing. This is the change "in the arm that moves the result
    toward significance" of Khan et al., generalised to whichever arm and
    direction needs fewest changes (they changed the arm with fewer events).
    A significant result has no reverse index (NaN, note); an empty arm
    neither.

    References
    ----------
    Khan MS, Fonarow GC, Friede T, et al. Application of the reverse
    fragility index to statistically nonsignificant randomized clinical trial
    results. JAMA Netw Open 2020;3:e2012469.

    Examples
    --------
    >>> r = reverse_fragility_index(5, 27, 3, 26)
    >>> r["index"], r["arm_changed"], r["direction"]
    (6.0, 'arm 1', 'non-event to event')
    """
    note = check_counts(x1, n1, x2, n2)
    if note:
        return _result(
            "reverse fragility", None, _NAN, None, None, None, n1 + n2, note, arm_names
        )
    p0 = fisher_p(x1, n1, x2, n2)
    if p0 < alpha:
        note = f"significant (Fisher p < {alpha:g}): see the fragility index"
        return _result(
            "reverse fragility", None, p0, None, None, None, n1 + n2, note, arm_names
        )
    best = None
    for arm in (1, 2):
        for step in (1, -1):
            if arm == 1:
                k, p = _walk(x1, n1, (x2, n2), 1, step, alpha, True)
            else:
                k, p = _walk(x2, n2, (x1, n1), 2, step, alpha, True)
            if k is not None and (best is None or k < best[0]):
                best = (k, p, arm, step)
    if best is None:
        note = "no single-arm change of outcomes makes p < alpha"
        return _result(
            "reverse fragility", None, p0, None, None, None, n1 + n2, note, arm_names
        )
    k, p, arm, step = best
    return _result("reverse fragility", k, p0, p, arm, step, n1 + n2, "", arm_names)


def fragility(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    *,
    alpha: float = 0.05,
    arm_names: tuple[str, str] = ("arm 1", "arm 2"),
) -> dict:
    """Fragility index if the result is significant, else reverse fragility index.

    Returns
    -------
    dict
        The dict of :func:`fragility_index` or :func:`reverse_fragility_index`.

    Examples
    --------
    >>> fragility(11, 27, 3, 26)["kind"]
    'fragility'
    """
    note = check_counts(x1, n1, x2, n2)
    if not note and fisher_p(x1, n1, x2, n2) >= alpha:
        return reverse_fragility_index(x1, n1, x2, n2, alpha=alpha, arm_names=arm_names)
    return fragility_index(x1, n1, x2, n2, alpha=alpha, arm_names=arm_names)
