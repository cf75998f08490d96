"""Reading CSV and XLSX files as survey tools and spreadsheets write them, into plain text tables.

Copes with UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252, `,` `;` tab and `|` delimiters,
stray whitespace, blank rows and columns, and Excel cells of any type. Nothing here depends on the locale.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from assessment.problems import InputError, Problem
from assessment.textfile import MiB, checked_size, decode_bytes, read_bytes

DELIMITERS = [",", ";", "\t", "|"]
MAX_TABLE_BYTES = 256 * MiB   # a long table of a million answers is about 80 MB
MAX_CELL_CHARS = 32_767       # Excel's limit for one cell
MAX_FIELD_LINES = 100         # line breaks inside one quoted field beyond which it is a runaway quote
MAX_CELLS = 10_000_000        # a worksheet's used range (rows x columns); Excel's row limit x 10 columns
MAX_XLSX_PART_BYTES = 512 * MiB  # uncompressed size of one part of a workbook
# The csv module refuses fields over 128 kB with a bare error; we read them and judge their length ourselves.
csv.field_size_limit(max(csv.field_size_limit(), MAX_TABLE_BYTES))
TEXT_SUFFIXES = {".csv", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class RawTable:
    """A header and data rows of text cells, with the file row number of each data row."""

    source: str
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    header_row: int = 1
    sheet: str | None = None
    encoding: str = ""  # of a CSV file; "" for a workbook


def table_files(paths: Iterable[Path], root: Path, what: str) -> tuple[list[tuple[Path, str]], list[Problem], list[str]]:
    """The .csv and .xlsx files among `paths`, in order, each with the name it is shown by (relative to `root`);
    an old .xls is a problem (how to convert it), any other file a note ("Ignored ...: not a `what`")."""
    found, problems, notes = [], [], []
    for path in paths:
        source = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        suffix = path.suffix.lower()
        if suffix == ".xls":
            problems.append(Problem(source, "old Excel 97-2003 (.xls) format; expected .xlsx or .csv (open it "
                                            "in Excel and save as .xlsx)"))
        elif suffix not in TEXT_SUFFIXES | EXCEL_SUFFIXES:
            notes.append(f"Ignored {source}: not a {what} (expected .csv or .xlsx).")
        else:
            found.append((path, source))
    return found, problems, notes


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first non-blank line into the most fields (',' on a tie)."""
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    best, best_n = ",", 1
    for d in DELIMITERS:
        n = len(next(csv.reader([first], delimiter=d), []))
        if n > best_n:
            best, best_n = d, n
    return best


