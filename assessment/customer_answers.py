"""Customer answers: the files in an engagement's `customers/` folder read into one table of dated answers.

Three shapes are read, as staff responses are:
- a returned customer survey workbook (assessment.customer_survey), one customer per file;
- an online form's export (.xlsx or .csv), one row per customer: a date or timestamp column, optionally the
  customer, then a performance and an importance column per driver, the overall satisfaction, the likelihood
  to recommend and a comment. A column is found by the [driver-id] in its header, by a grid question's row
  label ("How well do we ... [Keeps me informed]"), by the driver's question or name, or by the mapping in
  client.yaml (`customers: columns:`), so a form whose author renamed the questions still reads;
- a long table (.csv or .xlsx), one row per answer: date, customer (optional), driver, measure (performance or
  importance; performance when absent), value. The driver column may also say `overall`, `recommend` or
  `comment` (the value then is the comment).

Every answer carries its date (from its row, else from a YYYY-MM-DD in the file's name), so measurement can be
continuous: a file per week is normal. Hostile input gets problems naming file, row and column; nothing is
half read.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from assessment.answers import parse_number
from assessment.customer_survey import RECOMMEND_SCALE, is_survey, read_survey
from assessment.customers import PERFORMANCE_SCALE, DriverTree, mapping_target
from assessment.problems import InputError, Problem, reading
from assessment.tables import EXCEL_SUFFIXES, RawTable, first_sheet_table, read_csv, read_excel, table_files
from assessment.text import normalise_text
from assessment.textfile import encoding_note

CUSTOMERS_DIR = "customers"
ANSWER_COLUMNS = ["date", "response", "respondent", "driver", "measure", "value", "source", "row"]
COMMENT_COLUMNS = ["date", "response", "respondent", "text", "source", "row"]
MEASURES = ("performance", "importance", "overall", "recommend")
MAX_PROBLEMS = 40  # per file: the rest are counted, so one broken export cannot drown the others
EARLIEST = dt.date(2000, 1, 1)

NOT_ANSWERED = {"", "n/a", "na", "-", "don't know", "dont know", "do not know", "not applicable", "no answer",
                "cannot say", "can't say", "skip", "skipped"}
PERFORMANCE_WORDS = {"very poor": 1, "very poorly": 1, "poor": 2, "poorly": 2, "fair": 3, "adequate": 3,
                     "average": 3, "ok": 3, "good": 4, "well": 4, "very good": 5, "very well": 5, "excellent": 5,
                     "very dissatisfied": 1, "dissatisfied": 2, "neither satisfied nor dissatisfied": 3,
                     "neutral": 3, "satisfied": 4, "very satisfied": 5}
IMPORTANCE_WORDS = {"not at all important": 1, "not important": 1, "slightly important": 2, "a little important": 2,
                    "moderately important": 3, "somewhat important": 3, "important": 4, "very important": 4,
                    "extremely important": 5, "essential": 5}
META = {
    "date": {"date", "timestamp", "completion time", "completed", "completed at", "submitted", "submitted at",
             "submission date", "end time", "end date", "response date", "date of the conversation",
             "interview date", "answered", "answered on", "week", "date submitted"},
    "respondent": {"customer", "customer (optional)", "customer or organisation (optional)", "respondent",
                   "organisation", "organization", "company", "name", "customer name", "client"},
    "ignore": {"id", "response id", "respondent id", "start time", "start date", "last modified time",
               "email", "email address", "ip address", "collector id", "language", "total points", "quiz feedback",
               "source", "channel"},
    "overall": {"overall satisfaction", "overall", "satisfaction", "overall satisfaction (1-5)", "csat"},
    "recommend": {"likelihood to recommend", "recommend", "nps", "likelihood to recommend (0-10)",
                  "how likely are you to recommend us"},
    "comment": {"comment", "comments", "any other comments", "anything else", "feedback", "verbatim", "remarks"},
}
LONG_COLUMNS = {"date": META["date"], "respondent": META["respondent"] | {"customer id"},
                "driver": {"driver", "item", "question", "driver id"},
                "measure": {"measure", "kind", "type", "aspect"},
                "value": {"value", "answer", "rating", "score", "response"}}

_NUMBERING = re.compile(r"^(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):]\s*|^q\d{1,3}\s+", re.I)
_SCALE_HINT = re.compile(r"\s*[(\[]\s*(?:optional|\d{1,2}\s*(?:-|–|to)\s*\d{1,2})\s*[)\]]\s*$", re.I)
_TAG = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)*)\]")
_GRID = re.compile(r"^(?P<title>.*?)\s*\[(?P<row>[^\[\]]+)\]\s*$")
_MEASURE_AROUND = re.compile(r"^(?:importance|performance)\s*[-:]\s*|\s*(?:[-:]\s*|\(\s*)(?:importance|performance)"
                             r"\s*\)?$", re.I)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})(?:[ ,T].*)?$")
_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class CustomerAnswers:
    """Every customer answer of an engagement (empty when problems were found), comments apart."""

    answers: pd.DataFrame
    comments: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.answers.empty


def empty_answers() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "response": pd.Series(dtype=object),
                         "respondent": pd.Series(dtype=object), "driver": pd.Series(dtype=object),
                         "measure": pd.Series(dtype=object), "value": pd.Series(dtype=float),
                         "source": pd.Series(dtype=object), "row": pd.Series(dtype=int)})


def empty_comments() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), **{c: pd.Series(dtype=object)
                                                                       for c in COMMENT_COLUMNS[1:]}})


# ---------------------------------------------------------------- the folder

def read_customer_answers(folder: Path, tree: DriverTree, columns: dict[str, str] | None = None,
                          root: Path | None = None, today: dt.date | None = None) -> CustomerAnswers:
    """Every .csv and .xlsx file in `folder` and its sub-folders (names shown relative to `root`)."""
    root = root or folder.parent
    today = today or dt.date.today()
    if not folder.is_dir():
        return CustomerAnswers(empty_answers(), empty_comments())
    answers, comments, files = [], [], []
    seen: dict[str, str] = {}
    listed, problems, notes = table_files(sorted(p for p in folder.rglob("*") if p.is_file() and not any(
        part.startswith((".", "~$")) for part in p.relative_to(folder).parts)), root, "customer answer file")
    for path, source in listed:
        files.append(source)
        try:
            with reading(source):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if digest in seen:
                    raise InputError([Problem(source, f"the same bytes as {seen[digest]}: the same answers twice; "
                                                      "expected each export once (delete the copy)")], source)
                seen[digest] = source
                a, c, note = read_customer_file(path, source, tree, columns or {}, today)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        answers.append(a)
        comments.append(c)
        notes += [note] if note else []
    if problems:
        return CustomerAnswers(empty_answers(), empty_comments(), problems, notes, files)
    a = pd.concat(answers, ignore_index=True) if answers else empty_answers()
    c = pd.concat(comments, ignore_index=True) if comments else empty_comments()
    return CustomerAnswers(a, c, [], notes, files)


def read_customer_file(path: Path, source: str, tree: DriverTree, columns: dict[str, str],
                       today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """One file -> (answers, comments, a note on its encoding); InputError lists its problems."""
    note = None
    if path.suffix.lower() in EXCEL_SUFFIXES:
        wb = read_excel(path, source)
        try:
            if is_survey(wb):
                return (*_from_survey(wb, path, source, tree, today), None)
            table = first_sheet_table(wb, source)
        finally:
            wb.close()
    else:
        table = read_csv(path, source)
        note = encoding_note(source, table.encoding)
    file_day = _name_date(path)
    if _is_long(table):
        a, c = from_long(table, tree, file_day, today)
    else:
        a, c = from_wide(table, tree, columns, file_day, today)
    return a, c, note


def _name_date(path: Path) -> dt.date | None:
    m = _NAME_DATE.search(path.stem)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


# ---------------------------------------------------------------- headers

def clean_header(text: str) -> str:
    """'3. How easy is it to reach us? (1-5)' -> 'how easy is it to reach us'."""
    t = _NUMBERING.sub("", text.strip())
    t = _SCALE_HINT.sub("", t)
    return normalise_text(t).rstrip("?.:! ")


def _driver_keys(tree: DriverTree) -> dict[str, str]:
    keys: dict[str, str] = {}
    for d in tree.drivers:
        for k in (d.id, clean_header(d.name), clean_header(d.question)):
            keys.setdefault(k, d.id)
    return keys


def _measure_of(text: str) -> str:
    return "importance" if "importan" in text.casefold() else "performance"


def classify_column(header: str, tree: DriverTree, columns: dict[str, str]) -> tuple[str | None, str | None]:
    """(kind, driver) of a wide export's column: kind is date, respondent, ignore, performance, importance,
    overall, recommend or comment (driver set for performance and importance); (None, None) when unknown."""
    mapped = {normalise_text(k): v for k, v in columns.items()}.get(normalise_text(header))
    if mapped is not None:
        return mapping_target(mapped, tree)
    ids = {d.id for d in tree.drivers}
    tags = [t for t in _TAG.findall(header) if t in ids]
    if tags:
        return _measure_of(_TAG.sub("", header)), tags[0]
    cleaned = clean_header(header)
    for kind in ("date", "respondent", "ignore", "overall", "recommend", "comment"):
        if cleaned in META[kind] or normalise_text(header) in META[kind]:
            return kind, None
    keys = _driver_keys(tree)
    grid = _GRID.match(header)
    if grid and clean_header(grid["row"]) in keys:
        return _measure_of(grid["title"]), keys[clean_header(grid["row"])]
    bare = clean_header(_MEASURE_AROUND.sub("", cleaned))
    if bare in keys:
        return _measure_of(cleaned if cleaned != bare else ""), keys[bare]
    if "recommend" in cleaned:
        return "recommend", None
    if any(w in cleaned for w in ("comment", "anything else", "tell us", "feedback", "suggestion")):
        return "comment", None
    if "overall" in cleaned and "satisf" in cleaned:
        return "overall", None
    return None, None


# ---------------------------------------------------------------- values

def _rating(text: str, measure: str) -> float | str:
    """A rating as a number, NaN when not answered, or the reason it is not one."""
    t = normalise_text(text)
    if t in NOT_ANSWERED:
        return np.nan
    lo, hi = RECOMMEND_SCALE if measure == "recommend" else PERFORMANCE_SCALE
    words = IMPORTANCE_WORDS if measure == "importance" else PERFORMANCE_WORDS
    n = parse_number(text)
    if n is None:
        lead = re.match(r"^\s*(\d{1,2})\s*(?:[-.:)=]|$)", text)
        n = float(lead[1]) if lead else words.get(t) if measure != "recommend" else None
        if n is None and "extremely likely" in t:
            n = 10.0
    if n is None:
        return f"expected a rating from {lo} to {hi}"
    if not lo <= n <= hi:
        return f"expected a rating from {lo} to {hi}"
    return float(n)


def _ratings(values: np.ndarray, measure: str) -> tuple[np.ndarray, dict[str, str]]:
    """Ratings of a column (NaN where not answered) and the bad texts with why, parsed once per distinct text."""
    uniq, inverse = np.unique(values.astype(str), return_inverse=True)
    parsed = [_rating(u, measure) for u in uniq]
    bad = {u: p for u, p in zip(uniq, parsed) if isinstance(p, str)}
    nums = np.array([np.nan if isinstance(p, str) else p for p in parsed], dtype=float)
    return nums[inverse], bad


def _day_order(texts: list[str]) -> str | None:
    """'dmy' or 'mdy' for slashed dates, from any value whose day cannot be a month; None when undecided."""
    firsts = [int(m[1]) for m in map(_SLASHED.match, texts) if m]
    seconds = [int(m[2]) for m in map(_SLASHED.match, texts) if m]
    if any(x > 12 for x in firsts):
        return "dmy"
    if any(x > 12 for x in seconds):
        return "mdy"
    return None


def _date(text: str, order: str | None) -> dt.date | str:
    t = text.strip()
    m = _ISO.match(t)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _SLASHED.match(t)
        if m:
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            y += 2000 if y < 100 else 0
            if order is None and a != b and a <= 12 and b <= 12:
                return ("could be either day-first or month-first, and no date in the column tells which; "
                        "expected YYYY-MM-DD")
            return dt.date(y, b, a) if order in ("dmy", None) else dt.date(y, a, b)
        n = parse_number(t)
        if n is not None and 20000 < n < 80000:  # an Excel serial date
            return (dt.datetime(1899, 12, 30) + dt.timedelta(days=n)).date()
    except ValueError:
        pass
    return "expected a date as YYYY-MM-DD"


def _dates(values: list[str], file_day: dt.date | None, today: dt.date) -> tuple[list, dict[str, str]]:
    """Each row's day (a file's date where the row has none) and the bad texts with why; each distinct text
    is parsed once."""
    uniq, inverse = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    uniq = [str(u) for u in uniq]
    order = _day_order(uniq)
    parsed: dict[str, dt.date | str] = {}
    for u in uniq:
        if not u.strip():
            parsed[u] = file_day if file_day else "no date; expected the day of the answer (YYYY-MM-DD), or a date " \
                                                  "in the file's name such as week-2026-09-07.csv"
            continue
        d = _date(u, order)
        if isinstance(d, dt.date) and not EARLIEST <= d <= today:
            d = f"expected a day from {EARLIEST.year} to today ({today.isoformat()})"
        parsed[u] = d
    bad = {u: p for u, p in parsed.items() if isinstance(p, str)}
    return list(np.array([parsed[u] for u in uniq] + [None], dtype=object)[:-1][inverse]), bad


# ---------------------------------------------------------------- shapes

class _Problems:
    def __init__(self, source: str):
        self.source, self.items, self.more = source, [], 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.source, message, row=row, column=column))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.more:
            self.items.append(Problem(self.source, f"and {self.more:,} more problems like these"))
        if self.items:
            raise InputError(self.items, self.source)


def _is_long(table: RawTable) -> bool:
    cleaned = {clean_header(h) for h in table.header}
    return bool(cleaned & LONG_COLUMNS["driver"]) and bool(cleaned & LONG_COLUMNS["value"])


def from_wide(table: RawTable, tree: DriverTree, columns: dict[str, str], file_day: dt.date | None,
              today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An online form's export, one row per customer."""
    p = _Problems(table.source)
    kinds = [classify_column(h, tree, columns) for h in table.header]
    arr = np.array(table.rows, dtype=object).reshape(len(table.rows), len(table.header))
    rows = np.array(table.row_numbers)
    hint = (f"expected a driver's [id], question or name (drivers: {', '.join(d.id for d in tree.drivers)}), a date, "
            "the customer, overall satisfaction, likelihood to recommend or a comment; or map the column in "
            "client.yaml under customers: columns:")
    seen: dict[tuple, str] = {}
    for j, (h, (kind, driver)) in enumerate(zip(table.header, kinds)):
        if kind is None and any(arr[:, j] != ""):
            p.add(f"column {h!r} is not known; {hint}", row=table.header_row, column=h)
        key = (kind, driver)
        if kind in ("performance", "importance", "overall", "recommend", "date") and key in seen:
            what = f"the {kind} of driver {driver!r}" if driver else f"the {kind}"
            p.add(f"{what} is in two columns ({seen[key]!r} and {h!r}); expected one", row=table.header_row,
                  column=h)
        seen.setdefault(key, h)
    rated = [j for j, (k, _) in enumerate(kinds) if k in ("performance", "importance")]
    if not rated:
        p.add(f"no column of a driver's performance or importance; {hint}", row=table.header_row)
    p.raise_if_any()
    date_col = next((j for j, (k, _) in enumerate(kinds) if k == "date"), None)
    if date_col is None and file_day is None:
        p.add("no date column (Date, Timestamp, Completion time, ...) and no YYYY-MM-DD in the file's name; "
              "expected every answer dated", row=table.header_row)
        p.raise_if_any()
    texts = list(arr[:, date_col]) if date_col is not None else [""] * len(rows)
    days, bad_days = _dates(texts, file_day, today)
    for i in (np.flatnonzero([t in bad_days for t in texts]) if bad_days else []):
        p.add(f"found {texts[i]!r}: {bad_days[texts[i]]}", row=int(rows[i]),
              column=table.header[date_col] if date_col is not None else None)
    who_col = next((j for j, (k, _) in enumerate(kinds) if k == "respondent"), None)
    who = arr[:, who_col] if who_col is not None else np.full(len(rows), "", dtype=object)
    response = np.array([f"{table.source}#{n}" for n in rows], dtype=object)
    frames = []
    for j, (kind, driver) in enumerate(kinds):
        if kind not in MEASURES:
            continue
        values, bad = _ratings(arr[:, j], kind)
        for i in np.flatnonzero(np.isin(arr[:, j].astype(str), list(bad))) if bad else []:
            p.add(f"found {arr[i, j]!r}; {bad[str(arr[i, j])]}", row=int(rows[i]), column=table.header[j])
        keep = ~np.isnan(values)
        frames.append(pd.DataFrame({"i": np.flatnonzero(keep), "driver": driver or "", "measure": kind,
                                    "value": values[keep]}))
    p.raise_if_any()
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["i", "driver", "measure", "value"])
    i = long["i"].to_numpy(dtype=int)
    stamps = pd.to_datetime(pd.Series(days, dtype=object)).to_numpy()
    answers = pd.DataFrame({"date": stamps[i],
                            "response": response[i], "respondent": who[i], "driver": long["driver"].to_numpy(),
                            "measure": long["measure"].to_numpy(), "value": long["value"].to_numpy(dtype=float),
                            "source": table.source, "row": rows[i]})
    comment_cols = [j for j, (k, _) in enumerate(kinds) if k == "comment"]
    parts = []
    for j in comment_cols:
        has = np.flatnonzero(arr[:, j] != "")
        parts.append(pd.DataFrame({"date": stamps[has],
                                   "response": response[has], "respondent": who[has], "text": arr[has, j],
                                   "source": table.source, "row": rows[has]}))
    comments = pd.concat(parts, ignore_index=True) if parts else empty_comments()
    return answers.sort_values(["row", "driver", "measure"], kind="stable").reset_index(drop=True), comments


