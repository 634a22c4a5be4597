"""Synthetic cohort, step 1: the roster and what participants looked like at entry.

The roster (arms, discontinuations, per-protocol set, onset groups, sex, DK/DKA)
is laid out from the counts the paper reports; the continuous baseline values
are drawn from plausible distributions and then moved, by an affine map with
clipping, onto the means, SDs and ranges the paper reports for the 53 analysed
participants (:func:`match_moments`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .targets import Targets

__all__ = [
    "REASON_CONSENT",
    "REASON_PROTOCOL",
    "msc_discontinuations",
    "match_moments",
    "expected_height_cm",
    "bmi_bounds",
    "split_moments",
    "draw_roster",
    "draw_baseline",
]

#: Discontinuation reasons, exactly as the contract's free-text column stores them.
REASON_CONSENT = "withdrew consent"
REASON_PROTOCOL = "did not adhere to protocol"


def msc_discontinuations(t: Targets) -> list[tuple[float, int, str, str | None]]:
    """The MSC-arm discontinuations the paper describes, one tuple each.

    Parameters
    ----------
    t : Targets

    Results (Characteristics of the participants): "four individuals did not
    adhere to study protocol ... (two individuals discontinued after 3 months
    before the second dose and two patients after 5 months), and one withdrew
    her consent on the day before first transplantation".

    Returns
    -------
    list of (month, infusions received, reason, sex or None)

    References
    ----------
    Lu et al. 2021, Results (Characteristics of the participants) and Figure 1.
    """
    key = "trial_profile.discontinued.msc"
    first = t.value(f"{key}.did_not_adhere_to_protocol.month_min")
    last = t.value(f"{key}.did_not_adhere_to_protocol.month_max")
    out: list[tuple[float, int, str, str | None]] = []
    out += [(first, 1, REASON_PROTOCOL, None)] * int(t.value(f"{key}.infusions_1.n"))
    out += [(last, 2, REASON_PROTOCOL, None)] * int(t.value(f"{key}.infusions_2.n"))
    out += [(0.0, 0, REASON_CONSENT, "F")] * int(t.value(f"{key}.infusions_0.n"))
    return out


# Median height (cm) by age of Chinese children (approximate 2005 national growth
# reference), adults from 18 years; SD about 6 cm at every age.
_HEIGHT_AGES = np.array([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], dtype=float)
_HEIGHT_M = np.array([130, 135, 140, 145, 151, 158, 164, 168, 170, 171, 172], dtype=float)
_HEIGHT_F = np.array([129, 134, 140, 146, 151, 155, 157, 158, 159, 159, 160], dtype=float)
HEIGHT_SD_CM = 6.0


def expected_height_cm(age_years, male) -> np.ndarray:
    """Median height for age and sex (cm), flat from 18 years on.

    Parameters
    ----------
    age_years, male : array-like

    Returns
    -------
    numpy.ndarray
        Height in cm.

    Examples
    --------
    >>> expected_height_cm([8, 30], [1, 0]).tolist()
    [130.0, 160.0]
    """
    age = np.asarray(age_years, dtype=float)
    male = np.asarray(male, dtype=bool)
    m = np.interp(age, _HEIGHT_AGES, _HEIGHT_M)
    f = np.interp(age, _HEIGHT_AGES, _HEIGHT_F)
    return np.where(male, m, f)


#: Design mean and SD of the juvenile-onset participants' age (years); the paper
#: gives only the overall mean and SD, and the adult-onset ages take the rest.
JUVENILE_AGE_MEAN = 11.5
JUVENILE_AGE_SD = 2.8


def bmi_bounds(age_years) -> tuple[np.ndarray, np.ndarray]:
    """Plausible BMI range (kg/m2) for a newly diagnosed participant of this age.

    Parameters
    ----------
    age_years : array-like

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper bounds.

    Notes
    -----
    Children under 12: 13-22; 12 to 17: 13.5-26; adults: 15-30.

    References
    ----------
    Lu et al. 2021, Results (mean BMI 18.9 kg/m2: lean at diagnosis).

    Examples
    --------
    >>> [b.tolist() for b in bmi_bounds([9, 30])]
    [[13.0, 15.0], [22.0, 30.0]]
    """
    a = np.asarray(age_years, dtype=float)
    lo = np.where(a < 12, 13.0, np.where(a < 18, 13.5, 15.0))
    hi = np.where(a < 12, 22.0, np.where(a < 18, 26.0, 30.0))
    return lo, hi


def split_moments(
    mean: float,
    sd: float,
    *,
    n_total: int,
    n_first: int,
    first_mean: float,
    first_sd: float,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Mean and SD of the rest of a sample, given the whole and a first part.

    Parameters
    ----------
    mean, sd : float
        Of the whole sample.
    n_total, n_first : int
    first_mean, first_sd : float
        Of the first part.

    Returns
    -------
    ((first_mean, first_sd), (rest_mean, rest_sd))

    Examples
    --------
    >>> (a, b), (c, d) = split_moments(2.5, 1.2909944, n_total=4, n_first=2,
    ...                                first_mean=1.5, first_sd=0.7071068)
    >>> round(c, 6), round(d, 4)
    (3.5, 0.7071)
    """
    n_rest = n_total - n_first
    total_ss = (n_total - 1) * sd**2 + n_total * mean**2
    first_ss = (n_first - 1) * first_sd**2 + n_first * first_mean**2
    rest_mean = (n_total * mean - n_first * first_mean) / n_rest
    rest_var = (total_ss - first_ss - n_rest * rest_mean**2) / (n_rest - 1)
    return (first_mean, first_sd), (rest_mean, float(np.sqrt(rest_var)))


