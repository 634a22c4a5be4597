"""The reproduction scorecard: every claim of the paper against the book's result.

:func:`evaluate_claims` compares each row of the claims file
(:mod:`ucmsc_repro.data.claims`) with the result of the same key in
``results.csv`` and gives it a status:

``reproduced``
    the result, rounded half up at the printed precision, equals the
    reported number (or satisfies the stated bound, e.g. p < 0.05);
``differs``
    it does not; ``difference`` says by how much;
``not_computable``
    the data contract cannot give the number (e.g. cell viability);
``inconsistent``
    the paper contradicts itself on this number (the claims file's note
    says how); the result is still shown;
``missing``
    no result has the claim's key, or its value is missing: a gap in the
    book to fix, not a property of the paper.
"""

from __future__ import annotations

import importlib.util
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..chapters import CHAPTERS
from ..core.formatting import fixed, no_negative_zero
from ..core.labels import key_label
from ..core.results_table import RESULT_COLUMNS, read_results, results_frame
from ..data.claims import read_claims, read_excluded
from .decisions import SHARED_STATUSES, shared_from_scorecard, status_key

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "SCORECARD_CSV_COLUMNS",
    "csv_frame",
    "OWN_CHAPTERS",
    "round_half_up",
    "evaluate_claims",
    "status_counts",
    "section_counts",
    "missing_keys",
    "unclaimed_results",
    "chapters_to_collect",
    "gather_results",
    "write_scorecard",
    "shared_status",
    "SHARED_STYLES",
    "display_frame",
    "status_display",
    "STATUS_STYLES",
    "status_styles",
    "status_legend",
    "build_scorecard",
    "results",
]

