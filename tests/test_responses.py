"""Responses as survey tools and spreadsheets really export them, and clear errors when they are wrong."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import Workbook

from assessment.model import load_model
from workbench.engagement.folder import assess_engagement

MODEL = load_model("service-management")
QIDS = list(MODEL.question_table["question"])
TEXTS = dict(zip(MODEL.question_table["question"], MODEL.question_table["text"]))
LABELS = {1: "1 - Initial", 2: "2 - Repeatable", 3: "3 - Defined", 4: "4 - Measured", 5: "5 - Optimising"}


def write_csv(path, rows, delimiter=",", encoding="utf-8", bom=False):
    def cell(v):
        v = "" if v is None else str(v)
        return f'"{v}"' if (delimiter in v or '"' in v or "\n" in v) else v
    text = "\r\n".join(delimiter.join(cell(v) for v in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def long_rows(people, value_for=lambda p, q: 3):
    rows = [["respondent", "role", "question_id", "answer", "importance", "comment"]]
    for person, role in people:
        rows += [[person, role, q, value_for(person, q), "", ""] for q in QIDS]
    return rows


def mean_of(folder, dim="service-levels"):
    _, result = assess_engagement(folder)
    return result.dimensions.set_index("area").loc[dim, "mean"]


def test_google_forms_csv_in_windows_1252_with_semicolons_and_question_texts(engagement, workbench):
    header = ["Timestamp", "Email Address", "Role"] + [TEXTS[q] for q in QIDS]
    rows = [header,
            ["2026/10/01 09:15:00", "zoë@acme.example", "Leadership"] + [str(4)] * len(QIDS),
            ["2026/10/01 10:15:00", "józef@acme.example", "front line "] + ["  2 - Repeatable "] * len(QIDS),
            ["", "", ""] + [""] * len(QIDS)]  # trailing blank row
    write_csv(engagement / "responses" / "google.csv", rows, delimiter=";", encoding="cp1252")
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r
    assert "2 respondents" in r.stdout
    _, result = assess_engagement(engagement)
    assert set(result.respondents["respondent"]) == {"zoë@acme.example", "józef@acme.example"}
    assert result.overall["mean"] == pytest.approx(3.0)
    assert result.perception_gap.set_index("dimension").loc["collaboration", "gap"] == pytest.approx(2.0)


def test_microsoft_forms_xlsx_with_id_prefixed_headers_excel_dates_and_blank_columns(engagement, workbench):
    wb = Workbook()
    ws = wb.active
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", "Your role"]
              + [f"{q} - {TEXTS[q]}" for q in QIDS] + [None, None])
    for i, (role, v) in enumerate([("Leadership", 5), ("Management", 4), ("Front line", 3)], start=1):
        when = dt.datetime(2026, 10, 2, 9, i)
        ws.append([i, when, when, "anonymous", f"Person {i}", role] + [LABELS[v]] * len(QIDS) + [None, None])
    ws.append([None] * (len(QIDS) + 8))
    wb.save(engagement / "responses" / "forms.xlsx")
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r
    assert mean_of(engagement) == pytest.approx(4.0)


def test_duplicate_forms_identity_is_an_error(engagement, workbench):
    header = ["Timestamp", "Email", "Role"] + QIDS
    rows = [header, ["45567.4375", "a@x.org", "Leadership"] + ["3"] * len(QIDS),
            ["45567.5", "A@X.org", "Front line"] + ["3"] * len(QIDS)]
    write_csv(engagement / "responses" / "dup.csv", rows)
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert "responses/dup.csv, row 3: duplicate respondent 'A@X.org' (also row 2)" in r.stderr


def test_headers_that_match_nothing_are_mapped_in_client_yaml(engagement, workbench):
    header = ["Timestamp", "What is your job?", "Rate our SLAs", "Importance: Rate our SLAs", "Free text"] + QIDS[1:]
    slm_index = QIDS.index("SLM1")
    rows = [header, ["", "Leadership", "4", "5", "fine"] + ["3"] * (len(QIDS) - 1),
            ["", "Front line", "2", "4", ""] + ["3"] * (len(QIDS) - 1)]
    assert QIDS[0] != "SLM1" and slm_index > 0
    header[5 + slm_index - 1] = "SLM1 (old)"  # the export's own copy of SLM1 is dropped below
    rows = [[c for j, c in enumerate(r) if j != 5 + slm_index - 1] for r in rows]
    write_csv(engagement / "responses" / "export.csv", rows)
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    for h in ("What is your job?", "Rate our SLAs", "Free text"):
        assert f"column '{h}': column matches no question" in r.stderr
    assert "responses: columns:" in r.stderr
    cfg = engagement / "client.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("responses:\n  columns: {}", """responses:
  columns:
    "What is your job?": role
    "Rate our SLAs": SLM1
    "Importance: Rate our SLAs": "importance:SLM1"
    "Free text": comment"""), encoding="utf-8")
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r
    _, result = assess_engagement(engagement)
    q = result.questions.set_index("question")
    assert q.loc["SLM1", "mean"] == pytest.approx(3.0) and q.loc["SLM1", "n"] == 2
    imp = result.importance.set_index("question")
    assert imp.loc["SLM1", "importance"] == pytest.approx(4.5)


def test_decimal_commas_utf8_bom_and_stray_whitespace_score_like_clean_input(tmp_path, workbench):
    def make(name, values, **kw):
        folder = tmp_path / name
        assert workbench("init-client", folder, "--name", name, "--model", "samm-lite").exit_code == 0
        model = load_model("samm-lite")
        rows = [["respondent", "role", "question", "answer"]]
        for q, v in zip(model.question_table["question"], values * 10):
            rows.append([" r1 ", "Leadership", q, v])
        write_csv(folder / "responses" / "a.csv", rows, **kw)
        return folder
    a = make("points", ["0.25", "0.5", "1", "0"])
    b = make("commas", [" 0,25", "0,5 ", "1,0", "0"], delimiter=";", bom=True)
    c = make("labels", ["Yes, for some", "yes, for at least half", "Yes, for most or all", "No"], delimiter="\t")
    profiles = [assess_engagement(f)[1].areas.set_index("area")["mean"] for f in (a, b, c)]
    assert profiles[0].equals(profiles[1]) and profiles[0].equals(profiles[2])


def test_every_problem_of_a_long_file_is_listed_with_row_and_column(engagement, workbench):
    rows = long_rows([("Ann", "Leadership"), ("Bo", "Front line")])
    rows[3][2] = "SLMM1"          # unknown question id, row 4
    rows[5][3] = "6"              # not on the scale, row 6
    rows[7][3] = "Sometimes"      # not on the scale, row 8
    rows[9][1] = "Intern"         # unknown role, row 10
    rows.append(list(rows[60]))   # duplicate answer of Bo, row 113
    write_csv(engagement / "responses" / "long.csv", rows)
    r = workbench("score", engagement)
    assert r.exit_code == 2
    assert r.stdout == ""  # nothing scored, nothing printed
    err = r.stderr
    assert "responses/long.csv, row 4, column 'question_id': unknown question id 'SLMM1'" in err
    assert "did you mean 'SLM1'?" in err
    assert "row 6, column 'answer': answer '6'" in err and "'5 - Optimising'" in err
    assert "row 8, column 'answer': answer 'Sometimes'" in err
    assert "row 10, column 'role': role 'Intern' is not a role group" in err
    assert f"row {len(rows)}, column 'question_id': respondent 'Bo' answered" in err
    assert "(first at row 61)" in err
    assert "5 problems" in err


def test_missing_required_column_names_what_is_needed(engagement, workbench):
    write_csv(engagement / "responses" / "x.csv", [[""], ["respondent", "question", "answer"], ["a", "STR1", "3"]])
    write_csv(engagement / "responses" / "y.csv", [["respondent", "role", "question", "my view"], ["a", "x", "y", "3"]])
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert "x.csv, row 2: missing required column 'role'" in r.stderr
    assert "found: respondent, question, answer" in r.stderr
    assert "y.csv, row 1: missing required column 'answer'" in r.stderr


@pytest.mark.parametrize("content, expected", [
    (b"", "empty file"),
    (b"\r\n ,,\r\n\r\n", "empty file"),
    (b"respondent,role,question,answer\r\n", "no data rows"),
    (b"respondent,role,question,answer\r\nAnn,Leadership,STR1,\x81\x8d3\r\n", "unreadable encoding"),
    (b"PK\x03\x04\x00\x00binary", "unreadable encoding"),
])
def test_unreadable_and_empty_files_get_a_clear_error(engagement, workbench, content, expected):
    (engagement / "responses" / "bad.csv").write_bytes(content)
    r = workbench("validate", engagement)
    assert r.exit_code == 2 and f"responses/bad.csv: {expected}" in r.stderr


def test_a_broken_xlsx_and_an_old_xls_are_reported(engagement, workbench):
    (engagement / "responses" / "a.xlsx").write_bytes(b"this is not a zip")
    (engagement / "responses" / "b.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert "responses/a.xlsx: not a readable .xlsx workbook" in r.stderr
    assert "responses/b.xls: old Excel 97-2003 (.xls) format" in r.stderr


def test_the_same_respondent_in_two_files_is_a_duplicate(engagement, workbench):
    write_csv(engagement / "responses" / "a.csv", long_rows([("Ann", "Leadership")]))
    write_csv(engagement / "responses" / "b.csv", long_rows([("ann", "Leadership")]))
    r = workbench("validate", engagement)
    assert r.exit_code == 2 and "duplicate respondent 'ann': already answered in responses/a.csv" in r.stderr


def test_problems_in_several_files_are_all_reported(engagement, workbench):
    write_csv(engagement / "responses" / "a.csv", [["respondent", "role"], ["x", "y"]])
    (engagement / "responses" / "b.csv").write_bytes(b"")
    write_csv(engagement / "responses" / "ok.csv", long_rows([("Ann", "Leadership")]))
    (engagement / "responses" / "notes.txt").write_text("ignore me, I am the consultant's note")
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert "responses/a.csv" in r.stderr and "responses/b.csv" in r.stderr and "ok.csv" not in r.stderr


def test_a_flood_of_bad_rows_is_summarised_not_dumped(engagement, workbench):
    rows = long_rows([(f"p{i}", "Front line") for i in range(5)], value_for=lambda p, q: "maybe")
    write_csv(engagement / "responses" / "a.csv", rows)
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert f"and {5 * len(QIDS) - 25} more rows with the same kind of problem" in r.stderr
    assert r.stderr.count("is not on the scale") == 25


def test_score_with_no_responses_says_so(engagement, workbench):
    r = workbench("score", engagement)
    assert r.exit_code == 2 and "no responses found" in r.stderr


def test_scores_do_not_depend_on_the_locale(example_copy, tmp_path):
    import os
    import subprocess
    import sys
    folder = example_copy("brightloop-customer-support")
    exe = os.path.join(os.path.dirname(sys.executable), "workbench")
    outs = []
    for loc in ("C.UTF-8", "de_DE.UTF-8"):
        env = dict(os.environ, LC_ALL=loc, LANG=loc)
        p = subprocess.run([exe, "score", str(folder), "--format", "json"], capture_output=True, env=env,
                           text=True, check=True)
        outs.append(json.loads(p.stdout)["areas"])
    assert outs[0] == outs[1]


def test_a_long_table_in_an_xlsx_with_numeric_cells(engagement, workbench):
    wb = Workbook()
    ws = wb.active
    ws.append(["Respondent ID", "Role", "Question ID", "Score", "Importance"])
    for person, role, v in (("p1", "Leadership", 4.0), ("p2", "Agent", 2.0)):
        for q in QIDS:
            ws.append([person, role, q, v, 5])
    wb.save(engagement / "responses" / "long.xlsx")
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r
    assert mean_of(engagement) == pytest.approx(3.0)
