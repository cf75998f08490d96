"""Whether the roadmap is being delivered: each planned initiative's recorded status (status.csv) against the
plan's dates on a review day, as a steering group reads it (red, amber, green).

The rules, on the review day:
- done: green, whenever it was done;
- dropped: grey (a decision, not a delay; the note says why);
- under way: green ("on time") up to and including its planned end, amber ("late") after it;
- not started: green ("not yet due") before its planned start; red ("not started though due") from its
  planned start on;
- an initiative with no status recorded counts as not started (and says so).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from assessment.text import normalise_text

STATUSES = ("not started", "under way", "done", "dropped")
RAG = {"done": "green", "on time": "green", "not yet due": "green", "late": "amber",
       "not started though due": "red", "dropped": "grey"}
STATUS_COLUMNS = ["initiative", "status", "percent_done", "date", "note"]
LATE = ("late", "not started though due")  # what a steering group counts as behind: the amber and the red


def status_named(text: str) -> str | None:
    """'Under way', 'under-way', 'UNDER_WAY', 'in progress' -> 'under way'; None when not a status."""
    t = normalise_text(str(text).replace("-", " ").replace("_", " "))
    aliases = {"in progress": "under way", "started": "under way", "ongoing": "under way", "complete": "done",
               "completed": "done", "finished": "done", "cancelled": "dropped", "canceled": "dropped",
               "not yet started": "not started", "to do": "not started", "todo": "not started"}
    t = aliases.get(t, t)
    return t if t in STATUSES else None


def against_plan(status: str, start: dt.date, end: dt.date, day: dt.date) -> str:
    """One initiative's state on `day` by the rules above."""
    if status in ("done", "dropped"):
        return status
    if status == "under way":
        return "on time" if day <= end else "late"
    return "not yet due" if day < start else "not started though due"


def delivery(plan: pd.DataFrame, statuses: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Every initiative of the plan of record with its recorded status and its state on `day`.

    `plan`: the roadmap's plan (wave, initiative, title, start, end, owner); `statuses`: status.csv as read
    (STATUS_COLUMNS). Columns: wave, initiative, title, owner, start, end, status, percent_done, date, note,
    recorded, state, rag; in plan order."""
    recorded = statuses.set_index("initiative") if len(statuses) else pd.DataFrame(columns=STATUS_COLUMNS[1:])
    rows = []
    for r in plan.itertuples(index=False):
        start, end = _day(r.start), _day(r.end)
        has = r.initiative in recorded.index
        s = recorded.loc[r.initiative] if has else None
        status = s["status"] if has else "not started"
        state = against_plan(status, start, end, day)
        percent = s["percent_done"] if has else None
        rows.append({"wave": int(r.wave), "initiative": r.initiative, "title": r.title, "owner": r.owner,
                     "start": start, "end": end, "status": status,
                     "percent_done": 100.0 if status == "done" else percent,
                     "date": s["date"] if has else None, "note": s["note"] if has else "",
                     "recorded": has, "state": state, "rag": RAG[state]})
    return pd.DataFrame(rows, columns=["wave", "initiative", "title", "owner", "start", "end", "status",
                                       "percent_done", "date", "note", "recorded", "state", "rag"])


def _day(x) -> dt.date:
    return x if isinstance(x, dt.date) and not isinstance(x, dt.datetime) else pd.Timestamp(x).date()
