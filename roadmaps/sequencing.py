"""Sequencing: from ranked gaps and the initiative catalogue to a roadmap of waves.

Rules: a dimension climbs one level at a time (an initiative applies when its dimension stands at its
`from` level, and a wave lifts a dimension by at most one level); prerequisites finish in an earlier
wave; each wave has a capacity in person-weeks (an initiative longer than a wave spreads its effort
over the waves it spans); foundations (roots) before competence (trunk) before relationship (crown);
quick wins as early as they can go. The plan is deterministic: every choice breaks ties by id.
Nothing loops beyond the horizon, so cycles or impossible constraints end as "not scheduled" entries.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from roadmaps.catalogue import find_cycle
from roadmaps.gaps import LAYER_ORDER

EPS = 1e-9


@dataclass(frozen=True)
class PlanSettings:
    capacity: float = 40.0          # person-weeks per wave
    waves: int = 4
    start: dt.date = dt.date(2027, 1, 4)
    wave_weeks: int = 13            # a quarter


@dataclass
class Roadmap:
    plan: pd.DataFrame          # one row per scheduled initiative
    trajectory: pd.DataFrame    # projected level per dimension after each wave (wave 0 = today)
    unscheduled: pd.DataFrame   # what could not be scheduled and why
    waves: pd.DataFrame         # per wave: dates, capacity, effort used
    settings: PlanSettings
    in_place: list[str]         # prerequisites the client has already outgrown: counted as done


def wave_dates(settings: PlanSettings, wave: int) -> tuple[dt.date, dt.date]:
    start = settings.start + dt.timedelta(weeks=settings.wave_weeks * (wave - 1))
    return start, start + dt.timedelta(weeks=settings.wave_weeks, days=-1)


def build_roadmap(gaps: pd.DataFrame, initiatives: pd.DataFrame, raises: pd.DataFrame,
                  settings: PlanSettings) -> Roadmap:
    """Plan the initiatives that close the gaps into waves.

    `gaps`: dimension, name, layer, current_level, target, rank (from `dimension_gaps`).
    `initiatives`: initiative, title, effort, duration, prerequisites, kpis, owner_role, quick_win.
    `raises`: initiative, dimension, from_level, to_level.
    """
    ini = initiatives.set_index("initiative", drop=False)
    g = gaps.set_index("dimension")
    level = {d: int(v) for d, v in g["current_level"].items() if pd.notna(v)}
    steps, unscored = _steps_to_climb(g, level)
    needed = set(steps)
    cat = _catalogue_lookups(ini, raises)
    in_place = _already_in_place(cat, level)

    chosen, unraised = _choose_initiatives(steps, g, cat, in_place)
    in_cycle, cyclic = _prerequisite_cycle(chosen, cat)
    order = _consideration_order(chosen, in_cycle, needed, g, cat)
    schedule = _fill_waves(order, chosen, needed, level, in_place, cat, settings)
    left_out = _left_out(order, schedule, needed, in_place, cat, settings)

    unscheduled = pd.DataFrame(unscored + unraised + cyclic + left_out, columns=["kind", "item", "dimension", "reason"])
    plan = _plan_table(ini, cat.prereq, schedule.claims, schedule.start_in, schedule.done_in, settings)
    return Roadmap(plan=plan, trajectory=_trajectory_table(schedule.trajectory, g, settings), unscheduled=unscheduled,
                   waves=_wave_table(schedule.used, settings, schedule.start_in), settings=settings,
                   in_place=sorted(i for i in in_place if any(i in cat.prereq[c] for c in chosen)))


@dataclass(frozen=True)
class _Catalogue:
    """The initiatives as plain dicts for the hot loops: a DataFrame lookup per check would dominate the run time."""
    effort: dict[str, float]
    duration: dict[str, float]
    prereq: dict[str, tuple]
    quick: dict[str, bool]
    steps_of: dict[str, list[tuple[str, int]]]  # initiative -> the (dimension, from level) steps it raises


@dataclass(frozen=True)
class _Schedule:
    """The filled waves: when each initiative starts and completes, the steps it lifts, the effort per wave."""
    start_in: dict[str, int]
    done_in: dict[str, int]                   # wave 0 for what is already in place
    claims: dict[str, list[tuple[str, int]]]  # initiative -> the needed steps it lifts
    claimed: dict[tuple[str, int], str]       # step -> the initiative that lifts it
    covered: dict[str, set[str]]              # initiatives made unnecessary -> who lifts their steps
    used: list[float]                         # person-weeks used, indexed by wave
    trajectory: list[dict[str, int]]          # level per dimension after each wave (wave 0 = today)


def _unscheduled(kind: str, item: str, dimension: str, reason: str) -> dict:
    """One row of the "not scheduled" table."""
    return dict(kind=kind, item=item, dimension=dimension, reason=reason)


def _steps_to_climb(g: pd.DataFrame, level: dict[str, int]) -> tuple[list[tuple[str, int]], list[dict]]:
    """The (dimension, from level) steps between today's level and the target, foundations and high priorities
    first; and a "not scheduled" row for each dimension without a score, which has no gap to plan."""
    rank = g["rank"].to_dict()
    target = {d: int(t) for d, t in g["target"].items()}
    no_score = g["no_score"].to_dict() if "no_score" in g else {}
    steps: list[tuple[str, int]] = []
    unscored: list[dict] = []
    for d in sorted(target, key=lambda d: (rank.get(d, 1e9), d)):
        if d not in level:
            why = no_score.get(d) if isinstance(no_score.get(d), str) else "no score: nobody answered its questions"
            unscored.append(_unscheduled("dimension", d, d, f"{why}, so there is no gap to plan"))
            continue
        steps += [(d, lv) for lv in range(level[d], target[d])]
    return steps, unscored


def _catalogue_lookups(ini: pd.DataFrame, raises: pd.DataFrame) -> _Catalogue:
    """Each initiative's effort, duration, prerequisites, quick-win flag and the steps it raises."""
    effort = ini["effort"].astype(float).to_dict()
    duration = ini["duration"].astype(float).to_dict()
    prereq = {i: tuple(p) for i, p in ini["prerequisites"].items()}
    quick = ini["quick_win"].astype(bool).to_dict()
    steps_of: dict[str, list[tuple[str, int]]] = {}
    for r in raises.itertuples(index=False):
        steps_of.setdefault(r.initiative, []).append((r.dimension, int(r.from_level)))
    return _Catalogue(effort=effort, duration=duration, prereq=prereq, quick=quick, steps_of=steps_of)


