"""The executive summary of a client's planning, as the report's second page and the deck's first slides
lay it out: the key messages (roadmaps/messages.py), the whole target profile, the scorecard, what each
wave delivers, and the decisions asked of the leadership team."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from assessment.findings import fmt_score
from roadmaps import messages as m
from workbench.planning import Planning
from workbench.reports import wording

BETTER = {"up": "higher", "down": "lower"}  # under the heading "Better when"


@dataclass
class Summary:
    messages: list[str]
    decisions: list[str]
    profile: list[dict]            # dimension: name, layer, today (score), level now, target
    scorecard: list[dict]          # KPI: name, baseline, target, unit, better when, owner, due
    waves: list[dict]              # waves with work in them: theme, dates, levels reached, KPIs, owners
    notes: list[str] = field(default_factory=list)
    finding: str = ""              # the kind of the strongest finding ("" when there is none)


def _words(names: list[str]) -> str:
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def _date(d) -> str:
    return f"{pd.Timestamp(d):%-d %B %Y}"


def _span(start, end) -> str:
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return f"{a:%b}–{b:%b %Y}" if a.year == b.year else f"{a:%b %Y}–{b:%b %Y}"


def kpi_names(p: Planning) -> dict[str, str]:
    """KPI id -> name: the scorecard's names first, then the catalogue's KPI library."""
    names = {k.id: k.name for k in (p.engagement.catalogue.kpis if p.engagement.catalogue else [])}
    names.update({k.id: k.name for k in p.engagement.config.vision.scorecard})
    return names


def standing(p: Planning) -> str:
    ov = p.assessment.overall
    if ov.get("level") is None or ov["mean"] != ov["mean"]:
        return "No overall score could be given: no answer that counts towards one was returned (see part 2)."
    level = p.engagement.model.level_named(int(ov["level"]))
    means = f": {level.summary[0].lower()}{level.summary[1:]}" if level.summary else "."
    return (f"Today the organisation stands at level {level.value}, {level.name} (score {fmt_score(ov['mean'], 1)} of "
            f"{p.engagement.model.levels[-1].value}, from {len(p.assessment.respondents)} respondents){means}")


def strongest(p: Planning) -> m.Finding | None:
    return m.strongest_finding(_candidates(p))


def _candidates(p: Planning) -> list[m.Finding | None]:
    a, model = p.assessment, p.engagement.model
    tier = model.dimension_tier
    dims = a.dimensions[a.dimensions["tier"] == tier] if "tier" in a.dimensions else a.dimensions
    said = wording.words(model)
    roles = {r.id: r.name for r in p.engagement.config.roles}
    return [m.leaders_vs_front_line(a.perception_gap, said.dimensions),
            m.role_group_apart(a.by_role, list(dims["area"]), roles, said.dimensions),
            m.weakest_dimension(dims, said.dimension), m.roots_lowest(dims),
            m.customer_roots(p.engagement.customer_drivers, p.engagement.config.customers.acceptable)]


def top_gaps(p: Planning) -> str:
    top = p.gaps[p.gaps["priority"] > 0].head(3)
    if not len(top):
        return (f"Every {wording.words(p.engagement.model).dimension} is at or above its target: the work is to "
                "hold the level.")
    items = _words([f"{g.name} ({fmt_score(g.current, 1)} now, target {int(g.target)})" for g in top.itertuples()])
    why = m.why_first(top)
    return f"The gaps to close first are {items}" + (f": they are {why}." if why else ".")


def roadmap_message(p: Planning) -> str:
    r = p.roadmap
    if not len(r.plan):
        return "The roadmap has no initiatives: no catalogue initiative lifts the gaps (see part 3)."
    a = m.arrival(r.trajectory, r.waves)
    effort = float(r.plan["effort"].sum())
    work = (f"{len(r.plan)} initiatives, {effort:.0f} person-weeks over {int(r.plan['wave'].max())} waves of "
            f"{r.settings.capacity:g} person-weeks")
    if a["total"] and a["reached"] == a["total"]:
        return (f"The roadmap reaches every target by the end of wave {a['wave']} ({_date(a['date'])}): {work}."
                if a["wave"] else f"Every target is reached already; the roadmap holds the level: {work}.")
    short = _words(a["short"])
    return (f"The roadmap reaches {a['reached']} of {a['total']} targets"
            + (f" by the end of wave {a['wave']} ({_date(a['date'])})" if a["wave"] else "")
            + f"; {short} stay{'s' * (len(a['short']) == 1)} short within {r.settings.waves} waves: {work}.")


def decisions(p: Planning) -> list[str]:
    """What the leadership team is asked to decide, each as an imperative sentence."""
    r = p.roadmap
    first = r.plan[r.plan["wave"] == r.plan["wave"].min()] if len(r.plan) else r.plan
    asks = [f"Approve the target for each {wording.words(p.engagement.model).dimension} and a capacity of "
            f"{r.settings.capacity:g} person-weeks per wave."]
    if len(first):
        asks.append(f"Name an owner for each of the {len(first)} initiatives of wave {int(first['wave'].iloc[0])}, "
                    f"which starts on {_date(first['start'].min())}.")
    n = len(p.engagement.config.vision.scorecard)
    if n:
        asks.append(f"Adopt the scorecard of {n} KPIs, with who reports each and when.")
    return asks


def wave_rows(p: Planning) -> list[dict]:
    """What each wave with work delivers: its theme (what it lifts most), levels reached at its end, the KPIs
    its initiatives move, their owners. A wave without initiatives is left out."""
    r, names = p.roadmap, kpi_names(p)
    tracked = {k.id for k in p.engagement.config.vision.scorecard}
    traj = r.trajectory
    out = []
    for w in r.waves.itertuples(index=False):
        work = r.plan[r.plan["wave"] == w.wave]
        if not len(work):
            continue
        before = traj[traj["wave"] == w.wave - 1].set_index("dimension")
        after = traj[traj["wave"] == w.wave].set_index("dimension")
        up = [(d, after.loc[d, "name"], int(before.loc[d, "level"]), int(after.loc[d, "level"]))
              for d in after.index if d in before.index and after.loc[d, "level"] > before.loc[d, "level"]]
        kpis = sorted({names[k.strip()] for ks in work["kpis"] for k in ks.split(",") if k.strip() in tracked})
        owners = sorted({o for o in work["owner"] if o})
        out.append({"wave": int(w.wave), "dates": _span(w.start, w.end),
                    "theme": _words([n for _, n, _, _ in up[:2]]) or "foundations for later waves",
                    "reached": [f"{n} {b}" for _, n, a, b in up],
                    "initiatives": list(work["title"]), "kpis": kpis, "owners": owners})
    return out


def on_the_way(interim: pd.DataFrame, kpi: str, baseline=None, target=None) -> str:
    """The KPI's interim targets at the end of each wave that moves it, before its final target: 'wave 1: 74;
    wave 2: 77' (interpolated from baseline to target along those waves), to the decimals its baseline and
    target are given in (at most one more than they have)."""
    rows = interim[interim["kpi"] == kpi] if len(interim) else interim
    places = max((_decimals(v) for v in (baseline, target) if v is not None and v == v), default=1)
    steps = [f"wave {int(r.wave)}: {round(r.interim_target, places):g}" for r in rows.itertuples()][:-1]
    return "; ".join(steps)


def _day(value) -> str:
    """A due date as people write it: '31 Dec 2027' ('' when there is none)."""
    if value is None or (not isinstance(value, (str, dt.date)) and pd.isna(value)):
        return ""
    return f"{pd.Timestamp(value):%-d %b %Y}"


def _decimals(value: float) -> int:
    """The decimals a figure is written with (7.5 -> 1, 80 -> 0), at most 2."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return len(text.partition(".")[2])


