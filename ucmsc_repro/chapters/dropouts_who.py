"""Who dropped out: discontinued against completed participants, within each arm.

The analyses of the dropouts chapter that keep every assigned participant
(multiple imputation, the tipping-point grid around the completers' rates)
assume the missing outcomes are missing at random. The observed data cannot
show that, but they can show whether those who left differed from those who
stayed on what was measured before they left (finalfit's ``missing_compare``
practice): every baseline characteristic of Table 1, compared within each arm
by the paper's test rule, with standardised mean differences; and when and
why each participant discontinued.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from ..core.formatting import p_value
from ..core.results_table import result_row
from ..data.schema import DISCONTINUATION_REASONS
from ..stats.comparisons import (
    compare_categorical,
    compare_continuous,
    describe,
    is_normal,
    smd_binary,
    smd_continuous,
)
from .baseline import TABLE1_VARIABLES

__all__ = [
    "GROUPS",
    "ARMS",
    "who_table",
    "who_display",
    "discontinuations",
    "discontinuations_display",
    "reason_counts",
    "who_rows",
    "comparison_display",
    "listing_display",
]

#: The two groups compared within an arm: key, status value, reader's label.
GROUPS = (("completed", "completed", "completed"), ("discontinued", "discontinued", "left"))
#: Arms: key, value of ``arm``, reader's label.
ARMS = (("msc", "MSC", "MSC"), ("control", "control", "Control"))

_SHORT_TEST = {
    "Student's t test (two-sided)": "t",
    "Mann-Whitney U test (two-sided, normal approximation)": "MWU",
    "Pearson's chi-square test (two-sided)": "chi-square",
    "Fisher's exact test (two-sided)": "Fisher",
}
_NOT_TESTED = "not tested"


def _reason_key(reason: str) -> str:
    return reason.replace(" ", "_").replace("-", "_")


def _continuous_test(x: pd.Series, y: pd.Series) -> dict:
    """The paper's rule (t or Mann-Whitney), or "not tested" when it cannot run."""
    a, b = x.dropna().astype(float), y.dropna().astype(float)
    if a.empty or b.empty:
        return {"test": f"{_NOT_TESTED} (a group has no values)", "pval": math.nan}
    if a.size + b.size < 3 or np.ptp(np.r_[a, b]) == 0:
        return {"test": f"{_NOT_TESTED} (too few distinct values)", "pval": math.nan}
    with warnings.catch_warnings():
        # scipy warns of precision loss when the values are nearly identical; the
        # p-value it returns is then still the test's (or NaN, said below)
        warnings.simplefilter("ignore", RuntimeWarning)
        r = compare_continuous(a, b)
    if not math.isfinite(r["pval"]):
        return {"test": f"{_NOT_TESTED} (no variation)", "pval": math.nan}
    return {"test": r["test"], "pval": r["pval"]}


def _smd(x: pd.Series, y: pd.Series) -> float:
    a, b = x.dropna().astype(float), y.dropna().astype(float)
    if a.size < 2 or b.size < 2:
        return math.nan
    return smd_continuous(a, b)


