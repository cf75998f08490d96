"""Two scenarios side by side, and 'what we decided': the comparison a leadership team reads before choosing,
and the one-page PDF and the slides a consultant takes away from the workshop (`workbench decided`)."""
from __future__ import annotations

import csv
import io
import shutil

from pptx import Presentation
from pypdf import PdfReader

from workbench.workshop import scenarios
from workbench.workshop.session import Workshop

NORTHBANK = "northbank-it-service-desk"


def rows(df) -> dict:
    return {r.what: r for r in df.itertuples(index=False)}


def test_more_capacity_as_scenario_b_ends_sooner_and_the_comparison_says_what_differs(example_copy):
    ws = Workshop(example_copy(NORTHBANK))
    a, pa = ws.current, ws.planning()
    same = rows(scenarios.comparison(pa, pa, a, a))
    assert not any(r.differs for r in same.values())
    assert same["Decisions that differ"].a == ["the same decisions"]

    pb = ws.decide(capacity=a.capacity + 20)
    cmp = rows(scenarios.comparison(pa, pb, a, ws.current))
    decided = cmp["Decisions that differ"]
    assert decided.differs
    assert decided.a == [f"Capacity per wave: {a.capacity:g} person-weeks"]
    assert decided.b == [f"Capacity per wave: {a.capacity + 20:g} person-weeks"]
    ends = cmp["The plan ends"]
    assert scenarios.outcome(pb).end < scenarios.outcome(pa).end  # more people a wave: done sooner
    assert ends.differs and ends.a != ends.b
    assert cmp["Effort per wave (person-weeks)"].differs
    assert not cmp["Left out of the plan"].differs  # both plans fit everything in

    # a starved scenario: fewer dimensions reach their targets, and which ones fall short is named
    pc = ws.decide(capacity=5)
    starved = rows(scenarios.comparison(pa, pc, a, ws.current))
    oc, oa = scenarios.outcome(pc), scenarios.outcome(pa)
    assert len(oc.reaching) < len(oa.reaching)
    assert starved["Still below target"].differs
    assert set(starved["Still below target"].b) == set(oc.short) and oc.short
    assert oc.left_out > oa.left_out


def test_the_order_of_the_same_items_is_not_a_difference(example_copy):
    ws = Workshop(example_copy(NORTHBANK))
    p = ws.planning()
    o = scenarios.outcome(p)
    cmp = scenarios.comparison(p, p, ws.current, ws.current)
    assert len(o.first_wave) > 1 and not cmp["differs"].any()


def _decide(folder):
    ws = Workshop(folder)
    ws.decide(capacity=45)
    ws.save("Maya Lindgren", "leadership workshop")
    ws.decide(targets={"customer-insight": 4})
    ws.save("Tom Reyes")
    return ws


def test_workbench_decided_writes_one_page_and_appends_the_slides_once(example_copy, workbench, batch, tmp_path):
    folder = example_copy(NORTHBANK)
    _decide(folder)
    deck = tmp_path / "deck.pptx"
    shutil.copy(batch[0] / NORTHBANK / "deck.pptx", deck)
    before = [s.shapes.title.text for s in Presentation(str(deck)).slides]

    out = tmp_path / "decided.pdf"
    r = workbench("decided", folder, "--out", out, "--deck", deck)
    assert r.exit_code == 0, r
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in ("What we decided: Northbank IT Service Desk", "Capacity per wave", "45 person-weeks",
                     "Target: Customer insight", "4 Measured", "Maya Lindgren", "Tom Reyes",
                     "What the plan now leads to", "The plan ends on"):
        assert expected in text, expected
    assert "customer-insight" not in text  # names, not ids

    r = workbench("decided", folder, "--out", out, "--deck", deck)  # exported again: replaced, not stacked
    assert r.exit_code == 0, r
    after = [s.shapes.title.text for s in Presentation(str(deck)).slides]
    assert after[:len(before)] == before
    assert len(after) == len(before) + 2 and after[-2].startswith("What we decided")
    table = next(sh for sh in Presentation(str(deck)).slides[len(before)].shapes if sh.has_table).table
    cells = [[c.text for c in r.cells] for r in table.rows]
    assert ["Capacity per wave", "30 person-weeks", "45 person-weeks", "Maya Lindgren"] in cells


def test_workbench_decided_names_what_is_wrong_and_leaves_the_deck_as_it_was(example_copy, workbench, tmp_path):
    folder = example_copy(NORTHBANK)
    r = workbench("decided", folder)
    assert r.exit_code == 2 and "decisions.csv" in r.stderr and "not found" in r.stderr

    _decide(folder)
    log = folder / "decisions.csv"
    lines = list(csv.reader(io.StringIO(log.read_text(encoding="utf-8"))))
    lines[2][0] = "yesterday afternoon"
    buf = io.StringIO()
    csv.writer(buf).writerows(lines)
    log.write_text(buf.getvalue(), encoding="utf-8")
    r = workbench("decided", folder, "--out", tmp_path / "x.pdf")
    assert r.exit_code == 2
    assert "decisions.csv, row 3, column 'time'" in r.stderr and "'yesterday afternoon'" in r.stderr
    assert not (tmp_path / "x.pdf").exists()

    log.write_text(log.read_text().replace("yesterday afternoon", "2026-11-23T14:05:00+00:00"))
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(b"PK\x03\x04 not really a deck")
    r = workbench("decided", folder, "--out", tmp_path / "x.pdf", "--deck", deck)
    assert r.exit_code == 2 and "deck.pptx" in r.stderr and "cannot be opened as a PowerPoint deck" in r.stderr
    assert deck.read_bytes() == b"PK\x03\x04 not really a deck" and not (tmp_path / "x.pdf").exists()
