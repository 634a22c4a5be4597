"""Sentences of the chapter "Subgroups", built from its results.

Each sentence says in words what cannot be compared (an empty subgroup, an
arm with nobody in it) instead of printing a missing number; the notebook
glues them with :func:`glue_sentences`.
"""

from __future__ import annotations

import math

import pandas as pd

from ..core.formatting import p_text, within_parentheses

__all__ = [
    "SUBGROUP_WORDS",
    "change_sentence",
    "remission_sentence",
    "power_sentence",
    "glue_sentences",
]

#: How each subgroup is named in a sentence: (people in it, what they share).
SUBGROUP_WORDS: dict[str, tuple[str, str]] = {
    "adult": ("adult-onset participants", "had adult-onset diabetes"),
    "juvenile": ("juvenile-onset participants", "had juvenile-onset diabetes"),
    "dk_or_dka": ("participants with DK or DKA at onset", "had DK or DKA at onset"),
    "no_dk": ("participants without DK or DKA at onset", "was free of DK or DKA at onset"),
}
_MEASURES = {"fcp_pmol_l": "fasting C-peptide", "pcp_pmol_l": "postprandial C-peptide"}
_FACTOR_WORDS = {"onset": "age at onset", "dk_or_dka": "DK/DKA at onset"}


def _value(v: pd.Series, key: str) -> float | None:
    x = v.get(key)
    return float(x) if x is not None and math.isfinite(float(x)) else None


def _count(v: pd.Series, key: str) -> int:
    x = _value(v, key)
    return int(x) if x is not None else 0


def _arms_phrase(v: pd.Series, methods: pd.Series, base: str) -> str:
    """``A% with MSC (n = 12) and B% in control (n = 10; p = ..., test)``, or why not."""
    n1, n2 = _count(v, f"{base}.msc.n"), _count(v, f"{base}.control.n")
    if n1 == 0 or n2 == 0:
        who = "either arm" if n1 == n2 == 0 else ("the MSC arm" if n1 == 0 else "control")
        return (
            f"was not comparable, with nobody from {who} (n = {n1} with MSC, {n2} in "
            "control)"
        )
    m1, m2 = _value(v, f"{base}.msc.mean"), _value(v, f"{base}.control.mean")
    p = _value(v, f"{base}.pval")
    test = within_parentheses(methods.get(f"{base}.pval", "not tested"))
    tested = f"{p_text(p)}, {test}" if p is not None else test
    return (
        f"was {m1:.0f}% with MSC (n = {n1}) and {m2:.0f}% in control (n = {n2}; {tested})"
    )


def change_sentence(
    res: pd.DataFrame, sub: str, measures=("fcp_pmol_l", "pcp_pmol_l")
) -> str:
    """The mean percent change of C-peptide in one subgroup, by arm, in words.

    Examples
    --------
    >>> res = pd.DataFrame({"key": ["subgroups.pcp_pmol_l.pct.adult.msc.n",
    ...     "subgroups.pcp_pmol_l.pct.adult.control.n"], "value": [0.0, 0.0],
    ...     "method": ["", ""]})
    >>> change_sentence(res, "adult", ("pcp_pmol_l",))
    'No participant had adult-onset diabetes, so this subgroup cannot be compared.'
    """
    v = res.set_index("key")["value"]
    methods = res.set_index("key")["method"]
    people, shared = SUBGROUP_WORDS[sub]
    sizes = [
        _count(v, f"subgroups.{m}.pct.{sub}.{a}.n")
        for m in measures
        for a in ("msc", "control")
    ]
    if not any(sizes):
        return f"No participant {shared}, so this subgroup cannot be compared."
    parts = [
        f"of {_MEASURES[m]} {_arms_phrase(v, methods, f'subgroups.{m}.pct.{sub}')}"
        for m in measures
    ]
    return f"Among {people}, the mean percent change {'; that '.join(parts)}."


def _rate(v: pd.Series, base: str) -> str:
    e, n = _count(v, f"{base}.events"), _count(v, f"{base}.n")
    if n == 0:
        return "nobody (no participant with a known outcome)"
    return f"{e} of {n} ({100.0 * e / n:.1f}%)"


def remission_sentence(
    res: pd.DataFrame, subgroups=("adult", "juvenile", "dk_or_dka", "no_dk")
) -> str:
    """Remission per arm overall and in every subgroup, in words."""
    v = res.set_index("key")["value"]

    def arms(sub: str) -> str:
        base = f"subgroups.remission.{sub}"
        msc, control = _rate(v, f"{base}.msc"), _rate(v, f"{base}.control")
        return f"{msc} with MSC against {control} in control"

    parts = [f"by {arms('all')} overall"]
    for sub in subgroups:
        people = SUBGROUP_WORDS[sub][0]
        base = f"subgroups.remission.{sub}"
        if _count(v, f"{base}.msc.n") == _count(v, f"{base}.control.n") == 0:
            parts.append(f"among {people} by nobody, since none has a known outcome")
        else:
            parts.append(f"among {people} by {arms(sub)}")
    return (
        "Clinical remission at the endpoint (the primary endpoint) was reached "
        + "; ".join(parts[:-1])
        + f"; and {parts[-1]}."
    )


def power_sentence(res: pd.DataFrame) -> str:
    """The power of each interaction test, or why it cannot be computed."""
    v = res.set_index("key")["value"]
    known, unknown = [], []
    for factor, words in _FACTOR_WORDS.items():
        p = _value(v, f"subgroups.remission.interaction.{factor}.power")
        if p is None:
            unknown.append(words)
        else:
            known.append(f"{'about ' if not known else ''}{p:.0f}% for {words}")
    why = (
        "cannot be computed (a subgroup has nobody in an arm, or the arms' rates "
        "leave no effect to detect)"
    )
    if not known:
        return f"with a probability that {why} for {' or '.join(unknown)}"
    text = "with a probability of " + " and ".join(known)
    if unknown:
        text += f"; for {' and '.join(unknown)} the probability {why}"
    return text


def glue_sentences(ch, res: pd.DataFrame) -> None:
    """Glue ``subgroups.text.*``: the C-peptide, remission and power sentences."""
    for sub in ("dk_or_dka", "no_dk"):
        ch.rec.text(f"subgroups.text.change.{sub}", change_sentence(res, sub))
    for sub in ("adult", "juvenile"):
        ch.rec.text(
            f"subgroups.text.change.{sub}", change_sentence(res, sub, ("pcp_pmol_l",))
        )
    ch.rec.text("subgroups.text.remission", remission_sentence(res))
    ch.rec.text("subgroups.text.interaction_power", power_sentence(res))
