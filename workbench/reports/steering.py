"""The progress review as a steering group reads it (part 4 of the report and the deck's review slides): each
initiative against the plan with its red, amber or green, the KPIs over time with their notes, the plan from the
review day and what changed in it, and the few sentences that open the review. Names for ids, dates as people
write them.

The tables of `roadmaps/` (delivery, replan, progress) keep their ids; these functions make the reading copies.
"""
from __future__ import annotations

import re

import pandas as pd

from roadmaps.delivery import LATE
from roadmaps.replan import CHANGES
from workbench.engagement.status import STATUS_FILE
from workbench.reports.readable import NBSP, half, id_names, lifts, named

ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
STATE_ORDER = ("not started though due", "late", "dropped", "on time", "not yet due", "done")
STATUS_HINT = ("workbench status FOLDER INITIATIVE=done (or =under-way:40 for 40 % done), with --note for the "
               "steering group")


def day(x) -> str:
    """'5 Oct 2026'; '' for nothing."""
    return "" if x is None or pd.isna(x) else f"{pd.Timestamp(x):%-d %b %Y}"


def span(start, end) -> str:
    """'5 Oct – 27 Dec 2026', '5 Oct 2026 – 14 Feb 2027'."""
    if start is None or pd.isna(start):
        return ""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return (f"{a:%-d %b} – {b:%-d %b %Y}" if a.year == b.year else f"{a:%-d %b %Y} – {b:%-d %b %Y}").replace(
        " – ", f"{NBSP}– ")


def said(text: str, names: dict[str, str], horizon=None) -> str:
    """A planner's text as the client reads it: names for ids, '→' for '->', '14 Jun 2026' for 2026-06-14, and
    the horizon's last day where the text speaks of it."""
    text = named(str(text), names)
    if horizon is not None:
        text = text.replace("within the horizon", f"within the horizon (to {horizon})")
    return ISO_DAY.sub(lambda m: day(f"{m[1]}-{m[2]}-{m[3]}"), text)


def _status(r) -> str:
    pct = r.percent_done
    if r.status == "under way" and pct is not None and not pd.isna(pct):
        return f"under way, {pct:g}{NBSP}% done"
    return r.status + ("" if r.recorded else " (nothing recorded)")


def _state(r) -> str:
    """The state on the review day, with what was recorded where it adds to it: 'late: 70 % done',
    'not started though due (nothing recorded)'."""
    pct = r.percent_done
    if r.status == "under way" and pct is not None and not pd.isna(pct):
        return f"{r.state}: {pct:g}{NBSP}% done"
    if not r.recorded and r.state == "not started though due":
        return f"{r.state} (nothing recorded)"
    return r.state


def delivery_table(review) -> pd.DataFrame:
    """Every initiative of the plan of record: its wave, title, owner, planned dates ('when': the wave and its
    dates), status as recorded (with the per cent done), its state on the review day (alone, and 'said' with the
    per cent done) and its colour (rag), and the note; in plan order."""
    d = review.delivery
    return pd.DataFrame({
        "wave": d["wave"].astype(int), "title": d["title"], "owner": d["owner"],
        "planned": [span(a, b) for a, b in zip(d["start"], d["end"])],
        "when": [f"wave {int(w)}: {span(a, b)}" for w, a, b in zip(d["wave"], d["start"], d["end"])],
        "status": [_status(r) for r in d.itertuples(index=False)],
        "state": d["state"], "said": [_state(r) for r in d.itertuples(index=False)], "rag": d["rag"],
        "note": d["note"].fillna("")},
        columns=["wave", "title", "owner", "planned", "when", "status", "state", "said", "rag", "note"])


def delivery_counts(review) -> dict[str, int]:
    """How many initiatives are in each state on the review day (every state, 0 when none)."""
    counts = review.delivery["state"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STATE_ORDER}