#: Statuses in the order the book lists them.
STATUSES = ("reproduced", "differs", "not_computable", "inconsistent", "missing")
#: Plain-language label of each status.
STATUS_LABELS = {
    "reproduced": "reproduced at the reported precision",
    "differs": "differs from the reported value",
    "not_computable": "cannot be computed from the data contract",
    "inconsistent": "inconsistent within the paper itself",
    "missing": "no result with this key (a gap in the book)",
}
#: Columns of ``OUT/scorecard.csv``.
SCORECARD_CSV_COLUMNS = [
    "key",
    "reported",
    "reproduced",
    "status",
    "section",
    "relation",
    "reproduced_rounded",
    "difference",
    "sentence",
    "note",
]
#: Row background of each status in the interactive table.
STATUS_STYLES = {
    "reproduced": "background-color: #e6f4ea",
    "differs": "background-color: #fce8e6",
    "not_computable": "background-color: #f1f3f4",
    "inconsistent": "background-color: #f3e8fd",
    "missing": "background-color: #fef7e0",
}
#: Row background of each shared status (:data:`.decisions.SHARED_STATUSES`), the
#: words every page of the book uses.
SHARED_STYLES = {
    "decision-changing": "background-color: #f9d5d3",
    "inconsistent within the paper": "background-color: #f3e8fd",
    "differs": "background-color: #fce8e6",
    "not checkable": "background-color: #fef7e0",
    "not computable": "background-color: #f1f3f4",
    "not yet computed": "background-color: #fef7e0",
    "reproduced": "background-color: #e6f4ea",
}
#: How a relation is shown next to the reported number.
RELATION_SYMBOLS = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
#: Chapters that read the others' results and are never collected.
OWN_CHAPTERS = ("cohort", "scorecard", "audit", "robustness", "checklist")


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round a number half up (ties away from zero) at ``decimals`` decimals.

    Parameters
    ----------
    value : float
        The unrounded number.
    decimals : int
        Digits after the decimal point, as printed in the paper.

    Returns
    -------
    decimal.Decimal
        The rounded value, with exactly ``decimals`` decimals.

    Notes
    -----
    The float is first turned into its shortest exact decimal representation
    (Python's ``repr``: 0.0415 is read as 0.0415, not as the binary
    0.041499999...), then rounded with :data:`decimal.ROUND_HALF_UP`, the way
    a person or SPSS rounds a printed number. Python's ``round`` would round
    ties to even (``round(0.125, 2) == 0.12``) and act on the binary value.

    Examples
    --------
    >>> [str(round_half_up(x, d)) for x, d in [(0.125, 2), (2.5, 0), (-2.5, 0)]]
    ['0.13', '3', '-3']
    >>> str(round_half_up(11 / 27 * 100, 1))
    '40.7'
    """
    if not np.isfinite(value):
        raise ValueError(f"cannot round {value!r}")
    quantum = Decimal(1).scaleb(-int(decimals))
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def _holds(relation: str, value: float, reported: float, digits: int, text: str) -> bool:
    if relation == "eq":
        return round_half_up(value, digits) == Decimal(text)
    return {
        "lt": value < reported,
        "le": value <= reported,
        "gt": value > reported,
        "ge": value >= reported,
    }[relation]


def _display(value: float, relation: str, digits: int, text: str) -> str:
    if not np.isfinite(value):
        return ""
    if relation == "eq":
        return str(round_half_up(value, digits))
    d = (len(text.split(".", 1)[1]) if "." in text else 0) + 2
    if value != 0 and abs(value) < 10.0**-d:
        return f"{value:.2e}"
    return str(round_half_up(value, d))


def evaluate_claims(claims: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Compare every claim with the book's result of the same key.

    Parameters
    ----------
    claims : pandas.DataFrame
        As returned by :func:`ucmsc_repro.data.claims.read_claims`.
    results : pandas.DataFrame
        A results table with columns ``key``, ``value``, ``ci_low``,
        ``ci_high`` and optionally ``method``, ``n``, ``chapter`` (the
        runner's ``results.csv``). A claim key ending in ``.ci_low`` or
        ``.ci_high`` reads that column of the base key's row.

    Returns
    -------
    pandas.DataFrame
        One row per claim, in the claims file's order, with columns
        ``claim_id``, ``key``, ``section``, ``sentence``, ``relation``,
        ``reported`` (as printed), ``reproduced`` (unrounded float, NaN when
        there is none), ``reproduced_rounded`` (text: at the printed
        precision for ``eq`` claims, two more decimals for bounds),
        ``difference`` (reproduced minus reported, unrounded), ``agrees``
        (whether the result satisfies the claim; missing when there is no
        result), ``status`` (one of :data:`STATUSES`), ``status_hint``,
        ``note``, ``chapter`` and ``method`` (of the result row).

    Raises
    ------
    ValueError
        When ``results`` has the same key twice.

    Notes
    -----
    An ``eq`` claim is reproduced when the result rounded half up at the
    printed number of decimals (:func:`round_half_up`) equals the printed
    number: 40.7407 reproduces "40.7", 68.48 does not reproduce "68.4". A
    bound compares the unrounded result with the stated number (p = 0.0501
    does not satisfy "p < 0.05"). A claim whose ``status_hint`` is
    ``not_computable`` or ``inconsistent`` takes that status whatever the
    data give; ``agrees`` still says whether the result satisfies it.

    References
    ----------
    Lu et al. 2021, the whole text (the claims file lists the sentences).

    Examples
    --------
    >>> claims = pd.DataFrame({
    ...     "claim_id": [1, 2], "key": ["a.pct", "a.pval"], "section": ["Results"] * 2,
    ...     "sentence": ["s"] * 2, "relation": ["eq", "lt"], "reported": ["40.7", "0.05"],
    ...     "value": [40.7, 0.05], "digits": [1, -1], "status_hint": ["", ""],
    ...     "note": ["", ""], "base_key": ["a.pct", "a.pval"], "column": ["value"] * 2})
    >>> res = pd.DataFrame({"key": ["a.pct", "a.pval"], "value": [100 * 11 / 27, 0.016],
    ...                     "ci_low": [None, None], "ci_high": [None, None]})
    >>> card = evaluate_claims(claims, res)
    >>> card[["key", "reproduced_rounded", "status"]].values.tolist()
    [['a.pct', '40.7', 'reproduced'], ['a.pval', '0.0160', 'reproduced']]
    """
    res = results.copy()
    dup = res["key"][res["key"].duplicated()].unique()
    if len(dup):
        raise ValueError("results has the same key twice: " + ", ".join(map(str, dup[:10])))
    for col in ("value", "ci_low", "ci_high"):
        if col not in res.columns:
            res[col] = np.nan
        res[col] = pd.to_numeric(res[col], errors="coerce").astype(float)
    for col in ("method", "chapter"):
        if col not in res.columns:
            res[col] = ""
    res = res.set_index("key")
    rows = []
    for c in claims.itertuples(index=False):
        found = c.base_key in res.index
        value = float(res.at[c.base_key, c.column]) if found else float("nan")
        has_value = bool(np.isfinite(value))
        agrees = (
            _holds(c.relation, value, c.value, c.digits, c.reported) if has_value else None
        )
        if c.status_hint:
            status = c.status_hint
        elif not has_value:
            status = "missing"
        else:
            status = "reproduced" if agrees else "differs"
        rows.append(
            {
                "claim_id": c.claim_id,
                "key": c.key,
                "section": c.section,
                "sentence": c.sentence,
                "relation": c.relation,
                "reported": c.reported,
                "reproduced": value,
                "reproduced_rounded": _display(value, c.relation, c.digits, c.reported),
                "difference": value - c.value if has_value else float("nan"),
                "agrees": agrees,
                "status": status,
                "status_hint": c.status_hint,
                "note": c.note,
                "chapter": str(res.at[c.base_key, "chapter"]) if found else "",
                "method": str(res.at[c.base_key, "method"]) if found else "",
            }
        )
    out = pd.DataFrame(rows)
    out["agrees"] = out["agrees"].astype("boolean")
    return out


