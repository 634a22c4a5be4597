"""Synthetic cohort, step 2a: the paper's reported model terms and the model frame.

What the calibration aims at (:class:`ReportedTerm`: a reported odds ratio, interval
and p-value, and the coefficient and standard error they imply, :func:`interval_center`),
and the frame the paper's logistic models are fitted on (:func:`model_frame`,
:func:`model_residuals`). Used by :mod:`ucmsc_repro.synthetic.surrogate` and
:mod:`ucmsc_repro.synthetic.models`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from ..chapters.factors import (
    MSC_ADJUSTMENT,
    WHOLE_POPULATION_COVARIATES,
)
from ..stats.comparisons import compare_continuous
from ..stats.logistic import logit_table
from .targets import Targets

__all__ = [
    "WHOLE_REPORTED",
    "STEPWISE_REPORTED",
    "STEPWISE_FINAL",
    "ReportedTerm",
    "interval_center",
    "reported_term",
    "model_frame",
    "model_residuals",
]

_Z975 = float(stats.norm.ppf(0.975))
_FCP_BOUNDS = (101.0, 650.0)  # eligibility: fasting C-peptide >= 100 pmol/L (Methods)
_HBA1C_BOUNDS = (5.5, 16.5)
_HEIGHT_Z_BOUNDS = (-2.2, 2.2)
#: The models' terms whose estimates the paper reports.
WHOLE_REPORTED = ("msc", "bmi_kg_m2", "fcp_pmol_l_0")
STEPWISE_REPORTED = ("fcp_pmol_l_0", "msc_cells_total")
#: The final model of the forward selection the paper reports (forced + selected).
STEPWISE_FINAL = (*MSC_ADJUSTMENT, *STEPWISE_REPORTED)


@dataclass(frozen=True)
class ReportedTerm:
    """A model term as the paper reports it, with the decimals it is given to.

    Attributes
    ----------
    odds_ratio, pval : float
    or_decimals, p_decimals : int
    ci_low, ci_high : float or None
        Reported 95% CI (None when the paper gives no interval).
    """

    odds_ratio: float
    pval: float
    or_decimals: int
    p_decimals: int
    ci_low: float | None = None
    ci_high: float | None = None

    def reported(self) -> np.ndarray:
        """OR, p and (when given) the CI bounds, as reported."""
        vals = [self.odds_ratio, self.pval]
        if self.ci_low is not None:
            vals += [self.ci_low, self.ci_high]
        return np.array(vals, dtype=float)

    def half_units(self) -> np.ndarray:
        """Half a unit of the last reported decimal of each reported number."""
        h = [0.5 * 10.0**-self.or_decimals, 0.5 * 10.0**-self.p_decimals]
        if self.ci_low is not None:
            h += [0.5 * 10.0**-self.or_decimals] * 2
        return np.array(h, dtype=float)


def _shown(coef: float, se: float, with_ci: bool) -> np.ndarray:
    """OR, Wald p and, optionally, the 95% Wald CI of a coefficient."""
    vals = [np.exp(coef), 2.0 * stats.norm.sf(abs(coef / se))]
    if with_ci:
        vals += [np.exp(coef - _Z975 * se), np.exp(coef + _Z975 * se)]
    return np.array(vals, dtype=float)


def interval_center(term: ReportedTerm, grid: int = 201) -> tuple[float, float, float]:
    """The coefficient and SE whose OR, CI and p are deepest inside the rounding windows.

    Parameters
    ----------
    term : ReportedTerm
    grid : int
        Grid points per axis.

    Returns
    -------
    coef, se, slack : float
        ``slack`` is the smallest distance, in half units of the last reported
        decimal, of any shown number to the edge of its rounding window
        (positive: every shown number rounds to the reported one; at most 1).

    Notes
    -----
    Without a CI, the OR and the p-value fix the coefficient and its SE
    exactly (``se = coef / z(p)``). With a CI, the four numbers over-determine
    the two unknowns and a grid search finds the Chebyshev centre of the
    feasible region; when the region is empty, ``slack`` is negative and the
    point is the least bad one.

    References
    ----------
    Lu et al. 2021, Results ("OR 0.982(0.966-0.997), P = 0.023"; "OR
    1.141(1.017-1.280), P = 0.025").

    Examples
    --------
    >>> t = ReportedTerm(4.38, 0.044, 2, 3)
    >>> c, s, slack = interval_center(t)
    >>> round(float(np.exp(c)), 2), round(float(2 * stats.norm.sf(c / s)), 3), slack
    (4.38, 0.044, 1.0)
    """
    c0 = float(np.log(term.odds_ratio))
    z = float(stats.norm.isf(term.pval / 2.0))
    if term.ci_low is None:
        return c0, abs(c0) / z, 1.0
    h = term.half_units()
    rep = term.reported()
    h_or = h[0]
    cs = np.linspace(np.log(term.odds_ratio - h_or), np.log(term.odds_ratio + h_or), grid)
    s_lo = (np.log(term.ci_high - h_or) - np.log(term.ci_low + h_or)) / (2 * _Z975)
    s_hi = (np.log(term.ci_high + h_or) - np.log(term.ci_low - h_or)) / (2 * _Z975)
    ss = np.linspace(s_lo, s_hi, grid)
    C, S = np.meshgrid(cs, ss, indexing="ij")
    shown = np.stack(
        [
            np.exp(C),
            2.0 * special.ndtr(-np.abs(C / S)),
            np.exp(C - _Z975 * S),
            np.exp(C + _Z975 * S),
        ]
    )
    slack = np.min(1.0 - np.abs(shown - rep[:, None, None]) / h[:, None, None], axis=0)
    i, j = np.unravel_index(int(np.argmax(slack)), slack.shape)
    return float(cs[i]), float(ss[j]), float(slack[i, j])


def reported_term(t: Targets, prefix: str) -> ReportedTerm:
    """The paper's OR, p and (if given) CI of a model term, from the targets."""
    lo = hi = None
    if t.has(f"{prefix}.or.ci_low"):
        lo, hi = t.value(f"{prefix}.or.ci_low"), t.value(f"{prefix}.or.ci_high")
    return ReportedTerm(
        odds_ratio=t.value(f"{prefix}.or"),
        pval=t.value(f"{prefix}.pval"),
        or_decimals=t.decimals(f"{prefix}.or"),
        p_decimals=t.decimals(f"{prefix}.pval"),
        ci_low=lo,
        ci_high=hi,
    )


def model_frame(b: pd.DataFrame, remission: np.ndarray) -> pd.DataFrame:
    """The per-protocol participants with the columns the models use.

    Parameters
    ----------
    b : pandas.DataFrame
        Baseline table.
    remission : numpy.ndarray

    Returns
    -------
    pandas.DataFrame
        ``remission``, ``msc``, ``male``, ``age_years``, ``duration_months``,
        ``age_at_onset``, ``dk_or_dka``, ``bmi_kg_m2``, ``hba1c_pct_0``,
        ``fcp_pmol_l_0``, ``msc_cells_total``; one row per per-protocol participant.

    The same values :func:`ucmsc_repro.data.derive.analysis_table` derives from the
    written files (baseline visit values, ``msc``, ``male``, cells infused), so
    that the book's model functions can be run on a candidate before any
    file is written.

    References
    ----------
    Lu et al. 2021, Results (Factors associated with the efficacy of clinical remission).
    """
    pp = b.loc[b["pp"]].copy()
    return pd.DataFrame(
        {
            "remission": remission[b["pp"].to_numpy()],
            "msc": pp["arm"].eq("MSC").astype(int).to_numpy(),
            "male": pp["sex"].eq("M").astype(int).to_numpy(),
            "age_years": pp["age_years"].to_numpy(dtype=float),
            "duration_months": pp["duration_months"].to_numpy(dtype=float),
            "age_at_onset": (pp["age_years"] - pp["duration_months"] / 12.0).to_numpy(),
            "dk_or_dka": pp["dka_at_onset"].isin(["DK", "DKA"]).astype(int).to_numpy(),
            "bmi_kg_m2": pp["bmi_kg_m2"].to_numpy(dtype=float),
            "hba1c_pct_0": pp["hba1c0"].to_numpy(dtype=float),
            "fcp_pmol_l_0": pp["fcp0"].to_numpy(dtype=float),
            "msc_cells_total": np.where(
                pp["arm"].eq("MSC"), 2.0 * pp["weight_kg"].to_numpy(dtype=float), np.nan
            ),
        }
    )


def model_residuals(d: pd.DataFrame, t: Targets) -> pd.DataFrame:
    """The paper's model numbers next to what the book's functions give on ``d``.

    Parameters
    ----------
    d : pandas.DataFrame
        As :func:`model_frame` (or the per-protocol table of a chapter).
    t : Targets

    Returns
    -------
    pandas.DataFrame
        One row per reported number: ``key``, ``reported``, ``value``,
        ``half_unit``, ``residual`` (value minus reported, in half units of
        the last reported decimal: within (-1, 1) rounds to the paper's number).

    References
    ----------
    Lu et al. 2021, Results and Additional file 3 (Table S3).
    """
    rows = []
    whole = logit_table(d, covariates=WHOLE_POPULATION_COVARIATES).set_index("term")
    msc = d.loc[d["msc"] == 1]
    final = logit_table(msc, covariates=STEPWISE_FINAL).set_index("term")
    for prefix, table, terms in (
        ("factors.whole", whole, WHOLE_REPORTED),
        ("factors.stepwise", final, STEPWISE_REPORTED),
    ):
        for term in terms:
            rep = reported_term(t, f"{prefix}.{term}")
            r = table.loc[term]
            shown = [r["odds_ratio"], r["pval"]]
            names = ["or", "pval"]
            if rep.ci_low is not None:
                shown += [r["ci_low"], r["ci_high"]]
                names += ["or.ci_low", "or.ci_high"]
            for name, v, rv, h in zip(
                names, shown, rep.reported(), rep.half_units(), strict=True
            ):
                rows.append(
                    {
                        "key": f"{prefix}.{term}.{name}",
                        "reported": rv,
                        "value": v,
                        "half_unit": h,
                    }
                )
    rem = msc.loc[msc["remission"] == 1, "fcp_pmol_l_0"]
    non = msc.loc[msc["remission"] == 0, "fcp_pmol_l_0"]
    key = "factors.msc_remitters.fcp_pmol_l_0.pval"
    rows.append(
        {
            "key": key,
            "reported": t.value(key),
            "value": compare_continuous(rem, non)["pval"],
            "half_unit": 0.5 * 10.0 ** -t.decimals(key),
        }
    )
    out = pd.DataFrame(rows)
    out["residual"] = (out["value"] - out["reported"]) / out["half_unit"]
    return out
