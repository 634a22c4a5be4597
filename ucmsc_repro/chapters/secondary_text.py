"""The secondary-endpoints chapter's display frames and sentences (chapter ``secondary``).

Formatting only: the numbers come from :mod:`ucmsc_repro.chapters.secondary`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.formatting import p_text, p_value
from .secondary import (
    ARMS,
    LABELS,
    SECOND_REFERENCE_MONTH,
    TRAJECTORY_MEASURES,
    paired_by_visit,
    visit_long,
    visit_summary,
)

__all__ = [
    "visit_display",
    "visits_display",
    "comparison_display",
    "rose_display",
    "visit_sentence",
    "glue_text",
]


def _mean_sd(mean: float, sd: float, n: float, digits: int) -> str:
    if not n:
        return "no data"
    if not np.isfinite(sd):
        return f"{mean:.{digits}f} (n = {int(n)})"
    return f"{mean:.{digits}f} ± {sd:.{digits}f} (n = {int(n)})"


def _digits(measure: str, kind: str = "") -> int:
    if kind == "ratio" or measure == "insulin_iu_kg_day":
        return 2
    if measure.startswith(("fcp", "pcp")) or kind == "pct":
        return 1
    return 2


def visit_display(
    summary: pd.DataFrame, tests: pd.DataFrame, *, measure: str
) -> pd.DataFrame:
    """Mean ± SD at every visit with the paired tests, for display.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`visit_summary` (group column ``arm``).
    tests : pandas.DataFrame
        From :func:`paired_by_visit`, possibly several references stacked.
    measure : str
        The measure (for the number of decimals).

    Returns
    -------
    pandas.DataFrame
        Columns ``Arm``, ``Month``, ``Mean ± SD (n)`` and one
        ``p vs month R (test, n)`` column per reference month; strings.
    """
    dg = _digits(measure)
    refs = sorted(tests["reference"].unique()) if len(tests) else []
    order = {a: i for i, a in enumerate(ARMS)}
    summary = summary.sort_values(
        ["arm", "month"], key=lambda s: s.map(order) if s.name == "arm" else s
    )
    rows = []
    for r in summary.itertuples(index=False):
        row = {
            "Arm": LABELS.get(r.arm, r.arm),
            "Month": f"{r.month:g}",
            "Mean ± SD (n)": _mean_sd(r.mean, r.sd, r.n, dg),
        }
        for ref in refs:
            hit = tests.loc[
                tests["arm"].eq(r.arm)
                & tests["month"].eq(r.month)
                & tests["reference"].eq(ref)
            ]
            col = f"p vs month {ref:g} (test, pairs)"
            if len(hit):
                t = hit.iloc[0]
                shown = p_value(t["pval"], missing="not tested")
                row[col] = f"{shown} ({_short_test(t['test'])}, n = {t['n']})"
            else:
                row[col] = ""
        rows.append(row)
    return pd.DataFrame(rows)


def visits_display(long: pd.DataFrame, *, measure: str) -> pd.DataFrame:
    """The visit table of a measure for both arms, ready to show.

    Parameters
    ----------
    long : pandas.DataFrame
        Visits in long format (:func:`visit_long`).
    measure : str
        The measure, e.g. ``"hba1c_pct"``.

    Returns
    -------
    pandas.DataFrame
        As :func:`visit_display`: :func:`visit_summary` with the paired tests
        against month 0 and month 3 (:func:`paired_by_visit`).

    References
    ----------
    Lu et al. 2021, Figure 2 A/B.
    """
    summary = visit_summary(long, measure=measure)
    tests = pd.concat(
        [
            paired_by_visit(long, measure=measure, reference=ref)
            for ref in (0, SECOND_REFERENCE_MONTH)
        ],
        ignore_index=True,
    )
    return visit_display(summary, tests, measure=measure)


def _short_test(name: str) -> str:
    """Short test names for tables (the full names are in the results)."""
    short = {
        "paired t test (two-sided)": "paired t, two-sided",
        "Wilcoxon signed-rank test (two-sided, normal approximation)": (
            "Wilcoxon signed-rank, two-sided"
        ),
        "Student's t test (two-sided)": "Student's t, two-sided",
        "Mann-Whitney U test (two-sided, normal approximation)": (
            "Mann-Whitney U, two-sided"
        ),
        "Pearson's chi-square test (two-sided)": "Pearson's chi-square, two-sided",
        "Fisher's exact test (two-sided)": "Fisher's exact, two-sided",
    }
    return short.get(name, name)


def comparison_display(
    frame: pd.DataFrame, *, arms: tuple[str, ...] = ARMS
) -> pd.DataFrame:
    """A :func:`compare_arms` or :func:`cpeptide_table` result, for display.

    Returns
    -------
    pandas.DataFrame
        Columns ``Subgroup``, ``Measure``, ``Quantity``, one ``<Arm> mean ±
        SD (n)`` column per arm, ``Test`` and ``p``; strings.
    """
    rows = []
    for r in frame.to_dict("records"):
        measure = r.get("measure") or r["variable"].rsplit("_", 1)[0]
        kind = r.get("kind") or r["variable"].rsplit("_", 1)[1]
        dg = _digits(measure, kind)
        row = {
            "Subgroup": LABELS.get(r["subgroup"], r["subgroup"]),
            "Measure": LABELS.get(measure, measure),
            "Quantity": LABELS.get(kind, kind),
        }
        for a in arms:
            row[f"{LABELS.get(a, a)} mean ± SD (n)"] = _mean_sd(
                r[f"{a}_mean"], r[f"{a}_sd"], r[f"{a}_n"], dg
            )
        row["Test (n)"] = f"{_short_test(r['test'])} (n = {int(r['n'])})"
        row["p"] = p_value(r["pval"], missing="not tested")
        rows.append(row)
    return pd.DataFrame(rows)


def rose_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A :func:`rose_counts` result, for display.

    Returns
    -------
    pandas.DataFrame
        Columns ``Measure``, one ``<Arm>: rose / n (%)`` column per arm,
        ``Test (n)`` and ``p``; strings.
    """
    rows = []
    for m, sub in frame.groupby("measure", sort=False):
        row = {"Measure": LABELS.get(m, m)}
        for r in sub.itertuples(index=False):
            pct = f"{r.pct:.1f}%" if np.isfinite(r.pct) else "n/a"
            row[f"{LABELS.get(r.arm, r.arm)}: rose / n (%)"] = f"{r.events} / {r.n} ({pct})"
        first = sub.iloc[0]
        row["Test (n)"] = f"{_short_test(first['test'])} (n = {int(first['n_test'])})"
        row["p"] = p_value(first["pval"], missing="not tested")
        rows.append(row)
    return pd.DataFrame(rows)


