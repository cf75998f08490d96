"""Class 9: one rule for unanswered questions, chosen by the model. OWASP SAMM counts a question left blank
as 0; our default leaves it out. A model declares `unanswered: zero` or `exclude`; scoring, the questionnaire's
instructions and the method text follow it; validate warns when a whole dimension or higher tier has no answer;
`score --format table` shows every tier to the model's answer precision."""
from __future__ import annotations

import csv
import json
import re

import pytest

from hostile_inputs import workbench

from conftest import ROOT

SAMM = ROOT / "assessment/models/samm-lite.yaml"
VALUES = {"No": 0.0, "Yes, for some": 0.25, "Yes, for at least half": 0.5, "Yes, for most or all": 1.0}
# Two respondents; nobody answered Strategy and metrics (SM-*); Ann left EG-B2 blank.
ANSWERS = {
    "Ann": {"EG-A1": "Yes, for some", "EG-A2": "Yes, for at least half", "EG-A3": "Yes, for at least half",
            "EG-B1": "Yes, for most or all", "EG-B3": "No"},
    "Bo": {"EG-A1": "Yes, for some", "EG-A2": "Yes, for at least half", "EG-A3": "Yes, for at least half",
           "EG-B1": "Yes, for some", "EG-B2": "Yes, for some", "EG-B3": "Yes, for some"},
}


def _engagement(tmp_path, rule: str):
    model = tmp_path / f"samm-{rule}.yaml"
    text = re.sub(r"^unanswered: .*$", f"unanswered: {rule}", SAMM.read_text(), count=1, flags=re.M)
    model.write_text(text)
    folder = tmp_path / f"client-{rule}"
    assert workbench("init-client", folder, "--name", f"Appsec {rule}", "--model", model).returncode == 0
    others = [q for q in re.findall(r"- id: ([A-Z]{2}-[AB]\d)", text) if not q.startswith(("SM-", "EG-"))]
    with (folder / "responses" / "answers.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["respondent", "role", "question", "answer"])
        for who, given in ANSWERS.items():
            for q, a in {**given, **{q: "Yes, for at least half" for q in others}}.items():
                w.writerow([who, "Leadership" if who == "Ann" else "Front line", q, a])
    return folder, text


def _samm_by_hand(text: str) -> dict[str, float]:
    """OWASP SAMM's own arithmetic, written out: a stream is the sum of its answers (blank = 0), a practice the
    mean of its streams, a function the mean of its practices; then the mean over respondents."""
    questions = {q: q.split("-")[0] for q in re.findall(r"- id: ([A-Z]{2}-[AB]\d)", text)}
    practices = sorted(set(questions.values()))
    out: dict[str, list[float]] = {}
    for who, given in ANSWERS.items():
        given = {**given, **{q: "Yes, for at least half" for q in questions if not q.startswith(("SM-", "EG-"))}}
        practice = {}
        for p in practices:
            streams = [sum(VALUES.get(given.get(q, ""), 0.0) for q in questions if q.startswith(f"{p}-{s}"))
                       for s in "AB"]
            practice[p] = sum(streams) / 2
        out.setdefault("governance", []).append((practice["SM"] + practice["EG"]) / 2)
        out.setdefault("SM", []).append(practice["SM"])
    return {k: sum(v) / len(v) for k, v in out.items()}


def test_under_the_samm_rule_an_unanswered_practice_counts_as_zero_exactly_as_samm_scores_it(tmp_path):
    folder, text = _engagement(tmp_path, "zero")
    r = workbench("validate", folder)
    assert r.returncode == 0
    assert ("warning: Nobody gave a valued answer for security practice 'Strategy and metrics': none of its 6 "
            "questions was answered; it counts as 0 under the model's rule for unanswered questions (zero)") in r.stdout
    areas = {a["area"]: a for a in json.loads(workbench("score", folder, "--format", "json").stdout)["areas"]}
    expected = _samm_by_hand(text)
    assert areas["governance"]["mean"] == pytest.approx(expected["governance"], abs=1e-9)
    assert areas["strategy-metrics"]["mean"] == pytest.approx(expected["SM"], abs=1e-9) == 0.0
    roadmap = workbench("roadmap", folder).stdout
    assert re.search(r"^1\s+Strategy and metrics\s", roadmap, flags=re.M)  # SAMM would put it first too


def test_under_the_exclude_rule_the_same_practice_has_no_score_and_says_why(tmp_path):
    folder, _ = _engagement(tmp_path, "exclude")
    r = workbench("validate", folder)
    assert "'Strategy and metrics': none of its 6 questions was answered; so it has no score" in r.stdout
    roadmap = workbench("roadmap", folder).stdout
    assert "strategy-metrics: no score: none of its 6 questions was answered, so there is no gap to plan" in roadmap


def test_the_rule_is_in_the_questionnaire_the_method_text_and_check_model(tmp_path):
    folder, _ = _engagement(tmp_path, "zero")
    from openpyxl import load_workbook

    instructions = " ".join(str(c.value) for row in load_workbook(folder / "questionnaire.xlsx")["Instructions"].iter_rows()
                            for c in row if c.value)
    assert "a question left blank counts as the lowest answer (0)" in instructions
    r = workbench("check-model", tmp_path / "samm-zero.yaml")
    assert "A question a respondent left unanswered counts as 0 in their scores" in r.stdout
    (tmp_path / "odd.yaml").write_text(SAMM.read_text().replace("unanswered: zero", "unanswered: sometimes"))
    r = workbench("check-model", tmp_path / "odd.yaml")
    assert r.returncode == 2 and re.search(r"odd\.yaml, line \d+, unanswered: Input should be 'exclude' or 'zero'",
                                           r.stderr)


def test_the_score_table_shows_every_tier_to_the_answers_precision(tmp_path):
    folder, _ = _engagement(tmp_path, "zero")
    table = workbench("score", folder).stdout
    assert "Business function / Security practice / Stream" in table
    row = next(line for line in table.splitlines() if "Stream A: Training and awareness" in line)
    assert re.search(r"\s2\s+1\.25\s.*\s1\.25\s", row), row  # mean and median 1.25, not "1.2"
    assert re.search(r"Stream B: Measure and improve\s+2\s+0\.00", table)