def cell_text(value: object) -> str:
    """One cell as text: whole numbers without '.0', dates as ISO 8601, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").strip()


def read_csv(path: Path, source: str) -> RawTable:
    """A CSV file as a text table; InputError for an unreadable file, a runaway quote or an oversized cell."""
    data = read_bytes(path, source, MAX_TABLE_BYTES, "a CSV file")
    if not data.strip():
        raise InputError([Problem(source, "empty file: expected a header row and at least one data row")], source)
    decoded = decode_bytes(data, source, "a CSV text file (or an .xlsx workbook)")
    text = decoded.text
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, spans = [], []  # spans: (first, last) physical line of each record
    last = 0
    try:
        if '"' not in text:  # no quoted field: every record is one physical line
            rows = list(reader)
            spans = [(i, i) for i in range(1, len(rows) + 1)]
        else:
            for r in reader:
                rows.append(r)
                spans.append((last + 1, reader.line_num))
                last = reader.line_num
    except csv.Error as exc:
        raise InputError([Problem(source, f"not readable as CSV ({exc}); expected {delimiter!r}-separated text",
                                  line=reader.line_num)], source) from None
    problems = _quote_problems(text, rows, spans, delimiter, source) if '"' in text else []  # no quote: no runaway
    flagged = {p.row for p in problems}
    problems += [p for p in _long_cells(rows, source) if p.row not in flagged]
    if problems:
        raise InputError(problems, source)
    if "\u00a0" in text:  # every cell is text here: cell_text's work is the no-break space and the trim
        rows = [[c.replace("\u00a0", " ").strip() for c in r] for r in rows]
    elif not (text.isascii() and '"' not in text and not _padded(text, delimiter)):
        rows = [list(map(str.strip, r)) for r in rows]
    # else: an ASCII file without quotes and without white space beside a delimiter or a line end has no cell
    # to trim (the common export of a survey tool), and 100,000 rows need not be copied to find that out
    table = _tidy(rows, list(range(1, len(rows) + 1)), source)
    table.encoding = decoded.encoding
    return table


def _padded(text: str, delimiter: str) -> bool:
    """Whether an unquoted ASCII text may hold a field str.strip would change: white space beside a delimiter or
    a line end (substring tests in C: a regular expression over megabytes costs more than the trim it saves)."""
    spaces = [c for c in " \t\x0b\x0c\x1c\x1d\x1e\x1f" if c != delimiter and c in text]
    return any(text.startswith(c) or text.endswith(c) or any(e + c in text or c + e in text
                                                             for e in (delimiter, "\n", "\r")) for c in spaces)


def _quote_problems(text: str, rows: list[list[str]], spans: list[tuple[int, int]], delimiter: str,
                    source: str) -> list[Problem]:
    """Quoted fields that swallow rows: a quote that never closes, or a field whose lines are shaped like rows
    of the file, or one with more line breaks than any real comment. A comment or name beginning with a stray
    '"' is the usual cause; the csv module would otherwise read on to the next quote (or the end of the file)
    as one field and lose every row in between."""
    multi = [i for i, (a, b) in enumerate(spans) if b > a or i == len(spans) - 1]
    # A line of a field with this many delimited parts is a row that was swallowed, not a sentence.
    row_parts = max(len(rows[0]) - 1, 3) if rows else 3
    lines = io.StringIO(text, newline="").readlines()
    out = []
    for i in multi:
        first, end = spans[i]
        j = next((k for k, c in enumerate(rows[i]) if "\n" in c or "\r" in c), max(len(rows[i]) - 1, 0))
        # The lines after the one where the quote opened, split as plain text: a swallowed row keeps all its
        # delimiters whichever field the closing quote (if any) landed in; a comment's own lines have few.
        row_like = sum(ln.count(delimiter) + 1 >= row_parts for ln in lines[first:end])
        to_end = i == len(rows) - 1 and _unclosed(lines[first - 1:], delimiter)
        if not (to_end or row_like or end - first + 1 > MAX_FIELD_LINES):
            continue  # a comment written over a few lines, quoted as it should be
        n_lines = end - first + 1
        how = ("never closes: the file ends inside it (was the file cut short?)" if to_end and n_lines == 1
               else f"never closes: it runs over {n_lines:,} lines to the end of the file" if to_end
               else f"runs over {n_lines:,} lines, to line {end:,}")
        swallowed = f", swallowing {row_like:,} line{'s' * (row_like != 1)} shaped like rows" if row_like else ""
        out.append(Problem(source, f"a quoted field opens in {_column_label(rows, i, j)} on line {first:,} and "
                                   f"{how}{swallowed}; expected each quote to close within its cell. A comment or "
                                   "name that starts with a stray '\"' is the usual cause: remove it, or double it "
                                   "('\"\"') inside a quoted cell",
                           row=i + 1, line=first if first != i + 1 else None))
        if len(out) >= 5:
            break
    return out


def _column_label(rows: list[list[str]], i: int, j: int) -> str:
    """'column 'comment'' by its header when row i is below the header and the column has one, else by letter."""
    if i > 0 and rows and j < len(rows[0]) and rows[0][j].strip():
        return f"column {rows[0][j].strip()!r}"
    return f"column {_col_letter(j)}"


def _unclosed(lines: list[str], delimiter: str) -> bool:
    """True when the text from the start of the last record ends inside a quoted field."""
    try:
        for _ in csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _long_cells(rows: list[list[str]], source: str) -> list[Problem]:
    """Cells longer than a spreadsheet cell can hold: never a real answer or comment (and not something we
    could write back into a workbook)."""
    out = []
    for i, r in enumerate(rows):
        if sum(map(len, r)) <= MAX_CELL_CHARS:
            continue
        for j, c in enumerate(r):
            if len(c) > MAX_CELL_CHARS:
                column = _column_label(rows, i, j)
                out.append(Problem(source, f"a cell of {len(c):,} characters in {column}; expected at most "
                                           f"{MAX_CELL_CHARS:,} characters (what a spreadsheet cell can hold)",
                                   row=i + 1))
                if len(out) >= 5:
                    return out
    return out


class Sheet:
    """One worksheet of a workbook read with calamine: its name, visibility and rows from A1."""

    def __init__(self, book, name: str, visible: bool, source: str = ""):
        self._book, self.title, self.visible, self.source = book, name, visible, source
        self.sheet_state = "visible" if visible else "hidden"

    def rows(self) -> list[list]:
        try:
            return self._book.get_sheet_by_name(self.title).to_python(skip_empty_area=False)
        except BaseException as exc:  # noqa: BLE001 - see _damaged
            _damaged(exc)
            raise InputError([Problem(self.source, f"sheet '{self.title}' cannot be read ({_why(exc)}); expected "
                                                   "an Excel 2007+ workbook, saved as .xlsx")], self.source) from None


class Workbook:
    """A read-only view of an .xlsx file: `sheetnames`, `worksheets` and `book[name]`, as openpyxl offers."""

    def __init__(self, book, source: str = ""):
        self.worksheets = [Sheet(book, m.name, m.visible == SheetVisibleEnum.Visible, source)
                           for m in book.sheets_metadata]
        self.sheetnames = [ws.title for ws in self.worksheets]

        self._book = book

    def __getitem__(self, name: str) -> Sheet:
        return self.worksheets[self.sheetnames.index(name)]

    def close(self) -> None:
        if hasattr(self._book, "close"):
            self._book.close()


def read_excel(path: Path, source: str) -> Workbook:
    """Open a workbook; raises InputError when it is not a readable .xlsx or is too large to read safely.

    Read with calamine (Rust), about twenty times faster than openpyxl for the returned questionnaires of an
    engagement; openpyxl is still what writes our workbooks. calamine holds a sheet as one dense grid from A1
    to its farthest value, so a stray value in XFD1048576 would ask for half a terabyte and abort the process:
    `check_workbook` measures every sheet from the file's XML before calamine opens it."""
    if checked_size(path, source, MAX_TABLE_BYTES, "an .xlsx workbook") == 0:
        raise InputError([Problem(source, "empty file: expected an .xlsx workbook")], source)
    check_workbook(path, source)
    try:
        return Workbook(CalamineWorkbook.from_path(str(path)), source)
    except BaseException as exc:  # noqa: BLE001 - not a zip, no workbook part, a corrupt sheet; see _damaged
        _damaged(exc)
        raise InputError([Problem(source, f"not a readable .xlsx workbook ({_why(exc)}); expected an Excel "
                                          "2007+ file, saved as .xlsx")], source) from None


