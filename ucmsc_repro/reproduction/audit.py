"""Statistical audit of the paper's own numbers, independent of any data set.

Every check takes figures the paper prints (read from the claims file,
:mod:`ucmsc_repro.data.claims`, so that no number is typed twice) and recomputes
what they imply: p-values from the reported counts with every test the paper
names, the post hoc power with the usual formulas, whether each percentage is
possible for its denominator (GRIM), whether the flow of participants adds up,
whether the verbal statements ("four times more likely", "nearly 2.5 times
higher") follow from the figures, whether confidence intervals agree with
their p-values, and whether the abstract and the results agree.

Each check is one row of :func:`audit_table` with the arithmetic written
out. Verdicts:

``consistent``
    the figures agree with each other;
``inconsistent``
    they contradict each other;
``unmatched``
    no method the paper names gives the reported number from the reported
    inputs;
``imprecise``
    the wording does not say what the figure measures (e.g. an odds ratio
    described as "times more likely").

A printed number ``x`` with ``d`` decimals is taken to stand for any value in
``[x - h, x + h]`` with ``h = 0.5 * 10**-d`` (both ends included, so that
either rounding convention at a tie is accepted).
"""

from __future__ import annotations

import pandas as pd

from ..core.results_table import results_frame
from ..data.claims import read_claims
from ..stats.printed import (
    observed_power_from_p,
    or_to_risk_ratio,
    p_from_observed_power,
    spss_chi_square_table,
    wald_from_ci,
    wald_p_range,
)
from . import debit
from .audit_checks import (
    AUDIT_COLUMNS,
    VERDICTS,
    audit_table,
    paper_figure,
    power_check_table,
    power_display,
    remission_counts,
    remission_tests_display,
)
from .decisions import (
    SHARED_STATUSES,
    audit_p_findings,
    shared_from_audit,
    sort_findings,
    status_key,
)

__all__ = [
    "full_audit_table",
    "status_counts",
    "VERDICTS",
    "AUDIT_COLUMNS",
    "power_check_table",
    "audit_table",
    "remission_tests_display",
    "power_display",
    "verdict_counts",
    "results",
]


def full_audit_table(claims: pd.DataFrame | None = None, *, alpha: float = 0.05):
    """Every check of the audit, most serious first, with the book's shared status.

    The checks of :func:`audit_table`, the percentage checks under every
    rounding convention (GRIM and DEBIT: :func:`.debit.audit_rows`) and the
    check whether one convention gives both the power and the percentages
    (:func:`.debit.power_convention_row`); each gets a ``status`` in the
    vocabulary the scorecard uses too (:data:`.decisions.SHARED_STATUSES`),
    and the rows are sorted with decision-changing findings first.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`AUDIT_COLUMNS` and ``status``.
    """
    c = read_claims() if claims is None else claims
    rows = [*debit.audit_rows(c), debit.power_convention_row(c, alpha=alpha)]
    t = pd.concat([audit_table(c, alpha=alpha), pd.DataFrame(rows)], ignore_index=True)
    t = sort_findings(shared_from_audit(t))
    return t.rename(columns={"shared_status": "status"}).reset_index(drop=True)


def status_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Checks per shared status, most serious first: ``status``, ``checks``, ``meaning``."""
    counts = table["status"].value_counts()
    return pd.DataFrame(
        {
            "status": list(SHARED_STATUSES),
            "checks": [int(counts.get(k, 0)) for k in SHARED_STATUSES],
            "meaning": list(SHARED_STATUSES.values()),
        }
    )


def decision_display(claims: pd.DataFrame | None = None, *, alpha: float = 0.05):
    """Each recomputed p-value against the reported one, decision-changing first.

    Columns for the reader: finding, reported, recomputed (3 decimals, or the
    range when the printed numbers allow one), method, rounding conventions
    under which the recomputed value prints as the reported one, status.
    """
    f = sort_findings(audit_p_findings(claims, alpha=alpha))

    def shown(r) -> str:
        if pd.notna(r.recomputed_low) and pd.notna(r.recomputed_high):
            return f"{r.recomputed:.3f} ({r.recomputed_low:.3f} to {r.recomputed_high:.3f})"
        return f"{r.recomputed:.3f}"

    return pd.DataFrame(
        {
            "Finding": f["finding"],
            "Reported p": f["reported"],
            "Recomputed p": [shown(r) for r in f.itertuples()],
            "Method": f["method"],
            "Prints as reported under": [
                _conventions(c, rel)
                for c, rel in zip(f["conventions"], f["relation"], strict=True)
            ],
            "Status": f["shared_status"],
        }
    )


def _conventions(names: str, relation: str) -> str:
    from .rounding import CONVENTION_LABELS

    if relation != "eq":
        return "a bound: no rounding involved"
    if not names:
        return "no rounding convention"
    short = {k: v.split(":")[0] for k, v in CONVENTION_LABELS.items()}
    return ", ".join(short.get(n.strip(), n.strip()) for n in names.split(","))


def verdict_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Checks per verdict: columns ``verdict`` and ``checks`` (zeros included).

    Examples
    --------
    >>> verdict_counts(pd.DataFrame({"verdict": ["consistent"]}))["checks"].tolist()
    [1, 0, 0, 0]
    """
    counts = table["verdict"].value_counts()
    return pd.DataFrame(
        {"verdict": list(VERDICTS), "checks": [int(counts.get(v, 0)) for v in VERDICTS]}
    )


