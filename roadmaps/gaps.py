"""Gap analysis: target minus current per dimension and per question, ranked by an explainable priority.

The priority of a dimension is a weighted sum of five components, each scaled to 0-1:
  gap           how far the current score is below the target (a full level range = 1)
  importance    how important respondents rated its questions (scale midpoint when nobody rated)
  foundation    roots 1, trunk 0.5, crown 0: loyalty grows only on solid foundations
  disagreement  how far leaders and front line differ (one level or more = 1): such a gap needs
                alignment before improvement
  customers     how far the root and trunk drivers that depend on the dimension fall below the acceptable
                level in the customers' eyes (assessment.customer_view.customer_component); 0 for every
                dimension when there are no customer answers, so it never reorders a client without them.
                It is what keeps a weak foundation in the customers' eyes from being pushed down by its layer.
The weights are parameters; every component and its weighted contribution is in the output.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from assessment.model import MaturityModel

FOUNDATION = {"roots": 1.0, "trunk": 0.5, "crown": 0.0}
LAYER_ORDER = {"roots": 0, "trunk": 1, "crown": 2}


class PriorityWeights(BaseModel):
    """How much each component counts in the priority score (they need not sum to 1)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    gap: float = Field(0.40, ge=0)
    importance: float = Field(0.20, ge=0)
    foundation: float = Field(0.25, ge=0)
    disagreement: float = Field(0.15, ge=0)
    customers: float = Field(0.25, ge=0)


def _level_span(model: MaturityModel) -> tuple[float, float]:
    lo, hi = model.levels[0].value, model.levels[-1].value
    step = (hi - lo) / (len(model.levels) - 1)
    return hi - lo, step


def dimension_importance(importance: pd.DataFrame, model: MaturityModel) -> pd.Series:
    """Mean importance rating per dimension, scaled 0-1 on the importance scale (empty when not rated)."""
    if importance is None or importance.empty or not model.importance_scale:
        return pd.Series(dtype=float)
    lo, hi = model.scales[model.importance_scale].bounds
    per_dim = importance.groupby("dimension")["importance"].mean()
    return (per_dim - lo) / (hi - lo)


