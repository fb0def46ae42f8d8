"""Errors a user can fix. The CLI prints them as one or two lines and exits with status 2;
anything else is a bug in explainer_anim and keeps its traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A problem with the user's input or machine, stated so that they can fix it."""


@dataclass(frozen=True)
class Location:
    """Where in a file something stands (1-based line and column, as editors show them)."""

    file: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class StoryboardError(UserError):
    """A storyboard problem at ``location``, about the field at ``path`` (``exhibits[3].id``)."""

    def __init__(self, location: Location | None, path: str, message: str) -> None:
        self.location = location
        self.path = path
        self.message = message
        where = f"{location}: " if location else ""
        field = f"{path}: " if path else ""
        super().__init__(f"{where}{field}{message}")

    def __reduce__(self) -> tuple[type, tuple[Location | None, str, str]]:
        # Raised in render worker processes: rebuild from the parts, not the formatted text.
        return (type(self), (self.location, self.path, self.message))
