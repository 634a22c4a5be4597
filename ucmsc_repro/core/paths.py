"""One source of truth for the project's paths, derived from the package location."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ROOT", "DATA_DIR", "DEFAULT_DATA", "NOTEBOOKS", "BOOK_PAGES", "display_path"]

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
DEFAULT_DATA = DATA_DIR / "synthetic"
NOTEBOOKS = ROOT / "notebooks"
BOOK_PAGES = ROOT / "book"


def display_path(path: str | Path) -> str:
    """A path as shown in the book: relative to the project when inside it.

    Absolute paths of the machine that built the book are never shown, so the
    outputs do not depend on where the project was cloned.
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return p.name
