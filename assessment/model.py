"""Maturity models as data: the YAML format, its validation, and the tables scoring works on.

A model file is validated once, on load; every problem (structure, types, cross
references, weights, descriptors) is reported at once with its YAML path and line.
See `assessment/models/SCHEMA.md` for the format.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from assessment.problems import InputError, Problem, reading
from assessment.text import header_key, normalise_text
from assessment.textfile import is_file
from assessment.yamlfile import parse_validated, read_yaml_text, yaml_path

Aggregate = Literal["weighted_mean", "mean", "sum", "min", "max"]
Layer = Literal["roots", "trunk", "crown"]
OptionKind = Literal["value", "not_applicable", "dont_know"]

AGGREGATE_TEXT = {
    "weighted_mean": "the weighted mean of its {children} (weights from the model; equal when none are given)",
    "mean": "the plain mean of its {children}",
    "sum": "the sum of its {children}",
    "min": "the lowest of its {children} (it is only as strong as its weakest part)",
    "max": "the highest of its {children}",
}
UNANSWERED_TEXT = {
    "exclude": "A question a respondent left unanswered is left out of their scores (the model's rule: exclude).",
    "zero": "A question a respondent left unanswered counts as 0 in their scores, as OWASP SAMM scores it "
            "(the model's rule: zero).",
}
NON_ANSWER_TEXT = {"not_applicable": "'not applicable'", "dont_know": "'don't know'"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Level(_Strict):
    value: int
    name: str
    summary: str = ""


class ScaleOption(_Strict):
    label: str
    value: float | None = None
    kind: OptionKind = "value"
    description: str = ""
    aliases: list[str] = []


class Scale(_Strict):
    name: str = ""
    options: list[ScaleOption]

    @property
    def value_options(self) -> list[ScaleOption]:
        return [o for o in self.options if o.kind == "value"]

    @property
    def bounds(self) -> tuple[float, float]:
        values = [o.value for o in self.value_options]
        return min(values), max(values)

    def display_label(self, option: ScaleOption) -> str:
        """The label shown to respondents, e.g. '3 - Defined'; excluded options keep their label."""
        if option.kind != "value":
            return option.label
        return f"{_fmt_number(option.value)} - {option.label}"


class Tier(_Strict):
    id: str
    name: str
    aggregate: Aggregate = "weighted_mean"


class Overall(_Strict):
    name: str = "Overall"
    aggregate: Aggregate = "weighted_mean"


class Question(_Strict):
    id: str
    text: str
    scale: str
    weight: float = 1.0
    help: str = ""


class Area(_Strict):
    id: str
    name: str
    description: str = ""
    weight: float = 1.0
    layer: Layer | None = None
    ambition: int | None = None
    descriptors: dict[int, str] = {}
    areas: list["Area"] = []
    questions: list[Question] = []


class MaturityModel(_Strict):
    """A validated maturity model. Build it with `load_model`; inner code trusts it."""

    id: str
    name: str
    version: str
    description: str = ""
    levels: list[Level] = Field(min_length=2)
    level_rule: Literal["floor", "round"] = "floor"
    unanswered: Literal["exclude", "zero"] = "exclude"  # a question a respondent left blank: left out, or 0
    scales: dict[str, Scale]
    importance_scale: str | None = None
    tiers: list[Tier] = Field(min_length=2)
    dimension_tier: str
    overall: Overall = Overall()
    areas: list[Area] = Field(min_length=1)
    _source_note: str | None = PrivateAttr(None)  # set by load_model when the file was not UTF-8

    @property
    def source_note(self) -> str | None:
        return self._source_note

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, (int, float)) else v

    # ---- derived tables (computed once, used by ingestion and scoring) ----

    @cached_property
    def area_table(self) -> pd.DataFrame:
        """One row per area: id, name, tier, depth, parent, weight, layer, ambition, order."""
        rows: list[dict] = []

        def walk(areas: list[Area], depth: int, parent: str | None) -> None:
            for a in areas:
                rows.append(dict(area=a.id, name=a.name, tier=self.tiers[depth].id, depth=depth,
                                 parent=parent, weight=a.weight, layer=a.layer, ambition=a.ambition,
                                 order=len(rows)))
                walk(a.areas, depth + 1, a.id)

        walk(self.areas, 0, None)
        return pd.DataFrame(rows).set_index("area", drop=False)

    @cached_property
    def question_table(self) -> pd.DataFrame:
        """One row per question: id, text, scale, weight, leaf area, dimension, top area, order, help text."""
        rows: list[dict] = []

        def walk(areas: list[Area], path: list[Area]) -> None:
            for a in areas:
                here = path + [a]
                for q in a.questions:
                    dim = here[self.dimension_depth].id if len(here) > self.dimension_depth else None
                    rows.append(dict(question=q.id, text=q.text, scale=q.scale, weight=q.weight,
                                     area=a.id, dimension=dim, top=here[0].id, order=len(rows), help=q.help))
                walk(a.areas, here)

        walk(self.areas, [])
        return pd.DataFrame(rows).set_index("question", drop=False)

    @cached_property
    def question_lookup(self) -> tuple[dict[str, str], dict[str, str]]:
        """(normalised id -> id, normalised question text -> id), for matching survey headers."""
        qt = self.question_table
        return ({normalise_text(q): q for q in qt["question"]},
                {header_key(t): q for q, t in zip(qt["question"], qt["text"])})

    @cached_property
    def dimension_depth(self) -> int:
        return [t.id for t in self.tiers].index(self.dimension_tier)

    @cached_property
    def areas_by_id(self) -> dict[str, Area]:
        out: dict[str, Area] = {}

        def walk(areas: list[Area]) -> None:
            for a in areas:
                out[a.id] = a
                walk(a.areas)

        walk(self.areas)
        return out

    @property
    def dimensions(self) -> list[Area]:
        """The areas of the dimension tier, in model order."""
        table = self.area_table
        ids = table.loc[table["tier"] == self.dimension_tier, "area"]
        return [self.areas_by_id[i] for i in ids]

    @cached_property
    def area_bounds(self) -> dict[str, tuple[float, float]]:
        """The lowest and highest score each area can reach, from its scales and aggregation rules."""
        out: dict[str, tuple[float, float]] = {}

        def combine(rule: str, parts: list[tuple[float, float]]) -> tuple[float, float]:
            if rule == "sum":
                return sum(p[0] for p in parts), sum(p[1] for p in parts)
            return min(p[0] for p in parts), max(p[1] for p in parts)

        def walk(a: Area, depth: int) -> tuple[float, float]:
            parts = [self.scales[q.scale].bounds for q in a.questions]
            parts += [walk(c, depth + 1) for c in a.areas]
            out[a.id] = combine(self.tiers[depth].aggregate, parts)
            return out[a.id]

        tops = [walk(a, 0) for a in self.areas]
        out["overall"] = combine(self.overall.aggregate, tops)
        return out

    def level_for(self, score: float) -> Level | None:
        """The maturity level a score reaches under the model's level rule."""
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return None
        if self.level_rule == "round":
            return min(self.levels, key=lambda lv: (abs(lv.value - score), -lv.value))
        reached = [lv for lv in self.levels if lv.value <= score + 1e-9]
        return reached[-1] if reached else self.levels[0]

    def level_named(self, value: int) -> Level:
        for lv in self.levels:
            if lv.value == value:
                return lv
        raise KeyError(f"model {self.id} has no level {value}")

    @property
    def non_answer_kinds(self) -> list[str]:
        """The answers that are not a rating which the answer scales offer (the importance scale aside):
        'not_applicable', 'dont_know', both or neither, in that order."""
        kinds = {o.kind for sid, s in self.scales.items() if sid != self.importance_scale for o in s.options}
        return [k for k in NON_ANSWER_TEXT if k in kinds]

    def describe_aggregation(self) -> list[str]:
        """Plain-language statements of how scores are computed, for the report's appendix."""
        lines = []
        tiers = self.tiers
        for i in range(len(tiers) - 1, -1, -1):
            children = "questions" if i == len(tiers) - 1 else f"{tiers[i + 1].name.lower()} scores"
            lines.append(f"A {tiers[i].name.lower()} score is "
                         + AGGREGATE_TEXT[tiers[i].aggregate].format(children=children) + ".")
        lines.append(f"The {self.overall.name.lower()} score is "
                     + AGGREGATE_TEXT[self.overall.aggregate].format(
                         children=f"{tiers[0].name.lower()} scores") + ".")
        offered = [NON_ANSWER_TEXT[k] for k in self.non_answer_kinds]
        if len(offered) > 1:
            lines.append(f"Answers {' and '.join(offered)} are left out, never counted as zero.")
        elif offered:
            lines.append(f"An answer {offered[0]} is left out, never counted as zero.")
        lines.append(UNANSWERED_TEXT[self.unanswered])
        rule = ("the highest level whose value the score reaches" if self.level_rule == "floor"
                else "the level nearest to the score")
        lines.append(f"A score maps to {rule}.")
        return lines


