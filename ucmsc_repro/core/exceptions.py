"""Domain exceptions: what the command line reports without a traceback."""

from __future__ import annotations

__all__ = ["UserFacingError", "DataValidationError", "BuildError", "ModelFitError"]


class UserFacingError(Exception):
    """An error whose message is meant for the user, printed without a traceback."""


class DataValidationError(UserFacingError):
    """The input folder breaks the data contract.

    ``problems`` holds every problem found, one line each, so that a user can
    fix them all in one pass.
    """

    def __init__(self, folder, problems: list[str]):
        self.folder = folder
        self.problems = list(problems)
        n = len(self.problems)
        head = (
            f"The data in {folder} do not follow the data contract "
            f"({n} problem{'s' if n != 1 else ''}):"
        )
        body = "\n".join(f"  - {p}" for p in self.problems)
        tail = (
            "\nSee the data dictionary in the book (or run "
            "`python -m ucmsc_repro template DIR` for empty files with the right headers)."
        )
        super().__init__(f"{head}\n{body}{tail}")


class BuildError(UserFacingError):
    """A chapter or the HTML build failed."""


class ModelFitError(UserFacingError):
    """A logistic model could not be estimated (separation, no convergence, ...)."""
