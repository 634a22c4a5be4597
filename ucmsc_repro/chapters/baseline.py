"""Baseline characteristics (the paper's Table 1), by arm and overall."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.formatting import p_value
from ..core.results_table import results_frame
from ..stats.comparisons import (
    compare_categorical,
    compare_continuous,
    describe,
    is_normal,
    smd_binary,
    smd_continuous,
)

__all__ = ["Variable", "TABLE1_VARIABLES", "table1", "table1_display", "results"]


@dataclass(frozen=True)
class Variable:
    """One row block of Table 1.

    ``column`` is a column of the analysis table; ``key`` names it in result
    keys; ``kind`` is ``"continuous"`` or ``"categorical"``; ``levels`` lists
    the levels of a categorical variable as (value, key suffix, label).
    """

    column: str
    key: str
    label: str
    kind: str
    decimals: int = 1
    levels: tuple[tuple[str, str, str], ...] = ()


_POS = (("positive", "positive", ""),)

TABLE1_VARIABLES: tuple[Variable, ...] = (
    Variable("sex", "male", "Male", "categorical", levels=(("M", "", ""),)),
    Variable("age_years", "age_years", "Age (years)", "continuous"),
    Variable(
        "onset",
        "onset",
        "Onset",
        "categorical",
        levels=(
            ("adult", "adult", "adult-onset"),
            ("juvenile", "juvenile", "juvenile-onset"),
        ),
    ),
    Variable(
        "duration_months", "duration_months", "Duration of T1D (months)", "continuous"
    ),
    Variable("bmi_kg_m2", "bmi_kg_m2", "BMI (kg/m²)", "continuous"),
    Variable("weight_kg", "weight_kg", "Weight (kg)", "continuous"),
    Variable(
        "dka_at_onset",
        "dka_at_onset",
        "At onset",
        "categorical",
        levels=(
            ("none", "none", "no ketosis"),
            ("DK", "dk", "ketosis (DK)"),
            ("DKA", "dka", "ketoacidosis (DKA)"),
        ),
    ),
    Variable(
        "dk_or_dka",
        "dk_or_dka",
        "DK or DKA at onset",
        "categorical",
        levels=((1, "", ""),),
    ),
    Variable("gada", "gada", "GADA positive", "categorical", levels=_POS),
    Variable("iaa", "iaa", "IAA positive", "categorical", levels=_POS),
    Variable("ia2a", "ia2a", "IA-2A positive", "categorical", levels=_POS),
    Variable("ica", "ica", "ICA positive", "categorical", levels=_POS),
    Variable("hba1c_pct_0", "hba1c_pct", "HbA1c (%)", "continuous"),
    Variable("fcp_pmol_l_0", "fcp_pmol_l", "Fasting C-peptide (pmol/L)", "continuous"),
    Variable("pcp_pmol_l_0", "pcp_pmol_l", "2-h C-peptide (pmol/L)", "continuous"),
    Variable(
        "insulin_iu_kg_day_0",
        "insulin_iu_kg_day",
        "Insulin dose (IU/kg/day)",
        "continuous",
        decimals=2,
    ),
    Variable(
        "glucose_fasting_mmol_l_0",
        "glucose_fasting_mmol_l",
        "Fasting glucose (mmol/L)",
        "continuous",
    ),
    Variable(
        "glucose_2h_mmol_l_0", "glucose_2h_mmol_l", "2-h glucose (mmol/L)", "continuous"
    ),
)

_GROUPS = (("all", None), ("msc", "MSC"), ("control", "control"))


#: Short test names for the table; the full names are in the tidy table.
_SHORT_TEST = {
    "Student's t test (two-sided)": "t test",
    "Mann-Whitney U test (two-sided, normal approximation)": "Mann-Whitney U",
    "Pearson's chi-square test (two-sided)": "chi-square",
    "Fisher's exact test (two-sided)": "Fisher exact",
}


def _split(pp: pd.DataFrame, col: str):
    return pp.loc[pp["arm"].eq("MSC"), col], pp.loc[pp["arm"].eq("control"), col]


def table1(pp: pd.DataFrame) -> pd.DataFrame:
    """Table 1 as a tidy, unrounded table.

    Parameters
    ----------
    pp : pandas.DataFrame
        The per-protocol analysis table (``Chapter.pp``).

    Returns
    -------
    pandas.DataFrame
        One row per continuous variable and per level of a categorical one:
        ``variable``, ``key``, ``label``, ``level``, ``kind``, ``summary``
        (``mean_sd`` or ``median_iqr`` for continuous rows by Shapiro-Wilk
        in both arms, ``n_pct`` for levels), for each group g in ``all``,
        ``msc``, ``control``: ``g_n``, ``g_missing``, ``g_mean``, ``g_sd``,
        ``g_median``, ``g_q1``, ``g_q3``, ``g_min``, ``g_max`` (continuous)
        or ``g_events``, ``g_pct`` (levels); and ``test``, ``pval``, ``smd``
        (MSC minus control), ``note``. The p-value and test are on every row
        of a variable.

    Notes
    -----
    Continuous: Student's t test if both arms pass Shapiro-Wilk (p >= 0.05),
    else the Mann-Whitney U test. Categorical: Pearson's chi-square, or
    Fisher's exact test for a 2x2 table with an expected count below 5.
    Percentages use the participants with a known value as denominator.

    References
    ----------
    Lu et al. 2021, Results, "Characteristics of the participants" and Table 1.
    """
    rows = []
    for var in TABLE1_VARIABLES:
        x, y = _split(pp, var.column)
        if var.kind == "continuous":
            test = compare_continuous(x, y)
            row = {
                "variable": var.column,
                "key": var.key,
                "label": var.label,
                "level": "",
                "kind": var.kind,
                "summary": "mean_sd" if is_normal(x, y) else "median_iqr",
                "test": test["test"],
                "pval": test["pval"],
                "smd": smd_continuous(x, y),
                "note": "",
            }
            for g, arm in _GROUPS:
                values = (
                    pp[var.column] if arm is None else pp.loc[pp["arm"].eq(arm), var.column]
                )
                d = describe(values)
                for stat in (
                    "n",
                    "missing",
                    "mean",
                    "sd",
                    "median",
                    "q1",
                    "q3",
                    "min",
                    "max",
                ):
                    row[f"{g}_{stat}"] = d[stat]
            rows.append(row)
            continue
        test = compare_categorical(x, y)
        for value, suffix, level_label in var.levels:
            row = {
                "variable": var.column,
                "key": var.key if not suffix else f"{var.key}_{suffix}",
                "label": var.label,
                "level": level_label,
                "kind": var.kind,
                "summary": "n_pct",
                "test": test["test"],
                "pval": test["pval"],
                "note": test["note"],
            }
            props = {}
            for g, arm in _GROUPS:
                values = (
                    pp[var.column] if arm is None else pp.loc[pp["arm"].eq(arm), var.column]
                )
                known = values.dropna()
                events = int((known == value).sum())
                row[f"{g}_n"] = len(known)
                row[f"{g}_missing"] = int(values.isna().sum())
                row[f"{g}_events"] = events
                row[f"{g}_pct"] = 100.0 * events / len(known) if len(known) else np.nan
                props[g] = events / len(known) if len(known) else np.nan
            row["smd"] = smd_binary(props["msc"], props["control"])
            rows.append(row)
    return pd.DataFrame(rows)


def _cell(r, g: str, decimals: int) -> str:
    if r["summary"] == "n_pct":
        return f"{int(r[f'{g}_events'])} ({r[f'{g}_pct']:.1f}%)"
    if r["summary"] == "mean_sd":
        return f"{r[f'{g}_mean']:.{decimals}f} ± {r[f'{g}_sd']:.{decimals}f}"
    return (
        f"{r[f'{g}_median']:.{decimals}f} "
        f"[{r[f'{g}_q1']:.{decimals}f}, {r[f'{g}_q3']:.{decimals}f}]"
    )


def table1_display(table: pd.DataFrame) -> pd.DataFrame:
    """Table 1 formatted for reading: one string per cell, nothing recomputed."""
    decimals = {v.column: v.decimals for v in TABLE1_VARIABLES}
    out = []
    for _, r in table.iterrows():
        d = decimals[r["variable"]]
        name = r["label"] if not r["level"] else f"{r['label']}: {r['level']}"
        if r["summary"] == "mean_sd":
            name += ", mean ± SD"
        elif r["summary"] == "median_iqr":
            name += ", median [IQR]"
        else:
            name += ", n (%)"
        missing = int(r["all_missing"])
        out.append(
            {
                "Characteristic": name,
                f"Overall (n = {int(r['all_n']) + missing})": _cell(r, "all", d),
                f"MSC (n = {int(r['msc_n']) + int(r['msc_missing'])})": _cell(r, "msc", d),
                f"Control (n = {int(r['control_n']) + int(r['control_missing'])})": _cell(
                    r, "control", d
                ),
                "p": p_value(r["pval"]),
                "Test": _SHORT_TEST.get(r["test"], r["test"]),
                "SMD": "" if not np.isfinite(r["smd"]) else f"{r['smd']:.2f}",
                "Missing": str(missing),
            }
        )
    return pd.DataFrame(out)


def results(ch) -> pd.DataFrame:
    """Every statistic of the baseline chapter, with stable keys.

    Keys: ``baseline.participants.<all|msc|control>.n`` (the analysis set);
    ``baseline.<var>.<all|msc|control>.<stat>`` with stat in ``n``,
    ``mean``, ``sd``, ``median``, ``q1``, ``q3``, ``min``, ``max`` for
    continuous variables and ``events``, ``n``, ``pct`` for categorical
    levels; ``baseline.<var>.pval`` (method: the test) and
    ``baseline.<var>.smd``; for multi-level categorical variables the p-value
    is recorded once under the variable's key.
    """
    pp = ch.pp
    table = table1(pp)
    rows = [
        {
            "key": f"baseline.participants.{g}.n",
            "method": "count",
            "n": float("nan"),
            "value": float(len(pp) if arm is None else pp["arm"].eq(arm).sum()),
        }
        for g, arm in _GROUPS
    ]
    seen_p = set()
    for _, r in table.iterrows():
        key = r["key"]
        stats = (
            ("n", "mean", "sd", "median", "q1", "q3", "min", "max")
            if r["kind"] == "continuous"
            else ("events", "n", "pct")
        )
        for g, _ in _GROUPS:
            for stat in stats:
                rows.append(
                    {
                        "key": f"baseline.{key}.{g}.{stat}",
                        "value": float(r[f"{g}_{stat}"]),
                        "method": "descriptive",
                        "n": float(r[f"{g}_n"]),
                    }
                )
        var_key = next(v.key for v in TABLE1_VARIABLES if v.column == r["variable"])
        p_key = (
            f"baseline.{var_key}.pval"
            if len(_levels(r["variable"])) > 1
            else (f"baseline.{key}.pval")
        )
        if p_key not in seen_p:
            seen_p.add(p_key)
            rows.append(
                {
                    "key": p_key,
                    "value": float(r["pval"]),
                    "method": r["test"],
                    "n": float(r["msc_n"] + r["control_n"]),
                }
            )
        rows.append(
            {
                "key": f"baseline.{key}.smd",
                "value": float(r["smd"]),
                "method": "standardized mean difference (MSC - control)",
                "n": float(r["msc_n"] + r["control_n"]),
            }
        )
    return results_frame(rows)


def _levels(column: str):
    return next(v.levels for v in TABLE1_VARIABLES if v.column == column)
