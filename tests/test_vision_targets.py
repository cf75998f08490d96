"""Envisioning the end: the vision section, targets set from the command line, and the warnings."""
from __future__ import annotations

import datetime as dt

from ruamel.yaml import YAML

from roadmaps.vision import KPI, Vision, target_profile, vision_warnings
from workbench.engagement.folder import load_engagement

VISION = """\
vision:
  statement: "Every customer gets a fix or a clear answer on the first day"  # agreed 2026-11-20
  purpose: "Keep the branches serving customers"
  success_story: "In a year the branch managers call us their best supplier."
  targets:
    service-levels: {level: 4, rationale: "SLAs are the root of trust"}
    customer-insight: 3
  objectives: ["Resolve 80 % at first contact"]
  scorecard:
    - {id: csat, name: Customer satisfaction, unit: "%", baseline: 71, target: 85, due: 2027-12-31, owner: Head of service, source: Survey, dimensions: [customer-insight]}
    - {id: fcr, name: First contact resolution, unit: "%", baseline: 58, target: 75, owner: Team leads, dimensions: [service-delivery]}
"""


def with_vision(folder, text=VISION):
    path = folder / "client.yaml"
    body = path.read_text(encoding="utf-8")
    start = body.index("vision:")
    end = body.index("# The roadmap")
    path.write_text(body[:start] + text + "\n" + body[end:], encoding="utf-8")


def test_vision_targets_default_to_the_models_ambition_and_can_be_overridden(engagement):
    with_vision(engagement)
    eng = load_engagement(engagement)
    t = target_profile(eng.model, eng.config.vision).set_index("dimension")
    assert (t.loc["service-levels", "target"], t.loc["service-levels", "source"]) == (4, "client")
    assert t.loc["service-levels", "rationale"] == "SLAs are the root of trust"
    assert t.loc["customer-insight", "target"] == 3
    ambition = eng.model.areas_by_id["collaboration"].ambition
    assert (t.loc["collaboration", "target"], t.loc["collaboration", "source"]) == (ambition, "model ambition")
    assert t.loc["service-levels", "target_descriptor"] == eng.model.areas_by_id["service-levels"].descriptors[4]


def test_vision_warnings_make_the_arrival_visible():
    v = Vision(scorecard=[KPI(id="csat", name="CSAT", baseline=70, target=85, due=dt.date(2027, 6, 30), owner="X"),
                          KPI(id="fcr", name="FCR", target=75)])
    import pandas as pd
    targets = pd.DataFrame({"dimension": ["a"], "name": ["A"], "target": [2]})
    current = pd.DataFrame({"area": ["a", "b"], "mean": [3.4, 2.6], "level": [3, 2]})
    targets = pd.DataFrame({"dimension": ["a", "b"], "name": ["A", "B"], "target": [2, 2]})  # B: met, not below
    w = " | ".join(vision_warnings(v, targets, current))
    assert "2 KPIs; a balanced scorecard has 6-8" in w
    assert "KPI 'FCR' has no baseline and no due date" in w and "KPI 'FCR' has no owner" in w
    assert "'csat'" not in w
    assert "target for A (level 2) is below the level it already reaches (3, score 3.40)" in w
    assert "target for B" not in w


def test_bad_vision_references_are_reported_with_their_yaml_path(engagement, workbench):
    with_vision(engagement, VISION.replace("customer-insight: 3", "customer-insite: 9").replace(
        "dimensions: [service-delivery]", "dimensions: [delivery]"))
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert "vision.targets.customer-insite: unknown dimension 'customer-insite'" in r.stderr
    assert "vision.targets.customer-insite.level: level 9 is not a level" in r.stderr
    assert "vision.scorecard[1].dimensions: KPI 'fcr' evidences unknown dimension 'delivery'" in r.stderr


def test_target_command_saves_levels_and_keeps_comments_and_order(engagement, workbench):
    with_vision(engagement)
    path = engagement / "client.yaml"
    before = path.read_text(encoding="utf-8")
    r = workbench("target", engagement, "service-recovery=4", "customer-insight=Measured", "service-levels=3",
                  "--rationale", "Agreed in the workshop of 23 Nov")
    assert r.exit_code == 0, r
    after = path.read_text(encoding="utf-8")
    assert "# agreed 2026-11-20" in after and "# Respondents' role groups" in after
    assert "# The roadmap: waves" in after
    doc = YAML(typ="safe").load(after)
    targets = doc["vision"]["targets"]
    assert targets["service-recovery"] == {"level": 4, "rationale": "Agreed in the workshop of 23 Nov"}
    assert targets["customer-insight"] == {"level": 4, "rationale": "Agreed in the workshop of 23 Nov"}
    assert targets["service-levels"] == {"level": 3, "rationale": "Agreed in the workshop of 23 Nov"}
    keys = list(doc)
    assert keys == list(YAML(typ="safe").load(before))  # key order unchanged
    assert "Service recovery" in r.stdout and "4 Measured" in r.stdout
    assert not list(engagement.glob(".client.yaml.*"))  # no temporary file left behind


def test_target_on_an_empty_vision_writes_a_readable_block(engagement, workbench):
    r = workbench("target", engagement, "collaboration=2")
    assert r.exit_code == 0, r
    text = (engagement / "client.yaml").read_text(encoding="utf-8")
    assert "  targets:\n    collaboration: 2\n" in text
    assert load_engagement(engagement).config.vision.targets["collaboration"].level == 2


def test_bad_target_arguments_change_nothing(engagement, workbench):
    path = engagement / "client.yaml"
    before = path.read_bytes()
    r = workbench("target", engagement, "service-levels=7", "colaboration=3", "nonsense")
    assert r.exit_code == 2
    assert "'service-levels=7': level '7' is not a level" in r.stderr and "5 (Optimising)" in r.stderr
    assert "'colaboration=3': unknown dimension 'colaboration'" in r.stderr
    assert "'nonsense': expected DIMENSION=LEVEL" in r.stderr
    assert path.read_bytes() == before


def test_validate_warns_about_the_scorecard_without_failing(engagement, workbench):
    with_vision(engagement)
    r = workbench("validate", engagement)
    assert r.exit_code == 0
    assert "warning: The scorecard has 2 KPIs" in r.stdout
    assert "warning: KPI 'First contact resolution' has no due date" in r.stdout


def test_a_kpi_value_out_of_its_units_range_is_refused_by_validate(engagement, workbench):
    with_vision(engagement, VISION.replace("baseline: 71, target: 85", "baseline: 71, target: 1000000").replace(
        'unit: "%", baseline: 58', 'unit: "hours", baseline: -3'))
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert "vision.scorecard[0].target: KPI 'csat' (%): 1,000,000 is out of range; expected a percentage, from 0 to 100" \
        in r.stderr
    assert "vision.scorecard[1].baseline: KPI 'fcr' (hours): -3 is out of range; expected a number of hours, 0 or " \
           "more" in r.stderr
