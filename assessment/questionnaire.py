"""The offline questionnaire: an Excel workbook a respondent fills in, and reading it back.

Layout of the `Questionnaire` sheet: name and role cells at the top, then one row per question with a
hidden, stable question id in column A and drop-down lists for the answer and the importance rating.
A hidden `_workbench` sheet marks the file and records the model it was made for.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assessment.model import MaturityModel
from assessment.problems import Problem
from assessment.roles import RoleGroup
from assessment.sheets import fit_rows, print_setup, safe_cell
from assessment.tables import read_excel, sheet_rows

MARKER = "workbench-questionnaire"
FORMAT_VERSION = 1
SHEET = "Questionnaire"
META_SHEET = "_workbench"
LIST_SHEET = "Lists"
HEADERS = ["Question ID", "#", "Domain", "Dimension", "Question", "Your answer", "Importance (optional)",
           "Comment (optional)", "Evidence (optional)"]
UNANSWERED_ADVICE = {
    "exclude": "A question you leave blank is left out of the scores. Please answer every question you can.",
    "zero": "Please answer every question: under this model's method a question left blank counts as the lowest "
            "answer (0), as if the practice did not exist. Choose 'Not applicable' where it truly does not apply.",
}
NAME_LABEL, ROLE_LABEL = "Your name (optional)", "Your role"
COL = {h: i for i, h in enumerate(HEADERS)}  # 0-based column index by header
TIER_COLUMNS = (COL["Domain"], COL["Dimension"])  # labelled with the model's own tier names
WIDTHS = {"A": 10, "B": 5, "C": 20, "D": 26, "E": 70, "F": 24, "G": 22, "H": 36, "I": 30}
NAME_CELL, ROLE_CELL = "D3", "D4"  # labels to their left, in column C (column A is hidden)
HEADER_ROW = 6  # the table of questions starts below the title, name and role
INSTRUCTION_WIDTHS = {"A": 30, "B": 90}
# Styling shared by the sheets, as openpyxl arguments (openpyxl itself is imported only when a workbook is built)
WRAP = {"wrap_text": True, "vertical": "top"}
TITLE_SIZE = 14
HEAD_COLOUR, HEAD_TEXT_COLOUR, INPUT_COLOUR = "1F4E79", "FFFFFF", "FFF2CC"


def build_workbook(model: MaturityModel, client_name: str, client_id: str, roles: list[RoleGroup]):
    """An openpyxl Workbook ready to save: instructions, the questionnaire and its drop-down lists."""
    # openpyxl only when a questionnaire is written: the kernels that score responses never load it
    from openpyxl import Workbook

    wb = Workbook()
    _write_instructions(wb.active, model, client_name)
    list_ranges = _write_lists(wb.create_sheet(LIST_SHEET), model, roles)
    _write_meta(wb.create_sheet(META_SHEET), model, client_id)
    _write_questionnaire(wb.create_sheet(SHEET, 1), model, client_name, list_ranges)
    wb.active = 1
    return wb


def _instruction_lines(model: MaturityModel, client_name: str) -> list[tuple[str | None, str | None]]:
    """The instructions as (label, text) lines: what the questionnaire is, how to fill it in, then each answer
    scale's options; (None, None) is a blank line."""
    rate = ("Optionally rate how important the practice is, and add a comment or evidence."
            if model.importance_scale else "Optionally add a comment or evidence.")
    lines = [
        (f"{model.name} questionnaire: {client_name}", None),
        (None, None),
        ("What this is", f"This questionnaire measures how mature the practices of {client_name} are today, "
                         f"using the model '{model.name}' (version {model.version}). There are no right or "
                         "wrong answers: answer for what you see in your own daily work, not for what is "
                         "written in policies or what you hope for."),
        ("How to fill it in", "1. On the 'Questionnaire' sheet, pick your role (and, if you wish, type your "
                              "name). 2. For every question pick an answer from the drop-down list in the "
                              f"yellow column; a hint in brackets under a question says more. 3. {rate} "
                              "4. Save the file and return it."),
        *_non_answer_lines(model),
        ("Unanswered questions", UNANSWERED_ADVICE[model.unanswered]),
        ("Confidentiality", "Answers are reported by role group, never by person."),
        (None, None),
    ]
    for scale_id, scale in model.scales.items():
        if scale_id == model.importance_scale:
            continue
        lines.append((f"Answer scale: {scale.name or scale_id}", None))
        for opt in scale.options:
            lines.append((scale.display_label(opt), opt.description))
        lines.append((None, None))
    return lines