def delivery_sentence(review) -> str:
    """'Of the 21 initiatives of the plan of record: 9 done, 2 under way on time, 3 late, 2 not started though
    due, 4 not yet due and 1 dropped.'"""
    c = delivery_counts(review)
    parts = [f"{c['done']} done", f"{c['on time']} under way on time", f"{c['late']} late",
             f"{c['not started though due']} not started though due", f"{c['not yet due']} not yet due",
             f"{c['dropped']} dropped"]
    parts = [p for p in parts if not p.startswith("0 ")]
    body = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else (parts[0] if parts else "none")
    return f"Of the {len(review.delivery)} initiatives of the plan of record: {body}."


def status_missing(review) -> str:
    """One sentence when the engagement keeps no status.csv: why everything shows as not started, and how the
    consultant records the status; '' when it has one."""
    if review.status_recorded:
        return ""
    return (f"No delivery status has been recorded yet (the engagement folder has no {STATUS_FILE}), so every "
            "initiative counts as not started and is judged by its dates alone. The consultant records what is "
            f"delivered with: {STATUS_HINT}.")


# ------------------------------------------------------------------------------------------ KPIs over time

def kpi_series(review) -> pd.DataFrame:
    """Every measurement of a scorecard KPI, in the chart's order (scorecard, then date), each note numbered:
    kpi, name, date, value, unit, note, mark (the note's number, or None)."""
    m = review.measurements
    order = {k: i for i, k in enumerate(review.kpis["kpi"])}
    units = dict(zip(review.kpis["kpi"], review.kpis["unit"]))
    names = dict(zip(review.kpis["kpi"], review.kpis["name"]))
    m = m[m["kpi"].isin(order)].copy()
    m = m.sort_values(["kpi", "date"], key=lambda c: c.map(order) if c.name == "kpi" else c, kind="stable")
    notes = m["note"].fillna("").astype(str).str.strip()
    marks, n = [], 0
    for text in notes:
        n += bool(text)
        marks.append(n if text else None)
    m["note"], m["mark"] = notes, marks
    m["name"], m["unit"] = m["kpi"].map(names), m["kpi"].map(units)
    return m.reset_index(drop=True)[["kpi", "name", "date", "value", "unit", "note", "mark"]]


def kpi_notes(review) -> pd.DataFrame:
    """The measurements that carry a note, numbered as on the chart: mark, name, date, value, note."""
    s = kpi_series(review)
    s = s[s["mark"].notna()]
    return pd.DataFrame({"mark": s["mark"].astype(int), "name": s["name"], "date": [day(x) for x in s["date"]],
                         "value": [_figure(v, u) for v, u in zip(s["value"], s["unit"])], "note": s["note"]},
                        columns=["mark", "name", "date", "value", "note"])


def _figure(value, unit) -> str:
    if value is None or pd.isna(value):
        return ""
    unit = str(unit or "").strip()
    return f"{value:g}%" if unit == "%" else f"{value:g}{NBSP}{unit}".strip() if len(unit) <= 8 else f"{value:g}"


def kpi_table(review) -> pd.DataFrame:
    """Per scorecard KPI: baseline, the latest value and when, the target due next on the way (the plan of
    record's interim target at the first wave end on or after the review day), the target and its due date, and
    where it stands (on track, behind, overdue, target met)."""
    k, way = review.kpis, review.interim
    rows = []
    for r in k.itertuples(index=False):
        mine = way[(way["kpi"] == r.kpi) & (pd.to_datetime(way["wave_end"]) >= pd.Timestamp(review.as_of))]
        nxt = mine.sort_values("wave_end").head(1)
        rows.append({"name": r.name, "baseline": _figure(r.baseline, r.unit),
                     "latest": (f"{_figure(r.latest, r.unit)} ({day(r.measured)})" if r.latest is not None
                                and not pd.isna(r.latest) else "not measured"),
                     "next": (f"{_figure(nxt['interim_target'].iloc[0], r.unit)} by {day(nxt['wave_end'].iloc[0])}"
                              if len(nxt) else ""),
                     "target": f"{_figure(r.target, r.unit)} by {day(r.due)}" if r.due is not None and not pd.isna(
                         r.due) else _figure(r.target, r.unit),
                     "status": r.status})
    return pd.DataFrame(rows, columns=["name", "baseline", "latest", "next", "target", "status"])


