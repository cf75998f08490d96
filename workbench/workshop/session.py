"""A workshop session on one engagement: the decisions a leadership team changes live, recomputed on
every change, with undo, reset to what is saved, and saving back into client.yaml with a decision log.

No widgets here: the ipywidgets panels (workbench/workshop/panel.py), the notebooks and the tests drive this one
object, so what a slider does and what a test checks is the same code path. Recomputing is `plan()` on the
already-scored assessment: the responses are read once per session.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from assessment.problems import InputError, Problem
from assessment.sheets import write_csv
from roadmaps.gaps import PriorityWeights
from roadmaps.vision import Target, kpi_value_problem, target_profile
from workbench import atomic
from workbench.engagement.clientfile import block_mapping, edit_client_yaml
from workbench.engagement.config import CLIENT_FILE, DECISION_LOG
from workbench.engagement.folder import Engagement, assess_engagement
from workbench.planning import Planning, plan, plan_settings

LOG_COLUMNS = ["time", "who", "item", "from", "to", "note"]


@dataclass(frozen=True)
class Decisions:
    """What a workshop can change. Targets hold every dimension's level (client's or the model's default)."""

    targets: tuple[tuple[str, int], ...]
    weights: PriorityWeights
    capacity: float
    waves: int
    start: dt.date
    excluded: frozenset[str] = frozenset()
    kpi_targets: tuple[tuple[str, float | None], ...] = ()

    @property
    def target_map(self) -> dict[str, int]:
        return dict(self.targets)

    @property
    def kpi_map(self) -> dict[str, float | None]:
        return dict(self.kpi_targets)

    def items(self) -> dict[str, object]:
        """Every decision as 'item -> value', the form the decision log records."""
        out: dict[str, object] = {f"target {d}": lv for d, lv in self.targets}
        out.update({f"weight {k}": v for k, v in self.weights.model_dump().items()})
        out.update({"capacity": self.capacity, "waves": self.waves, "start": self.start.isoformat(),
                    "excluded initiatives": ", ".join(sorted(self.excluded))})
        out.update({f"KPI target {k}": v for k, v in self.kpi_targets})
        return out


def decisions_of(engagement: Engagement) -> Decisions:
    cfg = engagement.config
    targets = target_profile(engagement.model, cfg.vision)
    settings = plan_settings(engagement)
    return Decisions(targets=tuple(zip(targets["dimension"], (int(x) for x in targets["target"]))),
                     weights=cfg.roadmap.priority_weights, capacity=settings.capacity, waves=settings.waves,
                     start=settings.start, excluded=frozenset(cfg.roadmap.exclude_initiatives),
                     kpi_targets=tuple((k.id, k.target) for k in cfg.vision.scorecard))