def _damaged(exc: BaseException) -> None:
    """Re-raise what is not about the file (Ctrl-C, exit). calamine raises its own errors on a damaged file,
    and a Rust panic arrives as pyo3's PanicException, a BaseException that an `except Exception` would let
    through as a traceback: both are the file's fault, reported as such by the caller."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        raise exc


def _why(exc: BaseException) -> str:
    return exc.__class__.__name__


_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>")
_CLOSE = re.compile(rb"\s*</(?:[A-Za-z_][\w.-]*:)?c\s*>")  # a cell element closed at once: no value
_REF = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})?\$?(\d+)?["']""")
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def check_workbook(path: Path, source: str) -> None:
    """Refuse a workbook whose parts are too large to unpack or whose sheets' used ranges (from A1 to the
    farthest cell holding anything) exceed MAX_CELLS, naming the sheet and the cell that stretches it."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            big = [i for i in infos if i.file_size > MAX_XLSX_PART_BYTES]
            if big:
                raise InputError([Problem(source, f"part {big[0].filename} unpacks to {big[0].file_size / MiB:,.0f} "
                                                  f"MB; expected an .xlsx workbook whose parts are at most "
                                                  f"{MAX_XLSX_PART_BYTES / MiB:,.0f} MB")], source)
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    xml = z.read(info)
                    if _extent_of_every_cell(xml) <= MAX_CELLS:
                        continue  # the usual case, decided by one regular-expression pass
                    rows, cols, far = _used_range(xml)
                    if rows * cols > MAX_CELLS:
                        sheet = _sheet_names(z).get(info.filename, info.filename)
                        raise InputError([Problem(source, (
                            f"sheet '{sheet}' reaches cell {far}, so it spans {rows:,} rows x {cols:,} columns; "
                            f"expected at most {MAX_CELLS:,} cells. A stray value far from the data is the usual "
                            f"cause: in Excel, Ctrl+End jumps to it; delete it (or its rows and columns) and save"))],
                            source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
            zlib.error) as exc:
        raise InputError([Problem(source, f"not a readable .xlsx workbook ({exc.__class__.__name__}); expected "
                                          "an Excel 2007+ file, saved as .xlsx")], source) from None


def _sheet_names(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> the sheet's name as Excel shows it (best effort: {} when it cannot be told)."""
    try:
        rels = {_attrs(m).get(b"Id"): _attrs(m).get(b"Target") for m in
                re.findall(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>", z.read("xl/_rels/workbook.xml.rels"))}
        out = {}
        for m in _SHEET.findall(z.read("xl/workbook.xml")):
            a = _attrs(m)
            rid = next((v for k, v in a.items() if k.endswith(b":id")), None)
            target = rels.get(rid)
            if target is None:
                continue
            part = target.decode("utf-8", "replace").lstrip("/")
            out[part if part.startswith("xl/") else f"xl/{part}"] = a.get(b"name", b"").decode("utf-8", "replace")
        return out
    except (KeyError, zipfile.BadZipFile):
        return {}


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {m[0]: m[1] or m[2] for m in _ATTR.findall(text)}


_FIRST_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')


def _extent_of_every_cell(xml: bytes) -> float:
    """rows x columns spanned by every cell element, formatting-only ones included: an upper bound of the used
    range, exact enough to pass every ordinary sheet in well under a millisecond. It reads cells written as
    Excel and openpyxl write them (`<c r="B7" ...>`); for anything else (a namespace prefix, a cell without its
    reference or with it later) it answers infinity and the careful scan decides."""
    if b":c " in xml or b":c>" in xml:
        return float("inf")
    refs = _FIRST_REF.findall(xml)
    if len(refs) != xml.count(b"<c ") + xml.count(b"<c>"):
        return float("inf")
    if not refs:
        return 0
    rows = max(int(r) for _, r in refs)
    cols = max(_col_number(c.decode()) for c in {c for c, _ in refs})
    return rows * cols


def _used_range(xml: bytes) -> tuple[int, int, str]:
    """(rows, columns, farthest cell) of a worksheet's cells that hold something (not empty elements, self-closing
    or closed at once, which carry only a style: openpyxl with lxml 6 writes the second form). Positions without an `r` attribute follow the previous row or cell."""
    row = col = 0
    max_row = max_col = 0
    far_row = far_col = ""
    for m in _ELEMENT.finditer(xml):
        ref = _REF.search(m.group(2))
        if m.group(1) == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
            continue
        if ref and ref.group(1):
            col = _col_number(ref.group(1).decode())
            if ref.group(2):
                row = int(ref.group(2))
        else:
            col += 1
        if m.group(3) or _CLOSE.match(xml, m.end()):  # <c r="X9" s="1"/> or <c ...></c>: formatting only
            continue
        if row > max_row:
            max_row, far_row = row, f"{_col_letter(col - 1)}{row}"
        if col > max_col:
            max_col, far_col = col, f"{_col_letter(col - 1)}{row}"
    far = far_row if max_row * 16384 >= max_col * 1_048_576 else far_col
    return max_row, max_col, far


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def sheet_rows(ws: Sheet) -> tuple[list[list[str]], list[int]]:
    """Every row of the sheet from row 1 as text, with its Excel row number."""
    rows = [[cell_text(c) for c in r] for r in ws.rows()]
    return rows, list(range(1, len(rows) + 1))


def first_sheet_table(wb, source: str) -> RawTable:
    """The first visible sheet holding data, as a table."""
    for ws in wb.worksheets:
        if not ws.visible:
            continue
        rows, numbers = sheet_rows(ws)
        if any(any(c for c in r) for r in rows):
            table = _tidy(rows, numbers, source)
            table.sheet = ws.title
            return table
    raise InputError([Problem(source, "empty workbook: no sheet holds any data")], source)


def _tidy(rows: list[list[str]], numbers: list[int], source: str) -> RawTable:
    """Header = first non-blank row; blank rows dropped; blank trailing/unnamed columns dropped."""
    kept = [(n, r) for n, r in zip(numbers, rows) if any(r)]  # cells are text: a blank row is all ''
    if not kept:
        raise InputError([Problem(source, "empty file: expected a header row and at least one data row")], source)
    (header_row, header), body = kept[0], kept[1:]
    width = max(len(header), max(map(len, (r for _, r in body)))) if body else len(header)
    header = header + [""] * (width - len(header))
    if any(len(r) != width for _, r in body):
        body = [(n, r if len(r) == width else r + [""] * (width - len(r))) for n, r in body]
    problems, keep_cols = [], []
    for j, h in enumerate(header):
        if h:
            keep_cols.append(j)
        elif any(r[j] for _, r in body):
            first = next(n for n, r in body if r[j])
            problems.append(Problem(source, f"column {_col_letter(j)} holds values (first at row {first}) but has "
                                            "no header; expected a header naming the column", row=header_row))
    seen: dict[str, int] = {}
    for j in keep_cols:
        key = " ".join(header[j].split()).casefold()
        if key in seen:
            problems.append(Problem(source, f"duplicate column header (also column {_col_letter(seen[key])}); "
                                            "expected each header once", row=header_row, column=header[j]))
        seen.setdefault(key, j)
    if problems:
        raise InputError(problems, source)
    if not body:
        raise InputError([Problem(source, "no data rows under the header; expected one row per response")], source)
    every = len(keep_cols) == width
    return RawTable(source, [header[j] for j in keep_cols],
                    [r for _, r in body] if every else [[r[j] for j in keep_cols] for _, r in body],
                    [n for n, _ in body], header_row=header_row)


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        s = chr(65 + rem) + s
    return s
