"""Adverse events after the MSC infusions, and the paper's safety statements.

``adverse_events.csv`` holds one row per event after an infusion (data
contract: ``subject_id, infusion, term, onset_hours, max_temp_c, severity,
serious, resolved_hours``). Events are joined to the participants' arm and
onset group and counted against the participants exposed: in the MSC arm
everyone who received at least one infusion (including those who later
discontinued, as the paper does: "the four withdrawn recipients ... reported
no adverse events"), in the control arm everyone assigned.

No function here returns a participant identifier; event-level tables carry
no identifier either and are meant for figures and ranked values, not for
display as listings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..core.results_table import ranked_rows, result_row, results_frame

__all__ = [
    "fever_timing_sentence",
    "record_texts",
    "ARMS",
    "ALWAYS_REPORTED_TERMS",
    "term_slug",
    "exposure",
    "events_by_group",
    "event_details",
    "term_summary",
    "PaperStatement",
    "PAPER_STATEMENTS",
    "paper_statements",
    "results",
]

#: Arms in display order: (value of the ``arm`` column, name in result keys).
ARMS: tuple[tuple[str, str], ...] = (("MSC", "msc"), ("control", "control"))

#: Terms always reported, even when absent from the data (the paper's only event).
ALWAYS_REPORTED_TERMS: tuple[str, ...] = ("fever",)

_SUBJECT_COLUMNS = ["subject_id", "arm", "onset", "status", "infusions_received"]


def term_slug(term: str) -> str:
    """An event term as used in result keys: lower case, words joined by ``_``.

    Examples
    --------
    >>> term_slug("Fever"), term_slug("Allergic reaction (rash)")
    ('fever', 'allergic_reaction_rash')
    """
    return re.sub(r"[^a-z0-9]+", "_", str(term).strip().lower()).strip("_") or "unnamed"


def _joined(adverse_events: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Events with the participant's arm, onset group, status and infusions."""
    subjects = table[_SUBJECT_COLUMNS]
    ae = adverse_events.copy()
    ae["term_key"] = ae["term"].map(term_slug)
    out = ae.merge(subjects, on="subject_id", how="left", validate="many_to_one")
    return out


def _exposed_mask(table: pd.DataFrame, arm: str, infusion: int | None) -> pd.Series:
    in_arm = table["arm"].eq(arm)
    if arm == "control":
        return in_arm
    need = 1 if infusion is None else infusion
    return in_arm & (table["infusions_received"] >= need)


def exposure(table: pd.DataFrame) -> pd.DataFrame:
    """Participants at risk of an infusion-related event, per arm and infusion.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per enrolled participant (``ch.table``), with ``arm`` and
        ``infusions_received``.

    Returns
    -------
    pandas.DataFrame
        Columns ``arm``, ``arm_key``, ``infusion`` (``"any"``, ``"1"``,
        ``"2"``; control arm: ``"any"`` only) and ``n``: MSC participants who
        received at least one infusion (``any``), the first, or the second;
        every participant assigned to control.

    Examples
    --------
    >>> t = pd.DataFrame({"arm": ["MSC", "MSC", "MSC", "control"],
    ...                   "infusions_received": [0, 1, 2, 0]})
    >>> exposure(t)["n"].tolist()
    [2, 2, 1, 1]
    """
    rows = []
    for arm, key in ARMS:
        infusions = (None,) if arm == "control" else (None, 1, 2)
        for k in infusions:
            rows.append(
                {
                    "arm": arm,
                    "arm_key": key,
                    "infusion": "any" if k is None else str(k),
                    "n": int(_exposed_mask(table, arm, k).sum()),
                }
            )
    return pd.DataFrame(rows)


