"""E-values: how strong unmeasured confounding would have to be to explain an effect away.

VanderWeele and Ding (2017): the E-value of a risk ratio RR is the minimum
strength of association, on the risk-ratio scale, that an unmeasured
confounder would need to have with both the treatment and the outcome,
conditional on the measured covariates, to fully explain away the observed
association.
"""

from __future__ import annotations

import math

__all__ = ["evalue_rr", "evalues"]

_NAN = float("nan")


def evalue_rr(rr: float) -> float:
    """E-value of a risk ratio: RR + sqrt(RR (RR - 1)), with RR < 1 inverted first.

    Returns NaN for a missing or non-positive ratio, 1 for RR = 1.

    References
    ----------
    VanderWeele TJ, Ding P. Sensitivity analysis in observational research:
    introducing the E-value. Ann Intern Med 2017;167:268-74 (Table; the
    example RR 3.9 gives 7.26).

    Examples
    --------
    >>> round(evalue_rr(3.9), 2), round(evalue_rr(1 / 3.9), 2), evalue_rr(1.0)
    (7.26, 7.26, 1.0)
    """
    if rr is None or not math.isfinite(rr) or rr <= 0:
        return _NAN
    r = rr if rr >= 1 else 1.0 / rr
    return float(r + math.sqrt(r * (r - 1.0)))


def evalues(rr: float, ci_low: float, ci_high: float) -> dict:
    """E-values of a risk ratio and of its confidence limit nearer 1.

    Parameters
    ----------
    rr, ci_low, ci_high : float
        Risk ratio and its confidence interval.

    Returns
    -------
    dict
        ``point`` (E-value of ``rr``), ``ci`` (E-value of the limit nearer 1;
        exactly 1 when the interval includes 1), ``limit`` (that limit, or 1
        when the interval includes 1), ``includes_null`` (bool) and ``note``.

    Notes
    -----
    As R ``EValue::evalues.RR(est, lo, hi)``: for RR > 1 the lower limit is
    used, for RR < 1 the upper one; if the interval crosses 1 its E-value is
    1 (no confounding is needed to move it to the null).

    Examples
    --------
    >>> e = evalues(3.9, 1.8, 8.7)
    >>> round(e["point"], 2), round(e["ci"], 2), e["limit"]
    (7.26, 3.0, 1.8)
    >>> evalues(1.4, 0.8, 2.4)["ci"]
    1.0
    """
    out = {"point": evalue_rr(rr), "ci": _NAN, "limit": _NAN, "includes_null": False}
    if not all(v is not None and math.isfinite(v) and v > 0 for v in (rr, ci_low, ci_high)):
        return out | {"note": "the risk ratio or its interval is not defined"}
    if ci_low <= 1.0 <= ci_high:
        return out | {"ci": 1.0, "limit": 1.0, "includes_null": True, "note": ""}
    limit = ci_low if rr > 1 else ci_high
    return out | {"ci": evalue_rr(limit), "limit": float(limit), "note": ""}