def who_table(table: pd.DataFrame) -> pd.DataFrame:
    """Baseline characteristics of discontinued against completed participants.

    Parameters
    ----------
    table : pandas.DataFrame
        Every enrolled participant (``Chapter.table``): ``arm``, ``status`` and
        the columns of :data:`ucmsc_repro.chapters.baseline.TABLE1_VARIABLES`.

    Returns
    -------
    pandas.DataFrame
        One row per arm (``arm``: ``msc``/``control``) and per continuous
        variable or categorical level: ``variable``, ``key``, ``label``,
        ``level``, ``kind``, ``summary`` (``mean_sd`` when every group of both
        arms passes Shapiro-Wilk, else ``median_iqr``; ``n_pct`` for levels);
        for g in ``completed``, ``discontinued``: ``g_n``, ``g_missing`` and
        ``g_mean``, ``g_sd``, ``g_median``, ``g_q1``, ``g_q3`` (continuous) or
        ``g_events``, ``g_pct`` (levels); ``test``, ``pval`` (discontinued
        against completed, the paper's rule), ``smd`` (discontinued minus
        completed).

    Notes
    -----
    The test rule is the baseline chapter's (Student's t test when both
    groups pass Shapiro-Wilk, else Mann-Whitney U; chi-square, or Fisher's
    exact test for a 2x2 table with an expected count below 5). A group
    without values, or fewer than three values in all, is "not tested";
    an SMD needs two values per group.

    References
    ----------
    Harrison E, Drake T, Ots R. finalfit: ``missing_compare``. Lu et al.
    2021, Statistical analysis (the test rule).
    """
    rows = []
    for var in TABLE1_VARIABLES:
        col = table[var.column] if var.column in table else pd.Series(np.nan, table.index)
        groups = {
            (a, g): col[table["arm"].eq(arm) & table["status"].eq(status)]
            for a, arm, _ in ARMS
            for g, status, _ in GROUPS
        }
        if var.kind == "continuous":
            normal = is_normal(*(v.dropna().astype(float) for v in groups.values()))
            for a, _, _ in ARMS:
                done, left = groups[(a, "completed")], groups[(a, "discontinued")]
                test = _continuous_test(left, done)
                row = {
                    "arm": a,
                    "variable": var.column,
                    "key": var.key,
                    "label": var.label,
                    "level": "",
                    "kind": var.kind,
                    "summary": "mean_sd" if normal else "median_iqr",
                    "test": test["test"],
                    "pval": test["pval"],
                    "smd": _smd(left, done),
                }
                for g, _, _ in GROUPS:
                    d = describe(groups[(a, g)].astype(float))
                    for stat in ("n", "missing", "mean", "sd", "median", "q1", "q3"):
                        row[f"{g}_{stat}"] = d[stat]
                rows.append(row)
            continue
        for a, _, _ in ARMS:
            done, left = groups[(a, "completed")], groups[(a, "discontinued")]
            test = compare_categorical(left, done)
            for value, suffix, level_label in var.levels:
                row = {
                    "arm": a,
                    "variable": var.column,
                    "key": var.key if not suffix else f"{var.key}_{suffix}",
                    "label": var.label,
                    "level": level_label,
                    "kind": var.kind,
                    "summary": "n_pct",
                    "test": test["test"],
                    "pval": test["pval"],
                }
                props = {}
                for g, _, _ in GROUPS:
                    known = groups[(a, g)].dropna()
                    events = int((known == value).sum())
                    row[f"{g}_n"] = int(known.size)
                    row[f"{g}_missing"] = int(groups[(a, g)].isna().sum())
                    row[f"{g}_events"] = events
                    row[f"{g}_pct"] = (
                        100.0 * events / known.size if known.size else math.nan
                    )
                    props[g] = events / known.size if known.size else math.nan
                row["smd"] = smd_binary(props["discontinued"], props["completed"])
                rows.append(row)
    return pd.DataFrame(rows)


def _cell(r, g: str, decimals: int) -> str:
    n = int(r[f"{g}_n"])
    if n == 0:
        return "no values"
    if r["summary"] == "n_pct":
        return f"{int(r[f'{g}_events'])} ({r[f'{g}_pct']:.1f}%)"
    if r["summary"] == "mean_sd":
        sd = r[f"{g}_sd"]
        spread = f"{sd:.{decimals}f}" if math.isfinite(sd) else "single value"
        return f"{r[f'{g}_mean']:.{decimals}f} ± {spread}"
    return (
        f"{r[f'{g}_median']:.{decimals}f} "
        f"[{r[f'{g}_q1']:.{decimals}f}, {r[f'{g}_q3']:.{decimals}f}]"
    )


def _p_cell(p: float, test: str) -> str:
    if not math.isfinite(p):
        return _NOT_TESTED
    return f"{p_value(p)} ({_SHORT_TEST.get(test, test)})"


