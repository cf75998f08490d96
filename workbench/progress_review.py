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
from pathlib import Path

import pandas as pd

from assessment.problems import InputError, Problem
from roadmaps.progress import achieved_against_plan, initiatives_due, kpi_progress, round_comparison
from workbench.engagement.folder import Engagement, assess_engagement, cached
from workbench.engagement.scaffold import next_quarter
from workbench.engagement.kpis import kpi_measurements
from workbench.planning import Planning, plan, plan_engagement, plan_settings
from workbench.engagement.rounds import Round


@dataclass
class Review:
    engagement: Engagement
    rounds: list[Round]
    assessments: dict         # round name -> Assessment
    latest: Planning          # the latest round, planned: today's gaps, re-ranked
    baseline: Planning        # the first round, planned: the roadmap as planned
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


def review_engagement(folder: Path) -> Review:
    """Every round assessed, the first one planned, the latest compared with it; InputError if fewer than two
    rounds or a round without a date."""
    return cached(f"review-{dt.date.today()}", folder, lambda: _review(Path(folder)))


def _review(folder: Path) -> Review:
    latest = plan_engagement(folder)
    eng = latest.engagement
    rounds = eng.rounds
    if len(rounds) < 2:
        raise InputError([Problem(str(eng.responses_dir), f"only one assessment round ({rounds[0].name}); a progress "
                                  "review needs two or more, each in its own folder such as responses/2026-Q1/")])
    assessed = {r.name: assess_engagement(folder, r.name)[1] for r in rounds}
    first = rounds[0]
    notes = []
    base_model = assessed[first.name]
    if (base_model.model_id, base_model.model_version) != (eng.model.id, eng.model.version):
        notes.append(f"Round {first.name} was answered on model {base_model.model_id} {base_model.model_version}, "
                     f"round {rounds[-1].name} on {eng.model.id} {eng.model.version}: rounds are compared only on "
                     "the dimensions both versions have.")
    baseline = plan_round(eng, first, assessed[first.name])
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
    return Review(eng, rounds, assessed, latest, baseline, as_of, history, moved, against,
                  initiatives_due(baseline.roadmap.plan, last.date),
                  kpi_progress(latest.scorecard[latest.scorecard["in_scorecard"]], measurements, as_of,
                               baseline.roadmap.settings.start),
                  measurements, notes)


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