def _already_in_place(cat: _Catalogue, level: dict[str, int]) -> set[str]:
    """The initiatives the client has outgrown: already past every level they raise, they count as done."""
    return {i for i, sts in cat.steps_of.items() if all(d in level and level[d] >= lv + 1 for d, lv in sts)}


def _choose_initiatives(steps: list[tuple[str, int]], g: pd.DataFrame, cat: _Catalogue,
                        in_place: set[str]) -> tuple[set[str], list[dict]]:
    """The initiatives that deliver the steps, with their prerequisites not already in place; and a "not
    scheduled" row for each step no initiative raises (the dimension's later steps are then left out too).

    Per step not yet delivered, the initiative covering most needed steps, then least effort, then id."""
    steps_of, effort, needed = cat.steps_of, cat.effort, set(steps)
    by_step: dict[tuple[str, int], list[str]] = {}
    for i, sts in steps_of.items():
        for st in sts:
            by_step.setdefault(st, []).append(i)
    chosen: set[str] = set()
    blocked_dims: set[str] = set()
    unraised: list[dict] = []
    for step in steps:
        d, lv = step
        if d in blocked_dims or any(step in steps_of.get(i, ()) for i in chosen):
            continue
        options = sorted(by_step.get(step, []), key=lambda i: (-len(set(steps_of[i]) & needed), effort[i], i))
        if not options:
            unraised.append(_unscheduled("gap", f"{d} {lv}->{lv + 1}", d, f"no initiative in the catalogue raises "
                                         f"{g.at[d, 'name']} from level {lv} to {lv + 1}"))
            blocked_dims.add(d)
            continue
        chosen.add(options[0])
        _add_prerequisites(options[0], cat.prereq, chosen, in_place)
    return chosen, unraised


def _prerequisite_cycle(chosen: set[str], cat: _Catalogue) -> tuple[set[str], list[dict]]:
    """The chosen initiatives caught in a prerequisite cycle (none if there is no cycle), and a "not scheduled"
    row for each that names the cycle."""
    cycle = find_cycle({i: [p for p in cat.prereq[i] if p in chosen] for i in chosen})
    in_cycle = set(cycle or [])
    return in_cycle, [_unscheduled("initiative", i, _dims_of(i, cat.steps_of),
                                   "part of a prerequisite cycle: " + " -> ".join(cycle)) for i in sorted(in_cycle)]


def _consideration_order(chosen: set[str], in_cycle: set[str], needed: set[tuple[str, int]], g: pd.DataFrame,
                         cat: _Catalogue) -> list[str]:
    """The chosen initiatives outside any cycle, in the order the waves consider them: quick wins, then
    foundations, then the most urgent dimension, then id. A prerequisite is as urgent as the most urgent
    initiative waiting for it."""
    rank = g["rank"].to_dict()
    layer_rank = {d: LAYER_ORDER.get(layer, 1) if isinstance(layer, str) else 1 for d, layer in g["layer"].items()}
    own = {i: min([(layer_rank.get(d, 1), rank.get(d, 1e9)) for d, lv in cat.steps_of.get(i, ()) if (d, lv) in needed]
                  or [(9, 1e9)]) for i in chosen}
    urgency = dict(own)
    for i in sorted(chosen):
        for p in _all_prerequisites(i, cat.prereq):
            if p in urgency:
                urgency[p] = min(urgency[p], own[i])
    return sorted((i for i in chosen if i not in in_cycle and i in cat.prereq),
                  key=lambda i: (0 if cat.quick[i] else 1, urgency[i], i))