def events_by_group(
    adverse_events: pd.DataFrame,
    table: pd.DataFrame,
    *,
    group: str = "arm",
    extra_terms: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Participants with an event and number of events, per term, arm and infusion.

    Parameters
    ----------
    adverse_events : pandas.DataFrame
        Validated ``adverse_events.csv``.
    table : pandas.DataFrame
        One row per enrolled participant (``ch.table``) with ``arm``,
        ``onset``, ``status`` and ``infusions_received``.
    group : str
        Column holding the arm.
    extra_terms : tuple of str
        Term slugs to report even when no such event was recorded (zero rows).

    Returns
    -------
    pandas.DataFrame
        Columns ``term`` (key slug, plus ``any`` for every term together),
        ``arm``, ``arm_key``, ``infusion`` (``any``, ``1``, ``2``),
        ``participants`` (with at least one such event), ``events`` (number of
        events) and ``n`` (participants exposed, see :func:`exposure`),
        ``pct`` (100 * participants / n).

    References
    ----------
    Lu et al. 2021, Results (Adverse events).
    """
    ae = _joined(adverse_events, table)
    present = sorted(ae["term_key"].unique())
    terms = list(dict.fromkeys(["any", *extra_terms, *present]))
    expo = exposure(table)
    rows = []
    for term in terms:
        sel_t = ae if term == "any" else ae.loc[ae["term_key"].eq(term)]
        for r in expo.itertuples():
            sel = sel_t.loc[sel_t[group].eq(r.arm)]
            if r.infusion != "any":
                sel = sel.loc[sel["infusion"].astype(int).eq(int(r.infusion))]
            participants = int(sel["subject_id"].nunique())
            rows.append(
                {
                    "term": term,
                    "arm": r.arm,
                    "arm_key": r.arm_key,
                    "infusion": r.infusion,
                    "participants": participants,
                    "events": len(sel),
                    "n": r.n,
                    "pct": 100.0 * participants / r.n if r.n else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def event_details(adverse_events: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """One row per event without the participant identifier, sorted by term and onset.

    Returns
    -------
    pandas.DataFrame
        Columns ``term`` (slug), ``arm``, ``onset`` (adult/juvenile),
        ``infusion``, ``onset_hours``, ``max_temp_c``, ``resolved_hours``
        (from onset), ``resolved_after_infusion_hours`` (onset + resolved),
        ``resolved`` (bool), ``severity``, ``serious`` (bool). For figures and
        ranked values; not meant to be shown as a listing.
    """
    ae = _joined(adverse_events, table)
    out = pd.DataFrame(
        {
            "term": ae["term_key"].astype(str),
            "arm": ae["arm"].astype(str),
            "onset": ae["onset"].astype(str),
            "infusion": ae["infusion"].astype(int),
            "onset_hours": ae["onset_hours"].astype(float),
            "max_temp_c": ae["max_temp_c"].astype(float),
            "resolved_hours": ae["resolved_hours"].astype(float),
            "severity": ae["severity"].astype(str),
            "serious": ae["serious"].eq("yes"),
        }
    )
    out["resolved_after_infusion_hours"] = out["onset_hours"] + out["resolved_hours"]
    out["resolved"] = out["resolved_hours"].notna()
    out = out.sort_values(["term", "onset_hours", "infusion"], kind="mergesort")
    return out.reset_index(drop=True)


def term_summary(adverse_events: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """One row per event term: counts, timing, temperature and resolution.

    Returns
    -------
    pandas.DataFrame
        Columns ``term``, ``events``, ``participants``, ``after_infusion_1``,
        ``after_infusion_2`` (events), ``onset_hours_min``,
        ``onset_hours_max``, ``max_temp_c`` (highest recorded),
        ``resolved_hours_max`` (longest time from onset to resolution),
        ``unresolved``, ``mild``, ``moderate``, ``severe``, ``serious``
        (events). An empty file gives an empty table with these columns.

    References
    ----------
    Lu et al. 2021, Results (Adverse events).
    """
    cols = [
        "term",
        "events",
        "participants",
        "after_infusion_1",
        "after_infusion_2",
        "onset_hours_min",
        "onset_hours_max",
        "max_temp_c",
        "resolved_hours_max",
        "unresolved",
        "mild",
        "moderate",
        "severe",
        "serious",
    ]
    ae = _joined(adverse_events, table)
    details = event_details(adverse_events, table)
    rows = []
    for term, d in details.groupby("term", sort=True):
        rows.append(
            {
                "term": term,
                "events": len(d),
                "participants": int(
                    ae.loc[ae["term_key"].eq(term), "subject_id"].nunique()
                ),
                "after_infusion_1": int(d["infusion"].eq(1).sum()),
                "after_infusion_2": int(d["infusion"].eq(2).sum()),
                "onset_hours_min": float(d["onset_hours"].min()),
                "onset_hours_max": float(d["onset_hours"].max()),
                "max_temp_c": float(d["max_temp_c"].max()),
                "resolved_hours_max": float(d["resolved_hours"].max()),
                "unresolved": int((~d["resolved"]).sum()),
                "mild": int(d["severity"].eq("mild").sum()),
                "moderate": int(d["severity"].eq("moderate").sum()),
                "severe": int(d["severity"].eq("severe").sum()),
                "serious": int(d["serious"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class PaperStatement:
    """One safety statement of the paper and how the data are checked against it.

    ``check(events, table)`` returns ``(what the data show, consistent)``;
    ``events`` is the event file joined to the participants (internal: it
    holds identifiers and is never displayed), ``table`` the analysis table.
    """

    topic: str
    quote: str
    check: Callable[[pd.DataFrame, pd.DataFrame], tuple[str, bool]]


def _fmt(values) -> str:
    vals = [float(v) for v in values]
    return ", ".join(f"{v:g}" for v in vals) if vals else "none"


def _fever(events: pd.DataFrame) -> pd.DataFrame:
    return events.loc[events["term_key"].eq("fever")]


def _check_fever_count(events, table):
    f = _fever(events)
    who = table.loc[table["subject_id"].isin(set(f["subject_id"]))]
    n, msc = len(who), int(who["arm"].eq("MSC").sum())
    adults = int(who["onset"].eq("adult").sum())
    severities = sorted(set(f["severity"]))
    text = (
        f"{n} with fever ({msc} MSC, {adults} adult-onset); "
        f"severity: {', '.join(severities) if severities else 'none'}"
    )
    return text, n == 3 and msc == 3 and adults == 3 and severities == ["mild"]


def _check_onsets(events, table):
    onsets = np.sort(_fever(events)["onset_hours"].to_numpy(dtype=float))
    ok = onsets.size == 3 and bool(np.allclose(onsets, [1.5, 17.0, 20.0]))
    return f"onset {_fmt(onsets)} h after the infusion", ok


def _check_temperature(events, table):
    temps = _fever(events)["max_temp_c"].dropna().astype(float)
    if temps.empty:
        return "no temperature recorded", False
    top = float(temps.max())
    return f"highest temperature {top:g} °C", top <= 38.3


def _check_infusions(events, table):
    f = _fever(events)["infusion"].astype(int)
    first, second = int(f.eq(1).sum()), int(f.eq(2).sum())
    text = f"{first} after the first infusion, {second} after the second"
    return text, first == 1 and second == 2


def _resolution(events):
    f = _fever(events)
    resolved = f["resolved_hours"].astype(float)
    after_infusion = f["onset_hours"].astype(float) + resolved
    return f, resolved, after_infusion


def _check_resolution_after_infusion(events, table):
    f, resolved, after_infusion = _resolution(events)
    if f.empty:
        return "no fever recorded", False
    unresolved = int(resolved.isna().sum())
    longest = float(after_infusion.max())
    text = f"resolved at most {longest:g} h after the infusion; unresolved: {unresolved}"
    return text, unresolved == 0 and longest <= 24


def _check_resolution_after_onset(events, table):
    f, resolved, _ = _resolution(events)
    if f.empty:
        return "no fever recorded", False
    unresolved = int(resolved.isna().sum())
    longest = float(resolved.max())
    text = f"resolved at most {longest:g} h after onset; unresolved: {unresolved}"
    return text, unresolved == 0 and longest <= 24


def _check_no_severe(events, table):
    severe = int(events["severity"].eq("severe").sum())
    serious = int(events["serious"].eq("yes").sum())
    return f"{severe} severe and {serious} serious events", severe == 0 and serious == 0


def _check_others(events, table):
    other = events.loc[~events["term_key"].eq("fever")]
    terms = sorted(set(other["term_key"]))
    text = f"{len(other)} events other than fever"
    if terms:
        text += f" ({', '.join(terms)})"
    return text, other.empty


def _check_withdrawn(events, table):
    recipients = (
        table["arm"].eq("MSC")
        & table["status"].eq("discontinued")
        & (table["infusions_received"] >= 1)
    )
    ids = set(table.loc[recipients, "subject_id"])
    with_event = len(ids & set(events["subject_id"]))
    n = int(recipients.sum())
    text = f"{n} withdrawn recipients, {with_event} of them with an adverse event"
    return text, n == 4 and with_event == 0


#: The safety statements of the paper (Results: Adverse events, then Discussion).
PAPER_STATEMENTS: tuple[PaperStatement, ...] = (
    PaperStatement("who", "Three adult recipients had mild fever", _check_fever_count),
    PaperStatement(
        "onset",
        "which occurred 1.5, 17, and 20 h after MSC infusion respectively",
        _check_onsets,
    ),
    PaperStatement(
        "temperature",
        "the highest temperature was no more than 38.3 °C",
        _check_temperature,
    ),
    PaperStatement(
        "infusion",
        "Two of them occurred at the second time of transplantation, while another "
        "experienced at the first transplantation",
        _check_infusions,
    ),
    PaperStatement(
        "resolution (Results)",
        "all of them recovered within 24-h of MSC treatment",
        _check_resolution_after_infusion,
    ),
    PaperStatement("severity", "There was no severe adverse effect", _check_no_severe),
    PaperStatement(
        "others", "Other recipients tolerated the procedure well", _check_others
    ),
    PaperStatement(
        "withdrawn",
        "the four withdrawn recipients who received one or two doses of MSCs [...] "
        "reported no adverse events",
        _check_withdrawn,
    ),
    PaperStatement(
        "resolution (Discussion)",
        "Three recipients experienced mild fever but recovered spontaneously within 24 h",
        _check_resolution_after_onset,
    ),
)


def paper_statements(adverse_events: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The paper's safety statements next to what the data show.

    Parameters
    ----------
    adverse_events : pandas.DataFrame
        Validated ``adverse_events.csv``.
    table : pandas.DataFrame
        One row per enrolled participant (``ch.table``).

    Returns
    -------
    pandas.DataFrame
        One row per statement of :data:`PAPER_STATEMENTS`, columns ``topic``,
        ``paper`` (the paper's words), ``data`` (what the data show) and
        ``consistent`` (bool).

    Notes
    -----
    The Results' "recovered within 24-h of MSC treatment" is read as at most
    24 h from the infusion to resolution (onset + resolution hours), the
    Discussion's "recovered spontaneously within 24 h" as at most 24 h from
    fever onset to resolution; both are checked.
    The onset hours are compared with a tolerance of 1e-8 (``numpy.allclose``).

    References
    ----------
    Lu et al. 2021, Results (Adverse events) and Discussion.
    """
    events = _joined(adverse_events, table)
    rows = []
    for st in PAPER_STATEMENTS:
        text, ok = st.check(events, table)
        rows.append({"topic": st.topic, "paper": st.quote, "data": text, "consistent": ok})
    return pd.DataFrame(rows, columns=["topic", "paper", "data", "consistent"])


def _hours(x: float) -> str:
    return f"{x:g} hour" + ("" if x == 1 else "s")


def fever_timing_sentence(adverse_events: pd.DataFrame, table: pd.DataFrame) -> str:
    """The timing, temperature and resolution of the fevers, in words.

    Says what the data cannot show instead of printing a missing number: no
    fever at all, no onset time, no temperature recorded, no fever resolved.
    """
    f = _fever(_joined(adverse_events, table))
    if f.empty:
        return (
            "No fever was recorded, so there is no timing, temperature or resolution "
            "to report."
        )
    onset = f["onset_hours"].astype(float).dropna()
    temp = f["max_temp_c"].astype(float).dropna()
    resolved = f["resolved_hours"].astype(float)
    after = (f["onset_hours"].astype(float) + resolved).dropna()
    parts = []
    if onset.empty:
        parts.append("No fever has a recorded onset time.")
    elif onset.min() == onset.max():
        parts.append(f"Fevers began {_hours(onset.min())} after the start of the infusion.")
    else:
        parts.append(
            f"Fevers began {onset.min():g} to {_hours(onset.max())} after the start "
            "of the infusion."
        )
    if temp.empty:
        parts.append("No temperature was recorded.")
    else:
        parts.append(f"The highest temperature recorded was {temp.max():.1f} °C.")
    n_open = int(resolved.isna().sum())
    if resolved.notna().any():
        longest = f"The longest fever lasted {_hours(resolved.max())} from onset"
        if not after.empty:
            longest += (
                f", and every resolved fever had resolved at most {_hours(after.max())} "
                "after its infusion"
            )
        parts.append(f"{longest} ({n_open} unresolved).")
    else:
        parts.append("No fever has a recorded resolution.")
    return " ".join(parts)


def record_texts(ch) -> None:
    """Glue the chapter's sentences (``adverse_events.text.*``)."""
    ch.rec.text(
        "adverse_events.text.fever_timing",
        fever_timing_sentence(ch.data.adverse_events, ch.table),
    )


def results(ch) -> pd.DataFrame:
    """Every statistic of the adverse-events chapter.

    Parameters
    ----------
    ch : ucmsc_repro.book.chapter.Chapter
        The chapter (uses ``ch.data.adverse_events`` and ``ch.table``, every
        enrolled participant).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``value``, ``ci_low``, ``ci_high``, ``method``,
        ``n``. Keys (``<term>`` is a term slug such as ``fever``, or ``any``):

        - ``adverse_events.exposed.<msc|control|all>.n``,
          ``adverse_events.exposed.infusion<1|2>.n``;
        - ``adverse_events.<term>.<msc|control>.<events|n|pct>`` (events =
          participants with at least one such event);
        - ``adverse_events.<term>.infusion<1|2>.<events|n>`` (MSC recipients
          with such an event after that infusion);
        - ``adverse_events.<term>.all.count`` (number of events),
          ``adverse_events.<term>.<adult|juvenile>.events`` (participants);
        - for each term with events, and always for ``any`` and ``fever``
          (missing values when there is no such event):
          ``.onset_hours.rank<i>`` (sorted, the first 20; only with events),
          ``.onset_hours.min``/``.max``, ``.max_temp_c.max``,
          ``.resolved_hours.max`` (onset to resolution),
          ``.resolved_after_infusion_hours.max``, ``.unresolved.events``,
          ``.<mild|moderate|severe>.events``;
        - ``adverse_events.serious.all.events``,
          ``adverse_events.severe.all.events`` (events);
        - ``adverse_events.any.pval_fisher`` (participants with any event,
          MSC recipients versus control; Fisher's exact test, two-sided);
        - ``adverse_events.any.discontinued.<events|n>`` (MSC recipients who
          discontinued: with an event / in all);
        - ``adverse_events.statements.<consistent|total>.n``.

    References
    ----------
    Lu et al. 2021, Results (Adverse events).
    """
    ae, table = ch.data.adverse_events, ch.table
    events = _joined(ae, table)
    details = event_details(ae, table)
    counts = events_by_group(ae, table, extra_terms=ALWAYS_REPORTED_TERMS)
    rows = []
    for r in exposure(table).itertuples():
        if r.infusion == "any":
            key = f"adverse_events.exposed.{r.arm_key}.n"
            method = (
                "MSC participants who received at least one infusion"
                if r.arm == "MSC"
                else "participants assigned to control"
            )
        else:
            key = f"adverse_events.exposed.infusion{r.infusion}.n"
            method = f"MSC participants who received infusion {r.infusion}"
        rows.append(result_row(key, r.n, method))
    expo = exposure(table).set_index(["arm_key", "infusion"])["n"]
    rows.append(
        result_row(
            "adverse_events.exposed.all.n",
            expo[("msc", "any")] + expo[("control", "any")],
            "participants exposed in both arms",
        )
    )

    terms = list(dict.fromkeys(counts["term"]))
    for term in terms:
        base = f"adverse_events.{term}"
        c = counts.loc[counts["term"].eq(term)]
        for r in c.itertuples():
            if r.infusion == "any":
                rows += [
                    result_row(
                        f"{base}.{r.arm_key}.events", r.participants, "participants", n=r.n
                    ),
                    result_row(f"{base}.{r.arm_key}.n", r.n, "participants exposed"),
                    result_row(
                        f"{base}.{r.arm_key}.pct", r.pct, "percent of exposed", n=r.n
                    ),
                ]
            else:
                rows += [
                    result_row(
                        f"{base}.infusion{r.infusion}.events",
                        r.participants,
                        "participants",
                        n=r.n,
                    ),
                    result_row(
                        f"{base}.infusion{r.infusion}.n", r.n, "recipients of the infusion"
                    ),
                ]
        sel = events if term == "any" else events.loc[events["term_key"].eq(term)]
        d = details if term == "any" else details.loc[details["term"].eq(term)]
        rows.append(result_row(f"{base}.all.count", len(sel), "number of events"))
        for level in ("adult", "juvenile"):
            who = sel.loc[sel["onset"].eq(level), "subject_id"].nunique()
            rows.append(
                result_row(f"{base}.{level}.events", who, f"{level}-onset participants")
            )
        always = term in ALWAYS_REPORTED_TERMS or term == "any"
        if d.empty and not always:
            continue
        rows += ranked_rows(
            f"{base}.onset_hours",
            d["onset_hours"].to_numpy(dtype=float),
            "hours from the infusion to onset, sorted ascending",
        )
        # Missing (NaN) when there is no such event, so the prose always finds its keys.
        rows += [
            result_row(f"{base}.onset_hours.min", d["onset_hours"].min(), "minimum, hours"),
            result_row(f"{base}.onset_hours.max", d["onset_hours"].max(), "maximum, hours"),
            result_row(f"{base}.unresolved.events", int((~d["resolved"]).sum()), "events"),
            result_row(
                f"{base}.max_temp_c.max",
                d["max_temp_c"].max(),
                "highest temperature recorded, °C",
            ),
            result_row(
                f"{base}.resolved_hours.max",
                d["resolved_hours"].max(),
                "longest time from onset to resolution, hours",
            ),
            result_row(
                f"{base}.resolved_after_infusion_hours.max",
                d["resolved_after_infusion_hours"].max(),
                "longest time from the infusion to resolution, hours",
            ),
        ]
        for sev in ("mild", "moderate", "severe"):
            rows.append(
                result_row(
                    f"{base}.{sev}.events", int(d["severity"].eq(sev).sum()), "events"
                )
            )

    rows += [
        result_row(
            "adverse_events.serious.all.events",
            int(details["serious"].sum()),
            "serious adverse events",
        ),
        result_row(
            "adverse_events.severe.all.events",
            int(details["severity"].eq("severe").sum()),
            "severe adverse events",
        ),
    ]
    anyc = counts.loc[counts["term"].eq("any") & counts["infusion"].eq("any")]
    anyc = anyc.set_index("arm_key")
    x1, n1 = int(anyc.loc["msc", "participants"]), int(anyc.loc["msc", "n"])
    x2, n2 = int(anyc.loc["control", "participants"]), int(anyc.loc["control", "n"])
    if n1 and n2:
        fisher = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])
        rows.append(
            result_row(
                "adverse_events.any.pval_fisher",
                fisher.pvalue,
                "Fisher's exact test (two-sided), participants with any event, "
                "MSC recipients versus control",
                n=n1 + n2,
            )
        )
    recipients = (
        table["arm"].eq("MSC")
        & table["status"].eq("discontinued")
        & (table["infusions_received"] >= 1)
    )
    ids = set(table.loc[recipients, "subject_id"])
    n_disc = int(recipients.sum())
    rows += [
        result_row(
            "adverse_events.any.discontinued.events",
            len(ids & set(events["subject_id"])),
            "discontinued MSC recipients with an adverse event",
            n=n_disc,
        ),
        result_row(
            "adverse_events.any.discontinued.n",
            n_disc,
            "MSC recipients (at least one infusion) who discontinued",
        ),
    ]
    st = paper_statements(ae, table)
    rows += [
        result_row(
            "adverse_events.statements.consistent.n",
            int(st["consistent"].sum()),
            "paper statements the data agree with",
        ),
        result_row(
            "adverse_events.statements.total.n", len(st), "paper statements checked"
        ),
    ]
    return results_frame(rows)