class SavedElsewhere(InputError):
    """client.yaml changed on disk since this session loaded or last saved it."""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Workshop:
    folder: Path
    engagement: Engagement = field(init=False)
    saved: Decisions = field(init=False)
    current: Decisions = field(init=False)
    history: list[Decisions] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        self._load()

    def _load(self) -> None:
        self.engagement, self.assessment = assess_engagement(self.folder)
        self.saved = self.current = decisions_of(self.engagement)
        self.history = []
        self.disk_digest = _digest(self.folder / CLIENT_FILE)

    # ------------------------------------------------------------ changing and recomputing

    def decide(self, **changes) -> Planning:
        """Change some decisions (targets={dim: level} merges into the current targets) and recompute."""
        if "targets" in changes:
            merged = self.current.target_map | {d: int(v) for d, v in changes.pop("targets").items()}
            changes["targets"] = tuple(merged.items())
        if "kpi_targets" in changes:
            merged = self.current.kpi_map | dict(changes.pop("kpi_targets"))
            changes["kpi_targets"] = tuple(merged.items())
        if "excluded" in changes:
            changes["excluded"] = frozenset(changes["excluded"])
        if "capacity" in changes:  # 25 + 5 - 5 is 25.000000000000004 in floating point: never a decision
            changes["capacity"] = _tidy(changes["capacity"])
        if "weights" in changes:
            changes["weights"] = PriorityWeights(**{k: _tidy(v) for k, v in changes["weights"].model_dump().items()})
        new = replace(self.current, **changes)
        problems = self.kpi_problems(new)
        if problems:
            raise InputError([Problem(str(self.folder / CLIENT_FILE), msg, key=key) for key, msg in problems])
        if new != self.current:
            self.history.append(self.current)
            self.current = new
        return self.planning()

    def adopt(self, d: Decisions) -> Planning:
        """Make `d` (a kept scenario) the current decisions, undoably, and recompute."""
        if d != self.current:
            self.history.append(self.current)
            self.current = d
        return self.planning()

    def undo(self) -> Planning:
        if self.history:
            self.current = self.history.pop()
        return self.planning()

    def reset(self) -> Planning:
        """Back to what is saved in client.yaml (re-read from disk). Undo brings back what was shown before."""
        before, history = self.current, self.history
        self._load()
        if before != self.current:
            self.history = [*history, before]
        return self.planning()

    def kpi_problems(self, d: Decisions | None = None) -> list[tuple[str, str]]:
        """(key, message) for every KPI target out of its unit's range (a percentage above 100, a negative
        count)."""
        d = d or self.current
        out = []
        for i, k in enumerate(self.engagement.config.vision.scorecard):
            problem = kpi_value_problem(k.unit, d.kpi_map.get(k.id))
            if problem:
                out.append((f"vision.scorecard[{i}].target", f"target of KPI {k.name!r}: {problem}"))
        return out

    def planning(self, d: Decisions | None = None) -> Planning:
        """Targets, gaps, roadmap and scorecard for the current decisions (or for `d`, e.g. a kept scenario)."""
        d = d or self.current
        cfg = self.engagement.config

        defaults = self.saved.target_map
        targets = {dim: cfg.vision.targets[dim].model_copy(update={"level": lv}) for dim, lv in d.targets
                   if dim in cfg.vision.targets}
        targets |= {dim: Target(level=lv, rationale="set in the workshop") for dim, lv in d.targets
                    if dim not in cfg.vision.targets and lv != defaults.get(dim)}
        vision = cfg.vision.model_copy(update={
            "targets": targets,
            "scorecard": [k.model_copy(update={"target": d.kpi_map.get(k.id, k.target)}) for k in cfg.vision.scorecard]})
        roadmap = cfg.roadmap.model_copy(update={"exclude_initiatives": sorted(d.excluded), "priority_weights": d.weights})
        engagement = replace(self.engagement, config=cfg.model_copy(update={"vision": vision, "roadmap": roadmap}))
        settings = replace(plan_settings(engagement), capacity=d.capacity, waves=d.waves, start=d.start)
        return plan(engagement, self.assessment, settings, d.weights)

    def changes(self) -> list[tuple[str, object, object]]:
        """What differs from client.yaml: (item, saved value, current value)."""
        before, after = self.saved.items(), self.current.items()
        return [(k, before.get(k), v) for k, v in after.items() if before.get(k) != v]

    def pending(self) -> list[tuple[str, str, str]]:
        """The unsaved changes as a person reads them: (what, from, to) with names, not ids."""
        return [describe(self.engagement, item, before, after) for item, before, after in self.changes()]

    # ------------------------------------------------------------ saving

    def changed_on_disk(self) -> bool:
        return _digest(self.folder / CLIENT_FILE) != self.disk_digest

    def save(self, who: str, note: str = "", overwrite: bool = False) -> list[tuple[str, object, object]]:
        """Write the current decisions into client.yaml (comments and order kept, validated, atomic) and
        append them to the decision log. Refuses, with SavedElsewhere, when client.yaml changed on disk since
        this session read it (another tab, an editor) unless `overwrite`."""
        path = self.folder / CLIENT_FILE
        if self.changed_on_disk() and not overwrite:
            raise SavedElsewhere([Problem(str(path), "client.yaml was changed on disk after this session "
                                                     "loaded it (another tab, another person or an editor); "
                                                     "expected it unchanged. Load it again to see those "
                                                     "changes, or overwrite them on purpose")], str(path))
        changes = self.changes()
        if not changes:
            return []
        d = self.current

        def edit(doc: CommentedMap) -> None:
            vision = block_mapping(doc, "vision")
            targets = block_mapping(vision, "targets")
            for item, _, _ in changes:
                if item.startswith("target "):
                    dim = item.split(" ", 1)[1]
                    level = d.target_map[dim]
                    if isinstance(targets.get(dim), dict):
                        targets[dim]["level"] = level
                    else:
                        targets[dim] = level
            kpis = {k.get("id"): k for k in vision.get("scorecard") or [] if isinstance(k, dict)}
            for kid, value in d.kpi_targets:
                if kid in kpis and kpis[kid].get("target") != value:
                    kpis[kid]["target"] = _num(value)
            roadmap = block_mapping(doc, "roadmap")
            saved = self.saved
            if d.capacity != saved.capacity:
                roadmap["capacity"] = _num(d.capacity)
            if d.waves != saved.waves:
                roadmap["waves"] = d.waves
            if d.start != saved.start:
                roadmap["start"] = d.start
            if d.weights != saved.weights:
                weights = block_mapping(roadmap, "priority_weights")
                for k, v in d.weights.model_dump().items():
                    weights[k] = v
            if d.excluded != saved.excluded:
                roadmap["exclude_initiatives"] = sorted(d.excluded)

        edit_client_yaml(self.folder, edit)
        append_log(self.folder, who, changes, note)
        self._load()
        return changes


