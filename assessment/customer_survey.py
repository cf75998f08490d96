"""The customer survey: a short questionnaire built from the client's driver tree, and reading it back.

One row per driver asks how well the organisation does it (performance) and how important it is to the
customer (importance), both from 1 to 5; then an optional overall satisfaction (1-5), how likely the customer
is to recommend the organisation (0-10) and one open comment. The workbook serves an interview or a customer
who fills it in; its sheet "Online form" lists the same questions with the column header each should have in an
online form, and `form_headers` gives those headers for a column template. A hidden `_workbench` sheet marks a
returned workbook, as it marks the staff questionnaire.
"""
from __future__ import annotations

from dataclasses import dataclass

from assessment.customers import PERFORMANCE_SCALE, DriverTree
from assessment.problems import Problem
from assessment.sheets import fit_rows, print_setup, safe_cell
from assessment.tables import sheet_rows

MARKER = "workbench-customer-survey"
FORMAT_VERSION = 1
SHEET = "Customer survey"
FORM_SHEET = "Online form"
META_SHEET = "_workbench"
RECOMMEND_SCALE = (0, 10)
DATE_LABEL = "Date of the conversation"
CUSTOMER_LABEL = "Customer or organisation (optional)"
HEADERS = ["Driver ID", "What customers expect", "Question", "How well do we do it? (1-5)",
           "How important is it to you? (1-5)"]
OVERALL_LABEL = "Overall, how satisfied are you with our service? (1 = very dissatisfied, 5 = very satisfied)"
RECOMMEND_LABEL = "How likely are you to recommend us to a colleague? (0 = not at all, 10 = certainly)"
COMMENT_LABEL = "Is there anything else you would like to tell us?"
HEADER_ROW = 7
WIDTHS = {"A": 22, "B": 34, "C": 64, "D": 18, "E": 18}
FORM_WIDTHS = {"A": 64, "B": 64, "C": 30}
HEAD_COLOUR, HEAD_TEXT_COLOUR, INPUT_COLOUR = "1F4E79", "FFFFFF", "FFF2CC"

# The column headers of an online form's export (Microsoft or Google Forms, SurveyMonkey): what the reader
# recognises without any mapping in client.yaml.
FORM_DATE, FORM_CUSTOMER = "Date", "Customer (optional)"
FORM_OVERALL = "Overall satisfaction (1-5)"
FORM_RECOMMEND = "Likelihood to recommend (0-10)"
FORM_COMMENT = "Comment"


def performance_header(driver_id: str, question: str) -> str:
    return f"[{driver_id}] {question} (1-5)"


def importance_header(driver_id: str, name: str) -> str:
    return f"[{driver_id}] How important is it to you: {name}? (1-5)"


def form_headers(tree: DriverTree, extras: bool = True) -> list[str]:
    """The columns of an online form's export that the reader takes as they are: date and customer, then per
    driver its performance and importance question (tagged with the driver id, so a form may word the rest as
    it likes), then overall satisfaction, likelihood to recommend and the comment (`extras`)."""
    cols = [FORM_DATE, FORM_CUSTOMER]
    for d in tree.drivers:
        cols += [performance_header(d.id, d.question), importance_header(d.id, d.name)]
    if extras:
        cols += [FORM_OVERALL, FORM_RECOMMEND]
    return cols + [FORM_COMMENT]


