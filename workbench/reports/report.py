"""The per-client report: the executed notebooks without code, behind a cover and an executive summary,
followed by a method appendix; self-contained HTML (styles and images embedded) and a PDF of it.

The exporter and the template are built once per process and reused for every client.
"""
from __future__ import annotations

import datetime as dt
import functools
import html
import re
from importlib import resources
from pathlib import Path

import nbformat
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from assessment.scoring import respondent_counts
from workbench.planning import Planning
from workbench.reports import pdf, wording
from workbench.reports.deck import write_deck
from workbench.reports.glossary import glossary
from workbench.reports.summary import Summary, executive_summary
from workbench.version import version

TEMPLATES = resources.files("workbench.reports") / "templates"
SVG_IMG = '<img src="data:image/svg+xml;base64,'


@functools.lru_cache(maxsize=1)
def _exporter():
    # nbconvert and weasyprint load in a second or more: only when a report is made, not for every command
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """HTMLExporter without its last step: re-parsing the whole output with BeautifulSoup to add alt
        text and tab stops (a third of its time). Our charts carry their own alt text (notebook_body), and
        the basic template has no cells to tab to."""

        def from_notebook_node(self, nb, resources=None, **kw):
            lexer = nb.metadata.get("language_info", {}).get("pygments_lexer")
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                          exclude_output_prompt=True, exclude_anchor_links=True)