def describe(engagement: Engagement, item: str, before, after) -> tuple[str, str, str]:
    """One decision as a person reads it: (what, from, to) with names, levels and units, not ids. `before` and
    `after` are values (a session's) or the decision log's cells (text: '3', '40', '')."""
    model, cfg = engagement.model, engagement.config
    before, after = _value(before), _value(after)
    kind, _, key = item.partition(" ")
    if kind == "target":
        dims = {d.id: d.name for d in model.dimensions}

        def level(v) -> str:
            try:
                return f"{int(v)} {model.level_named(int(v)).name}"
            except (TypeError, ValueError, KeyError, StopIteration):
                return "-" if v is None else str(v)
        return f"Target: {dims.get(key, key)}", level(before), level(after)
    if item.startswith("KPI target "):
        k = next((k for k in cfg.vision.scorecard if k.id == item[len("KPI target "):]), None)
        unit = f" {k.unit.strip()}" if k and k.unit.strip() else ""

        def show(v) -> str:
            return "-" if v is None else f"{_num(v):,}{unit}" if isinstance(v, (int, float)) else f"{v}{unit}"
        return f"KPI target: {k.name if k else item[len('KPI target '):]}", show(before), show(after)
    if kind == "weight":
        return f"Priority weight: {key}", _plain(before), _plain(after)
    if item == "capacity":
        return "Capacity per wave", f"{_plain(before)} person-weeks", f"{_plain(after)} person-weeks"
    if item == "excluded initiatives":
        return "Initiatives left out", before or "none", after or "none"
    if item == "waves":
        return "Number of waves", _plain(before), _plain(after)
    if item == "start":
        return "First wave starts", _plain(before), _plain(after)
    return item.capitalize(), _plain(before), _plain(after)


def _value(v):
    """A decision log cell ('40', '0.25', '') as the value it records; anything else as it is."""
    if not isinstance(v, str):
        return v
    if v == "":
        return None
    try:
        parsed = json.loads(v)
    except ValueError:
        return v
    return parsed if isinstance(parsed, (int, float)) and not isinstance(parsed, bool) else v


def _plain(v) -> str:
    return "-" if v is None else f"{_num(v):g}" if isinstance(v, float) else str(v)


def _tidy(value: float) -> float:
    """A slider's value without floating-point dust (6 decimals are more than any control offers)."""
    return round(float(value), 6) + 0.0


def _num(value):
    """12.0 is written as 12, as a person would type it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def append_log(folder: Path, who: str, changes: list[tuple[str, object, object]], note: str = "") -> None:
    """Add the changes to decisions.csv in the engagement folder (whole file rewritten atomically)."""
    path = Path(folder) / DECISION_LOG
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    rows = [[now, who, item, _cell(before), _cell(after), note] for item, before, after in changes]
    atomic.write_text(path, old + write_csv(rows, None if old else LOG_COLUMNS))


def _cell(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(_num(value), default=str)  # 40, not 40.0


def read_log(folder: Path) -> list[dict]:
    """decisions.csv's entries (none when there is no log); a file that is not UTF-8 CSV is named."""
    path = Path(folder) / DECISION_LOG
    if not path.exists():
        return []
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except UnicodeDecodeError as exc:
        raise InputError([Problem(str(path), f"byte {exc.object[exc.start]:#04x} at offset {exc.start} is not "
                                             "UTF-8; expected the UTF-8 CSV the workshop writes")]) from None
    except csv.Error as exc:
        raise InputError([Problem(str(path), f"cannot be read as CSV ({exc}); expected the CSV the workshop "
                                             "writes")]) from None
    missing = [c for c in LOG_COLUMNS if rows and c not in rows[0]]
    if missing:
        raise InputError([Problem(str(path), f"found columns {list(rows[0])}; expected {LOG_COLUMNS}",
                                  row=1)])
    return [{k: v if isinstance(v, str) else "" for k, v in r.items() if isinstance(k, str)} for r in rows]
