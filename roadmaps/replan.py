"""The plan from the review day: what is done stays where it was, what was dropped is out, and the rest of the
work is sequenced again on today's gaps, from the plan of record's first wave that starts on or after the review
day to the end of its horizon; then what changed against the plan of record, initiative by initiative, and why.

The rules:
- waves keep the plan of record's numbers and dates: the re-plan fills the waves that start on or after the review
  day, with the same capacity, and nothing ends after the plan of record's last wave;
- done initiatives count as in place (a prerequisite that is done holds); dropped ones are not planned again;
- work under way is carried on first (considered before anything else, as quick wins are), with the effort and the
  weeks it has left (the per cent not done; all of it when no per cent was recorded);
- everything else is planned by `roadmaps.sequencing.build_roadmap` on the latest round's gaps, so a gap that closed
  needs no initiative and a new gap gets one; what does not fit the horizon is listed with the planner's reason.

Texts keep ids ('waits for prerequisite ...'), as the planner's do; the reports name them (reports/steering.py).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from roadmaps.sequencing import PlanSettings, Roadmap, build_roadmap, wave_dates

# In the order a steering group reads them: what needs its attention first.
CHANGES = ("moved later", "does not fit", "dropped", "added", "removed", "moved earlier", "unchanged", "done")
CHANGE_COLUMNS = ["initiative", "title", "change", "was_wave", "was_start", "was_end", "wave", "start", "end",
                  "reason"]
PLAN_COLUMNS = ["wave", "completes_in_wave", "initiative", "title", "dimensions", "effort", "duration_weeks", "start",
                "end", "owner", "kpis", "quick_win", "why", "kind", "percent_done"]
NOT_FITTING_COLUMNS = ["kind", "item", "dimension", "reason"]


@dataclass
class Replan:
    day: dt.date                # the review day
    first_wave: int             # the plan of record's number of the first wave re-planned (waves keep their numbers)
    horizon: dt.date            # the last day of the plan of record's last wave
    settings: PlanSettings      # the waves re-planned: from `first_wave` to the horizon
    plan: pd.DataFrame          # PLAN_COLUMNS: the done initiatives where they were, then the work re-planned; kind is
                                # 'done', 'carried on' (under way), 're-planned' (in the plan of record) or 'added'
    waves: pd.DataFrame         # the waves re-planned: wave, start, end, capacity, effort, starting
    trajectory: pd.DataFrame    # the level per dimension after each wave re-planned (wave first_wave - 1: today)
    not_fitting: pd.DataFrame   # what the horizon cannot hold, and why (the planner's kinds: initiative, gap, ...)
    changes: pd.DataFrame       # CHANGE_COLUMNS, one row per initiative of either plan, in the order of CHANGES


def first_wave_after(settings: PlanSettings, day: dt.date) -> int:
    """The number of the plan's first wave starting on or after `day` (waves + 1 when none does)."""
    for w in range(1, settings.waves + 1):
        if wave_dates(settings, w)[0] >= day:
            return w
    return settings.waves + 1