@functools.lru_cache(maxsize=1)
def _template():
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string((TEMPLATES / "report.html.j2").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def report_css() -> str:
    """The reports' stylesheet (client report and portfolio report share it), read once per process."""
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def warm_up() -> None:
    """Build the exporter and templates before the first client (a batch worker calls this once)."""
    _exporter()
    _template()
    report_css()


def _as_text(cell):
    """A code cell that shows only Markdown (wording.show: text in the model's words) as the text cell it stands
    for, so it prints as static text does: its headings in the contents, kept with what follows."""
    outs = cell.get("outputs", []) if cell.cell_type == "code" else []
    if outs and all(o.get("output_type") == "display_data" and "text/markdown" in o.get("data", {})
                    and set(o["data"]) <= {"text/markdown", "text/plain"} for o in outs):
        return nbformat.v4.new_markdown_cell("\n\n".join(o["data"]["text/markdown"] for o in outs))
    return cell


def notebook_body(path: Path) -> str:
    """The HTML of an executed notebook's outputs and markdown, without code or prompts."""
    nb = nbformat.read(str(path), as_version=4)
    # a code cell that shows nothing would sit between a heading and its figure and let a page break there
    nb.cells = [_as_text(c) for c in nb.cells if c.cell_type != "code" or c.get("outputs")]
    for i, cell in enumerate(nb.cells):
        cell.id = f"{path.stem[:2]}-{i}"  # papermill's injected cell gets a random id: same inputs, same report
    body, _ = _exporter().from_notebook_node(nb)
    # nbconvert's basic template writes an SVG output as <img> without its alt text; add ours (the chart's
    # title, set by views.show_chart), in output order.
    alts = [o.get("metadata", {}).get("image/svg+xml", {}).get("alt", "Chart") for c in nb.cells
            for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
    pieces = body.split(SVG_IMG)
    if len(pieces) == len(alts) + 1:
        body = pieces[0] + "".join(f'<img alt="{html.escape(a)}" src="data:image/svg+xml;base64,' + p
                                   for a, p in zip(alts, pieces[1:]))
    return body


def progress_summary(review, dimensions: str = "dimensions") -> str:
    """One sentence for the executive summary of a client re-assessed: how the latest round compares (the
    model's `dimensions` counted)."""
    if review is None:
        return ""
    last = review.now
    ok = int(last["status"].isin(["on plan", "ahead"]).sum())
    kpis = review.kpis
    behind = int(kpis["status"].isin(["behind", "overdue"]).sum()) if len(kpis) else 0
    text = (f"Re-assessed in round {review.rounds[-1].name} ({review.rounds[-1].date:%d %B %Y}), the "
            f"{len(review.rounds)}{'nd' if len(review.rounds) == 2 else 'rd' if len(review.rounds) == 3 else 'th'} "
            f"round since {review.rounds[0].name}: {ok} of {len(last)} {dimensions} are where the roadmap planned "
            f"them to be or further.")
    if len(kpis):
        text += f" {behind} of {len(kpis)} KPIs are behind or overdue."
    late = review.late
    if len(late):
        red = int((late["state"] == "not started though due").sum())
        text += (f" {len(late)} of {len(review.delivery)} initiatives are late or not started though due"
                 + (f" ({red} not started)" if red else "") + ".")
    return text


def report_html(p: Planning, executed: list[Path], report_date: dt.date, review=None, peers=None,
                summary: Summary | None = None) -> str:
    """The combined report as one self-contained HTML document (with a progress line when `review`, the
    engagement's progress review, is given, and the client among its peers when `peers`, the table and
    sentence of assessment.peers.peer_standing, is)."""
    cfg, model, a = p.engagement.config, p.engagement.model, p.assessment
    catalogue = p.engagement.catalogue
    said = wording.words(model)
    return with_contents(_template().render(
        css=report_css(), footer=css_string(cfg.name), client=cfg, vision=cfg.vision, model=model,
        report_date=f"{report_date:%d %B %Y}",
        summary=summary or executive_summary(p, report_date), glossary=glossary(model),
        dimension_word=said.dimension, dimension_title=said.Dimension,
        has_layers=said.layers, has_customers=not p.engagement.customer_answers.empty, settings=p.roadmap.settings,
        parts=[notebook_body(x) for x in executed], method=model.describe_aggregation(),
        respondent_counts=list(respondent_counts(a.respondents, p.engagement.roles).itertuples(index=False)),
        weights=p.weights, catalogue=f"{catalogue.id} {catalogue.version}" if catalogue else "(none)",
        version=version(), progress=progress_summary(review, said.dimensions),
        peers=None if peers is None else {"rows": list(peers[0].itertuples(index=False)), "text": peers[1]}))


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string: anything but letters, digits, spaces and plain punctuation as a hex
    escape, so no name can close the string, the rule or the style element."""
    safe = "".join(c if c.isalnum() or c in " .,-'()" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{safe}"')


CONTENTS = "<!-- contents -->"
HEADING = re.compile(r"<h([12])>(.*?)</h\1>", re.S)


def with_contents(html_text: str) -> str:
    """The report with a table of contents where CONTENTS stands: every heading after it (parts and their
    sections) gets an id, and the contents list links to each (with its page number in the PDF)."""
    head, marker, body = html_text.partition(CONTENTS)
    if not marker:
        return html_text
    entries = []

    def number(m: re.Match) -> str:
        entries.append((m.group(1), f"sec-{len(entries) + 1}", m.group(2)))
        return f'<h{m.group(1)} id="{entries[-1][1]}">{m.group(2)}</h{m.group(1)}>'

    body = HEADING.sub(number, body)
    items = "".join(f'<li class="toc-h{level}"><a href="#{anchor}"><span class="toc-text">{text}</span>'
                    f'<span class="toc-page"></span></a></li>' for level, anchor, text in entries)
    return head + f'<nav class="toc"><h1>Contents</h1><ol>{items}</ol></nav>' + body


def write_client_report(p: Planning, executed: list[Path], folder: Path, formats: tuple[str, ...],
                        report_date: dt.date, review=None, peers=None) -> None:
    """report.html ("html" among `formats`), report.pdf ("pdf") and deck.pptx ("pptx") into `folder`, all
    from one executive summary; `review`, the progress review of a client with two or more rounds, adds its
    line to the summary and the steering group's slides to the deck."""
    summary = executive_summary(p, report_date)
    if "html" in formats or "pdf" in formats:
        html = report_html(p, executed, report_date, review, peers, summary)
        if "html" in formats:
            (folder / "report.html").write_text(html, encoding="utf-8")
        if "pdf" in formats:
            write_pdf(html, folder / "report.pdf")
    if "pptx" in formats:
        write_deck(p, folder / "deck.pptx", report_date, summary, review)


def write_pdf(html: str, target: Path) -> None:
    """The report HTML printed to PDF (workbench.reports.pdf: headless Chromium, one browser per process)."""
    pdf.write_pdf(html, target)


def warm_up_pdf(wait: bool = True) -> None:
    """Start the PDF's browser before the first client (a batch worker calls this when PDFs are wanted)."""
    pdf.warm_up(wait)
