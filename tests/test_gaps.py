"""Gap analysis: target minus current, and a priority a leadership team can follow."""
from __future__ import annotations

import pandas as pd
import pytest

from assessment.model import load_model
from roadmaps.gaps import PriorityWeights, dimension_gaps, question_gaps
from roadmaps.vision import Vision, target_profile

MODEL = load_model("service-management")
DIMS = [d.id for d in MODEL.dimensions]
LAYER = {d.id: d.layer for d in MODEL.dimensions}


def profile(means, gaps=None):
    dims = pd.DataFrame({"area": DIMS, "mean": [means.get(d, 3.0) for d in DIMS]})
    dims["level"] = dims["mean"].astype(int)
    dims["level_name"] = "x"
    dims["std"] = 0.5
    dims["n"] = 10
    per = pd.DataFrame({"dimension": DIMS, "leadership_mean": 3.0, "front_line_mean": 3.0,
                        "gap": [(gaps or {}).get(d, 0.0) for d in DIMS]})
    return dims, per


def rank(dims, per, importance=None, vision=None, weights=None):
    imp = importance if importance is not None else pd.DataFrame(columns=["question", "dimension", "importance"])
    targets = target_profile(MODEL, vision or Vision(targets={d: 4 for d in DIMS}))
    return dimension_gaps(dims, per, imp, targets, MODEL, weights).set_index("dimension")


def test_gap_is_target_minus_current_and_closed_gaps_have_no_priority():
    dims, per = profile({"service-levels": 2.4, "collaboration": 4.5})
    g = rank(dims, per)
    assert g.loc["service-levels", "gap"] == pytest.approx(1.6)
    assert g.loc["service-levels", "levels_to_climb"] == 2
    assert g.loc["collaboration", "priority"] == 0 and g.loc["collaboration", "status"] == "at or above target"
    assert g.loc["service-levels", "rank"] == 1


def test_foundations_outrank_crown_for_the_same_gap():
    roots = next(d for d in DIMS if LAYER[d] == "roots")
    crown = next(d for d in DIMS if LAYER[d] == "crown")
    dims, per = profile({roots: 2.5, crown: 2.5})
    g = rank(dims, per)
    assert g.loc[roots, "rank"] < g.loc[crown, "rank"]
    assert g.loc[roots, "c_foundation"] == 1 and g.loc[crown, "c_foundation"] == 0


def test_importance_and_disagreement_raise_priority_and_are_explained():
    a, b = "service-levels", "delivery-enablers"  # both roots
    dims, per = profile({a: 2.5, b: 2.5}, gaps={b: 1.2})
    g = rank(dims, per)
    assert g.loc[b, "priority"] > g.loc[a, "priority"]
    assert "leaders rate it higher by 1.20: align first" in g.loc[b, "why"]
    imp = pd.DataFrame({"question": ["SLM1", "ENB1"], "dimension": [a, b], "importance": [5.0, 1.0]})
    g2 = rank(dims, per, importance=imp, weights=PriorityWeights(gap=0.4, importance=0.6, foundation=0,
                                                                  disagreement=0))
    assert g2.loc[a, "rank"] < g2.loc[b, "rank"]
    assert g2.loc[a, "importance"] == 1.0 and g2.loc[a, "w_importance"] == pytest.approx(0.6)
    assert (g2["importance_weight"] == 0.6).all()  # the weights travel with the result


def test_question_gaps_map_other_scales_onto_levels():
    samm = load_model("samm-lite")
    q = pd.DataFrame({"question": ["SM-A1"], "text": ["t"], "dimension": ["strategy-metrics"],
                      "scale": ["samm-coverage"], "n": [3], "mean": [0.5], "std": [0.1]})
    targets = target_profile(samm, Vision(targets={"strategy-metrics": 3}))
    g = question_gaps(q, targets, samm).iloc[0]
    assert g["current"] == pytest.approx(1.5) and g["gap"] == pytest.approx(1.5)  # half of the 0-3 range
