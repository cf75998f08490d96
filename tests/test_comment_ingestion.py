"""Respondents' comments and evidence notes reach the findings whole and where they were written, in every input
shape: a general comment column of a wide export stays a general comment of its respondent (never tied to the
first question), and a comment written beside a blank answer is kept with that question while the blank answer
stays unscored."""
from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from assessment import findings as F
from assessment.answers import MISSING, NO_QUESTION
from assessment.model import load_model
from workbench.engagement.folder import assess_engagement, load_engagement, read_engagement_responses

MODEL = load_model("service-management")
QIDS = list(MODEL.question_table["question"])
TEXTS = dict(zip(MODEL.question_table["question"], MODEL.question_table["text"]))
PEOPLE = [("Ann Lee", "Leadership"), ("Bo Berg", "Leadership"), ("Cy Dahl", "Leadership"),
          ("Di Eke", "Front line"), ("Ed Fox", "Front line"), ("Flo Gray", "Front line")]
SKIPPED = "SLM1"  # the question Di leaves blank, writing a comment and an evidence note beside it
NOTE, PROOF = "We have no written SLAs yet, only promises.", "Contract schedule 4 is empty."


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def read(folder) -> pd.DataFrame:
    ingested = read_engagement_responses(load_engagement(folder))
    assert not ingested.problems, ingested.problems
    return ingested.answers


def written(answers: pd.DataFrame, person: str) -> dict[str, tuple[str, str]]:
    """question -> (comment, evidence) for every row of `person` that carries text."""
    rows = answers[(answers["respondent"] == person)
                   & ((answers["comment"] != "") | (answers["evidence"] != ""))]
    return {q: (c, e) for q, c, e in zip(rows["question"], rows["comment"], rows["evidence"])}


def scores(folder) -> list[pd.DataFrame]:
    """Everything the scoring counts, to compare two engagements that differ only in their comments."""
    _, r = assess_engagement(folder)
    return [r.areas, r.dimensions, r.questions, r.respondents, r.respondent_scores, r.importance, r.by_role]


def assert_same_scores(a, b):
    for x, y in zip(scores(a), scores(b)):
        pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True))


def new_engagement(workbench, folder, model="service-management"):
    r = workbench("init-client", folder, "--name", "Acme", "--model", model)
    assert r.exit_code == 0, r
    return folder


# ---------------------------------------------------------------- a general comment column of a wide export

def forms_xlsx(path, general: dict[str, str], blank: dict[str, set[str]] | None = None, header="Any other comments?"):
    """A Microsoft Forms export: one row per person, one column per question, a general comment column last."""
    blank = blank or {}
    wb = Workbook()
    ws = wb.active
    ws.append(["ID", "Start time", "Completion time", "Email", "Name", "Your role"]
              + [f"{q} - {TEXTS[q]}" for q in QIDS] + [header])
    for i, (person, role) in enumerate(PEOPLE, start=1):
        when = dt.datetime(2026, 10, 2, 9, i)
        ws.append([i, when, when, "anonymous", person, role]
                  + ["" if q in blank.get(person, ()) else "3 - Defined" for q in QIDS] + [general.get(person)])
    wb.save(path)