def status_counts(card: pd.DataFrame) -> pd.DataFrame:
    """Number of claims per status.

    Parameters
    ----------
    card : pandas.DataFrame
        As returned by :func:`evaluate_claims`.

    Returns
    -------
    pandas.DataFrame
        Columns ``status``, ``label``, ``n`` and ``pct`` (percent of all
        claims, unrounded), one row per status of :data:`STATUSES` (zeros
        included).

    Examples
    --------
    >>> card = pd.DataFrame({"status": ["reproduced", "reproduced", "differs", "missing"]})
    >>> status_counts(card)[["status", "n"]].values.tolist()[:3]
    [['reproduced', 2], ['differs', 1], ['not_computable', 0]]
    """
    counts = card["status"].value_counts()
    total = len(card)
    rows = [
        {
            "status": s,
            "label": STATUS_LABELS[s],
            "n": int(counts.get(s, 0)),
            "pct": 100.0 * counts.get(s, 0) / total if total else float("nan"),
        }
        for s in STATUSES
    ]
    return pd.DataFrame(rows, columns=["status", "label", "n", "pct"])


def section_counts(card: pd.DataFrame) -> pd.DataFrame:
    """Claims per section of the paper and status.

    Returns
    -------
    pandas.DataFrame
        One row per section, in the order sections first appear in
        ``card``; columns ``section``, one per shared status
        (:data:`.decisions.SHARED_STATUSES`) that occurs (counts) and ``total``.

    Examples
    --------
    >>> card = pd.DataFrame({"section": ["Abstract", "Methods", "Abstract"],
    ...                      "status": ["reproduced", "not_computable", "differs"]})
    >>> section_counts(card)[["section", "reproduced", "total"]].values.tolist()
    [['Abstract', 1, 2], ['Methods', 0, 1]]
    """
    order = list(dict.fromkeys(card["section"]))
    shared = shared_status(card)
    table = pd.crosstab(card["section"], shared)
    used = [s for s in SHARED_STATUSES if s in set(shared)]
    table = table.reindex(index=order, columns=used, fill_value=0)
    table["total"] = table.sum(axis=1)
    table = table.astype(int).reset_index()
    table.columns.name = None
    return table


