"""Progress against the roadmap: how will we know we have arrived?

Pure functions over the tables of two or more assessment rounds, the roadmap planned from the first
round, and the KPI measurements: what moved between rounds, the level reached against the level the plan
expected by each round's date, and each KPI against its baseline, target and due date. Whether each initiative
was delivered is roadmaps/delivery.py; the plan from the review day, roadmaps/replan.py.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

MOVED = 0.25  # a change of a dimension's mean score smaller than a quarter of a level counts as "no change"
ON_TRACK_SLACK = 0.10  # a KPI within 10 % of the way to its target of where it should be by now is on track


def round_comparison(before: pd.DataFrame, after: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Per dimension in both rounds: mean and level before and after, the change and whether it moved.

    `before` and `after` are assessment dimension tables (area, name, mean, level), possibly from different
    versions of the model: only dimensions in both are compared, and the notes say which were not."""
    b, a = before.set_index("area"), after.set_index("area")
    common = [d for d in a.index if d in b.index]
    notes = []
    gone = [str(b.loc[d, "name"]) for d in b.index if d not in a.index]
    new = [str(a.loc[d, "name"]) for d in a.index if d not in b.index]
    if gone:
        notes.append("Not compared, no longer in the model: " + ", ".join(gone) + ".")
    if new:
        notes.append("Not compared, new in the model since the earlier round: " + ", ".join(new) + ".")
    out = pd.DataFrame({"dimension": common, "name": [a.loc[d, "name"] for d in common],
                        "before": [b.loc[d, "mean"] for d in common], "after": [a.loc[d, "mean"] for d in common],
                        "before_level": [b.loc[d, "level"] for d in common],
                        "after_level": [a.loc[d, "level"] for d in common]})
    out["change"] = out["after"] - out["before"]
    out["moved"] = ["up" if c >= MOVED else "down" if c <= -MOVED else "no change" if pd.notna(c) else "no data"
                    for c in out["change"]]
    return out, notes


def planned_levels_at(trajectory: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The level the plan expects per dimension on `day`: the level after the last wave ended by then
    (the starting level before the first wave ends). Columns dimension, name, wave, planned, target."""
    done = trajectory[pd.to_datetime(trajectory["date"]) <= pd.Timestamp(day)]
    if done.empty:
        done = trajectory[trajectory["wave"] == trajectory["wave"].min()]
    last = done.sort_values("wave").groupby("dimension", sort=False).tail(1)
    order = list(dict.fromkeys(trajectory["dimension"]))
    last = last.set_index("dimension").reindex(order).reset_index()
    return last.rename(columns={"level": "planned"})[["dimension", "name", "wave", "planned", "target"]]


def achieved_against_plan(trajectory: pd.DataFrame, rounds: list[tuple[str, dt.date, pd.DataFrame]]) -> pd.DataFrame:
    """For every round after the first and every dimension the plan covers: the level reached against the
    level planned for that date (as `planned_levels_at` finds it). `rounds` holds (name, date, dimension table)
    oldest first. Status is 'ahead', 'on plan' or 'behind'; 'not assessed' when the round's model has no such
    dimension."""
    # the trajectory read once into plain rows per dimension, in wave order: a review of many rounds would
    # otherwise filter and group the whole table again for each round
    t = trajectory.sort_values("wave", kind="stable")
    dates = list(pd.to_datetime(t["date"]))
    lowest = trajectory["wave"].min()
    per_dim: dict[str, list[tuple]] = {}
    for d, n, w, when, lv, tg in zip(t["dimension"], t["name"], t["wave"], dates, t["level"], t["target"]):
        per_dim.setdefault(d, []).append((when, int(w), n, lv, tg))
    order = list(dict.fromkeys(trajectory["dimension"]))
    rows = []
    for name, day, dims in rounds:
        when = pd.Timestamp(day)
        any_done = any(x <= when for x in dates)
        reached = dict(zip(dims["area"], dims["level"]))
        means = dict(zip(dims["area"], dims["mean"]))
        for d in order:
            steps = [s for s in per_dim[d] if (s[0] <= when if any_done else s[1] == lowest)]
            _, wave, dim_name, planned, target = steps[-1]
            level, mean = reached.get(d), means.get(d)
            status = ("not assessed" if level is None or pd.isna(level) else "ahead" if level > planned
                      else "on plan" if level == planned else "behind")
            rows.append({"round": name, "date": day, "dimension": d, "name": dim_name, "wave": int(wave),
                         "planned": int(planned), "reached": None if level is None or pd.isna(level) else int(level),
                         "mean": mean, "target": int(target), "status": status})
    return pd.DataFrame(rows, columns=["round", "date", "dimension", "name", "wave", "planned", "reached", "mean",
                                       "target", "status"])


def kpi_progress(scorecard: pd.DataFrame, measurements: pd.DataFrame, day: dt.date, start: dt.date) -> pd.DataFrame:
    """Each scorecard KPI on `day`: its latest measurement against baseline, target and due date.

    progress is the share of the way from baseline to target covered (1 = target met, whichever direction is
    better); expected is the share of the time from `start` (the roadmap's start) to the due date gone by.
    Status: 'target met', 'on track', 'behind', 'overdue' (due date passed, target not met) or 'no
    measurement'."""
    rows = []
    m = measurements[pd.to_datetime(measurements["date"]) <= pd.Timestamp(day)] if len(measurements) else measurements
    for k in scorecard.itertuples(index=False):
        mine = m[m["kpi"] == k.kpi] if len(m) else m
        latest = mine.iloc[-1] if len(mine) else None
        baseline, target = k.baseline, k.target
        value = None if latest is None else float(latest["value"])
        progress = None
        if value is not None and pd.notna(baseline) and pd.notna(target) and target != baseline:
            progress = (value - baseline) / (target - baseline)
        due = k.due if pd.notna(k.due) else None
        expected = None
        if due is not None and due > start:
            expected = min(max((day - start).days / (due - start).days, 0.0), 1.0)
        if value is None:
            status = "no measurement"
        elif progress is not None and progress >= 1:
            status = "target met"
        elif due is not None and day > due:
            status = "overdue"
        elif progress is None or expected is None or progress >= expected - ON_TRACK_SLACK:
            status = "on track"
        else:
            status = "behind"
        rows.append({"kpi": k.kpi, "name": k.name, "unit": k.unit, "baseline": baseline, "target": target,
                     "due": due, "latest": value, "measured": None if latest is None else latest["date"],
                     "measurements": len(mine), "progress": progress, "expected": expected, "status": status})
    return pd.DataFrame(rows, columns=["kpi", "name", "unit", "baseline", "target", "due", "latest", "measured",
                                       "measurements", "progress", "expected", "status"])
