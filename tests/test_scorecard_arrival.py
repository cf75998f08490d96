"""Arrival that can be checked: every scorecard KPI is moved by something planned, is defined once, and has
interim targets along the waves that move it; a KPI nothing moves is warned wherever the roadmap is shown."""
from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import NAMES
from roadmaps.scorecard import INTERIM_COLUMNS, interim_targets
from test_vision_targets import with_vision
from workbench.planning import plan_engagement

HARBOURSIDE = "harbourside-council-contact-centre"
UNMOVED = "KPI 'First contact resolution' is moved by no initiative in the roadmap"


def rename_kpi(folder, old: str, new: str) -> None:
    path = folder / "client.yaml"
    text = path.read_text(encoding="utf-8")
    assert f"- id: {old}\n" in text
    path.write_text(text.replace(f"- id: {old}\n", f"- id: {new}\n"), encoding="utf-8")


# ------------------------------------------------------------ a KPI nothing planned moves

def test_a_kpi_no_planned_initiative_moves_is_warned_everywhere_with_the_nearest_catalogue_kpi(
        example_copy, workbench, tmp_path):
    folder = example_copy(HARBOURSIDE)
    rename_kpi(folder, "fcr", "first-contact-resolution")  # the client's own id: no initiative names it
    (folder / "kpis.csv").write_text((folder / "kpis.csv").read_text(encoding="utf-8").replace(
        "fcr,", "first-contact-resolution,"), encoding="utf-8")
    suggestion = "Nearest KPIs the roadmap moves: 'First contact resolution' (id fcr)"
    where = "use its id in client.yaml (vision.scorecard[1].id)"

    r = workbench("validate", folder)
    assert r.exit_code == 0, r
    line = next(x for x in r.stdout.splitlines() if UNMOVED in x)
    assert line.startswith("  warning: ") and suggestion in line and where in line

    out = tmp_path / "roadmap.xlsx"
    r = workbench("roadmap", folder, "--xlsx", out)
    assert r.exit_code == 0, r
    assert f"Warning: {UNMOVED}" in r.stdout and suggestion in r.stdout
    assert "First contact resolution: no interim targets: no initiative in the roadmap moves it" in r.stdout

    p = plan_engagement(folder)
    assert any(UNMOVED in w and suggestion in w for w in p.warnings)
    assert "first-contact-resolution" not in set(p.interim["kpi"])

    wb = load_workbook(out)
    about = [row for row in wb["About"].iter_rows(values_only=True) if row[0] == "Warning"]
    assert any(UNMOVED in row[1] for row in about)
    sheet = wb["Scorecard"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[-1] == "first-contact-resolution")
    assert UNMOVED in row[header.index("Warning")]
    assert row[header.index("Moved by initiatives")] is None
    # the catalogue's KPI of the same name is not listed a second time as a suggestion
    names = [r[header.index("KPI")] for r in sheet.iter_rows(min_row=2, values_only=True) if r[-1]]
    assert names.count("First contact resolution") == 1


def test_an_initiative_of_the_clients_own_that_names_the_kpi_moves_it(example_copy):
    folder = example_copy(HARBOURSIDE)
    rename_kpi(folder, "repeat-incidents", "avoidable-contact")
    (folder / "kpis.csv").write_text((folder / "kpis.csv").read_text(encoding="utf-8").replace(
        "repeat-incidents,", "avoidable-contact,"), encoding="utf-8")
    assert any("KPI 'Avoidable contact' is moved by no initiative" in w for w in plan_engagement(folder).warnings)
    path = folder / "client.yaml"
    text = path.read_text(encoding="utf-8").replace(  # the client's own way up for continuous improvement
        "exclude_initiatives: []", "exclude_initiatives: [improvement-forum-backlog, blameless-incident-reviews]")
    path.write_text(text.replace("add_initiatives: []", """add_initiatives:
    - id: fix-failure-demand
      title: Fix the five most common causes of chasing calls
      raises: [{dimension: continuous-improvement, from: 2, to: 3}]
      effort: 3
      duration: 8
      kpis: [avoidable-contact]"""), encoding="utf-8")
    p = plan_engagement(folder)
    assert not [w for w in p.warnings if "is moved by no initiative" in w]
    row = p.scorecard.set_index("kpi").loc["avoidable-contact"]
    assert "Fix the five most common causes of chasing calls" in row["moved_by"]


def test_the_warning_names_the_initiative_that_would_move_the_kpi_and_why_it_is_not_scheduled(example_copy):
    folder = example_copy("brightloop-customer-support")
    path = folder / "client.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  add_initiatives:")
    rest = text[text.index("\ncustomers:"):] if "\ncustomers:" in text else ""  # the driver tree stays
    path.write_text(text[:start] + "  add_initiatives: []\n" + rest, encoding="utf-8")
    warning = next(w for w in plan_engagement(folder).warnings if "is moved by no initiative" in w)
    assert warning.startswith("KPI 'Improvement actions closed per quarter' is moved by no initiative in the roadmap")
    assert "'Run Lean and Agile improvement cycles with measured results' would move it but is not scheduled: " \
           "waits for prerequisite" in warning