def _non_answer_lines(model: MaturityModel) -> list[tuple[str, str]]:
    """The line on 'Not applicable' and 'Don't know', only for the kinds the model's scales offer."""
    kinds = {o.kind for sid, s in model.scales.items() if sid != model.importance_scale for o in s.options}
    labels = {"not_applicable": "Not applicable", "dont_know": "Don't know"}
    offered = [labels[k] for k in labels if k in kinds]
    if not offered:
        return []
    when = {"Not applicable": "when a question does not apply", "Don't know": "when you cannot judge it"}
    return [(" / ".join(offered), f"Choose {'these' if len(offered) > 1 else 'it'} "
                                  f"{' or '.join(when[o] for o in offered)}. "
                                  f"{'They are' if len(offered) > 1 else 'It is'} left out of the scores, never "
                                  "counted as zero.")]


def headers(model: MaturityModel) -> list[str]:
    """The question table's header row, its two tier columns named as the model names its tiers."""
    names = [t.name for t in model.tiers]
    dim = [t.id for t in model.tiers].index(model.dimension_tier)
    out = list(HEADERS)
    out[TIER_COLUMNS[0]], out[TIER_COLUMNS[1]] = (names[0] if dim > 0 else "", names[dim])
    return out


def _write_instructions(ins, model: MaturityModel, client_name: str) -> None:
    """The first sheet: the instruction lines, labels in bold, the title large."""
    # openpyxl only when a questionnaire is written: the kernels that score responses never load it
    from openpyxl.styles import Alignment, Font

    ins.title = "Instructions"
    for letter, w in INSTRUCTION_WIDTHS.items():
        ins.column_dimensions[letter].width = w
    bold, wrap = Font(bold=True), Alignment(**WRAP)
    for r, (a, b) in enumerate(_instruction_lines(model, client_name), start=1):
        if a is not None:
            cell = safe_cell(ins, r, 1, a)
            cell.font, cell.alignment = bold, wrap
        if b is not None:
            safe_cell(ins, r, 2, b).alignment = wrap
    ins["A1"].font = Font(bold=True, size=TITLE_SIZE)
    ins["A1"].alignment = Alignment(wrap_text=False)
    fit_rows(ins, INSTRUCTION_WIDTHS, first_row=2)
    print_setup(ins, landscape=False)


def _write_lists(lists, model: MaturityModel, roles: list[RoleGroup]) -> dict[str, str]:
    """The hidden sheet the drop-downs read from: the role names, then each scale's labels, one column each.
    Returns each list's cell range by key ('roles' or a scale id)."""
    # openpyxl only when a questionnaire is written: the kernels that score responses never load it
    from openpyxl.utils import get_column_letter

    list_ranges: dict[str, str] = {}
    columns = [("roles", [r.name for r in roles])]
    columns += [(sid, [s.display_label(o) for o in s.options]) for sid, s in model.scales.items()]
    for j, (key, values) in enumerate(columns, start=1):
        safe_cell(lists, 1, j, key)
        for i, v in enumerate(values, start=2):
            safe_cell(lists, i, j, v)
        letter = get_column_letter(j)
        list_ranges[key] = f"{LIST_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    lists.sheet_state = "hidden"
    return list_ranges


def _write_meta(meta, model: MaturityModel, client_id: str) -> None:
    """The hidden sheet that marks the file as a questionnaire and records the model and client it was made for."""
    for i, (k, v) in enumerate([("marker", MARKER), ("format", FORMAT_VERSION), ("model_id", model.id),
                                ("model_version", model.version), ("client_id", client_id)], start=1):
        safe_cell(meta, i, 1, k)
        safe_cell(meta, i, 2, v)
    meta.sheet_state = "hidden"