def shared_status(card: pd.DataFrame, *, alpha: float = 0.05) -> pd.Series:
    """Each claim's status in the book's shared vocabulary.

    The words of :data:`.decisions.SHARED_STATUSES`, which the audit uses too:
    the column ``shared_status`` when :func:`build_scorecard` has added it, else
    computed by :func:`.decisions.shared_from_scorecard` (needs ``key``,
    ``relation``, ``reported``, ``reproduced`` and ``status``; a claim without
    them keeps its status's shared word).

    Examples
    --------
    >>> shared_status(pd.DataFrame({"status": ["not_computable", "missing"]})).tolist()
    ['not computable', 'not yet computed']
    """
    if "shared_status" in card:
        return card["shared_status"]
    needed = {"key", "relation", "reported", "reproduced", "status"}
    if needed <= set(card.columns):
        return shared_from_scorecard(card, alpha=alpha)["shared_status"]
    from .decisions import to_shared

    return card["status"].map(lambda w: to_shared(w, "scorecard"))


def missing_keys(card: pd.DataFrame) -> pd.DataFrame:
    """Claim keys the book has no result for (status ``missing``).

    Returns
    -------
    pandas.DataFrame
        Columns ``key`` and ``claims`` (how many claims use it), one row per
        distinct key, in order of first appearance.
    """
    miss = card.loc[card["status"].eq("missing"), "key"]
    counts = miss.value_counts()
    keys = list(dict.fromkeys(miss))
    return pd.DataFrame({"key": keys, "claims": [int(counts[k]) for k in keys]})


