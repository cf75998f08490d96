"""Envision the end: the `vision:` section of client.yaml, the target profile, and the checks that keep
the arrival empirical, quantifiable and visible."""
from __future__ import annotations

from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from assessment.model import MaturityModel
from assessment.text import normalise_text
from assessment.yamlfile import PlausibleDate

SCORECARD_MIN, SCORECARD_MAX = 6, 8


class Target(BaseModel):
    """The envisioned level of one dimension and why."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    level: int
    rationale: str = ""


class KPI(BaseModel):
    """One scorecard KPI: how the client will know it has arrived."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    name: str
    definition: str = ""
    unit: str = ""
    direction: Literal["up", "down"] | None = None
    baseline: float | None = None
    target: float | None = None
    due: PlausibleDate | None = None
    owner: str = ""
    source: str = ""
    dimensions: list[str] = []

    @property
    def better_when(self) -> str:
        """'up' or 'down': stated, or read from baseline and target."""
        if self.direction:
            return self.direction
        if self.baseline is not None and self.target is not None and self.target < self.baseline:
            return "down"
        return "up"


class Vision(BaseModel):
    """What the leadership team commits to before the assessment: the end to work towards."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    statement: str = ""
    purpose: str = ""
    success_story: str = ""
    targets: dict[str, Target] = {}
    objectives: list[str] = []
    scorecard: list[KPI] = []

    @field_validator("targets", mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        """`service-levels: 4` is short for `service-levels: {level: 4}`."""
        if isinstance(v, dict):
            return {k: ({"level": t} if isinstance(t, int) and not isinstance(t, bool) else t) for k, t in v.items()}
        return v


PERCENT_UNITS = {"%", "percent", "per cent", "percentage", "pct"}
# units that count things or measure time: a value below zero cannot be meant
COUNT_WORDS = {"action", "call", "case", "contact", "count", "day", "fte", "hour", "incident", "minute", "month",
               "number", "people", "person", "request", "second", "staff", "ticket", "visit", "week", "year"}


def value_range(unit: str) -> tuple[float | None, float | None, str]:
    """(lowest, highest, what) a KPI value in `unit` can be: a percentage 0-100, a count or duration at least 0;
    (None, None, "") for a unit we cannot judge (an index, points)."""
    u = unit.strip().lower()
    if u in PERCENT_UNITS:
        return 0.0, 100.0, "a percentage, from 0 to 100"
    words = {w.rstrip("s") for w in u.replace("/", " ").split()}
    if words & COUNT_WORDS:
        return 0.0, None, f"a number of {unit.strip()}, 0 or more"
    return None, None, ""


def kpi_value_problem(unit: str, value: float | None) -> str | None:
    """Why `value` cannot be a value of a KPI in `unit`, or None when it can."""
    if value is None:
        return None
    lo, hi, what = value_range(unit)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        shown = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
        return f"{shown} is out of range; expected {what}"
    return None


def vision_problems(vision: Vision, model: MaturityModel) -> list[tuple[tuple, str]]:
    """References in the vision that the model does not know: (YAML location, message)."""
    out: list[tuple[tuple, str]] = []
    dims = [d.id for d in model.dimensions]
    levels = [lv.value for lv in model.levels]
    for dim, t in vision.targets.items():
        if dim not in dims:
            out.append((("vision", "targets", dim), f"unknown dimension {dim!r}; expected one of: {', '.join(dims)}"))
        if t.level not in levels:
            out.append((("vision", "targets", dim, "level"), f"level {t.level} is not a level of model {model.id!r} "
                                                             f"({', '.join(map(str, levels))})"))
    ids: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, k in enumerate(vision.scorecard):
        if k.id in ids:
            out.append((("vision", "scorecard", i, "id"), f"duplicate KPI id {k.id!r}, already "
                                                          f"vision.scorecard[{ids[k.id]}].id; expected each KPI "
                                                          "once in the scorecard, under its own id"))
        elif normalise_text(k.name) in names:
            first = names[normalise_text(k.name)]
            out.append((("vision", "scorecard", i, "name"), f"duplicate KPI name {k.name!r}, the same as "
                                                            f"vision.scorecard[{first}].name "
                                                            f"({vision.scorecard[first].name!r}); expected each KPI "
                                                            "once in the scorecard, under its own name"))
        for field in ("baseline", "target"):
            problem = kpi_value_problem(k.unit, getattr(k, field))
            if problem:
                out.append((("vision", "scorecard", i, field), f"KPI {k.id!r} ({k.unit.strip()}): {problem}"))
        ids.setdefault(k.id, i)
        names.setdefault(normalise_text(k.name), i)
        for d in k.dimensions:
            if d not in dims:
                out.append((("vision", "scorecard", i, "dimensions"), f"KPI {k.id!r} evidences unknown dimension "
                                                                      f"{d!r}; expected one of: {', '.join(dims)}"))
    return out


def target_profile(model: MaturityModel, vision: Vision | None) -> pd.DataFrame:
    """Per dimension: the target level, its name and descriptor, the rationale, and where it came from.

    The client's own target wins; otherwise the model's ambition level; otherwise one level below the top.
    """
    vision = vision or Vision()
    rows = []
    fallback = model.levels[-2].value
    for d in model.dimensions:
        if d.id in vision.targets:
            level, rationale, source = vision.targets[d.id].level, vision.targets[d.id].rationale, "client"
        elif d.ambition is not None:
            level, rationale, source = d.ambition, "", "model ambition"
        else:
            level, rationale, source = fallback, "", "default"
        rows.append(dict(dimension=d.id, name=d.name, layer=d.layer, target=level,
                         target_name=model.level_named(level).name, target_descriptor=d.descriptors.get(level),
                         rationale=rationale, source=source))
    return pd.DataFrame(rows)


def vision_warnings(vision: Vision | None, targets: pd.DataFrame, current: pd.DataFrame | None = None) -> list[str]:
    """What makes the arrival hard to see: scorecard size, KPIs without baseline, target, date, owner,
    definition, unit or direction, and targets below today's level.

    `current` is the dimension profile of the assessment (columns area, mean, level), when one exists.
    """
    vision = vision or Vision()
    out = []
    n = len(vision.scorecard)
    if n < SCORECARD_MIN or n > SCORECARD_MAX:
        out.append(f"The scorecard has {n} KPI{'s' if n != 1 else ''}; a balanced scorecard has "
                   f"{SCORECARD_MIN}-{SCORECARD_MAX}, enough to see the arrival and few enough to steer by.")
    for k in vision.scorecard:
        missing = [what for what, v in (("baseline", k.baseline), ("target", k.target), ("due date", k.due))
                   if v is None]
        if missing:
            out.append(f"KPI {k.name!r} has {_none_of(missing)}: without it nobody can show the arrival.")
        if not k.owner:
            out.append(f"KPI {k.name!r} has no owner.")
        unread = [(what, ask) for what, v, ask in (
            ("definition", k.definition.strip(), "what is counted (definition:)"),
            ("unit", k.unit.strip(), "its unit (unit:)"),
            ("direction", k.direction, "whether better is up or down (direction: up or down)")) if not v]
        if unread:
            asks = [ask for _, ask in unread]
            out.append(f"KPI {k.name!r} has {_none_of([what for what, _ in unread])}: state "
                       f"{asks[0] if len(asks) == 1 else ', '.join(asks[:-1]) + ' and ' + asks[-1]}, so everyone "
                       "reads the figure the same way.")
    if current is not None and len(current):
        cur = current.set_index("area")
        for t in targets.itertuples(index=False):
            if t.dimension not in cur.index or pd.isna(cur.at[t.dimension, "level"]):
                continue
            level, score = int(cur.at[t.dimension, "level"]), cur.at[t.dimension, "mean"]
            if t.target < level:
                out.append(f"The target for {t.name} (level {t.target}) is below the level it already reaches "
                           f"({level}, score {score:.2f}): is that intended?")
    return out


def _none_of(things: list[str]) -> str:
    """'no baseline', 'no baseline and no target', 'no definition, no unit and no direction'."""
    said = [f"no {t}" for t in things]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
