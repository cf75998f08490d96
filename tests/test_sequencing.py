"""Sequencing: hand-checked plans, clear 'not scheduled' reasons, and invariants for any catalogue."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roadmaps.catalogue import Initiative, catalogue_tables
from roadmaps.sequencing import PlanSettings, build_roadmap

START = dt.date(2027, 1, 4)


def gaps_frame(rows):
    """rows: (dimension, layer, current_level, target)"""
    df = pd.DataFrame(rows, columns=["dimension", "layer", "current_level", "target"])
    df["name"] = df["dimension"].str.title()
    df["rank"] = range(1, len(df) + 1)
    return df


def ini(id, steps, effort=2, duration=4, prereq=(), quick=False, kpis=("csat",)):
    return Initiative(id=id, title=id.replace("-", " ").title(), effort=effort, duration=duration,
                      raises=[{"dimension": d, "from": lv, "to": lv + 1} for d, lv in steps],
                      prerequisites=list(prereq), quick_win=quick, kpis=list(kpis))


def plan(gaps, initiatives, **kw):
    table, raises = catalogue_tables(initiatives)
    return build_roadmap(gaps, table, raises, PlanSettings(start=START, **({"capacity": 10, "waves": 4} | kw)))


def test_one_level_per_wave_prerequisites_first_and_quick_wins_early():
    gaps = gaps_frame([("sla", "roots", 1, 3), ("wow", "crown", 2, 3)])
    cat = [ini("sla-basics", [("sla", 1)], effort=4), ini("sla-defined", [("sla", 2)], effort=4, prereq=["sla-basics"]),
           ini("wow-moments", [("wow", 2)], effort=3), ini("pep-talks", [("wow", 2)], effort=1, quick=True)]
    r = plan(gaps, cat)
    waves = dict(zip(r.plan["initiative"], r.plan["wave"]))
    assert waves == {"sla-basics": 1, "pep-talks": 1, "sla-defined": 2}  # one initiative per step is enough
    traj = r.trajectory.pivot(index="dimension", columns="wave", values="level")
    assert list(traj.loc["sla"]) == [1, 2, 3, 3, 3] and list(traj.loc["wow"]) == [2, 3, 3, 3, 3]
    assert r.unscheduled.empty
    assert r.plan.loc[r.plan["initiative"] == "sla-defined", "start"].item() == dt.date(2027, 4, 5)


def test_capacity_and_long_initiatives_spread_over_waves():
    gaps = gaps_frame([("a", "roots", 1, 2), ("b", "roots", 1, 2), ("c", "trunk", 1, 2)])
    cat = [ini("big", [("a", 1)], effort=12, duration=26), ini("mid", [("b", 1)], effort=6),
           ini("small", [("c", 1)], effort=5)]
    r = plan(gaps, cat)
    rows = r.plan.set_index("initiative")
    assert (rows.loc["big", "wave"], rows.loc["big", "completes_in_wave"]) == (1, 2)  # 6 pw in each of 2 waves
    assert rows.loc["mid", "wave"] == 3    # 6 + 6 > 10 in waves 1 and 2
    assert rows.loc["small", "wave"] == 4  # 6 + 5 > 10 in waves 1-3
    assert (r.waves["effort"] <= 10 + 1e-9).all()


def test_what_cannot_be_scheduled_says_why():
    gaps = gaps_frame([("a", "roots", 1, 3), ("b", "roots", 1, 2), ("c", "trunk", 1, 2), ("d", "crown", 2, 3)])
    cat = [ini("a1", [("a", 1)], effort=20),                       # more than the capacity
           ini("b1", [("b", 1)], prereq=["gone"]),                 # prerequisite excluded
           ini("c1", [("c", 1)], duration=80),                     # longer than the horizon
           ini("x", [("d", 2)], prereq=["y"]), ini("y", [("d", 2)], prereq=["x"])]  # a cycle
    r = plan(gaps, cat)
    reasons = dict(zip(r.unscheduled["item"], r.unscheduled["reason"]))
    assert "capacity is 10" in reasons["a1"]
    assert "a 2->3" in reasons and "no initiative" in reasons["a 2->3"]
    assert "'gone' is excluded or not in the catalogue" in reasons["b1"]
    assert "takes 7 waves" in reasons["c1"]
    assert "cycle" in reasons["x"] and "cycle" in reasons["y"]
    assert r.plan.empty
    assert not r.unscheduled.duplicated(["item", "reason"]).any()  # each said once


def test_same_inputs_same_plan():
    gaps = gaps_frame([(f"d{i}", ["roots", "trunk", "crown"][i % 3], 1, 4) for i in range(6)])
    cat = [ini(f"i{i}-{lv}", [(f"d{i}", lv)], effort=1 + (i * lv) % 5) for i in range(6) for lv in (1, 2, 3)]
    a, b = plan(gaps, cat), plan(gaps, list(reversed(cat)))
    pd.testing.assert_frame_equal(a.plan, b.plan)
    pd.testing.assert_frame_equal(a.trajectory, b.trajectory)


def test_foundations_before_crown_when_capacity_is_short():
    gaps = gaps_frame([("crown-dim", "crown", 1, 2), ("roots-dim", "roots", 1, 2)])
    cat = [ini("c", [("crown-dim", 1)], effort=8), ini("r", [("roots-dim", 1)], effort=8)]
    r = plan(gaps, cat)
    assert dict(zip(r.plan["initiative"], r.plan["wave"])) == {"r": 1, "c": 2}


# ---------------------------------------------------------------- properties

@st.composite
def scenario(draw):
    n_dims = draw(st.integers(1, 6))
    dims = [f"d{i}" for i in range(n_dims)]
    gap_rows = []
    for d in dims:
        cur = draw(st.integers(1, 4))
        gap_rows.append((d, draw(st.sampled_from(["roots", "trunk", "crown"])), cur, draw(st.integers(cur, 5))))
    n = draw(st.integers(0, 25))
    cat = []
    for k in range(n):
        steps = draw(st.lists(st.tuples(st.sampled_from(dims), st.integers(1, 4)), min_size=1, max_size=2,
                              unique_by=lambda s: s[0]))
        prereq = draw(st.lists(st.sampled_from([f"i{j}" for j in range(k)]), max_size=2, unique=True)) if k else []
        cat.append(ini(f"i{k}", steps, effort=draw(st.integers(1, 15)), duration=draw(st.integers(1, 40)),
                       prereq=prereq, quick=draw(st.booleans())))
    cap = draw(st.integers(1, 30))
    waves = draw(st.integers(1, 8))
    return gaps_frame(gap_rows), cat, cap, waves


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_plan_invariants_hold_for_any_catalogue(case):
    gaps, cat, cap, waves = case
    r = plan(gaps, cat, capacity=cap, waves=waves)
    done = dict(zip(r.plan["initiative"], r.plan["completes_in_wave"]))
    start = dict(zip(r.plan["initiative"], r.plan["wave"]))
    prereqs = {i.id: i.prerequisites for i in cat}
    for i in start:  # prerequisites finish in an earlier wave, or the client already has them
        assert all((p in done and done[p] < start[i]) or p in r.in_place for p in prereqs[i])
    assert (r.waves["effort"] <= cap + 1e-6).all()  # no wave over capacity
    assert (r.plan["completes_in_wave"] <= waves).all()
    traj = r.trajectory.pivot(index="dimension", columns="wave", values="level")
    steps = traj.diff(axis=1).iloc[:, 1:]
    assert ((steps >= 0) & (steps <= 1)).all().all()  # never down, at most one level a wave
    tgt = gaps.set_index("dimension")["target"]
    assert (traj.max(axis=1) <= tgt.reindex(traj.index).clip(lower=traj[0])).all()  # never past the target
    # every initiative is either scheduled or explained
    listed = set(r.unscheduled.loc[r.unscheduled["kind"] == "initiative", "item"])
    assert not (listed & set(start))


def test_prerequisites_the_client_has_outgrown_count_as_done():
    gaps = gaps_frame([("vision", "roots", 3, 3), ("sla", "roots", 2, 3)])
    cat = [ini("vision-workshop", [("vision", 1)], effort=5), ini("sla-defined", [("sla", 2)], prereq=["vision-workshop"])]
    r = plan(gaps, cat)
    assert list(r.plan["initiative"]) == ["sla-defined"] and r.plan["wave"].item() == 1
    assert r.in_place == ["vision-workshop"]


def test_an_initiative_whose_steps_others_already_lift_is_not_scheduled():
    gaps = gaps_frame([("ci", "crown", 2, 3), ("tt", "crown", 2, 4)])
    cat = [ini("forum", [("ci", 2)], effort=6), ini("notices", [("tt", 2)], effort=4),
           ini("blameless", [("ci", 2), ("tt", 2)], effort=3, prereq=["forum"]),   # chosen: covers two steps
           ini("open-reporting", [("tt", 3)], effort=3, prereq=["notices"])]       # pulls in notices
    r = plan(gaps, cat)
    assert set(r.plan["initiative"]) == {"forum", "notices", "open-reporting"}
    covered = r.unscheduled.set_index("item").loc["blameless"]
    assert covered["kind"] == "covered" and covered["reason"] == "not needed: its steps are lifted by forum, notices"
    assert r.trajectory.groupby("dimension")["level"].max().to_dict() == {"ci": 3, "tt": 4}