def replan(record: Roadmap, delivered: pd.DataFrame, gaps: pd.DataFrame, initiatives: pd.DataFrame,
           raises: pd.DataFrame, day: dt.date) -> Replan:
    """Re-sequence the plan of record (`record`) from `day` on today's `gaps`.

    `delivered`: `roadmaps.delivery.delivery(record.plan, statuses, day)`; `gaps`: the latest round's
    `dimension_gaps`; `initiatives`, `raises`: the client's catalogue tables (`catalogue_tables`)."""
    s = record.settings
    first = first_wave_after(s, day)
    horizon = wave_dates(s, s.waves)[1]
    state = delivered.set_index("initiative") if len(delivered) else pd.DataFrame(
        columns=["status", "state", "percent_done", "note", "date"])
    done = {i for i, st in state["status"].items() if st == "done"}
    dropped = {i for i, st in state["status"].items() if st == "dropped"}
    under_way = {i: p for i, (st, p) in state[["status", "percent_done"]].iterrows() if st == "under way"}
    settings = dataclasses.replace(s, waves=max(s.waves - first + 1, 0),
                                   start=wave_dates(s, first)[0] if first <= s.waves else horizon + dt.timedelta(days=1))
    pool = _pool(initiatives, done, dropped, under_way)
    in_record = set(record.plan["initiative"])
    kept = record.plan[record.plan["initiative"].isin(done)].assign(kind="done", percent_done=100.0)
    if settings.waves:
        new = build_roadmap(gaps, pool, raises[raises["initiative"].isin(pool["initiative"])], settings)
        shift = first - 1
        plan = new.plan.assign(wave=new.plan["wave"] + shift, completes_in_wave=new.plan["completes_in_wave"] + shift)
        original = initiatives.set_index("initiative")["quick_win"]
        plan["quick_win"] = [bool(original.get(i, q)) for i, q in zip(plan["initiative"], plan["quick_win"])]
        plan["kind"] = ["carried on" if i in under_way else "re-planned" if i in in_record else "added"
                        for i in plan["initiative"]]
        plan["percent_done"] = [under_way.get(i) for i in plan["initiative"]]
        waves = new.waves.assign(wave=new.waves["wave"] + shift)
        trajectory = new.trajectory.assign(wave=new.trajectory["wave"] + shift)
        unscheduled = new.unscheduled
    else:  # the horizon ends before another wave starts: nothing can be planned
        plan = pd.DataFrame(columns=PLAN_COLUMNS)
        waves = pd.DataFrame(columns=["wave", "start", "end", "capacity", "effort", "starting"])
        trajectory = pd.DataFrame(columns=["dimension", "name", "wave", "date", "level", "target"])
        left = [i for i in record.plan["initiative"] if i not in done and i not in dropped]
        unscheduled = pd.DataFrame([{"kind": "initiative", "item": i, "dimension": "", "reason":
                                     f"the plan of record ends on {horizon}: no wave of it starts after the review day"}
                                    for i in left], columns=NOT_FITTING_COLUMNS)
    not_fitting = _not_fitting(unscheduled, raises, done, dropped)
    full = pd.concat([kept[PLAN_COLUMNS], plan[PLAN_COLUMNS]], ignore_index=True) if len(kept) else plan[PLAN_COLUMNS]
    changes = what_changed(record.plan, full, not_fitting, unscheduled, state, gaps, initiatives)
    return Replan(day, first, horizon, settings, full.reset_index(drop=True), waves.reset_index(drop=True),
                  trajectory.reset_index(drop=True), not_fitting, changes)


def _pool(initiatives: pd.DataFrame, done: set, dropped: set, under_way: dict) -> pd.DataFrame:
    """The initiatives the re-plan may use: not done, not dropped; a done prerequisite holds; work under way with
    what it has left, considered first."""
    pool = initiatives[~initiatives["initiative"].isin(done | dropped)].copy()
    pool["prerequisites"] = [tuple(p for p in ps if p not in done) for ps in pool["prerequisites"]]
    left = [_left(under_way[i]) if i in under_way else 1.0 for i in pool["initiative"]]
    pool["effort"] = pool["effort"].astype(float) * left
    pool["duration"] = [max(1.0, math.ceil(d * x - 1e-9)) if x < 1 else float(d)
                        for d, x in zip(pool["duration"].astype(float), left)]
    pool["quick_win"] = [bool(q) or i in under_way for i, q in zip(pool["initiative"], pool["quick_win"])]
    return pool.reset_index(drop=True)


def _left(percent) -> float:
    """The share of an initiative under way still to do: all of it when no per cent was recorded."""
    return 1.0 if percent is None or pd.isna(percent) else max(0.0, 1 - float(percent) / 100)


