"""What every spreadsheet and CSV file we write shares: the guard that keeps text from becoming a live formula,
row heights and printing.

Client and model text comes from other people (a role name, a client name, a custom model's dimension names,
a "decided by" typed in the workshop). A spreadsheet reads a cell beginning with =, +, -, @ (or a tab or line
break before one) as a formula, e.g. =HYPERLINK(...) or a DDE payload. Every workbook cell we write goes through
`safe_cell` and every CSV field through `csv_text` / `write_csv`, so such text stays text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from typing import Iterable

import pandas as pd

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what the xlsx format cannot hold in a cell
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def formula_like(value: object) -> bool:
    """True for text a spreadsheet would evaluate: it starts with a formula character and is not a number."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value)


def safe_cell(ws, row: int, col: int, value=None):
    """Write a value into an openpyxl sheet; text that a spreadsheet would read as a formula is stored as text
    (shown with Excel's text prefix, so it stays text when the cell is edited). Returns the cell."""
    if (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        value = None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str):
        value = _CONTROL.sub("", value)  # a control character in a name would make the workbook unwritable
    cell = ws.cell(row, col)
    cell.value = value
    if formula_like(value) or (isinstance(value, str) and cell.data_type == "f"):
        cell.data_type = "s"      # openpyxl would otherwise store '=...' as a formula
        cell.quotePrefix = True
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, float):
        cell.number_format = "0.00"
    return cell


def csv_text(value: object) -> object:
    """A CSV field that no spreadsheet will evaluate: formula-like text gets a leading apostrophe, the mark
    spreadsheets use for "this is text"; everything else is returned as it is."""
    return "'" + value if formula_like(value) else value


def write_csv(rows: Iterable[Iterable[object]], header: list[str] | None = None) -> str:
    """CSV text of `rows` (and a header), every field through `csv_text`; lines end with \\n."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header is not None:
        w.writerow([csv_text(h) for h in header])
    for row in rows:
        w.writerow([csv_text(v) for v in row])
    return buf.getvalue()


def frame_to_csv(df, **kwargs) -> str:
    """DataFrame.to_csv with every text field through `csv_text` (column names too)."""
    guarded = df.rename(columns=lambda c: csv_text(c) if isinstance(c, str) else c)
    for c in guarded.columns:
        if pd.api.types.is_object_dtype(guarded[c]) or pd.api.types.is_string_dtype(guarded[c]):
            guarded[c] = guarded[c].map(csv_text, na_action="ignore")
    buf = io.StringIO()
    guarded.to_csv(buf, index=False, lineterminator="\n", **kwargs)
    return buf.getvalue()


def fit_rows(ws, widths: dict[str, float], first_row: int = 1) -> None:
    """Set row heights for wrapped text: spreadsheet apps do not grow rows written by a library."""
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.column_letter in widths:
                per_line = max(int(widths[cell.column_letter] * 1.1), 1)
                lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in cell.value.split("\n")))
        ws.row_dimensions[row[0].row].height = 15 * lines + 2


def print_setup(ws, landscape: bool, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if title_rows:
        ws.print_title_rows = title_rows
