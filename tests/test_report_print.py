"""The report as a document that prints well: a stylesheet that is valid CSS and reaches the page unescaped,
the intended sans font in the PDF, page numbers "Page N of M", the client's name in the footer, contents whose
page numbers are the pages the sections start on; a machine without a browser gets a clear error."""
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


def test_answer_first_each_summary_page_is_one_page(pdf):
    """Cover with the contents, then the executive summary on page 2 and the roadmap on page 3, each whole (the
    report here has no notebook parts: the appendix follows)."""
    pages = [re.sub(r"Page \d+ of \d+|Northbank IT Service Desk\n", "", page.extract_text()) for page in pdf.pages[:4]]
    assert "Contents" in pages[0] and re.search(r"Executive summary\s*\.*\s*2", pages[0])
    assert pages[1].lstrip().startswith("Executive summary") and "Decisions asked of the leadership team" in pages[1]
    assert pages[2].lstrip().startswith("The roadmap on one page") and "The scorecard" in pages[2]
    assert pages[3].lstrip().startswith("Appendix: how this report was computed")


def test_the_contents_give_the_page_each_section_starts_on(pdf):
    """Each contents entry's printed number is the page its link leads to, and that page begins the section."""
    destinations = {str(k).lstrip("/"): pdf.get_destination_page_number(d) + 1
                    for k, d in pdf.named_destinations.items()}
    cover = pdf.pages[0].extract_text()
    entries = re.findall(r"^(\S.*?)[ .]*?(\d+)$", cover.split("Contents", 1)[1], re.M)
    assert len(entries) >= 8 and len(destinations) >= len(entries)
    pages = [page.extract_text() for page in pdf.pages]
    for title, number in entries:
        assert title.strip() in pages[int(number) - 1].replace("\n", " "), (title, number)
    assert sorted(int(n) for _, n in entries) == [int(n) for _, n in entries]  # in reading order


def test_every_page_after_the_cover_carries_the_clients_name(pdf):
    assert all("Northbank IT Service Desk" in page.extract_text() for page in pdf.pages[1:])
    assert "Defined" in pdf.pages[1].extract_text()  # no ligature: the text searches as typed


def test_a_client_name_cannot_break_out_of_the_footer(tmp_path):
    """The name is written into the page's CSS: quotes, backslashes and a closing style tag stay text."""
    import shutil

    folder = tmp_path / "quoted"
    shutil.copytree(EXAMPLES / "st-aldhelms-facilities", folder)
    config = folder / "client.yaml"
    name = 'St "Aldhelm\'s" \\ </style><h1>x'
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^name: .*$", "name: '" + name.replace("'", "''") + "'", text, count=1),
                      encoding="utf-8")
    p = plan_engagement(folder)
    assert p.engagement.config.name == name
    write_client_report(p, [], tmp_path, ("html", "pdf"), dt.date(2026, 12, 2))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("</style>") == 2 and "</style><h1>x" not in html
    second = pypdf.PdfReader(tmp_path / "report.pdf").pages[1].extract_text()
    assert name in second


def test_without_a_browser_the_pdf_fails_clearly_and_keeps_the_last_one(tmp_path, monkeypatch):
    from workbench.reports import pdf as printing

    monkeypatch.setenv(printing.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    with pytest.raises(printing.PdfError) as err:
        printing._launch(None)[0].stop()
    message = str(err.value)
    assert "no-such-chromium" in message and "WORKBENCH_CHROMIUM" in message and "chromium" in message
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF-1.7 the good one")
    monkeypatch.setattr(printing, "print_pdf", lambda html: (_ for _ in ()).throw(printing.PdfError("no browser")))
    with pytest.raises(printing.PdfError):
        printing.write_pdf("<p>x</p>", target)
    assert target.read_bytes() == b"%PDF-1.7 the good one" and [f.name for f in tmp_path.iterdir()] == ["report.pdf"]


def test_the_roadmap_page_holds_its_scorecard_and_a_missing_baseline_reads_as_a_dash(tmp_path):
    """St Aldhelm's has a KPI without a baseline and is alone in its sector: its roadmap page ends with the
    scorecard (the one line on peers is in the appendix, not spilled onto a page of its own), and the missing
    baseline reads "-", never "nan"."""
    from assessment.peers import peer_standing

    p = plan_engagement(EXAMPLES / "st-aldhelms-facilities")
    assert p.scorecard["baseline"].isna().any()
    peers = peer_standing(p.dimensions, {}, p.engagement.config.sector)
    write_client_report(p, [], tmp_path, ("html", "pdf"), dt.date(2026, 12, 2), peers=peers)
    pages = [page.extract_text() for page in pypdf.PdfReader(tmp_path / "report.pdf").pages]
    roadmap = next(i for i, t in enumerate(pages) if "The roadmap on one page" in t and "Contents" not in t)
    assert "The scorecard" in pages[roadmap] and not re.search(r"\bnan\b", pages[roadmap])
    appendix = next(i for i, t in enumerate(pages) if "Appendix: how this report was computed" in t and i)
    said = [i for i, t in enumerate(pages) if "No peer comparison" in t]
    assert appendix == roadmap + 1 and said and min(said) >= appendix  # no page between them for one line
