"""What the room's decisions lead to, in the words of the report (workbench/reports/readable.py): the warnings,
every dimension's gap, the scorecard with what moves each KPI, and what the plan leaves out and why. Pure
functions of a Planning; the panel (panel.py) draws them."""
from __future__ import annotations

import pandas as pd

from roadmaps.gaps import PriorityWeights
from workbench.planning import Planning
from workbench.reports import readable

NO_RANKING = ("No ranking: every priority weight is 0, so nothing says which gap comes first. The open gaps are "
              "listed by size; give a weight to rank them.")
BETTER = {"up": "higher", "down": "lower"}


def ranking_off(weights: PriorityWeights) -> bool:
    """True when every priority weight is 0: the gaps have no order but their size."""
    return not any(weights.model_dump().values())


def warnings(p: Planning) -> list[str]:
    """What the room should know before it decides: the planning's warnings (targets below today, KPIs
    without baseline or moved by nothing, ...) one line each, then whether the capacity lets any target be
    reached within the horizon."""
    return readable.warning_lines(p.warnings) + capacity_warning(p)


def capacity_warning(p: Planning) -> list[str]:
    """A line when no dimension below its target reaches it by the last wave (the capacity or the number of
    waves is too small for any of them)."""
    open_gaps = set(p.gaps.loc[p.gaps["status"] == "gap", "dimension"])
    traj = p.roadmap.trajectory
    if not open_gaps or p.engagement.catalogue is None or traj.empty:
        return []
    last = traj[traj["wave"] == traj["wave"].max()]
    reached = set(last.loc[last["level"] >= last["target"], "dimension"])
    if open_gaps & reached:
        return []
    s = p.roadmap.settings
    return [f"At {s.capacity:g} person-weeks a wave, none of the {len(open_gaps)} dimensions below target reaches it "
            f"within the {s.waves} waves: raise the capacity, add waves or lower the targets."]


def gap_rows(p: Planning) -> pd.DataFrame:
    """Every dimension of the model: the open gaps first (ranked, or by size when the ranking is off), then
    those at or above their target and those without a score. Columns rank, name, current, target, gap, why."""
    g = p.gaps
    open_ = g[g["status"] == "gap"]
    if ranking_off(p.weights):
        ranked = open_.sort_values("gap", ascending=False).assign(rank="-", why="not ranked (every weight is 0)")
    else:
        shown = readable.gap_table(g)
        ranked = shown.assign(rank=shown["rank"].astype(int).astype(str))
        missing = open_[~open_["dimension"].isin(shown["dimension"])]  # a gap with no priority at all
        ranked = pd.concat([ranked, missing.assign(rank="-", why="no priority")])
    at = g[g["status"] == "at or above target"].assign(rank="-", why="at or above its target")
    none = g[g["status"] == "no score"].assign(rank="-", why="no answers to score")
    cols = ["rank", "name", "current", "target", "gap", "why"]
    return pd.concat([ranked[cols], at[cols], none[cols]], ignore_index=True)


def gaps_summary(p: Planning) -> str:
    g = p.gaps
    n_open = int((g["status"] == "gap").sum())
    n_at = int((g["status"] == "at or above target").sum())
    parts = [f"{n_open} below target", f"{n_at} at or above"]
    if (g["status"] == "no score").any():
        parts.append(f"{int((g['status'] == 'no score').sum())} without a score")
    return f"All {len(g)} dimensions: {', '.join(parts)}."


def scorecard_rows(p: Planning) -> pd.DataFrame:
    """Per scorecard KPI: baseline to target with its unit, which way is better, due date, the first wave of
    work that moves it and the initiatives that move it (or that nothing planned does)."""
    links = readable.kpi_links(p)
    sc = p.scorecard[p.scorecard["in_scorecard"].astype(bool)].reset_index(drop=True)
    links = links.reset_index(drop=True)
    return links.assign(
        better=[f"{BETTER.get(b, b)} is better" for b in sc["better_when"]],
        due=[d.isoformat() if hasattr(d, "isoformat") else ("-" if pd.isna(d) else str(d)) for d in sc["due"]],
        first_wave=[f"wave {int(w)}" if pd.notna(w) and str(w).strip() else "-" for w in links["first_wave"]])

