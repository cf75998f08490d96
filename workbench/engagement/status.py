"""Initiative status, as delivered: `status.csv` in the engagement folder, one row per initiative of the plan
of record with its status (not started, under way, done, dropped), the per cent done, the date of the status
and a note. Read as hostile input (every problem named by row and column); edited by `workbench status`
through `set_status`, which checks every argument against the plan before it writes anything and writes
the whole file atomically.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import pandas as pd

from assessment.problems import InputError, Problem
from assessment.sheets import write_csv
from assessment.tables import read_csv
from assessment.text import normalise_text
from assessment.yamlfile import EARLIEST
from roadmaps.delivery import STATUS_COLUMNS, STATUSES, status_named

STATUS_FILE = "status.csv"
ASSIGNMENT = re.compile(r"^\s*([^=]+?)\s*=\s*([^:]+?)\s*(?::\s*(.*?)\s*%?\s*)?$")


def read_status(folder: Path, planned: dict[str, str], today: dt.date | None = None) -> pd.DataFrame:
    """status.csv (empty when there is none), checked against `planned` (initiative id -> title): columns
    initiative, status, percent_done, date, note. InputError lists every problem with its row and column."""
    path = Path(folder) / STATUS_FILE
    if not path.is_file():
        return pd.DataFrame(columns=STATUS_COLUMNS)
    today = today or dt.date.today()
    source = str(path)
    table = read_csv(path, source)
    header = [normalise_text(h).replace(" ", "_") for h in table.header]
    where = {c: header.index(c) for c in STATUS_COLUMNS if c in header}
    missing = [c for c in ("initiative", "status") if c not in where]
    if missing:
        raise InputError([Problem(source, f"no column {c!r}; expected the columns {', '.join(STATUS_COLUMNS)}, found "
                                          f"{', '.join(table.header) or 'none'}", row=1) for c in missing], source)
    rows, problems, seen = [], [], {}
    for n, r in zip(table.row_numbers, table.rows):
        def cell(c: str) -> str:
            return r[where[c]].strip() if c in where and where[c] < len(r) else ""

        def problem(c: str, message: str) -> None:
            problems.append(Problem(source, message, row=n, column=table.header[where[c]] if c in where else c))

        initiative, status = cell("initiative"), status_named(cell("status"))
        if initiative not in planned:
            problem("initiative", f"initiative {initiative!r} is not in the plan of record; expected one of: "
                                  f"{_ids(planned, initiative)}")
        elif initiative in seen:
            problem("initiative", f"initiative {initiative!r} has a status already in row {seen[initiative]}; "
                                  "expected one row per initiative")
        seen.setdefault(initiative, n)
        if status is None:
            problem("status", f"found {cell('status')!r}; expected one of: {', '.join(STATUSES)}")
        percent = _percent(cell("percent_done"))
        if percent is False:
            problem("percent_done", f"found {cell('percent_done')!r}; expected a number from 0 to 100, or nothing")
        date = _date(cell("date"))
        if cell("date") and date is None:
            problem("date", f"found {cell('date')!r}; expected a date as YYYY-MM-DD")
        elif date is not None and not EARLIEST <= date <= today:
            problem("date", f"found {date.isoformat()}; expected a day from {EARLIEST.year} to today "
                            f"({today.isoformat()})")
        rows.append([initiative, status, None if percent is False else percent, date, cell("note")])
    if problems:
        raise InputError(problems, source)
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def set_status(folder: Path, planned: dict[str, str], assignments: list[str], note: str = "",
               day: dt.date | None = None) -> pd.DataFrame:
    """Apply 'INITIATIVE=STATUS' or 'INITIATIVE=STATUS:PERCENT' assignments to status.csv and write it (whole,
    atomically). Every bad assignment is reported at once and nothing is written. Returns the rows changed."""
    day = day or dt.date.today()
    current = read_status(folder, planned, today=max(day, dt.date.today()))
    source = "command line"
    problems, changed, given = [], [], set()
    for arg in assignments:
        m = ASSIGNMENT.match(arg)
        if not m:
            problems.append(Problem(source, f"found {arg!r}; expected INITIATIVE=STATUS, e.g. "
                                            "'knowledge-base=done' or 'knowledge-base=under-way:40'"))
            continue
        initiative, status_text, percent_text = m.group(1), m.group(2), m.group(3)
        status = status_named(status_text)
        if initiative not in planned:
            problems.append(Problem(source, f"{arg!r}: initiative {initiative!r} is not in the plan of record; "
                                            f"expected one of: {_ids(planned, initiative)}"))
        elif initiative in given:
            problems.append(Problem(source, f"{arg!r}: initiative {initiative!r} is given twice; expected once"))
        given.add(initiative)
        if status is None:
            problems.append(Problem(source, f"{arg!r}: found status {status_text!r}; expected one of: "
                                            f"{', '.join(s.replace(' ', '-') for s in STATUSES)}"))
        percent = _percent(percent_text or "")
        if percent is False:
            problems.append(Problem(source, f"{arg!r}: found per cent done {percent_text!r}; expected a number "
                                            "from 0 to 100"))
        elif status == "done" and percent not in (None, 100.0):
            problems.append(Problem(source, f"{arg!r}: done at {percent:g} %; expected done to be 100 % (say "
                                            "under-way for work in progress)"))
        elif status == "not started" and percent not in (None, 0.0):
            problems.append(Problem(source, f"{arg!r}: not started at {percent:g} %; expected 0 (say under-way "
                                            "for work in progress)"))
        if not problems:
            percent = 100.0 if status == "done" else 0.0 if status == "not started" else percent
            changed.append([initiative, status, percent, day, note])
    if problems:
        raise InputError(problems)
    kept = current[~current["initiative"].isin([c[0] for c in changed])]
    table = pd.concat([kept, pd.DataFrame(changed, columns=STATUS_COLUMNS)], ignore_index=True)
    order = {k: i for i, k in enumerate(planned)}
    table = table.sort_values("initiative", key=lambda s: s.map(order), kind="stable")
    from workbench import atomic

    atomic.write_text(Path(folder) / STATUS_FILE, write_csv(
        ([r.initiative, r.status, "" if pd.isna(r.percent_done) else f"{r.percent_done:g}",
          r.date.isoformat() if isinstance(r.date, dt.date) else "", r.note or ""]
         for r in table.itertuples(index=False)), STATUS_COLUMNS))
    return pd.DataFrame(changed, columns=STATUS_COLUMNS)


def _percent(text: str):
    """None for nothing, the number for 0-100, False for anything else."""
    t = text.strip().rstrip("%").strip()
    if not t:
        return None
    try:
        v = float(t)
    except ValueError:
        return False
    return v if 0 <= v <= 100 else False


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10]) if text.strip() else None
    except ValueError:
        return None


def _ids(planned: dict[str, str], near: str) -> str:
    close = difflib.get_close_matches(near, list(planned), n=3)
    listed = ", ".join(planned) if len(planned) <= 12 else ", ".join(list(planned)[:12]) + ", ..."
    return (f"{', '.join(close)} (closest); all: {listed}" if close else listed) or "(nothing is planned)"