def from_long(table: RawTable, tree: DriverTree, file_day: dt.date | None,
              today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A long table, one row per answer: date, customer, driver, measure, value."""
    p = _Problems(table.source)
    where: dict[str, int] = {}
    for j, h in enumerate(table.header):
        for kind, names in LONG_COLUMNS.items():
            if clean_header(h) in names and kind not in where:
                where[kind] = j
    if "date" not in where and file_day is None:
        p.add("no date column and no YYYY-MM-DD in the file's name; expected the columns date, customer, driver, "
              "measure, value", row=table.header_row)
    p.raise_if_any()
    columns = list(zip(*table.rows))  # one tuple per column, in C
    rows = np.array(table.row_numbers)
    col = {k: table.header[j] for k, j in where.items()}

    def column(kind: str) -> np.ndarray:
        return np.array(columns[where[kind]], dtype=object) if kind in where else np.full(len(rows), "", dtype=object)

    keys = _driver_keys(tree)
    specials = {"overall": "overall", "overall satisfaction": "overall", "satisfaction": "overall",
                "recommend": "recommend", "likelihood to recommend": "recommend", "nps": "recommend",
                "comment": "comment", "comments": "comment"}
    item_text = column("driver")
    uniq = {u: (keys.get(clean_header(u)) or specials.get(clean_header(u))) for u in set(item_text)}
    items = np.array([uniq[t] or "" for t in item_text], dtype=object)
    for i in np.flatnonzero(items == ""):
        p.add(f"found {item_text[i]!r}; expected a driver's id, name or question "
              f"({', '.join(d.id for d in tree.drivers)}), or overall, recommend or comment", row=int(rows[i]),
              column=col["driver"])
    measure_text = column("measure")
    named = {u: ("performance" if not normalise_text(u) else "importance" if "importan" in u.casefold()
                 else "performance" if normalise_text(u) in ("performance", "how well", "rating", "perf")
                 else None) for u in set(measure_text)}
    measures = np.array([named[t] or "" for t in measure_text], dtype=object)
    for i in np.flatnonzero(measures == ""):
        p.add(f"found {measure_text[i]!r}; expected performance or importance (or nothing: performance)",
              row=int(rows[i]), column=col.get("measure"))
    measures = np.where(np.isin(items, ["overall", "recommend", "comment"]), items, measures)
    texts = list(column("date"))
    days, bad_days = _dates(texts, file_day, today)
    for i in (np.flatnonzero([t in bad_days for t in texts]) if bad_days else []):
        p.add(f"found {texts[i]!r}: {bad_days[texts[i]]}", row=int(rows[i]), column=col.get("date"))
    value_text = column("value")
    values = np.full(len(rows), np.nan)
    for m in ("performance", "importance", "overall", "recommend"):
        mask = measures == m
        if mask.any():
            got, bad = _ratings(value_text[mask], m)
            values[mask] = got
            for i in np.flatnonzero(mask & np.isin(value_text.astype(str), list(bad))) if bad else []:
                p.add(f"found {value_text[i]!r}; {bad[str(value_text[i])]}", row=int(rows[i]), column=col["value"])
    who = column("respondent")
    rated = (measures != "comment") & ~np.isnan(values)
    key = np.zeros(len(rows), dtype=np.int64)  # one integer per (day, customer, item, measure), no string columns
    for i, part in enumerate((np.asarray(texts, dtype=object), who, items, measures)):
        codes, uniq = pd.factorize(part)
        key = key * (len(uniq) + 1) + codes
        if i == 1:
            visit = key.copy()  # one customer on one day: one response
    twice = rated & pd.Series(key).duplicated(keep="first").to_numpy() & (who != "")
    for i in np.flatnonzero(twice):
        p.add(f"customer {who[i]!r} answered {item_text[i]!r} ({measures[i]}) twice on {days[i]}; expected one "
              "answer per customer, driver and day", row=int(rows[i]), column=col["driver"])
    p.raise_if_any()
    day_stamps = pd.to_datetime(pd.Series(days, dtype=object)).to_numpy()
    response = np.array([f"{table.source}#{v}" if w else f"{table.source}#row{n}"
                         for v, w, n in zip(visit, who, rows)], dtype=object)
    answers = pd.DataFrame({"date": day_stamps[rated], "response": response[rated], "respondent": who[rated],
                            "driver": np.where(np.isin(items[rated], ["overall", "recommend"]), "", items[rated]),
                            "measure": measures[rated], "value": values[rated], "source": table.source,
                            "row": rows[rated]})
    said = (measures == "comment") & (value_text != "")
    comments = pd.DataFrame({"date": day_stamps[said], "response": response[said], "respondent": who[said],
                             "text": value_text[said], "source": table.source, "row": rows[said]})
    return answers, comments


def _from_survey(wb, path: Path, source: str, tree: DriverTree, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A returned survey workbook: one customer, one date."""
    got, problems = read_survey(wb, source)
    p = _Problems(source)
    for x in problems:
        p.add(x.message)
    p.raise_if_any()
    days, bad = _dates([got.date], _name_date(path), today)
    if bad:
        p.add(f"sheet 'Customer survey' cell {got.date_cell}: found {got.date!r}: {bad[got.date]}")
    ids = {d.id for d in tree.drivers}
    rows = []
    comment = None
    for line in got.lines:
        if line["item"] == "comment":
            comment = line
            continue
        if line["measure"] in ("performance", "importance") and line["item"] not in ids:
            p.add(f"driver {line['item']!r} is not in client.yaml's driver tree; expected one of: "
                  f"{', '.join(sorted(ids))} (was the survey made for another client?)", row=line["row"],
                  column="Driver ID")
            continue
        value = _rating(line["value"], line["measure"])
        if isinstance(value, str):
            p.add(f"found {line['value']!r}; {value}", row=line["row"], column=line["column"])
        elif not np.isnan(value):
            rows.append({"driver": line["item"] if line["measure"] in ("performance", "importance") else "",
                         "measure": line["measure"], "value": value, "row": line["row"]})
    p.raise_if_any()
    day = pd.Timestamp(days[0])
    who = got.customer or ""
    answers = pd.DataFrame([{"date": day, "response": source, "respondent": who, "source": source, **r} for r in rows],
                           columns=ANSWER_COLUMNS).astype({"value": float, "date": "datetime64[ns]"})
    comments = empty_comments() if comment is None else pd.DataFrame(
        [{"date": day, "response": source, "respondent": who, "text": comment["value"], "source": source,
          "row": comment["row"]}])
    return answers, comments