def build_survey(tree: DriverTree, client_name: str, client_id: str, extras: bool = True):
    """An openpyxl Workbook ready to save: the survey sheet, the online-form sheet and the marker sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _write_survey(ws, tree, client_name, extras)
    _write_form(wb.create_sheet(FORM_SHEET), tree, extras)
    meta = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate([("marker", MARKER), ("format", FORMAT_VERSION), ("client_id", client_id)], start=1):
        safe_cell(meta, i, 1, k)
        safe_cell(meta, i, 2, v)
    meta.sheet_state = "hidden"
    return wb


def _write_survey(ws, tree: DriverTree, client_name: str, extras: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wrap = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor=INPUT_COLOUR)
    _heading(ws, 2, f"How are we doing? A short survey for the customers of {client_name}",
             "It takes about five minutes. For each line, say how well we do it today and how much it matters to you, "
             "from 1 (very poorly, not at all) to 5 (very well, essential). Leave a line blank if you cannot judge it.",
             "B2:E2", 34)
    for r, label in ((4, DATE_LABEL), (5, CUSTOMER_LABEL)):
        safe_cell(ws, r, 2, label).font = Font(bold=True)
        ws.cell(r, 3).fill = fill
    ws.cell(4, 3).number_format = "yyyy-mm-dd"
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                           showErrorMessage=True, errorTitle="Date", error="Enter the date as YYYY-MM-DD.")
    ws.add_data_validation(dates)
    dates.add("C4")
    _header_row(ws, HEADER_ROW, HEADERS, wrap)
    rating = _whole_numbers(*PERFORMANCE_SCALE)
    ws.add_data_validation(rating)
    row = HEADER_ROW
    for d in tree.drivers:
        row += 1
        for j, v in enumerate([d.id, d.name, d.question], start=1):
            safe_cell(ws, row, j, v).alignment = wrap
        for j in (4, 5):
            ws.cell(row, j).fill = fill
            rating.add(ws.cell(row, j).coordinate)
    row += 1
    closing = [(OVERALL_LABEL, PERFORMANCE_SCALE), (RECOMMEND_LABEL, RECOMMEND_SCALE)] if extras else []
    for label, (lo, hi) in closing:
        row += 1
        safe_cell(ws, row, 3, label).alignment = wrap
        ws.cell(row, 4).fill = fill
        dv = _whole_numbers(lo, hi)
        ws.add_data_validation(dv)
        dv.add(ws.cell(row, 4).coordinate)
    row += 2
    safe_cell(ws, row, 3, COMMENT_LABEL).font = Font(bold=True)
    ws.cell(row + 1, 3).fill = fill
    ws.cell(row + 1, 3).alignment = wrap
    ws.merge_cells(start_row=row + 1, start_column=3, end_row=row + 1, end_column=5)
    for letter, w in WIDTHS.items():
        ws.column_dimensions[letter].width = w
    ws.column_dimensions["A"].hidden = True  # the stable driver ids stay, out of the customer's way
    fit_rows(ws, WIDTHS, first_row=HEADER_ROW)
    ws.row_dimensions[row + 1].height = 90
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)
    print_setup(ws, landscape=False, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _heading(ws, column: int, title: str, intro: str, merged: str, height: float) -> None:
    """A sheet's title in row 1 and its introduction in row 2, wrapped across the cells `merged`."""
    from openpyxl.styles import Alignment, Font

    safe_cell(ws, 1, column, title).font = Font(bold=True, size=14)
    safe_cell(ws, 2, column, intro).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(merged)
    ws.row_dimensions[2].height = height


def _header_row(ws, row: int, headers: list[str], alignment=None) -> None:
    """White bold headers on dark blue, from column A."""
    from openpyxl.styles import Font, PatternFill

    font, fill = Font(bold=True, color=HEAD_TEXT_COLOUR), PatternFill("solid", fgColor=HEAD_COLOUR)
    for j, h in enumerate(headers, start=1):
        c = safe_cell(ws, row, j, h)
        c.font, c.fill = font, fill
        if alignment is not None:
            c.alignment = alignment


def _whole_numbers(lo: int, hi: int):
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True,
                          showErrorMessage=True, errorTitle="Rating", error=f"Enter a whole number from {lo} to {hi}.")