def _not_fitting(unscheduled: pd.DataFrame, raises: pd.DataFrame, done: set, dropped: set) -> pd.DataFrame:
    """The planner's 'not scheduled' rows but those merely not needed, with the reasons that come from the
    delivery said so: a prerequisite that was dropped; a step whose initiative is done or dropped while the
    dimension stayed where it was."""
    rows = []
    lifted_by: dict[tuple[str, int], list[str]] = {}
    for r in raises.itertuples(index=False):
        lifted_by.setdefault((r.dimension, int(r.from_level)), []).append(r.initiative)
    for r in unscheduled.itertuples(index=False):
        if r.kind == "covered":
            continue
        reason = str(r.reason)
        if r.kind == "initiative" and reason.startswith("prerequisite '") and "is excluded" in reason:
            p = reason.split("'")[1]
            if p in dropped:
                reason = f"its prerequisite '{p}' was dropped"
        if r.kind == "gap":
            dim, _, levels = str(r.item).rpartition(" ")
            a = int(levels.partition("->")[0])
            gone = sorted(i for i in lifted_by.get((dim, a), []) if i in done or i in dropped)
            if gone:
                said = [f"'{i}' is done" if i in done else f"'{i}' was dropped" for i in gone]
                reason = (f"{' and '.join(said)}, yet {dim} is still at level {a}; no other initiative lifts it"
                          + (" (check whether the work had the effect planned)" if any(i in done for i in gone)
                             else ""))
        rows.append({"kind": r.kind, "item": r.item, "dimension": r.dimension, "reason": reason})
    return pd.DataFrame(rows, columns=NOT_FITTING_COLUMNS)


def _steps(text) -> list[tuple[str, int, int]]:
    """The plan's 'service-levels 2->3; collaboration 1->2' as (dimension, from, to) steps."""
    out = []
    for part in filter(None, (x.strip() for x in str(text or "").split(";"))):
        dim, _, levels = part.rpartition(" ")
        a, _, b = levels.partition("->")
        if dim and a.isdigit() and b.isdigit():
            out.append((dim, int(a), int(b)))
    return out


def what_changed(record: pd.DataFrame, new: pd.DataFrame, not_fitting: pd.DataFrame, unscheduled: pd.DataFrame,
                 state: pd.DataFrame, gaps: pd.DataFrame, initiatives: pd.DataFrame) -> pd.DataFrame:
    """Per initiative of the plan of record or of the re-plan: done, dropped, unchanged, moved later or earlier,
    does not fit, removed or added, with the reason in the planner's words (ids, named by the reports)."""
    # plain dicts: a DataFrame lookup per initiative costs more than the rest of the re-plan
    was = {r["initiative"]: r for r in record.to_dict("records")}
    now = {r["initiative"]: r for r in new[new["kind"] != "done"].to_dict("records")}
    states = {i: r for i, r in zip(state.index, state.to_dict("records"))}
    title = dict(zip(initiatives["initiative"], initiatives["title"])) | dict(zip(record["initiative"], record["title"]))
    prereq = dict(zip(initiatives["initiative"], initiatives["prerequisites"]))
    g = gaps.set_index("dimension")
    level = {d: int(v) for d, v in g["current_level"].items() if pd.notna(v)}
    target = {d: int(v) for d, v in g["target"].items() if pd.notna(v)}
    misfit = {r.item: r.reason for r in not_fitting.itertuples(index=False) if r.kind == "initiative"}
    covered = {r.item: r.reason for r in unscheduled.itertuples(index=False) if r.kind == "covered"}
    planned_steps = {(d, a): i for i, text in zip(record["initiative"], record["dimensions"]) for d, a, _ in _steps(text)}
    blocked = {d: a for d, a, _ in (s for r in not_fitting.itertuples(index=False) if r.kind == "gap"
                                    for s in _steps(r.item))}
    rows = []

    def row(i: str, change: str, reason: str, old=None, cur=None) -> None:
        rows.append({"initiative": i, "title": title.get(i, i), "change": change,
                     "was_wave": None if old is None else int(old["wave"]),
                     "was_start": None if old is None else old["start"], "was_end": None if old is None else old["end"],
                     "wave": None if cur is None else int(cur["wave"]), "start": None if cur is None else cur["start"],
                     "end": None if cur is None else cur["end"], "reason": reason})

    for i, old in was.items():
        st = states.get(i)
        status = st["status"] if st is not None else "not started"
        note = str(st["note"]) if st is not None and isinstance(st["note"], str) else ""
        if status == "done":
            when = st["date"] if st is not None and st["date"] is not None and not pd.isna(st["date"]) else None
            row(i, "done", "; ".join(filter(None, [f"done on {when}" if when else "done", note])), old, old)
        elif status == "dropped":
            row(i, "dropped", note or "dropped (no reason recorded)", old)
        elif i in now:
            cur = now[i]
            change = ("moved earlier" if cur["start"] < old["start"] else "moved later" if cur["end"] > old["end"]
                      else "unchanged")
            row(i, change, _moved_reason(i, change, st, old, cur, now, prereq), old, cur)
        elif i in misfit:
            row(i, "does not fit", "; ".join(filter(None, [_state_said(st, old), misfit[i]])), old)
        else:
            steps = _steps(old["dimensions"])
            closed = [(d, b) for d, a, b in steps if level.get(d, -1) >= b or target.get(d, 0) <= a]
            if steps and len(closed) == len(steps):
                said = "; ".join(f"{d} is at level {level.get(d, b)}" + (" (its target)" if target.get(d) == level.get(d)
                                                                          else "") for d, b in closed)
                row(i, "removed", f"its gap has closed: {said}", old)
            elif any(d in blocked and blocked[d] <= a for d, a, _ in steps):
                d, a = next((d, blocked[d]) for d, a, _ in steps if d in blocked and blocked[d] <= a)
                row(i, "does not fit", "; ".join(filter(None, [_state_said(st, old), f"waits for {d} to climb from "
                                                              f"level {a}, which nothing planned lifts"])), old)
            elif i in covered:
                row(i, "removed", covered[i], old)
            else:
                row(i, "removed", "not needed on today's gaps", old)
    for i, cur in now.items():
        if i in was:
            continue
        steps = _steps(cur["dimensions"])
        if steps:
            said = []
            for d, a, b in steps:
                instead = planned_steps.get((d, a))
                said.append(f"lifts {d} level {a} -> {b} in place of '{instead}'" if instead
                            else f"a gap the plan of record did not have: {d} level {a} -> {b}")
            reason = "; ".join(said)
        else:
            reason = str(cur["why"]) or "a prerequisite of work re-planned"
        row(i, "added", reason, None, cur)
    for r in not_fitting.itertuples(index=False):
        if r.kind == "initiative" and r.item not in was:
            row(r.item, "does not fit", f"needed on today's gaps ({r.dimension}); {r.reason}")
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    order = {c: k for k, c in enumerate(CHANGES)}
    return out.sort_values("change", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)


