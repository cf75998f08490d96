"""Gaps, roadmap, trajectory, scorecard and interim KPI targets as text for the terminal (what `workbench roadmap`
prints)."""
from __future__ import annotations

import math

from workbench.planning import Planning
from workbench.reports.profile_output import text_table


def _n(x, fmt="{:.2f}") -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt.format(x)


def as_text(p: Planning) -> str:
    cfg, s, w = p.engagement.config, p.roadmap.settings, p.weights
    out = [f"{cfg.name}  [{cfg.id}]: gaps and roadmap",
           f"Roadmap: {s.waves} waves of {s.wave_weeks} weeks from {s.start:%Y-%m-%d}, capacity {s.capacity:g} "
           "person-weeks per wave",
           f"Priority = {w.gap:g} x gap + {w.importance:g} x importance + {w.foundation:g} x foundation + "
           f"{w.disagreement:g} x disagreement + {w.customers:g} x customers (each component 0-1)", "", "RANKED GAPS"]
    rows = [{"#": r.rank, "Dimension": r.name, "Layer": r.layer or "", "Now": _n(r.current),
             "Target": f"{r.target} {r.target_name}", "Gap": _n(r.gap, "{:+.2f}"), "Priority": _n(r.priority, "{:.3f}"),
             "gap/imp/found/dis/cust": "/".join(_n(x, "{:.2f}") for x in (r.w_gap, r.w_importance, r.w_foundation,
                                                                           r.w_disagreement, r.w_customers))
             if r.priority else "",
             "Why": r.why} for r in p.gaps.itertuples(index=False)]
    out.append(text_table(rows, right={"#", "Now", "Gap", "Priority"}))
    out += ["", "ROADMAP"]
    plan = p.roadmap.plan
    if plan.empty:
        out.append("  (nothing scheduled)")
    for wv in p.roadmap.waves.itertuples(index=False):
        out.append(f"Wave {wv.wave} ({wv.start:%Y-%m-%d} to {wv.end:%Y-%m-%d}): {wv.effort:g} of {wv.capacity:g} "
                   "person-weeks")
        for r in plan[plan["wave"] == wv.wave].itertuples(index=False):
            tag = "[quick win] " if r.quick_win else ""
            spans = f", finishes in wave {r.completes_in_wave}" if r.completes_in_wave != r.wave else ""
            out.append(f"  {tag}{r.title} ({r.initiative})")
            out.append(f"      {r.dimensions or r.why}; {r.effort:g} pw over {r.duration_weeks:g} weeks{spans}; "
                       f"{r.owner}; KPIs: {p.named_kpis(r.kpis) or '-'}")
    traj = p.roadmap.trajectory
    if len(traj):
        out += ["", "PROJECTED MATURITY (level at the end of each wave)"]
        wide = traj.pivot_table(index="name", columns="wave", values="level", sort=False)
        tgt = traj.drop_duplicates("name").set_index("name")["target"]
        rows = [{"Dimension": name, **{("Today" if wv == 0 else f"W{wv}"): int(v) for wv, v in row.items()},
                 "Target": int(tgt[name])} for name, row in wide.iterrows()]
        out.append(text_table(rows, right=set(rows[0]) - {"Dimension"}))
    if len(p.roadmap.unscheduled):
        out += ["", "NOT SCHEDULED"]
        out += [f"  {r.item}: {r.reason}" for r in p.roadmap.unscheduled.itertuples(index=False)]
    out += ["", "SCORECARD (how we will know we have arrived)"]
    if p.scorecard.empty:
        out.append("  (no KPIs yet: add 6-8 under vision: scorecard: in client.yaml)")
    for k in p.scorecard.itertuples(index=False):
        unit = f" {k.unit}" if k.unit else ""
        base, target = (f"{_n(x, '{:g}')}{unit}" if _n(x) else f"no {what}"
                        for x, what in ((k.baseline, "baseline"), (k.target, "target")))
        goal = f"{base} -> {target}" if k.in_scorecard else "suggested: moved by the roadmap but not in the scorecard"
        due = f" by {k.due:%Y-%m-%d}" if k.in_scorecard and k.due else ""
        out.append(f"  {k.name}: {goal}{due}" + (f" ({k.owner})" if k.owner else "")
                   + (f"; moved by {k.moved_by}" if k.moved_by else ""))
    out += interim_text(p)
    if p.warnings:
        out.append("")
        out += [f"Warning: {x}" for x in p.warnings]
    return "\n".join(out)


def interim_text(p: Planning) -> list[str]:
    """Each scorecard KPI's interim targets at the end of the waves that move it (a straight line from baseline to
    target over those waves), and why a KPI has none."""
    sc = p.scorecard[p.scorecard["in_scorecard"]] if len(p.scorecard) else p.scorecard
    if not len(sc):
        return []
    out = ["", "INTERIM KPI TARGETS (what each KPI should show at the end of the waves whose initiatives move it)"]
    interim = p.interim
    if len(interim):
        waves = sorted(interim["wave"].unique())
        rows = []
        for kpi, part in interim.groupby("kpi", sort=False):
            first = part.iloc[0]
            at = dict(zip(part["wave"], part["interim_target"]))
            rows.append({"KPI": first["name"] + (f" ({first['unit']})" if first["unit"] else ""),
                         "Baseline": _n(first["baseline"], "{:g}"),
                         **{f"W{w}": _n(round(at[w], 1), "{:g}") if w in at else "" for w in waves},
                         "Target": _n(first["target"], "{:g}")})
        out.append(text_table(rows, right=set(rows[0]) - {"KPI"}))
    out += [f"  {k.name}: {k.interim}" for k in sc.itertuples(index=False) if k.kpi not in set(interim["kpi"])]
    return out


def targets_text(targets) -> str:
    rows = [{"Dimension": t.name, "Target": f"{t.target} {t.target_name}", "From": t.source,
             "Rationale": t.rationale} for t in targets.itertuples(index=False)]
    return text_table(rows, right=set())