def visit_sentence(
    summary: pd.DataFrame, tests: pd.DataFrame, *, arm: str, measure: str
) -> str:
    """Mean ± SD at every visit with the paired p-values, as one phrase.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`visit_summary`.
    tests : pandas.DataFrame
        From :func:`paired_by_visit`, references stacked.
    arm : str
        Arm key.
    measure : str
        The measure (units and decimals).

    Returns
    -------
    str
        E.g. ``"9.8 ± 3.0% at month 0, 6.6 ± 0.8% at month 3 (p < 0.001
        against month 0) and ..."``; the tests are named in
        :func:`visit_display`.
    """
    dg = 1 if measure == "hba1c_pct" else _digits(measure)
    unit = (
        "%" if measure == "hba1c_pct" else " " + LABELS[measure].split("(")[-1].rstrip(")")
    )
    parts = []
    for r in summary.loc[summary["arm"].eq(arm)].itertuples(index=False):
        text = f"{r.mean:.{dg}f} ± {r.sd:.{dg}f}{unit} at month {r.month:g}"
        ps = []
        hit = tests.loc[tests["arm"].eq(arm) & tests["month"].eq(r.month)]
        for t in hit.sort_values("reference").itertuples(index=False):
            p = p_value(t.pval, missing="not tested")
            p = f"p < {p[1:]}" if p.startswith("<") else f"p = {p}"
            ps.append(f"{p} against month {t.reference:g}")
        if ps:
            text += f" ({'; '.join(ps)})"
        parts.append(text)
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else "no data"