def _state_said(st, old) -> str:
    """What the delivery says of an initiative that was due: late, or not started though due; '' otherwise."""
    if st is None:
        return ""
    if st["state"] == "not started though due":
        return f"not started though due since {old['start']}"
    if st["state"] == "late":
        pct = st["percent_done"]
        return f"late: under way past its planned end ({old['end']})" + (
            f", {float(pct):g} % done" if pct is not None and not pd.isna(pct) else "")
    return ""


def _moved_reason(i: str, change: str, st, old, cur, now: dict, prereq: dict) -> str:
    """Why an initiative in both plans sits where it does now."""
    if change == "unchanged":
        return ""
    if change == "moved earlier":
        return f"room in wave {int(cur['wave'])}: work planned before it is done, dropped or no longer needed"
    said = _state_said(st, old)
    if st is not None and st["state"] == "on time":
        pct = st["percent_done"]
        said = ("under way on time" + (f", {float(pct):g} % done" if pct is not None and not pd.isna(pct) else "")
                + f"; the rest carries on in wave {int(cur['wave'])}, the first after the review")
    if said:
        return said
    waits = [p for p in prereq.get(i, ()) if p in now and int(now[p]["completes_in_wave"]) >= int(old["wave"])]
    if waits:
        p = waits[0]
        return f"waits for prerequisite '{p}', now done in wave {int(now[p]['completes_in_wave'])}"
    mine = {(d, a) for d, a, _ in _steps(cur["dimensions"])}
    for j, other in now.items():
        if j != i and int(other["completes_in_wave"]) >= int(old["wave"]) and any(
                (d, a + 1) in mine for d, a, _ in _steps(other["dimensions"])):
            d = next(d for d, a, _ in _steps(other["dimensions"]) if (d, a + 1) in mine)
            return f"waits for {d} to reach the level it starts from ('{j}', now done in wave {int(other['completes_in_wave'])})"
    return "capacity: the waves before it are full with work carried on and re-planned"