def dimension_gaps(dimensions: pd.DataFrame, perception: pd.DataFrame, importance: pd.DataFrame,
                   targets: pd.DataFrame, model: MaturityModel,
                   weights: PriorityWeights | None = None, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ranked gaps per dimension, with the components of the priority score and a one-line why.

    `dimensions`, `perception`, `importance` are the assessment's dimension profile, perception gap and
    importance-performance tables; `targets` is the target profile; `customers` the customer component per
    dimension (customer_view.customer_component: dimension, component, driver_name, layer, performance).
    """
    w = weights or PriorityWeights()
    span, step = _level_span(model)
    cur = dimensions.set_index("area")
    per = perception.set_index("dimension")
    imp = dimension_importance(importance, model)
    out = targets[["dimension", "name", "layer", "target", "target_name"]].copy()
    d = out["dimension"]
    out["domain"] = d.map(model.area_table["parent"]).map(model.area_table["name"])
    out["current"] = d.map(cur["mean"])
    out["current_level"] = d.map(cur["level"])
    out["current_name"] = d.map(cur["level_name"])
    out["spread"] = d.map(cur["std"])
    out["n"] = d.map(cur["n"]).fillna(0).astype(int)
    out["no_score"] = d.map(cur["no_score"]) if "no_score" in cur else None  # why a dimension has no score
    out["leadership"] = d.map(per["leadership_mean"])
    out["front_line"] = d.map(per["front_line_mean"])
    out["role_gap"] = d.map(per["gap"])
    out["gap"] = out["target"] - out["current"]
    out["levels_to_climb"] = (out["target"] - out["current_level"]).clip(lower=0)
    out["importance"] = d.map(imp)
    out["c_gap"] = (out["gap"].clip(lower=0) / span).clip(upper=1).fillna(0)
    out["c_importance"] = out["importance"].fillna(0.5)
    out["c_foundation"] = out["layer"].map(FOUNDATION).fillna(0.5)
    out["c_disagreement"] = (out["role_gap"].abs() / step).clip(upper=1).fillna(0)
    cust = (customers if customers is not None and len(customers) else
            pd.DataFrame(columns=["dimension", "component", "driver_name", "layer", "performance"])).set_index("dimension")
    out["c_customers"] = d.map(cust["component"]).astype(float).fillna(0.0)
    out["customer_driver"] = d.map(cust["driver_name"])
    out["customer_layer"] = d.map(cust["layer"])
    out["customer_rating"] = d.map(cust["performance"])
    out["w_gap"] = w.gap * out["c_gap"]
    out["w_importance"] = w.importance * out["c_importance"]
    out["w_foundation"] = w.foundation * out["c_foundation"]
    out["w_disagreement"] = w.disagreement * out["c_disagreement"]
    out["w_customers"] = w.customers * out["c_customers"]
    open_gap = out["gap"] > 1e-9
    total = out[["w_gap", "w_importance", "w_foundation", "w_disagreement", "w_customers"]].sum(axis=1)
    out["priority"] = np.where(open_gap, total, 0.0)
    out["status"] = np.where(out["current"].isna(), "no score", np.where(open_gap, "gap", "at or above target"))
    out["why"] = [_why(r, step) for r in out.itertuples(index=False)]
    out["_layer"] = out["layer"].map(LAYER_ORDER).fillna(1)
    out = out.sort_values(["priority", "gap", "_layer", "dimension"], ascending=[False, False, True, True])
    out["rank"] = np.arange(1, len(out) + 1)
    for col, value in (("gap_weight", w.gap), ("importance_weight", w.importance),
                       ("foundation_weight", w.foundation), ("disagreement_weight", w.disagreement),
                       ("customers_weight", w.customers)):
        out[col] = value
    return out.drop(columns="_layer").reset_index(drop=True)


def _why(r, step: float) -> str:
    if pd.isna(r.current):
        return r.no_score if isinstance(r.no_score, str) else "no current score: nobody answered its questions"
    if r.gap <= 1e-9:
        return f"already at {r.current:.2f}, target level {r.target}"
    parts = [f"{r.gap:.2f} below target level {r.target}"]
    if r.layer:
        parts.append({"roots": "a foundation (roots)", "trunk": "competence (trunk)",
                      "crown": "relationship (crown)"}[r.layer])
    if pd.notna(r.importance):
        parts.append(f"importance {r.importance:.0%}")
    if pd.notna(r.role_gap) and abs(r.role_gap) >= 0.5 * step:
        who = "leaders rate it higher" if r.role_gap > 0 else "the front line rates it higher"
        parts.append(f"{who} by {abs(r.role_gap):.2f}: align first")
    if r.c_customers > 0:
        parts.append(f"customers rate '{r.customer_driver}' {r.customer_rating:.1f} of 5, below acceptable "
                     f"(a {'root' if r.customer_layer == 'roots' else 'trunk driver'})")
    return "; ".join(parts)


def question_gaps(questions: pd.DataFrame, targets: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """Per question: its dimension's target minus its mean, in level units (scales are mapped onto levels)."""
    lo, hi = model.levels[0].value, model.levels[-1].value
    tgt = targets.set_index("dimension")["target"]
    q = questions[["question", "text", "dimension", "scale", "n", "mean", "std"]].copy()
    bounds = q["scale"].map(lambda s: model.scales[s].bounds)
    q_lo, q_hi = bounds.map(lambda b: b[0]), bounds.map(lambda b: b[1])
    q["target"] = q["dimension"].map(tgt)
    as_level = lo + (q["mean"] - q_lo) / (q_hi - q_lo) * (hi - lo)
    q["current"] = as_level
    q["gap"] = q["target"] - as_level
    return q.sort_values(["gap", "question"], ascending=[False, True]).reset_index(drop=True)
