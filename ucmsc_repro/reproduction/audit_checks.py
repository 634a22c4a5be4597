"""The audit's checks: each recomputes one of the paper's figures from its others.

One function per check; :func:`audit_table` runs them all. The arithmetic is in
:mod:`ucmsc_repro.stats.printed`; the chapter module is
:mod:`ucmsc_repro.reproduction.audit`.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
from scipy import stats

from ..data.claims import read_claims
from ..stats.printed import (
    grim_percent,
    matches_printed,
    max_sd_for_range,
    observed_power_from_p,
    or_to_risk_ratio,
    p_from_observed_power,
    printed_interval,
    spss_chi_square_table,
    wald_from_ci,
    wald_p_range,
)
from .scorecard import round_half_up

__all__ = [
    "VERDICTS",
    "AUDIT_COLUMNS",
    "power_check_table",
    "audit_table",
    "remission_counts",
    "paper_figure",
    "remission_tests_display",
    "power_display",
]

#: Verdicts, in the order the chapter lists them.
VERDICTS = ("consistent", "inconsistent", "unmatched", "imprecise")
#: Columns of :func:`audit_table`.
AUDIT_COLUMNS = ["check_id", "topic", "check", "inputs", "arithmetic", "result", "verdict"]

Z975 = stats.norm.isf(0.025)


def paper_figure(
    claims: pd.DataFrame,
    key: str,
    *,
    section: str | None = None,
    decimals: int | None = None,
    relation: str = "eq",
) -> str:
    sel = claims["key"].eq(key) & claims["relation"].eq(relation)
    if section is not None:
        sel &= claims["section"].str.startswith(section)
    if decimals is not None:
        sel &= claims["digits"].eq(decimals)
    hit = claims.loc[sel, "reported"]
    if hit.empty:
        raise KeyError(
            f"the claims file has no {relation} claim {key!r} ({section or 'any'})"
        )
    return str(hit.iloc[0])


def _i(text: str) -> int:
    return int(Decimal(text))


def _f(x: float, d: int) -> str:
    return str(round_half_up(x, d))


def _row(check_id, topic, check, inputs, arithmetic, result, verdict):
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}")
    return {
        "check_id": check_id,
        "topic": topic,
        "check": check,
        "inputs": inputs,
        "arithmetic": arithmetic,
        "result": result,
        "verdict": verdict,
    }


# --------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------


def remission_counts(c):
    return (
        _i(paper_figure(c, "primary.remission.msc.events")),
        _i(paper_figure(c, "primary.remission.msc.n")),
        _i(paper_figure(c, "primary.remission.control.events")),
        _i(paper_figure(c, "primary.remission.control.n")),
    )


def _check_remission_p(c) -> dict:
    x1, n1, x2, n2 = remission_counts(c)
    p_text = paper_figure(c, "primary.remission.pval_chi2")
    t = spss_chi_square_table(x1, n1, x2, n2)
    parts = [f"{r.test}: p = {_f(r.pval, 4)}" for r in t.itertuples() if r.named]
    hits = [r.test for r in t.itertuples() if r.named and matches_printed(r.pval, p_text)]
    others = [
        r.test for r in t.itertuples() if not r.named and matches_printed(r.pval, p_text)
    ]
    lo, hi = (float(v) for v in printed_interval(p_text))
    result = (
        f"{', '.join(hits)} gives p = {p_text}"
        if hits
        else f"no named test gives a p-value in [{lo:g}, {hi:g}]"
    )
    if not hits and not others:
        result += "; nor does any other test in SPSS's chi-square table"
    return _row(
        "remission_pvalue",
        "p-value from reported counts",
        "Remission, MSC versus control: does a test the paper names give p = "
        f"{p_text} from the reported counts?",
        f"{x1}/{n1} versus {x2}/{n2}; p = {p_text} (Results, Efficacy evaluation)",
        "; ".join(parts) + f"; smallest expected count {_f(t['min_expected'].iloc[0], 2)}",
        result,
        "consistent" if hits else "unmatched",
    )


def _check_insulin_free_p(c, alpha: float) -> dict:
    x1 = _i(paper_figure(c, "primary.insulin_free.msc.events", section="Abstract"))
    n1 = _i(paper_figure(c, "primary.remission.msc.n"))
    x2 = _i(paper_figure(c, "primary.insulin_free.control.events", section="Abstract"))
    n2 = _i(paper_figure(c, "primary.remission.control.n"))
    t = spss_chi_square_table(x1, n1, x2, n2)
    named = t.loc[t["named"]]
    fisher = float(named["pval"].iloc[2])
    parts = [f"{r.test}: p = {_f(r.pval, 4)}" for r in named.itertuples()]
    return _row(
        "insulin_free_pvalue",
        "p-value from reported counts",
        "Insulin independence, MSC versus control: 'no statistic difference'?",
        f"{x1}/{n1} versus {x2}/{n2} (Results, Efficacy evaluation)",
        "; ".join(parts)
        + f"; smallest expected count {_f(t['min_expected'].iloc[0], 2)} < 5, so the "
        "paper's rule selects Fisher's exact test",
        f"Fisher's exact p = {_f(fisher, 3)} {'>=' if fisher >= alpha else '<'} {alpha:g}",
        "consistent" if fisher >= alpha else "inconsistent",
    )


def power_check_table(claims: pd.DataFrame | None = None, *, alpha: float = 0.05):
    """Post hoc power of the reported remission rates by every usual formula.

    Parameters
    ----------
    claims : pandas.DataFrame, optional
        The claims (default: the shipped claims file).
    alpha : float
        Two-sided significance level.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`ucmsc_repro.stats.power.power_table` plus
        ``power_pct`` (percent, unrounded) and ``matches`` (whether it
        prints as the paper's figure at its precision).

    References
    ----------
    Lu et al. 2021, Results (Efficacy evaluation) and Discussion.
    """
    from ..stats.power import power_table

    c = read_claims() if claims is None else claims
    x1, n1, x2, n2 = remission_counts(c)
    reported = paper_figure(c, "primary.power.pooled_z")
    t = power_table(x1, n1, x2, n2, alpha=alpha)
    t["power_pct"] = 100.0 * t["power"]
    t["matches"] = [matches_printed(v, reported) for v in t["power_pct"]]
    return t


def _check_power(c, alpha: float) -> dict:
    x1, n1, x2, n2 = remission_counts(c)
    reported = paper_figure(c, "primary.power.pooled_z")
    t = power_check_table(c, alpha=alpha)
    parts = [f"{r.method}: {_f(r.power_pct, 2)}%" for r in t.itertuples()]
    hits = t.loc[t["matches"], "method"].tolist()
    lo, hi = (float(v) for v in printed_interval(reported))
    closest = t.iloc[(t["power_pct"] - float(reported)).abs().argmin()]
    result = (
        f"{', '.join(hits)} gives {reported}%"
        if hits
        else f"no formula gives a power in [{lo:g}, {hi:g}]%; the closest, "
        f"{closest['method']}, gives {_f(closest['power_pct'], 2)}%, printed "
        f"{_f(closest['power_pct'], 1)}% (it would print {reported}% only if truncated)"
    )
    return _row(
        "post_hoc_power",
        "post hoc power",
        f"Which usual power formula gives the reported {reported}%?",
        f"{x1}/{n1} versus {x2}/{n2}, two-sided alpha {alpha:g}; power {reported}% "
        "(Results, Efficacy evaluation; Discussion)",
        "; ".join(parts),
        result,
        "consistent" if hits else "unmatched",
    )


def _check_power_vs_p(c, alpha: float) -> dict:
    x1, n1, x2, n2 = remission_counts(c)
    p_text = paper_figure(c, "primary.remission.pval_chi2")
    pw_text = paper_figure(c, "primary.power.pooled_z")
    pw_from_p = observed_power_from_p(float(p_text), alpha=alpha)
    p_from_pw = p_from_observed_power(float(pw_text) / 100, alpha=alpha)
    pearson = float(spss_chi_square_table(x1, n1, x2, n2)["pval"].iloc[0])
    za = stats.norm.isf(alpha / 2)
    z = stats.norm.isf(float(p_text) / 2)
    ok = abs(100 * pw_from_p - float(pw_text)) < 1.0
    return _row(
        "power_vs_pvalue",
        "post hoc power",
        "Do the reported p-value and the reported post hoc power fit each other?",
        f"p = {p_text}; power {pw_text}% (Results, Efficacy evaluation)",
        f"for a two-sided z test, power = Phi(z - {_f(za, 3)}) + Phi(-z - {_f(za, 3)}) "
        f"with z = Phi^-1(1 - p/2): p = {p_text} gives z = {_f(z, 3)} and power "
        f"{_f(100 * pw_from_p, 1)}%; power {pw_text}% needs p = {_f(p_from_pw, 4)} "
        f"(Pearson's chi-square on the counts: p = {_f(pearson, 4)})",
        f"p = {p_text} implies an observed power of {_f(100 * pw_from_p, 1)}%, not "
        f"{pw_text}%",
        "consistent" if ok else "inconsistent",
    )


_GRIM = (
    # (check id, label, percentage key, denominator key, count key or None)
    (
        "grim_remission_msc",
        "remission in the MSC arm",
        "primary.remission.msc.pct",
        "primary.remission.msc.n",
        "primary.remission.msc.events",
    ),
    (
        "grim_remission_control",
        "remission in the control arm",
        "primary.remission.control.pct",
        "primary.remission.control.n",
        "primary.remission.control.events",
    ),
    (
        "grim_male",
        "male participants",
        "baseline.male.all.pct",
        "trial_profile.analysed.all.n",
        None,
    ),
    (
        "grim_adult",
        "adult-onset participants",
        "baseline.onset_adult.all.pct",
        "trial_profile.analysed.all.n",
        "baseline.onset_adult.all.events",
    ),
    (
        "grim_dk_dka",
        "DK or DKA at onset",
        "baseline.dk_or_dka.all.pct",
        "trial_profile.analysed.all.n",
        None,
    ),
)


def _check_grim(c, check_id, label, pct_key, n_key, count_key) -> dict:
    pct = paper_figure(c, pct_key)
    n = _i(paper_figure(c, n_key, section="Results"))
    count = _i(paper_figure(c, count_key)) if count_key else None
    ks = grim_percent(pct, n)
    lo, hi = (float(v) for v in printed_interval(pct))
    shown = [f"100 x {k}/{n} = {_f(100 * k / n, 3)}" for k in ks] or [
        f"no k: 100 x k/{n} moves in steps of {_f(100 / n, 3)}"
    ]
    ok = bool(ks) and (count is None or count in ks)
    if not ks:
        result = f"{pct}% is impossible with {n} participants"
    elif count is None:
        result = f"possible: {pct}% of {n} is {' or '.join(map(str, ks))} participants"
    else:
        result = (
            f"{count}/{n} prints as {pct}%"
            if count in ks
            else (f"{count}/{n} does not print as {pct}% (possible counts: {ks})")
        )
    inputs = f"{pct}% of {n}" + (f"; stated count {count}" if count is not None else "")
    return _row(
        check_id,
        "percentage possible for its denominator (GRIM)",
        f"Is {pct}% ({label}) a possible percentage of {n}?",
        inputs,
        f"printed interval [{lo:g}, {hi:g}]; " + "; ".join(shown),
        result,
        "consistent" if ok else "inconsistent",
    )


def _sum_row(check_id, check, inputs, terms, total_text, op="+") -> dict:
    """A row checking terms[0] op terms[1] ... == total."""
    values = [_i(t) for t in terms]
    total = _i(total_text)
    if op == "+":
        got = sum(values)
        expr = " + ".join(terms)
    else:
        got = values[0] - sum(values[1:])
        expr = " - ".join(terms)
    ok = got == total
    return _row(
        check_id,
        "flow of participants",
        check,
        inputs,
        f"{expr} = {got}; reported {total}",
        "adds up" if ok else f"does not add up ({got} versus {total})",
        "consistent" if ok else "inconsistent",
    )


def _flow_checks(c) -> list[dict]:
    R = "Results"
    enrolled = paper_figure(c, "trial_profile.enrolled.all.n", section=R)
    a_msc = paper_figure(c, "trial_profile.assigned.msc.n")
    a_con = paper_figure(c, "trial_profile.assigned.control.n")
    d_msc = paper_figure(c, "trial_profile.discontinued.msc.n")
    d_con = paper_figure(c, "trial_profile.discontinued.control.n")
    n_msc = paper_figure(c, "trial_profile.analysed.msc.n")
    n_con = paper_figure(c, "trial_profile.analysed.control.n")
    n_all = paper_figure(c, "trial_profile.analysed.all.n")
    adult = paper_figure(c, "baseline.onset_adult.all.events")
    juvenile = paper_figure(c, "baseline.onset_juvenile.all.events")
    msc_na = paper_figure(c, "trial_profile.discontinued.msc.did_not_adhere_to_protocol.n")
    msc_wc = paper_figure(c, "trial_profile.discontinued.msc.withdrew_consent.n")
    msc_i1 = paper_figure(c, "trial_profile.discontinued.msc.infusions_1.n")
    msc_i2 = paper_figure(c, "trial_profile.discontinued.msc.infusions_2.n")
    msc_inf = paper_figure(c, "trial_profile.discontinued.msc.infused.n")
    con_wc = paper_figure(c, "trial_profile.discontinued.control.withdrew_consent.n")
    con_na = paper_figure(
        c, "trial_profile.discontinued.control.did_not_adhere_to_protocol.n"
    )
    abstract_enrolled = paper_figure(c, "trial_profile.enrolled.all.n", section="Abstract")
    fever = paper_figure(c, "adverse_events.fever.msc.events", section="Results")
    f1 = paper_figure(c, "adverse_events.fever.infusion1.events")
    f2 = paper_figure(c, "adverse_events.fever.infusion2.events")
    rows = [
        _sum_row(
            "flow_assigned",
            "Assigned arms add up to the enrolled participants",
            f"{a_msc} MSC, {a_con} control, {enrolled} enrolled",
            [a_msc, a_con],
            enrolled,
        ),
        _sum_row(
            "flow_msc_analysed",
            "MSC: assigned minus discontinued = analysed",
            f"{a_msc} assigned, {d_msc} discontinued, {n_msc} analysed",
            [a_msc, d_msc],
            n_msc,
            op="-",
        ),
        _sum_row(
            "flow_control_analysed",
            "Control: assigned minus discontinued = analysed",
            f"{a_con} assigned, {d_con} discontinued, {n_con} analysed",
            [a_con, d_con],
            n_con,
            op="-",
        ),
        _sum_row(
            "flow_analysed",
            "Analysed arms add up to the analysed total",
            f"{n_msc} + {n_con}; {n_all} analysed",
            [n_msc, n_con],
            n_all,
        ),
        _sum_row(
            "flow_onset",
            "Adult- and juvenile-onset add up to the analysed total",
            f"{adult} adult, {juvenile} juvenile; {n_all} analysed (Abstract)",
            [adult, juvenile],
            n_all,
        ),
        _sum_row(
            "flow_msc_reasons",
            "MSC discontinuations by reason",
            f"{msc_na} did not adhere, {msc_wc} withdrew; {d_msc} discontinued",
            [msc_na, msc_wc],
            d_msc,
        ),
        _sum_row(
            "flow_msc_timing",
            "Non-adherent MSC participants by timing",
            f"{msc_i1} after 3 months, {msc_i2} after 5 months; {msc_na} did not adhere",
            [msc_i1, msc_i2],
            msc_na,
        ),
        _sum_row(
            "flow_msc_dosed",
            "Withdrawn MSC recipients who received a dose",
            f"{d_msc} discontinued, {msc_wc} before any infusion; "
            f"'the four withdrawn recipients' ({msc_inf})",
            [d_msc, msc_wc],
            msc_inf,
            op="-",
        ),
        _sum_row(
            "flow_control_reasons",
            "Control discontinuations by reason",
            f"{con_wc} withdrew, {con_na} did not adhere; {d_con} discontinued",
            [con_wc, con_na],
            d_con,
        ),
        _sum_row(
            "fever_by_infusion",
            "Fevers by infusion add up to the fevers",
            f"{f2} after the second, {f1} after the first; {fever} recipients",
            [f2, f1],
            fever,
        ),
    ]
    same = _i(abstract_enrolled) == _i(enrolled)
    rows.append(
        _row(
            "abstract_enrolled",
            "flow of participants",
            "Abstract versus Results: how many were enrolled?",
            f"Abstract: '{abstract_enrolled} participants ... were enrolled'; Results: "
            f"'{enrolled} participants were enrolled', {n_all} analysed",
            f"{abstract_enrolled} {'=' if same else '!='} {enrolled}; "
            f"{abstract_enrolled} = {n_msc} + {n_con}, the analysed participants",
            "the abstract calls the analysed participants enrolled"
            if not same
            else "the same",
            "consistent" if same else "inconsistent",
        )
    )
    return rows


def _check_four_times(c) -> dict:
    x1, n1, x2, n2 = remission_counts(c)
    or_text = paper_figure(c, "factors.whole.msc.or", decimals=2)
    words = paper_figure(c, "factors.whole.msc.or", decimals=0)
    rr = (x1 / n1) / (x2 / n2)
    p0 = x2 / n2
    rr_adj = or_to_risk_ratio(float(or_text), p0)
    return _row(
        "four_times_more_likely",
        "verbal statement",
        "'Subjects treated with MSC were four times more likely to achieve clinical "
        f"remission' (OR = {or_text})",
        f"adjusted OR {or_text}; remission {x1}/{n1} versus {x2}/{n2}",
        f"OR {or_text} is about {words} on the odds scale; crude risk ratio "
        f"({x1}/{n1}) / ({x2}/{n2}) = {_f(rr, 2)}; the risk ratio implied by OR "
        f"{or_text} at a control risk of {x2}/{n2} (Zhang and Yu: OR / (1 - p0 + p0 OR)) "
        f"= {or_text} / (1 - {_f(p0, 4)} + {_f(p0, 4)} x {or_text}) = {_f(rr_adj, 2)}",
        f"'{words} times' describes the odds ratio; as a statement about how likely "
        f"remission is (a risk ratio) the figures give about {_f(rr_adj, 1)} "
        f"(adjusted) to {_f(rr, 1)} (crude)",
        "imprecise",
    )


def _check_two_and_half(c) -> dict:
    pct1 = paper_figure(c, "primary.remission.msc.pct", section="Discussion")
    pct2 = paper_figure(c, "primary.remission.control.pct")
    x1, n1, x2, n2 = remission_counts(c)
    claim = paper_figure(c, "primary.remission.risk_ratio")
    ratio = float(pct1) / float(pct2)
    exact = (x1 / n1) / (x2 / n2)
    odds = (x1 / (n1 - x1)) / (x2 / (n2 - x2))
    diff = float(pct1) - float(pct2)
    ok = matches_printed(ratio, claim)
    return _row(
        "two_and_half_times_higher",
        "verbal statement",
        f"'{pct1}% ... nearly {claim} times higher than those achieved in the control "
        "group'",
        f"{pct1}% (MSC) and {pct2}% (control); {x1}/{n1} and {x2}/{n2}",
        f"ratio {pct1} / {pct2} = {_f(ratio, 2)} (from the counts: {_f(exact, 2)}); "
        f"relative increase (ratio - 1) = {_f(ratio - 1, 2)}; odds ratio "
        f"({x1}/{n1 - x1}) / ({x2}/{n2 - x2}) = {_f(odds, 2)}; difference {_f(diff, 1)} "
        "percentage points",
        f"the MSC rate is {_f(ratio, 1)} times the control rate, not {claim}; "
        f"'{claim} times higher' fits only when read as 'higher by {_f(ratio - 1, 1)} "
        "times the control rate'",
        "consistent" if ok else "inconsistent",
    )


def _check_ci(c, term: str, label: str) -> dict:
    base = f"factors.stepwise.{term}.or"
    est = paper_figure(c, base)
    lo = paper_figure(c, f"{base}.ci_low")
    hi = paper_figure(c, f"{base}.ci_high")
    p_text = paper_figure(c, f"factors.stepwise.{term}.pval")
    w = wald_from_ci(float(est), float(lo), float(hi))
    p_min, p_max = wald_p_range(est, lo, hi)
    plo, phi = (float(v) for v in printed_interval(p_text))
    ok = p_min <= phi and p_max >= plo
    (e_lo, e_hi), (l_lo, l_hi), (h_lo, h_hi) = (
        [float(v) for v in printed_interval(x)] for x in (est, lo, hi)
    )
    mid_lo, mid_hi = math.sqrt(l_lo * h_lo), math.sqrt(l_hi * h_hi)
    mid_ok = mid_lo <= e_hi and mid_hi >= e_lo
    return _row(
        f"ci_vs_p_{term}",
        "confidence interval versus p-value",
        f"Does the 95% CI of the stepwise OR for {label} agree with its p-value?",
        f"OR {est} ({lo}-{hi}), p = {p_text} (Results, Factors associated ...)",
        f"SE of ln OR = (ln {hi} - ln {lo}) / (2 x {_f(Z975, 3)}) = {_f(w['se'], 5)}; "
        f"z = ln {est} / SE = {_f(w['z'], 3)}; Wald p = {_f(w['pval'], 4)}; with every "
        f"printed number anywhere in its rounding interval, p lies in "
        f"[{_f(p_min, 4)}, {_f(p_max, 4)}]; centre of the CI sqrt({lo} x {hi}) = "
        f"{_f(w['midpoint'], 4)} (within rounding: [{_f(mid_lo, 4)}, {_f(mid_hi, 4)}])",
        f"p = {p_text} {'lies' if ok else 'does not lie'} within what the CI allows"
        + (
            ""
            if mid_ok
            else f"; the OR is off the centre of its CI ({_f(w['midpoint'], 3)})"
        ),
        "consistent" if ok and mid_ok else "inconsistent",
    )


def _check_durations(c) -> dict:
    a_lo = paper_figure(c, "primary.insulin_free.duration_months.rank1", section="Abstract")
    a_hi = paper_figure(c, "primary.insulin_free.duration_months.rank3", section="Abstract")
    r1 = paper_figure(c, "primary.insulin_free.duration_months.rank1", section="Results")
    r2 = paper_figure(c, "primary.insulin_free.duration_months.rank2", section="Results")
    r3 = paper_figure(c, "primary.insulin_free.duration_months.rank3", section="Results")
    start = paper_figure(c, "primary.insulin_free.start_month.rank2", relation="le")
    lo_ok = matches_printed(float(r1), a_lo)
    hi_ok = matches_printed(float(r3), a_hi)
    alt = float(r3) - float(start)
    return _row(
        "insulin_free_durations",
        "abstract versus results",
        f"Abstract: 'insulin free for {a_lo} to {a_hi} months'; do the Results agree?",
        f"Abstract {a_lo}-{a_hi} months; Results: 'initiated insulin again 1 year and "
        f"{r3} months later' and 'started again {r1} months later'",
        f"durations in the Results: {r1}, {r2}, {r3} months; shortest {r1} prints as "
        f"{_f(float(r1), 0)} at the abstract's precision "
        f"({'=' if lo_ok else '!='} {a_lo}); "
        f"longest {r3} {'=' if hi_ok else '!='} {a_hi}. Even if '{r3} months later' counts "
        f"from the first transplantation, the period lasted at least {r3} - {start} = "
        f"{_f(alt, 0)} months",
        f"the abstract's range {a_lo}-{a_hi} months does not cover the {r3}-month period "
        "of the Results" + ("" if lo_ok else f", and {r1} months is not {a_lo}"),
        "consistent" if lo_ok and hi_ok else "inconsistent",
    )


def _check_sd(
    c, var: str, label: str, low_key: str, high_key: str, low_rel: str, high_rel: str
) -> dict:
    mean = paper_figure(c, f"baseline.{var}.all.mean")
    sd = paper_figure(c, f"baseline.{var}.all.sd")
    n = _i(paper_figure(c, "trial_profile.analysed.all.n", section="Results"))
    low = paper_figure(c, low_key, relation=low_rel)
    high = paper_figure(c, high_key, relation=high_rel)
    bound = max_sd_for_range(float(mean), float(low), float(high), n)
    ok = float(sd) <= bound
    return _row(
        f"sd_range_{var}",
        "SD possible for the range",
        f"Is an SD of {sd} possible for {label} with mean {mean} within {low}-{high}?",
        f"mean {mean}, SD {sd}, n = {n}, range {low}-{high}",
        f"largest possible SD = sqrt(({high} - {mean}) x ({mean} - {low}) x {n} / "
        f"{n - 1}) = {_f(bound, 2)} (Bhatia-Davis)",
        f"SD {sd} {'<=' if ok else '>'} {_f(bound, 2)}",
        "consistent" if ok else "inconsistent",
    )


def _check_remission_vs_risers(c) -> list[dict]:
    rows = []
    for arm, label in (("msc", "MSC"), ("control", "control")):
        rem = _i(paper_figure(c, f"primary.remission.{arm}.events"))
        f = _i(paper_figure(c, f"secondary.fcp_pmol_l.rose.{arm}.events"))
        p = _i(paper_figure(c, f"secondary.pcp_pmol_l.rose.{arm}.events"))
        ok = rem <= f + p
        rows.append(
            _row(
                f"remission_vs_rising_cpeptide_{arm}",
                "counts compatible",
                f"{label} arm: can {rem} remissions (a rise of at least 10%) come from "
                f"{f} participants with a rise in fasting and {p} with a rise in "
                "postprandial C-peptide?",
                f"remission {rem}; fasting C-peptide rose in {f}, postprandial in {p}",
                f"a remitter has a rise in fasting or postprandial C-peptide, so "
                f"remissions <= {f} + {p} = {f + p}",
                f"{rem} {'<=' if ok else '>'} {f + p}",
                "consistent" if ok else "inconsistent",
            )
        )
    return rows


def _check_threshold_wording() -> dict:
    return _row(
        "remission_threshold_wording",
        "definition",
        "Is remission a rise of at least 10% or of more than 10%?",
        "Abstract and Methods: 'a 10% increase from baseline'; Discussion: 'over 10% "
        "increase'",
        "a rise from 200 to 220 pmol/L is (220 - 200) / 200 = 10%: remission under "
        "'a 10% increase', not under 'over 10%'",
        "the two wordings differ for a rise of exactly 10%; the book uses 'at least' "
        "(the remission_threshold setting)",
        "imprecise",
    )


def audit_table(claims: pd.DataFrame | None = None, *, alpha: float = 0.05) -> pd.DataFrame:
    """Every check of the audit, one row each, with the arithmetic shown.

    Parameters
    ----------
    claims : pandas.DataFrame, optional
        The claims (:func:`ucmsc_repro.data.claims.read_claims`); the reported
        figures are read from it. Default: the shipped claims file.
    alpha : float
        Two-sided significance level used by the power and p-value checks.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`AUDIT_COLUMNS`: ``check_id`` (stable slug),
        ``topic``, ``check`` (the question), ``inputs`` (the paper's figures),
        ``arithmetic`` (the computation written out, numbers rounded for
        display only), ``result`` and ``verdict`` (one of :data:`VERDICTS`).

    Notes
    -----
    The audit uses no participant data: its results are the same whatever
    data the book runs on.

    References
    ----------
    Lu et al. 2021: Abstract, Results (Characteristics of the participants,
    Adverse events, Efficacy evaluation, Factors associated with the
    efficacy of clinical remission) and Discussion.
    """
    c = read_claims() if claims is None else claims
    rows = [
        _check_remission_p(c),
        _check_insulin_free_p(c, alpha),
        _check_power(c, alpha),
        _check_power_vs_p(c, alpha),
    ]
    rows += [_check_grim(c, *spec) for spec in _GRIM]
    rows += _flow_checks(c)
    rows += [_check_four_times(c), _check_two_and_half(c)]
    rows += [
        _check_ci(c, "fcp_pmol_l_0", "baseline fasting C-peptide"),
        _check_ci(c, "msc_cells_total", "the number of transfused MSCs"),
    ]
    rows.append(_check_durations(c))
    rows.append(
        _check_sd(
            c,
            "duration_months",
            "the duration of diabetes",
            "baseline.duration_months.all.min",
            "baseline.duration_months.all.max",
            "eq",
            "eq",
        )
    )
    rows.append(
        _check_sd(
            c,
            "age_years",
            "age (eligible range)",
            "baseline.age_years.all.min",
            "baseline.age_years.all.max",
            "ge",
            "le",
        )
    )
    rows += _check_remission_vs_risers(c)
    rows.append(_check_threshold_wording())
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def remission_tests_display(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The SPSS chi-square table for the reported remission counts, for reading.

    Returns
    -------
    pandas.DataFrame
        Columns ``test``, ``named by the paper`` (yes/no), ``statistic`` and
        ``p`` (text, 4 decimals; rounded for display only) and ``prints as
        the reported p`` (yes/no).
    """
    c = read_claims() if claims is None else claims
    p_text = paper_figure(c, "primary.remission.pval_chi2")
    t = spss_chi_square_table(*remission_counts(c))
    return pd.DataFrame(
        {
            "test": t["test"],
            "named by the paper": ["yes" if v else "no" for v in t["named"]],
            "statistic": [_f(v, 4) for v in t["statistic"]],
            "p": [_f(v, 4) for v in t["pval"]],
            "prints as the reported p": [
                "yes" if matches_printed(v, p_text) else "no" for v in t["pval"]
            ],
        }
    )


def power_display(claims: pd.DataFrame | None = None, *, alpha: float = 0.05):
    """The post hoc power by every usual formula, for reading.

    Returns
    -------
    pandas.DataFrame
        Columns ``method``, ``formula``, ``reference``, ``power (%)`` (text,
        2 decimals; rounded for display only) and ``prints as the reported
        power`` (yes/no).
    """
    t = power_check_table(claims, alpha=alpha)
    return pd.DataFrame(
        {
            "method": t["label"],
            "formula": t["formula"],
            "reference": t["reference"],
            "power (%)": [_f(v, 2) for v in t["power_pct"]],
            "prints as the reported power": ["yes" if m else "no" for m in t["matches"]],
        }
    )