def match_moments(
    x,
    *,
    mean: float,
    sd: float,
    lower=-np.inf,
    upper=np.inf,
    fixed=None,
    decimals: int | None = None,
    max_iter: int = 500,
) -> np.ndarray:
    """Move values onto a target mean and SD while keeping them within bounds.

    Parameters
    ----------
    x : array-like
        Draws whose shape (order and relative spacing) is kept.
    mean, sd : float
        Target mean and sample SD (ddof=1) of the returned values.
    lower, upper : float or array-like
        Bounds, per element or common.
    fixed : array-like of bool, optional
        Elements kept at their value in ``x`` (e.g. a reported minimum).
    decimals : int, optional
        Round the result to this many decimals, then nudge single values by one
        unit of the last decimal while that brings mean and SD closer to target.
    max_iter : int
        Iterations of the map-and-clip loop.

    Returns
    -------
    numpy.ndarray
        Values with mean and SD equal to the targets (up to rounding when
        ``decimals`` is given).

    Notes
    -----
    The free elements are mapped by ``a + b z`` (``z`` their standardized
    values), with ``a`` and ``b`` solved so that, together with the fixed
    elements, the mean and the sum of squares hit the targets; values outside
    their bounds are clipped and the map is repeated on the clipped values.

    Examples
    --------
    >>> y = match_moments([1.0, 2.0, 4.0, 8.0], mean=5.0, sd=2.0)
    >>> round(float(y.mean()), 6), round(float(y.std(ddof=1)), 6)
    (5.0, 2.0)
    """
    y = np.asarray(x, dtype=float).copy()
    n = y.size
    lo = np.broadcast_to(np.asarray(lower, dtype=float), y.shape)
    hi = np.broadcast_to(np.asarray(upper, dtype=float), y.shape)
    fix = np.zeros(n, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    free = ~fix
    target_ss = (n - 1) * sd**2 + n * mean**2
    for _ in range(max_iter):
        f = y[fix]
        k = int(free.sum())
        a = (n * mean - f.sum()) / k
        z = y[free] - y[free].mean()
        szz = float(np.sum(z**2))
        rest = target_ss - float(np.sum(f**2)) - k * a**2
        if szz <= 0 or rest <= 0:
            raise ValueError("the target mean and SD cannot be met with these values")
        y_new = y.copy()
        y_new[free] = a + np.sqrt(rest / szz) * z
        y_new = np.clip(y_new, lo, hi)
        done = np.allclose(y_new, y, rtol=0, atol=1e-12)
        y = y_new
        if done:
            break
    if decimals is None:
        return y
    y = np.round(y, decimals)
    step = 10.0**-decimals

    def loss(v):
        return abs(v.mean() - mean) + abs(v.std(ddof=1) - sd)

    for _ in range(4 * n):
        best, best_loss = None, loss(y)
        for i in np.flatnonzero(free):
            for s in (step, -step):
                v = y.copy()
                v[i] = np.round(v[i] + s, decimals)
                if lo[i] <= v[i] <= hi[i] and loss(v) < best_loss - 1e-12:
                    best, best_loss = v, loss(v)
        if best is None:
            break
        y = best
    return y


def _split(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A 0/1 vector of length n with exactly k ones, in random order."""
    v = np.zeros(n, dtype=int)
    v[:k] = 1
    return rng.permutation(v)


def draw_roster(rng: np.random.Generator, t: Targets) -> pd.DataFrame:
    """Who was enrolled, in which arm, and who completed.

    Parameters
    ----------
    rng : numpy.random.Generator
    t : Targets
        Uses the trial-profile counts and the onset, sex and DK/DKA counts.

    Returns
    -------
    pandas.DataFrame
        One row per enrolled participant: ``arm``, ``pp`` (bool),
        ``status``, ``discontinued_month``, ``discontinued_reason``,
        ``infusions_received``, ``onset`` (``adult``/``juvenile``, the group
        the ages will be drawn for), ``sex``, ``dka_at_onset``.

    Notes
    -----
    The per-protocol counts are split between the arms as evenly as the
    totals allow (the paper gives only the totals); among the discontinued,
    onset, sex and DK/DKA are drawn with the analysed set's proportions.
    Control discontinuation months: "five withdrew their consent within 3
    months and four individuals adhered to follow-up schedule no more than
    half a year" (Results).

    References
    ----------
    Lu et al. 2021, Results (Characteristics of the participants) and Figure 1.
    """
    n_msc = int(t.value("trial_profile.assigned.msc.n"))
    n_ctl = int(t.value("trial_profile.assigned.control.n"))
    pp_msc = int(t.value("trial_profile.analysed.msc.n"))
    pp_ctl = int(t.value("trial_profile.analysed.control.n"))
    n_pp = pp_msc + pp_ctl
    n_adult = int(t.value("baseline.onset_adult.all.events"))
    n_male = int(round(t.value("baseline.male.all.pct") / 100.0 * n_pp))
    n_dk = int(round(t.value("baseline.dk_or_dka.all.pct") / 100.0 * n_pp))
    msc_disc = msc_discontinuations(t)
    if n_msc - pp_msc != len(msc_disc):
        raise ValueError("the MSC discontinuations described do not match the counts")
    ctl = "trial_profile.discontinued.control"
    n_consent = int(t.value(f"{ctl}.withdrew_consent.n"))
    n_protocol = int(t.value(f"{ctl}.did_not_adhere_to_protocol.n"))
    if n_consent + n_protocol != n_ctl - pp_ctl:
        raise ValueError("the control discontinuations described do not match the counts")
    consent_max = t.value(f"{ctl}.withdrew_consent.month_max")
    protocol_max = t.value(f"{ctl}.did_not_adhere_to_protocol.month_max")
    rows = []
    for arm, n_arm_pp in (("MSC", pp_msc), ("control", pp_ctl)):
        share = n_arm_pp / n_pp
        adult = _split(rng, n_arm_pp, _share(n_adult, share, arm))
        male = _split(rng, n_arm_pp, _share(n_male, share, arm))
        dk = _split(rng, n_arm_pp, _share(n_dk, share, arm))
        for i in range(n_arm_pp):
            rows.append(
                {
                    "arm": arm,
                    "pp": True,
                    "status": "completed",
                    "discontinued_month": np.nan,
                    "discontinued_reason": None,
                    "infusions_received": 2 if arm == "MSC" else 0,
                    "onset": "adult" if adult[i] else "juvenile",
                    "sex": "M" if male[i] else "F",
                    "dk": int(dk[i]),
                }
            )
    disc = [(m, inf, why, sex, "MSC") for m, inf, why, sex in msc_disc]
    for _ in range(n_consent):
        month = float(rng.choice(np.arange(1.0, consent_max + 0.25, 0.5)))
        disc.append((month, 0, REASON_CONSENT, None, "control"))
    for _ in range(n_protocol):
        month = float(rng.choice(np.arange(consent_max + 1.0, protocol_max + 0.25, 0.5)))
        disc.append((month, 0, REASON_PROTOCOL, None, "control"))
    for month, inf, why, sex, arm in disc:
        rows.append(
            {
                "arm": arm,
                "pp": False,
                "status": "discontinued",
                "discontinued_month": month,
                "discontinued_reason": why,
                "infusions_received": inf,
                "onset": "adult" if rng.random() < n_adult / n_pp else "juvenile",
                "sex": sex or ("M" if rng.random() < n_male / n_pp else "F"),
                "dk": int(rng.random() < n_dk / n_pp),
            }
        )
    roster = pd.DataFrame(rows)
    dka = np.where(rng.random(len(roster)) < 0.5, "DK", "DKA")
    roster["dka_at_onset"] = np.where(roster["dk"] == 1, dka, "none")
    return roster.drop(columns="dk")


def _share(total: int, share: float, arm: str) -> int:
    """The MSC arm's part of a count rounded down, the control arm's rounded up."""
    k = total * share
    return int(np.floor(k)) if arm == "MSC" else int(total - np.floor(total * (1 - share)))


def draw_baseline(
    rng: np.random.Generator, roster: pd.DataFrame, t: Targets
) -> pd.DataFrame:
    """Ages, durations, body size and the baseline visit of every participant.

    Parameters
    ----------
    rng : numpy.random.Generator
    roster : pandas.DataFrame
        From :func:`draw_roster`.
    t : Targets
        Uses ``baseline.<age_years|duration_months|bmi_kg_m2|hba1c_pct>.all.<mean|sd>``
        and their reported ranges.

    Returns
    -------
    pandas.DataFrame
        The roster plus ``age_years``, ``duration_months``, ``bmi_kg_m2``,
        ``height_z`` (height SD score against :func:`expected_height_cm`),
        ``weight_kg``, ``fcp0``, ``pcp0``, ``hba1c0``, ``insulin0``,
        ``gluc0``, ``gluc2h0``, and the four antibodies.

    Notes
    -----
    Duration is right-skewed (gamma draws); the reported minimum (0) and
    maximum (24 months) are given to two of the analysed participants. Ages
    are drawn from the age at onset, so that the onset group derived by
    :func:`ucmsc_repro.data.derive.onset_group` is the one the roster planned, with
    a margin of 0.15 years around the cut-off. BMI is drawn around an
    age-dependent mean (children are leaner). Baseline fasting C-peptide is at
    least 100 pmol/L (eligibility criterion); the postprandial value is 1.5 to 4
    times the fasting one. The daily insulin dose is drawn lower in the MSC arm
    ("with the exception of daily insulin dose which was lower in the MSC-treated
    group").

    References
    ----------
    Lu et al. 2021, Methods (Study design and participants) and Results
    (Characteristics of the participants), Table 1.
    """
    b = roster.copy()
    n = len(b)
    pp = b["pp"].to_numpy()
    adult = b["onset"].eq("adult").to_numpy()
    male = b["sex"].eq("M").to_numpy()
    cut = 18.0
    margin = 0.15

    # Duration since diagnosis (months): gamma draws, reported min and max fixed.
    dur = rng.gamma(0.7, 6.0, size=n)
    dmean = t.value("baseline.duration_months.all.mean")
    dsd = t.value("baseline.duration_months.all.sd")
    dmin = t.value("baseline.duration_months.all.min")
    dmax = t.value("baseline.duration_months.all.max")
    idx = np.flatnonzero(pp)
    d_pp = dur[idx].copy()
    fixed = np.zeros(idx.size, dtype=bool)
    fixed[np.argmin(d_pp)] = True
    fixed[np.argmax(d_pp)] = True
    d_pp[np.argmin(d_pp)] = dmin
    d_pp[np.argmax(d_pp)] = dmax
    dur[idx] = match_moments(
        d_pp, mean=dmean, sd=dsd, lower=dmin, upper=dmax, fixed=fixed, decimals=1
    )
    out_pp = np.flatnonzero(~pp)
    dur[out_pp] = np.round(np.clip(dur[out_pp], dmin, dmax), 1)

    # Age at enrolment, drawn through the age at onset; juvenile-onset ages get a
    # design mean and SD, the adult-onset ones whatever the reported overall
    # mean and SD then require.
    onset_age = np.where(
        adult,
        cut + margin + rng.gamma(1.5, 10.0, size=n),
        7.5 + rng.gamma(3.0, 1.4, size=n),
    )
    age = onset_age + dur / 12.0
    amin = t.value("baseline.age_years.all.min")
    amax = t.value("baseline.age_years.all.max")
    lo = np.where(adult, cut + dur / 12.0 + margin, amin)
    hi = np.where(adult, amax, cut + dur / 12.0 - margin)
    age = np.clip(age, lo, hi)
    groups = split_moments(
        t.value("baseline.age_years.all.mean"),
        t.value("baseline.age_years.all.sd"),
        n_total=idx.size,
        n_first=int((~adult[idx]).sum()),
        first_mean=JUVENILE_AGE_MEAN,
        first_sd=JUVENILE_AGE_SD,
    )
    for mask, (gm, gs) in zip((~adult, adult), groups, strict=True):
        g = np.flatnonzero(mask & pp)
        age[g] = match_moments(age[g], mean=gm, sd=gs, lower=lo[g], upper=hi[g])
    age[idx] = match_moments(
        age[idx],
        mean=t.value("baseline.age_years.all.mean"),
        sd=t.value("baseline.age_years.all.sd"),
        lower=lo[idx],
        upper=hi[idx],
        decimals=1,
    )
    # the discontinued: an analysed participant's age of the same onset group,
    # jittered, within the same bounds (no pile-up at the limits)
    for i in out_pp:
        same = idx[adult[idx] == adult[i]]
        age[i] = np.clip(age[rng.choice(same)] + rng.normal(0.0, 2.0), lo[i], hi[i])
    age[out_pp] = np.round(age[out_pp], 1)

    # BMI around an age-dependent mean; weight from BMI and a height SD score.
    bmi_mu = 15.0 + 0.5 * (np.clip(age, 8, 20) - 8)
    bmi = bmi_mu + rng.normal(0.0, 2.6, size=n)
    blo, bhi = bmi_bounds(age)
    bmi = np.clip(bmi, blo, bhi)
    bmi[idx] = match_moments(
        bmi[idx],
        mean=t.value("baseline.bmi_kg_m2.all.mean"),
        sd=t.value("baseline.bmi_kg_m2.all.sd"),
        lower=blo[idx],
        upper=bhi[idx],
        decimals=1,
    )
    bmi[out_pp] = np.round(bmi[out_pp], 1)
    height_z = np.clip(rng.normal(0.0, 1.0, size=n), -2.0, 2.0)

    # Baseline visit.
    fcp0 = np.where(adult, 230.0, 195.0) + rng.normal(0.0, 60.0, size=n)
    fcp0 = np.round(np.clip(fcp0, 105.0, 600.0), 1)
    pcp0 = np.round(fcp0 * np.exp(rng.normal(np.log(2.3), 0.25, size=n)), 1)
    h = rng.normal(0.0, 1.0, size=n)
    hba1c = 9.5 + 2.9 * h
    hba1c[idx] = match_moments(
        h[idx],
        mean=t.value("baseline.hba1c_pct.all.mean"),
        sd=t.value("baseline.hba1c_pct.all.sd"),
        lower=5.5,
        upper=16.5,
        decimals=1,
    )
    hba1c[out_pp] = np.round(np.clip(hba1c[out_pp], 5.5, 16.5), 1)
    msc = b["arm"].eq("MSC").to_numpy()
    insulin0 = np.where(msc, 0.45, 0.62) + rng.normal(0.0, 0.15, size=n)
    insulin0 = np.round(np.clip(insulin0, 0.15, 1.2), 2)
    gluc0 = np.round(np.clip(rng.normal(8.6, 2.2, size=n), 4.5, 16.0), 1)
    gluc2h0 = np.round(np.clip(gluc0 + rng.normal(6.0, 2.5, size=n), 7.0, 25.0), 1)

    b["age_years"] = age
    b["duration_months"] = dur
    b["bmi_kg_m2"] = bmi
    b["height_z"] = height_z
    b["weight_kg"] = weight_from(bmi, age, male, height_z)
    b["fcp0"] = fcp0
    b["pcp0"] = pcp0
    b["hba1c0"] = hba1c
    b["insulin0"] = insulin0
    b["gluc0"] = gluc0
    b["gluc2h0"] = gluc2h0
    for name, p in (("gada", 0.7), ("iaa", 0.3), ("ia2a", 0.4), ("ica", 0.35)):
        b[name] = np.where(rng.random(n) < p, "positive", "negative")
    # Diagnosis needs at least one positive antibody and/or fasting C-peptide
    # <= 200 pmol/L (Methods): give GADA to anyone meeting neither.
    none_pos = (b[["gada", "iaa", "ia2a", "ica"]] == "negative").all(axis=1)
    b.loc[none_pos & (b["fcp0"] > 200), "gada"] = "positive"
    return b


def weight_from(bmi, age, male, height_z) -> np.ndarray:
    """Body weight (kg, 1 decimal) from BMI and a height for age, sex and SD score.

    Parameters
    ----------
    bmi, age, male, height_z : array-like

    Returns
    -------
    numpy.ndarray
        Weight in kg, rounded to 0.1.

    """
    h = (expected_height_cm(age, male) + HEIGHT_SD_CM * np.asarray(height_z)) / 100.0
    return np.round(np.asarray(bmi, dtype=float) * h**2, 1)
