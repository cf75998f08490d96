"""Re-assessment: rounds in their own folders, KPI measurements over time, and the progress review a
consultant presents a year on (what moved, achieved against planned, initiatives due, KPIs)."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import EXAMPLES
from workbench.engagement.folder import assess_engagement, load_engagement
from workbench.planning import plan_engagement
from workbench.progress_review import review_engagement

HARBOURSIDE = "harbourside-council-contact-centre"
NORTHBANK = "northbank-it-service-desk"


def test_an_engagement_with_two_round_folders_is_scored_on_its_latest_round(workbench):
    folder = EXAMPLES / HARBOURSIDE
    rounds = load_engagement(folder).rounds
    assert [(r.name, r.date) for r in rounds] == [("2025-Q4", dt.date(2025, 12, 31)), ("2026-Q3", dt.date(2026, 9, 30)),
                                                  ("2026-11", dt.date(2026, 11, 30))]  # a month: its last day
    _, latest = assess_engagement(folder)
    _, first = assess_engagement(folder, "2025-Q4")
    assert len(latest.respondents) == 22 and len(first.respondents) == 19
    r = workbench("validate", folder)
    assert r.exit_code == 0, r
    assert "round 2025-Q4 (2025-12-31): 19 respondents" in r.stdout and "round 2026-11 (2026-11-30)" in r.stdout
    r = workbench("score", folder)
    assert "Assessment round 2026-11 (2026-11-30), one of 3" in r.stdout


def test_the_progress_review_compares_rounds_plan_and_kpis():
    r = review_engagement(plan_engagement(EXAMPLES / HARBOURSIDE))
    assert r.as_of == dt.date(2026, 11, 30)
    moved = r.moved.set_index("dimension")
    # the example's third round moved what the work done lifts, not transparency (it slipped back a little)
    assert moved.loc["service-levels", "moved"] == "up" and moved.loc["transparency-trust", "moved"] == "no change"
    assert moved.loc["service-levels", "change"] == pytest.approx(
        moved.loc["service-levels", "after"] - moved.loc["service-levels", "before"])
    now = r.now.set_index("dimension")  # the latest round; every later round is judged too
    # planned: the level the first round's roadmap reaches by the end of the last wave finished by 30 Sep 2026
    traj = r.baseline.roadmap.trajectory
    done = traj[(traj["dimension"] == "customer-insight") & (traj["date"] <= dt.date(2026, 11, 30))]
    assert now.loc["customer-insight", "planned"] == done.sort_values("wave")["level"].iloc[-1]
    assert (now["status"] == "behind").eq(now["reached"] < now["planned"]).all()
    assert set(r.behind["dimension"]) == set(now.index[now["status"] == "behind"])
    assert list(r.delivery["initiative"]) == list(r.baseline.roadmap.plan["initiative"])  # judged as delivered
    kpis = r.kpis.set_index("kpi")
    assert kpis.loc["sla-attainment", "latest"] == r.measurements[r.measurements["kpi"] == "sla-attainment"]["value"].iloc[-1]
    assert kpis.loc["staff-turnover", "name"] == "Staff absence"
    assert kpis.loc["staff-turnover", "status"] == "behind"  # it went the wrong way, and back a little
    assert kpis.loc["staff-turnover", "progress"] < kpis.loc["staff-turnover", "expected"]


def test_a_changed_model_compares_only_the_dimensions_both_versions_have(example_copy, tmp_path):
    folder = example_copy(HARBOURSIDE)
    import yaml

    from assessment.model import resolve_model_path

    old = yaml.safe_load(resolve_model_path("service-management").read_text())
    old["version"] = "0.9.0"
    dropped = old["areas"][-1]["areas"].pop()  # version 0.9 lacked a dimension the current one has
    path = tmp_path / "service-management-0.9.yaml"
    path.write_text(yaml.safe_dump(old, sort_keys=False))
    prefixes = tuple(q["id"] for q in dropped["questions"])
    for name in ("2025-Q4", "2026-Q3"):  # both rounds before the latest were answered on version 0.9
        csv_path = folder / "responses" / name / "survey-export.csv"
        lines = csv_path.read_text().splitlines()
        csv_path.write_text("\n".join(l for l in lines if l.split(",")[2] not in prefixes) + "\n")
    text = (folder / "client.yaml").read_text()
    (folder / "client.yaml").write_text(text + f"rounds:\n  2025-Q4:\n    model: {path}\n  2026-Q3:\n    model: {path}\n")
    r = review_engagement(plan_engagement(folder))
    assert dropped["id"] not in set(r.moved["dimension"])
    assert any(dropped["name"] in n and "new in the model" in n for n in r.notes)
    assert any("0.9.0" in n for n in r.notes)
    assert len(r.moved) == len(load_engagement(folder).model.dimensions) - 1


def test_round_folders_that_cannot_be_dated_or_loose_files_are_named(example_copy, workbench):
    folder = example_copy(HARBOURSIDE)
    (folder / "responses" / "spring").mkdir()
    shutil.copy(folder / "responses" / "2026-Q3" / "survey-export.csv", folder / "responses" / "spring" / "x.csv")
    shutil.copy(folder / "responses" / "2026-Q3" / "survey-export.csv", folder / "responses" / "stray.csv")
    r = workbench("validate", folder)
    assert r.exit_code == 2
    assert "responses/spring/ has no date" in r.stderr and "rounds: {spring: {date: 2026-03-20}}" in r.stderr
    assert "stray.csv: a response file directly in responses/" in r.stderr


def test_kpi_measurements_with_mistakes_are_reported_by_row_and_column(example_copy, workbench):
    folder = example_copy(HARBOURSIDE)
    path = folder / "kpis.csv"
    path.write_text(path.read_text() + "nps,2026-09-30,40,\ncsat,30/09/2026,80,\ncsat,2026-13-01,eighty,\n")
    r = workbench("validate", folder)
    assert r.exit_code == 2
    n = len(path.read_text().splitlines())
    assert f"kpis.csv, row {n - 2}, column 'kpi': unknown KPI 'nps'" in r.stderr
    assert f"row {n - 1}" in r.stderr and "measured twice on 2026-09-30" in r.stderr
    assert f"kpis.csv, row {n}, column 'date': date '2026-13-01' is not a date" in r.stderr
    assert f"kpis.csv, row {n}, column 'value': value 'eighty' is not a number" in r.stderr


def test_a_single_round_engagement_is_unchanged():
    eng = load_engagement(EXAMPLES / NORTHBANK)
    assert [r.name for r in eng.rounds] == ["baseline"]
