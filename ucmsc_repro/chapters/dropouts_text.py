"""The sentences of the dropouts chapter, built from its results for any data.

Every sentence whose content depends on the data (no dropouts, an arm without a
known outcome, nobody remitting, a result that is or is not significant) is
built here and glued by the notebook with ``ch.rec.text(key, sentence)``; the
notebook's prose holds only what is true of every data set. Numbers come from
the chapter's results frame (:func:`ucmsc_repro.chapters.dropouts.results`),
never recomputed here, except the few structures the sentences describe (which
variables differ, each discontinuation's reason).
"""

from __future__ import annotations

import math

import pandas as pd

from ..core.formatting import p_text
from ..stats import missing_outcome as mo
from ..stats.small_sample import too_many_tables
from .dropouts import (
    _EVENT_WORDS,
    FRAGILITY_ENDPOINTS,
    MI_IMPUTATIONS,
    dropout_counts,
    empty_arm_words,
    fragility_results,
    imputation_results,
)
from .dropouts_who import ARMS, discontinuations, reason_counts, who_table

__all__ = ["chapter_texts", "fragility_sentence", "mar_sentence"]


def _finite(x) -> bool:
    return x is not None and not isinstance(x, str) and math.isfinite(float(x))


def _pp(x: float) -> str:
    """A proportion difference as percentage points."""
    return f"{100 * x:.1f}"


def _rd_text(v, key: str, level: str) -> str:
    """ "29.2 percentage points (95% CI 5.6 to 50.5)", or without the interval."""
    est = v.get(key)
    lo, hi = v.get(f"{key}.ci_low"), v.get(f"{key}.ci_high")
    if not _finite(est):
        return ""
    text = f"{_pp(est)} percentage points"
    if _finite(lo) and _finite(hi):
        text += f" ({level} CI {_pp(lo)} to {_pp(hi)})"
    return text


def _plural(k: int, one: str, many: str | None = None) -> str:
    return f"{k} {one if k == 1 else (many or one + 's')}"


def _values(res: pd.DataFrame) -> dict:
    """key -> value, and key.ci_low / key.ci_high for the rows with an interval."""
    v = {}
    for r in res.itertuples():
        v[r.key] = r.value
        if _finite(r.ci_low) and _finite(r.ci_high):
            v[f"{r.key}.ci_low"] = r.ci_low
            v[f"{r.key}.ci_high"] = r.ci_high
    return v


def _missing_sentence(c: dict) -> str:
    d = c["d1"] + c["d2"]
    left = c["discontinued1"] + c["discontinued2"]
    if d == 0 and left == 0:
        return (
            "No participant dropped out, so the intention-to-treat analyses below "
            "equal the per-protocol one."
        )
    if d == 0:
        return (
            "Every participant has a known outcome, including those who discontinued, "
            "so the intention-to-treat analyses below equal the per-protocol one."
        )
    return (
        f"{_plural(c['d1'], 'MSC participant')} and "
        f"{_plural(c['d2'], 'control participant')} have no endpoint value."
    )


def _events_sentence(c: dict) -> str:
    """A sentence for tables where nobody or everybody with a known outcome remits."""
    n, x = c["n1"] + c["n2"], c["x1"] + c["x2"]
    if n and x == 0:
        return (
            "Nobody with a known outcome remitted, so the completers show no "
            "difference between the arms; only the dropouts' outcomes could make one. "
        )
    if n and x == n:
        return (
            "Everybody with a known outcome remitted, so the completers show no "
            "difference between the arms; only the dropouts' outcomes could make one. "
        )
    return ""


def _small_sample_sentence(v: dict, c: dict, level: str) -> str:
    p = v.get("dropouts.pp.pval_fisher")
    if not _finite(p):
        empty = [name for name, k in (("MSC", "n1"), ("control", "n2")) if c[k] == 0]
        who = " and ".join(empty)
        return (
            f"The per-protocol comparison cannot be tested: the {who} arm has no "
            "participant with a known outcome."
        )
    tests = (
        ("Fisher's exact test", "", "dropouts.pp.pval_fisher"),
        ("Fisher's mid-p", "Lancaster 1961; ", "dropouts.pp.pval_midp"),
        (
            "Barnard's unconditional exact test",
            "Barnard 1947, Wald statistic with pooled variance; ",
            "dropouts.pp.pval_barnard",
        ),
        ("Boschloo's test", "Boschloo 1970; ", "dropouts.pp.pval_boschloo"),
    )
    large = too_many_tables(c["n1"], c["n2"])
    parts = [
        f"{name} ({ref}not computed for arms this large)"
        if large and not _finite(v.get(key))
        else f"{name} ({ref}{p_text(v.get(key))})"
        for name, ref, key in tests
    ]
    text = (
        f"{_events_sentence(c)}Beside the paper's chi-square test, the per-protocol "
        f"table ({c['x1']}/{c['n1']} against {c['x2']}/{c['n2']}) is tested by "
        + ", ".join(parts[:-1])
        + f" and {parts[-1]}."
    )
    rd = _rd_text(v, "dropouts.pp.rd_mn", level)
    if rd:
        text += (
            f" The risk difference, MSC minus control, is {rd} by the "
            "Miettinen-Nurminen score interval (Miettinen and Nurminen 1985)."
        )
    return text