def kpi_sentence(review) -> str:
    """'2 of 6 KPIs have met their target, 1 is on track, 3 are behind or overdue.'"""
    k = review.kpis
    if k.empty:
        return "The scorecard has no KPIs."
    c = k["status"].value_counts()
    met, on, behind = int(c.get("target met", 0)), int(c.get("on track", 0)), int(c.get("behind", 0) + c.get("overdue", 0))
    none = int(c.get("no measurement", 0))
    parts = [f"{met} met {'its' if met == 1 else 'their'} target" if met else "",
             f"{on} {'is' if on == 1 else 'are'} on track" if on else "",
             f"{behind} {'is' if behind == 1 else 'are'} behind or overdue" if behind else "",
             f"{none} {'has' if none == 1 else 'have'} no measurement yet" if none else ""]
    parts = [p for p in parts if p]
    return f"Of the {len(k)} KPIs of the scorecard, " + (", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1
                                                         else parts[0]) + "."


# ------------------------------------------------------------------------------------------ dimensions over time

def dimension_trend(review) -> tuple[pd.DataFrame, list, dict, set]:
    """What charts.dimension_trend_chart draws: the history (name x round), the rounds' dates, the target per
    name and the names behind the plan of record."""
    targets = dict(zip(review.latest.targets["name"], review.latest.targets["target"])) \
        if "name" in review.latest.targets else {}
    return (review.history, [r.date for r in review.rounds], targets, set(review.behind["name"]))


def dimension_table(review) -> pd.DataFrame:
    """Per dimension: its mean at every round (columns named by round) and the change since the first round."""
    h = review.history
    out = h.copy()
    out.insert(0, "name", h.index)
    out["change"] = h.iloc[:, -1] - h.iloc[:, 0]
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------------------ the plan from today

KIND_SAID = {"carried on": "carried on", "re-planned": "re-planned", "added": "added", "done": "done"}


def replan_table(review) -> pd.DataFrame:
    """The work planned from the review day, wave by wave: wave, title, what it lifts (by name), effort left in
    person-weeks, dates, and what it is (carried on with its per cent done, re-planned, added)."""
    rp = review.replan
    p = rp.plan[rp.plan["kind"] != "done"]
    dims = {d.id: d.name for d in review.engagement.model.dimensions}
    kind = [f"carried on ({pct:g}{NBSP}% done)" if k == "carried on" and pct is not None and not pd.isna(pct)
            else KIND_SAID.get(k, k) for k, pct in zip(p["kind"], p["percent_done"])]
    return pd.DataFrame({"wave": p["wave"].astype(int), "title": p["title"],
                         "lifts": [lifts(x, dims) or "a prerequisite" for x in p["dimensions"]],
                         "effort": [half(x) for x in p["effort"]],
                         "dates": [span(a, b) for a, b in zip(p["start"], p["end"])], "kind": kind},
                        columns=["wave", "title", "lifts", "effort", "dates", "kind"]).reset_index(drop=True)


def replan_wave_titles(review) -> dict[int, str]:
    """Wave number -> 'Wave 5: 4 Jan – 4 Apr 2027 (24 of 30 person-weeks)'."""
    w = review.replan.waves
    return {int(r.wave): f"Wave {int(r.wave)}: {span(r.start, r.end)} ({half(r.effort):g} of {r.capacity:g} "
                         "person-weeks)" for r in w.itertuples(index=False)}


def not_fitting_table(review) -> pd.DataFrame:
    """What the rest of the horizon cannot hold, by name, and why."""
    names = id_names(review.latest)
    dims = {d.id: d.name for d in review.engagement.model.dimensions}
    u = review.replan.not_fitting
    return pd.DataFrame({"item": [lifts(r.item, dims) if r.kind == "gap" else names.get(r.item, r.item)
                                  for r in u.itertuples(index=False)],
                         "reason": [said(r, names, review.replan.horizon) for r in u["reason"]]},
                        columns=["item", "reason"])


def _when(wave, start, end) -> str:
    if wave is None or pd.isna(wave):
        return ""
    return f"wave {int(wave)}: {span(start, end)}"