def _fill_waves(order: list[str], chosen: set[str], needed: set[tuple[str, int]], level: dict[str, int],
                in_place: set[str], cat: _Catalogue, settings: PlanSettings) -> _Schedule:
    """The waves filled one after another, each by going through the initiatives in order of consideration.

    An initiative starts once its prerequisites are done and it fits (see `_completion_wave`). A step is claimed
    by the first initiative scheduled for it; an initiative left with no step of its own and nothing waiting for
    it is covered by the ones that claimed its steps. Completions lift their dimensions at the end of the wave."""
    W, prereq, steps_of = settings.waves, cat.prereq, cat.steps_of
    used = [0.0] * (W + 2)
    start_in: dict[str, int] = {}
    done_in: dict[str, int] = {i: 0 for i in in_place}  # wave 0: before the roadmap starts
    claims: dict[str, list[tuple[str, int]]] = {}
    claimed: dict[tuple[str, int], str] = {}
    needed_by = {p: {c for c in chosen if p in prereq[c]} for p in chosen}
    covered: dict[str, set[str]] = {}
    current = dict(level)
    lifted: dict[int, set[str]] = {}  # wave -> dimensions lifted at its end
    trajectory = [dict(current)]
    completing: dict[int, list[str]] = {}
    for wave in range(1, W + 1):
        for i in order:
            if i in start_in or i in covered or any(done_in.get(p, W + 1) >= wave for p in prereq[i]):
                continue
            mine = [st for st in steps_of.get(i, ()) if st in needed and st not in claimed]
            if not mine and not any(c not in start_in and c not in covered for c in needed_by[i]):
                covered[i] = {claimed[st] for st in steps_of.get(i, ()) if st in claimed}
                continue
            last = _completion_wave(i, wave, mine, current, used, lifted, cat, settings)
            if last is None:
                continue
            per_wave = cat.effort[i] / (last - wave + 1)
            for w in range(wave, last + 1):
                used[w] += per_wave
            start_in[i], done_in[i], claims[i] = wave, last, mine
            claimed.update(dict.fromkeys(mine, i))
            lifted.setdefault(last, set()).update(d for d, _ in mine)
            completing.setdefault(last, []).append(i)
        for i in completing.get(wave, []):  # completions at the end of this wave lift their dimensions
            for d, lv in claims[i]:
                current[d] = lv + 1
        trajectory.append(dict(current))
    return _Schedule(start_in=start_in, done_in=done_in, claims=claims, claimed=claimed, covered=covered, used=used,
                     trajectory=trajectory)


def _completion_wave(i: str, wave: int, mine: list[tuple[str, int]], current: dict[str, int], used: list[float],
                     lifted: dict[int, set[str]], cat: _Catalogue, settings: PlanSettings) -> int | None:
    """The wave in which `i` would complete if it started in `wave`, or None if it cannot start then: one of its
    steps (`mine`) is not next for its dimension, it would end past the horizon or overrun a wave's capacity, or
    another initiative already lifts one of its dimensions at the end of that wave."""
    if any(current.get(d) != lv for d, lv in mine):
        return None
    span = _waves_spanned(cat.duration[i], settings)
    last = wave + span - 1
    per_wave = cat.effort[i] / span
    if last > settings.waves or any(used[w] + per_wave > float(settings.capacity) + EPS for w in range(wave, last + 1)):
        return None
    if any(d in lifted.get(last, set()) for d, _ in mine):
        return None
    return last


def _waves_spanned(weeks: float, settings: PlanSettings) -> int:
    """How many waves an initiative lasting `weeks` spans (at least one)."""
    return max(1, math.ceil(weeks / settings.wave_weeks - EPS))


def _left_out(order: list[str], schedule: _Schedule, needed: set[tuple[str, int]], in_place: set[str],
              cat: _Catalogue, settings: PlanSettings) -> list[dict]:
    """A "not scheduled" row for each considered initiative that did not make it: covered by others, or why not."""
    rows = []
    for i in order:
        if i in schedule.covered:
            rows.append(_unscheduled("covered", i, _dims_of(i, cat.steps_of), "not needed: its steps are lifted by "
                                     + ", ".join(sorted(schedule.covered[i]))))
        elif i not in schedule.start_in:
            reason = _reason(i, cat.prereq, cat.effort, cat.duration, schedule.start_in, schedule.trajectory[-1],
                             cat.steps_of, needed, schedule.claimed, in_place, settings)
            rows.append(_unscheduled("initiative", i, _dims_of(i, cat.steps_of), reason))
    return rows


