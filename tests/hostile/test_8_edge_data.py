"""Class 8: edge data. A dimension nobody could judge scores as "no score" with the reason, everywhere it is
shown; KPI measurements dated in the future are refused; a file of blank answers is not "OK"; --timeout must
be a positive number of seconds."""
from __future__ import annotations

import re

from hostile_inputs import (BRIGHTLOOP, BRIGHTLOOP_CSV, HARBOURSIDE, NORTHBANK, copy_example, csv_lines,
                            workbench)

ANSWER = 3


def _answers(folder, value, questions=None):
    lines = csv_lines(folder)
    out = [lines[0]]
    for line in lines[1:]:
        if line:
            parts = line.split(";")
            if questions is None or parts[2] in questions:
                parts[ANSWER] = value
            out.append(";".join(parts))
    (folder / BRIGHTLOOP_CSV).write_text("\n".join(out) + "\n", encoding="utf-8")


def test_every_answer_dont_know_scores_as_no_score_with_the_reason(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    _answers(folder, "Don't know")
    r = workbench("validate", folder)
    assert r.returncode == 0
    assert ("warning: Nobody gave a valued answer for dimension 'Strategy and vision': its 5 questions got only "
            "120 'don't know' answers, which do not count; so it has no score") in r.stdout
    r = workbench("score", folder)
    assert r.returncode == 0, r.stderr
    assert "Overall: no score" in r.stdout
    assert re.search(r"Strategy and vision\s+roots\s+0\s+no score", r.stdout)
    r = workbench("roadmap", folder)
    assert r.returncode == 0, r.stderr
    assert "no score: its 5 questions got only 120 'don't know' answers, which do not count" in r.stdout


def test_one_dimension_nobody_could_judge_is_no_score_and_the_rest_is_planned(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    _answers(folder, "N/A", questions={"REC1", "REC2", "REC3", "REC4"})
    r = workbench("score", folder)
    assert r.returncode == 0
    assert re.search(r"Service recovery\s+trunk\s+0\s+no score", r.stdout)
    assert re.search(r"Customer insight\s+crown\s+24\s+\d\.\d\d", r.stdout)
    r = workbench("roadmap", folder)
    assert "service-recovery: no score: its 4 questions got only 96 'not applicable' answers" in r.stdout
    assert "ROADMAP\n  (nothing scheduled)" not in r.stdout


def test_a_file_of_blank_answers_is_an_error_not_ok_with_no_respondents(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    _answers(folder, "")
    r = workbench("validate", folder)
    assert r.returncode == 2
    assert "survey-export-2026-09.csv: every answer is blank (1,320 rows)" in r.stderr


def test_kpi_measurements_dated_in_the_future_are_refused_by_row_and_column(tmp_path):
    folder = copy_example(HARBOURSIDE, tmp_path / "hs")
    kpis = folder / "kpis.csv"
    kpi_id = kpis.read_text().splitlines()[1].split(",")[0]
    kpis.write_text(kpis.read_text() + f"{kpi_id},2099-03-31,80,typo in the year\n{kpi_id},1066-10-14,80,\n")
    n = len(kpis.read_text().splitlines())
    r = workbench("validate", folder)
    assert r.returncode == 2
    assert f"kpis.csv, row {n - 1}, column 'date': date 2099-03-31 is in the future" in r.stderr
    assert f"kpis.csv, row {n}, column 'date': date 1066-10-14 is before 1900" in r.stderr


def test_a_timeout_below_one_second_is_refused(tmp_path):
    eng = copy_example(NORTHBANK, tmp_path / "nb")
    for value in ("-1", "0"):
        r = workbench("run", eng, "--out", tmp_path / "out", "--timeout", value)
        assert r.returncode == 2 and "--timeout" in r.stderr
    assert not (tmp_path / "out").exists()
