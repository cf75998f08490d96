"""Spreadsheet layout shared by the questionnaire and the roadmap workbook: row heights and printing."""
from __future__ import annotations


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