def _add_prerequisites(pick: str, prereq: dict[str, tuple], chosen: set[str], in_place: set[str]) -> None:
    """Add every prerequisite (transitively) not already in place; missing ones are reported later."""
    stack, seen = [pick], set()
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        for p in prereq[i]:
            if p not in prereq or p in in_place:
                continue
            chosen.add(p)
            stack.append(p)


def _all_prerequisites(i: str, prereq: dict[str, tuple]) -> set[str]:
    out, stack = set(), [i]
    while stack:
        for p in prereq.get(stack.pop(), ()):
            if p in prereq and p not in out:
                out.add(p)
                stack.append(p)
    return out


def _dims_of(i: str, steps_of: dict[str, list[tuple[str, int]]]) -> str:
    return ", ".join(sorted({d for d, _ in steps_of.get(i, ())}))


def _reason(i, prereq, effort, duration, start_in, current, steps_of, needed, claimed, in_place,
            settings: PlanSettings) -> str:
    missing = [p for p in prereq[i] if p not in prereq]
    if missing:
        return f"prerequisite {missing[0]!r} is excluded or not in the catalogue"
    span = _waves_spanned(duration[i], settings)
    if span > settings.waves:
        return (f"takes {span} waves ({duration[i]:g} weeks); the horizon is {settings.waves} "
                f"wave{'s' if settings.waves != 1 else ''}")
    per_wave = effort[i] / span
    if per_wave > settings.capacity + EPS:
        return f"needs {per_wave:g} person-weeks a wave; the capacity is {settings.capacity:g} per wave"
    waiting = [p for p in prereq[i] if p not in start_in and p not in in_place]
    if waiting:
        return f"waits for prerequisite {waiting[0]!r}, which is not scheduled within the horizon"
    for d, lv in steps_of.get(i, ()):
        if (d, lv) in needed and (d, lv) not in claimed and current.get(d) != lv:
            return f"waits for {d} to reach level {lv} (projected {current.get(d)} at the end of the horizon)"
    return "no capacity left within the horizon"


def _plan_table(ini, prereq, claims, start_in, done_in, settings: PlanSettings) -> pd.DataFrame:
    rows = []
    for i in sorted(start_in, key=lambda i: (start_in[i], done_in[i], i)):
        start, _ = wave_dates(settings, start_in[i])
        dependents = sorted(c for c in start_in if i in prereq[c])
        why = "; ".join(filter(None, ["closes a gap" if claims[i] else "",
                                      f"prerequisite of {', '.join(dependents)}" if dependents else ""]))
        rows.append(dict(
            wave=start_in[i], completes_in_wave=done_in[i], initiative=i, title=ini.at[i, "title"],
            dimensions="; ".join(f"{d} {lv}->{lv + 1}" for d, lv in claims[i]),
            effort=float(ini.at[i, "effort"]), duration_weeks=float(ini.at[i, "duration"]),
            start=start, end=start + dt.timedelta(weeks=float(ini.at[i, "duration"]), days=-1),
            owner=ini.at[i, "owner_role"], kpis=", ".join(ini.at[i, "kpis"]), quick_win=bool(ini.at[i, "quick_win"]),
            why=why))
    cols = ["wave", "completes_in_wave", "initiative", "title", "dimensions", "effort", "duration_weeks", "start",
            "end", "owner", "kpis", "quick_win", "why"]
    return pd.DataFrame(rows, columns=cols)


def _trajectory_table(trajectory: list[dict], g: pd.DataFrame, settings: PlanSettings) -> pd.DataFrame:
    rows = []
    for wave, levels in enumerate(trajectory):
        end = settings.start - dt.timedelta(days=1) if wave == 0 else wave_dates(settings, wave)[1]
        for d in g.index:
            if d in levels:
                rows.append(dict(dimension=d, name=g.at[d, "name"], wave=wave, date=end, level=levels[d],
                                 target=int(g.at[d, "target"])))
    return pd.DataFrame(rows, columns=["dimension", "name", "wave", "date", "level", "target"])


def _wave_table(used: list[float], settings: PlanSettings, start_in: dict[str, int]) -> pd.DataFrame:
    rows = []
    for w in range(1, settings.waves + 1):
        start, end = wave_dates(settings, w)
        rows.append(dict(wave=w, start=start, end=end, capacity=float(settings.capacity), effort=round(used[w], 6),
                         starting=sum(1 for v in start_in.values() if v == w)))
    return pd.DataFrame(rows)
