"""The modules that the end-to-end tests only pass through, each on its own: the client report built without a
batch, the live workshop charts, the batch's progress display and index page, and the decoding of answers."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pypdf
import pytest

from assessment.answers import DONT_KNOW, INVALID, MISSING, NOT_APPLICABLE, VALUE, ScaleReader, decode_answers, parse_number
from assessment.model import builtin_models, load_model
from conftest import EXAMPLES
from workbench.batch.index import write_index
from workbench.batch.jobs import STEPS, ClientResult
from workbench.batch.progress import Progress
from workbench.planning import plan_engagement
from workbench.reports.report import report_html, write_client_report
from workbench.workshop import live_charts

HOSTILE = '<script>alert("x")</script> & Co'
BRIGHTLOOP = "brightloop-customer-support"


@pytest.fixture
def hostile_client(tmp_path):
    """Brightloop under a name, scope and vision that would run as script if a page did not escape them."""
    folder = tmp_path / "client"
    shutil.copytree(EXAMPLES / BRIGHTLOOP, folder)
    path = folder / "client.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", f"name: '{HOSTILE}'", text, count=1)
    text = re.sub(r"(?m)^scope: .*$", "scope: 'Support <img src=x onerror=alert(1)>'", text, count=1)
    path.write_text(text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- the client report, without a batch

def test_the_report_escapes_client_text_and_has_every_section(hostile_client):
    p = plan_engagement(hostile_client)
    assert p.engagement.config.name == HOSTILE
    html = report_html(p, [], dt.date(2026, 12, 2))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html
    for heading in ("Executive summary", "The roadmap on one page", "The scorecard: how arrival will be measured",
                    "Appendix: how this report was computed", "Respondents", "How gaps are ranked"):
        assert f">{heading}</h" in html, heading
    assert "02 December 2026" in html
    top = p.gaps[p.gaps["priority"] > 0].iloc[0]
    assert str(top["name"]) in html  # the first gap is named in the summary
    assert "Where you stand among peers" not in html  # no peers given: no empty section


def test_the_report_pdf_has_pages_with_the_clients_name_and_html_only_when_asked(hostile_client, tmp_path):
    p = plan_engagement(hostile_client)
    out = tmp_path / "out"
    out.mkdir()
    write_client_report(p, [], out, ("pdf",), dt.date(2026, 12, 2))
    assert sorted(x.name for x in out.iterdir()) == ["report.pdf"]  # report.html was only a step on the way
    pdf = pypdf.PdfReader(out / "report.pdf")
    assert len(pdf.pages) >= 2
    first = " ".join(pdf.pages[0].extract_text().split())
    assert '<script>alert("x")</script> & Co' in first  # shown as text, as the client wrote it
    write_client_report(p, [], out, ("html",), dt.date(2026, 12, 2))
    assert sorted(x.name for x in out.iterdir()) == ["report.html", "report.pdf"]


# ---------------------------------------------------------------- the live workshop charts

def test_every_label_of_the_live_charts_is_escaped():
    p = plan_engagement(EXAMPLES / BRIGHTLOOP)
    levels = p.engagement.model.levels
    d = p.dimensions
    names = [HOSTILE] + list(d["name"])[1:]
    plan = p.roadmap.plan.assign(title=[HOSTILE] + list(p.roadmap.plan["title"])[1:])
    first = p.roadmap.trajectory["name"].iloc[0]
    traj = p.roadmap.trajectory.assign(name=p.roadmap.trajectory["name"].replace(first, HOSTILE))
    for svg in (live_charts.radar(names, list(d["current"]), list(d["target"]), levels),
                live_charts.gantt(plan, p.roadmap.waves), live_charts.trajectory(traj, levels)):
        root = ET.fromstring(svg)  # well-formed: a label cannot break out of its element
        tags = {el.tag.split("}")[-1] for el in root.iter()}
        assert "script" not in tags and "img" not in tags, tags
        texts = "".join(el.text or "" for el in root.iter())
        assert "<script>" in texts  # the label is shown as the characters it is


# ---------------------------------------------------------------- the batch's progress display and index

class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_one_line_per_step_off_a_terminal_and_a_bar_on_one():
    plain = io.StringIO()
    progress = Progress(2, plain)
    progress.event("acme", "validate", "ok", 0.4)
    progress.event("acme", "report", "failed", 1.0)
    progress.event("acme", "01_envision_the_end", "retried", 0)
    progress.skipped("zenith")
    progress.note("2 workers")
    progress.close()
    assert plain.getvalue().splitlines() == [
        "acme: validate ok (0.4 s)", "acme: report failed",
        "acme: its worker was lost mid-run; retrying on another worker",
        "zenith: unchanged since its last good run, skipped", "Note: 2 workers"]

    tty = Terminal()
    progress = Progress(2, tty)
    progress.event("acme", "validate", "ok", 0.4)
    assert progress.bar.n == 1
    progress.skipped("zenith")
    progress.client_done(ClientResult("acme", "Acme", "/x", "ok"))
    progress.client_done(ClientResult("acme", "Acme", "/x", "ok"))  # counted once, however often it is said
    assert progress.bar.n == progress.bar.total == 2 * len(STEPS)
    progress.close()
    shown = tty.getvalue()
    assert "acme: validate ok" in shown and f"{2 * len(STEPS)}/{2 * len(STEPS)}" in shown
    assert "acme: validate ok (0.4 s)\n" not in shown  # no log lines between the bar's redraws


def test_the_index_links_what_exists_and_shows_each_failure(tmp_path):
    (tmp_path / "acme").mkdir()
    for name in ("report.html", "report.pdf"):
        (tmp_path / "acme" / name).write_text("x")
    (tmp_path / "zenith.failed").mkdir()
    (tmp_path / "zenith.failed" / "02_current_state_assessment.ipynb").write_text("{}")
    results = [ClientResult("acme", "Acme & Sons", "/a", "ok", overall_score=2.5, overall_level="2 Repeatable",
                            top_gap="Service levels"),
               ClientResult("zenith", "Zenith <b>Ltd</b>", "/z", "failed", failed_step="02_current_state_assessment",
                            error="cell 4: KeyError 'x'", cell=4)]
    write_index(tmp_path, results)
    index = (tmp_path / "index.html").read_text()
    assert "1 of 2 clients succeeded" in index
    assert 'href="acme/report.html"' in index and 'href="acme/report.pdf"' in index
    assert 'href="acme/roadmap.xlsx"' not in index  # no workbook was made: no dead link
    assert 'href="zenith.failed/02_current_state_assessment.ipynb"' in index
    assert "Acme &amp; Sons" in index and "Zenith &lt;b&gt;Ltd&lt;/b&gt;" in index
    assert "02_current_state_assessment, cell 4" in index
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert list(summary["client_id"]) == ["acme", "zenith"] and list(summary["status"]) == ["ok", "failed"]
    assert summary.loc[0, "overall_score"] == 2.5 and summary.loc[1, "cell"] == 4


# ---------------------------------------------------------------- decoding answers

@pytest.fixture(scope="module")
def maturity():
    return load_model(builtin_models()["service-management"])


@pytest.mark.parametrize("raw, value, status", [
    ("3", 3.0, VALUE), (3, 3.0, VALUE), ("3.0", 3.0, VALUE), ("3,0", 3.0, VALUE), ("Defined", 3.0, VALUE),
    ("  defined ", 3.0, VALUE), ("3 - Defined", 3.0, VALUE), ("3 \u2013 Defined", 3.0, VALUE),
    ("(3) Defined", 3.0, VALUE), ("3 - Defined (written down)", 3.0, VALUE), ("N/A", None, NOT_APPLICABLE),
    ("n.a.", None, NOT_APPLICABLE), ("Don\u2019t know", None, DONT_KNOW), ("DK", None, DONT_KNOW),
    ("", None, MISSING), (None, None, MISSING), (float("nan"), None, MISSING), ("6", None, INVALID),
    ("2.5", None, INVALID), ("Definitely", None, INVALID), ("=1+2", None, INVALID), (True, None, INVALID)])
def test_an_answer_is_read_as_a_value_a_kind_of_non_answer_or_invalid(maturity, raw, value, status):
    d = ScaleReader(maturity.scales["maturity5"]).decode(raw)
    assert d.status == status
    assert (np.isnan(d.value) if value is None else d.value == value)


def test_decoding_a_column_gives_what_decoding_each_answer_gives(maturity):
    raw = pd.Series(["3", "Critical", "N/A", "", "4 - Measured", "9", "3", "Very important"])
    scales = pd.Series(["maturity5", "importance5", "maturity5", "maturity5", "maturity5", "maturity5",
                        "importance5", "importance5"])
    values, statuses = decode_answers(raw, scales, maturity)
    one = [ScaleReader(maturity.scales[s]).decode(r) for r, s in zip(raw, scales)]
    assert list(statuses) == [d.status for d in one]
    np.testing.assert_array_equal(values, [d.value for d in one])
    assert list(values[[0, 1, 4, 6, 7]]) == [3, 5, 4, 3, 4]


@pytest.mark.parametrize("text, number", [("2,5", 2.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5), (" 7 ", 7.0),
                                          ("1\u00a0000", 1000.0), ("abc", None), ("", None), ("1.2.3", None)])
def test_numbers_with_a_decimal_point_or_comma_never_depend_on_the_locale(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("sector, phrase", [("Public sector", "in the public sector"), ("Banking", "in the Banking sector"),
                                            ("", "without a sector")])
def test_the_peer_sentence_names_the_sector_once(sector, phrase):
    from assessment.peers import peer_standing

    dims = pd.DataFrame({"dimension": ["a"], "name": ["A"], "current": [2.0]})
    _, few = peer_standing(dims, {"a": [1.0, 2.0]}, sector)
    _, many = peer_standing(dims, {"a": [1.0, 2.0, 3.0, 2.5, 1.5, 3.5]}, sector)
    assert f"other clients {phrase}" in few and f"other clients {phrase} in the portfolio" in many
    assert "sector sector" not in few + many


def test_the_glossary_explains_the_terms_in_the_models_words():
    from workbench.reports.glossary import glossary

    default = dict(glossary(load_model(builtin_models()["service-management"])))
    assert "Person-weeks" in default and "Roots, trunk and crown" in default
    assert default["Level 3: Defined"].startswith("Practices are documented")
    samm = load_model(builtin_models()["samm-lite"])
    other = dict(glossary(samm))
    assert "Roots, trunk and crown" not in other  # no driver tree in a model without layers
    unit = next(t.name for t in samm.tiers if t.id == samm.dimension_tier).lower()
    assert unit in other["Gap"]
    html = report_html(plan_engagement(EXAMPLES / BRIGHTLOOP), [], dt.date(2026, 12, 2))
    assert ">Glossary</h2>" in html and "<dt>Person-weeks</dt>" in html


def test_what_a_command_writes_is_readable_as_any_file_it_replaces(tmp_path, workbench):
    """Written through a private temporary file, a report or client.yaml still gets an ordinary mode: the
    umask's for a new file, the old file's for one it replaces (a colleague's group can read the reports)."""
    import os
    import stat

    from workbench import atomic

    new = tmp_path / "report.html"
    atomic.write_text(new, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "client.yaml"
    kept.write_text("a")
    kept.chmod(0o640)
    atomic.write_text(kept, "b")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "b"


def test_the_radar_names_its_rings_but_not_its_centre():
    from workbench.reports.charts import radar

    model = load_model(builtin_models()["service-management"])
    fig = radar(["A", "B", "C"], [2, 3, 4], [3, 4, 5], model.levels)
    numbers = [t.get_text() for t in fig.axes[0].texts if t.get_text().isdigit()]
    assert numbers == [str(lv.value) for lv in model.levels[1:]]  # the lowest level is the centre, said in the title
    assert f"levels {model.levels[0].value}-{model.levels[-1].value}" in fig._suptitle.get_text()
