"""The one path from an engagement with several assessment rounds to its progress review (notebook 04,
the report's progress section and the portfolio store's "behind the roadmap").

The roadmap "as planned" is the plan made from the first round with the engagement's roadmap settings
(its start date is fixed in client.yaml; without one, the quarter after the first round). Each later round
is compared with the level that plan expected by the round's date.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from assessment.problems import InputError, Problem
from roadmaps.progress import achieved_against_plan, initiatives_due, kpi_progress, round_comparison
from workbench.engagement.folder import Engagement, assess_engagement
from workbench.engagement.kpis import kpi_measurements
from workbench.engagement.rounds import Round
from workbench.engagement.scaffold import next_quarter
from workbench.planning import Planning, plan, plan_settings


@dataclass
class Review:
    engagement: Engagement
    rounds: list[Round]
    assessments: dict         # round name -> Assessment
    latest: Planning          # the latest round, planned: today's gaps, re-ranked
    baseline: Planning        # the first round, planned: the roadmap as planned
    plans: dict               # round name -> the round planned as it was then (first: baseline; last: latest)
    as_of: dt.date            # the latest round's date (or the last KPI measurement, if later)
    history: pd.DataFrame     # mean per dimension (rows) and round (columns)
    moved: pd.DataFrame       # previous round against the latest, per dimension
    against_plan: pd.DataFrame
    initiatives: pd.DataFrame
    kpis: pd.DataFrame
    measurements: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def rounds_table(self) -> pd.DataFrame:
        """One row per round: name, date, respondents, model and overall score."""
        rows = []
        for x in self.rounds:
            a = self.assessments[x.name]
            rows.append({"round": x.name, "date": x.date, "respondents": len(a.respondents),
                         "model": f"{a.model_id} {a.model_version}", "overall": a.overall["mean"]})
        return pd.DataFrame(rows)

    @property
    def now(self) -> pd.DataFrame:
        """Achieved against planned for the latest round only."""
        return self.against_plan[self.against_plan["round"] == self.rounds[-1].name]

    @property
    def behind(self) -> pd.DataFrame:
        """The latest round's dimensions below the level the plan expected by its date."""
        return self.now[self.now["status"] == "behind"]


def review_engagement(latest: Planning) -> Review:
    """Every round assessed and planned as it was then, the latest compared with the first. `latest` is the
    engagement's planning as the caller already has it (its latest round). InputError if fewer than two rounds."""
    eng = latest.engagement
    rounds = eng.rounds
    if len(rounds) < 2:
        raise InputError([Problem(str(eng.responses_dir), f"only one assessment round ({rounds[0].name}); a progress "
                                  "review needs two or more, each in its own folder such as responses/2026-Q1/")])
    assessed = round_assessments(latest)
    plans = round_plans(latest, assessed)
    first = rounds[0]
    notes = []
    base_model = assessed[first.name]
    if (base_model.model_id, base_model.model_version) != (eng.model.id, eng.model.version):
        notes.append(f"Round {first.name} was answered on model {base_model.model_id} {base_model.model_version}, "
                     f"round {rounds[-1].name} on {eng.model.id} {eng.model.version}: rounds are compared only on "
                     "the dimensions both versions have.")
    baseline = plans[first.name]
    prev, last = rounds[-2], rounds[-1]
    moved, moved_notes = round_comparison(assessed[prev.name].dimensions, assessed[last.name].dimensions)
    notes += moved_notes
    means = {r.name: assessed[r.name].dimensions.set_index("name")["mean"] for r in rounds}
    order = list(dict.fromkeys(n for r in reversed(rounds) for n in means[r.name].index))
    history = pd.DataFrame({k: v.reindex(order) for k, v in means.items()}, index=order)
    later = [(r.name, r.date, assessed[r.name].dimensions) for r in rounds[1:]]
    against = achieved_against_plan(baseline.roadmap.trajectory, later)
    measurements = kpi_measurements(eng)
    as_of = max([last.date] + ([max(measurements["date"])] if len(measurements) else []))
    return Review(eng, rounds, assessed, latest, baseline, plans, as_of, history, moved, against,
                  initiatives_due(baseline.roadmap.plan, last.date),
                  kpi_progress(latest.scorecard[latest.scorecard["in_scorecard"]], measurements, as_of,
                               baseline.roadmap.settings.start),
                  measurements, notes)


def plan_of_record(latest: Planning) -> Planning:
    """The roadmap the engagement is delivering: planned from the first round (the current plan when there is
    one round). `latest` is the engagement's planning as the caller already has it."""
    eng = latest.engagement
    if len(eng.rounds) < 2:
        return latest
    first = eng.rounds[0]
    return plan_round(eng, first, assess_engagement(eng.folder, first.name)[1])


def round_assessments(latest: Planning) -> dict:
    """Round name -> its assessment, the latest one taken from `latest` rather than assessed again."""
    eng = latest.engagement
    last = eng.rounds[-1]
    return {r.name: latest.assessment if r == last else assess_engagement(eng.folder, r.name)[1] for r in eng.rounds}


def round_plans(latest: Planning, assessments: dict | None = None) -> dict:
    """Round name -> the round planned as it was then: the one per-round planner of the progress review and
    of what the portfolio store records. The latest round is `latest` itself."""
    eng = latest.engagement
    assessments = assessments or round_assessments(latest)
    return {r.name: latest if r == eng.rounds[-1] else plan_round(eng, r, assessments[r.name]) for r in eng.rounds}


def plan_round(eng: Engagement, rnd: Round, assessment) -> Planning:
    """The roadmap as planned from an earlier round: client.yaml's roadmap settings, starting the quarter after
    the round when client.yaml fixes no start, on the dimensions the round and the current model share."""
    settings = plan_settings(eng)
    if eng.config.roadmap.start is None and rnd.date is not None:
        settings = dataclasses.replace(settings, start=next_quarter(rnd.date))
    return plan(eng, bridged(assessment, eng), settings)


def bridged(assessment, eng: Engagement):
    """The first round's assessment as the current model sees it: dimensions the current model no longer has
    are dropped, and new ones are left without a score, so the plan covers what both versions share."""
    wanted = [d.id for d in eng.model.dimensions]
    dims = assessment.dimensions
    if list(dims["area"]) == wanted:
        return assessment
    kept = dims[dims["area"].isin(wanted)]
    return dataclasses.replace(assessment, dimensions=kept.reset_index(drop=True))