def test_before_the_assessment_validate_checks_the_kpis_against_every_initiative_the_client_may_plan(
        engagement, workbench):
    with_vision(engagement, """\
vision:
  scorecard:
    - {id: csat, name: Customer satisfaction, definition: Surveyed, unit: "%", direction: up, baseline: 70,
       target: 80, due: 2027-12-31, owner: Head of service}
    - {id: staff-absence, name: Staff absence, definition: Sick days, unit: days, direction: down, baseline: 7,
       target: 5, due: 2027-12-31, owner: HR}
""")
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r
    assert "warning: KPI 'Customer satisfaction' is moved by" not in r.stdout
    line = next(x for x in r.stdout.splitlines() if "'Staff absence' is moved by" in x)
    assert "moved by no initiative in the catalogue or the client's additions" in line
    assert "'Staff turnover' (id staff-turnover)" in line


# ------------------------------------------------------------ each KPI once, fully defined

@pytest.mark.parametrize("second, key, found", [
    ("{id: csat, name: Ward satisfaction}", "vision.scorecard[1].id", "duplicate KPI id 'csat', already "
                                                                       "vision.scorecard[0].id"),
    ("{id: ward-csat, name: '  customer  SATISFACTION '}", "vision.scorecard[1].name",
     "duplicate KPI name '  customer  SATISFACTION ', the same as vision.scorecard[0].name ('Customer satisfaction')"),
])
def test_the_same_kpi_twice_is_an_error_naming_client_yaml_and_the_key(engagement, workbench, second, key, found):
    with_vision(engagement, f"""\
vision:
  scorecard:
    - {{id: csat, name: Customer satisfaction, unit: "%", baseline: 70, target: 80}}
    - {second}
""")
    for command in ("validate", "roadmap"):
        r = workbench(command, engagement)
        assert r.exit_code == 2, r
        assert f"{engagement / 'client.yaml'}, line " in r.stderr
        assert f"{key}: {found}; expected each KPI once in the scorecard" in r.stderr


def test_a_kpi_without_definition_unit_or_direction_is_warned_once_by_name(engagement, workbench):
    with_vision(engagement, """\
vision:
  scorecard:
    - {id: csat, name: Customer satisfaction, definition: Surveyed, unit: "%", direction: up, baseline: 70,
       target: 80, due: 2027-12-31, owner: Head of service}
    - {id: fcr, name: First contact resolution, baseline: 58, target: 75, due: 2027-12-31, owner: Team leads}
    - {id: mttr, name: Mean time to resolve, definition: Hours to fix, unit: hours, baseline: 14, target: 8,
       due: 2027-12-31, owner: Problem manager}
""")
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r
    warned = [x for x in r.stdout.splitlines() if "reads the figure the same way" in x]
    assert warned == [
        "  warning: KPI 'First contact resolution' has no definition, no unit and no direction: state what is "
        "counted (definition:), its unit (unit:) and whether better is up or down (direction: up or down), so "
        "everyone reads the figure the same way.",
        "  warning: KPI 'Mean time to resolve' has no direction: state whether better is up or down (direction: up "
        "or down), so everyone reads the figure the same way."]


# ------------------------------------------------------------ the examples

@pytest.mark.parametrize("name", NAMES)
def test_the_examples_have_no_unmoved_or_undefined_kpis(name, workbench):
    from conftest import EXAMPLES

    r = workbench("validate", EXAMPLES / name)
    assert r.exit_code == 0, r
    assert "is moved by no initiative" not in r.stdout
    assert "reads the figure the same way" not in r.stdout
    p = plan_engagement(EXAMPLES / name)
    sc = p.scorecard[p.scorecard["in_scorecard"]]
    assert (sc["moved_by"] != "").all() and (sc["warning"] == "").all()
    deliberate = {"The scorecard has 5 KPIs; a balanced scorecard has 6-8, enough to see the arrival and few enough "
                  "to steer by.", "KPI 'Repeat repairs within 30 days' has no baseline: without it nobody can show "
                  "the arrival."}
    assert set(p.warnings) == (deliberate if name == "st-aldhelms-facilities" else set())


