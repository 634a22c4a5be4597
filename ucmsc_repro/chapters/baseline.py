"""Baseline characteristics (the paper's Table 1), by arm and overall."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.formatting import fixed, p_value
from ..core.results_table import results_frame
from ..stats.comparisons import (
    SHAPIRO_MAX_N,
    compare_categorical,
    compare_continuous,
    describe,
    is_normal,
    smd_binary,
    smd_categorical,
    smd_continuous,
)

__all__ = [
    "Variable",
    "TABLE1_VARIABLES",
    "table1",
    "table1_display",
    "table1_notes",
    "summary_text",
    "record_texts",
    "results",
]


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
        "Ketosis at onset",
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
_HEADS = (("all", "Overall"), ("msc", "MSC"), ("control", "Control"))


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
        (MSC minus control), ``var_smd`` (the variable's SMD: the first
        level's for two levels, Yang and Dalton's multivariate SMD for more),
        ``note``. The p-value, test and ``var_smd`` are on every row of a
        variable.

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
            row["var_smd"] = row["smd"]
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
        first = len(rows)
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
        block = rows[first:]
        if len(block) <= 2:  # one row, or two complementary ones: the first's signed SMD
            for r in block:
                r["var_smd"] = block[0]["smd"]
        else:
            var_smd = smd_categorical(
                [r["msc_pct"] / 100 for r in block], [r["control_pct"] / 100 for r in block]
            )
            for r in block:
                r["var_smd"] = var_smd
    return pd.DataFrame(rows)


#: What each short test name in Table 1 stands for (one footnote per test used).
_TEST_NOTES = {
    "t test": "t test: Student's t test, two-sided.",
    "Mann-Whitney U": "Mann-Whitney U: Mann-Whitney U test, two-sided, normal "
    "approximation.",
    "chi-square": "chi-square: Pearson's chi-square test without continuity correction, "
    "two-sided.",
    "Fisher exact": "Fisher exact: Fisher's exact test, two-sided (a 2×2 table with an "
    "expected count below 5).",
}
#: Shown in a cell of a group in which nobody has a known value.
NOT_TESTED = "not tested"


def _group_size(table: pd.DataFrame, g: str) -> int:
    r = table.iloc[0]
    return int(r[f"{g}_n"]) + int(r[f"{g}_missing"])


def _cell(r, g: str, decimals: int) -> str:
    if int(r[f"{g}_n"]) == 0:
        return NOT_TESTED
    if r["summary"] == "n_pct":
        return f"{int(r[f'{g}_events'])} ({fixed(r[f'{g}_pct'], 1)}%)"
    if r["summary"] == "mean_sd":
        return f"{fixed(r[f'{g}_mean'], decimals)} ± {fixed(r[f'{g}_sd'], decimals)}"
    return (
        f"{fixed(r[f'{g}_median'], decimals)} "
        f"[{fixed(r[f'{g}_q1'], decimals)}, {fixed(r[f'{g}_q3'], decimals)}]"
    )


def _stat_words(summary: str) -> str:
    return {"mean_sd": "mean ± SD", "median_iqr": "median [IQR]"}.get(summary, "n (%)")


def _test_cells(r) -> dict:
    short = _SHORT_TEST.get(r["test"])
    if (
        short is None
    ):  # "not tested (a group has no values)", "(one category)": a note says why
        return {"p": NOT_TESTED, "Test": ""}
    return {"p": p_value(r["pval"], missing=NOT_TESTED), "Test": short}


def table1_display(table: pd.DataFrame) -> pd.DataFrame:
    """Table 1 formatted for reading, in gtsummary's layout; nothing recomputed.

    One header row per variable carrying its p-value, test and SMD; the levels
    of a variable with more than two categories indented below it (column
    ``_level``: 0 for a variable, 1 for a level, which
    :func:`ucmsc_repro.book.tables.html_table` indents and does not show); a
    two-category variable as the one row of its first category (the other is
    its complement); an "Unknown" row where values are missing; the group
    sizes in the headers. The derived "DK or DKA at onset" is not repeated: it
    is the complement of "no ketosis" in the three-level variable. A group in
    which nobody has a known value shows "not tested".
    """
    decimals = {v.column: v.decimals for v in TABLE1_VARIABLES}
    shown = {v.column for v in TABLE1_VARIABLES if v.column != "dk_or_dka"}
    heads = {g: f"{name}, N = {_group_size(table, g)}" for g, name in _HEADS}
    out = []

    def row(name, level, r=None, cells=None, tests=None, smd=""):
        d = {"Characteristic": name}
        for g, _ in _HEADS:
            d[heads[g]] = (cells or {}).get(g, "")
        d.update(tests or {"p": "", "Test": ""})
        d["SMD"] = smd
        d["_level"] = level
        out.append(d)

    for column, rows in table.groupby("variable", sort=False):
        if column not in shown:
            continue
        first = rows.iloc[0]
        d = decimals[column]
        smd = fixed(first["var_smd"], 2)
        if first["kind"] == "continuous" or len(rows) <= 2:
            name = first["label"]
            if first["kind"] != "continuous" and first["level"] and len(rows) == 2:
                name = f"{name}: {first['level']}"
            row(
                f"{name}, {_stat_words(first['summary'])}",
                0,
                cells={g: _cell(first, g, d) for g, _ in _HEADS},
                tests=_test_cells(first),
                smd=smd,
            )
        else:
            row(f"{first['label']}, n (%)", 0, tests=_test_cells(first), smd=smd)
            for _, r in rows.iterrows():
                row(r["level"], 1, cells={g: _cell(r, g, d) for g, _ in _HEADS})
        if int(first["all_missing"]) > 0:
            row("Unknown", 1, cells={g: str(int(first[f"{g}_missing"])) for g, _ in _HEADS})
    return pd.DataFrame(out)


def _largest_arm(table: pd.DataFrame) -> int:
    """The most values a continuous variable of ``table`` has in one arm."""
    cont = table[table["kind"] == "continuous"] if "kind" in table else table
    sizes = [cont[f"{g}_n"].max() for g in ("msc", "control") if f"{g}_n" in cont]
    return int(max((x for x in sizes if pd.notna(x)), default=0))


def table1_notes(table: pd.DataFrame) -> list[str]:
    """The footnotes of Table 1: the summaries, one note per test used, the SMD."""
    test = (
        "a normality test (p ≥ 0.05; Shapiro-Wilk, or D'Agostino-Pearson for an "
        f"arm of more than {SHAPIRO_MAX_N:,} values, where Shapiro-Wilk is not "
        "defined)"
        if _largest_arm(table) > SHAPIRO_MAX_N
        else "the Shapiro-Wilk test (p ≥ 0.05)"
    )
    notes = [
        f"Mean ± SD where both arms pass {test}, else median [IQR]; n (%) of the "
        "participants with a known value (Unknown: missing values, not in the "
        "percentages).",
    ]
    used = dict.fromkeys(_SHORT_TEST.get(t) for t in table["test"])
    notes += [_TEST_NOTES[t] for t in _TEST_NOTES if t in used]
    firsts = table.drop_duplicates("variable")
    for label, test in firsts[["label", "test"]].itertuples(index=False):
        if test not in _SHORT_TEST:
            notes.append(f"{label}: {test}.")
    for label, note in firsts.loc[firsts["note"].ne(""), ["label", "note"]].itertuples(
        index=False
    ):
        notes.append(f"{label}: {note}.")
    notes.append(
        "SMD: standardized mean difference, MSC minus control; for a variable with "
        "more than two categories, Yang and Dalton's multivariate SMD (never negative)."
    )
    if "dk_or_dka" in set(table["variable"]):
        notes.append(
            "DK or DKA at onset (ketosis or ketoacidosis) is the complement of "
            "no ketosis; its test is in the chapter's results."
        )
    return notes


def summary_text(table: pd.DataFrame, key: str, group: str = "all", unit: str = "") -> str:
    """A continuous variable's summary as Table 1 shows it, in words for the prose.

    ``"mean 24.9 ± 14.2 years"`` or ``"median 21.9 years (IQR 12.6 to 34.3)"``,
    the statistic the table chose for the variable (so prose and table agree);
    ``"not measured"`` when the group has no value.

    Examples
    --------
    >>> t = pd.DataFrame([{"key": "x", "summary": "median_iqr", "variable": "age_years",
    ...     "all_n": 3, "all_median": 21.94, "all_q1": 12.6, "all_q3": 34.25}])
    >>> summary_text(t, "x", unit=" years")
    'median 21.9 years (IQR 12.6 to 34.3)'
    """
    r = table.loc[table["key"].eq(key)].iloc[0]
    d = next(v.decimals for v in TABLE1_VARIABLES if v.column == r["variable"])
    if int(r[f"{group}_n"]) == 0:
        return "not measured"
    if r["summary"] == "mean_sd":
        return f"mean {fixed(r[f'{group}_mean'], d)} ± {fixed(r[f'{group}_sd'], d)}{unit}"
    return (
        f"median {fixed(r[f'{group}_median'], d)}{unit} "
        f"(IQR {fixed(r[f'{group}_q1'], d)} to {fixed(r[f'{group}_q3'], d)})"
    )


#: Continuous variables the chapter's prose summarizes: key, group, unit.
PROSE_SUMMARIES = (
    ("age_years", "all", " years"),
    ("duration_months", "all", " months"),
    ("bmi_kg_m2", "all", " kg/m²"),
    ("hba1c_pct", "all", "%"),
    ("insulin_iu_kg_day", "msc", " IU/kg/day"),
    ("insulin_iu_kg_day", "control", " IU/kg/day"),
)


def record_texts(ch, table: pd.DataFrame) -> None:
    """Glue the prose's summaries as Table 1 shows them.

    ``baseline.<key>.<group>.summary`` for each of :data:`PROSE_SUMMARIES`
    (see :func:`summary_text`).
    """
    for key, group, unit in PROSE_SUMMARIES:
        ch.rec.text(
            f"baseline.{key}.{group}.summary", summary_text(table, key, group, unit)
        )


def results(ch) -> pd.DataFrame:
    """Every statistic of the baseline chapter, with stable keys.

    Keys: ``baseline.participants.<all|msc|control>.n`` (the analysis set);
    ``baseline.<var>.<all|msc|control>.<stat>`` with stat in ``n``,
    ``mean``, ``sd``, ``median``, ``q1``, ``q3``, ``min``, ``max`` for
    continuous variables and ``events``, ``n``, ``pct`` for categorical
    levels; ``baseline.<var>.pval`` (method: the test) and
    ``baseline.<var>.smd`` (per level of a categorical variable); for
    multi-level categorical variables the p-value is recorded once under the
    variable's key, and a variable with more than two levels also has its
    multivariate SMD, ``baseline.<var>.smd``.
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
            if len(_levels(r["variable"])) > 2:
                rows.append(
                    {
                        "key": f"baseline.{var_key}.smd",
                        "value": float(r["var_smd"]),
                        "method": "multivariate standardized difference (Yang and Dalton)",
                        "n": float(r["msc_n"] + r["control_n"]),
                    }
                )
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