def changes_table(review, keep_unchanged: bool = True, keep_done: bool = True) -> pd.DataFrame:
    """What changed against the plan of record, initiative by initiative, in the order a steering group reads it:
    title, change, when it was planned, when it is planned now, and why (names, readable dates)."""
    c = review.replan.changes
    if not keep_unchanged:
        c = c[c["change"] != "unchanged"]
    if not keep_done:
        c = c[c["change"] != "done"]
    names = id_names(review.latest)
    return pd.DataFrame({
        "title": c["title"], "change": c["change"],
        "was": [_when(w, a, b) for w, a, b in zip(c["was_wave"], c["was_start"], c["was_end"])],
        "now": ["" if ch in ("done", "dropped") else _when(w, a, b)
                for ch, w, a, b in zip(c["change"], c["wave"], c["start"], c["end"])],
        "reason": [said(r, names, review.replan.horizon) for r in c["reason"]]},
        columns=["title", "change", "was", "now", "reason"]).reset_index(drop=True)


def changes_sentence(review) -> str:
    """'Against the plan of record: 10 initiatives move later, 1 does not fit, 1 was dropped, 2 are added ...'."""
    c = review.replan.changes["change"].value_counts()
    words = {"moved later": ("moves later", "move later"), "does not fit": ("does not fit", "do not fit"),
             "dropped": ("was dropped", "were dropped"), "added": ("is added", "are added"),
             "removed": ("is no longer needed", "are no longer needed"),
             "moved earlier": ("moves earlier", "move earlier"), "unchanged": ("is unchanged", "are unchanged"),
             "done": ("is done", "are done")}
    parts = [f"{int(c[k])} {words[k][0] if c[k] == 1 else words[k][1]}" for k in CHANGES if c.get(k, 0)]
    if not parts:
        return "Nothing of the plan of record changes."
    return "Against the plan of record: " + (", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1
                                              else parts[0]) + "."


def unchanged_sentence(review) -> str:
    """The initiatives still where the plan of record put them, in one line ('' when none)."""
    c = review.replan.changes
    same = list(c.loc[c["change"] == "unchanged", "title"])
    if not same:
        return ""
    return f"Unchanged, where the plan of record put {'it' if len(same) == 1 else 'them'}: {'; '.join(same)}."


def replan_sentence(review) -> str:
    """Where the plan from today starts and ends, and what it holds."""
    rp = review.replan
    if rp.settings.waves == 0:
        return (f"The plan of record ended on {day(rp.horizon)}: no wave of it starts after the review day, so the "
                "work left cannot be planned within it. A new roadmap is needed.")
    left = rp.plan[rp.plan["kind"] != "done"]
    return (f"Planned again from the review day ({day(rp.day)}) on today's gaps: waves {rp.first_wave} to "
            f"{rp.first_wave + rp.settings.waves - 1}, {span(rp.settings.start, rp.horizon)}, the horizon of the plan "
            f"of record, at {rp.settings.capacity:g} person-weeks a wave. {len(left)} initiative"
            f"{'s' if len(left) != 1 else ''} "
            f"{'are' if len(left) != 1 else 'is'} planned, {half(left['effort'].sum()):g} person-weeks in all; "
            + (f"{len(rp.not_fitting)} cannot be fitted in." if len(rp.not_fitting) else "everything fits."))


def at_a_glance(review, dimensions: str = "dimensions") -> list[str]:
    """The review's opening lines: delivery, KPIs, the levels against the plan, the plan from today."""
    now = review.now
    ok = int(now["status"].isin(["on plan", "ahead"]).sum())
    late = review.late
    lines = [delivery_sentence(review)
             + (f" Behind: {'; '.join(late['title'].head(3))}" + (f"; and {len(late) - 3} more" if len(late) > 3 else "")
                + "." if len(late) else "")]
    lines.append(kpi_sentence(review))
    lines.append(f"{ok} of {len(now)} {dimensions} are where the plan of record planned them to be by "
                 f"{day(review.rounds[-1].date)}, or further.")
    lines.append(changes_sentence(review))
    return lines


def late_count(review) -> int:
    """Late or not started though due: what the portfolio counts per client."""
    return int(review.delivery["state"].isin(LATE).sum())