Area.model_rebuild()


def _fmt_number(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}"


# ---------------------------------------------------------------- loading

def builtin_models() -> dict[str, Path]:
    """Model id -> file for the models shipped with the package."""
    folder = resources.files("assessment") / "models"
    return {Path(str(p)).stem: Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yaml")}


def resolve_model_path(ref: str | Path, base: Path | None = None) -> Path:
    """A built-in model id or a path (relative to `base`) -> the model file."""
    ref_s = str(ref)
    known = builtin_models()
    if ref_s in known:
        return known[ref_s]
    path = Path(ref_s)
    if not path.is_absolute() and base is not None:
        path = base / path
    if is_file(path):
        return path
    raise InputError([Problem(str(ref_s), "no such model: expected a built-in model id ("
                              + ", ".join(sorted(known)) + ") or the path of a model YAML file")],
                     "the model reference")


_model_cache: dict[tuple[str, float], MaturityModel] = {}


def load_model(ref: str | Path, base: Path | None = None) -> MaturityModel:
    """Load and validate a model by built-in id or path; raises InputError listing every problem."""
    path = resolve_model_path(ref, base)
    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _model_cache:
        with reading(str(path)):
            text = read_yaml_text(path, str(path), "a maturity model in YAML")
            _model_cache[key] = parse_model(text.text, source=str(path))
        _model_cache[key]._source_note = text.note(str(path))
    return _model_cache[key]


def parse_model(text: str, source: str = "<model>") -> MaturityModel:
    raw, model, problems = parse_validated(text, source, MaturityModel, "id, name, version, levels, ...",
                                           "assessment/models/SCHEMA.md")
    for loc, message in _semantic_problems(raw):
        problems.add(loc, message)
    problems.raise_if_any()
    assert model is not None
    return model


# ---------------------------------------------------------------- cross-reference checks

_Located = list[tuple[tuple, str]]  # problems found by the cross-reference checks: (YAML path, message)


@dataclass
class _AreaTree:
    """What the walk over the area tree checks against: the model's scales, tiers and numeric levels, the depth of
    the dimension tier, and the area and question ids seen so far (id -> YAML path of the first)."""
    scales: dict
    tiers: list
    tier_ids: list
    dim_depth: int | None
    levels: list
    area_seen: dict[str, tuple] = field(default_factory=dict)
    question_seen: dict[str, tuple] = field(default_factory=dict)


def _semantic_problems(raw: dict) -> _Located:
    """Cross-reference checks that a schema alone cannot express; tolerant of a malformed tree."""
    out = _model_id_problems(raw.get("id"))
    level_values = [lv.get("value") for lv in _part(raw, "levels", list) if isinstance(lv, dict)]
    out += _level_problems(level_values)
    scales = _part(raw, "scales", dict)
    out += _scales_problems(scales)
    out += _importance_scale_problems(raw.get("importance_scale"), scales)
    tiers = _part(raw, "tiers", list)
    tier_ids = [t.get("id") for t in tiers if isinstance(t, dict)]
    dim_tier = raw.get("dimension_tier")
    out += _dimension_tier_problems(dim_tier, tier_ids)
    dim_depth = tier_ids.index(dim_tier) if dim_tier in tier_ids else None
    numeric_levels = [v for v in level_values if isinstance(v, int)]
    tree = _AreaTree(scales, tiers, tier_ids, dim_depth, numeric_levels)
    out += _areas_problems(raw.get("areas"), 0, ("areas",), tree)[1]
    overall = _part(raw, "overall", dict)
    out += _zero_weights_problems(("areas",), "the overall score", overall.get("aggregate", "weighted_mean"),
                                  raw.get("areas"))
    return out


def _part(raw: dict, key: str, kind: type) -> Any:
    """A top-level part of the model when it has the expected kind (list or mapping), else an empty one."""
    return raw.get(key) if isinstance(raw.get(key), kind) else kind()


def _model_id_problems(model_id: Any) -> _Located:
    """The model id is lowercase letters, digits and '-'."""
    if isinstance(model_id, str) and not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", model_id):
        return [(("id",), f"model id {model_id!r} must be lowercase letters, digits and '-'")]
    return []


def _level_problems(level_values: list) -> _Located:
    """Every level has its own value, and the levels are listed lowest first."""
    out: _Located = []
    seen_levels: set = set()
    for i, v in enumerate(level_values):
        if v in seen_levels:
            out.append((("levels", i, "value"), f"duplicate level value {v}"))
        seen_levels.add(v)
    numeric_levels = [v for v in level_values if isinstance(v, int)]
    if numeric_levels != sorted(numeric_levels):
        out.append((("levels",), "levels must be listed lowest first"))
    return out


def _scales_problems(scales: dict) -> _Located:
    """The problems of every answer scale, scale by scale."""
    out: _Located = []
    for sid, scale in scales.items():
        if isinstance(scale, dict) and isinstance(scale.get("options"), list):
            out += _scale_problems(sid, scale["options"])
    return out


def _scale_problems(sid: Any, options: list) -> _Located:
    """A scale's options have distinct labels; a valued option has a numeric value, a not-applicable or don't-know
    option none; and the scale has at least two valued options."""
    out: _Located = []
    labels: set[str] = set()
    n_values = 0
    for j, opt in enumerate(options):
        if not isinstance(opt, dict):
            continue
        kind = opt.get("kind", "value")
        label = str(opt.get("label", "")).strip().casefold()
        if label in labels:
            out.append((("scales", sid, "options", j, "label"), f"duplicate option label {opt.get('label')!r}"))
        labels.add(label)
        if kind == "value":
            n_values += 1
            if not isinstance(opt.get("value"), (int, float)):
                out.append((("scales", sid, "options", j, "value"),
                            "an answer option needs a numeric value (or kind: not_applicable / dont_know)"))
        elif opt.get("value") is not None:
            out.append((("scales", sid, "options", j, "value"),
                        f"a {kind} option is excluded from scores and must not have a value"))
    if n_values < 2:
        out.append((("scales", sid, "options"), f"scale {sid!r} needs at least two valued options, found {n_values}"))
    return out


def _importance_scale_problems(imp: Any, scales: dict) -> _Located:
    """The scale importance is rated on, when named, is one of the model's scales."""
    if imp is not None and imp not in scales:
        return [(("importance_scale",), f"unknown scale {imp!r}; expected one of: {', '.join(sorted(scales))}")]
    return []


def _dimension_tier_problems(dim_tier: Any, tier_ids: list) -> _Located:
    """The dimension tier, when named and tiers are declared, is one of the tiers."""
    if dim_tier is not None and tier_ids and dim_tier not in tier_ids:
        return [(("dimension_tier",), f"unknown tier {dim_tier!r}; expected one of: {', '.join(map(str, tier_ids))}")]
    return []


def _areas_problems(areas: Any, depth: int, loc: tuple, tree: _AreaTree) -> tuple[int, _Located]:
    """The problems of these areas (at `depth` in the tiers) and of everything under them, in the order of the file,
    with the number of questions they hold."""
    if not isinstance(areas, list):
        return 0, []
    total, out = 0, []
    for i, area in enumerate(areas):
        if isinstance(area, dict):
            n, found = _area_problems(area, depth, loc + (i,), tree)
            total += n
            out += found
    return total, out


def _area_problems(area: dict, depth: int, here: tuple, tree: _AreaTree) -> tuple[int, _Located]:
    """One area's problems: its id, weight and place in the tiers, its questions, its sub-areas, the weights of its
    parts, its descriptors when it is a dimension, and its ambition; with the number of questions under it."""
    aid = area.get("id")
    label = f"area {aid!r}"
    out = _area_id_problems(aid, here, tree.area_seen)
    out += _negative_weight_problems(here, area)
    subs, questions = area.get("areas") or [], area.get("questions") or []
    out += _tier_placement_problems(label, depth, here, subs, questions, tree.tier_ids)
    n, found = _questions_problems(questions, here, tree)
    out += found
    n_below, found = _areas_problems(subs, depth + 1, here + ("areas",), tree)
    n += n_below
    out += found
    rule = _tier_aggregate(tree.tiers, depth)
    out += _zero_weights_problems(here, label, rule or "weighted_mean", questions, subs)
    if depth == tree.dim_depth:
        out += _dimension_problems(aid, area, n, here, tree.levels)
    out += _ambition_problems(area.get("ambition"), here, tree.levels)
    return n, out


def _area_id_problems(aid: Any, here: tuple, area_seen: dict[str, tuple]) -> _Located:
    """An area id is made of id characters, is not the reserved 'overall', and is not used by an earlier area
    (which `area_seen` then remembers)."""
    out: _Located = []
    if isinstance(aid, str):
        if not ID_PATTERN.match(aid):
            out.append((here + ("id",), f"id {aid!r} may hold only letters, digits, '-', '_' and '.'"))
        if aid in area_seen or aid == "overall":
            out.append((here + ("id",), f"duplicate area id {aid!r}" + (
                f" (first at {yaml_path(area_seen[aid])})" if aid in area_seen else " (reserved)")))
        area_seen.setdefault(aid, here)
    return out


def _tier_placement_problems(label: str, depth: int, here: tuple, subs: Any, questions: Any,
                             tier_ids: list) -> _Located:
    """With tiers declared, an area sits in one of them: an area of the last tier holds questions and no areas, an
    area of any other tier holds areas of the next tier and no questions."""
    last = tier_ids and depth == len(tier_ids) - 1
    if tier_ids and depth >= len(tier_ids):
        return [(here, f"{label} is deeper than the {len(tier_ids)} tiers declared in `tiers`")]
    if last and subs:
        return [(here + ("areas",), f"{label} is in the last tier ({tier_ids[-1]}) and cannot hold areas")]
    if tier_ids and not last and questions:
        return [(here + ("questions",), (f"{label} is in tier {tier_ids[depth]!r}; questions belong "
                                          f"to the last tier ({tier_ids[-1]})"))]
    if tier_ids and not last and not subs:
        return [(here, f"{label} in tier {tier_ids[depth]!r} has no `areas` of tier {tier_ids[depth + 1]!r}")]
    return []


def _questions_problems(questions: Any, here: tuple, tree: _AreaTree) -> tuple[int, _Located]:
    """The problems of an area's questions, with the number of questions it holds itself."""
    n, out = 0, []
    for j, q in enumerate(questions if isinstance(questions, list) else []):
        if isinstance(q, dict):
            n += 1
            out += _question_problems(q, here + ("questions", j), tree)
    return n, out


def _question_problems(q: dict, qloc: tuple, tree: _AreaTree) -> _Located:
    """A question has a well-formed id no earlier question uses (which the tree then remembers), is answered on one
    of the model's scales, and weighs zero or more."""
    out: _Located = []
    qid = q.get("id")
    if isinstance(qid, str):
        if not ID_PATTERN.match(qid):
            out.append((qloc + ("id",), f"question id {qid!r} may hold only letters, digits, '-', '_' and '.'"))
        if qid in tree.question_seen:
            out.append((qloc + ("id",), (f"duplicate question id {qid!r} "
                                         f"(first at {yaml_path(tree.question_seen[qid])})")))
        tree.question_seen.setdefault(qid, qloc)
    sc = q.get("scale")
    if sc is not None and sc not in tree.scales:
        out.append((qloc + ("scale",), (f"question {qid!r} refers to unknown scale {sc!r}; "
                                        f"expected one of: {', '.join(sorted(tree.scales))}")))
    return out + _negative_weight_problems(qloc, q)


def _negative_weight_problems(loc: tuple, node: dict) -> _Located:
    """An area's or question's weight is zero or more."""
    w = node.get("weight")
    if isinstance(w, (int, float)) and w < 0:
        return [(loc + ("weight",), f"weight must be zero or more, found {w}")]
    return []


def _tier_aggregate(tiers: list, depth: int) -> Any:
    """How the tier at `depth` aggregates its parts, when that tier declares it."""
    return tiers[depth].get("aggregate") if depth < len(tiers) and isinstance(tiers[depth], dict) else None


def _zero_weights_problems(loc: tuple, label: str, rule: str, *parts: Any) -> _Located:
    """A weighted mean whose parts all weigh 0 divides by zero: such an area could never have a score."""
    children = [c for part in parts if isinstance(part, list) for c in part if isinstance(c, dict)]
    if rule == "weighted_mean" and children and all(c.get("weight", 1) == 0 for c in children):
        return [(loc, (f"{label}: every one of its {len(children)} parts has weight 0, so it could never "
                       "score; expected at least one weight above 0"))]
    return []


def _dimension_problems(aid: Any, area: dict, n_questions: int, here: tuple, levels: list) -> _Located:
    """A dimension holds questions and describes every level of the model, and no other level."""
    out: _Located = []
    if n_questions == 0:
        out.append((here, f"dimension {aid!r} has no questions"))
    desc = area.get("descriptors")
    desc = desc if isinstance(desc, dict) else {}
    missing = [v for v in levels if v not in desc or not str(desc.get(v) or "").strip()]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        out.append((here + ("descriptors",), (f"dimension {aid!r} has no descriptor for level{plural} "
                                              f"{', '.join(map(str, missing))}; every level needs one")))
    extra = [k for k in desc if k not in levels]
    if extra:
        out.append((here + ("descriptors",), f"descriptor for unknown level(s) {extra}; levels are {levels}"))
    return out


def _ambition_problems(amb: Any, here: tuple, levels: list) -> _Located:
    """An area's ambition, when set, is one of the model's levels."""
    if amb is not None and levels and amb not in levels:
        return [(here + ("ambition",), f"ambition {amb!r} is not a level of this model ({levels})")]
    return []
