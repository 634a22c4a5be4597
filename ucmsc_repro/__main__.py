"""``python -m ucmsc_repro COMMAND``: the command line is :mod:`ucmsc_repro.book.cli`."""

import sys

from .book.cli import main

if __name__ == "__main__":
    sys.exit(main())
