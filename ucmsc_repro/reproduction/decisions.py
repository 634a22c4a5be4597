"""Decision consistency of p-values, and one status vocabulary for the whole book.

A recomputed p-value can disagree with the printed one in two ways of very
different weight (statcheck's distinction, Nuijten et al. 2016):

``consistent``
    the recomputed p prints as the reported one under some rounding
    convention (:mod:`ucmsc_repro.reproduction.rounding`), or satisfies
    the stated bound ("< 0.05");
``inconsistent``
    it does not, but it lies on the same side of the significance level
    as the reported p: the numbers differ, the conclusion stands;
``decision_inconsistent``
    it lies on the other side of the significance level: the paper's
    conclusion (significant or not) changes.

The audit (:mod:`ucmsc_repro.reproduction.audit_checks`, verdicts ``consistent``,
``inconsistent``, ``unmatched``, ``imprecise``) and the scorecard
(:mod:`ucmsc_repro.reproduction.scorecard`, statuses ``reproduced``, ``differs``,
``not_computable``, ``inconsistent``, ``missing``) use different words, and
the same word ("inconsistent") with different meanings.
:data:`SHARED_STATUSES` is one vocabulary for both, ordered from the most
to the least serious; :data:`STATUS_MAP` maps every existing word to it;
:func:`shared_from_audit` and :func:`shared_from_scorecard` add the shared
status to their tables (upgrading a p-value whose recomputation changes the
decision to ``decision-changing``) and :func:`sort_findings` puts
decision-changing findings first.

References
----------
Nuijten MB, Hartgerink CHJ, van Assen MALM, Epskamp S, Wicherts JM. The
prevalence of statistical reporting errors in psychology (1985-2013). Behav
Res Methods 2016;48:1205-26 (statcheck).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pandas as pd

from ucmsc_repro.reproduction.rounding import CONVENTIONS, exact_value, unround

__all__ = [
    "DECISION_VERDICTS",
    "DECISION_COLUMNS",
    "RELATION_SYMBOLS",
    "SHARED_STATUSES",
    "STATUS_MAP",
    "AUDIT_DECISION_CHECKS",
    "FINDING_COLUMNS",
    "parse_reported_p",
    "reported_p_text",
    "classify_p",
    "decision_table",
    "to_shared",
    "sort_findings",
    "shared_from_audit",
    "shared_from_scorecard",
    "audit_p_findings",
]

#: Verdicts of :func:`classify_p`, with their meaning.
DECISION_VERDICTS = {
    "consistent": "the recomputed p prints as the reported one under some rounding "
    "convention, or satisfies the stated bound",
    "inconsistent": "it does not, but lies on the same side of alpha: the conclusion "
    "stands",
    "decision_inconsistent": "it lies on the other side of alpha: the conclusion changes",
}
#: Columns :func:`decision_table` adds.
DECISION_COLUMNS = [
    "relation",
    "reported_p",
    "reported_significant",
    "recomputed_significant",
    "conventions",
    "verdict",
    "shared_status",
]
#: Relation (as in the claims file) -> symbol.
RELATION_SYMBOLS = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_SYMBOL_RELATIONS = {
    "=": "eq",
    "==": "eq",
    "<": "lt",
    "<=": "le",
    "≤": "le",
    ">": "gt",
    ">=": "ge",
    "≥": "ge",
}

#: The shared status vocabulary, most serious first (the order of
#: :func:`sort_findings`), with one-line definitions.
SHARED_STATUSES = {
    "decision-changing": "recomputed, the figure falls on the other side of the "
    "significance level from the paper's: a conclusion changes",
    "inconsistent within the paper": "the paper's own figures contradict each other or "
    "one is impossible (GRIM, DEBIT), whatever the data",
    "differs": "recomputation (from the data, or from the paper's figures by every "
    "method it names) does not give the printed number; the conclusion stands",
    "not checkable": "the statement does not say what its figure measures or how, so "
    "no single recomputation can confirm or refute it",
    "not computable": "the figure needs information the data contract does not hold",
    "not yet computed": "the book has no result for this claim yet: a gap in the book, "
    "not a property of the paper",
    "reproduced": "recomputation gives the printed number at its precision (or "
    "satisfies the stated bound)",
}
#: Existing status words -> shared status, per source.
STATUS_MAP = {
    "audit": {
        "consistent": "reproduced",
        "inconsistent": "inconsistent within the paper",
        "unmatched": "differs",
        "imprecise": "not checkable",
    },
    "scorecard": {
        "reproduced": "reproduced",
        "differs": "differs",
        "not_computable": "not computable",
        "inconsistent": "inconsistent within the paper",
        "missing": "not yet computed",
    },
    "decisions": {
        "consistent": "reproduced",
        "inconsistent": "differs",
        "decision_inconsistent": "decision-changing",
    },
}
#: Columns of the findings in :func:`audit_p_findings` (before the decision columns).
FINDING_COLUMNS = [
    "check_id",
    "finding",
    "reported",
    "recomputed",
    "recomputed_low",
    "recomputed_high",
    "method",
]
#: Audit checks whose verdict ``inconsistent`` means that the recomputed
#: p-value is on the other side of alpha from the paper's statement.
AUDIT_DECISION_CHECKS = ("insulin_free_pvalue",)

_P_RE = re.compile(r"^\s*(?:p\s*)?(==|<=|>=|=|<|>|≤|≥)?\s*([-+]?[0-9]*\.?[0-9]+)\s*$", re.I)


def parse_reported_p(text: str) -> tuple[str, str]:
    """Split a printed p-value into its relation and its number.

    Parameters
    ----------
    text : str
        E.g. ``"0.041"``, ``"p = 0.041"``, ``"< 0.05"``, ``"P<0.001"``,
        ``"≥ 0.05"``.

    Returns
    -------
    (str, str)
        The relation (``eq``, ``lt``, ``le``, ``gt``, ``ge``, as in the
        claims file) and the number as printed.

    Examples
    --------
    >>> parse_reported_p("0.041"), parse_reported_p("p < 0.05"), parse_reported_p("≥0.05")
    (('eq', '0.041'), ('lt', '0.05'), ('ge', '0.05'))
    """
    m = _P_RE.match(str(text))
    if m is None:
        raise ValueError(f"cannot read a p-value from {text!r}")
    symbol, number = m.groups()
    return _SYMBOL_RELATIONS[symbol or "="], number


def reported_p_text(relation: str, reported: str) -> str:
    """The printed form of a claims-file p-value (``lt``, ``"0.05"`` -> ``"< 0.05"``).

    Examples
    --------
    >>> reported_p_text("lt", "0.05"), reported_p_text("eq", "0.041")
    ('< 0.05', '0.041')
    """
    return reported if relation == "eq" else f"{RELATION_SYMBOLS[relation]} {reported}"


def _significant(p, alpha: float, at_alpha: bool) -> bool:
    v, a = exact_value(p), exact_value(alpha)
    return v < a or (at_alpha and v == a)


def _reported_significance(relation: str, number: str, alpha: float, at_alpha: bool):
    """Whether the printed p says significant (True), not (False) or neither (None)."""
    if relation == "eq":
        return _significant(number, alpha, at_alpha)
    b, a = exact_value(number), exact_value(alpha)
    if relation in ("lt", "le"):
        return True if b <= a else None
    return False if b >= a else None


def _as_range(recomputed) -> tuple[float, float]:
    if isinstance(recomputed, tuple | list):
        lo, hi = (float(v) for v in recomputed)
    else:
        lo = hi = float(recomputed)
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise ValueError(
            f"the recomputed p-value must be a number or a range, got {recomputed!r}"
        )
    return lo, hi


def _meets(lo: Fraction, hi: Fraction, b: dict) -> bool:
    """Whether [lo, hi] meets the unround() interval b."""
    below = hi < b["lower"] or (hi == b["lower"] and not b["incl_lower"])
    above = lo > b["upper"] or (lo == b["upper"] and not b["incl_upper"])
    return not below and not above


def classify_p(
    reported: str,
    recomputed,
    *,
    alpha: float = 0.05,
    p_equal_alpha_significant: bool = True,
) -> dict:
    """Is a recomputed p-value consistent, inconsistent or decision inconsistent?

    Parameters
    ----------
    reported : str
        The p-value as printed (see :func:`parse_reported_p`).
    recomputed : float or (float, float)
        The recomputed, unrounded p-value; or the least and greatest p-value
        the recomputation allows (e.g. with every printed input anywhere in
        its rounding interval, :func:`ucmsc_repro.stats.printed.wald_p_range`).
    alpha : float
        Significance level.
    p_equal_alpha_significant : bool
        Whether a p equal to alpha counts as significant (statcheck's
        ``pEqualAlphaSig``, default true).

    Returns
    -------
    dict
        ``reported`` (text), ``relation``, ``reported_p`` (the printed
        number), ``recomputed_low`` and ``recomputed_high`` (equal for a
        single value), ``alpha``, ``reported_significant`` (bool, or
        ``None`` when a bound does not say: "< 0.10" at alpha 0.05),
        ``recomputed_significant`` (bool, or ``None`` when a range straddles
        alpha), ``conventions`` (tuple of the rounding conventions under
        which a recomputed p prints as the reported one; empty for a bound)
        and ``verdict`` (a key of :data:`DECISION_VERDICTS`).

    Notes
    -----
    A printed ``p = x`` is significant when ``x < alpha``; a bound ``< b``
    or ``<= b`` is significant when ``b <= alpha``, ``> b`` or ``>= b`` is
    not significant when ``b >= alpha``. A bound is compared with the
    unrounded recomputed value, as in the scorecard (0.0501 does not
    satisfy "< 0.05"). A range is consistent when some value in it is;
    decision inconsistent only when all of it lies on the other side of
    alpha.

    Examples
    --------
    The paper's remission p = 0.041 against Pearson's chi-square on 11/27
    versus 3/26 (p = 0.0159): numbers differ, both below 0.05.

    >>> classify_p("0.041", 0.0159)["verdict"]
    'inconsistent'
    >>> classify_p("0.041", 0.0414)["conventions"]
    ('half_up', 'half_even', 'half_down', 'truncate')
    >>> classify_p("p < 0.05", 0.063)["verdict"], classify_p("0.044", 0.052)["verdict"]
    ('decision_inconsistent', 'decision_inconsistent')
    >>> classify_p("0.023", (0.0166, 0.0338))["verdict"]
    'consistent'
    """
    relation, number = parse_reported_p(reported)
    lo_f, hi_f = _as_range(recomputed)
    lo, hi = exact_value(lo_f), exact_value(hi_f)
    b = exact_value(number)
    rep_sig = _reported_significance(relation, number, alpha, p_equal_alpha_significant)
    if relation == "eq":
        conventions = tuple(c for c in CONVENTIONS if _meets(lo, hi, unround(number, c)))
        holds = bool(conventions)
    else:
        conventions = ()
        holds = {"lt": lo < b, "le": lo <= b, "gt": hi > b, "ge": hi >= b}[relation]
    sig_lo = _significant(lo_f, alpha, p_equal_alpha_significant)
    sig_hi = _significant(hi_f, alpha, p_equal_alpha_significant)
    rec_sig = sig_lo if sig_lo == sig_hi else None
    if holds:
        verdict = "consistent"
    elif rep_sig is not None and rec_sig is not None and rep_sig != rec_sig:
        verdict = "decision_inconsistent"
    else:
        verdict = "inconsistent"
    return {
        "reported": str(reported),
        "relation": relation,
        "reported_p": number,
        "recomputed_low": lo_f,
        "recomputed_high": hi_f,
        "alpha": float(alpha),
        "reported_significant": rep_sig,
        "recomputed_significant": rec_sig,
        "conventions": conventions,
        "verdict": verdict,
    }


def decision_table(
    findings: pd.DataFrame,
    *,
    reported: str = "reported",
    recomputed: str = "recomputed",
    low: str | None = None,
    high: str | None = None,
    alpha: float = 0.05,
    p_equal_alpha_significant: bool = True,
) -> pd.DataFrame:
    """:func:`classify_p` for every row of a findings table.

    Parameters
    ----------
    findings : pandas.DataFrame
        One row per p-value, with the printed p (text) and the recomputed
        p (float; missing values are left unclassified).
    reported, recomputed : str
        Names of those columns.
    low, high : str, optional
        Names of columns with the least and greatest recomputed p-value;
        where both are given and not missing, the range is classified
        instead of the single value.
    alpha : float
        Significance level.
    p_equal_alpha_significant : bool
        As in :func:`classify_p`.

    Returns
    -------
    pandas.DataFrame
        ``findings`` with the columns of :data:`DECISION_COLUMNS` added:
        ``relation``, ``reported_p``, ``reported_significant`` and
        ``recomputed_significant`` (nullable booleans), ``conventions``
        (comma-separated), ``verdict`` (of :data:`DECISION_VERDICTS`) and
        ``shared_status`` (of :data:`SHARED_STATUSES`); the last two are
        missing where the recomputed p is.

    Examples
    --------
    >>> f = pd.DataFrame({"reported": ["0.041", "< 0.05", "0.023"],
    ...                   "recomputed": [0.0159, 0.063, 0.0242]})
    >>> decision_table(f)["shared_status"].tolist()
    ['differs', 'decision-changing', 'differs']
    """
    out = findings.copy().reset_index(drop=True)
    cols = {c: [] for c in DECISION_COLUMNS}
    for i, text in enumerate(out[reported]):
        value = out.at[i, recomputed]
        if low is not None and high is not None:
            rng = (out.at[i, low], out.at[i, high])
            if not any(pd.isna(v) for v in rng):
                value = rng
        relation, number = parse_reported_p(text)
        if not isinstance(value, tuple) and pd.isna(value):
            r = {"relation": relation, "reported_p": number}
            at_alpha = p_equal_alpha_significant
            rep = _reported_significance(relation, number, alpha, at_alpha)
            r.update(reported_significant=rep, recomputed_significant=None)
            r.update(conventions=(), verdict=None)
        else:
            r = classify_p(
                str(text),
                value,
                alpha=alpha,
                p_equal_alpha_significant=p_equal_alpha_significant,
            )
        for c in DECISION_COLUMNS[:-1]:
            cols[c].append(", ".join(r[c]) if c == "conventions" else r[c])
        cols["shared_status"].append(
            None if r["verdict"] is None else to_shared(r["verdict"], "decisions")
        )
    for c, values in cols.items():
        out[c] = values
    for c in ("reported_significant", "recomputed_significant"):
        out[c] = out[c].astype("boolean")
    return out


def status_key(status: str) -> str:
    """The part of a result key that names a shared status.

    Examples
    --------
    >>> status_key("inconsistent within the paper"), status_key("decision-changing")
    ('inconsistent_within_the_paper', 'decision_changing')
    """
    return status.replace(" ", "_").replace("-", "_")


def to_shared(word: str, source: str) -> str:
    """The shared status of an existing status word.

    Parameters
    ----------
    word : str
        A verdict of the audit, a status of the scorecard or a verdict of
        :func:`classify_p`.
    source : str
        ``"audit"``, ``"scorecard"`` or ``"decisions"`` (the keys of
        :data:`STATUS_MAP`): the same word means different things in each.

    Examples
    --------
    >>> to_shared("inconsistent", "audit"), to_shared("inconsistent", "decisions")
    ('inconsistent within the paper', 'differs')
    >>> to_shared("missing", "scorecard")
    'not yet computed'
    """
    if source not in STATUS_MAP:
        raise ValueError(f"unknown source {source!r}; use one of {', '.join(STATUS_MAP)}")
    try:
        return STATUS_MAP[source][word]
    except KeyError:
        raise ValueError(f"{word!r} is no status word of the {source}") from None


def sort_findings(
    table: pd.DataFrame, column: str = "shared_status", *, source: str | None = None
) -> pd.DataFrame:
    """Findings ordered by seriousness: decision-changing first.

    Parameters
    ----------
    table : pandas.DataFrame
        Any findings table with a status column.
    column : str
        The status column.
    source : str, optional
        When given, ``column`` holds that source's own words (see
        :func:`to_shared`), mapped before sorting; otherwise it holds shared
        statuses.

    Returns
    -------
    pandas.DataFrame
        The rows in the order of :data:`SHARED_STATUSES` (stable: rows of
        one status keep their order), index reset. Unknown or missing
        statuses go last.

    Examples
    --------
    >>> t = pd.DataFrame({"id": [1, 2, 3, 4],
    ...                   "verdict": ["consistent", "decision_inconsistent",
    ...                               "inconsistent", "decision_inconsistent"]})
    >>> sort_findings(t, "verdict", source="decisions")["id"].tolist()
    [2, 4, 3, 1]
    """
    words = table[column]
    if source is not None:
        words = words.map(lambda w: to_shared(w, source) if isinstance(w, str) else None)
    rank = {s: i for i, s in enumerate(SHARED_STATUSES)}
    keys = words.map(lambda s: rank.get(s, len(rank)) if isinstance(s, str) else len(rank))
    order = keys.reset_index(drop=True).sort_values(kind="mergesort").index
    return table.reset_index(drop=True).iloc[order].reset_index(drop=True)


def shared_from_audit(table: pd.DataFrame) -> pd.DataFrame:
    """The audit table (:func:`.audit_checks.audit_table`) with a shared status.

    Returns
    -------
    pandas.DataFrame
        ``table`` with a column ``shared_status``: the audit verdict mapped
        by :data:`STATUS_MAP`, except that ``inconsistent`` on a check of
        :data:`AUDIT_DECISION_CHECKS` (a p-value recomputed from the
        paper's counts on the other side of alpha from the paper's
        statement) becomes ``decision-changing``.

    Examples
    --------
    >>> t = pd.DataFrame({"check_id": ["insulin_free_pvalue", "flow_assigned", "x"],
    ...                   "verdict": ["inconsistent", "inconsistent", "imprecise"]})
    >>> shared_from_audit(t)["shared_status"].tolist()
    ['decision-changing', 'inconsistent within the paper', 'not checkable']
    """
    out = table.copy()
    out["shared_status"] = [
        "decision-changing"
        if v == "inconsistent" and c in AUDIT_DECISION_CHECKS
        else to_shared(v, "audit")
        for c, v in zip(out["check_id"], out["verdict"], strict=True)
    ]
    return out


def _is_pvalue_key(key: str) -> bool:
    return key.rsplit(".", 1)[-1].startswith("pval")


def shared_from_scorecard(card: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """The scorecard (:func:`.scorecard.evaluate_claims`) with a shared status.

    Parameters
    ----------
    card : pandas.DataFrame
        Needs the columns ``key``, ``relation``, ``reported``,
        ``reproduced`` and ``status``.
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        ``card`` with columns ``decision`` (the :func:`classify_p` verdict
        of each p-value claim with a result; missing for other claims) and
        ``shared_status``: the status mapped by :data:`STATUS_MAP`, except
        that a p-value claim with status ``differs`` whose reproduced p is
        on the other side of alpha becomes ``decision-changing``. The
        scorecard's own statuses are unchanged: an ``eq`` p-value that only
        another rounding convention reproduces stays ``differs`` (the
        scorecard rounds half up); ``decision`` then says ``consistent``.

    Examples
    --------
    >>> card = pd.DataFrame({"key": ["a.pval", "b.pval", "c.pct"],
    ...     "relation": ["lt", "eq", "eq"], "reported": ["0.05", "0.041", "40.7"],
    ...     "reproduced": [0.07, 0.0159, 40.74],
    ...     "status": ["differs", "differs", "reproduced"]})
    >>> shared_from_scorecard(card)["shared_status"].tolist()
    ['decision-changing', 'differs', 'reproduced']
    """
    out = card.copy()
    decisions, shared = [], []
    for r in out.itertuples():
        d = None
        if _is_pvalue_key(r.key) and pd.notna(r.reproduced) and math.isfinite(r.reproduced):
            text = reported_p_text(r.relation, r.reported)
            d = classify_p(text, float(r.reproduced), alpha=alpha)["verdict"]
        decisions.append(d)
        s = to_shared(r.status, "scorecard")
        if r.status == "differs" and d == "decision_inconsistent":
            s = "decision-changing"
        shared.append(s)
    out["decision"] = decisions
    out["shared_status"] = shared
    return out


def audit_p_findings(
    claims: pd.DataFrame | None = None, *, alpha: float = 0.05
) -> pd.DataFrame:
    """Every p-value the audit recomputes from the paper's own figures, classified.

    The rows: the remission p-value (printed 0.041) against each test the
    paper names, computed from the printed counts; the insulin-independence
    statement ("no statistic difference", i.e. p >= alpha) against the
    same tests; the p-value implied by the printed post hoc power; and the
    stepwise p-values against the Wald p-value implied by their printed
    confidence intervals.

    Parameters
    ----------
    claims : pandas.DataFrame, optional
        The claims (default: the shipped claims file).
    alpha : float
        Significance level.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`FINDING_COLUMNS`: ``check_id`` (the audit check
        it belongs to), ``finding``, ``reported`` (printed p, with its
        relation), ``recomputed`` (float), ``recomputed_low`` and
        ``recomputed_high`` (the range within rounding of the printed
        inputs, for the CI rows; missing otherwise; classified instead of
        ``recomputed`` where given) and ``method``; then those of
        :func:`decision_table`; sorted by :func:`sort_findings`
        (decision-changing first).

    Notes
    -----
    ``shared_status`` here comes from the decision verdict alone:
    ``differs`` means that the printed p and its recomputation disagree
    without changing the decision. Whether the disagreement counts as an
    inconsistency within the paper is said by the audit row of the same
    ``check_id`` (:func:`shared_from_audit`).

    Examples
    --------
    >>> t = audit_p_findings()
    >>> t["verdict"].value_counts().to_dict()
    {'consistent': 5, 'inconsistent': 4}
    """
    from ucmsc_repro.data.claims import read_claims
    from ucmsc_repro.stats.printed import (
        p_from_observed_power,
        spss_chi_square_table,
        wald_from_ci,
        wald_p_range,
    )

    c = read_claims() if claims is None else claims

    def get(key, relation="eq", section=None):
        sel = c["key"].eq(key) & c["relation"].eq(relation)
        if section is not None:
            sel &= c["section"].str.startswith(section)
        return str(c.loc[sel, "reported"].iloc[0])

    x1, n1 = int(get("primary.remission.msc.events")), int(get("primary.remission.msc.n"))
    x2 = int(get("primary.remission.control.events"))
    n2 = int(get("primary.remission.control.n"))
    rows = []
    nan = float("nan")
    p_rem = get("primary.remission.pval_chi2")
    for t in spss_chi_square_table(x1, n1, x2, n2).itertuples():
        if t.named:
            method = f"{t.test} on {x1}/{n1} versus {x2}/{n2}"
            rows.append(("remission_pvalue", "remission", p_rem, t.pval, nan, nan, method))
    f1 = int(get("primary.insulin_free.msc.events", section="Abstract"))
    f2 = int(get("primary.insulin_free.control.events", section="Abstract"))
    p_if = reported_p_text("ge", get("primary.insulin_free.pval_fisher", relation="ge"))
    for t in spss_chi_square_table(f1, n1, f2, n2).itertuples():
        if t.named:
            method = f"{t.test} on {f1}/{n1} versus {f2}/{n2}"
            rows.append(
                (
                    "insulin_free_pvalue",
                    "insulin independence",
                    p_if,
                    t.pval,
                    nan,
                    nan,
                    method,
                )
            )
    power = get("primary.power.pooled_z")
    rows.append(
        (
            "power_vs_pvalue",
            "remission p implied by the printed post hoc power",
            p_rem,
            p_from_observed_power(float(power) / 100, alpha=alpha),
            nan,
            nan,
            f"two-sided z test whose observed power is {power}%",
        )
    )
    for term, label in (
        ("fcp_pmol_l_0", "stepwise OR of baseline fasting C-peptide"),
        ("msc_cells_total", "stepwise OR of the number of transfused MSCs"),
    ):
        base = f"factors.stepwise.{term}.or"
        est, lo, hi = (get(k) for k in (base, f"{base}.ci_low", f"{base}.ci_high"))
        p_min, p_max = wald_p_range(est, lo, hi)
        rows.append(
            (
                f"ci_vs_p_{term}",
                label,
                get(f"factors.stepwise.{term}.pval"),
                wald_from_ci(float(est), float(lo), float(hi))["pval"],
                p_min,
                p_max,
                f"Wald p-value of OR {est} ({lo}-{hi}); range: every printed number "
                "anywhere in its rounding interval",
            )
        )
    f = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return sort_findings(
        decision_table(f, low="recomputed_low", high="recomputed_high", alpha=alpha)
    )