def executive_summary(p: Planning, report_date: dt.date) -> Summary:
    found = m.ranked_findings(_candidates(p))
    finding = found[0] if found else None
    # what customers say is told when it is among the two strongest findings, even if not the first
    told = found[:1] + [f for f in found[1:2] if f.kind == "customer_roots"]
    messages = [standing(p)] + [f.sentence for f in told] + [top_gaps(p), roadmap_message(p)]
    model = p.engagement.model
    dims = p.dimensions
    profile = [{"name": d.name, "layer": d.layer or "", "today": None if pd.isna(d.current) else fmt_score(d.current, 1),
                "level": d.current_name if isinstance(d.current_name, str) else "no score",
                "target": f"{int(d.target)} {model.level_named(int(d.target)).name}"}
               for d in dims.itertuples()]
    known = lambda x: None if x is None or pd.isna(x) else x  # noqa: E731 - a baseline not measured yet reads "-"
    scorecard = [{"name": k.name, "baseline": known(k.baseline), "target": known(k.target), "unit": k.unit or "",
                  "better": BETTER.get(k.better_when, ""), "owner": k.owner or "", "due": _day(k.due),
                  "on_the_way": on_the_way(p.interim, k.kpi, k.baseline, k.target)}
                 for k in p.scorecard[p.scorecard["in_scorecard"]].itertuples()]
    start = p.roadmap.settings.start
    notes = [n for n in [m.start_note(start, report_date, p.engagement.config.roadmap.start is not None)] if n]
    return Summary(messages, decisions(p), profile, scorecard, wave_rows(p), notes, finding.kind if finding else "")