_ONSET_WORDS = {
    "adult": ("adult-onset participants", "had adult-onset diabetes"),
    "juvenile": ("juvenile-onset participants", "had juvenile-onset diabetes"),
}


def ratio_sentence(res: pd.DataFrame, onset: str) -> str:
    """The postprandial C-peptide change ratio by arm in one onset group, in words.

    Examples
    --------
    >>> res = pd.DataFrame({"key": ["secondary.pcp_pmol_l.ratio.adult.msc.n"],
    ...                     "value": [0.0], "method": ["count"]})
    >>> ratio_sentence(res, "adult")
    'No participant had adult-onset diabetes, so there is no ratio to compare.'
    """
    v = res.set_index("key")["value"]
    methods = res.set_index("key")["method"]
    base = f"secondary.pcp_pmol_l.ratio.{onset}"
    people, shared = _ONSET_WORDS[onset]

    def get(key):
        x = v.get(f"{base}.{key}")
        return float(x) if x is not None and np.isfinite(x) else None

    n1, n2 = int(get("msc.n") or 0), int(get("control.n") or 0)
    if n1 == n2 == 0:
        return f"No participant {shared}, so there is no ratio to compare."
    if n1 == 0 or n2 == 0:
        empty, full, n = ("MSC", "control", n2) if n1 == 0 else ("control", "MSC", n1)
        mean = get(f"{'control' if n1 == 0 else 'msc'}.mean")
        return (
            f"Among {people}, the postprandial C-peptide change ratio (change divided by "
            f"baseline) averaged {mean:.2f} in the {full} arm (n = {n}); no {empty} "
            "participant is in this group, so the arms cannot be compared."
        )
    p = get("pval")
    test = str(methods.get(f"{base}.pval", "not tested"))
    tested = f"{p_text(p)}, {test}" if p is not None else test
    return (
        f"Among {people}, the postprandial C-peptide change ratio (change divided by "
        f"baseline) averaged {get('msc.mean'):.2f} in the MSC arm (n = {n1}) against "
        f"{get('control.mean'):.2f} in the control arm (n = {n2}); {tested}."
    )


def glue_text(ch, res: pd.DataFrame) -> None:
    """Glue the text pieces of the chapter's prose (not recorded as results).

    Glues ``secondary.endpoint_month``, ``secondary.alpha`` and
    ``secondary.adult_onset_age`` (settings as text), ``<key>.test`` (the
    test's name) for every p-value key of ``res``, and
    ``secondary.<measure>.<arm>.visits`` (see :func:`visit_sentence`).
    """
    ch.rec.text("secondary.endpoint_month", f"{ch.settings.endpoint_month:g}")
    ch.rec.text("secondary.alpha", f"{ch.settings.alpha:g}")
    ch.rec.text("secondary.adult_onset_age", f"{ch.settings.adult_onset_age:g}")
    for r in res.loc[res["key"].str.contains(r"\.pval")].itertuples(index=False):
        ch.rec.text(f"{r.key}.test", r.method)
    for onset in _ONSET_WORDS:
        ch.rec.text(f"secondary.text.ratio.{onset}", ratio_sentence(res, onset))
    long = visit_long(ch.pp, ch.data.visits)
    for m in TRAJECTORY_MEASURES:
        summary = visit_summary(long, measure=m)
        tests = pd.concat(
            [
                paired_by_visit(long, measure=m, reference=ref)
                for ref in (0, SECOND_REFERENCE_MONTH)
            ],
            ignore_index=True,
        )
        for a in ARMS:
            ch.rec.text(
                f"secondary.{m}.{a}.visits",
                visit_sentence(summary, tests, arm=a, measure=m),
            )


# --- the chapter's results ------------------------------------------------------
