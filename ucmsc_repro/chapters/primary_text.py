"""The primary-endpoint chapter's display frames and sentences (chapter ``primary``).

Formatting only: the numbers come from :mod:`ucmsc_repro.chapters.primary`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..stats.power import DEFAULT_POWER_METHOD
from .primary import (
    ARMS,
    OUTCOMES,
    rates_by_arm,
)

__all__ = [
    "rates_display",
    "effects_display",
    "significance_display",
    "power_display",
    "insulin_free_display",
    "chapter_texts",
]


def _ci_text(low: float, high: float, digits: int) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "not estimable"
    return f"{low:.{digits}f} to {high:.{digits}f}"


def rates_display(data: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Remission and its two components per arm, formatted for the book.

    Returns
    -------
    pandas.DataFrame
        Columns ``Outcome``, ``Arm``, ``Events / n``, ``%``, ``<level>% CI
        (Wilson)``, ``Unknown``; one row per outcome of :data:`OUTCOMES` and
        arm. Counts per arm only: no participant-level row.
    """
    level = f"{100 * (1 - alpha):g}% CI (Wilson)"
    labels = dict((arm, label) for arm, _, label in ARMS)
    rows = []
    for outcome, text in OUTCOMES.items():
        for r in rates_by_arm(data, outcome=outcome, alpha=alpha).itertuples():
            rows.append(
                {
                    "Outcome": text,
                    "Arm": labels[r.arm],
                    "Events / n": f"{r.events}/{r.n}",
                    "%": "" if not np.isfinite(r.pct) else f"{r.pct:.1f}",
                    level: _ci_text(r.ci_low, r.ci_high, 1),
                    "Unknown": r.missing,
                }
            )
    return pd.DataFrame(rows)


_MEASURE_LABELS = {
    "risk_difference": "Risk difference (MSC - control, percentage points)",
    "risk_ratio": "Risk ratio (MSC / control)",
    "odds_ratio": "Odds ratio (MSC / control)",
}