def results(ch, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every statistic of the audit chapter (data-independent).

    Parameters
    ----------
    ch : Chapter
        The audit chapter (only its settings' ``alpha`` is used).
    table : pandas.DataFrame, optional
        The audit table; computed when not given.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``,
        ``n``. Keys: ``audit.checks.all.n``, ``audit.<verdict>.all.n``;
        ``audit.remission.pval_<test>`` for the SPSS chi-square table;
        ``audit.power.<method>`` (percent); ``audit.power.from_reported_p``
        and ``audit.pval.from_reported_power``; ``audit.ci.<term>.pval_wald``,
        ``.pval_min``, ``.pval_max``; ``audit.rr.crude``, ``audit.rr.from_or``.
    """
    alpha = ch.settings.alpha if ch is not None else 0.05
    c = read_claims()
    t = audit_table(c, alpha=alpha) if table is None else table
    rows = []

    def add(key, value, method):
        rows.append({"key": f"audit.{key}", "value": float(value), "method": method})

    add("checks.all.n", len(t), "count")
    counts = t["verdict"].value_counts()
    for v in VERDICTS:
        add(f"{v}.all.n", counts.get(v, 0), "count")
    if "status" in t.columns:
        shared = t["status"].value_counts()
        for status in SHARED_STATUSES:
            add(f"status.{status_key(status)}.n", shared.get(status, 0), "count")
    x1, n1, x2, n2 = remission_counts(c)
    slugs = ["chi2", "yates", "fisher", "lr", "fisher_one_sided", "linear_by_linear"]
    for slug, r in zip(
        slugs, spss_chi_square_table(x1, n1, x2, n2).itertuples(), strict=True
    ):
        add(f"remission.pval_{slug}", r.pval, r.test)
    for r in power_check_table(c, alpha=alpha).itertuples():
        add(f"power.{r.method}", r.power_pct, r.label)
    p_text = paper_figure(c, "primary.remission.pval_chi2")
    pw_text = paper_figure(c, "primary.power.pooled_z")
    add(
        "power.from_reported_p",
        100 * observed_power_from_p(float(p_text), alpha=alpha),
        "observed power of a two-sided z test with the reported p-value",
    )
    add(
        "pval.from_reported_power",
        p_from_observed_power(float(pw_text) / 100, alpha=alpha),
        "p-value whose observed power is the reported power",
    )
    for term in ("fcp_pmol_l_0", "msc_cells_total"):
        base = f"factors.stepwise.{term}.or"
        est, lo, hi = (
            paper_figure(c, k) for k in (base, f"{base}.ci_low", f"{base}.ci_high")
        )
        w = wald_from_ci(float(est), float(lo), float(hi))
        p_min, p_max = wald_p_range(est, lo, hi)
        add(f"ci.{term}.pval_wald", w["pval"], "Wald p-value implied by the printed CI")
        add(f"ci.{term}.pval_min", p_min, "smallest Wald p-value within rounding")
        add(f"ci.{term}.pval_max", p_max, "largest Wald p-value within rounding")
    add("rr.crude", (x1 / n1) / (x2 / n2), "risk ratio from the reported counts")
    or_text = paper_figure(c, "factors.whole.msc.or", decimals=2)
    add(
        "rr.from_or",
        or_to_risk_ratio(float(or_text), x2 / n2),
        "risk ratio implied by the adjusted OR (Zhang and Yu 1998)",
    )
    # every audit figure is arithmetic on the paper's numbers: no n
    return results_frame(rows)
