"""Tests of the runner's parallel, content-addressed builds (ucmsc_repro.book.cache).

The reference is the build itself: a rebuild with nothing changed must reuse
every chapter and the HTML and leave every output byte-identical; a changed
data value must rerun every chapter that reads the data and say why; a changed
notebook reruns that chapter and the chapters that read its results.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from ucmsc_repro.book import runner
from ucmsc_repro.book.cache import digest, tree_digest
from ucmsc_repro.chapters import book_chapters


def _outputs(out):
    """Digest of every file of a build except the cache."""
    files = sorted(
        p
        for p in out.rglob("*")
        if p.is_file() and ".cache" not in p.relative_to(out).parts
    )
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }


def test_digest_depends_on_every_part_and_its_order():
    assert digest("a", "b") != digest("b", "a")
    assert digest("ab") != digest("a", "b")  # parts are length-prefixed
    assert digest({"x": 1, "y": 2}) == digest({"y": 2, "x": 1})


def test_tree_digest_sees_one_changed_byte(tmp_path):
    f = tmp_path / "visits.csv"
    f.write_text("a,b\n1,2\n")
    before = tree_digest([f])
    f.write_text("a,b\n1,3\n")
    assert tree_digest([f]) != before
    assert tree_digest([tmp_path / "missing.csv"]) != tree_digest([f])


@pytest.mark.slow
def test_rebuilds_reuse_what_did_not_change_and_rerun_what_did(tiny_dir, tmp_path):
    out = tmp_path / "out"
    first = runner.build(tiny_dir, out, progress=False)
    # tiny_dir is not the synthetic cohort: its book has no cohort chapter
    in_book = book_chapters(synthetic=False)
    assert first.reused == []
    assert set(first.reasons) == {c.slug for c in in_book}
    built = _outputs(out)

    # nothing changed: every chapter and the HTML come from the cache, byte for byte
    again = runner.build(tiny_dir, out, progress=False)
    assert again.reused == [c.slug for c in in_book] and again.reasons == {}
    assert _outputs(out) == built

    # one data value changed: every chapter that reads the data runs again
    visits = pd.read_csv(tiny_dir / "visits.csv")
    visits.loc[0, "hba1c_pct"] = visits.loc[0, "hba1c_pct"] + 0.1
    visits.to_csv(tiny_dir / "visits.csv", index=False)
    changed = runner.build(tiny_dir, out, progress=False)
    assert changed.reused == ["audit"]  # the audit reads only the paper
    assert changed.reasons["baseline"] == "the data changed"
    assert all("the data changed" in why for why in changed.reasons.values())
    after_change = _outputs(out)
    assert after_change["results.csv"] != built["results.csv"]

    # --force reruns everything and gives the same book as the cached one
    forced = runner.build(tiny_dir, out, progress=False, force=True)
    assert forced.reused == [] and set(forced.reasons.values()) == {"forced"}
    assert _outputs(out) == after_change
