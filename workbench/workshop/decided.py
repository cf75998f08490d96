"""What a workshop decided, gathered from the decision log (decisions.csv) and the session's unsaved changes,
with what the plan now leads to; exported as one printed page and as slides appended to the client's deck
(workbench/reports/decided.py draws both). Used by the page's "Export what we decided" button and by
`workbench decided`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from assessment.problems import InputError, Problem
from workbench.engagement.config import DECISION_LOG
from workbench.reports import decided as drawn
from workbench.reports import readable
from workbench.workshop import consequences, scenarios
from workbench.workshop.session import Workshop, describe, read_log

NOT_SAVED = "not saved yet"


def decided_file(folder: Path, day: dt.date) -> Path:
    """Where the page and the command put the PDF by default: what-we-decided-<day>.pdf in the engagement."""
    return Path(folder) / f"what-we-decided-{day.isoformat()}.pdf"


def logged(folder: Path) -> list[tuple[dt.datetime, dict]]:
    """The decision log's entries with their times; an entry whose time cannot be read is named (row, column)."""
    path = Path(folder) / DECISION_LOG
    out, problems = [], []
    for i, row in enumerate(read_log(folder), start=2):  # row 1 is the header
        try:
            out.append((dt.datetime.fromisoformat((row.get("time") or "").strip()), row))
        except ValueError:
            problems.append(Problem(str(path), f"found {row.get('time')!r}; expected a date and time such as "
                                               "2026-11-23T14:05:00+00:00", row=i, column="time"))
    if problems:
        raise InputError(problems)
    return out


def what_we_decided(ws: Workshop, since: dt.date | None = None) -> drawn.Decided:
    """The decisions logged on or after `since` (default: the day of the latest entry, the workshop's day),
    then the changes not saved yet, and what the plan with all of them leads to."""
    entries = logged(ws.folder)
    if since is None:
        since = max((t.date() for t, _ in entries), default=dt.date.today())
    rows = [drawn.Decision(f"{t:%H:%M}" if t.date() == since else f"{t:%d %b %H:%M}",
                           *describe(ws.engagement, r.get("item") or "", r.get("from"), r.get("to")),
                           who=r.get("who") or "", note=r.get("note") or "")
            for t, r in entries if t.date() >= since]
    rows += [drawn.Decision(NOT_SAVED, what, a, b, who="") for what, a, b in ws.pending()]
    p = ws.planning()
    o = scenarios.outcome(p)
    s = p.roadmap.settings
    said = "dimensions"
    lines = []
    if o.end:
        lines.append(f"The plan ends on {o.end.day} {o.end:%B %Y}: {s.waves} waves of {s.wave_weeks} weeks from "
                     f"{s.start.day} {s.start:%B %Y}, {s.capacity:g} person-weeks each.")
    else:
        lines.append("Nothing is planned: no initiative is needed or none fits the capacity.")
    lines.append(f"{len(o.reaching)} of {o.scored} {said} reach their targets by the last wave"
                 + (f"; still below: {readable.listed(list(o.short))}." if o.short else "."))
    if o.first_wave:
        lines.append(f"First wave: {'; '.join(o.first_wave)}.")
    if o.left_out:
        lines.append(f"Left out of the plan: {o.left_out} initiatives or steps (the report says why).")
    pending = sum(1 for r in rows if r.when == NOT_SAVED)
    now, n = dt.datetime.now(), len(rows) - pending
    source = (f"From {DECISION_LOG} ({n} entr{'y' if n == 1 else 'ies'} from {since.day} {since:%B %Y} on)"
              + (f" and {pending} change{'s' * (pending != 1)} not saved yet" if pending else "")
              + f", as at {now.day} {now:%B %Y %H:%M}.")
    return drawn.Decided(client=ws.engagement.config.name, day=since, decisions=rows, consequences=lines,
                         open_points=consequences.warnings(p), source=source)


def export(ws: Workshop, pdf_path: Path | None = None, deck_path: Path | None = None,
           since: dt.date | None = None) -> list[Path]:
    """The one-page PDF (default: decided_file) and, when `deck_path` names an existing deck, the slides
    appended to it. Returns what was written."""
    d = what_we_decided(ws, since)
    deck = drawn.read_deck(deck_path) if deck_path is not None and Path(deck_path).exists() else None
    written = [drawn.write_decided_pdf(d, pdf_path or decided_file(ws.folder, d.day))]  # a bad deck: nothing written
    if deck is not None:
        written.append(drawn.append_to_deck(d, Path(deck_path), deck))
    return written