# ---------------------------------------------------------------- display


def events_display(counts: pd.DataFrame) -> pd.DataFrame:
    """:func:`events_by_group` formatted for the book (counts, no listing).

    Returns
    -------
    pandas.DataFrame
        Columns ``Event``, ``Arm``, ``After``, ``Participants / exposed``,
        ``%``, ``Events``; one row per term, arm and infusion.
    """
    arms = {"MSC": "MSC-treated", "control": "Control"}
    after = {"any": "any infusion", "1": "infusion 1", "2": "infusion 2"}
    return pd.DataFrame(
        {
            "Event": counts["term"].str.replace("_", " ").replace({"any": "any event"}),
            "Arm": counts["arm"].map(arms),
            "After": [
                "(no infusion)" if arm == "control" else after[k]
                for arm, k in zip(counts["arm"], counts["infusion"], strict=True)
            ],
            "Participants / exposed": [
                f"{p}/{n}" for p, n in zip(counts["participants"], counts["n"], strict=True)
            ],
            "%": ["" if not np.isfinite(p) else f"{p:.1f}" for p in counts["pct"]],
            "Events": counts["events"],
        }
    )


def summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`term_summary` formatted for the book.

    Returns
    -------
    pandas.DataFrame
        Columns ``Event``, ``Events (participants)``, ``After infusion 1 / 2``,
        ``Onset, h (range)``, ``Highest °C``, ``Longest to resolution, h``,
        ``Unresolved``, ``Mild / moderate / severe``, ``Serious``.
    """

    def num(x, digits=1):
        return "" if not np.isfinite(x) else f"{x:.{digits}f}"

    rows = []
    for s in summary.itertuples():
        rows.append(
            {
                "Event": s.term.replace("_", " "),
                "Events (participants)": f"{s.events} ({s.participants})",
                "After infusion 1 / 2": f"{s.after_infusion_1} / {s.after_infusion_2}",
                "Onset, h (range)": f"{num(s.onset_hours_min)} to {num(s.onset_hours_max)}",
                "Highest °C": num(s.max_temp_c),
                "Longest to resolution, h": num(s.resolved_hours_max),
                "Unresolved": s.unresolved,
                "Mild / moderate / severe": f"{s.mild} / {s.moderate} / {s.severe}",
                "Serious": s.serious,
            }
        )
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)


def statements_display(statements: pd.DataFrame) -> pd.DataFrame:
    """:func:`paper_statements` formatted for the book.

    Returns
    -------
    pandas.DataFrame
        Columns ``The paper says``, ``The data show``, ``Consistent``.
    """
    return pd.DataFrame(
        {
            "The paper says": "“" + statements["paper"] + "”",
            "The data show": statements["data"],
            "Consistent": statements["consistent"].map({True: "yes", False: "NO"}),
        }
    )