def effects_display(effects: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """:func:`effect_measures` formatted for the book.

    Returns
    -------
    pandas.DataFrame
        Columns ``Measure``, ``Estimate``, ``<level>% CI``, ``Interval``
        (the method of the interval).
    """
    level = f"{100 * (1 - alpha):g}% CI"
    rows = []
    for e in effects.itertuples():
        digits = 1 if e.measure == "risk_difference" else 2
        rows.append(
            {
                "Measure": _MEASURE_LABELS[e.measure],
                "Estimate": f"{e.estimate:.{digits}f}",
                level: _ci_text(e.ci_low, e.ci_high, digits),
                "Interval": e.method.split(": ", 1)[-1],
            }
        )
    return pd.DataFrame(rows)


def significance_display(tests: pd.DataFrame) -> pd.DataFrame:
    """:func:`significance_tests` formatted for the book.

    Returns
    -------
    pandas.DataFrame
        Columns ``Test``, ``Two-sided``, ``n``, ``Statistic``, ``df``, ``p``,
        ``Picked by the paper's rule``.
    """
    rows = []
    for t in tests.itertuples():
        is_fisher = t.key == "pval_fisher"
        stat = "" if not np.isfinite(t.statistic) else f"{t.statistic:.3f}"
        rows.append(
            {
                "Test": t.test,
                "Two-sided": "yes" if t.two_sided else "no",
                "n": t.n,
                "Statistic": f"OR {stat}" if is_fisher and stat else stat,
                "df": "" if not np.isfinite(t.dof) else f"{t.dof:.0f}",
                "p": "" if not np.isfinite(t.pval) else f"{t.pval:.4f}",
                "Picked by the paper's rule": "yes" if t.paper_rule else "",
            }
        )
    return pd.DataFrame(rows)


def power_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`ucmsc_repro.stats.power.power_table` formatted for the book.

    Returns
    -------
    pandas.DataFrame
        Columns ``Method and formula`` and ``Power (%)``.
    """
    return pd.DataFrame(
        {
            "Method and formula": [
                f"{r.label}{' (default)' if r.method == DEFAULT_POWER_METHOD else ''}: "
                f"{r.formula}"
                for r in table.itertuples()
            ],
            "Power (%)": [
                f"{100 * p:.1f}" if np.isfinite(p) else "not defined"
                for p in table["power"]
            ],
        }
    )


def insulin_free_display(free: pd.DataFrame) -> pd.DataFrame:
    """:func:`insulin_free_by_arm` formatted for the book (counts, no listing).

    Returns
    -------
    pandas.DataFrame
        Columns ``Arm``, ``Onset``, ``Insulin-free / n``, ``%``.
    """
    labels = dict((arm, label) for arm, _, label in ARMS)
    return pd.DataFrame(
        {
            "Arm": [labels[a] for a in free["arm"]],
            "Onset": free["onset"].str.replace("all", "all participants"),
            "Insulin-free / n": [
                f"{e}/{n}" for e, n in zip(free["events"], free["n"], strict=True)
            ],
            "%": ["" if not np.isfinite(p) else f"{p:.1f}" for p in free["pct"]],
        }
    )


def _lower_first(text: str) -> str:
    """'Normal approximation, ...' -> 'normal approximation, ...' for mid-sentence use."""
    return text[:1].lower() + text[1:]


def _paper_claim(key: str, *, prefix: bool = False) -> tuple[str, int] | None:
    """The paper's printed value of ``key`` (first ``eq`` claim) and its decimals.

    With ``prefix=True`` the first ``eq`` claim whose key starts with ``key``.
    """
    from ..data.claims import read_claims

    claims = read_claims()
    keys = claims["key"].str.startswith(key) if prefix else claims["key"].eq(key)
    hit = claims.loc[keys & claims["relation"].eq("eq")]
    if hit.empty:
        return None
    row = hit.iloc[0]
    return row["reported"], int(row["digits"])


def _rounds_to(value: float, reported: str, digits: int) -> bool:
    """Whether ``value`` rounded half up at ``digits`` decimals prints as ``reported``."""
    from decimal import ROUND_HALF_UP, Decimal

    if not np.isfinite(value):
        return False
    q = Decimal(1).scaleb(-digits)
    return Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP) == Decimal(
        reported
    ).quantize(q)


def _finite(v: pd.Series, key: str) -> float | None:
    x = v.get(key)
    return float(x) if x is not None and np.isfinite(x) else None


def _months_range(lo: float, hi: float) -> str:
    return (
        f"{lo:.1f} months" if f"{lo:.1f}" == f"{hi:.1f}" else f"{lo:.1f} to {hi:.1f} months"
    )


def insulin_free_sentence(v: pd.Series) -> str:
    """When the insulin-free periods started and how long they lasted, in words.

    Parameters
    ----------
    v : pandas.Series
        The chapter's results, value by key.

    Examples
    --------
    >>> v = pd.Series({"primary.settings.endpoint_month": 12.0,
    ...     "primary.insulin_free.ongoing.events": 0.0,
    ...     "primary.insulin_free.start_month.min": float("nan"),
    ...     "primary.insulin_free.start_month.max": float("nan")})
    >>> insulin_free_sentence(v).split(", so")[0]
    'No participant was insulin-free by month 12'
    >>> v = pd.Series({"primary.settings.endpoint_month": 12.0,
    ...     "primary.insulin_free.ongoing.events": 1.0,
    ...     "primary.insulin_free.start_month.min": 3.0,
    ...     "primary.insulin_free.start_month.max": 3.0,
    ...     "primary.insulin_free.duration_months.min": float("nan"),
    ...     "primary.insulin_free.duration_months.max": float("nan")})
    >>> insulin_free_sentence(v).split(" and ")[1]
    'was still ongoing at the last record.'
    """
    month = _finite(v, "primary.settings.endpoint_month")
    start_lo = _finite(v, "primary.insulin_free.start_month.min")
    start_hi = _finite(v, "primary.insulin_free.start_month.max")
    if start_lo is None or start_hi is None:
        return (
            f"No participant was insulin-free by month {month:g}, so there are no "
            "insulin-free periods to describe."
        )
    ongoing = int(v.get("primary.insulin_free.ongoing.events", 0))
    dur_lo = _finite(v, "primary.insulin_free.duration_months.min")
    dur_hi = _finite(v, "primary.insulin_free.duration_months.max")
    one = start_lo == start_hi and (dur_lo is None or dur_lo == dur_hi) and ongoing <= 1
    started = (
        f"The insulin-free {'period' if one else 'periods'} started "
        f"{_months_range(start_lo, start_hi)} after the first infusion"
    )
    if dur_lo is None or dur_hi is None:
        verb = "was" if one else "were all"
        return f"{started} and {verb} still ongoing at the last record."
    return (
        f"{started} and lasted {_months_range(dur_lo, dur_hi)} ({ongoing} still ongoing); "
        "a period may end after the last scheduled visit."
    )


def power_sentence(power: pd.DataFrame, v: pd.Series) -> str:
    """What the default power formula gives, or why it is not defined.

    Power needs a difference to detect and a variance: when every participant
    of both arms has the same outcome (nobody, or everybody, remitted), the
    observed rates are equal at 0% or 100% and every formula divides by zero.
    """
    row = power.set_index("method").loc[DEFAULT_POWER_METHOD]
    if np.isfinite(row["power"]):
        return (
            f"which gives {100 * row['power']:.1f}% for the observed rates at the "
            "chapter's alpha (two-sided)"
        )
    p1 = v.get("primary.remission.msc.pct")
    p2 = v.get("primary.remission.control.pct")
    if p1 is not None and p2 is not None and p1 == p2 and p1 in (0.0, 100.0):
        who = "nobody" if p1 == 0 else "everybody"
        return (
            f"which is not defined here: {who} remitted in either arm, so the observed "
            "rates are equal with no variability and there is no difference whose power "
            "could be computed"
        )
    return (
        "which is not defined here: an arm has no participant with a known outcome, "
        "so there are no observed rates to compute it from"
    )


def chapter_texts(
    results_frame: pd.DataFrame, *, tests: pd.DataFrame | None, power: pd.DataFrame | None
) -> dict[str, str]:
    """Pieces of text the chapter glues into its prose (computed, never typed).

    Parameters
    ----------
    results_frame : pandas.DataFrame
        :func:`results` of the chapter.
    tests : pandas.DataFrame or None
        :func:`significance_tests` of the remission counts (None: not computed).
    power : pandas.DataFrame or None
        :func:`ucmsc_repro.stats.power.power_table` of the remission counts.

    Returns
    -------
    dict
        ``primary.text.<name>`` -> text: ``rule_test`` (the test the paper's
        rule picks), ``paper_pval`` and ``paper_power`` (the paper's printed
        values, from ``data/paper_claims.csv``), ``pval_match`` and
        ``power_match`` (which computations print as the paper's value),
        ``power_default`` (the default formula's name), ``ci_level``.

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation): "p = 0.041", "68.4% power".
    """
    v = results_frame.set_index("key")["value"]
    level = f"{v.get('primary.settings.confidence_pct', 95.0):g}%"
    out = {"primary.text.ci_level": level}
    # the paper's p-value for remission, whichever test the claims file keys it to
    claim_p = _paper_claim("primary.remission.pval", prefix=True)
    claim_power = _paper_claim(f"primary.power.{DEFAULT_POWER_METHOD}")
    out["primary.text.paper_pval"] = claim_p[0] if claim_p else "not reported"
    out["primary.text.paper_power"] = claim_power[0] if claim_power else "not reported"
    if tests is not None:
        rule = tests.loc[tests["paper_rule"]].iloc[0]
        out["primary.text.rule_test"] = str(rule["test"])
        if claim_p:
            hits = [
                str(t.test)
                for t in tests.itertuples()
                if _rounds_to(t.pval, claim_p[0], claim_p[1])
            ]
            out["primary.text.pval_match"] = (
                f"none of the three tests gives p = {claim_p[0]}"
                if not hits
                else " and ".join(hits) + f" give{'s' if len(hits) == 1 else ''} "
                f"p = {claim_p[0]}"
            )
    out["primary.text.insulin_free_periods"] = insulin_free_sentence(v)
    if power is not None:
        out["primary.text.power_result"] = power_sentence(power, v)
        out["primary.text.power_default"] = _lower_first(
            str(power.set_index("method").loc[DEFAULT_POWER_METHOD, "label"])
        )
        if claim_power:
            pct = 100.0 * power["power"]
            finite = np.isfinite(pct.to_numpy())
            hits = [
                str(label)
                for label, p in zip(power["label"], pct, strict=True)
                if _rounds_to(p, claim_power[0], claim_power[1])
            ]
            if not finite.any():
                out["primary.text.power_match"] = (
                    f"no formula gives a power for these rates, so none can print as "
                    f"{claim_power[0]}%"
                )
            elif hits:
                names = "; ".join(_lower_first(h) for h in hits)
                out["primary.text.power_match"] = (
                    f"the {names} print{'s' if len(hits) == 1 else ''} as {claim_power[0]}%"
                )
            else:
                gap = np.where(
                    finite, np.abs(pct.to_numpy() - float(claim_power[0])), np.inf
                )
                i = int(np.argmin(gap))
                out["primary.text.power_match"] = (
                    f"none of the formulas prints as {claim_power[0]}%; the closest, "
                    f"{pct.iloc[i]:.2f}%, is the {_lower_first(power['label'].iloc[i])}"
                )
    return out
