"""'What we decided': a workshop's decisions and what the plan now leads to, on one printed page and as slides
appended to the client's deck. The page is printed by the report's printer (workbench/reports/pdf.py) with
the report's stylesheet; the slides are made with the deck's own helpers (workbench/reports/deck.py). The
content (a Decided) is gathered by workbench/workshop/decided.py from the decision log and the live session.
"""
from __future__ import annotations

import datetime as dt
import html
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pptx import Presentation
from pptx.exc import PackageNotFoundError
from pptx.util import Inches

from assessment.problems import InputError, Problem
from workbench import atomic
from workbench.reports import deck, pdf
from workbench.reports.report import css_string, report_css

TITLE = "What we decided"
ROWS_ON_PAGE = 16  # decisions that fit the page beside the plan's consequences; the rest are counted


@dataclass(frozen=True)
class Decision:
    when: str       # "14:05", or "not saved yet"
    what: str
    before: str
    after: str
    who: str
    note: str = ""


@dataclass(frozen=True)
class Decided:
    client: str
    day: dt.date
    decisions: list[Decision]
    consequences: list[str]            # what the plan now leads to, one sentence each
    open_points: list[str] = field(default_factory=list)  # warnings the room left open
    source: str = ""                   # where the decisions were read from, for the footnote

    @property
    def people(self) -> list[str]:
        return sorted({d.who for d in self.decisions if d.who})


def decided_html(d: Decided) -> str:
    """One self-contained page (the report's styles, landscape A4)."""
    e = html.escape
    shown = d.decisions[:ROWS_ON_PAGE]
    rows = "".join(f"<tr><td>{e(x.when)}</td><td>{e(x.what)}</td><td>{e(x.before)}</td><td><b>{e(x.after)}</b></td>"
                   f"<td>{e(x.who)}</td><td>{e(x.note)}</td></tr>" for x in shown)
    if len(d.decisions) > len(shown):
        rows += (f'<tr><td colspan="6">and {len(d.decisions) - len(shown)} more decisions (see the decision '
                 "log, decisions.csv)</td></tr>")
    table = (f'<table class="decided"><thead><tr><th>When</th><th>What</th><th>From</th><th>To</th>'
             f"<th>Decided by</th><th>Note</th></tr></thead><tbody>{rows}</tbody></table>"
             if d.decisions else "<p>No decisions were recorded.</p>")
    people = f" Decided by {', '.join(e(p) for p in d.people)}." if d.people else ""
    items = "".join(f"<li>{e(c)}</li>" for c in d.consequences)
    open_ = ("<h2>Still open</h2><ul>" + "".join(f"<li>{e(w)}</li>" for w in d.open_points[:4]) + "</ul>"
             if d.open_points else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(d.client)}: {TITLE}</title>
<style>{report_css()}</style>
<style>
@page {{ size: A4 landscape; margin: 12mm 14mm 14mm 14mm; @bottom-left {{ content: {css_string(d.client)}; }}
        @bottom-right {{ content: none; }} }}
body {{ max-width: none; padding: 0; }}
h1 {{ margin-bottom: 0.1em; }}
.decided-sub {{ color: #444; margin: 0 0 0.6em 0; }}
table.decided {{ width: 100%; border-collapse: collapse; font-size: 9.5pt; }}
table.decided th {{ background: #1F4E79; color: white; text-align: left; padding: 3px 6px; }}
table.decided td {{ border-bottom: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }}
.decided-foot {{ color: #666; font-size: 8pt; margin-top: 0.8em; }}
ul {{ margin: 0.3em 0; }}
</style></head>
<body>
<h1>{TITLE}: {e(d.client)}</h1>
<p class="decided-sub">Workshop of {d.day.day} {d.day:%B %Y}.{people}</p>
{table}
<h2>What the plan now leads to</h2>
<ul>{items}</ul>
{open_}
<p class="decided-foot">{e(d.source)}</p>
</body></html>"""


def write_decided_pdf(d: Decided, target: Path) -> Path:
    """The one-page PDF, written atomically (a failed print leaves an earlier one as it was)."""
    pdf.write_pdf(decided_html(d), Path(target))
    return Path(target)


def add_slides(prs, d: Decided) -> None:
    """Two slides: the decisions, then what the plan now leads to and what is still open."""
    slide = deck._slide(prs, f"{TITLE} ({d.day.day} {d.day:%B %Y})")
    if d.decisions:
        deck._table(slide, ["What", "From", "To", "Decided by"],
                    [[x.what, x.before, x.after + (" (not saved yet)" if x.when == "not saved yet" else ""), x.who]
                     for x in d.decisions], [4.6, 2.4, 2.9, 2.2], size=14)
    else:
        deck._bullets(slide, ["No decisions were recorded."])
    items = list(d.consequences) + [f"Still open: {w}" for w in d.open_points[:2]]
    deck._bullets(deck._slide(prs, "What the plan now leads to"), items, size=18, height=Inches(5.4))


def read_deck(path: Path):
    """The client's deck, or an InputError naming the file when it is not one."""
    try:
        return Presentation(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError([Problem(str(path), f"cannot be opened as a PowerPoint deck ({type(exc).__name__}: "
                                             f"{exc}); expected the deck.pptx that `workbench run` writes")]) from None


def append_to_deck(d: Decided, path: Path, prs=None) -> Path:
    """Add the slides at the end of the client's deck (`prs`, the deck already read, or read here). Slides
    added by an earlier export are replaced, so exporting again never stacks copies. Written atomically: a
    failure leaves the deck as it was."""
    path = Path(path)
    prs = prs if prs is not None else read_deck(path)
    _drop(prs, (TITLE, "What the plan now leads to"))
    add_slides(prs, d)
    with atomic.atomic_path(path) as tmp:
        prs.save(str(tmp))
    return path


def _drop(prs, titles: tuple[str, ...]) -> None:
    """Remove the slides whose title starts with one of `titles` (those an earlier export added)."""
    ids = prs.slides._sldIdLst
    for sld_id, slide in list(zip(ids, prs.slides)):
        title = slide.shapes.title
        if title is not None and title.text_frame.text.startswith(titles):
            prs.part.drop_rel(sld_id.rId)
            ids.remove(sld_id)