def unclaimed_results(claims: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """Results that no claim refers to (what the book adds to the paper).

    Returns
    -------
    pandas.DataFrame
        The rows of ``results`` whose key is no claim's base key.
    """
    used = set(claims["base_key"])
    return results.loc[~results["key"].isin(used)].reset_index(drop=True)


def chapters_to_collect(skip=OWN_CHAPTERS):
    """Chapters whose module exists and has a ``results`` function."""
    from ..chapters import results_function

    for info in CHAPTERS:
        if info.slug in skip or info.module is None:
            continue
        if importlib.util.find_spec(f"ucmsc_repro.{info.module}") is None:
            continue
        if results_function(info) is None:
            continue
        yield info


def gather_results(ch, *, results_dir=None) -> tuple[pd.DataFrame, str]:
    """The other chapters' results for the scorecard, and where they came from.

    Parameters
    ----------
    ch : Chapter
        The scorecard chapter (its data folder and settings are used).
    results_dir : path, optional
        Folder where the book runner has the chapters write their results
        (``<slug>.csv``, next to the scorecard's own ``results_path``).

    Returns
    -------
    (pandas.DataFrame, str)
        The results table (columns of ``RESULT_COLUMNS``) and ``"recorded"``
        when every chapter's file was found in ``results_dir`` (the values
        the chapters of this build printed), else ``"recomputed"`` (from
        from ``ch.collect_results()``, i.e.
        :func:`ucmsc_repro.book.chapter.collect_results` on the chapter's data and
        settings).
    """
    expected = list(chapters_to_collect())
    if results_dir is not None:
        files = [Path(results_dir) / f"{info.slug}.csv" for info in expected]
        if files and all(f.exists() for f in files):
            frames = [read_results(f) for f in files]
            return pd.concat(frames, ignore_index=True)[RESULT_COLUMNS], "recorded"
    return ch.collect_results(), "recomputed"


def write_scorecard(card: pd.DataFrame, output_dir) -> Path | None:
    """Write ``scorecard.csv`` (columns :data:`SCORECARD_CSV_COLUMNS`).

    Parameters
    ----------
    card : pandas.DataFrame
        As returned by :func:`evaluate_claims`.
    output_dir : path or None
        Folder to write to; ``None`` writes nothing.

    Returns
    -------
    Path or None
        The file written.
    """
    if output_dir is None:
        return None
    path = Path(output_dir) / "scorecard.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    csv_frame(card).to_csv(path, index=False)
    return path


def csv_frame(card: pd.DataFrame) -> pd.DataFrame:
    """What ``scorecard.csv`` and the table's "Download CSV" hold.

    Columns :data:`SCORECARD_CSV_COLUMNS`, unrounded; ``status`` in the shared
    words, as on every page.
    """
    out = card[SCORECARD_CSV_COLUMNS].copy()
    out["status"] = shared_status(card)
    return out


def display_frame(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard formatted for reading (text columns, rounded for display only).

    Parameters
    ----------
    card : pandas.DataFrame
        As returned by :func:`evaluate_claims`.

    Returns
    -------
    pandas.DataFrame
        Columns ``#`` (claim id), ``section``, ``result`` (the key in words,
        :func:`ucmsc_repro.core.labels.key_label`; the key itself is in
        ``scorecard.csv``), ``paper`` (relation and reported number, e.g.
        ``< 0.05``), ``reproduced`` (at the printed precision; two more
        decimals for bounds), ``difference`` (reproduced minus reported, one
        more decimal than printed; whole for a printed whole number), ``status``
        (in the shared vocabulary, :func:`shared_status`), ``sentence`` and
        ``note``. No printed zero carries a minus sign.
    """
    diffs = []
    for r in card.itertuples():
        if pd.isna(r.difference):
            diffs.append("")
            continue
        d = len(r.reported.split(".", 1)[1]) if "." in r.reported else 0
        diffs.append(fixed(r.difference, d + 1 if d else 0))
    return pd.DataFrame(
        {
            "#": card["claim_id"].astype(int),
            "section": card["section"],
            "result": [key_label(k) for k in card["key"]],
            "paper": [
                f"{RELATION_SYMBOLS[r]} {v}"
                for r, v in zip(card["relation"], card["reported"], strict=True)
            ],
            "reproduced": [no_negative_zero(str(v)) for v in card["reproduced_rounded"]],
            "difference": diffs,
            "status": shared_status(card),
            "sentence": card["sentence"],
            "note": card["note"],
        }
    )


def status_styles() -> dict[str, str]:
    """Row background of each status, keyed by the shared status word (as shown)."""
    return dict(SHARED_STYLES)


def status_legend() -> dict[str, str]:
    """What each shared status word (as shown) means, most serious first."""
    return dict(SHARED_STATUSES)


def status_display(card: pd.DataFrame) -> pd.DataFrame:
    """Counts per status formatted for reading.

    Returns
    -------
    pandas.DataFrame
        Columns ``status``, ``meaning``, ``claims`` (count) and ``%`` (text,
        one decimal), one row per shared status (:data:`.decisions.SHARED_STATUSES`,
        the words the audit uses too), zeros included.
    """
    shared = shared_status(card).value_counts()
    total = len(card)
    n = [int(shared.get(s, 0)) for s in SHARED_STATUSES]
    return pd.DataFrame(
        {
            "status": list(SHARED_STATUSES),
            "meaning": list(SHARED_STATUSES.values()),
            "claims": n,
            "%": [str(round_half_up(100.0 * k / total, 1)) if total else "" for k in n],
        }
    )


def build_scorecard(ch, *, results_path=None, output_dir=None) -> pd.DataFrame:
    """Everything the scorecard chapter computes, in one call.

    Gathers the other chapters' results (:func:`gather_results`, from the
    folder of ``results_path`` when the book runner has written them there),
    evaluates every claim (:func:`evaluate_claims`), writes
    ``output_dir/scorecard.csv`` (:func:`write_scorecard`), records the
    chapter's counts (:func:`results`) and glues two texts:
    ``scorecard.results_source`` (where the results came from) and
    ``scorecard.data_statement`` (what the scorecard means on these data).

    Parameters
    ----------
    ch : Chapter
        The scorecard chapter (from :func:`ucmsc_repro.book.chapter.open_chapter`).
    results_path : path, optional
        This chapter's results file (the notebook parameter).
    output_dir : path, optional
        Folder for ``scorecard.csv`` (the notebook parameter).

    Returns
    -------
    pandas.DataFrame
        The evaluated claims (:func:`evaluate_claims`), with the column
        ``shared_status`` (:func:`shared_status`).
    """
    results_dir = None if results_path is None else Path(results_path).parent
    res, source = gather_results(ch, results_dir=results_dir)
    card = evaluate_claims(read_claims(), res)
    card["shared_status"] = shared_status(card, alpha=ch.settings.alpha)
    write_scorecard(card, output_dir)
    ch.rec.record_frame(results(ch, card=card))
    ch.rec.text(
        "scorecard.results_source",
        "recorded by the other chapters of this build"
        if source == "recorded"
        else "recomputed from the data by every chapter's results function",
    )
    if ch.data.synthetic:
        statement = (
            "These data are the synthetic cohort, built to match the paper's published "
            "aggregates: the scorecard shows how well that calibration and the book's "
            "code agree with the paper, not whether the trial reproduces."
        )
    else:
        statement = (
            f"These data are {ch.data.label}: with the trial's own participant data, "
            "the scorecard is the reproduction itself."
        )
    ch.rec.text("scorecard.data_statement", statement)
    return card


def results(ch, *, card: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every statistic of the scorecard chapter.

    Parameters
    ----------
    ch : Chapter
        The scorecard chapter.
    card : pandas.DataFrame, optional
        The evaluated claims (:func:`evaluate_claims`); computed from the
        chapter's data when not given.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``,
        ``n``. Keys: ``scorecard.claims.all.n`` (claims),
        ``scorecard.claims.distinct.n`` (distinct keys),
        ``scorecard.<status>.all.n`` and ``.pct`` for every status,
        ``scorecard.checked.all.n`` (reproduced + differs),
        ``scorecard.reproduced.checked.pct`` (reproduced among those),
        ``scorecard.excluded.all.n`` and ``scorecard.excluded.<reason>.n``.
    """
    if card is None:
        res, _ = gather_results(ch)
        card = evaluate_claims(read_claims(), res)
    from ..data.claims import EXCLUSION_REASONS

    rows = []

    def add(key, value, method="count"):
        rows.append({"key": f"scorecard.{key}", "value": float(value), "method": method})

    add("claims.all.n", len(card))
    add("claims.distinct.n", card["key"].nunique(), "count of distinct keys")
    for r in status_counts(card).itertuples():
        add(f"{r.status}.all.n", r.n)
        add(f"{r.status}.all.pct", r.pct, "percent of claims")
    # the same claims in the vocabulary the audit uses too (decisions.SHARED_STATUSES):
    # a p-value that differs and falls on the other side of alpha is decision-changing
    alpha = ch.settings.alpha if ch is not None else 0.05
    shared = shared_status(card, alpha=alpha).value_counts()
    for status in SHARED_STATUSES:
        add(f"status.{status_key(status)}.n", shared.get(status, 0))
    checked = int(card["status"].isin(["reproduced", "differs"]).sum())
    rep = int(card["status"].eq("reproduced").sum())
    add("checked.all.n", checked)
    add(
        "reproduced.checked.pct",
        100.0 * rep / checked if checked else float("nan"),
        "percent of claims with a status reproduced or differs",
    )
    excluded = read_excluded()
    add("excluded.all.n", len(excluded), "count of sentences")
    ex_counts = excluded["reason"].value_counts()
    for reason in EXCLUSION_REASONS:
        add(f"excluded.{reason}.n", ex_counts.get(reason, 0), "count of sentences")
    out = results_frame(rows)
    out["n"] = float(len(card))
    return out
