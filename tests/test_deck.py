"""The deck a consultant presents: deck.pptx from `workbench run` (a default format), opened with python-pptx
as PowerPoint would: the slides in the order of the conversation, real titles, text and tables that fit their
boxes, the current state as an image at slide resolution; LibreOffice, where installed, turns it into a PDF."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from pptx import Presentation
from pptx.util import Emu

from conftest import EXAMPLES
from workbench.planning import plan_engagement
from assessment.findings import fmt_score
from workbench.reports.deck import fits, write_deck

TITLES = ["Key messages", "Where each dimension stands and its target", "The current state",
          "How each role group sees it", "In the customers' eyes", "The gaps to close first", "The roadmap on one page",
          "The scorecard: how arrival will be measured",
          "Decisions asked of the leadership team", "Appendix: how the figures were computed"]


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    path = tmp_path_factory.mktemp("deck") / "deck.pptx"
    p = plan_engagement(EXAMPLES / "northbank-it-service-desk")
    write_deck(p, path, dt.date(2026, 12, 2))
    return p, path, Presentation(str(path))


def test_the_slides_follow_the_conversation_with_real_titles(deck):
    p, _, prs = deck
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))  # 16:9
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[0] == p.engagement.config.name
    assert titles[1:] == TITLES
    text = "\n".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "Leaders rate the organisation higher than the front line does" in text
    assert "Approve the target for each dimension" in text


def test_no_text_overflows_its_box_and_tables_are_real_tables(deck):
    _, _, prs = deck
    tables = 0
    for s in prs.slides:
        for sh in s.shapes:
            if sh.has_text_frame and sh != s.shapes.title and sh.text_frame.text:
                size = max((r.font.size.pt for par in sh.text_frame.paragraphs for r in par.runs if r.font.size),
                           default=18)
                assert fits(sh.text_frame.text, sh.width, sh.height, size), (s.shapes.title.text, sh.text_frame.text)
            if sh.has_table:
                tables += 1
                assert sh.top + sh.height <= prs.slide_height, s.shapes.title.text
                for row in sh.table.rows:
                    for cell in row.cells:
                        assert "-->" not in cell.text and "->" not in cell.text  # names and arrows, not ids
    assert tables >= 4


def test_the_current_state_is_a_picture_at_slide_resolution(deck):
    _, _, prs = deck
    slide = next(s for s in prs.slides if s.shapes.title.text == "The current state")
    pictures = [sh for sh in slide.shapes if sh.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    assert pictures
    width_px, height_px = pictures[0].image.size
    assert height_px >= 700  # sharp on a 1080p projector at its size on the slide


def test_libreoffice_turns_the_deck_into_a_pdf(deck, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed here (Debian's libreoffice-impress); the deck is checked above")
    _, path, prs = deck
    r = subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    import pypdf

    assert len(pypdf.PdfReader(tmp_path / "deck.pdf").pages) == len(prs.slides)


def test_the_scorecard_slide_shows_interim_targets_on_the_way(deck):
    p, _, prs = deck
    slide = next(s for s in prs.slides if s.shapes.title.text.startswith("The scorecard"))
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    header = [c.text for c in table.rows[0].cells]
    col = header.index("On the way (end of wave)")
    csat = p.interim[p.interim["kpi"] == "csat"]
    row = next(r for r in table.rows if r.cells[0].text == "Customer satisfaction")
    kpi = p.scorecard.set_index("kpi").loc["csat"]
    assert float(kpi["baseline"]).is_integer() and float(kpi["target"]).is_integer()  # so interim targets are whole
    first = round(float(csat["interim_target"].iloc[0]))
    assert row.cells[col].text.startswith(f"wave {int(csat['wave'].iloc[0])}: {first}")


def test_each_role_groups_view_is_a_coloured_table_without_small_groups(deck):
    """The heatmap as the consultant can edit it: one row per dimension, a column per role group large enough
    to show, cells orange below the target and blue at or above it, as in the report."""
    from assessment import findings

    p, _, prs = deck
    slide = next(s for s in prs.slides if s.shapes.title.text == "How each role group sees it")
    table = next(sh.table for sh in slide.shapes if sh.has_table)
    header = [c.text for c in table.rows[0].cells]
    groups = findings.role_groups(p.assessment, p.engagement.roles)
    big = groups[~groups["small_group"]]
    assert header[1:-2] == [f"{r.name} (n={r.respondents})" for r in big.itertuples()] and header[-1] == "Target"
    heat = findings.role_heatmap(p.assessment, p.engagement.roles, p.targets).set_index("name")
    role = big["role"].iloc[-1]
    for row in list(table.rows)[1:]:
        name, value = row.cells[0].text, row.cells[len(big)].text
        want = heat.loc[name, role]
        assert value == fmt_score(want, 1)
        red, green, blue = (int(str(row.cells[len(big)].fill.fore_color.rgb)[k:k + 2], 16) for k in (0, 2, 4))
        below = want < heat.loc[name, "target"] - 1e-9
        assert (red > blue) == below, (name, value, below)  # orange below the target, blue at or above
