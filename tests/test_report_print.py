"""The report as a document that prints well: a stylesheet that is valid CSS and reaches the page unescaped,
the intended sans font in the PDF, page numbers "Page N of M"."""
from __future__ import annotations

import datetime as dt
import re

import pypdf
import pytest
import tinycss2

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