def test_a_general_comment_column_is_not_tied_to_the_first_question(tmp_path, workbench):
    folder = new_engagement(workbench, tmp_path / "acme")
    general = {"Ann Lee": "Thanks for asking us at last.", "Di Eke": "The survey was too long."}
    # Di skipped the first question: before, her general comment went with that blank answer and was lost.
    forms_xlsx(folder / "responses" / "forms.xlsx", general, blank={"Di Eke": {QIDS[0]}})
    answers = read(folder)
    assert written(answers, "Ann Lee") == {NO_QUESTION: (general["Ann Lee"], "")}
    assert written(answers, "Di Eke") == {NO_QUESTION: (general["Di Eke"], "")}
    first = answers[answers["question"] == QIDS[0]]
    assert (first["comment"] == "").all() and len(first) == len(PEOPLE) - 1  # Di's blank answer is not an answer
    # General comments carry no answer: nothing about them is scored or counted.
    general_rows = answers[answers["question"] == NO_QUESTION]
    assert general_rows["status"].eq(MISSING).all() and general_rows["value"].isna().all()
    assert general_rows["role"].tolist() == ["leadership", "front_line"]

    engagement, result = assess_engagement(folder)
    assert dict(zip(result.respondents["respondent"], result.respondents["n_scored"])) == {
        p: len(QIDS) - (p == "Di Eke") for p, _ in PEOPLE}
    assert result.questions.set_index("question").loc[QIDS[0], "n"] == len(PEOPLE) - 1
    for per in ("dimension", "question"):
        q = F.quotes(result, engagement.model, engagement.roles, per=per)
        assert sorted(q["text"]) == sorted(general.values())
        assert q["dimension"].isna().all() and q["question"].isna().all()
        assert (q["dimension_name"] == F.OTHER_COMMENTS).all()
        # Three people in each role group took part, so the role group may be named.
        assert dict(zip(q["text"], q["attribution"])) == {general["Ann Lee"]: "Leadership",
                                                          general["Di Eke"]: "Front line"}


def test_per_question_and_general_comment_columns_of_a_csv_export(tmp_path, workbench):
    """A SurveyMonkey-style CSV: a comment column for STR2 and two free-text columns at the end."""
    folder = new_engagement(workbench, tmp_path / "acme")
    header = ["Respondent ID", "Role"] + QIDS + ["STR2 [comment]", "Comments", "Any other comments"]
    rows = [header]
    for person, role in PEOPLE:
        rows.append([person, role] + ["3"] * len(QIDS)
                    + ([f"On STR2 from {person}", f"General from {person}", f"More from {person}"]
                       if person == "Bo Berg" else ["", "", ""]))
    write_csv(folder / "responses" / "export.csv", rows)
    answers = read(folder)
    got = answers[(answers["respondent"] == "Bo Berg") & (answers["comment"] != "")]
    assert sorted(zip(got["question"], got["comment"])) == sorted([
        ("STR2", "On STR2 from Bo Berg"), (NO_QUESTION, "General from Bo Berg"), (NO_QUESTION, "More from Bo Berg")])
    assert (answers.loc[answers["question"] == QIDS[0], "comment"] == "").all()
    assert len(answers[answers["question"] != NO_QUESTION]) == len(PEOPLE) * len(QIDS)

    engagement, result = assess_engagement(folder)
    q = F.quotes(result, engagement.model, engagement.roles)
    by_text = q.set_index("text")
    assert by_text.loc["On STR2 from [name]", "dimension"] == "strategy-vision"
    assert by_text.loc["On STR2 from [name]", "question"] == "STR2"
    for text in ("General from [name]", "More from [name]"):
        assert pd.isna(by_text.loc[text, "dimension"]) and by_text.loc[text, "dimension_name"] == F.OTHER_COMMENTS
    assert q["dimension_name"].tolist()[-1] == F.OTHER_COMMENTS  # other comments come after the dimensions
    # the report quotes them in a section of their own, never under a dimension
    from workbench.reports import evidence
    assert sorted(t for _, t, _ in evidence.general_quotes(q)) == ["General from [name]", "More from [name]"]
    assert [t for _, t, _ in evidence.dimension_quotes(q, "strategy-vision")] == ["On STR2 from [name]"]


