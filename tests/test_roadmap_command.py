"""`workbench roadmap` on example engagements: what a consultant reads and hands to the client."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from assessment.model import load_model
from roadmaps.catalogue import builtin_catalogue_path, load_catalogue
from test_vision_targets import with_vision
from workbench.planning import plan_engagement


def test_the_shipped_catalogue_covers_every_step_the_default_model_needs():
    model = load_model("service-management")
    cat = load_catalogue(builtin_catalogue_path("service-management"), model)
    assert 36 <= len(cat.initiatives) <= 48
    steps = {(r.dimension, r.from_level) for i in cat.initiatives for r in i.raises}
    for d in model.dimensions:
        for lv in (1, 2, 3):
            assert (d.id, lv) in steps, (d.id, lv)
    assert any(i.quick_win for i in cat.initiatives)
    assert {k.id for k in cat.kpis} >= {"csat", "fcr", "sla-attainment"}


def test_roadmap_plans_waves_that_close_the_gaps(example_copy, workbench, tmp_path):
    folder = example_copy("st-aldhelms-facilities")
    out = tmp_path / "roadmap.xlsx"
    r = workbench("roadmap", folder, "--capacity", "30", "--waves", "6", "--start", "2027-01-04", "--xlsx", out)
    assert r.exit_code == 0, r
    text = r.stdout
    for section in ("RANKED GAPS", "ROADMAP", "PROJECTED MATURITY", "SCORECARD"):
        assert section in text
    assert "Wave 1 (2027-01-04 to 2027-04-04)" in text
    assert "Priority = 0.4 x gap + 0.2 x importance + 0.25 x foundation + 0.15 x disagreement" in text
    p = plan_engagement(folder, capacity=30, waves=6, start=dt.date(2027, 1, 4))
    assert len(p.roadmap.plan) > 5
    assert (p.roadmap.waves["effort"] <= 30 + 1e-9).all()
    first = p.gaps.iloc[0]
    assert first["priority"] == p.gaps["priority"].max() and first["status"] == "gap"
    traj = p.roadmap.trajectory
    end = traj[traj["wave"] == 6].set_index("dimension")["level"]
    start = traj[traj["wave"] == 0].set_index("dimension")["level"]
    assert (end >= start).all() and (end > start).sum() >= 4
    wb = load_workbook(out)
    assert wb.sheetnames == ["About", "Gaps", "Roadmap", "Not scheduled", "Trajectory", "Scorecard",
                             "Interim targets", "Glossary"]
    ws = wb["Roadmap"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    start_col = header.index("Start") + 1
    assert isinstance(ws.cell(2, start_col).value, dt.datetime) and ws.cell(2, start_col).number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["C"].width > 20
    assert [c.value for c in wb["Gaps"][1]][:3] == ["Rank", "Dimension", "Domain"]


def test_client_text_never_becomes_a_formula_in_the_workbook(engagement, example_copy, workbench, tmp_path):
    folder = example_copy("brightloop-customer-support")
    evil = '=HYPERLINK("http://x.example","click")'
    with_vision(folder, f"""\
vision:
  statement: "{evil.replace('"', "'")}"
  purpose: "+1 for service"
  targets: {{}}
  scorecard:
    - {{id: csat, name: "@SUM(A1:A9)", unit: "-%", baseline: 70, target: 80, due: 2027-06-30, owner: "=1+1"}}
""")
    out = tmp_path / "r.xlsx"
    assert workbench("roadmap", folder, "--xlsx", out).exit_code == 0
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value.startswith(("=", "+", "-", "@"))]
    assert {c.value for c in risky} >= {"=HYPERLINK('http://x.example','click')", "+1 for service",
                                        "@SUM(A1:A9)", "=1+1", "-%"}
    assert all(c.data_type == "s" for c in risky)


def test_a_client_can_exclude_and_add_initiatives(example_copy, workbench):
    folder = example_copy("northbank-it-service-desk")
    base = plan_engagement(folder)
    dropped = base.roadmap.plan["initiative"].iloc[0]
    open_gaps = base.gaps[base.gaps["levels_to_climb"] > 0].head(2)
    (d1, l1), (d2, l2) = [(r.dimension, int(r.current_level)) for r in open_gaps.itertuples()]
    path = folder / "client.yaml"
    text = path.read_text(encoding="utf-8").replace("exclude_initiatives: []", f"exclude_initiatives: [{dropped}]")
    text = text.replace("add_initiatives: []", f"""add_initiatives:
    - id: branch-visits
      title: Visit two branches a week
      raises: [{{dimension: {d1}, from: {l1}, to: {l1 + 1}}}, {{dimension: {d1}, from: {l1 + 1}, to: {l1 + 2}}}]
      effort: 0.5
      duration: 4""")
    path.write_text(text, encoding="utf-8")
    r = workbench("validate", folder)
    assert r.exit_code == 2 and f"raises {d1} more than once" in r.stderr
    path.write_text(text.replace(f"{{dimension: {d1}, from: {l1 + 1}, to: {l1 + 2}}}",
                                 f"{{dimension: {d2}, from: {l2}, to: {l2 + 1}}}"), encoding="utf-8")
    after = plan_engagement(folder)
    planned = after.roadmap.plan.set_index("initiative")
    assert dropped not in planned.index
    assert planned.loc["branch-visits", "why"].startswith("closes a gap")
    assert f"{d1} {l1}->{l1 + 1}" in planned.loc["branch-visits", "dimensions"] or \
        f"{d2} {l2}->{l2 + 1}" in planned.loc["branch-visits", "dimensions"]


def test_unknown_exclusions_and_cycles_in_additions_are_errors(example_copy, workbench):
    folder = example_copy("northbank-it-service-desk")
    path = folder / "client.yaml"
    text = path.read_text(encoding="utf-8").replace("exclude_initiatives: []", "exclude_initiatives: [no-such-thing]")
    text = text.replace("add_initiatives: []", """add_initiatives:
    - {id: a-one, title: A, raises: [{dimension: collaboration, from: 1, to: 2}], effort: 1, duration: 1, prerequisites: [b-two]}
    - {id: b-two, title: B, raises: [{dimension: collaboration, from: 2, to: 3}], effort: 1, duration: 1, prerequisites: [a-one]}""")
    path.write_text(text, encoding="utf-8")
    r = workbench("roadmap", folder)
    assert r.exit_code == 2
    assert "roadmap.exclude_initiatives[0]: unknown initiative 'no-such-thing'" in r.stderr
    assert "prerequisites form a cycle: a-one -> b-two -> a-one" in r.stderr


@pytest.mark.parametrize("name", ["northbank-it-service-desk", "brightloop-customer-support"])
def test_every_gap_is_either_planned_or_explained(example_copy, name):
    p = plan_engagement(example_copy(name))
    traj = p.roadmap.trajectory
    final = traj[traj["wave"] == traj["wave"].max()].set_index("dimension")
    short = final[final["level"] < final["target"]].index
    explained = set(p.roadmap.unscheduled["dimension"].str.split(", ").explode())
    for d in short:
        assert d in explained, d
