"""Problems found in user input, carrying the facts a user needs to fix them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where it is, what was found, what was expected."""

    source: str
    message: str
    row: int | None = None
    column: str | None = None
    key: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = [self.source]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.key is not None:
            where.append(self.key)
        return f"{', '.join(where)}: {self.message}"


class InputError(Exception):
    """Raised with every problem found in a set of inputs, so all can be fixed in one go."""

    def __init__(self, problems: list[Problem], what: str = "input"):
        self.problems = list(problems)
        self.what = what
        super().__init__(self.render())

    def render(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.what}:"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])
