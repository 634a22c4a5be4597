"""Sample size per arm of a two-arm trial: two proportions, and an ANCOVA on a log scale.

General statistics (nothing here knows the paper). Validated against R
(``power.prop.test`` and the formulas written out in R) in
``tests/stats/test_sample_size.py``.
"""

from __future__ import annotations

import math

from scipy import stats

__all__ = ["n_two_proportions", "n_log_ancova"]


def _z(alpha: float, power: float) -> tuple[float, float]:
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must lie in (0, 1), got {alpha!r}, {power!r}")
    return float(stats.norm.ppf(1 - alpha / 2)), float(stats.norm.ppf(power))


def n_two_proportions(
    p1: float,
    p2: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    continuity: bool = True,
) -> float:
    """Participants per arm to detect ``p1`` against ``p2`` (two-sided test).

    Parameters
    ----------
    p1, p2 : float
        The proportions of the two arms under the alternative.
    alpha : float
        Two-sided level.
    power : float
    continuity : bool
        Apply Fleiss's continuity correction (default).

    Returns
    -------
    float
        Unrounded n per arm (round up for a design); ``inf`` when ``p1 == p2``,
        NaN when a proportion is outside (0, 1).

    Notes
    -----
    Without correction, ``n' = [z_{1-a/2} sqrt(2 pbar qbar) + z_{1-b}
    sqrt(p1 q1 + p2 q2)]^2 / (p1 - p2)^2`` with ``pbar = (p1 + p2) / 2`` (R
    ``power.prop.test``); with correction, ``n = n'/4 [1 + sqrt(1 + 4 / (n'
    |p1 - p2|))]^2`` (Fleiss, Tytun and Ury 1980).

    References
    ----------
    Fleiss JL, Levin B, Paik MC. Statistical methods for rates and proportions,
    3rd ed. Wiley, 2003, section 4.2 (equations 4.14 and 4.19).

    Examples
    --------
    >>> round(n_two_proportions(0.25, 0.5, continuity=False), 4)  # R power.prop.test
    57.6734
    """
    za, zb = _z(alpha, power)
    if not (0 < p1 < 1 and 0 < p2 < 1):
        return float("nan")
    d = abs(p1 - p2)
    if d == 0:
        return float("inf")
    pbar = (p1 + p2) / 2
    n0 = (
        za * math.sqrt(2 * pbar * (1 - pbar))
        + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / d**2
    if not continuity:
        return float(n0)
    return float(n0 / 4 * (1 + math.sqrt(1 + 4 / (n0 * d))) ** 2)


def n_log_ancova(
    resid_sd: float, ratio: float, *, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Participants per arm for an ANCOVA of ``log(x + 1)`` to detect a ratio.

    Parameters
    ----------
    resid_sd : float
        Residual standard deviation of the ANCOVA on the log scale.
    ratio : float
        Ratio of the adjusted geometric means of ``x + 1``, treated over control.
    alpha, power : float

    Returns
    -------
    float
        ``2 (z_{1-a/2} + z_{1-b})^2 sd^2 / log(ratio)^2``, unrounded; ``inf``
        when the ratio is 1, NaN when the inputs are not positive.

    References
    ----------
    Lachin JM, McGee PL, Greenbaum CJ, et al. Sample size requirements for
    studies of treatment effects on beta-cell function in newly diagnosed type
    1 diabetes. PLoS One 2011;6:e26471 (the normal-approximation formula with
    the residual SD of the ANCOVA of log(x + 1)).

    Examples
    --------
    >>> round(n_log_ancova(0.5, math.exp(0.5)), 4)  # 2 (1.96 + 0.8416)^2
    15.6978
    """
    za, zb = _z(alpha, power)
    if not (resid_sd > 0 and ratio > 0) or not math.isfinite(resid_sd * ratio):
        return float("nan")
    delta = math.log(ratio)
    if delta == 0:
        return float("inf")
    return float(2 * (za + zb) ** 2 * resid_sd**2 / delta**2)
