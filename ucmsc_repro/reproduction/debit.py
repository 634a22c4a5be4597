"""DEBIT: are a reported proportion, its SD and its n mutually possible?

For a binary variable (0/1) with ``k`` ones among ``n`` values the mean is
``p = k / n`` and the sample SD is ``sqrt(p (1 - p) n / (n - 1))``: the mean
fixes the SD. DEBIT (Heathers and Brown 2019) asks whether some ``k`` gives
both printed numbers at their printed precision. Implemented here:

* :func:`debit` and :func:`debit_map`: DEBIT proper, for a mean and SD of a
  binary variable (the "exact" method of scrutiny 1.0: every ``k`` whose
  mean prints as the reported one is tried; and the "interval" method of
  scrutiny's ``formula = "mean_n"``: the SDs of every proportion within the
  rounding bounds of the mean);
* :func:`debit_percent`: the GRIM-like half of DEBIT for a percentage with
  no SD, the usual case in a clinical paper: is ``100 k / n`` printed as the
  reported percentage for some integer ``k``?
* :func:`paper_percentage_table`, :func:`paper_percentage_summary` and
  :func:`audit_rows`: every percentage of a participant count that Lu et al.
  print, under every rounding convention of
  :mod:`ucmsc_repro.reproduction.rounding`.

The paper prints no mean +- SD of a binary-coded variable, so DEBIT proper
has nothing to test in it; the tables give the SD each percentage implies
(what a "mean +- SD" report of the same variable would have to print).

References
----------
Heathers JAJ, Brown NJL. DEBIT: a simple consistency test for binary data.
2019. https://osf.io/5vb3u/.

Jung L. scrutiny: error detection in science (R package), functions
``debit()`` and ``debit_map()``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd

from ucmsc_repro.reproduction.rounding import (
    CONVENTIONS,
    decimals_of,
    exact_value,
    grim_counts,
    round_with,
    unround,
)

__all__ = [
    "DEBIT_COLUMNS",
    "DEBIT_METHODS",
    "PAPER_PERCENTAGES",
    "PAPER_PERCENTAGE_COLUMNS",
    "AUDIT_ROW_COLUMNS",
    "binary_sd",
    "debit",
    "debit_map",
    "debit_percent",
    "paper_percentage_table",
    "paper_percentage_summary",
    "audit_rows",
    "power_convention_row",
]

#: How :func:`debit` reconstructs the SD.
DEBIT_METHODS = {
    "exact": "every count k whose mean k/n prints as the reported mean (scrutiny 1.0)",
    "interval": "every proportion within the rounding bounds of the mean (scrutiny "
    "formula 'mean_n')",
}
#: Columns of :func:`debit_map`.
DEBIT_COLUMNS = [
    "x",
    "sd",
    "n",
    "convention",
    "method",
    "consistency",
    "x_lower",
    "x_upper",
    "sd_lower",
    "sd_upper",
    "k_lower",
    "k_upper",
    "sd_rec_lower",
    "sd_rec_upper",
]
#: Columns of :func:`paper_percentage_table`.
PAPER_PERCENTAGE_COLUMNS = [
    "check_id",
    "label",
    "reported",
    "n",
    "stated_count",
    "printed_in",
    "convention",
    "counts",
    "possible",
    "stated_count_prints",
    "implied_sd",
    "verdict",
]
#: Columns of :func:`audit_rows` (those of ``audit_checks.AUDIT_COLUMNS``).
AUDIT_ROW_COLUMNS = [
    "check_id",
    "topic",
    "check",
    "inputs",
    "arithmetic",
    "result",
    "verdict",
]

#: Every percentage of a participant count the paper prints:
#: (check id, label, percentage key, denominator key, stated-count key or None).
#: The numbers are read from the claims file (``data/paper_claims.csv``).
PAPER_PERCENTAGES = (
    (
        "remission_msc",
        "remission in the MSC arm",
        "primary.remission.msc.pct",
        "primary.remission.msc.n",
        "primary.remission.msc.events",
    ),
    (
        "remission_control",
        "remission in the control arm",
        "primary.remission.control.pct",
        "primary.remission.control.n",
        "primary.remission.control.events",
    ),
    (
        "male",
        "male participants",
        "baseline.male.all.pct",
        "trial_profile.analysed.all.n",
        None,
    ),
    (
        "adult",
        "adult-onset participants",
        "baseline.onset_adult.all.pct",
        "trial_profile.analysed.all.n",
        "baseline.onset_adult.all.events",
    ),
    (
        "dk_or_dka",
        "DK or DKA at onset",
        "baseline.dk_or_dka.all.pct",
        "trial_profile.analysed.all.n",
        None,
    ),
)


# --------------------------------------------------------------------------
# DEBIT
# --------------------------------------------------------------------------


def _sd2(k: int, n: int, sample: bool) -> Fraction:
    """Exact variance of k ones among n values (sample: divisor n - 1)."""
    return Fraction(k * (n - k), n * (n - 1) if sample else n * n)


def binary_sd(p: float, n: int, *, sample: bool = True) -> float:
    """SD of a binary variable with proportion ``p`` of ones among ``n`` values.

    Parameters
    ----------
    p : float
        Proportion of ones, between 0 and 1.
    n : int
        Number of values (at least 2 for the sample SD).
    sample : bool
        Sample SD (divisor ``n - 1``, as SPSS prints) or population SD
        (divisor ``n``).

    Returns
    -------
    float
        ``sqrt(p (1 - p) n / (n - 1))``, or ``sqrt(p (1 - p))``.

    Examples
    --------
    >>> round(binary_sd(7 / 20, 20), 4)  # sqrt(0.35 x 0.65 x 20 / 19)
    0.4894
    >>> binary_sd(0.5, 2)  # values 0 and 1
    0.7071067811865476
    """
    if not 0 <= p <= 1:
        raise ValueError(f"a proportion lies between 0 and 1, got {p}")
    if sample and n < 2:
        raise ValueError(f"a sample SD needs n >= 2, got {n}")
    return math.sqrt(p * (1 - p) * (n / (n - 1) if sample else 1.0))


def _sd_in(sd2: Fraction, b: dict) -> bool:
    """Whether the SD whose square is sd2 lies in the unround() interval b."""
    lo, hi = b["lower"], b["upper"]
    lo_ok = lo < 0 or (lo * lo <= sd2 if b["incl_lower"] else lo * lo < sd2)
    hi_ok = hi > 0 and (sd2 <= hi * hi if b["incl_upper"] else sd2 < hi * hi)
    return lo_ok and hi_ok


def debit(
    x: str,
    sd: str,
    n: int,
    *,
    convention: str | None = None,
    method: str = "exact",
    sample: bool = True,
) -> dict:
    """DEBIT for one mean (proportion) and SD of a binary variable.

    Parameters
    ----------
    x, sd : str
        The mean (a proportion between 0 and 1) and SD as printed: strings,
        because trailing zeros set the rounding bounds.
    n : int
        The sample size (at least 2 for the sample SD).
    convention : str or None
        Rounding convention of both printed numbers (one of
        :data:`ucmsc_repro.reproduction.rounding.CONVENTIONS`), or ``None``
        for either convention at a tie (scrutiny's ``"up_or_down"``).
    method : str
        ``"exact"``: the SD of every ``k`` with ``k / n`` printing as ``x``
        is compared with the bounds of ``sd``; ``"interval"``: the range of
        SDs of every proportion in the bounds of ``x`` is (see
        :data:`DEBIT_METHODS`).
    sample : bool
        Whether ``sd`` is the sample SD (divisor ``n - 1``; the default, as
        in scrutiny) or the population SD.

    Returns
    -------
    dict
        Keys of :data:`DEBIT_COLUMNS`: the inputs, ``consistency`` (bool),
        ``x_lower``/``x_upper`` and ``sd_lower``/``sd_upper`` (rounding
        bounds, floats), ``k_lower``/``k_upper`` (least and greatest count
        of ones whose mean prints as ``x``; ``None`` when none does: the
        mean fails GRIM) and ``sd_rec_lower``/``sd_rec_upper`` (least and
        greatest SD the mean allows: of those counts under ``"exact"``, over
        the bounds of ``x`` under ``"interval"``; ``nan`` when none).

    Notes
    -----
    Comparisons are exact: the squared SD ``k (n - k) / (n (n - 1))`` is a
    fraction, compared with the squared bounds of ``sd``. The SD is concave
    in the proportion, largest at 0.5, so under ``"interval"`` its least
    value over ``[x_lower, x_upper]`` is at an end and its greatest at 0.5
    when 0.5 is inside. ``"interval"`` ignores that ``n x`` must be a
    whole number; it accepts whatever ``"exact"`` accepts and more.

    References
    ----------
    Heathers and Brown 2019; scrutiny's ``debit()`` (see the module notes).

    Examples
    --------
    The first example of scrutiny's DEBIT vignette (its output: FALSE):
    0.35 of 20 is k = 7, whose SD sqrt(7 x 13 / (20 x 19)) = 0.489 is far
    from 0.18.

    >>> debit("0.35", "0.18", 20)["consistency"]
    False
    >>> r = debit("0.35", "0.49", 20)
    >>> r["consistency"], r["k_lower"], round(r["sd_rec_lower"], 4)
    (True, 7, 0.4894)
    """
    if method not in DEBIT_METHODS:
        raise ValueError(
            f"unknown method {method!r}; use one of {', '.join(DEBIT_METHODS)}"
        )
    n = int(n)
    if sample and n < 2:
        raise ValueError(f"a sample SD needs n >= 2, got {n}")
    for name, text in (("x", x), ("sd", sd)):
        if not isinstance(text, str):
            raise TypeError(f"{name} must be the printed text (a str), got {text!r}")
        if not 0 <= exact_value(text) <= 1:
            raise ValueError(
                f"DEBIT needs binary summary data: {name} = {text} is not in [0, 1]"
            )
    xb = unround(x, convention)
    sb = unround(sd, convention)
    ks = grim_counts(x, n, convention, scale=1)
    if method == "exact":
        sds2 = [_sd2(k, n, sample) for k in ks]
        consistency = any(_sd_in(v, sb) for v in sds2)
        rec = sorted(sds2)
    else:
        factor = Fraction(n, n - 1) if sample else Fraction(1)
        lo = max(xb["lower"], Fraction(0))
        hi = min(xb["upper"], Fraction(1))
        ends = [p * (1 - p) * factor for p in (lo, hi)]
        top = factor / 4 if lo <= Fraction(1, 2) <= hi else max(ends)
        rec = [min(ends), top]
        # the SD takes every value between its least and greatest (continuity)
        lo_ok = sb["lower"] < 0 or (
            sb["lower"] ** 2 <= top if sb["incl_lower"] else sb["lower"] ** 2 < top
        )
        hi_ok = sb["upper"] > 0 and (
            min(ends) <= sb["upper"] ** 2
            if sb["incl_upper"]
            else min(ends) < sb["upper"] ** 2
        )
        consistency = lo_ok and hi_ok
    return {
        "x": x,
        "sd": sd,
        "n": n,
        "convention": "either" if convention is None else convention,
        "method": method,
        "consistency": bool(consistency),
        "x_lower": float(xb["lower"]),
        "x_upper": float(xb["upper"]),
        "sd_lower": float(sb["lower"]),
        "sd_upper": float(sb["upper"]),
        "k_lower": ks[0] if ks else None,
        "k_upper": ks[-1] if ks else None,
        "sd_rec_lower": math.sqrt(rec[0]) if rec else float("nan"),
        "sd_rec_upper": math.sqrt(rec[-1]) if rec else float("nan"),
    }


def debit_map(
    cases: pd.DataFrame,
    *,
    x: str = "x",
    sd: str = "sd",
    n: str = "n",
    convention: str | None = None,
    method: str = "exact",
    sample: bool = True,
) -> pd.DataFrame:
    """:func:`debit` for every row of a table (scrutiny's ``debit_map()``).

    Parameters
    ----------
    cases : pandas.DataFrame
        One row per case, with the mean and SD as printed text and n.
    x, sd, n : str
        Names of those columns.
    convention, method, sample
        As in :func:`debit`.

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`DEBIT_COLUMNS` (see :func:`debit`), one row per
        case in the order given, followed by the other columns of ``cases``.

    Examples
    --------
    >>> cases = pd.DataFrame({"x": ["0.35", "0.35"], "sd": ["0.18", "0.49"], "n": [20, 20]})
    >>> debit_map(cases)["consistency"].tolist()
    [False, True]
    """
    rows = [
        debit(
            str(r[x]),
            str(r[sd]),
            int(r[n]),
            convention=convention,
            method=method,
            sample=sample,
        )
        for _, r in cases.iterrows()
    ]
    out = pd.DataFrame(rows, columns=DEBIT_COLUMNS)
    for col in ("k_lower", "k_upper"):
        out[col] = out[col].astype("Int64")
    extra = cases.drop(columns=[c for c in (x, sd, n) if c in cases.columns])
    extra = extra.drop(columns=[c for c in extra.columns if c in DEBIT_COLUMNS])
    return pd.concat([out, extra.reset_index(drop=True)], axis=1)


def debit_percent(
    pct, n: int, decimals: int | None = None, *, convention: str | None = None
) -> dict:
    """Is a percentage of ``n`` participants possible? (DEBIT without an SD; GRIM)

    Parameters
    ----------
    pct : str or float
        The percentage as printed (``"40.7"``), or as a number with
        ``decimals`` given (``53.0`` with ``decimals=0``).
    n : int
        The number of participants it is a percentage of.
    decimals : int, optional
        Printed decimals; default: those of ``pct`` when it is a string.
        Needed for a float, which loses trailing zeros.
    convention : str or None
        Rounding convention, or ``None`` for either convention at a tie.

    Returns
    -------
    dict
        ``reported`` (the text tested), ``n``, ``decimals``,
        ``convention``, ``counts`` (tuple of every ``k`` with ``100 k / n``
        printing as ``reported``), ``possible`` (bool) and ``implied_sd``
        (tuple: the sample SD of the 0/1 variable for each of those counts,
        on the 0-1 scale; empty for ``n = 1``).

    Examples
    --------
    11/27 = 40.74% prints as 40.7; its 0/1 variable has SD
    sqrt(11 x 16 / (27 x 26)) = 0.5007. 62.3% of 53 is 33 (62.26%) when
    rounded, but no count truncates to it:

    >>> r = debit_percent("40.7", 27)
    >>> r["counts"], r["possible"], [round(v, 4) for v in r["implied_sd"]]
    ((11,), True, [0.5007])
    >>> debit_percent("62.3", 53, convention="truncate")["possible"]
    False
    >>> debit_percent(53.0, 53, decimals=0)["counts"]
    (28,)
    """
    if isinstance(pct, str):
        d = decimals_of(pct) if decimals is None else int(decimals)
        if decimals is not None and d != decimals_of(pct):
            raise ValueError(f"{pct!r} has {decimals_of(pct)} decimals, not {decimals}")
        text = pct.strip().removesuffix("%").strip()
    else:
        if decimals is None:
            raise ValueError("give decimals for a number: a float keeps no trailing zeros")
        d = int(decimals)
        text = str(round_with(pct, d, "half_up"))
        if exact_value(text) != exact_value(pct):
            raise ValueError(f"{pct!r} has more than {d} decimals")
    n = int(n)
    ks = tuple(grim_counts(text, n, convention))
    sds = tuple(math.sqrt(_sd2(k, n, True)) for k in ks) if n >= 2 else ()
    return {
        "reported": text,
        "n": n,
        "decimals": d,
        "convention": "either" if convention is None else convention,
        "counts": ks,
        "possible": bool(ks),
        "implied_sd": sds,
    }


# --------------------------------------------------------------------------
# The paper's percentages
# --------------------------------------------------------------------------


def _claim(claims: pd.DataFrame, key: str, *, section: str | None = None) -> str:
    sel = claims["key"].eq(key) & claims["relation"].eq("eq")
    if section is not None:
        sel &= claims["section"].str.startswith(section)
    hit = claims.loc[sel, "reported"]
    if hit.empty:
        raise KeyError(f"the claims file has no eq claim {key!r} ({section or 'any'})")
    return str(hit.iloc[0])


def _read_claims():
    # imported here so that this module imports without the package's others
    from ucmsc_repro.data.claims import read_claims

    return read_claims()


def _paper_cases(claims: pd.DataFrame) -> list[dict]:
    cases = []
    for check_id, label, pct_key, n_key, count_key in PAPER_PERCENTAGES:
        pct = _claim(claims, pct_key)
        sections = claims.loc[
            claims["key"].eq(pct_key) & claims["reported"].eq(pct), "section"
        ].tolist()
        cases.append(
            {
                "check_id": check_id,
                "label": label,
                "reported": pct,
                "n": int(_claim(claims, n_key, section="Results")),
                "stated_count": int(_claim(claims, count_key)) if count_key else None,
                "sections": sections,
            }
        )
    return cases


def paper_percentage_table(
    claims: pd.DataFrame | None = None, conventions=(None, *CONVENTIONS)
) -> pd.DataFrame:
    """Every percentage of a participant count in the paper, under every convention.

    Parameters
    ----------
    claims : pandas.DataFrame, optional
        The claims (:func:`ucmsc_repro.data.claims.read_claims`); default: the
        shipped claims file.
    conventions : sequence
        Rounding conventions to try; ``None`` is "either at a tie" (the
        audit's GRIM).

    Returns
    -------
    pandas.DataFrame
        One row per percentage of :data:`PAPER_PERCENTAGES` and convention;
        columns of :data:`PAPER_PERCENTAGE_COLUMNS`: ``check_id``,
        ``label``, ``reported`` (text), ``n``, ``stated_count`` (the count
        the paper states next to it; missing when it states none),
        ``convention`` (``either`` for ``None``), ``counts`` (tuple of the
        possible counts), ``possible``, ``stated_count_prints`` (whether the
        stated count prints as the percentage; missing without a stated
        count), ``implied_sd`` (sample SD of the 0/1 variable for the
        stated count, or for the only possible count; ``nan`` otherwise)
        and ``verdict`` (``consistent`` or ``inconsistent``, the audit's
        words: possible, and the stated count among the possible ones).

    Examples
    --------
    >>> t = paper_percentage_table()
    >>> bad = t["verdict"].eq("inconsistent")
    >>> t.loc[bad, ["reported", "n", "convention"]].values.tolist()
    [['53', 53, 'truncate'], ['62.3', 53, 'truncate']]
    >>> t["printed_in"].iloc[0]
    'Abstract; Results: Efficacy evaluation; Discussion'
    """
    c = _read_claims() if claims is None else claims
    rows = []
    for case in _paper_cases(c):
        n, stated = case["n"], case["stated_count"]
        for conv in conventions:
            r = debit_percent(case["reported"], n, convention=conv)
            prints = None if stated is None else stated in r["counts"]
            k = (
                stated
                if stated is not None
                else (r["counts"][0] if len(r["counts"]) == 1 else None)
            )
            rows.append(
                {
                    "check_id": case["check_id"],
                    "label": case["label"],
                    "reported": case["reported"],
                    "n": n,
                    "stated_count": stated,
                    "printed_in": "; ".join(case["sections"]),
                    "convention": r["convention"],
                    "counts": r["counts"],
                    "possible": r["possible"],
                    "stated_count_prints": prints,
                    "implied_sd": math.sqrt(_sd2(k, n, True))
                    if k is not None
                    else math.nan,
                    "verdict": "consistent"
                    if r["possible"] and prints is not False
                    else "inconsistent",
                }
            )
    out = pd.DataFrame(rows, columns=PAPER_PERCENTAGE_COLUMNS)
    out["stated_count"] = out["stated_count"].astype("Int64")
    out["stated_count_prints"] = out["stated_count_prints"].astype("boolean")
    return out


def paper_percentage_summary(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per paper percentage, one column per rounding convention (for reading).

    Returns
    -------
    pandas.DataFrame
        Columns ``percentage`` (e.g. ``40.7% of 27``), ``label``,
        ``stated count``, then one text column per convention (``either``,
        ``half_up``, ``half_even``, ``half_down``, ``truncate``) giving the
        possible counts or ``impossible``, and ``implied SD`` (3 decimals,
        rounded half up for display only).

    Examples
    --------
    >>> paper_percentage_summary()[["percentage", "half_up", "truncate"]].values.tolist()[2]
    ['53% of 53', '28/53', 'impossible']
    """
    t = paper_percentage_table(claims)
    rows = []
    for _, g in t.groupby("check_id", sort=False):
        first = g.iloc[0]
        row = {
            "percentage": f"{first['reported']}% of {first['n']}",
            "label": first["label"],
            "stated count": ""
            if pd.isna(first["stated_count"])
            else str(first["stated_count"]),
        }
        for r in g.itertuples():
            row[r.convention] = (
                " or ".join(f"{k}/{r.n}" for k in r.counts) if r.possible else "impossible"
            )
        sd = first["implied_sd"]
        row["implied SD"] = "" if math.isnan(sd) else str(round_with(sd, 3, "half_up"))
        rows.append(row)
    return pd.DataFrame(rows)


def audit_rows(claims: pd.DataFrame | None = None) -> list[dict]:
    """The percentages as rows of the audit table (``audit_checks.audit_table``).

    One row per paper percentage: under which rounding conventions is it a
    possible percentage of its denominator? The audit's own GRIM rows
    (``grim_*``) accept either convention at a tie; these rows say which
    conventions the printed figure fits.

    Returns
    -------
    list of dict
        Keys of :data:`AUDIT_ROW_COLUMNS`; ``check_id`` is
        ``rounding_<id>``, ``verdict`` is ``consistent`` when the
        percentage (and its stated count) fits half-up rounding, SPSS's
        convention (the paper's software), else ``inconsistent``.

    Examples
    --------
    >>> [(r["check_id"], r["verdict"]) for r in audit_rows()][:2]
    [('rounding_remission_msc', 'consistent'), ('rounding_remission_control', 'consistent')]
    """
    t = paper_percentage_table(claims, conventions=CONVENTIONS)
    rows = []
    for check_id, g in t.groupby("check_id", sort=False):
        first = g.iloc[0]
        pct, n = first["reported"], int(first["n"])
        fits = g.loc[g["verdict"].eq("consistent"), "convention"].tolist()
        fails = g.loc[g["verdict"].ne("consistent"), "convention"].tolist()
        parts = []
        for r in g.itertuples():
            shown = (
                ", ".join(
                    f"{k}/{n} = {round_with(Fraction(100 * k, n), decimals_of(pct) + 2)}%"
                    for k in r.counts
                )
                or "no count"
            )
            parts.append(f"{r.convention}: {shown}")
        stated = first["stated_count"]
        inputs = f"{pct}% of {n}" + ("" if pd.isna(stated) else f"; stated count {stated}")
        result = f"fits {', '.join(fits) or 'no convention'}" + (
            f"; impossible under {', '.join(fails)}" if fails else ""
        )
        half_up = g.loc[g["convention"].eq("half_up"), "verdict"].iloc[0]
        rows.append(
            {
                "check_id": f"rounding_{check_id}",
                "topic": "percentage possible under each rounding convention (GRIM, DEBIT)",
                "check": f"Under which rounding conventions is {pct}% ({first['label']}) a "
                f"possible percentage of {n}?",
                "inputs": inputs,
                "arithmetic": "; ".join(parts),
                "result": result,
                "verdict": half_up,
            }
        )
    return rows


def power_convention_row(
    claims: pd.DataFrame | None = None, *, alpha: float = 0.05
) -> dict:
    """Audit row: does one rounding convention give the power and the percentages?

    The printed post hoc power (68.4%) is, of the usual power formulas
    (:func:`.audit_checks.power_check_table`), only a truncation of the
    pooled-variance normal approximation (68.48%); the percentages the
    paper prints next to participant counts are possible under half-up
    rounding, some not under truncation.

    Returns
    -------
    dict
        Keys of :data:`AUDIT_ROW_COLUMNS`; ``check_id``
        ``rounding_power_vs_percentages``; ``verdict`` ``consistent`` when
        some convention gives both the power (by some formula) and every
        percentage, else ``unmatched`` (no single convention does: the power
        was probably not rounded like the percentages, or comes from another
        formula).

    Examples
    --------
    >>> power_convention_row()["verdict"]
    'unmatched'
    """
    from ucmsc_repro.reproduction.audit_checks import power_check_table
    from ucmsc_repro.reproduction.rounding import consistent_under

    c = _read_claims() if claims is None else claims
    power = _claim(c, "primary.power.pooled_z")
    t = power_check_table(c, alpha=alpha)
    by_conv = {conv: [] for conv in CONVENTIONS}
    for r in t.itertuples():
        for conv, ok in consistent_under(power, r.power_pct).items():
            if ok:
                by_conv[conv].append(r.method)
    pct = paper_percentage_table(c, conventions=CONVENTIONS)
    pct_ok = pct.groupby("convention", sort=False)["verdict"].apply(
        lambda v: bool(v.eq("consistent").all())
    )
    failing = {
        conv: pct.loc[
            pct["convention"].eq(conv) & pct["verdict"].ne("consistent"), "reported"
        ]
        .map(lambda x: f"{x}%")
        .tolist()
        for conv in CONVENTIONS
    }
    both = [conv for conv in CONVENTIONS if by_conv[conv] and pct_ok[conv]]
    parts = []
    for conv in CONVENTIONS:
        power_part = (
            f"power {power}% from {', '.join(by_conv[conv])}"
            if by_conv[conv]
            else f"no formula prints {power}%"
        )
        pct_part = (
            "every percentage possible"
            if pct_ok[conv]
            else f"impossible: {', '.join(failing[conv])}"
        )
        parts.append(f"{conv}: {power_part}; {pct_part}")
    closest = t.iloc[(t["power_pct"] - float(power)).abs().argmin()]
    if both:
        result = f"{', '.join(both)} gives the power and every percentage"
    else:
        result = (
            f"no single convention gives both: {power}% is a truncation of "
            f"{closest['method']} ({round_with(closest['power_pct'], 2)}%), and truncation "
            f"makes {', '.join(failing['truncate']) or 'no percentage'} impossible"
        )
    return {
        "check_id": "rounding_power_vs_percentages",
        "topic": "rounding convention",
        "check": f"Does one rounding convention give both the {power}% power and the "
        "percentages of participants?",
        "inputs": f"power {power}%; percentages "
        + ", ".join(
            f"{r}% of {n}"
            for r, n in pct.drop_duplicates("check_id")[["reported", "n"]].itertuples(
                index=False
            )
        ),
        "arithmetic": "; ".join(parts),
        "result": result,
        "verdict": "consistent" if both else "unmatched",
    }
