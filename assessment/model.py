"""Maturity models as data: the YAML format, its validation, and the tables scoring works on.

A model file is validated once, on load; every problem (structure, types, cross
references, weights, descriptors) is reported at once with its YAML path and line.
See `assessment/models/SCHEMA.md` for the format.
"""
from __future__ import annotations

import math
import re
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
        """One row per question: id, text, scale, weight, leaf area, dimension, top area, order."""
        rows: list[dict] = []

        def walk(areas: list[Area], path: list[Area]) -> None:
            for a in areas:
                here = path + [a]
                for q in a.questions:
                    dim = here[self.dimension_depth].id if len(here) > self.dimension_depth else None
                    rows.append(dict(question=q.id, text=q.text, scale=q.scale, weight=q.weight,
                                     area=a.id, dimension=dim, top=here[0].id, order=len(rows)))
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
        lines.append("Answers 'not applicable' and 'don't know' are left out, never counted as zero.")
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


def _semantic_problems(raw: dict) -> list[tuple[tuple, str]]:
    """Cross-reference checks that a schema alone cannot express; tolerant of a malformed tree."""
    out: list[tuple[tuple, str]] = []
    model_id = raw.get("id")
    if isinstance(model_id, str) and not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", model_id):
        out.append((("id",), f"model id {model_id!r} must be lowercase letters, digits and '-'"))

    levels = raw.get("levels") if isinstance(raw.get("levels"), list) else []
    level_values = [lv.get("value") for lv in levels if isinstance(lv, dict)]
    seen_levels: set = set()
    for i, v in enumerate(level_values):
        if v in seen_levels:
            out.append((("levels", i, "value"), f"duplicate level value {v}"))
        seen_levels.add(v)
    numeric_levels = [v for v in level_values if isinstance(v, int)]
    if numeric_levels != sorted(numeric_levels):
        out.append((("levels",), "levels must be listed lowest first"))

    scales = raw.get("scales") if isinstance(raw.get("scales"), dict) else {}
    for sid, scale in scales.items():
        if not isinstance(scale, dict) or not isinstance(scale.get("options"), list):
            continue
        labels: set[str] = set()
        n_values = 0
        for j, opt in enumerate(scale["options"]):
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

    imp = raw.get("importance_scale")
    if imp is not None and imp not in scales:
        out.append((("importance_scale",), f"unknown scale {imp!r}; expected one of: {', '.join(sorted(scales))}"))

    tiers = raw.get("tiers") if isinstance(raw.get("tiers"), list) else []
    tier_ids = [t.get("id") for t in tiers if isinstance(t, dict)]
    dim_tier = raw.get("dimension_tier")
    if dim_tier is not None and tier_ids and dim_tier not in tier_ids:
        out.append((("dimension_tier",), f"unknown tier {dim_tier!r}; expected one of: {', '.join(map(str, tier_ids))}"))
    dim_depth = tier_ids.index(dim_tier) if dim_tier in tier_ids else None

    area_seen: dict[str, tuple] = {}
    question_seen: dict[str, tuple] = {}

    def check_weight(loc: tuple, node: dict) -> None:
        w = node.get("weight")
        if isinstance(w, (int, float)) and w < 0:
            out.append((loc + ("weight",), f"weight must be zero or more, found {w}"))

    def check_weighted(loc: tuple, label: str, rule: str, *parts: Any) -> None:
        """A weighted mean whose parts all weigh 0 divides by zero: such an area could never have a score."""
        children = [c for part in parts if isinstance(part, list) for c in part if isinstance(c, dict)]
        if rule == "weighted_mean" and children and all(c.get("weight", 1) == 0 for c in children):
            out.append((loc, f"{label}: every one of its {len(children)} parts has weight 0, so it could never "
                             "score; expected at least one weight above 0"))

    def walk(areas: Any, depth: int, loc: tuple) -> int:
        """Returns the number of questions under these areas."""
        if not isinstance(areas, list):
            return 0
        total = 0
        for i, area in enumerate(areas):
            here = loc + (i,)
            if not isinstance(area, dict):
                continue
            aid = area.get("id")
            label = f"area {aid!r}"
            if isinstance(aid, str):
                if not ID_PATTERN.match(aid):
                    out.append((here + ("id",), f"id {aid!r} may hold only letters, digits, '-', '_' and '.'"))
                if aid in area_seen or aid == "overall":
                    out.append((here + ("id",), f"duplicate area id {aid!r}" + (
                        f" (first at {yaml_path(area_seen[aid])})" if aid in area_seen else " (reserved)")))
                area_seen.setdefault(aid, here)
            check_weight(here, area)
            last = tier_ids and depth == len(tier_ids) - 1
            subs, questions = area.get("areas") or [], area.get("questions") or []
            if tier_ids and depth >= len(tier_ids):
                out.append((here, f"{label} is deeper than the {len(tier_ids)} tiers declared in `tiers`"))
            elif last and subs:
                out.append((here + ("areas",), f"{label} is in the last tier ({tier_ids[-1]}) and cannot hold areas"))
            elif tier_ids and not last and questions:
                out.append((here + ("questions",), f"{label} is in tier {tier_ids[depth]!r}; questions belong "
                                                    f"to the last tier ({tier_ids[-1]})"))
            elif tier_ids and not last and not subs:
                out.append((here, f"{label} in tier {tier_ids[depth]!r} has no `areas` of tier {tier_ids[depth + 1]!r}"))
            n = 0
            for j, q in enumerate(questions if isinstance(questions, list) else []):
                qloc = here + ("questions", j)
                if not isinstance(q, dict):
                    continue
                n += 1
                qid = q.get("id")
                if isinstance(qid, str):
                    if not ID_PATTERN.match(qid):
                        out.append((qloc + ("id",), f"question id {qid!r} may hold only letters, digits, '-', '_' and '.'"))
                    if qid in question_seen:
                        out.append((qloc + ("id",), f"duplicate question id {qid!r} (first at {yaml_path(question_seen[qid])})"))
                    question_seen.setdefault(qid, qloc)
                sc = q.get("scale")
                if sc is not None and sc not in scales:
                    out.append((qloc + ("scale",), f"question {qid!r} refers to unknown scale {sc!r}; "
                                                   f"expected one of: {', '.join(sorted(scales))}"))
                check_weight(qloc, q)
            n += walk(subs, depth + 1, here + ("areas",))
            rule = tiers[depth].get("aggregate") if depth < len(tiers) and isinstance(tiers[depth], dict) else None
            check_weighted(here, label, rule or "weighted_mean", questions, subs)
            if depth == dim_depth:
                if n == 0:
                    out.append((here, f"dimension {aid!r} has no questions"))
                desc = area.get("descriptors")
                desc = desc if isinstance(desc, dict) else {}
                missing = [v for v in numeric_levels if v not in desc or not str(desc.get(v) or "").strip()]
                if missing:
                    out.append((here + ("descriptors",), f"dimension {aid!r} has no descriptor for level"
                                f"{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))}; every level needs one"))
                extra = [k for k in desc if k not in numeric_levels]
                if extra:
                    out.append((here + ("descriptors",), f"descriptor for unknown level(s) {extra}; "
                                f"levels are {numeric_levels}"))
            amb = area.get("ambition")
            if amb is not None and numeric_levels and amb not in numeric_levels:
                out.append((here + ("ambition",), f"ambition {amb!r} is not a level of this model ({numeric_levels})"))
            total += n
        return total

    walk(raw.get("areas"), 0, ("areas",))
    overall = raw.get("overall") if isinstance(raw.get("overall"), dict) else {}
    check_weighted(("areas",), "the overall score", overall.get("aggregate", "weighted_mean"), raw.get("areas"))
    return out
