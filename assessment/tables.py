"""Reading CSV and XLSX files as survey tools and spreadsheets write them, into plain text tables.

Copes with UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252, `,` `;` tab and `|` delimiters,
stray whitespace, blank rows and columns, and Excel cells of any type. Nothing here depends on the locale.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

from assessment.problems import InputError, Problem

DELIMITERS = [",", ";", "\t", "|"]
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


def decode_bytes(data: bytes, source: str) -> str:
    """Text of a CSV file: BOMs honoured, then UTF-8, then Windows-1252; otherwise a clear error."""
    if data.startswith(codecs.BOM_UTF8):
        data, encodings = data[3:], ["utf-8"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif b"\x00" in data[:4096]:
        raise InputError([Problem(source, "unreadable encoding: the file holds binary data; expected a CSV "
                                          "text file in UTF-8 or Windows-1252 (or an .xlsx workbook)")], source)
    else:
        encodings = ["utf-8", "cp1252"]
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            last = exc
    raise InputError([Problem(source, f"unreadable encoding: byte 0x{data[last.start]:02x} at offset {last.start} "
                                      "is neither UTF-8 nor Windows-1252; save the file as 'CSV UTF-8'")], source)


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
    data = path.read_bytes()
    if not data.strip():
        raise InputError([Problem(source, "empty file: expected a header row and at least one data row")], source)
    text = decode_bytes(data, source)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = [[cell_text(c) for c in r] for r in reader]
    return _tidy(rows, list(range(1, len(rows) + 1)), source)


class Sheet:
    """One worksheet of a workbook read with calamine: its name, visibility and rows from A1."""

    def __init__(self, book, name: str, visible: bool):
        self._book, self.title, self.visible = book, name, visible
        self.sheet_state = "visible" if visible else "hidden"

    def rows(self) -> list[list]:
        return self._book.get_sheet_by_name(self.title).to_python(skip_empty_area=False)


class Workbook:
    """A read-only view of an .xlsx file: `sheetnames`, `worksheets` and `book[name]`, as openpyxl offers."""

    def __init__(self, book):
        from python_calamine import SheetVisibleEnum

        self.worksheets = [Sheet(book, m.name, m.visible == SheetVisibleEnum.Visible) for m in book.sheets_metadata]
        self.sheetnames = [ws.title for ws in self.worksheets]

        self._book = book

    def __getitem__(self, name: str) -> Sheet:
        return self.worksheets[self.sheetnames.index(name)]

    def close(self) -> None:
        if hasattr(self._book, "close"):
            self._book.close()


def read_excel(path: Path, source: str) -> Workbook:
    """Open a workbook; raises InputError when it is not a readable .xlsx.

    Read with calamine (Rust), about twenty times faster than openpyxl for the returned questionnaires of an
    engagement; openpyxl is still what writes our workbooks."""
    from python_calamine import CalamineWorkbook

    if path.stat().st_size == 0:
        raise InputError([Problem(source, "empty file: expected an .xlsx workbook")], source)
    try:
        return Workbook(CalamineWorkbook.from_path(str(path)))
    except Exception as exc:  # calamine's own errors (not a zip, no workbook part, a corrupt sheet)
        raise InputError([Problem(source, f"not a readable .xlsx workbook ({exc.__class__.__name__}); "
                                          "expected an Excel 2007+ file, saved as .xlsx")], source) from None


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
    kept = [(n, r) for n, r in zip(numbers, rows) if any(c for c in r)]
    if not kept:
        raise InputError([Problem(source, "empty file: expected a header row and at least one data row")], source)
    (header_row, header), body = kept[0], kept[1:]
    width = max(len(header), *(len(r) for _, r in body)) if body else len(header)
    header = header + [""] * (width - len(header))
    body = [(n, r + [""] * (width - len(r))) for n, r in body]
    problems, keep_cols = [], []
    for j, h in enumerate(header):
        has_values = any(r[j] for _, r in body)
        if h:
            keep_cols.append(j)
        elif has_values:
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
    return RawTable(source, [header[j] for j in keep_cols], [[r[j] for j in keep_cols] for _, r in body],
                    [n for n, _ in body], header_row=header_row)


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        s = chr(65 + rem) + s
    return s
