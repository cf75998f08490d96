"""Scoring: hand-checked results and invariants that must hold for any answers (hypothesis)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.model import load_model
from assessment.scoring import assess, importance_performance, respondent_scores

MODEL = load_model("service-management")
QIDS = list(MODEL.question_table["question"])
ROLES = pd.DataFrame({"role": ["leadership", "management", "front_line"],
                      "name": ["Leadership", "Management", "Front line"],
                      "perspective": ["leadership", "management", "front_line"]})


def frame(rows) -> pd.DataFrame:
    """rows: (respondent, role, question, value or 'na'/'dk', importance or None)."""
    recs = []
    for r, role, q, v, imp in rows:
        status = {"na": "not_applicable", "dk": "dont_know"}.get(v, "value")
        recs.append(dict(respondent=r, role=role, question=q, value=np.nan if status != "value" else float(v),
                         status=status, importance=np.nan if imp is None else float(imp), source="t"))
    return pd.DataFrame(recs)


def test_weighted_means_up_the_hierarchy_by_hand():
    dim = MODEL.areas_by_id["service-levels"]
    weights = {q.id: q.weight for q in dim.questions}
    values = dict(zip(weights, [1, 2, 3, 4, 5, 5][:len(weights)]))
    rows = [("a", "leadership", q, v, None) for q, v in values.items()]
    rs = respondent_scores(frame(rows), MODEL).set_index("area")["score"]
    expected = sum(weights[q] * v for q, v in values.items()) / sum(weights.values())
    assert rs["service-levels"] == pytest.approx(expected)
    domain = MODEL.area_table.loc["service-levels", "parent"]
    assert rs[domain] == pytest.approx(expected)  # the other dimension of the domain was not answered
    assert rs["overall"] == pytest.approx(expected)


def test_spread_agreement_levels_and_role_gap():
    rows = []
    for i, v in enumerate([4, 4, 4]):
        rows += [(f"L{i}", "leadership", q, v, None) for q in QIDS]
    for i, v in enumerate([1, 2, 3, 2]):
        rows += [(f"F{i}", "front_line", q, v, None) for q in QIDS]
    result = assess(frame(rows), MODEL, ROLES)
    d = result.dimensions.set_index("area").loc["collaboration"]
    values = pd.Series([4, 4, 4, 1, 2, 3, 2], dtype=float)
    assert d["n"] == 7 and d["mean"] == pytest.approx(values.mean())
    assert d["median"] == 3 and d["std"] == pytest.approx(values.std())
    assert d["iqr"] == pytest.approx(values.quantile(0.75) - values.quantile(0.25))
    assert d["agreement_index"] == pytest.approx(max(0.0, 1 - values.var() / 2.0))
    assert d["level"] == 2 and d["level_name"] == "Repeatable"
    g = result.perception_gap.set_index("dimension").loc["collaboration"]
    assert (g["leadership_mean"], g["front_line_mean"], g["gap"]) == (4, 2, 2)
    by_role = result.by_role.set_index(["area", "role"])
    assert by_role.loc[("collaboration", "front_line"), "n"] == 4
    assert result.overall["level_name"] == "Repeatable"
    assert any("Management" in n for n in result.notes)  # nobody from management answered


def test_importance_performance_puts_important_weak_items_in_concentrate_here():
    rows = [("a", "front_line", "STR1", 1, 5), ("a", "front_line", "STR2", 5, 5),
            ("a", "front_line", "STR3", 1, 1), ("a", "front_line", "STR4", 5, 1)]
    ip = importance_performance(frame(rows), MODEL).set_index("question")["quadrant"]
    assert ip.to_dict() == {"STR1": "Concentrate here", "STR2": "Keep up the good work",
                            "STR3": "Low priority", "STR4": "Possible overkill"}


# ---------------------------------------------------------------- properties

answer = st.one_of(st.integers(1, 5), st.sampled_from(["na", "dk"]))
respondent_answers = st.lists(answer, min_size=len(QIDS), max_size=len(QIDS))
roles = st.sampled_from(["leadership", "management", "front_line"])
panel = st.lists(st.tuples(roles, respondent_answers), min_size=2, max_size=8)
quick = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def panel_frame(people) -> pd.DataFrame:
    return frame([(f"r{i}", role, q, v, None) for i, (role, answers) in enumerate(people)
                  for q, v in zip(QIDS, answers)])


def profile(df) -> pd.DataFrame:
    return assess(df, MODEL, ROLES).areas.set_index("area")


@quick
@given(panel)
def test_scores_stay_within_the_scale(people):
    p = profile(panel_frame(people))
    for col in ("mean", "median", "min", "max", "q1", "q3"):
        assert ((p[col] >= 1 - 1e-9) & (p[col] <= 5 + 1e-9) | p[col].isna()).all()
    assert ((p["agreement_index"] >= 0) & (p["agreement_index"] <= 1) | p["agreement_index"].isna()).all()


@quick
@given(panel, st.data())
def test_not_applicable_never_changes_a_score(people, data):
    df = panel_frame(people)
    extra = data.draw(st.lists(st.sampled_from(QIDS), min_size=1, max_size=10))
    # A new respondent who answers only N/A and "don't know" adds no score anywhere.
    ghost = frame([("ghost", "front_line", q, data.draw(st.sampled_from(["na", "dk"])), None) for q in extra])
    before, after = profile(df), profile(pd.concat([df, ghost], ignore_index=True))
    pd.testing.assert_frame_equal(before, after)


@quick
@given(panel, st.randoms(use_true_random=False))
def test_row_order_never_changes_a_result(people, rnd):
    df = panel_frame(people)
    shuffled = df.iloc[rnd.sample(range(len(df)), len(df))].reset_index(drop=True)
    a, b = assess(df, MODEL, ROLES), assess(shuffled, MODEL, ROLES)
    pd.testing.assert_frame_equal(a.areas, b.areas)
    pd.testing.assert_frame_equal(a.perception_gap, b.perception_gap)
    pd.testing.assert_frame_equal(a.questions, b.questions)


@quick
@given(panel)
def test_every_respondent_twice_changes_spread_but_not_mean(people):
    df = panel_frame(people)
    twice = pd.concat([df, df.assign(respondent=df["respondent"] + "-copy")], ignore_index=True)
    a, b = profile(df), profile(twice)
    pd.testing.assert_series_equal(a["mean"], b["mean"])
    pd.testing.assert_series_equal(a["median"], b["median"])
    assert (b["n"] == 2 * a["n"]).all()
    spread = a["std"] > 1e-9  # a constant column can come out as 2e-16 in floating point, not 0
    assert (b.loc[spread, "std"] < a.loc[spread, "std"]).all()  # sample SD: sqrt(2(n-1)/(2n-1)) of before
    ratio = np.sqrt(2 * (a["n"] - 1) / (2 * a["n"] - 1))
    np.testing.assert_allclose(b.loc[spread, "std"], (a["std"] * ratio)[spread])


@quick
@given(panel, st.data())
def test_an_na_answer_scores_as_if_absent_never_as_zero(people, data):
    df = panel_frame(people)
    i = data.draw(st.integers(0, len(df) - 1))
    as_na = df.copy()
    as_na.loc[i, ["value", "status"]] = [np.nan, data.draw(st.sampled_from(["not_applicable", "dont_know"]))]
    dropped = df.drop(index=i).reset_index(drop=True)
    cols = ["n", "mean", "median", "std", "level"]
    pd.testing.assert_frame_equal(profile(as_na)[cols], profile(dropped)[cols])


def test_dimension_levels_carry_the_models_descriptors_of_this_and_the_next_level():
    rows = [("a", "front_line", q, 2, None) for q in QIDS] + [("b", "front_line", q, 3, None) for q in QIDS]
    dims = assess(frame(rows), MODEL, ROLES).dimensions.set_index("area")
    d = dims.loc["service-recovery"]
    area = MODEL.areas_by_id["service-recovery"]
    assert d["level"] == 2 and d["descriptor"] == area.descriptors[2]
    assert d["next_level"] == 3 and d["next_level_name"] == "Defined" and d["next_descriptor"] == area.descriptors[3]
    top = assess(frame([("a", "leadership", q, 5, None) for q in QIDS]), MODEL, ROLES).dimensions.iloc[0]
    assert top["level"] == 5 and top["next_level"] is None and top["next_descriptor"] is None
