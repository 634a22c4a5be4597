"""Who dropped out: discontinued against completed participants, by arm.

References are R 4.x (Debian ``r-base-core``) on the default synthetic cohort,
the table written by::

    ch = open_chapter("dropouts", show_banner=False, glue=False)
    ch.table[["arm", "status", "age_years", "bmi_kg_m2", "male",
              "duration_months"]].to_csv("who.csv", index=False)

and read in R as ``d <- read.csv("who.csv"); m <- d[d$arm == "MSC", ];
c <- d[d$arm != "MSC", ]; disc <- function(x) x$status != "completed"``.
The Mann-Whitney test is the normal approximation without continuity
correction (SPSS's asymptotic significance, the paper's software), hence
``correct = FALSE``. The SMD is Cohen's d with the average of the two
variances, ``(mean(x) - mean(y)) / sqrt((var(x) + var(y)) / 2)``.
"""

from __future__ import annotations

import pytest

from ucmsc_repro.book.chapter import open_chapter
from ucmsc_repro.chapters import dropouts_who as who

REL = 1e-9


@pytest.fixture(scope="module")
def table():
    ch = open_chapter("dropouts", show_banner=False, glue=False)
    return who.who_table(ch.table)


def _row(table, arm, key):
    (r,) = table.loc[table["arm"].eq(arm) & table["key"].eq(key)].itertuples()
    return r


@pytest.mark.parametrize(
    ("arm", "key", "test", "pval"),
    [
        # wilcox.test(m$age_years[disc(m)], m$age_years[!disc(m)],
        #             exact = FALSE, correct = FALSE)$p.value
        ("msc", "age_years", "Mann-Whitney", 0.177129702094),
        # wilcox.test(c$duration_months[disc(c)], c$duration_months[!disc(c)],
        #             exact = FALSE, correct = FALSE)$p.value
        ("control", "duration_months", "Mann-Whitney", 0.0340961808296),
        # t.test(m$bmi_kg_m2[disc(m)], m$bmi_kg_m2[!disc(m)], var.equal = TRUE)$p.value
        ("msc", "bmi_kg_m2", "Student", 0.136612953151),
        # fisher.test(table(disc(m), m$male))$p.value
        ("msc", "male", "Fisher", 1.0),
    ],
)
def test_the_papers_tests_against_r(table, arm, key, test, pval):
    r = _row(table, arm, key)
    assert r.test.startswith(test)
    assert r.pval == pytest.approx(pval, rel=REL)


@pytest.mark.parametrize(
    ("arm", "key", "smd"),
    [
        # mean_d(m$bmi_kg_m2[disc(m)], m$bmi_kg_m2[!disc(m)])
        ("msc", "bmi_kg_m2", -0.874096809681),
        # mean_d(c$age_years[disc(c)], c$age_years[!disc(c)])
        ("control", "age_years", 0.0500076635882),
    ],
)
def test_smd_discontinued_minus_completed_against_r(table, arm, key, smd):
    assert _row(table, arm, key).smd == pytest.approx(smd, rel=1e-9)


def test_counts_add_up_to_the_arm(table):
    # hand check: 27 + 5 MSC and 26 + 9 control participants (14 dropouts of 67)
    r_msc, r_ctl = _row(table, "msc", "male"), _row(table, "control", "male")
    assert (r_msc.completed_n, r_msc.discontinued_n) == (27, 5)
    assert (r_ctl.completed_n, r_ctl.discontinued_n) == (26, 9)