def _write_form(ws, tree: DriverTree, extras: bool) -> None:
    """What to put in an online form: each question, its answer type, and the column header its export should
    carry (the reader finds a driver by the [id] in the header, whatever else the form's author writes)."""
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    _heading(ws, 1, "Building the survey as an online form (Microsoft Forms, Google Forms, ...)",
             "Make one question per row below, in this order, and title it as in the first column (or keep the "
             "[driver id] in whatever title you choose). Export the answers as .xlsx or .csv into the engagement's "
             "customers/ folder: a file per week is normal.", "A2:C2", 48)
    _header_row(ws, 4, ["Question title (column header in the export)", "What to ask", "Answer"])
    rows = [(FORM_DATE, "The date of the answer (the form's own timestamp will do)", "Date"),
            (FORM_CUSTOMER, "Who answered (kept out of every report)", "Text, optional")]
    for d in tree.drivers:
        rows += [(performance_header(d.id, d.question), d.question, "Rating 1-5"),
                 (importance_header(d.id, d.name), f"How important is it to you: {d.name.lower()}?", "Rating 1-5")]
    if extras:
        rows += [(FORM_OVERALL, OVERALL_LABEL, "Rating 1-5, optional"),
                 (FORM_RECOMMEND, RECOMMEND_LABEL, "Rating 0-10, optional")]
    rows.append((FORM_COMMENT, COMMENT_LABEL, "Long text, optional"))
    for i, r in enumerate(rows, start=5):
        for j, v in enumerate(r, start=1):
            safe_cell(ws, i, j, v).alignment = wrap
    for letter, w in FORM_WIDTHS.items():
        ws.column_dimensions[letter].width = w
    fit_rows(ws, FORM_WIDTHS, first_row=4)


@dataclass
class ReturnedSurvey:
    """What a returned survey workbook holds: the date and customer cells, and each answered line."""

    date: str
    date_cell: str
    customer: str
    lines: list[dict]  # item ('driver-id', 'overall', 'recommend', 'comment'), measure, value, row, column


def is_survey(wb) -> bool:
    if META_SHEET not in wb.sheetnames:
        return False
    rows, _ = sheet_rows(wb[META_SHEET])
    return bool(rows) and rows[0][:2] == ["marker", MARKER]


def read_survey(wb, source: str) -> tuple[ReturnedSurvey | None, list[Problem]]:
    """Read a filled-in survey workbook by its labels (rows may have moved); problems name sheet and row."""
    if SHEET not in wb.sheetnames:
        return None, [Problem(source, f"the sheet '{SHEET}' is missing; expected the customer survey as sent")]
    rows, numbers = sheet_rows(wb[SHEET])
    date = customer = ""
    date_cell = "C4"
    header_at = None
    lines: list[dict] = []
    for idx, (n, r) in enumerate(zip(numbers, rows)):
        r = r + [""] * (len(HEADERS) - len(r))
        if header_at is None:
            if r[0] == HEADERS[0]:
                if r[:len(HEADERS)] != HEADERS:
                    return None, [Problem(source, f"sheet '{SHEET}' row {n}: columns are {r[:len(HEADERS)]}; "
                                                  f"expected {HEADERS} (do not insert, move or delete columns)")]
                header_at = idx
            elif r[1] == DATE_LABEL:
                date, date_cell = r[2], f"C{n}"
            elif r[1] == CUSTOMER_LABEL:
                customer = r[2]
            continue
        if r[0]:
            lines += [{"item": r[0], "measure": m, "value": r[j], "row": n, "column": HEADERS[j]}
                      for m, j in (("performance", 3), ("importance", 4)) if r[j]]
        elif r[2] == OVERALL_LABEL and r[3]:
            lines.append({"item": "overall", "measure": "overall", "value": r[3], "row": n, "column": HEADERS[3]})
        elif r[2] == RECOMMEND_LABEL and r[3]:
            lines.append({"item": "recommend", "measure": "recommend", "value": r[3], "row": n, "column": HEADERS[3]})
        elif r[2] == COMMENT_LABEL:
            below = rows[idx + 1] if idx + 1 < len(rows) else []
            text = below[2] if len(below) > 2 else ""
            if text:
                lines.append({"item": "comment", "measure": "comment", "value": text, "row": n + 1, "column": "C"})
    if header_at is None:
        return None, [Problem(source, f"sheet '{SHEET}' has no header row starting with '{HEADERS[0]}'; expected the "
                                      "layout of the customer survey as sent")]
    return ReturnedSurvey(date, date_cell, customer, lines), []