def _itt_sentence(v: dict, c: dict, level: str, mi_note: str) -> str:
    d = c["d1"] + c["d2"]
    if d == 0:
        return (
            "Every assigned participant has a known outcome, so every analysis of all "
            "of them (dropouts counted as non-remitters, the best and worst cases, "
            "multiple imputation) reproduces the per-protocol table above."
        )
    p = v.get("dropouts.composite.pval_fisher")
    if not _finite(p):
        return (
            "The analyses of all assigned participants cannot be computed: an arm has "
            "no participant at all."
        )
    text = (
        "Counting every dropout as a non-remitter (a composite strategy), the risk "
        f"difference is {_rd_text(v, 'dropouts.composite.rd', level)} (Fisher's exact "
        f"test, {p_text(p)}). The bounds of what the missing outcomes could be: if "
        "every MSC dropout remitted and no control dropout did (best case), "
        f"{p_text(v.get('dropouts.best.pval_fisher'))}; the reverse (worst case) gives "
        f"{p_text(v.get('dropouts.worst.pval_fisher'))}."
    )
    est = v.get("dropouts.mi.rd")
    method = (
        "Multiple imputation of the missing endpoint from the arm, baseline BMI, "
        "baseline fasting C-peptide and the month-3 C-peptide response "
        "(logistic-regression imputation with parameter draws, as R mice's "
        f"`logreg` method, m = {MI_IMPUTATIONS}; Rubin's rules with the Barnard-Rubin "
        "degrees of freedom; fixed seed)"
    )
    if not _finite(est):
        why = mi_note or "the imputation model cannot be fitted"
        return f"{text} {method} is not possible: {why}."
    pval = v.get("dropouts.mi.pval_rd")
    if not _finite(pval):
        return (
            f"{text} {method} gives a risk difference of {_pp(est)} percentage points "
            "with no variation within or between the imputed data sets, so no interval "
            "or p-value."
        )
    text += (
        f" {method} gives a risk difference of "
        f"{_rd_text(v, 'dropouts.mi.rd', level)}, {p_text(pval)}"
    )
    fmi, mc = v.get("dropouts.mi.fmi"), v.get("dropouts.mi.mc_se_pval")
    if _finite(fmi) and _finite(mc):
        text += (
            f"; the fraction of missing information is {fmi:.2f} and the Monte-Carlo "
            f"standard error of that p-value {mc:.4f}"
        )
    return text + "."


def _tipping_sentence(v: dict, c: dict, alpha: float) -> str:
    d1, d2 = c["d1"], c["d2"]
    steps = [len(mo.tipping_splits(d)) for d in (d1, d2)]
    cells = steps[0] * steps[1]
    if d1 + d2 == 0:
        p = v.get("dropouts.pp.pval_fisher")
        return (
            "No participant dropped out, so the grid has a single cell, the "
            f"per-protocol table ({p_text(p)})."
            if _finite(p)
            else "No participant dropped out and the per-protocol table cannot be "
            "tested, so the grid is empty."
        )
    share = v.get("dropouts.tipping.share_significant")
    if not _finite(share):
        return "No split of the dropouts can be tested: an arm has no participant at all."
    k = round(share * cells)
    coarse = (
        f" (a grid of {steps[0]} by {steps[1]} evenly spaced splits, for arms with "
        f"more than {mo.GRID_STEPS} dropouts)"
        if cells < (d1 + 1) * (d2 + 1)
        else ""
    )
    text = (
        f"{k} of the {cells} splits{coarse} ({100 * share:.0f}%) "
        f"give{'s' if k == 1 else ''} a p-value below alpha = {alpha:g}."
    )
    e1, e2 = (
        v.get("dropouts.tipping.expected_msc"),
        v.get("dropouts.tipping.expected_control"),
    )
    if not (_finite(e1) and _finite(e2)):
        arm = "MSC" if c["n1"] == 0 else "control"
        return (
            f"{text} The {arm} arm has no participant with a known outcome, so there is "
            "no completer rate its dropouts could be expected to follow."
        )
    p_exp = v.get("dropouts.tipping.pval_at_expected")
    text += (
        " If the dropouts had remitted at their own arm's completer rate (about "
        f"{e1:.1f} MSC and {e2:.1f} control dropouts), the comparison would give "
        f"{p_text(p_exp)}"
    )
    dist = v.get("dropouts.tipping.distance")
    if _finite(dist):
        return (
            f"{text}; a departure of about {dist:.1f} dropouts from that expectation "
            "reaches the other side of alpha."
        )
    side = "below" if _finite(p_exp) and p_exp < alpha else "not below"
    return (
        f"{text}, and every other split also gives a p-value {side} alpha: no "
        "assumption about the dropouts' outcomes changes the conclusion."
    )


