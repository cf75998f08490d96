"""Class 5: workbooks with a huge used range. A stray value in XFD1048576 used to make the reader ask for
512 GB and abort the process with no file named. Sheets are measured from their XML first: refused with the
sheet and the cell, in a process that lives on."""
from __future__ import annotations

import shutil

from hostile_inputs import NORTHBANK, copy_example, far_value_workbook, snapshot, workbench

from conftest import EXAMPLES

ST_ALDHELMS = "st-aldhelms-facilities"
FORMS_EXPORT = "Facilities maturity survey(1-32).xlsx"


def test_a_returned_questionnaire_with_a_value_in_xfd1048576_is_refused_by_sheet_and_cell(tmp_path):
    folder = copy_example(NORTHBANK, tmp_path / "nb")
    returned = folder / "responses" / "questionnaire-ivo-rossi.xlsx"
    far_value_workbook(returned, returned, sheet="Questionnaire")
    before = snapshot(folder)
    r = workbench("validate", folder, process=True)
    assert r.returncode == 2  # not -6 (SIGABRT)
    assert ("responses/questionnaire-ivo-rossi.xlsx: sheet 'Questionnaire' reaches cell XFD1048576, so it spans "
            "1,048,576 rows x 16,384 columns; expected at most 10,000,000 cells") in r.stderr
    assert "Ctrl+End" in r.stderr  # and how to find it
    assert snapshot(folder) == before


def test_a_forms_export_with_a_stray_value_far_below_is_refused_and_formatting_alone_is_not(tmp_path):
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    folder = copy_example(ST_ALDHELMS, tmp_path / "sa")
    export = folder / "responses" / FORMS_EXPORT
    far_value_workbook(EXAMPLES / ST_ALDHELMS / "responses" / FORMS_EXPORT, export, cell="ZZ900000")
    r = workbench("validate", folder, process=True)
    assert r.returncode == 2 and "reaches cell ZZ900000" in r.stderr

    shutil.copy(EXAMPLES / ST_ALDHELMS / "responses" / FORMS_EXPORT, export)
    wb = load_workbook(export)
    wb.active["XFD1048576"].font = Font(bold=True)  # a formatted but empty cell holds nothing
    wb.save(export)
    r = workbench("validate", folder, process=True)
    assert r.returncode == 0 and "32 respondents" in r.stdout, r.stderr


def test_a_damaged_or_bomb_workbook_is_refused_by_name(tmp_path):
    import zipfile

    folder = copy_example(NORTHBANK, tmp_path / "nb")
    with zipfile.ZipFile(folder / "responses" / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 600_000_000 + b"</a>")  # 600 MB unpacked, 600 kB packed
    returned = folder / "responses" / "questionnaire-ivo-rossi.xlsx"
    data = bytearray(returned.read_bytes())
    data[len(data) // 2: len(data) // 2 + 40] = bytes(40)  # a damaged download
    returned.write_bytes(bytes(data))
    r = workbench("validate", folder, process=True)
    assert r.returncode == 2
    assert "responses/bomb.xlsx: part xl/worksheets/sheet1.xml unpacks to 572 MB" in r.stderr
    assert "responses/questionnaire-ivo-rossi.xlsx: not a readable .xlsx workbook" in r.stderr
