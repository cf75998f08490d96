"""`workbench score` on the example engagements: what a consultant reads in the terminal, CSV and JSON."""
from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import EXAMPLES

NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "client.yaml").exists())


def test_the_example_engagements_cover_the_input_shapes_and_rounds():
    assert len(NAMES) == 4
    files = {n: sorted(p.suffix for p in (EXAMPLES / n / "responses").rglob("*") if p.is_file()) for n in NAMES}
    assert files["harbourside-council-contact-centre"] == [".csv", ".csv", ".csv"]  # three rounds, a folder each
    assert files["northbank-it-service-desk"].count(".xlsx") >= 8   # returned questionnaires
    assert files["st-aldhelms-facilities"] == [".xlsx"]              # Forms export
    assert files["brightloop-customer-support"] == [".csv"]          # long CSV


@pytest.mark.parametrize("name", NAMES)
def test_each_example_validates_and_has_believable_respondents(workbench, name):
    r = workbench("validate", EXAMPLES / name)
    assert r.exit_code == 0, r
    doc = json.loads(workbench("score", EXAMPLES / name, "--format", "json").stdout)
    assert 8 <= doc["respondents"]["total"] <= 40
    assert all(doc["respondents"]["by_role"][r] > 0 for r in ("leadership", "management", "front_line"))
    gaps = [g["gap"] for g in doc["perception_gap"] if g["gap"] is not None]
    assert max(gaps) > 0.3  # leaders rate higher than the front line somewhere


def test_table_output_reads_like_a_profile(workbench):
    r = workbench("score", EXAMPLES / "brightloop-customer-support")
    assert r.exit_code == 0, r
    out = r.stdout
    assert "Brightloop Software Customer Support" in out
    assert "Model service-management 1.0.0" in out and "24 respondents" in out
    assert "Service recovery" in out and "Repeatable" in out
    assert "Concentrate here" in out  # Brightloop rated importance


def test_json_records_model_and_method(workbench):
    doc = json.loads(workbench("score", EXAMPLES / "st-aldhelms-facilities", "--format", "json").stdout)
    assert doc["model"] == {"id": "service-management", "version": "1.0.0"}
    assert any("weighted mean" in line for line in doc["method"])
    dims = [d for d in doc["dimensions"]]
    assert len(dims) == 12 and all(1 <= d["mean"] <= 5 for d in dims)
    assert all(d["level_name"] in {"Initial", "Repeatable", "Defined", "Measured", "Optimising"} for d in dims)
    assert doc["overall"]["level_name"]
    q = {x["question"]: x for x in doc["questions"]}
    assert q["REC1"]["n"] > 0  # the header mapped in client.yaml was read


def test_csv_for_several_clients_in_one_go(workbench):
    r = workbench("score", *[EXAMPLES / n for n in NAMES], "--format", "csv")
    assert r.exit_code == 0, r
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["client_id"] for row in rows} == {
        "northbank-it-service-desk", "st-aldhelms-hospital-facilities-services",
        "brightloop-software-customer-support", "harbourside-council-contact-centre"}
    assert all(row["model_id"] == "service-management" and row["model_version"] == "1.0.0" for row in rows)
    assert {row["tier"] for row in rows} == {"overall", "domain", "dimension"}


def test_one_bad_engagement_stops_score_before_anything_is_printed(workbench, engagement):
    r = workbench("score", EXAMPLES / NAMES[0], engagement)
    assert r.exit_code == 2 and r.stdout == "" and "no responses found" in r.stderr


def test_models_command_lists_the_shipped_models(workbench):
    out = workbench("models").stdout
    for mid in ("service-management", "samm-lite", "process-capability"):
        assert mid in out
