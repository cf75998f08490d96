"""KPI measurements over time: `kpis.csv` or `kpis.xlsx` in the engagement folder.

One row per measurement, with the columns `kpi` (a scorecard KPI's id or name), `date` and `value`, and
optionally `note`. Values may carry a unit sign or a thousands separator ("85%", "1,250", "4.2 h"); decimal
commas are not guessed. Every problem names the file, row and column.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from assessment.problems import InputError, Problem, reading
from assessment.tables import first_sheet_table, read_csv, read_excel
from assessment.text import normalise_text
from assessment.yamlfile import EARLIEST

KPI_FILES = ("kpis.csv", "kpis.xlsx")
COLUMNS = {"kpi": ("kpi", "id", "kpi id", "measure"), "date": ("date", "measured", "as of", "period end"),
           "value": ("value", "measurement", "result"), "note": ("note", "notes", "comment", "source")}
_NUMBER = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def kpi_file(folder: Path) -> Path | None:
    found = [Path(folder) / n for n in KPI_FILES if (Path(folder) / n).is_file()]
    if len(found) > 1:
        raise InputError([Problem(str(found[1]), f"both {found[0].name} and {found[1].name} exist; expected one "
                                                 "file of KPI measurements")])
    return found[0] if found else None


def _number(text: str) -> float | None:
    t = text.strip().rstrip("%").strip()
    t = re.sub(r"\s*[A-Za-z]+$", "", t)  # a trailing unit: "4.2 h", "12 days"
    if not _NUMBER.match(t):
        return None
    return float(t.replace(",", ""))


def _date(text: str) -> dt.date | None:
    t = text.strip()
    for parse in (lambda s: dt.date.fromisoformat(s[:10]), lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date()):
        try:
            return parse(t)
        except ValueError:
            continue
    return None


def read_kpi_measurements(path: Path, scorecard: list, root: Path | None = None,
                          today: dt.date | None = None) -> pd.DataFrame:
    """The measurements in `path`, checked against the scorecard's KPIs: columns kpi (id), date, value,
    note, sorted by KPI and date. A measurement dated after `today` (default: the real today) is refused: a
    value cannot have been measured in the future, and a mistyped year would bend every trend drawn from it.
    InputError lists every problem with its row and column."""
    today = today or dt.date.today()
    source = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    table = read_csv(path, source) if path.suffix.lower() == ".csv" else first_sheet_table(read_excel(path, source), source)
    where = _columns(table, source)
    known = {}
    for k in scorecard:
        known[normalise_text(k.id)] = k.id
        known.setdefault(normalise_text(k.name), k.id)
    rows, problems = [], []
    for n, r in zip(table.row_numbers, table.rows):
        row, found = _measurement(r, n, table.header, where, known, scorecard, today, source)
        rows.append(row)
        problems += found
    problems += _measured_twice(rows, source)
    if problems:
        raise InputError(problems, source)
    frame = pd.DataFrame(rows, columns=["kpi", "date", "value", "note", "row"]).drop(columns="row")
    return frame.sort_values(["kpi", "date"], kind="stable").reset_index(drop=True)


def _columns(table, source: str) -> dict[str, int]:
    """Where the kpi, date, value and note columns are (first match of each); InputError naming the missing."""
    header = [normalise_text(h) for h in table.header]
    where: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names and key not in where:
                where[key] = i
    problems = [Problem(source, f"no {key!r} column; expected the columns kpi, date, value (and optionally note), "
                                f"found {', '.join(table.header)}", row=table.row_numbers[0] - 1 if table.row_numbers else 1)
                for key in ("kpi", "date", "value") if key not in where]
    if problems:
        raise InputError(problems, source)
    return where


def _measurement(r: list, n: int, header: list, where: dict, known: dict, scorecard: list, today: dt.date,
                 source: str) -> tuple[dict, list[Problem]]:
    """One row read: (kpi, date, value, note, row), and its problems, each naming the row and column."""
    cell = lambda key: r[where[key]] if where.get(key) is not None and where[key] < len(r) else ""  # noqa: E731
    col = lambda key: header[where[key]]  # noqa: E731
    kpi, date, value = known.get(normalise_text(cell("kpi"))), _date(cell("date")), _number(cell("value"))
    problems = []
    if kpi is None:
        ids = ", ".join(k.id for k in scorecard) or "(the scorecard is empty)"
        problems.append(Problem(source, f"unknown KPI {cell('kpi')!r}; expected a KPI of the scorecard in "
                                        f"client.yaml: {ids}", row=n, column=col("kpi")))
    if date is None:
        problems.append(Problem(source, f"date {cell('date')!r} is not a date; expected YYYY-MM-DD (or "
                                        "DD/MM/YYYY)", row=n, column=col("date")))
    elif date < EARLIEST:
        problems.append(Problem(source, f"date {date.isoformat()} is before {EARLIEST.year}; expected the day "
                                        "the value was measured", row=n, column=col("date")))
    elif date > today:
        problems.append(Problem(source, f"date {date.isoformat()} is in the future (today is "
                                        f"{today.isoformat()}); expected the day the value was measured",
                                row=n, column=col("date")))
    if value is None:
        problems.append(Problem(source, f"value {cell('value')!r} is not a number; expected e.g. 72.5 or 85%",
                                row=n, column=col("value")))
    return {"kpi": kpi, "date": date, "value": value, "note": cell("note"), "row": n}, problems


def _measured_twice(rows: list[dict], source: str) -> list[Problem]:
    """A KPI with two values on one date: each repeat named with the row of the first."""
    problems, seen = [], {}
    for r in rows:
        key = (r["kpi"], r["date"])
        if None not in key and key in seen:
            problems.append(Problem(source, f"KPI {r['kpi']!r} is measured twice on {r['date']} (rows {seen[key]} and "
                                            f"{r['row']}); expected one value per KPI and date", row=r["row"]))
        seen.setdefault(key, r["row"])
    return problems


def kpi_measurements(engagement) -> pd.DataFrame:
    """The engagement's KPI measurements (empty when it keeps none)."""
    from workbench.engagement.customers import customer_kpi_measurements

    computed = customer_kpi_measurements(engagement)
    path = kpi_file(engagement.folder)
    if path is None:
        typed = pd.DataFrame(columns=["kpi", "date", "value", "note"])
    else:
        with reading(str(path)):
            typed = read_kpi_measurements(path, engagement.config.vision.scorecard, root=engagement.folder)
    if computed.empty:
        return typed
    both = set(typed["kpi"]) & set(computed["kpi"])
    if both:
        raise InputError([Problem(str(path), f"KPI {k!r} is measured by customers (its source in client.yaml), so "
                                             "its values come from customers/; expected no rows for it here",
                                  column="kpi") for k in sorted(both)], str(path))
    return pd.concat([typed, computed], ignore_index=True).sort_values(["kpi", "date"], kind="stable") \
        .reset_index(drop=True)
