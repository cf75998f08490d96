"""Two scenarios side by side: a plan kept as scenario A and the live plan B, compared on what a leadership
team weighs (when the plan ends, which dimensions reach their targets, the effort in each wave, what starts
first, what is left out) and on the decisions that differ. Pure functions of two Plannings; the panel
(panel.py) draws the comparison and highlights what differs."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from workbench.planning import Planning
from workbench.reports import readable, wording
from workbench.workshop.session import Decisions, describe


@dataclass(frozen=True)
class Outcome:
    """What a plan leads to, in the terms the room compares."""

    end: dt.date | None               # the last day of the last initiative (None: nothing planned)
    reaching: tuple[str, ...]         # dimensions at or above their target after the last wave (names)
    short: tuple[str, ...]            # dimensions with a score still below their target after it (names)
    scored: int                       # dimensions with a score (what `reaching` is counted against)
    effort: tuple[tuple[int, float, float], ...]  # (wave, person-weeks used, capacity)
    first_wave: tuple[str, ...]       # titles of the initiatives that start in wave 1
    left_out: int                     # initiatives and steps the plan leaves out


def outcome(p: Planning) -> Outcome:
    plan, waves, traj, g = p.roadmap.plan, p.roadmap.waves, p.roadmap.trajectory, p.gaps
    scored = g[g["status"] != "no score"]
    names = dict(zip(g["dimension"], g["name"]))
    if traj.empty:  # no catalogue: only the dimensions already at their targets are there
        reached = set(scored.loc[scored["status"] == "at or above target", "dimension"])
    else:
        last = traj[traj["wave"] == traj["wave"].max()]
        reached = set(last.loc[last["level"] >= last["target"], "dimension"]) & set(scored["dimension"])
    order = [d for d in p.targets["dimension"] if d in names]  # the model's order
    end = pd.to_datetime(plan["end"]).max().date() if len(plan) else None
    return Outcome(
        end=end, reaching=tuple(names[d] for d in order if d in reached),
        short=tuple(names[d] for d in order if d not in reached and d in set(scored["dimension"])), scored=len(scored),
        effort=tuple((int(w.wave), float(w.effort), float(w.capacity)) for w in waves.itertuples()),
        first_wave=tuple(plan.loc[plan["wave"] == 1, "title"]) if len(plan) else (),
        left_out=len(readable.left_out(p)))


def comparison(a: Planning, b: Planning, da: Decisions, db: Decisions) -> pd.DataFrame:
    """One row per aspect: what, a (items of scenario A), b (items of scenario B), differs. Items are short
    texts; an item found on one side only is what the page highlights."""
    oa, ob = outcome(a), outcome(b)
    said = wording.words(a.engagement.model)
    before, after = da.items(), db.items()
    changed = [k for k in after if before.get(k) != after.get(k)]
    decided = [describe(a.engagement, k, before.get(k), after.get(k)) for k in changed]
    rows = [
        ("Decisions that differ", [f"{w}: {x}" for w, x, _ in decided] or ["the same decisions"],
         [f"{w}: {y}" for w, _, y in decided] or ["the same decisions"]),
        ("The plan ends", [_day(oa.end)], [_day(ob.end)]),
        (f"{said.dimensions.capitalize()} at target after the last wave",
         [f"{len(oa.reaching)} of {oa.scored}"], [f"{len(ob.reaching)} of {ob.scored}"]),
        ("Still below target", list(oa.short) or ["none"], list(ob.short) or ["none"]),
        ("Effort per wave (person-weeks)", _effort(oa), _effort(ob)),
        ("Starts in the first wave", list(oa.first_wave) or ["nothing"], list(ob.first_wave) or ["nothing"]),
        ("Left out of the plan", [f"{oa.left_out} initiatives or steps"], [f"{ob.left_out} initiatives or steps"]),
    ]
    return pd.DataFrame([{"what": w, "a": x, "b": y, "differs": set(x) != set(y)} for w, x, y in rows])


def _day(d: dt.date | None) -> str:
    return "nothing planned" if d is None else f"{d.day} {d:%B %Y}"


def _effort(o: Outcome) -> list[str]:
    return [f"wave {w}: {readable.figure(used)} of {readable.figure(cap)}" for w, used, cap in o.effort]
