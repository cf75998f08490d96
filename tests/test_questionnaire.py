"""The offline questionnaire: what a respondent sees, and reading the returned workbook back."""
from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from assessment.model import load_model
from workbench.engagement.folder import assess_engagement


def fill(src, dest, name, role, answer_for, importance=None, comment=None):
    wb = load_workbook(src)
    ws = wb["Questionnaire"]
    ws["D3"], ws["D4"] = name, role
    for r in range(7, ws.max_row + 1):
        qid = ws.cell(r, 1).value
        if qid:
            ws.cell(r, 6, answer_for(qid))
            if importance:
                ws.cell(r, 7, importance)
            if comment and qid == "STR1":
                ws.cell(r, 8, comment)
    wb.save(dest)


def test_workbook_has_instructions_dropdowns_and_hidden_ids(engagement):
    wb = load_workbook(engagement / "questionnaire.xlsx")
    assert wb.sheetnames[:2] == ["Instructions", "Questionnaire"]
    assert wb["_workbench"].sheet_state == "hidden" and wb["Lists"].sheet_state == "hidden"
    ws = wb["Questionnaire"]
    assert ws.column_dimensions["A"].hidden
    model = load_model("service-management")
    ids = [ws.cell(r, 1).value for r in range(7, ws.max_row + 1)]
    assert ids == list(model.question_table["question"])
    assert ws["C3"].value.startswith("Your name") and ws["C4"].value == "Your role"
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    lists = wb["Lists"]
    labels = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, 10) if lists.cell(r, c).value]
              for c in range(1, lists.max_column + 1)}
    assert labels["maturity5"][:5] == ["1 - Initial", "2 - Repeatable", "3 - Defined", "4 - Measured",
                                       "5 - Optimising"]
    assert "Not applicable" in labels["maturity5"] and "Don't know" in labels["maturity5"]
    assert labels["roles"] == ["Leadership", "Management", "Front line"]
    assert len(formulas) == 3  # roles, answers, importance
    f_cells = [dv for dv in ws.data_validations.dataValidation if "F7" in str(dv.sqref)]
    assert f_cells, "the answer column has a drop-down"
    text = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert "Acme IT Service Desk" in text and "never counted as zero" in text


def test_returned_workbooks_round_trip_into_scores(engagement, workbench):
    src = engagement / "questionnaire.xlsx"
    resp = engagement / "responses"
    fill(src, resp / "a.xlsx", "Ann Leader", "Leadership", lambda q: "4 - Measured", importance="5 - Critical",
         comment="We review SLAs monthly")
    fill(src, resp / "b.xlsx", "Bo Agent", "Front line",
         lambda q: "Not applicable" if q == "STR1" else "2 - Repeatable")
    fill(src, resp / "c.xlsx", None, "Front line", lambda q: "Don't know" if q.startswith("STR") else "3 - Defined")
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r
    assert "3 respondents" in r.stdout
    _, result = assess_engagement(engagement)
    dims = result.dimensions.set_index("area")
    # strategy-vision: Ann 4 (all), Bo 2 (STR1 excluded), anonymous answered only "don't know" -> no score
    assert dims.loc["strategy-vision", "n"] == 2
    assert dims.loc["strategy-vision", "mean"] == pytest.approx(3.0)
    assert dims.loc["service-levels", "mean"] == pytest.approx(3.0)  # (4 + 2 + 3) / 3
    assert set(result.respondents["respondent"]) == {"Ann Leader", "Bo Agent", "c"}
    gap = result.perception_gap.set_index("dimension")
    assert gap.loc["service-levels", "gap"] == pytest.approx(4 - 2.5)
    q = result.questions.set_index("question")
    assert q.loc["STR1", "n_not_applicable"] == 1 and q.loc["STR1", "n_dont_know"] == 1
    assert len(result.importance) == len(q)  # Ann rated importance everywhere


def test_a_workbook_with_a_bad_role_and_answer_names_the_cells(engagement, workbench):
    src = engagement / "questionnaire.xlsx"
    fill(src, engagement / "responses" / "x.xlsx", "Xu", "Intern", lambda q: "7 - Magic" if q == "SLM2" else "3")
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert "responses/x.xlsx" in r.stderr
    assert "row 4, column 'D4 (Your role)': role 'Intern' is not one of" in r.stderr
    assert "column 'F (Your answer)'" in r.stderr and "'7 - Magic' to SLM2 is not on the scale" in r.stderr
    assert "'3 - Defined'" in r.stderr  # what was expected


def test_a_questionnaire_for_another_model_is_refused(engagement, tmp_path, workbench):
    other = tmp_path / "sec"
    assert workbench("init-client", other, "--name", "Sec", "--model", "samm-lite").exit_code == 0
    shutil.copy(other / "questionnaire.xlsx", engagement / "responses" / "wrong.xlsx")
    r = workbench("validate", engagement)
    assert r.exit_code == 2 and "made for model 'samm-lite'" in r.stderr


def test_everything_a_respondent_must_read_or_fill_is_visible(engagement):
    ws = load_workbook(engagement / "questionnaire.xlsx")["Questionnaire"]
    hidden = {letter for letter, dim in ws.column_dimensions.items() if dim.hidden}
    assert hidden == {"A"}
    for row in ws.iter_rows(min_row=1, max_row=5):  # title, name and role, above the table
        for cell in row:
            if cell.value:
                assert cell.column_letter not in hidden, cell.coordinate
    dv_cells = " ".join(str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert "D4" in dv_cells  # the role drop-down sits in the visible input cell
    longest = max(range(7, ws.max_row + 1), key=lambda r: len(ws.cell(r, 5).value or ""))
    assert ws.row_dimensions[longest].height > 30  # wrapped text gets room, no overlapping rows
