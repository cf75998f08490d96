"""The report as a document that prints well: a stylesheet that is valid CSS and reaches the page unescaped,
the intended sans font in the PDF, page numbers "Page N of M"."""
from __future__ import annotations

import datetime as dt
import re

import pypdf
import pytest
import tinycss2

from assessment.model import load_model
from conftest import EXAMPLES
from workbench.planning import plan_engagement
from workbench.reports.report import report_css, report_html, write_client_report


def parse_errors(nodes) -> list:
    """Every parse error in a stylesheet's rules and declarations, nested blocks (@page margin boxes) included."""
    errors = []
    for node in nodes:
        if node.type == "error":
            errors.append(node.message)
        elif node.type in ("qualified-rule", "at-rule") and node.content is not None:
            errors += parse_errors(tinycss2.parse_blocks_contents(node.content, skip_comments=True,
                                                                  skip_whitespace=True))
    return errors


def test_the_stylesheet_is_valid_css_and_reaches_the_page_as_written():
    css = report_css()
    assert not parse_errors(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    html = report_html(plan_engagement(EXAMPLES / "brightloop-customer-support"), [], dt.date(2026, 12, 2))
    style = re.search(r"<style>\s*(.*?)\s*</style>", html, re.S).group(1)
    assert style == css.strip()  # not HTML-escaped: quotes stay quotes
    assert "&#34;" not in style and "&quot;" not in style


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    write_client_report(plan_engagement(EXAMPLES / "northbank-it-service-desk"), [], out, ("pdf",),
                        dt.date(2026, 12, 2))
    return pypdf.PdfReader(out / "report.pdf")


def test_the_pdf_uses_the_intended_sans_font_only(pdf):
    fonts = set()
    for page in pdf.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts, "no fonts in the PDF"
    assert all(f.replace("-", "").startswith("DejaVuSans") for f in fonts), fonts  # never a serif fallback


def test_every_page_after_the_cover_is_numbered_page_n_of_m(pdf):
    n = len(pdf.pages)
    assert n >= 2
    for i, page in enumerate(pdf.pages[1:], start=2):
        assert f"Page {i} of {n}" in page.extract_text(), i
    assert "Page 1 of" not in pdf.pages[0].extract_text()  # the cover carries no number


def _chart_pdf(tmp_path, name: str) -> list[tuple[str, float, float]]:
    """A chart with kerned labels (rotated too) through WeasyPrint; every word with its position, and how many
    text layouts it took."""
    import base64
    import subprocess

    import weasyprint.text.line_break as line_break
    from weasyprint import HTML

    from workbench.reports import charts

    dims = plan_engagement(EXAMPLES / "northbank-it-service-desk").dimensions  # "Transparency and trust" kerns
    fig = charts.profile_chart(dims, load_model("service-management").levels)
    svg = charts.svg_text(fig)
    html = f'<img style="width:16cm" src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'
    calls, original = [], line_break.split_first_line

    def counted(text, *args, **kwargs):
        calls.append(text)
        return original(text, *args, **kwargs)

    line_break.split_first_line = counted
    try:
        HTML(string=html).write_pdf(tmp_path / f"{name}.pdf")
    finally:
        line_break.split_first_line = original
    box = subprocess.run(["pdftotext", "-bbox", tmp_path / f"{name}.pdf", "-"], capture_output=True, text=True,
                         check=True).stdout
    words = [(w, float(x), float(y)) for x, y, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', box)]
    return words, calls, svg.count("<text")


def test_chart_text_is_laid_out_a_run_at_a_time_in_the_same_place(tmp_path):
    """WeasyPrint lays SVG text out letter by letter (its issue #2249); svg_text lays our charts' runs out
    whole: one layout per run instead of one per letter, the same words in the same places (within kerning)."""
    from workbench.reports import svg_text

    svg_text.uninstall()
    try:
        letters, letter_calls, runs = _chart_pdf(tmp_path, "letters")
    finally:
        assert svg_text.install()
    whole, run_calls, _ = _chart_pdf(tmp_path, "runs")
    assert [w for w, *_ in whole] == [w for w, *_ in letters]
    assert "Transparency" in [w for w, *_ in whole] and "Repeatable" in [w for w, *_ in whole]
    assert max(max(abs(a[1] - b[1]), abs(a[2] - b[2])) for a, b in zip(whole, letters)) < 2.5  # points
    letters_drawn = sum(len(t) == 1 for t in letter_calls)  # WeasyPrint measures a run, then lays out each letter
    assert letters_drawn > 4 * runs and len("".join(w for w, *_ in letters)) <= letters_drawn
    assert len(run_calls) <= 2 * runs and sum(len(t) == 1 for t in run_calls) < runs


def test_answer_first_each_summary_page_is_one_page(pdf):
    """Cover with the contents, then the executive summary on page 2 and the roadmap on page 3, each whole (the
    report here has no notebook parts: the appendix follows)."""
    pages = [page.extract_text() for page in pdf.pages[:4]]
    assert "Contents" in pages[0] and re.search(r"Executive summary\s*\.*\s*2", pages[0])
    assert pages[1].lstrip().startswith("Executive summary") and "Decisions asked of the leadership team" in pages[1]
    assert pages[2].lstrip().startswith("The roadmap on one page") and "The scorecard" in pages[2]
    assert pages[3].lstrip().startswith("Appendix: how this report was computed")