def test_the_roadmap_shows_kpi_names_initiative_titles_and_interim_targets(example_copy, workbench, tmp_path):
    folder = example_copy(HARBOURSIDE)
    shutil.rmtree(folder / "responses" / "2026-11")  # planned from its 2026-Q3 round, as these figures were
    out = tmp_path / "r.xlsx"
    r = workbench("roadmap", folder, "--xlsx", out)
    assert r.exit_code == 0, r
    text = r.stdout
    assert "KPIs: Contacts answered within the published time; Response time" in text  # publish-sla-figures
    assert "KPIs: sla-attainment" not in text
    assert "Contacts answered within the published time: 61 % -> 80 % by 2026-12-31 (Contact centre manager); " \
           "moved by Publish the current SLA figures every week;" in text
    interim = text.split("INTERIM KPI TARGETS", 1)[1]
    fcr = next(x for x in interim.splitlines() if x.startswith("First contact resolution (%)"))
    assert fcr.split() == ["First", "contact", "resolution", "(%)", "55", "60", "65", "70", "70"]

    wb = load_workbook(out)
    assert wb.sheetnames == ["About", "Gaps", "Roadmap", "Not scheduled", "Trajectory", "Scorecard",
                             "Interim targets", "Glossary"]
    ws = wb["Interim targets"]
    header = [c.value for c in ws[1]]
    assert header == ["KPI", "Unit", "Better when", "Baseline", "Wave", "Wave ends", "Interim target",
                      "Target", "Basis", "Id"]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True) if r[-1] == "fcr"]
    assert [(r["Wave"], r["Interim target"]) for r in rows] == [(1, 60), (2, 65), (3, 70)]
    assert rows[0]["KPI"] == "First contact resolution" and rows[0]["Wave ends"] == dt.datetime(2026, 4, 5)
    assert rows[0]["Basis"] == "interpolated from baseline to target along waves 1-3, in which initiatives that " \
                               "move it finish"
    roadmap = wb["Roadmap"]
    header = [c.value for c in roadmap[1]]
    kpis = {r[header.index("Id")]: r[header.index("KPIs it moves")]
            for r in roadmap.iter_rows(min_row=2, values_only=True)}
    assert kpis["publish-sla-figures"] == "Contacts answered within the published time; Response time"


# ------------------------------------------------------------ interim targets as a pure function

@st.composite
def scorecards_and_plans(draw):
    waves = draw(st.integers(1, 8))
    ids = [f"k{i}" for i in range(draw(st.integers(1, 5)))]
    value = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
    scorecard = pd.DataFrame([dict(kpi=k, name=f"KPI {k}", unit="%", better_when="up", baseline=draw(value),
                                   target=draw(value), in_scorecard=draw(st.booleans()) or i == 0)
                              for i, k in enumerate(ids)])
    plan = []
    for j in range(draw(st.integers(0, 8))):
        start = draw(st.integers(1, waves))
        plan.append(dict(wave=start, completes_in_wave=draw(st.integers(start, waves)), initiative=f"i{j}",
                         title=f"Initiative {j}", kpis=", ".join(draw(st.lists(st.sampled_from(ids + ["other"]),
                                                                                unique=True)))))
    plan = pd.DataFrame(plan, columns=["wave", "completes_in_wave", "initiative", "title", "kpis"])
    first = dt.date(2027, 1, 4)
    table = pd.DataFrame([dict(wave=w, end=first + dt.timedelta(weeks=13 * w, days=-1)) for w in range(1, waves + 1)])
    return scorecard, plan, table


@given(scorecards_and_plans())
def test_interim_targets_climb_in_equal_steps_from_baseline_to_target_along_the_waves_that_move_the_kpi(case):
    scorecard, plan, waves = case
    got = interim_targets(scorecard, plan, waves)
    assert list(got.columns) == INTERIM_COLUMNS
    ends = dict(zip(waves["wave"], waves["end"]))
    for k in scorecard.itertuples(index=False):
        rows = got[got["kpi"] == k.kpi]
        moving = sorted({r.completes_in_wave for r in plan.itertuples() if k.kpi in r.kpis.split(", ")})
        if not k.in_scorecard or k.baseline is None or pd.isna(k.baseline) or k.target is None or \
                pd.isna(k.target) or not moving:
            assert rows.empty
            continue
        assert list(rows["wave"]) == moving  # one row per wave in which a mover finishes, in order
        assert [ends[w] for w in rows["wave"]] == list(rows["wave_end"])
        values = list(rows["interim_target"])
        assert values[-1] == k.target  # the last wave that moves it reaches the target exactly
        span = k.target - k.baseline
        steps = [b - a for a, b in zip([k.baseline] + values, values)]
        assert all(s * span >= -1e-9 * max(1.0, abs(span)) for s in steps)  # never away from the target
        lo, hi = sorted((k.baseline, k.target))
        assert all(lo - 1e-6 <= v <= hi + 1e-6 for v in values)
        for i, v in enumerate(values, start=1):  # a straight line: equal steps
            assert v == pytest.approx(k.baseline + span * i / len(moving), rel=1e-9, abs=1e-6)
        assert rows["basis"].iloc[0].startswith("interpolated from baseline to target along wave")


def test_a_kpi_without_interim_targets_says_why():
    from roadmaps.scorecard import interim_basis

    assert interim_basis(None, 80, [1, 2]) == "no interim targets: no baseline"
    assert interim_basis(None, None, []) == ("no interim targets: no baseline, no target and no initiative in the "
                                             "roadmap moves it")
    assert interim_basis(55.0, 70.0, [2, 3, 4]).startswith("interpolated from baseline to target along waves 2-4")
    assert "waves 1, 3 and 4," in interim_basis(55.0, 70.0, [1, 3, 4])
