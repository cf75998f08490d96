"""Roadmap speed: sequencing 500 initiatives over 40 dimensions and 12 waves, and re-planning an example
client on the real catalogue (what the live workshop does on every slider move).

    .venv/bin/python benchmarks/bench_roadmap.py

Our path: `roadmaps.sequencing.build_roadmap`. Baseline, side by side on the same inputs: the same greedy
rules written the obvious pandas way (a DataFrame query per check). Targets: under 1 s for the large case;
under 50 ms to re-plan on the real catalogue.
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from roadmaps.catalogue import Initiative, catalogue_tables
from roadmaps.sequencing import PlanSettings, build_roadmap

ROOT = Path(__file__).resolve().parent.parent


def synthetic(n_dims=40, n_initiatives=500, seed=7):
    rng = np.random.default_rng(seed)
    dims = [f"dim-{i:02d}" for i in range(n_dims)]
    gaps = pd.DataFrame({"dimension": dims, "name": dims,
                         "layer": [["roots", "trunk", "crown"][i % 3] for i in range(n_dims)],
                         "current_level": rng.integers(1, 3, n_dims), "target": rng.integers(3, 6, n_dims)})
    gaps["rank"] = np.arange(1, n_dims + 1)
    cat = []
    for k in range(n_initiatives):
        picks = rng.choice(n_dims, size=int(rng.integers(1, 3)), replace=False)
        steps = [{"dimension": dims[d], "from": int(rng.integers(1, 5)), "to": 0} for d in picks]
        for s in steps:
            s["to"] = s["from"] + 1
        prereq = sorted({f"i{int(j)}" for j in rng.integers(0, k, size=int(rng.integers(0, 3)))}) if k > 5 else []
        cat.append(Initiative(id=f"i{k}", title=f"Initiative {k}", raises=steps, effort=float(rng.integers(1, 12)),
                              duration=float(rng.integers(2, 30)), prerequisites=prereq,
                              quick_win=bool(rng.random() < 0.1)))
    return gaps, cat


def naive(gaps: pd.DataFrame, initiatives: pd.DataFrame, raises: pd.DataFrame, s: PlanSettings) -> pd.DataFrame:
    """Greedy waves with a DataFrame query for every check: what a first version looks like."""
    level = dict(zip(gaps["dimension"], gaps["current_level"]))
    target = dict(zip(gaps["dimension"], gaps["target"]))
    needed = {(d, lv) for d in target for lv in range(level[d], target[d])}
    chosen = set(raises[[(d, lv) in needed for d, lv in zip(raises["dimension"], raises["from_level"])]]["initiative"])
    todo = set(chosen)
    while todo:  # pull in prerequisites
        i = todo.pop()
        for p in initiatives.loc[initiatives["initiative"] == i, "prerequisites"].iloc[0]:
            if p not in chosen:
                chosen.add(p)
                todo.add(p)
    done, rows, used = {}, [], {}
    for wave in range(1, s.waves + 1):
        for i in sorted(chosen):
            if i in done:
                continue
            row = initiatives[initiatives["initiative"] == i].iloc[0]
            if any(done.get(p, 99) >= wave for p in row["prerequisites"]):
                continue
            mine = raises[raises["initiative"] == i]
            if any(level[r.dimension] != r.from_level for r in mine.itertuples() if (r.dimension, r.from_level) in needed):
                continue
            span = max(1, int(np.ceil(row["duration"] / s.wave_weeks)))
            if wave + span - 1 > s.waves or any(used.get(w, 0) + row["effort"] / span > s.capacity
                                                for w in range(wave, wave + span)):
                continue
            for w in range(wave, wave + span):
                used[w] = used.get(w, 0) + row["effort"] / span
            done[i] = wave + span - 1
            rows.append((wave, i))
        for i, w in done.items():
            if w == wave:
                for r in raises[raises["initiative"] == i].itertuples():
                    if level[r.dimension] == r.from_level:
                        level[r.dimension] = r.to_level
    return pd.DataFrame(rows, columns=["wave", "initiative"])


def timed(fn, *args, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t)
    return times, out


def main() -> None:
    gaps, cat = synthetic()
    table, raises = catalogue_tables(cat)
    s = PlanSettings(capacity=60, waves=12, start=dt.date(2027, 1, 4))
    ours_t, r = timed(build_roadmap, gaps, table, raises, s)
    naive_t, _ = timed(naive, gaps, table, raises, s, repeat=1)
    print(f"large case: {len(cat)} initiatives, {len(gaps)} dimensions, {s.waves} waves")
    print(f"  ours:  {min(ours_t) * 1000:8.1f} ms (best of {len(ours_t)}), {len(r.plan)} scheduled, "
          f"{len(r.unscheduled)} not scheduled  (target < 1000 ms: {'met' if min(ours_t) < 1 else 'NOT met'})")
    print(f"  naive: {naive_t[0] * 1000:8.1f} ms")
    print(f"  ratio naive/ours: {naive_t[0] / min(ours_t):.1f}x")

    from workbench.planning import plan, plan_settings
    from workbench.engagement.folder import assess_engagement
    folder = ROOT / "examples" / "clients" / "st-aldhelms-facilities"
    engagement, assessment = assess_engagement(folder)
    settings = plan_settings(engagement)
    plan(engagement, assessment, settings)  # warm
    replans = []
    for capacity in np.linspace(10, 60, 40):  # a slider being dragged
        t = time.perf_counter()
        p = plan(engagement, assessment, PlanSettings(capacity=float(capacity), waves=settings.waves,
                                                      start=settings.start, wave_weeks=settings.wave_weeks))
        replans.append(time.perf_counter() - t)
    p95 = statistics.quantiles(replans, n=20)[18]
    n_cat = len(engagement.catalogue.initiatives) if engagement.catalogue else 0
    print(f"workshop re-plan on the real catalogue ({n_cat} initiatives, gaps + roadmap + scorecard): "
          f"median {statistics.median(replans) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
          f"(target < 50 ms: {'met' if p95 < 0.05 else 'NOT met'}); last plan: {len(p.roadmap.plan)} initiatives")


if __name__ == "__main__":
    main()