def test_a_long_table_row_with_a_comment_and_no_question_is_a_general_comment(tmp_path, workbench):
    folder = new_engagement(workbench, tmp_path / "acme")
    rows = [["respondent", "role", "question", "answer", "comment", "evidence"]]
    for person, role in PEOPLE:
        rows += [[person, role, q, "3", "", ""] for q in QIDS]
    rows.append(["Ann Lee", "Leadership", "", "", "Overall, things are improving.", ""])
    write_csv(folder / "responses" / "long.csv", rows)
    answers = read(folder)
    assert written(answers, "Ann Lee") == {NO_QUESTION: ("Overall, things are improving.", "")}
    # A row without a question that carries an answer (or nothing at all) is still an error.
    rows[-1] = ["Ann Lee", "Leadership", "", "3", "Overall, things are improving.", ""]
    rows.append(["Bo Berg", "Leadership", "", "", "", ""])
    write_csv(folder / "responses" / "long.csv", rows)
    problems = read_engagement_responses(load_engagement(folder)).problems
    assert [(p.row, "question id is empty" in p.message) for p in problems] == [(len(rows) - 1, True), (len(rows), True)]


# ---------------------------------------------------------------- a comment beside a blank answer

def long_csv(path, comments: bool):
    rows = [["respondent", "role", "question", "answer", "importance", "comment", "evidence"]]
    for person, role in PEOPLE:
        for q in QIDS:
            skip = person == "Di Eke" and q == SKIPPED
            rows.append([person, role, q, "" if skip else "3" if role == "Leadership" else "2",
                         "4", NOTE if skip and comments else "", PROOF if skip and comments else ""])
    write_csv(path, rows)


def wide_csv(path, comments: bool):
    header = ["Timestamp", "Email", "Role"] + QIDS + [f"{SKIPPED} [comment]", f"{SKIPPED} [evidence]"]
    rows = [header]
    for person, role in PEOPLE:
        skip = person == "Di Eke"
        rows.append(["2026-10-01 09:00", person, role]
                    + ["" if skip and q == SKIPPED else "3" if role == "Leadership" else "2" for q in QIDS]
                    + ([NOTE, PROOF] if skip and comments else ["", ""]))
    write_csv(path, rows)


def questionnaires(folder, comments: bool):
    src = folder / "questionnaire.xlsx"
    for person, role in PEOPLE:
        wb = load_workbook(src)
        ws = wb["Questionnaire"]
        ws["D3"], ws["D4"] = person, role
        for r in range(7, ws.max_row + 1):
            qid = ws.cell(r, 1).value
            if not qid:
                continue
            skip = person == "Di Eke" and qid == SKIPPED
            ws.cell(r, 6, None if skip else "3 - Defined" if role == "Leadership" else "2 - Repeatable")
            if skip and comments:
                ws.cell(r, 8, NOTE)
                ws.cell(r, 9, PROOF)
        wb.save(folder / "responses" / f"{person.split()[0].lower()}.xlsx")


SHAPES = {"long csv": lambda folder, c: long_csv(folder / "responses" / "long.csv", c),
          "wide csv": lambda folder, c: wide_csv(folder / "responses" / "wide.csv", c),
          "returned questionnaires": questionnaires}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_comment_beside_a_blank_answer_is_kept_and_the_blank_stays_unscored(shape, tmp_path, workbench):
    with_comments = new_engagement(workbench, tmp_path / "with")
    without = new_engagement(workbench, tmp_path / "without")
    SHAPES[shape](with_comments, True)
    SHAPES[shape](without, False)
    answers = read(with_comments)
    assert written(answers, "Di Eke") == {SKIPPED: (NOTE, PROOF)}
    row = answers[(answers["respondent"] == "Di Eke") & (answers["question"] == SKIPPED)].iloc[0]
    assert row["status"] == MISSING and np.isnan(row["value"]) and np.isnan(row["importance"])
    assert workbench("validate", with_comments).exit_code == 0

    # The blank answer is not scored: every count and mean is as without the comment.
    assert_same_scores(with_comments, without)
    engagement, result = assess_engagement(with_comments)
    q = result.questions.set_index("question").loc[SKIPPED]
    assert (q["n"], q["n_answered"], q["n_missing"]) == (len(PEOPLE) - 1, len(PEOPLE) - 1, 1)
    assert q["mean"] == pytest.approx((3 * 3 + 2 * 2) / 5)
    di = result.respondents.set_index("respondent").loc["Di Eke"]
    assert (di["n_scored"], di["n_missing"]) == (len(QIDS) - 1, 1)
    # ... and the comment and the evidence note are quoted on the question they were written beside.
    quotes = F.quotes(result, engagement.model, engagement.roles, per="question")
    assert quotes[["question", "kind", "text"]].values.tolist() == [[SKIPPED, "comment", NOTE],
                                                                   [SKIPPED, "evidence", PROOF]]
    # Di's front-line colleagues answered SLM1 and she wrote on it: three front-line people, so it is named.
    assert quotes["attribution"].tolist() == ["Front line", "Front line"]


