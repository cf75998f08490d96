"""Problems found in user input, carrying the facts a user needs to fix them."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterator


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
            where.append(_clip(self.key, 120))
        return f"{', '.join(_clip(w, 300) for w in where)}: {_clip(self.message, MAX_MESSAGE)}"


MAX_MESSAGE = 600  # a value quoted from a hostile file (a 5,000-character name) must not drown the message


def _clip(text: str, limit: int) -> str:
    """`text` shortened in the middle when longer than `limit`, keeping its start and its end (the expected)."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return f"{text[:head]} [... {len(text) - limit:,} characters left out ...] {text[-(limit - head):]}"


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


@contextlib.contextmanager
def reading(source: str) -> Iterator[None]:
    """Mark an unexpected failure inside the block with the input being read, so the last-resort handler can
    say which file it was (the innermost file wins). InputErrors already name their file."""
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        if getattr(exc, "input_source", None) is None:
            exc.input_source = source
        raise


def input_source(exc: BaseException) -> str | None:
    """The input an unexpected exception was raised while reading, if a reader marked it."""
    return getattr(exc, "input_source", None)
