"""Assessment rounds: an engagement re-assessed over time keeps each round's answers in its own folder.

    responses/2026-Q1/...   responses/2026-Q3/...     (or 2026-03, 2026-03-20, or any name dated in client.yaml)

A folder named for a quarter or a month is dated by its last day; any other name needs a date under
`rounds:` in client.yaml, which may also name the model a round was answered on (when the model changed
version between rounds). An engagement with its response files directly in responses/ has one round.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assessment.problems import InputError, Problem
from assessment.yamlfile import EARLIEST, LATEST, PlausibleDate

SINGLE_ROUND = "baseline"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class RoundSetting(BaseModel):
    """One entry of client.yaml's optional `rounds:` mapping (round folder name -> settings)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    date: PlausibleDate | None = None
    model: str | None = None  # the model this round was answered on (id or path); default: the engagement's


@dataclass(frozen=True)
class Round:
    name: str
    folder: Path            # where its response files are
    date: dt.date | None
    model: str | None = None  # None: the engagement's model


def date_from_name(name: str) -> dt.date | None:
    """The date a round folder's name stands for: the last day of a quarter or month, or the day itself."""
    day = _date_from_name(name)
    return day if day is not None and EARLIEST <= day <= LATEST else None


def _date_from_name(name: str) -> dt.date | None:
    if m := _QUARTER.match(name):
        year, q = int(m[1]), int(m[2])
        return dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
    if m := _MONTH.match(name):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        return None
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        return None


def _is_response_file(p: Path) -> bool:
    return p.is_file() and not p.name.startswith((".", "~$"))


def find_rounds(responses_dir: Path, settings: dict[str, RoundSetting], single_date: dt.date | None,
                source: str) -> list[Round]:
    """The engagement's rounds, oldest first; InputError names each folder that cannot be placed in time."""
    if not responses_dir.is_dir():
        return [Round(SINGLE_ROUND, responses_dir, single_date)]
    folders = sorted(p for p in responses_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        return [Round(SINGLE_ROUND, responses_dir, single_date)]
    problems = []
    loose = [p for p in sorted(responses_dir.iterdir()) if _is_response_file(p)]
    for p in loose:
        problems.append(Problem(str(p), f"a response file directly in responses/ while the rounds are in "
                                        f"sub-folders ({', '.join(f.name for f in folders)}); expected every "
                                        "response file inside its round's folder"))
    rounds = []
    for f in folders:
        s = settings.get(f.name, RoundSetting())
        date = s.date or date_from_name(f.name)
        if date is None:
            problems.append(Problem(source, f"round folder responses/{f.name}/ has no date; expected a folder name "
                                            "such as 2026-Q1, 2026-03 or 2026-03-20, or a date in client.yaml "
                                            f"(rounds: {{{f.name}: {{date: 2026-03-20}}}})", key=f"rounds.{f.name}"))
        rounds.append(Round(f.name, f, date, s.model))
    for name in settings:
        if name not in {f.name for f in folders}:
            problems.append(Problem(source, f"rounds: names {name!r} but there is no folder responses/{name}/; "
                                            f"expected one of {', '.join(f.name for f in folders)}",
                                    key=f"rounds.{name}"))
    dates = {}
    for r in rounds:
        if r.date is not None and r.date in dates:
            problems.append(Problem(source, f"rounds {dates[r.date]!r} and {r.name!r} have the same date "
                                            f"{r.date}; expected one round per date", key=f"rounds.{r.name}"))
        dates.setdefault(r.date, r.name)
    if problems:
        raise InputError(problems, f"the assessment rounds in {responses_dir}")
    return sorted(rounds, key=lambda r: (r.date, r.name))
