"""A content-addressed cache of executed chapters: never stale by construction.

A chapter is reused only when everything it depends on is byte-for-byte what
it was when it ran: its notebook, the data files, the analysis settings, the
output folder it names, the package's source, the pinned requirements and, for
the chapters that read other chapters' results, those results. The key is the
SHA-256 of all of these, so any change (one data value, one line of the
package) gives a new key and the chapter runs again.

Entries live in ``OUT/.cache/<slug>/<key>/``: the executed notebook, the
chapter's results file and the extra files it writes (``scorecard.csv``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ..core.paths import ROOT

__all__ = ["CACHE_DIR", "ChapterCache", "digest", "source_digest", "tree_digest"]

#: Name of the cache folder inside the output folder.
CACHE_DIR = ".cache"
_PACKAGE = Path(__file__).resolve().parents[1]


def digest(*parts) -> str:
    """SHA-256 of the parts (bytes, text or JSON-able values), in order."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            data = part
        elif isinstance(part, str):
            data = part.encode("utf-8")
        else:
            data = json.dumps(part, sort_keys=True, default=str).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def tree_digest(paths) -> str:
    """SHA-256 over the names and contents of files (missing files count too)."""
    parts = []
    for p in sorted(Path(x) for x in paths):
        parts.append(p.name)
        parts.append(p.read_bytes() if p.exists() else b"<missing>")
    return digest(*parts)


_SOURCE: dict[str, str] = {}


def source_digest() -> str:
    """The package's source and the pinned requirements (what computes a chapter)."""
    if "key" not in _SOURCE:
        files = sorted(_PACKAGE.rglob("*.py"))
        parts = [
            str(f.relative_to(_PACKAGE)).encode() + b"\0" + f.read_bytes() for f in files
        ]
        for name in ("requirements.txt", "constraints.txt"):
            f = ROOT / name
            parts.append(f.read_bytes() if f.exists() else b"")
        _SOURCE["key"] = digest(*parts)
    return _SOURCE["key"]


class ChapterCache:
    """Executed chapters of earlier builds, under ``out_dir/.cache``."""

    def __init__(self, out_dir: Path):
        self.root = Path(out_dir) / CACHE_DIR

    def entry(self, slug: str, key: str) -> Path:
        return self.root / slug / key

    def lookup(self, slug: str, key: str) -> Path | None:
        """The folder of a complete cached run of this chapter, or None."""
        e = self.entry(slug, key)
        return e if (e / "complete").exists() else None

    def store(
        self, staging_root: Path, slug: str, key: str, files: dict[str, Path]
    ) -> None:
        """Save a chapter's outputs into the cache being built in ``staging_root``.

        ``files`` maps a name in the entry to the file to copy.
        """
        e = Path(staging_root) / CACHE_DIR / slug / key
        e.mkdir(parents=True, exist_ok=True)
        for name, src in files.items():
            if Path(src).exists():
                shutil.copy2(src, e / name)
        (e / "complete").write_text("ok\n", encoding="utf-8")

    def keep(self, staging_root: Path, slug: str, key: str) -> None:
        """Carry an entry of the previous build over into the new cache."""
        src = self.entry(slug, key)
        dst = Path(staging_root) / CACHE_DIR / slug / key
        if src.exists() and not dst.exists():
            shutil.copytree(src, dst)
