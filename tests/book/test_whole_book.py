"""The whole book builds cleanly on hand-made awkward folders (issue 10).

Each case builds the book with the CLI (``python -m ucmsc_repro build``, as
``make book`` does) and asserts exit 0, no error output in any executed
notebook and no nan/inf/None/<NA> in the text of any rendered page. Two
folders here keep ``make test`` short; ``python tests/whole_book.py`` runs all
of :data:`whole_book.HAND_MADE`.
"""

from __future__ import annotations

import pytest
from whole_book import HAND_MADE, check

#: The folders built in ``make test``: between them, nobody remits and
#: nobody is insulin-free, an empty onset subgroup, tiny arms' worth of
#: empty cells, no antibody values.
IN_MAKE_TEST = ("nobody_remits", "all_adult")


@pytest.mark.parametrize("name", IN_MAKE_TEST)
def test_whole_book_builds_cleanly_on_an_awkward_folder(name, tmp_path):
    folder = next(f for f in HAND_MADE if f.name == name)
    r = check(folder, tmp_path)
    assert r["exit"] == 0, r.get("stderr")
    assert r["errors"] == []
    assert r["pages"] == [], "\n".join(r["pages"][:20])
