"""What the portfolio store records of one client: every assessment round as plain rows (built in a batch
worker from the analysis it has already done, sent to the coordinator, which writes it; see writing.py)."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from assessment.scoring import respondent_counts
from workbench.engagement.kpis import kpi_measurements
from workbench.planning import Planning
from workbench.progress_review import Review, round_plans


def _plain(v):
    """A value a database driver accepts: Python numbers, dates and strings; None for missing."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _rows(df: pd.DataFrame, columns: dict[str, str]) -> list[dict]:
    """Rows of `df` with its columns renamed (source -> stored name), as plain values."""
    part = df[list(columns)].rename(columns=columns)
    return [{k: _plain(v) for k, v in row.items()} for row in part.to_dict("records")]


def round_record(name: str, date: dt.date | None, p: Planning) -> dict:
    a = p.assessment
    counts = respondent_counts(a.respondents, p.engagement.roles)
    counts = counts[counts["role"] != "total"]
    scorecard = p.scorecard[p.scorecard["in_scorecard"]] if len(p.scorecard) else p.scorecard
    return {
        "round": {"round": name, "date": date, "model_id": a.model_id, "model_version": str(a.model_version),
                  "respondents": int(len(a.respondents)), "overall_mean": _plain(a.overall["mean"]),
                  "overall_level": _plain(a.overall["level"]), "roadmap_start": p.roadmap.settings.start},
        "dimension_scores": _rows(p.dimensions, {"dimension": "dimension", "name": "name", "layer": "layer",
                                                 "n": "n", "current": "mean", "current_level": "level",
                                                 "target": "target", "gap": "gap", "priority": "priority",
                                                 "rank": "rank"}),
        "question_scores": _rows(a.questions, {"question": "question", "dimension": "dimension", "n": "n",
                                               "mean": "mean"}),
        "respondent_counts": _rows(counts, {"role": "role", "respondents": "respondents"}),
        "planned_initiatives": _rows(p.roadmap.plan, {"initiative": "initiative", "title": "title", "wave": "wave",
                                                      "start": "start", "end": "end", "effort": "effort"}),
        "planned_trajectory": _rows(p.roadmap.trajectory, {"dimension": "dimension", "wave": "wave",
                                                           "date": "date", "level": "level"}),
        "kpi_targets": _rows(scorecard, {"kpi": "kpi", "name": "name", "unit": "unit", "baseline": "baseline",
                                         "target": "target", "due": "due"}) if len(scorecard) else [],
    }


def client_record(latest: Planning, review: Review | None = None) -> dict:
    """Every round of the engagement, each with its profile, targets, gaps and roadmap as planned from it.
    `latest`: the engagement's planning; `review`: its progress review when the caller has one (its rounds are
    planned already), else the earlier rounds are planned here."""
    eng = latest.engagement
    plans = review.plans if review is not None else round_plans(latest)
    out = [round_record(r.name, r.date, plans[r.name]) for r in eng.rounds]
    if review is not None:  # the plan of record as delivered, on the review day: with the latest round
        out[-1]["initiative_delivery"] = _rows(review.delivery.assign(as_of=review.as_of), {
            "initiative": "initiative", "title": "title", "wave": "wave", "start": "start", "end": "end",
            "status": "status", "percent_done": "percent_done", "state": "state", "rag": "rag", "as_of": "as_of",
            "note": "note"})
    cfg = eng.config
    return {"client": {"client_id": cfg.id, "name": cfg.name, "sector": cfg.sector, "model_id": eng.model.id},
            "rounds": out, "kpi_values": _rows(kpi_measurements(eng), {"kpi": "kpi", "date": "date", "value": "value"})}