def _changing(r: dict, key: str) -> str:
    """ "changing the outcome of 1 control participant from non-remitter to remitter"."""
    k = int(r["index"])
    yes, no = _EVENT_WORDS[key]
    words = f"{no} to {yes}" if r["direction"] == "non-event to event" else f"{yes} to {no}"
    who = "participant" if k == 1 else "participants"
    noun = "the outcome" if k == 1 else "the outcomes"
    return f"changing {noun} of {k} {r['arm_changed']} {who} from {words}"


def fragility_sentence(key: str, f: dict, alpha: float) -> str:
    """The fragility of one endpoint, compared with its missing outcomes, in words.

    Parameters
    ----------
    key : str
        Endpoint key of :data:`~ucmsc_repro.chapters.dropouts.FRAGILITY_ENDPOINTS`.
    f : dict
        Its entry of :func:`~ucmsc_repro.chapters.dropouts.fragility_results`.
    alpha : float
        Significance level.

    Returns
    -------
    str
        One or two sentences, right whichever of the index and the number of
        participants without an outcome is larger (or when either is missing).
    """
    name = next(n for k, n, _ in FRAGILITY_ENDPOINTS if k == key)
    fi, rfi = f["fi"], f["rfi"]
    table = f"{f['x1']}/{f['n1']} against {f['x2']}/{f['n2']}"
    p0 = fi["p_before"]
    if not _finite(p0):
        why = empty_arm_words(f["n1"], f["n2"], fi["note"])
        return f"The fragility of {name} cannot be computed: {why}."
    sig = p0 < alpha
    r = fi if sig else rfi
    label = "fragility index" if sig else "reverse fragility index"
    state = "significant" if sig else "not significant"
    lead = f"For {name} ({table}, Fisher's exact test {p_text(p0)}, {state})"
    if not _finite(r["index"]):
        if sig:
            return f"{lead}, no fragility index can be computed: {r['note']}."
        return (
            f"{lead}, no change of outcomes within one arm makes the result "
            f"significant, so there is no reverse fragility index."
        )
    k = int(r["index"])
    after = "no longer below" if sig else "below"
    text = (
        f"{lead}, the {label} is {k}: {_changing(r, key)} would give "
        f"{p_text(r['p_after'])}, {after} alpha (fragility quotient "
        f"{r['quotient']:.3f})."
    )
    m = f["missing"]
    if m == 0:
        return f"{text} No participant is left out of this analysis for want of an outcome."
    missing = (
        f"the number of participants left out of this analysis for want of an outcome ({m})"
    )
    if k < m:
        cmp = (
            f"The index ({k}) is smaller than {missing}: the conclusion turns on fewer "
            "outcomes than are unknown."
        )
    elif k == m:
        cmp = f"The index ({k}) equals {missing}."
    else:
        cmp = (
            f"The index ({k}) is larger than {missing}: more recorded outcomes would "
            "have to change than are unknown."
        )
    return f"{text} {cmp}"


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless it starts an abbreviation (BMI, HbA1c)."""
    if len(text) > 1 and text[1].islower() and text[0].isupper():
        return text[0].lower() + text[1:]
    return text


def _join(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def mar_sentence(ch, v: dict) -> str:
    """What the comparison of dropouts with completers says about missing at random.

    Says which baseline characteristics differ (p < alpha, by the paper's
    rule) in each arm, the largest standardised difference, when and why
    participants left, and what that can and cannot show. Holds for any data:
    no dropouts, dropouts in one arm only, nothing testable.
    """
    alpha = ch.settings.alpha
    left = discontinuations(ch)
    c = dropout_counts(ch)
    if left.empty:
        text = (
            "No participant discontinued, so there is no one to compare with those "
            "who completed."
        )
        d = c["d1"] + c["d2"]
        if d:
            text += (
                f" The {_plural(d, 'participant')} without an endpoint value completed "
                "follow-up but has no endpoint visit"
                if d == 1
                else f" The {_plural(d, 'participant')} without an endpoint value "
                "completed follow-up but have no endpoint visit"
            )
            text += "; whether those visits are missing at random cannot be checked here."
        return text
    frame = who_table(ch.table)
    per_arm, n_tested = [], 0
    for a, _, label in ARMS:
        sub = frame.loc[frame["arm"].eq(a)].drop_duplicates("variable")
        tested = sub.loc[sub["pval"].apply(_finite)]
        n_tested += len(tested)
        hits = tested.loc[tested["pval"] < alpha, "label"].tolist()
        if hits:
            names = _join([_lower_first(h) for h in hits])
            per_arm.append(
                f"in the {label.lower() if a == 'control' else label} arm in {names}"
            )
    counts = (
        f"{_plural(int(left['arm'].eq('MSC').sum()), 'MSC participant')} and "
        f"{_plural(int(left['arm'].eq('control').sum()), 'control participant')} "
        "discontinued"
    )
    p_rate = v.get("dropouts.who.rate.pval")
    if _finite(p_rate):
        counts += f" (discontinuation by arm: {p_text(p_rate)})"
    text = counts + "."
    if n_tested == 0:
        text += (
            " Too few participants left to test any baseline characteristic, so the "
            "data say nothing either way about whether those who left differed."
        )
    elif per_arm:
        text += (
            f" Those who left differed from those who completed (p < {alpha:g}) "
            + "; ".join(per_arm)
            + ": evidence against missing completely at random. Missing at random "
            "may still hold given these characteristics, but the imputation below "
            "conditions only on BMI, baseline fasting C-peptide and the month-3 "
            "response."
        )
    else:
        text += (
            f" No baseline characteristic differed at p < {alpha:g} between those who "
            "left and those who completed in either arm, though with so few who left "
            "these tests can miss large differences."
        )
    smd = frame.loc[frame["smd"].apply(_finite)]
    if len(smd):
        top = smd.loc[smd["smd"].abs().idxmax()]
        arm = "MSC" if top["arm"] == "msc" else "control"
        name = top["label"] if not top["level"] else f"{top['label']}: {top['level']}"
        text += (
            f' The largest standardised difference is in the row "{name}" of the table '
            f"({arm} arm, SMD {top['smd']:.2f}, discontinued minus completed)."
        )
    reasons = reason_counts(left)
    named = [
        f"{r.all} {r.reason}" for r in reasons.itertuples() if r.all and r.reason != "other"
    ]
    other = int(reasons.loc[reasons["reason"].eq("other"), "all"].sum())
    if other:
        named.append(f"{other} for other reasons")
    early = int((left["last_visit_month"].fillna(0) <= 0).sum())
    text += f" Reasons: {_join(named)}."
    if early:
        text += (
            f" {_plural(early, 'participant')} left before any visit after baseline, "
            "so no C-peptide response of theirs is known and any imputation of their "
            "outcome rests on baseline values alone."
        )
    text += (
        " No comparison of observed data can show that the missing outcomes are "
        "missing at random: that depends on whether the reasons for leaving relate "
        "to the outcome the participants would have had."
    )
    return text


def chapter_texts(ch, res: pd.DataFrame) -> dict[str, str]:
    """Every data-dependent sentence of the chapter, keyed ``dropouts.text.<name>``.

    Parameters
    ----------
    ch : Chapter
        The chapter object (``table``, ``pp``, ``data``, ``settings``).
    res : pandas.DataFrame
        :func:`ucmsc_repro.chapters.dropouts.results` of ``ch``.

    Returns
    -------
    dict
        ``dropouts.text.missing`` (who has no endpoint), ``small_sample``,
        ``itt``, ``tipping``, ``fragility_remission``,
        ``fragility_insulin_free``, ``who`` (the missing-at-random sentence).
    """
    v = _values(res)
    c = dropout_counts(ch)
    alpha = ch.settings.alpha
    level = f"{100 * (1 - alpha):g}%"
    mi = imputation_results(ch).set_index("measure").loc["risk difference"]
    out = {
        "dropouts.text.missing": _missing_sentence(c),
        "dropouts.text.small_sample": _small_sample_sentence(v, c, level),
        "dropouts.text.itt": _itt_sentence(v, c, level, str(mi["note"] or "")),
        "dropouts.text.tipping": _tipping_sentence(v, c, alpha),
        "dropouts.text.who": mar_sentence(ch, v),
    }
    for key, f in fragility_results(ch).items():
        out[f"dropouts.text.fragility_{key}"] = fragility_sentence(key, f, alpha)
    return out
