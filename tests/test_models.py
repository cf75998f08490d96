"""Maturity models as data: the shipped models, other shapes, and every model error reported at once."""
from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from assessment.model import builtin_models, load_model, parse_model
from assessment.problems import InputError
from assessment.scoring import assess, respondent_scores

ROLES = pd.DataFrame({"role": ["leadership", "front_line"], "name": ["Leadership", "Front line"],
                      "perspective": ["leadership", "front_line"]})


def answers_frame(rows):
    """rows: (respondent, role, question, value) with value None for an excluded answer."""
    df = pd.DataFrame(rows, columns=["respondent", "role", "question", "value"])
    df["status"] = ["value" if v is not None else "not_applicable" for v in df["value"]]
    df["value"] = df["value"].astype(float)
    df["source"] = "test"
    return df


def test_default_model_has_the_shape_the_method_needs():
    m = load_model("service-management")
    dims = m.dimensions
    assert 10 <= len(dims) <= 14
    assert len({a.id for a in m.areas}) >= 4  # grouped into domains
    for d in dims:
        n_q = len(d.questions)
        assert 3 <= n_q <= 6, d.id
        assert sorted(d.descriptors) == [1, 2, 3, 4, 5], d.id
        assert all(len(text) > 30 for text in d.descriptors.values()), d.id
        assert d.layer in {"roots", "trunk", "crown"}
    assert {d.layer for d in dims} == {"roots", "trunk", "crown"}
    scale = m.scales["maturity5"]
    kinds = {o.kind for o in scale.options}
    assert kinds == {"value", "not_applicable", "dont_know"}
    assert [scale.display_label(o) for o in scale.value_options][2] == "3 - Defined"


def test_samm_shaped_model_scores_streams_as_sums_and_practices_as_means():
    m = load_model("samm-lite")
    assert [t.aggregate for t in m.tiers] == ["mean", "mean", "sum"]
    practice = m.dimensions[0]
    stream_a, stream_b = practice.areas
    qa = [q.id for q in stream_a.questions]
    qb = [q.id for q in stream_b.questions]
    # Stream A: yes-most (1) + at-least-half (0.5) + some (0.25) = 1.75; stream B: 1 + 0 + N/A = 1.0
    rows = [("r1", "leadership", qa[0], 1.0), ("r1", "leadership", qa[1], 0.5), ("r1", "leadership", qa[2], 0.25),
            ("r1", "leadership", qb[0], 1.0), ("r1", "leadership", qb[1], 0.0), ("r1", "leadership", qb[2], None)]
    rs = respondent_scores(answers_frame(rows), m).set_index("area")["score"]
    assert rs[stream_a.id] == pytest.approx(1.75)
    assert rs[stream_b.id] == pytest.approx(1.0)
    assert rs[practice.id] == pytest.approx(1.375)
    function = m.area_table.loc[practice.id, "parent"]
    assert rs[function] == pytest.approx(1.375)  # the only practice answered in that function
    result = assess(answers_frame(rows), m, ROLES)
    row = result.dimensions.set_index("area").loc[practice.id]
    assert row["level"] == 1 and row["level_name"] == m.level_named(1).name


def test_iso_33020_style_model_uses_npfl_ratings_and_the_weakest_attribute():
    m = load_model("process-capability")
    scale = m.scales["npfl"]
    assert [o.label for o in scale.value_options] == ["N", "P", "L", "F"]
    process = m.dimensions[0]
    cl1, cl2, cl3 = process.areas
    rows = [("r1", "leadership", cl1.questions[0].id, 1.0)]                      # CL1: F
    rows += [("r1", "leadership", q.id, v) for q, v in zip(cl2.questions, [1.0, 0.3333])]  # CL2: min(F, P)
    rows += [("r1", "leadership", q.id, 0.0) for q in cl3.questions]             # CL3: N
    rs = respondent_scores(answers_frame(rows), m).set_index("area")["score"]
    assert rs[cl2.id] == pytest.approx(0.3333)
    assert rs[process.id] == pytest.approx(1.3333)
    assert m.level_for(rs[process.id]).name == m.level_named(1).name


BROKEN = textwrap.dedent("""\
    id: broken
    name: Broken
    version: 1
    levels:
      - {value: 1, name: Low}
      - {value: 2, name: High}
    scales:
      yn:
        options:
          - {label: "No", value: 0}
          - {label: "Yes", value: 1}
    tiers:
      - {id: domain, name: Domain}
      - {id: dimension, name: Dimension}
    dimension_tier: dimension
    areas:
      - id: d1
        name: Domain one
        areas:
          - id: x
            name: Dimension X
            descriptors: {1: "low", 2: "high"}
            questions:
              - {id: Q1, text: "q1", scale: yn}
              - {id: Q1, text: "again", scale: yn, weight: -2}
          - id: y
            name: Dimension Y
            descriptors: {1: "low"}
            questions:
              - {id: Q2, text: "q2", scale: likert7}
          - id: z
            name: Dimension Z
            descriptors: {1: "low", 2: "high"}
            questions: []
    """)


def test_every_model_error_is_reported_at_once_with_its_yaml_path():
    with pytest.raises(InputError) as info:
        parse_model(BROKEN, source="broken.yaml")
    text = str(info.value)
    by_key = {p.key: p.message for p in info.value.problems}
    assert "duplicate question id 'Q1'" in by_key["areas[0].areas[0].questions[1].id"]
    assert "weight must be zero or more, found -2" in by_key["areas[0].areas[0].questions[1].weight"]
    assert "no descriptor for level 2" in by_key["areas[0].areas[1].descriptors"]
    assert "unknown scale 'likert7'" in by_key["areas[0].areas[1].questions[0].scale"]
    assert "dimension 'z' has no questions" in by_key["areas[0].areas[2]"]
    assert len(info.value.problems) == 5
    assert all(p.source == "broken.yaml" and p.line for p in info.value.problems)
    assert "broken.yaml, line 25, areas[0].areas[0].questions[1].id" in text


def test_model_typos_and_type_errors_are_reported_alongside_reference_errors():
    bad = BROKEN.replace("dimension_tier: dimension", "dimension_teir: dimension").replace(
        "- {value: 2, name: High}", "- {value: two, name: High}")
    with pytest.raises(InputError) as info:
        parse_model(bad, source="m.yaml")
    keys = {p.key for p in info.value.problems}
    assert "dimension_teir" in keys and "dimension_tier" in keys and "levels[1].value" in keys
    assert "areas[0].areas[1].questions[0].scale" in keys


def test_check_model_command_exits_2_and_lists_problems(tmp_path, workbench):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    r = workbench("check-model", path)
    assert r.exit_code == 2
    assert "5 problems" in r.stderr and "likert7" in r.stderr
    ok = workbench("check-model", builtin_models()["samm-lite"])
    assert ok.exit_code == 0 and "stream score is the sum" in ok.stdout


def test_malformed_yaml_names_the_line(tmp_path, workbench):
    path = tmp_path / "m.yaml"
    path.write_text("id: x\nname: [unclosed\nversion: 1\n")
    r = workbench("check-model", path)
    assert r.exit_code == 2 and "not valid YAML" in r.stderr and "line" in r.stderr


def test_aggregation_rules_are_inspectable_in_plain_language():
    lines = load_model("service-management").describe_aggregation()
    assert any("dimension score is the weighted mean of its questions" in s for s in lines)
    assert any("left out, never counted as zero" in s for s in lines)