def _write_questionnaire(ws, model: MaturityModel, client_name: str, list_ranges: dict[str, str]) -> None:
    """The sheet a respondent fills in: title, name and role, then one row per question below a header row."""
    _write_respondent_cells(ws, client_name, model.name, list_ranges["roles"])
    _write_question_header(ws, model)
    _write_question_rows(ws, model, list_ranges)
    for letter, w in WIDTHS.items():
        ws.column_dimensions[letter].width = w
    ws.column_dimensions["A"].hidden = True  # stable ids stay, out of the respondent's way
    fit_rows(ws, WIDTHS, first_row=HEADER_ROW)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    print_setup(ws, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _write_respondent_cells(ws, client_name: str, model_name: str, roles_range: str) -> None:
    """The title, then the name and role labels with their yellow input cells; the role is picked from a list."""
    # openpyxl only when a questionnaire is written: the kernels that score responses never load it
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    safe_cell(ws, 1, 2, f"{client_name}: {model_name} questionnaire").font = Font(bold=True, size=TITLE_SIZE)
    safe_cell(ws, 3, 3, NAME_LABEL)
    safe_cell(ws, 4, 3, ROLE_LABEL)
    for ref in ("C3", "C4"):
        ws[ref].font = Font(bold=True)
    input_fill = PatternFill("solid", fgColor=INPUT_COLOUR)
    for ref in (NAME_CELL, ROLE_CELL):
        ws[ref].fill = input_fill
        ws[ref].protection = Protection(locked=False)
    role_dv = DataValidation(type="list", formula1=f"={roles_range}", allow_blank=False,
                             showErrorMessage=True, errorTitle="Role", error="Pick your role from the list.")
    ws.add_data_validation(role_dv)
    role_dv.add(ROLE_CELL)


def _write_question_header(ws, model: MaturityModel) -> None:
    """The header row of the question table: white bold text on dark blue."""
    # openpyxl only when a questionnaire is written: the kernels that score responses never load it
    from openpyxl.styles import Alignment, Font, PatternFill

    font, fill = Font(bold=True, color=HEAD_TEXT_COLOUR), PatternFill("solid", fgColor=HEAD_COLOUR)
    wrap = Alignment(**WRAP)
    for j, h in enumerate(headers(model), start=1):
        c = safe_cell(ws, HEADER_ROW, j, h)
        c.font = font
        c.fill = fill
        c.alignment = wrap


def _write_question_rows(ws, model: MaturityModel, list_ranges: dict[str, str]) -> None:
    """One row per question below the header: id (hidden), number, domain, dimension and text, then the yellow
    answer cell with the question scale's drop-down and, when the model rates importance, its drop-down."""
    # openpyxl only when a questionnaire is written: the kernels that score responses never load it
    from openpyxl.styles import Alignment, PatternFill

    wrap, input_fill = Alignment(**WRAP), PatternFill("solid", fgColor=INPUT_COLOUR)
    validations: dict = {}  # scale id -> its drop-down, made at first use
    qt, areas = model.question_table, model.area_table
    for i, q in enumerate(qt.itertuples(index=False), start=1):
        r = HEADER_ROW + i
        dim = q.dimension
        text = f"{q.text}\n({q.help})" if q.help else q.text
        values = [q.question, i, areas.loc[q.top, "name"] if q.top != dim else "", areas.loc[dim, "name"] if dim else "",
                  text]
        for j, v in enumerate(values, start=1):
            safe_cell(ws, r, j, v).alignment = wrap
        for name in ("Your answer", "Importance (optional)", "Comment (optional)", "Evidence (optional)"):
            ws.cell(r, COL[name] + 1).alignment = wrap
        ans = ws.cell(r, COL["Your answer"] + 1)
        ans.fill = input_fill
        _list_validation(ws, validations, list_ranges, q.scale, "Pick an answer from the list.").add(ans.coordinate)
        if model.importance_scale:
            imp = ws.cell(r, COL["Importance (optional)"] + 1)
            _list_validation(ws, validations, list_ranges, model.importance_scale,
                             "Pick an importance rating from the list.").add(imp.coordinate)


def _list_validation(ws, validations: dict, list_ranges: dict[str, str], key: str, error: str):
    """The drop-down of list `key` (a scale id), added to the sheet at its first use and kept in `validations`;
    `error` is what a respondent is told who types something off the list."""
    if key not in validations:
        # openpyxl only when a questionnaire is written: the kernels that score responses never load it
        from openpyxl.worksheet.datavalidation import DataValidation

        dv = DataValidation(type="list", formula1=f"={list_ranges[key]}", allow_blank=True,
                            showErrorMessage=True, errorTitle="Answer", error=error)
        ws.add_data_validation(dv)
        validations[key] = dv
    return validations[key]


@dataclass
class ReturnedWorkbook:
    """What a returned questionnaire holds, before validation against the engagement."""

    respondent: str
    role: str
    role_cell: str
    model_id: str
    model_version: str
    rows: list[dict]  # question, answer, importance, comment, evidence, row, answer_cell


def is_questionnaire(wb) -> bool:
    if META_SHEET not in wb.sheetnames:
        return False
    rows, _ = sheet_rows(wb[META_SHEET])
    return bool(rows) and rows[0][:2] == ["marker", MARKER]


def read_returned(wb, path: Path, source: str) -> tuple[ReturnedWorkbook | None, list[Problem]]:
    """Read a filled-in questionnaire workbook; problems name the sheet and cell."""
    meta_rows, _ = sheet_rows(wb[META_SHEET])
    meta = {r[0]: r[1] for r in meta_rows if len(r) >= 2}
    if SHEET not in wb.sheetnames:
        return None, [Problem(source, f"the sheet '{SHEET}' is missing; expected the questionnaire as sent")]
    rows, numbers = sheet_rows(wb[SHEET])
    name = role = ""
    role_cell = ROLE_CELL
    header_at = None
    for idx, (n, r) in enumerate(zip(numbers, rows)):
        if r and r[0] == HEADERS[0]:
            header_at = idx
            break
        for j, cell in enumerate(r[:-1]):  # a label's value is the cell to its right
            if cell == NAME_LABEL:
                name = r[j + 1]
            elif cell == ROLE_LABEL:
                role, role_cell = r[j + 1], f"{chr(ord('A') + j + 1)}{n}"
    if header_at is None:
        return None, [Problem(source, f"sheet '{SHEET}' has no header row starting with '{HEADERS[0]}'; "
                                      "expected the layout of the questionnaire as sent")]
    found_headers = rows[header_at][:len(HEADERS)]
    fixed = [h for j, h in enumerate(HEADERS) if j not in TIER_COLUMNS]  # the tier columns carry the model's names
    if len(found_headers) != len(HEADERS) or [h for j, h in enumerate(found_headers) if j not in TIER_COLUMNS] != fixed:
        return None, [Problem(source, f"sheet '{SHEET}' row {numbers[header_at]}: columns are {found_headers}; "
                                      f"expected {HEADERS} (do not insert, move or delete columns)")]
    out_rows = []
    for n, r in zip(numbers[header_at + 1:], rows[header_at + 1:]):
        r = r + [""] * (len(HEADERS) - len(r))
        if not any(r):
            continue
        out_rows.append(dict(question=r[COL["Question ID"]], answer=r[COL["Your answer"]],
                             importance=r[COL["Importance (optional)"]], comment=r[COL["Comment (optional)"]],
                             evidence=r[COL["Evidence (optional)"]], row=n))
    respondent = name.strip() or path.stem
    return ReturnedWorkbook(respondent, role, role_cell, str(meta.get("model_id", "")),
                            str(meta.get("model_version", "")), out_rows), []


def open_workbook(path: Path, source: str):
    return read_excel(path, source)
