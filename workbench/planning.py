"""The one path from an engagement folder to its targets, gaps, roadmap and scorecard, used by the CLI,
the notebooks, the workshop widgets and the batch alike."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from assessment.scoring import Assessment
from assessment.customer_view import customer_component
from roadmaps.catalogue import Initiative, catalogue_tables, effective_initiatives
from roadmaps.gaps import PriorityWeights, dimension_gaps, question_gaps
from roadmaps.scorecard import interim_targets, kpi_names, scorecard_table, unmoved_kpi_warnings
from roadmaps.sequencing import PlanSettings, Roadmap, build_roadmap
from roadmaps.vision import target_profile, vision_warnings
from workbench.engagement.folder import Engagement, assess_engagement, cached
from workbench.engagement.scaffold import next_quarter


@dataclass
class Planning:
    engagement: Engagement
    assessment: Assessment
    targets: pd.DataFrame
    gaps: pd.DataFrame
    roadmap: Roadmap
    scorecard: pd.DataFrame
    weights: PriorityWeights
    warnings: list[str] = field(default_factory=list)

    # Computed when first read: the reports read them, the workshop's recomputation on every change does not.
    @functools.cached_property
    def question_gaps(self) -> pd.DataFrame:
        return question_gaps(self.assessment.questions, self.targets, self.engagement.model)

    @functools.cached_property
    def interim(self) -> pd.DataFrame:
        """Each KPI's target on the way, at the end of the waves that move it."""
        return interim_targets(self.scorecard, self.roadmap.plan, self.roadmap.waves)

    @functools.cached_property
    def customers(self):
        """The engagement in its customers' eyes (workbench.engagement.customers.CustomerView); None when
        customers/ holds no answers."""
        from workbench.engagement.customers import customer_view

        return customer_view(self.engagement, self.assessment.dimensions)

    @property
    def kpi_names(self) -> dict[str, str]:
        """KPI id -> the name the client reads (its scorecard's name, else the catalogue's)."""
        cat = self.engagement.catalogue
        return kpi_names(self.engagement.config.vision, cat.kpis if cat is not None else [])

    def named_kpis(self, ids: str) -> str:
        """'fcr, csat' (as initiatives list their KPIs) as the client reads them: 'First contact resolution; ...'."""
        names = self.kpi_names
        return "; ".join(names.get(k, k) for k in (x.strip() for x in ids.split(",")) if k)

    @property
    def dimensions(self) -> pd.DataFrame:
        """Gaps joined with the assessment's dimension profile, in the model's order (for charts)."""
        cur = self.assessment.dimensions.drop(columns=["name", "layer", "tier", "parent"], errors="ignore")
        merged = self.gaps.merge(cur, left_on="dimension", right_on="area", how="left", suffixes=("", "_profile"))
        return merged.set_index("dimension").reindex(self.targets["dimension"]).reset_index()


def plan_settings(engagement: Engagement, capacity: float | None = None, waves: int | None = None,
                  start: dt.date | None = None) -> PlanSettings:
    """Settings from client.yaml's `roadmap:` section, with command-line or workshop overrides."""
    r = engagement.config.roadmap
    base = PlanSettings(capacity=r.capacity, waves=r.waves, wave_weeks=r.wave_weeks,
                        start=r.start or next_quarter(dt.date.today()))
    overrides = {k: v for k, v in (("capacity", capacity), ("waves", waves), ("start", start)) if v is not None}
    return replace(base, **overrides)


def plan(engagement: Engagement, assessment: Assessment, settings: PlanSettings,
         weights: PriorityWeights | None = None) -> Planning:
    """Targets -> gaps -> roadmap -> scorecard for an assessed engagement (pure apart from its inputs)."""
    cfg, model = engagement.config, engagement.model
    weights = weights or cfg.roadmap.priority_weights
    targets = target_profile(model, cfg.vision)
    gaps = dimension_gaps(assessment.dimensions, assessment.perception_gap, assessment.importance, targets,
                          model, weights, customer_component(engagement.customer_drivers, cfg.customers.acceptable))
    initiatives, raises = catalogue_tables(client_initiatives(engagement))
    library = engagement.catalogue.kpis if engagement.catalogue is not None else []
    roadmap = build_roadmap(gaps, initiatives, raises, settings)
    scorecard = scorecard_table(cfg.vision, roadmap.plan, library,
                                initiatives if engagement.catalogue is not None else None, roadmap.unscheduled)
    warnings = vision_warnings(cfg.vision, targets, assessment.dimensions)
    if engagement.catalogue is None:
        warnings.append(f"Model {model.id!r} has no initiative catalogue: gaps are ranked but no roadmap is "
                        "planned (set `roadmap: catalogue:` in client.yaml).")
    warnings += [w for w in scorecard["warning"] if w]
    return Planning(engagement, assessment, targets, gaps, roadmap, scorecard, weights, warnings)


def client_initiatives(engagement: Engagement) -> list[Initiative]:
    """The initiatives this client may plan: the catalogue's, less its exclusions, plus its own."""
    if engagement.catalogue is None:
        return []
    r = engagement.config.roadmap
    return effective_initiatives(engagement.catalogue, r.add_initiatives, r.exclude_initiatives)


def unplanned_kpi_warnings(engagement: Engagement) -> list[str]:
    """Before anything is planned (no assessment yet): a warning per scorecard KPI that no initiative the
    client may plan moves."""
    if engagement.catalogue is None:
        return []
    initiatives, _ = catalogue_tables(client_initiatives(engagement))
    return list(unmoved_kpi_warnings(engagement.config.vision, initiatives, engagement.catalogue.kpis).values())


def plan_engagement(folder: Path, capacity: float | None = None, waves: int | None = None,
                    start: dt.date | None = None) -> Planning:
    """assess_engagement, then plan; kept for reuse within a batch run like the assessment itself."""
    def compute() -> Planning:
        engagement, assessment = assess_engagement(folder)
        return plan(engagement, assessment, plan_settings(engagement, capacity, waves, start))

    return cached(f"planning-{capacity}-{waves}-{start}-{dt.date.today()}", folder, compute)


def plan_from_parameters(engagement: str, capacity: float = 0, waves: int = 0, start: str = "") -> Planning:
    """What a notebook's parameters cell asks for: 0 or "" means "as in client.yaml"."""
    return plan_engagement(Path(engagement), capacity or None, waves or None,
                           dt.date.fromisoformat(start) if start else None)
