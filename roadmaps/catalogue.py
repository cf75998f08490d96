"""The initiative catalogue: improvement initiatives as data, validated like the model, and the client's
additions and exclusions applied to it. Format: `roadmaps/catalogue/SCHEMA.md`."""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from assessment.model import MaturityModel
from assessment.problems import reading
from assessment.yamlfile import parse_validated, read_yaml_text

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class KPIDef(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    name: str
    unit: str = ""
    direction: Literal["up", "down"] = "up"
    definition: str = ""


class Raise(BaseModel):
    """One step an initiative lifts a dimension: from level `from` to level `to`."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)
    dimension: str
    from_level: int = Field(alias="from")
    to_level: int = Field(alias="to")


class Initiative(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str = Field(pattern=SLUG)
    title: str
    description: str = ""
    raises: list[Raise] = Field(min_length=1)
    effort: float = Field(gt=0, description="person-weeks")
    duration: float = Field(gt=0, description="calendar weeks")
    prerequisites: list[str] = []
    kpis: list[str] = []
    owner_role: str = ""
    quick_win: bool = False


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    name: str
    version: str
    model: str
    kpis: list[KPIDef] = []
    initiatives: list[Initiative] = Field(min_length=1)
    _source_note: str | None = PrivateAttr(None)  # set by load_catalogue when the file was not UTF-8

    @property
    def source_note(self) -> str | None:
        return self._source_note


def builtin_catalogue_path(model_id: str) -> Path | None:
    path = Path(str(resources.files("roadmaps") / "catalogue" / f"{model_id}.yaml"))
    return path if path.is_file() else None


_cache: dict[tuple[str, float, str], Catalogue] = {}


def load_catalogue(path: Path, model: MaturityModel) -> Catalogue:
    """Load and validate a catalogue against the model whose dimensions it raises; InputError lists all."""
    key = (str(Path(path).resolve()), Path(path).stat().st_mtime, model.id + model.version)
    if key not in _cache:
        with reading(str(path)):
            text = read_yaml_text(Path(path), str(path), "an initiative catalogue in YAML")
            _cache[key] = parse_catalogue(text.text, str(path), model)
        _cache[key]._source_note = text.note(str(path))
    return _cache[key]


def parse_catalogue(text: str, source: str, model: MaturityModel) -> Catalogue:
    raw, cat, problems = parse_validated(text, source, Catalogue, "id, name, version, model, kpis, initiatives",
                                         "roadmaps/catalogue/SCHEMA.md")
    if cat is not None:
        if cat.model != model.id:
            problems.add(("model",), f"catalogue is for model {cat.model!r}; expected {model.id!r}")
        for loc, msg in initiative_problems(cat.initiatives, model, {k.id for k in cat.kpis}, ("initiatives",)):
            problems.add(loc, msg)
    problems.raise_if_any()
    return cat


def initiative_problems(initiatives: list[Initiative], model: MaturityModel, kpi_ids: set[str] | None,
                        loc: tuple, known_ids: set[str] = frozenset()) -> list[tuple[tuple, str]]:
    """Cross-reference checks: unique ids, known dimensions and KPIs, one level per step, prerequisites
    that exist and form no cycle. `known_ids` are initiatives defined elsewhere (the catalogue)."""
    out: list[tuple[tuple, str]] = []
    dims = {d.id for d in model.dimensions}
    levels = [lv.value for lv in model.levels]
    ids: dict[str, int] = {}
    for i, ini in enumerate(initiatives):
        here = loc + (i,)
        if ini.id in ids or ini.id in known_ids:
            out.append((here + ("id",), f"duplicate initiative id {ini.id!r}" +
                        (" (already in the catalogue: use a new id, or exclude the catalogue's one)"
                         if ini.id in known_ids else "")))
        ids.setdefault(ini.id, i)
        seen_dims: set[str] = set()
        for j, r in enumerate(ini.raises):
            if r.dimension in seen_dims:
                out.append((here + ("raises", j), f"raises {r.dimension} more than once; one level at a time: "
                                                  "expected each dimension once per initiative"))
            seen_dims.add(r.dimension)
            if r.dimension not in dims:
                out.append((here + ("raises", j, "dimension"), f"unknown dimension {r.dimension!r}; expected one "
                                                               f"of: {', '.join(sorted(dims))}"))
            if r.to_level != r.from_level + 1:
                out.append((here + ("raises", j), f"raises {r.dimension} from {r.from_level} to {r.to_level}; "
                                                  "one level at a time: expected to = from + 1 (split it into one "
                                                  "initiative per level)"))
            if r.from_level not in levels or r.to_level not in levels:
                out.append((here + ("raises", j), f"levels {r.from_level}->{r.to_level} are not levels of model "
                                                  f"{model.id!r} ({', '.join(map(str, levels))})"))
        if kpi_ids is not None:
            for k in ini.kpis:
                if k not in kpi_ids:
                    out.append((here + ("kpis",), f"unknown KPI {k!r}; expected one of the catalogue's KPIs"))
    every = set(ids) | set(known_ids)
    for i, ini in enumerate(initiatives):
        for p in ini.prerequisites:
            if p not in every:
                out.append((loc + (i, "prerequisites"), f"unknown prerequisite {p!r} of {ini.id!r}"))
    cycle = find_cycle({ini.id: list(ini.prerequisites) for ini in initiatives})
    if cycle:
        out.append((loc, "prerequisites form a cycle: " + " -> ".join(cycle) + "; expected an order in which "
                         "every initiative can start"))
    return out


def find_cycle(prereqs: dict[str, list[str]]) -> list[str] | None:
    """One prerequisite cycle (a -> b -> a) if there is any, else None. Iterative, so deep chains are fine."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in sorted(prereqs):
        if state.get(root):
            continue
        stack = [(root, iter(sorted(prereqs.get(root, []))))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child) and child in prereqs:
                state[child] = 1
                stack.append((child, iter(sorted(prereqs.get(child, [])))))
                path.append(child)
    return None


def catalogue_tables(initiatives: list[Initiative]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(initiatives table, raises table): what the sequencer works on."""
    table = pd.DataFrame([dict(initiative=i.id, title=i.title, description=i.description, effort=float(i.effort),
                               duration=float(i.duration), prerequisites=tuple(i.prerequisites),
                               kpis=tuple(i.kpis), owner_role=i.owner_role, quick_win=i.quick_win)
                          for i in initiatives],
                         columns=["initiative", "title", "description", "effort", "duration", "prerequisites", "kpis",
                                  "owner_role", "quick_win"])
    raises = pd.DataFrame([dict(initiative=i.id, dimension=r.dimension, from_level=r.from_level,
                                to_level=r.to_level) for i in initiatives for r in i.raises],
                          columns=["initiative", "dimension", "from_level", "to_level"])
    return table, raises


def effective_initiatives(catalogue: Catalogue, add: list[Initiative], exclude: list[str]) -> list[Initiative]:
    """The catalogue with the client's exclusions removed and additions appended."""
    gone = set(exclude)
    return [i for i in catalogue.initiatives if i.id not in gone] + list(add)


def client_initiative_problems(catalogue: Catalogue, add: list[Initiative], exclude: list[str],
                               model: MaturityModel, loc: tuple) -> list[tuple[tuple, str]]:
    """Checks of a client's additions and exclusions against the catalogue."""
    known = {i.id for i in catalogue.initiatives}
    out = []
    for j, x in enumerate(exclude):
        if x not in known:
            out.append((loc + ("exclude_initiatives", j), f"unknown initiative {x!r}; expected an id from the "
                                                          f"catalogue {catalogue.id!r}"))
    remaining = known - set(exclude)
    out += initiative_problems(add, model, None, loc + ("add_initiatives",), known_ids=remaining)
    combined = {i.id: list(i.prerequisites) for i in effective_initiatives(catalogue, add, exclude)}
    cycle = find_cycle(combined)
    if cycle and not any("cycle" in m for _, m in out):
        out.append((loc + ("add_initiatives",), "with the added initiatives, prerequisites form a cycle: "
                                                + " -> ".join(cycle)))
    return out
