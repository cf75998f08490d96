"""The one path from an engagement with several assessment rounds to its progress review (notebook 04,
the report's progress section and the portfolio store's "behind the roadmap").

The roadmap "as planned" (the plan of record) is the plan made from the first round with the engagement's
roadmap settings (its start date is fixed in client.yaml; without one, the quarter after the first round). Each
later round is compared with the level that plan expected by the round's date. On the review day (the latest of
the latest round's date, the last KPI measurement and the last status recorded) each initiative's status in
status.csv is judged against the plan's dates, and the rest of the work is planned again from that day on
today's gaps (roadmaps/replan.py).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from assessment.problems import InputError, Problem
from roadmaps.catalogue import catalogue_tables
from roadmaps.delivery import LATE, delivery
from roadmaps.progress import achieved_against_plan, kpi_progress, round_comparison
from roadmaps.replan import Replan, replan
from workbench.engagement.folder import Engagement, assess_engagement
from workbench.engagement.kpis import kpi_measurements
from workbench.engagement.status import STATUS_FILE, read_status
from workbench.engagement.rounds import Round
from workbench.engagement.scaffold import next_quarter
from workbench.planning import Planning, client_initiatives, plan, plan_settings


@dataclass
class Review:
    engagement: Engagement
    rounds: list[Round]
    assessments: dict         # round name -> Assessment
    latest: Planning          # the latest round, planned: today's gaps, re-ranked
    baseline: Planning        # the first round, planned: the roadmap as planned (the plan of record)
    as_of: dt.date            # the review day: the latest round's date, or the last KPI measurement or status if later
    history: pd.DataFrame     # mean per dimension (rows) and round (columns)
    moved: pd.DataFrame       # previous round against the latest, per dimension
    against_plan: pd.DataFrame
    delivery: pd.DataFrame    # each initiative of the plan of record against its dates (roadmaps.delivery.delivery)
    status_recorded: bool     # whether the engagement keeps status.csv (without it every initiative is not started)
    replan: Replan            # the rest of the work planned again from the review day, and what changed
    kpis: pd.DataFrame
    measurements: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    _plans: dict = field(default_factory=dict, repr=False)

    @property
    def plans(self) -> dict:
        """Round name -> the round planned as it was then (first: baseline; last: latest). The rounds between are
        planned when first asked for (the portfolio store records them; the review itself does not need them)."""
        if len(self._plans) < len(self.rounds):
            self._plans.update({self.rounds[0].name: self.baseline, self.rounds[-1].name: self.latest})
            self._plans.update({r.name: plan_round(self.engagement, r, self.assessments[r.name])
                                for r in self.rounds if r.name not in self._plans})
        return {r.name: self._plans[r.name] for r in self.rounds}

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

    @property
    def late(self) -> pd.DataFrame:
        """The initiatives of the plan of record that are late or not started though due, on the review day."""
        return self.delivery[self.delivery["state"].isin(LATE)]

    @property
    def interim(self) -> pd.DataFrame:
        """Each scorecard KPI's targets on the way, at the end of the plan of record's waves that move it."""
        return self.baseline.interim


def review_engagement(latest: Planning) -> Review:
    """Every round assessed, the first planned as it was then (the plan of record), the latest compared with it;
    status.csv and the KPI measurements read. `latest` is the engagement's planning as the caller already has it
    (its latest round). InputError if fewer than two rounds, or naming what is wrong in status.csv or kpis.csv."""
    eng = latest.engagement
    rounds = eng.rounds
    if len(rounds) < 2:
        raise InputError([Problem(str(eng.responses_dir), f"only one assessment round ({rounds[0].name}); a progress "
                                  "review needs two or more, each in its own folder such as responses/2026-Q1/")])
    assessed = round_assessments(latest)
    baseline = plan_round(eng, rounds[0], assessed[rounds[0].name])
    record = baseline.roadmap.plan
    statuses = read_status(eng.folder, dict(zip(record["initiative"], record["title"])))
    return build_review(latest, assessed, baseline, kpi_measurements(eng), statuses,
                        (eng.folder / STATUS_FILE).is_file())


def build_review(latest: Planning, assessed: dict, baseline: Planning, measurements: pd.DataFrame,
                 statuses: pd.DataFrame, status_recorded: bool = True) -> Review:
    """The review computed from what review_engagement read: every round's assessment, the plan of record
    (`baseline`), the KPI measurements and status.csv (STATUS_COLUMNS; empty when there is none)."""
    eng = latest.engagement
    rounds = eng.rounds
    first, prev, last = rounds[0], rounds[-2], rounds[-1]
    notes = []
    base_model = assessed[first.name]
    if (base_model.model_id, base_model.model_version) != (eng.model.id, eng.model.version):
        notes.append(f"Round {first.name} was answered on model {base_model.model_id} {base_model.model_version}, "
                     f"round {last.name} on {eng.model.id} {eng.model.version}: rounds are compared only on "
                     "the dimensions both versions have.")
    moved, moved_notes = round_comparison(assessed[prev.name].dimensions, assessed[last.name].dimensions)
    notes += moved_notes
    means = {r.name: assessed[r.name].dimensions.set_index("name")["mean"] for r in rounds}
    order = list(dict.fromkeys(n for r in reversed(rounds) for n in means[r.name].index))
    history = pd.DataFrame({k: v.reindex(order) for k, v in means.items()}, index=order)
    later = [(r.name, r.date, assessed[r.name].dimensions) for r in rounds[1:]]
    record = baseline.roadmap
    against = achieved_against_plan(record.trajectory, later)
    as_of = max([last.date] + ([max(measurements["date"])] if len(measurements) else [])
                + [d for d in statuses["date"] if d is not None and not pd.isna(d)])
    delivered = delivery(record.plan, statuses, as_of)
    initiatives, raises = catalogue_tables(client_initiatives(eng))
    return Review(eng, rounds, assessed, latest, baseline, as_of, history, moved, against, delivered,
                  status_recorded, replan(record, delivered, latest.gaps, initiatives, raises, as_of),
                  kpi_progress(latest.scorecard[latest.scorecard["in_scorecard"]], measurements, as_of,
                               record.settings.start),
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