def who_display(table: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`who_table` for reading: one row per characteristic, both arms side by side.

    Parameters
    ----------
    table : pandas.DataFrame
        Every enrolled participant (for the group sizes in the headers).
    frame : pandas.DataFrame
        :func:`who_table` of ``table``.

    Returns
    -------
    pandas.DataFrame
        ``Characteristic`` and, per arm, ``<Arm> completed (n = k)``,
        ``<Arm> left (n = k)``, ``<Arm> p (test)``, ``<Arm> SMD``.
    """
    decimals = {v.column: v.decimals for v in TABLE1_VARIABLES}
    sizes = {
        (a, g): int((table["arm"].eq(arm) & table["status"].eq(status)).sum())
        for a, arm, _ in ARMS
        for g, status, _ in GROUPS
    }
    out = []
    for (_, _), rows in frame.groupby(["variable", "key"], sort=False):
        first = rows.iloc[0]
        name = (
            first["label"] if not first["level"] else f"{first['label']}: {first['level']}"
        )
        name += {"mean_sd": ", mean ± SD", "median_iqr": ", median [IQR]"}.get(
            first["summary"], ", n (%)"
        )
        line = {"Characteristic": name}
        for a, _, label in ARMS:
            r = rows.loc[rows["arm"].eq(a)].iloc[0]
            d = decimals[r["variable"]]
            for g, _, glabel in GROUPS:
                line[f"{label} {glabel} (n = {sizes[(a, g)]})"] = _cell(r, g, d)
            line[f"{label} p (test)"] = _p_cell(r["pval"], r["test"])
            line[f"{label} SMD"] = f"{r['smd']:.2f}" if math.isfinite(r["smd"]) else ""
        out.append(line)
    return pd.DataFrame(out)


def discontinuations(ch) -> pd.DataFrame:
    """Each discontinuation: arm, when, the last visit attended, infusions, reason.

    Returns
    -------
    pandas.DataFrame
        One row per participant with status "discontinued", ordered by arm
        (MSC first) and month: ``arm``, ``discontinued_month`` (NaN when not
        recorded), ``last_visit_month`` (the latest visit in visits.csv; NaN
        when none), ``infusions_received``, ``reason`` ("" when not
        recorded). No identifier.
    """
    t = ch.table
    left = t.loc[t["status"].eq("discontinued")]
    last = ch.data.visits.groupby("subject_id")["month"].max()
    out = pd.DataFrame(
        {
            "arm": left["arm"].to_numpy(),
            "discontinued_month": left["discontinued_month"].astype(float).to_numpy(),
            "last_visit_month": left["subject_id"].map(last).astype(float).to_numpy(),
            "infusions_received": left["infusions_received"].astype(float).to_numpy(),
            "reason": left["discontinued_reason"].fillna("").astype(str).to_numpy(),
        }
    )
    order = out["arm"].map({"MSC": 0, "control": 1})
    return (
        out.assign(_o=order)
        .sort_values(["_o", "discontinued_month", "last_visit_month"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def discontinuations_display(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`discontinuations` for reading (months as printed, words for gaps).

    Columns ``Arm``, ``Discontinued (month)``, ``Last visit (month)``,
    ``Infusions received``, ``Reason``. No participant discontinued: one row
    saying so.
    """
    if frame.empty:
        return pd.DataFrame(
            [
                {
                    "Arm": "both arms",
                    "Discontinued (month)": "no participant discontinued",
                    "Last visit (month)": "",
                    "Infusions received": "",
                    "Reason": "",
                }
            ]
        )

    def month(x):
        return f"{x:g}" if math.isfinite(x) else "not recorded"

    return pd.DataFrame(
        {
            "Arm": frame["arm"],
            "Discontinued (month)": [month(x) for x in frame["discontinued_month"]],
            "Last visit (month)": [
                f"{x:g}" if math.isfinite(x) else "no visit"
                for x in frame["last_visit_month"]
            ],
            "Infusions received": [
                f"{x:g}" if arm == "MSC" and math.isfinite(x) else "not applicable"
                for arm, x in zip(frame["arm"], frame["infusions_received"], strict=True)
            ],
            "Reason": [r or "not recorded" for r in frame["reason"]],
        }
    )


def reason_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Discontinuations per reason and arm (every reason of the contract).

    Columns ``reason`` (the contract's words, "not recorded" for an empty
    cell), ``key``, ``msc``, ``control``, ``all``.
    """
    rows = []
    for reason in (*DISCONTINUATION_REASONS, ""):
        sel = frame["reason"].eq(reason)
        m = int((sel & frame["arm"].eq("MSC")).sum())
        c = int((sel & frame["arm"].eq("control")).sum())
        rows.append(
            {
                "reason": reason or "not recorded",
                "key": _reason_key(reason or "not recorded"),
                "msc": m,
                "control": c,
                "all": m + c,
            }
        )
    return pd.DataFrame(rows)


def who_rows(ch) -> list[dict]:
    """Every ``dropouts.who.*`` statistic, as result rows.

    Keys
    ----
    - ``dropouts.who.<arm>.<completed|discontinued>.n``: participants;
    - ``dropouts.who.<arm>.<var>.<completed|discontinued>.<stat>``: the cells
      of :func:`who_table` (``n``, ``mean``, ``sd``, ``median``, ``q1``,
      ``q3`` or ``events``, ``n``, ``pct``); ``dropouts.who.<arm>.<var>.pval``
      (method: the test; once per variable) and ``.smd`` (per level);
    - ``dropouts.who.<arm>.reason.<reason>.n`` and ``dropouts.who.all.reason.
      <reason>.n``;
    - ``dropouts.who.<arm>.month.<median|min|max>`` (month of
      discontinuation, among those with one recorded) and
      ``dropouts.who.<arm>.no_followup.n`` (discontinued without a visit after
      baseline);
    - ``dropouts.who.rate.pval``: discontinuation by arm (Fisher's exact test
      or chi-square by the paper's rule).
    """
    t = ch.table
    rows = []
    for a, arm, _ in ARMS:
        for g, status, _ in GROUPS:
            k = int((t["arm"].eq(arm) & t["status"].eq(status)).sum())
            rows.append(result_row(f"dropouts.who.{a}.{g}.n", k, "count"))
    frame = who_table(t)
    seen = set()
    for r in frame.itertuples():
        var_key = next(v.key for v in TABLE1_VARIABLES if v.column == r.variable)
        base = f"dropouts.who.{r.arm}"
        stats = (
            ("n", "mean", "sd", "median", "q1", "q3")
            if r.kind == "continuous"
            else ("events", "n", "pct")
        )
        for g, _, _ in GROUPS:
            n = getattr(r, f"{g}_n")
            for stat in stats:
                rows.append(
                    result_row(
                        f"{base}.{r.key}.{g}.{stat}",
                        getattr(r, f"{g}_{stat}"),
                        "descriptive",
                        n=n,
                    )
                )
        n_both = r.completed_n + r.discontinued_n
        if (r.arm, var_key) not in seen:
            seen.add((r.arm, var_key))
            rows.append(
                result_row(
                    f"{base}.{var_key}.pval",
                    r.pval,
                    f"{r.test}, discontinued vs completed",
                    n=n_both,
                )
            )
        rows.append(
            result_row(
                f"{base}.{r.key}.smd",
                r.smd,
                "standardized mean difference (discontinued - completed)",
                n=n_both,
            )
        )
    left = discontinuations(ch)
    for r in reason_counts(left).itertuples():
        for a in ("msc", "control", "all"):
            rows.append(
                result_row(
                    f"dropouts.who.{a}.reason.{r.key}.n",
                    getattr(r, a),
                    f"count of discontinuations: {r.reason}",
                )
            )
    for a, arm, _ in ARMS:
        sub = left.loc[left["arm"].eq(arm)]
        months = sub["discontinued_month"].dropna()
        for stat, fn in (("median", np.median), ("min", np.min), ("max", np.max)):
            rows.append(
                result_row(
                    f"dropouts.who.{a}.month.{stat}",
                    float(fn(months)) if len(months) else math.nan,
                    f"{stat} month of discontinuation",
                    n=len(months),
                )
            )
        no_followup = int((sub["last_visit_month"].fillna(0) <= 0).sum())
        rows.append(
            result_row(
                f"dropouts.who.{a}.no_followup.n",
                no_followup,
                "count of discontinued participants without a visit after baseline",
            )
        )
    dropped = t["status"].eq("discontinued").astype(float)
    rate = compare_categorical(dropped[t["arm"].eq("MSC")], dropped[t["arm"].eq("control")])
    rows.append(
        result_row(
            "dropouts.who.rate.pval",
            rate["pval"],
            f"{rate['test']}, discontinuation by arm",
            n=len(t),
        )
    )
    return rows


def comparison_display(ch) -> pd.DataFrame:
    """:func:`who_display` of the chapter's participants (one call for the notebook)."""
    return who_display(ch.table, who_table(ch.table))


def listing_display(ch) -> pd.DataFrame:
    """:func:`discontinuations_display` of the chapter (one call for the notebook)."""
    return discontinuations_display(discontinuations(ch))
