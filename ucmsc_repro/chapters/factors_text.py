"""The factors chapter's display frames and sentences (chapter ``factors``).

Formatting only: the numbers come from :mod:`ucmsc_repro.chapters.factors` and
:mod:`ucmsc_repro.stats.logistic`; nothing here computes a statistic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.formatting import p_text, p_value, within_parentheses
from ..stats.logistic import StepwiseResult
from .factors import (
    MSC_ADJUSTMENT,
    MSC_CANDIDATES,
    PAPER_CELLS_KEY,
    WHOLE_POPULATION_COVARIATES,
    paper_interval,
)

__all__ = [
    "TERM_LABELS",
    "SPEC_NAMES",
    "VARIABLE_LABELS",
    "remitter_sentence",
    "display_table",
    "model_specification",
    "remitter_display",
    "responder_display",
    "steps_display",
    "selection_sentence",
    "unit_sentence",
    "or_phrase",
    "chapter_texts",
]

#: How the book names each model term (with its unit: an odds ratio is per unit).
TERM_LABELS: dict[str, str] = {
    "const": "Intercept",
    "msc": "MSC arm (vs control)",
    "age_years": "Age (per year)",
    "male": "Male sex (vs female)",
    "duration_months": "Diabetes duration (per month)",
    "bmi_kg_m2": "BMI (per kg/m²)",
    "hba1c_pct_0": "Baseline HbA1c (per %)",
    "fcp_pmol_l_0": "Baseline fasting C-peptide (per pmol/L)",
    "msc_cells_total": "MSCs infused (per 10⁶ cells)",
}

#: How the book names each compared variable (with its unit).
VARIABLE_LABELS: dict[str, str] = {
    "fcp_pmol_l_0": "Baseline fasting C-peptide (pmol/L)",
    "hba1c_pct_0": "Baseline HbA1c (%)",
    "msc_cells_total": "MSCs infused (10⁶ cells)",
}


def display_table(table: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """A model table formatted for the book (rounded for display only).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`logit_table` output.
    alpha : float
        Level of the intervals, for the column header.

    Returns
    -------
    pandas.DataFrame
        Index ``Term``; columns ``B``, ``SE``, ``OR``, ``{100(1 - alpha)}% CI``,
        ``Wald p``; the intercept row shows B and SE only. For a model that could
        not be estimated (``table.attrs["error"]``), a single column
        ``Estimate`` saying so.
    """
    level = f"{100 * (1 - alpha):g}% CI"
    error = table.attrs.get("error", "")
    if error:
        return pd.DataFrame(
            {
                "Term": [TERM_LABELS.get(t, t) for t in table["term"]],
                "Estimate": "not estimable",
            }
        ).set_index("Term")
    rows = []
    for r in table.to_dict("records"):
        const = r["term"] == "const"
        rows.append(
            {
                "Term": TERM_LABELS.get(r["term"], r["term"]),
                "B": f"{r['coef']:.4f}",
                "SE": f"{r['se']:.4f}",
                "OR": "" if const else f"{r['odds_ratio']:.3f}",
                level: "" if const else f"{r['ci_low']:.3f} to {r['ci_high']:.3f}",
                "Wald p": "" if const else p_value(r["pval"]),
            }
        )
    return pd.DataFrame(rows).set_index("Term")


#: Short names of the model terms in a written-out model (the reader's words).
SPEC_NAMES: dict[str, str] = {
    "msc": "MSC",
    "age_years": "age",
    "male": "male",
    "duration_months": "duration",
    "bmi_kg_m2": "BMI",
    "hba1c_pct_0": "HbA1c₀",
    "fcp_pmol_l_0": "FCP₀",
    "msc_cells_total": "cells",
}


def model_specification(covariates, *, outcome: str = "remission") -> str:
    """The model written out, e.g. ``logit P(remission = 1) = b0 + b1·MSC + ...``.

    Each term is named by :data:`SPEC_NAMES` (the prose of the chapter says
    what each name stands for); a term not in the map keeps its name.

    Examples
    --------
    >>> model_specification(["msc", "bmi_kg_m2"])
    'logit P(remission = 1) = b0 + b1·MSC + b2·BMI'
    """
    terms = " + ".join(
        f"b{i}·{SPEC_NAMES.get(c, c)}" for i, c in enumerate(covariates, start=1)
    )
    return f"logit P({outcome} = 1) = b0" + (f" + {terms}" if terms else "")


def _label(term: str) -> str:
    return TERM_LABELS.get(term, term)


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float, np.number)) and bool(np.isfinite(x))


def _number(x, fmt: str, missing: str) -> str:
    """``x`` formatted, or ``missing`` in words when it is not a finite number."""
    return format(float(x), fmt) if _finite(x) else missing


def _mean_sd_sem(mean, sd, sem) -> str:
    """``mean ± SD (SEM)``; ``none`` for an empty group, the value alone for one."""
    if not _finite(mean):
        return "none"
    if not _finite(sd):
        return f"{mean:.1f} (one participant: no SD)"
    return f"{mean:.1f} ± {sd:.1f} ({sem:.1f})"


#: How each Figure 4 comparison is written: label, format, unit.
_REMITTER_WORDS = {
    "fcp_pmol_l_0": ("Baseline fasting C-peptide", ".1f", " pmol/L"),
    "hba1c_pct_0": ("Baseline HbA1c", ".2f", "%"),
    "msc_cells_total": ("Cells infused over both infusions", ".1f", " × 10⁶ cells"),
}


def remitter_sentence(row: dict) -> str:
    """One Figure 4 comparison (a row of :func:`remitter_comparison`) in words.

    Says why a comparison is missing: no remitter, no non-remitter, or a group
    of one (a mean but no test).

    Examples
    --------
    >>> nan = float("nan")
    >>> row = {"variable": "hba1c_pct_0", "n_remission": 0, "mean_remission": nan,
    ...        "n_no_remission": 5, "mean_no_remission": 10.2, "diff": nan,
    ...        "test": "not tested", "pval": nan}
    >>> remitter_sentence(row)
    'Baseline HbA1c: not compared, since no MSC recipient reached remission (5 did not).'
    """
    label, fmt, unit = _REMITTER_WORDS.get(row["variable"], (row["variable"], ".2f", ""))
    n1, n0 = int(row["n_remission"]), int(row["n_no_remission"])
    if n1 == 0 and n0 == 0:
        return (
            f"{label}: not compared, since no MSC recipient has a known outcome and value."
        )
    if n1 == 0:
        return (
            f"{label}: not compared, since no MSC recipient reached remission "
            f"({n0} did not)."
        )
    if n0 == 0:
        return (
            f"{label}: not compared, since every MSC recipient with a known outcome "
            f"reached remission ({n1})."
        )
    a, b = format(row["mean_remission"], fmt), format(row["mean_no_remission"], fmt)
    text = (
        f"{label}: mean {a}{unit} in the {n1} remitter{'s' if n1 != 1 else ''} against "
        f"{b}{unit} in the {n0} non-remitter{'s' if n0 != 1 else ''} "
        f"(difference {format(row['diff'], fmt)}"
    )
    test = within_parentheses(row["test"])
    if _finite(row["pval"]):
        return f"{text}; {test}, {p_text(row['pval'])})."
    return f"{text}; {test})."


def remitter_display(comparison: pd.DataFrame) -> pd.DataFrame:
    """:func:`remitter_comparison` formatted for the book (rounded for display only).

    Returns
    -------
    pandas.DataFrame
        Index ``Variable``; columns ``Remission: n``, ``Remission: mean ± SD (SEM)``,
        ``No remission: n``, ``No remission: mean ± SD (SEM)``, ``Difference``,
        ``Test``, ``p``.
    """
    rows = []
    for r in comparison.to_dict("records"):
        rows.append(
            {
                "Variable": VARIABLE_LABELS.get(r["variable"], r["variable"]),
                "Remission: n": r["n_remission"],
                "Remission: mean ± SD (SEM)": _mean_sd_sem(
                    r["mean_remission"], r["sd_remission"], r["sem_remission"]
                ),
                "No remission: n": r["n_no_remission"],
                "No remission: mean ± SD (SEM)": _mean_sd_sem(
                    r["mean_no_remission"], r["sd_no_remission"], r["sem_no_remission"]
                ),
                "Difference": _number(r["diff"], ".1f", "not defined"),
                "Test": r["test"],
                "p": p_value(r["pval"], missing="not tested"),
            }
        )
    return pd.DataFrame(rows).set_index("Variable")


_CHARACTERISTIC_LABELS = {
    "age_at_onset": "Age at onset (years), mean",
    "male": "Male sex, %",
    "dk_or_dka": "DK or DKA at onset, %",
    "duration_months": "Diabetes duration (months), mean",
}


def responder_display(characteristics: pd.DataFrame) -> pd.DataFrame:
    """:func:`responder_characteristics` formatted for the book.

    Returns
    -------
    pandas.DataFrame
        Index ``Characteristic``; columns ``Remission (n)``, ``No remission (n)``,
        ``Test``, ``p``.
    """
    rows = []
    for r in characteristics.to_dict("records"):
        rows.append(
            {
                "Characteristic": _CHARACTERISTIC_LABELS.get(r["variable"], r["variable"]),
                "Remission (n)": f"{_number(r['summary_remission'], '.1f', 'none')} "
                f"({r['n_remission']})",
                "No remission (n)": f"{_number(r['summary_no_remission'], '.1f', 'none')} "
                f"({r['n_no_remission']})",
                "Test": r["test"],
                "p": p_value(r["pval"], missing="not tested"),
            }
        )
    return pd.DataFrame(rows).set_index("Characteristic")


def steps_display(result: StepwiseResult) -> pd.DataFrame:
    """Every score test of the forward selection, and each entry or removal.

    Returns
    -------
    pandas.DataFrame
        One row per candidate and step, indexed by ``Step`` and ``Candidate``:
        ``Score chi-square (1 df)``, ``p``, ``Decision`` (``entered``,
        ``not entered``, or ``removed (LR chi-square ..., p ...)``); the forced
        terms are listed first with step 0.
    """
    rows = []
    forced = result.steps.loc[result.steps["action"] == "forced", "term"]
    for t in forced:
        rows.append(
            {
                "Step": 0,
                "Candidate": _label(t),
                "Score chi-square (1 df)": "",
                "p": "",
                "Decision": "forced in (block 1)",
            }
        )
    acts = result.steps.loc[result.steps["action"] != "forced"]
    for r in result.entry_tests.to_dict("records"):
        hit = acts.loc[(acts["step"] == r["step"]) & (acts["term"] == r["term"])]
        decision = "entered" if len(hit) else "not entered"
        rows.append(
            {
                "Step": int(r["step"]),
                "Candidate": _label(r["term"]),
                "Score chi-square (1 df)": f"{r['statistic']:.3f}",
                "p": p_value(r["pval"]),
                "Decision": decision,
            }
        )
    for r in acts.loc[acts["action"] == "remove"].to_dict("records"):
        rows.append(
            {
                "Step": int(r["step"]),
                "Candidate": _label(r["term"]),
                "Score chi-square (1 df)": "",
                "p": "",
                "Decision": f"removed (LR chi-square {r['statistic']:.3f}, "
                f"p {p_value(r['pval'])})",
            }
        )
    out = pd.DataFrame(rows).sort_values("Step", kind="stable")
    return out.set_index(["Step", "Candidate"])


def selection_sentence(result: StepwiseResult, *, alpha: float = 0.05) -> str:
    """One sentence naming what the forward selection kept, with OR, CI and p.

    Examples
    --------
    >>> from ucmsc_repro.stats.logistic import forward_stepwise
    >>> d = pd.DataFrame({"y": [1, 1, 1, 0, 1, 0, 0, 0] * 4,
    ...                   "x": [1, 1, 1, 1, 0, 0, 0, 0] * 4})
    >>> selection_sentence(forward_stepwise(d, outcome="y", candidates=["x"]))
    '1 candidate entered. x: OR 9.000 (95% CI 1.817 to 44.591), Wald p = 0.007.'
    """
    level = f"{100 * (1 - alpha):g}% CI"
    if result.error:
        return f"The forward selection could not be completed: {result.error}."
    if not result.selected:
        return "No candidate entered the model."
    final = result.final.set_index("term")
    parts = []
    for t in result.selected:
        r = final.loc[t]
        parts.append(
            f"{_label(t)}: OR {r['odds_ratio']:.3f} ({level} {r['ci_low']:.3f} to "
            f"{r['ci_high']:.3f}), Wald p = {p_value(r['pval'])}"
        )
    head = "1 candidate entered" if len(parts) == 1 else f"{len(parts)} candidates entered"
    return f"{head}. " + "; ".join(parts) + "."


def or_phrase(table: pd.DataFrame, term: str, *, alpha: float = 0.05) -> str:
    """An odds ratio with its interval and p-value, in words, from a model table.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["x"], "odds_ratio": [2.0], "ci_low": [1.25],
    ...                   "ci_high": [3.2], "pval": [0.004]})
    >>> or_phrase(t, "x")
    '2.000 (95% CI 1.250 to 3.200; Wald p = 0.004)'
    """
    r = table.set_index("term").loc[term]
    if not np.isfinite(r["odds_ratio"]):
        return "not estimable (see the note on the model)"
    return (
        f"{r['odds_ratio']:.3f} ({100 * (1 - alpha):g}% CI {r['ci_low']:.3f} to "
        f"{r['ci_high']:.3f}; Wald p = {p_value(r['pval'])})"
    )


def unit_sentence(implied_se: float, min_se_1e6: float, min_se_1e7: float) -> str:
    """Which cell-count units the paper's interval is compatible with, in words.

    Examples
    --------
    >>> unit_sentence(0.0587, 0.0115, 0.115)
    'compatible with a unit of 10⁶ cells and impossible with a unit of 10⁷ cells'
    """

    def verdict(bound: float) -> str:
        return "compatible with" if implied_se >= bound else "impossible with"

    return (
        f"{verdict(min_se_1e6)} a unit of 10⁶ cells and "
        f"{verdict(min_se_1e7)} a unit of 10⁷ cells"
    )


def chapter_texts(
    results_frame: pd.DataFrame,
    *,
    whole: pd.DataFrame,
    comparison: pd.DataFrame,
    stepwise: StepwiseResult,
    alpha: float = 0.05,
) -> dict[str, str]:
    """Pieces of text the chapter glues into its prose (computed, never typed).

    Parameters
    ----------
    results_frame : pandas.DataFrame
        :func:`results` of the chapter.
    whole : pandas.DataFrame
        :func:`whole_population_model` (``errors="missing"`` allowed).
    comparison : pandas.DataFrame
        :func:`remitter_comparison`.
    stepwise : StepwiseResult
        :func:`msc_stepwise`.
    alpha : float

    Returns
    -------
    dict
        ``factors.text.<name>`` -> text: ``whole_spec`` and ``stepwise_spec``
        (the whole-population model and the final stepwise model written out),
        ``forced`` and ``candidates`` (term labels),
        ``selection`` (:func:`selection_sentence`), ``<variable>_test`` (test of
        each Figure 4 comparison), ``paper_cells_ci`` (the paper's interval for
        the cells, from ``data/paper_claims.csv``), ``unit_verdict``
        (:func:`unit_sentence`), ``whole.<term>`` (:func:`or_phrase` of every
        covariate of the whole-population model), ``whole_status`` (whether
        that model could be estimated), ``ci_level`` (e.g. ``95%``), ``whole_k``
        (number of covariates of the whole-population model), ``entry_p`` and
        ``removal_p`` (selection criteria).
    """
    v = results_frame.set_index("key")["value"]
    lo, hi = paper_interval(PAPER_CELLS_KEY)
    out = {
        "factors.text.whole_spec": model_specification(WHOLE_POPULATION_COVARIATES),
        "factors.text.stepwise_spec": model_specification(
            (*MSC_ADJUSTMENT, *stepwise.selected)
        ),
        "factors.text.forced": ", ".join(_label(t) for t in MSC_ADJUSTMENT),
        "factors.text.candidates": ", ".join(_label(t) for t in MSC_CANDIDATES),
        "factors.text.selection": selection_sentence(stepwise, alpha=alpha),
        "factors.text.paper_cells_ci": f"{lo:.3f} to {hi:.3f}",
        "factors.text.unit_verdict": unit_sentence(
            v["factors.msc_cells_total.paper.implied_se"],
            v["factors.msc_cells_total.unit_1e6.min_se"],
            v["factors.msc_cells_total.unit_1e7.min_se"],
        ),
        "factors.text.ci_level": f"{100 * (1 - alpha):g}%",
        "factors.text.whole_k": str(len(WHOLE_POPULATION_COVARIATES)),
        "factors.text.entry_p": f"{stepwise.entry_p:g}",
        "factors.text.removal_p": f"{stepwise.removal_p:g}",
    }
    for r in comparison.to_dict("records"):
        out[f"factors.text.{r['variable']}_test"] = r["test"]
        out[f"factors.text.remitters.{r['variable']}"] = remitter_sentence(r)
    error = whole.attrs.get("error", "")
    out["factors.text.whole_status"] = (
        f"The model could not be estimated on these data: {error}."
        if error
        else "The maximum-likelihood fit converged."
    )
    for term in WHOLE_POPULATION_COVARIATES:
        out[f"factors.text.whole.{term}"] = or_phrase(whole, term, alpha=alpha)
    return out