def test_under_the_zero_rule_a_blank_answer_with_a_comment_counts_as_zero_and_keeps_its_comment(tmp_path, workbench):
    samm = load_model("samm-lite")
    qids = list(samm.question_table["question"])
    made = {}
    for name, comment in (("with", "No threat model exists."), ("without", "")):
        folder = new_engagement(workbench, tmp_path / name, model="samm-lite")
        rows = [["respondent", "role", "question", "answer", "comment"]]
        for person, role in PEOPLE:
            rows += [[person, role, q, "" if (person, q) == ("Di Eke", qids[0]) else "Yes, for some",
                      comment if (person, q) == ("Di Eke", qids[0]) else ""] for q in qids]
        write_csv(folder / "responses" / "long.csv", rows)
        made[name] = folder
    assert_same_scores(made["with"], made["without"])
    engagement, result = assess_engagement(made["with"])
    a = result.answers
    row = a[(a["respondent"] == "Di Eke") & (a["question"] == qids[0])]
    assert len(row) == 1 and row["value"].iloc[0] == 0 and row["comment"].iloc[0] == "No threat model exists."
    assert result.questions.set_index("question").loc[qids[0], ["n", "n_answered"]].tolist() == [6, 5]
    assert F.quotes(result, samm, engagement.roles)["text"].tolist() == ["No threat model exists."]


# ---------------------------------------------------------------- respondents who answered nothing

def test_a_respondent_with_only_comments_is_not_scored_but_their_comments_are_kept(tmp_path, workbench):
    folder = new_engagement(workbench, tmp_path / "acme")
    header = ["Timestamp", "Email", "Role"] + QIDS + ["STR1 [comment]", "Any other comments?"]
    rows = [header]
    for person, role in PEOPLE:
        rows.append(["", person, role] + ["3"] * len(QIDS) + ["", ""])
    rows.append(["", "Gus Hale", "Front line"] + [""] * len(QIDS) + ["No strategy that I know of.", "Too long."])
    rows.append(["", "Hal Ives", "Front line"] + [""] * len(QIDS) + ["", ""])
    write_csv(folder / "responses" / "export.csv", rows)
    ingested = read_engagement_responses(load_engagement(folder))
    assert not ingested.problems
    assert written(ingested.answers, "Gus Hale") == {"STR1": ("No strategy that I know of.", ""),
                                                     NO_QUESTION: ("Too long.", "")}
    assert "Hal Ives" not in set(ingested.answers["respondent"])
    notes = " ".join(ingested.notes)
    assert "1 respondent left every question blank and is not counted: Hal Ives." in notes
    assert ("1 respondent answered no question but wrote comments, kept for the findings; not counted in the "
            "scores: Gus Hale.") in notes

    engagement, result = assess_engagement(folder)
    assert "Gus Hale" not in set(result.respondents["respondent"])  # not a respondent in any count
    assert result.questions.set_index("question").loc["STR1", ["n", "n_missing"]].tolist() == [len(PEOPLE), 0]
    assert F.role_groups(result, engagement.roles)["respondents"].tolist() == [3, 3]
    q = F.quotes(result, engagement.model, engagement.roles)
    assert sorted(q["text"]) == ["No strategy that I know of.", "Too long."]
