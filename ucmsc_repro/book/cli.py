"""Command line: ``python -m ucmsc_repro COMMAND``.

Commands
--------
build               validate the data, run every chapter, build the HTML book
                    (--pdf: also the whole book as OUT/book.pdf)
validate DIR        check a data folder against the data contract
template DIR        write empty CSV files with the contract's headers
dictionary          print the data dictionary
synthesize          regenerate the synthetic cohort
refresh-notebooks   re-execute the committed notebooks on the default data

User-facing errors (bad data, a failing chapter) are printed without a
traceback and give a non-zero exit status.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.exceptions import DataValidationError, UserFacingError

EXIT_BAD_INPUT = 2
EXIT_BUILD_FAILED = 1


def _cmd_build(args) -> int:
    from ..core.settings import AnalysisSettings
    from .runner import build

    try:
        settings = AnalysisSettings(
            endpoint_month=args.endpoint_month,
            remission_threshold=args.remission_threshold,
            adult_onset_age=args.adult_onset_age,
            alpha=args.alpha,
        )
    except ValueError as err:
        raise UserFacingError(f"Bad analysis setting: {err}") from None
    report = build(
        args.data,
        args.out,
        settings=settings,
        progress=not args.no_progress,
        force=args.force,
        jobs=args.jobs,
        pdf=args.pdf,
    )
    if report.reused:
        names = ", ".join(report.reused)
        print(f"Reused from the cache (nothing they depend on changed): {names}.")
    for slug, why in report.reasons.items():
        print(f"Ran {slug}: {why}.")
    print(f"Built in {report.timings['total']:.1f} s. Open {report.index_html}")
    if args.pdf:
        print(f"The whole book as one PDF: {report.out_dir / 'book.pdf'}")
    return 0


def _cmd_validate(args) -> int:
    from ..data.loading import load_dataset

    data = load_dataset(args.folder)
    print(
        f"{args.folder}: OK ({len(data.subjects)} participants, {len(data.visits)} visits, "
        f"{len(data.adverse_events)} adverse events)"
        + ("; synthetic cohort" if data.synthetic else "")
    )
    return 0


def _cmd_template(args) -> int:
    from ..data.schema import FILES

    folder = Path(args.folder)
    existing = [s.filename for s in FILES if (folder / s.filename).exists()]
    if existing:
        raise UserFacingError(
            f"{folder} already has {', '.join(existing)}; nothing was written "
            "(choose an empty folder)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        (folder / spec.filename).write_text(",".join(spec.names) + "\n", encoding="utf-8")
    print(f"Wrote {', '.join(s.filename for s in FILES)} to {folder}")
    return 0


def _cmd_dictionary(args) -> int:
    from ..data.schema import dictionary_table

    print(dictionary_table().to_string(index=False))
    return 0


def _cmd_synthesize(args) -> int:
    from ..synthetic.generator import synthesize

    synthesize(Path(args.out), seed=args.seed)
    print(f"Wrote the synthetic cohort (seed {args.seed}) to {args.out}")
    return 0


def _cmd_refresh(args) -> int:
    from .runner import refresh_notebooks

    for path in refresh_notebooks(args.only or None):
        print(f"refreshed {path.name}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ucmsc_repro",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the HTML book")
    b.add_argument("--data", default=None, help="data folder (default: data/synthetic)")
    b.add_argument("--out", default="_build", help="output folder (default: _build)")
    b.add_argument("--endpoint-month", type=float, default=12)
    b.add_argument("--remission-threshold", type=float, default=0.10)
    b.add_argument("--adult-onset-age", type=float, default=18)
    b.add_argument("--alpha", type=float, default=0.05)
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.add_argument(
        "--force", action="store_true", help="rerun every chapter, ignoring the cache"
    )
    b.add_argument(
        "--jobs", type=int, default=None, help="chapters run at once (default: CPUs)"
    )
    b.add_argument(
        "--pdf",
        action="store_true",
        help="also write the whole book as OUT/book.pdf (needs Chromium)",
    )
    b.set_defaults(func=_cmd_build)

    v = sub.add_parser("validate", help="check a data folder")
    v.add_argument("folder")
    v.set_defaults(func=_cmd_validate)

    t = sub.add_parser("template", help="write empty CSVs with the right headers")
    t.add_argument("folder")
    t.set_defaults(func=_cmd_template)

    d = sub.add_parser("dictionary", help="print the data dictionary")
    d.set_defaults(func=_cmd_dictionary)

    s = sub.add_parser("synthesize", help="regenerate the synthetic cohort")
    s.add_argument("--out", required=True)
    s.add_argument("--seed", type=int, default=20210415)
    s.set_defaults(func=_cmd_synthesize)

    r = sub.add_parser("refresh-notebooks", help="re-execute the committed notebooks")
    r.add_argument("--only", nargs="*", help="notebook file names or chapter slugs")
    r.set_defaults(func=_cmd_refresh)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UserFacingError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT if isinstance(err, DataValidationError) else EXIT_BUILD_FAILED
    except KeyboardInterrupt:
        print("interrupted; the previous book (if any) is unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
