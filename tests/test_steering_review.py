"""The progress review a steering group runs on (issue 19, point 7): each initiative against the plan of record
from status.csv (red, amber, green), the KPIs over time with their notes, the rest of the work planned again from
the review day and what changed in it, the steering group's slides, and the portfolio's count of late initiatives."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pptx.util import Emu

from conftest import EXAMPLES
from roadmaps.catalogue import catalogue_tables
from roadmaps.delivery import STATUSES, delivery
from roadmaps.replan import CHANGES, replan
from roadmaps.sequencing import PlanSettings, build_roadmap, wave_dates
from workbench.planning import client_initiatives, plan_engagement
from workbench.progress_review import plan_of_record, review_engagement
from workbench.reports import charts, steering
from workbench.reports.deck import REVIEW_TITLES, build_deck, fits
from workbench.reports.report import progress_summary

HARBOURSIDE = "harbourside-council-contact-centre"


def states(review) -> pd.DataFrame:
    return review.delivery.set_index("initiative")


def test_status_csv_drives_the_red_amber_green_of_the_review(example_copy, workbench):
    folder = example_copy(HARBOURSIDE)
    r = review_engagement(plan_engagement(folder))
    assert r.status_recorded and r.as_of == dt.date(2026, 11, 30)  # the latest round, KPI and status
    d = states(r)
    assert (d.loc["customer-driver-tree", ["state", "rag", "percent_done"]].tolist() == ["late", "amber", 70.0])
    assert d.loc["customer-driver-tree", "note"].startswith("Questionnaire piloted")
    assert d.loc["enabler-pulse-capacity-planning", ["state", "rag"]].tolist() == ["not started though due", "red"]
    assert not d.loc["leader-service-objectives", "recorded"]  # no row in status.csv: counts as not started
    assert d.loc["leader-service-objectives", "state"] == "not started though due"
    assert d.loc["engagement-survey", ["state", "rag"]].tolist() == ["dropped", "grey"]
    assert d.loc["realtime-dashboards", ["state", "rag"]].tolist() == ["on time", "green"]
    assert d.loc["improvement-forum-backlog", "state"] == "not yet due"
    assert len(r.late) == 5 and "5 of 21 initiatives are late or not started though due" in progress_summary(r)

    # the consultant records a delivery: the review, the re-plan and the summary follow
    done = workbench("status", folder, "enabler-pulse-capacity-planning=done", "--date", "2026-12-01",
                     "--note", "Rota tool live in two teams")
    assert done.exit_code == 0, done
    r = review_engagement(plan_engagement(folder))
    assert r.as_of == dt.date(2026, 12, 1)
    assert states(r).loc["enabler-pulse-capacity-planning", ["state", "rag"]].tolist() == ["done", "green"]
    kept = r.replan.plan.set_index("initiative")
    assert kept.loc["enabler-pulse-capacity-planning", "kind"] == "done"  # in place, where it was planned
    assert kept.loc["enabler-pulse-capacity-planning", "wave"] == 3
    change = r.replan.changes.set_index("initiative").loc["enabler-pulse-capacity-planning"]
    assert change["change"] == "done" and "Rota tool live in two teams" in change["reason"]
    assert "4 of 21 initiatives are late" in progress_summary(r)


def test_without_status_csv_every_initiative_counts_as_not_started_and_the_review_says_how_to_record(example_copy):
    folder = example_copy(HARBOURSIDE)
    (folder / "status.csv").unlink()
    r = review_engagement(plan_engagement(folder))
    assert not r.status_recorded
    assert set(r.delivery["status"]) == {"not started"} and not r.delivery["recorded"].any()
    assert set(r.delivery["state"]) == {"not started though due", "not yet due"}
    said = steering.status_missing(r)
    assert "status.csv" in said and "workbench status FOLDER INITIATIVE=done" in said
    assert (r.replan.plan["kind"] != "done").all()  # nothing done: everything is planned again


def test_what_changed_against_the_plan_of_record_says_why():
    r = review_engagement(plan_engagement(EXAMPLES / HARBOURSIDE))
    c = r.replan.changes.set_index("initiative")
    assert list(dict.fromkeys(r.replan.changes["change"])) == [x for x in CHANGES if x in set(c["change"])]
    assert c.loc["customer-driver-tree", "change"] == "moved later"
    assert c.loc["customer-driver-tree", "reason"].startswith("late: under way past its planned end (2026-06-14)")
    assert (c.loc["customer-driver-tree", "was_wave"], c.loc["customer-driver-tree", "wave"]) == (2, 5)
    assert c.loc["enabler-pulse-capacity-planning", "reason"] == "not started though due since 2026-07-06"
    assert "under way on time, 40 % done" in c.loc["realtime-dashboards", "reason"]
    assert c.loc["portfolio-objective-mapping", "reason"].startswith(
        "waits for prerequisite 'service-strategy-and-portfolio'")
    assert c.loc["operational-level-agreements", "change"] == "removed"  # collaboration reached its target
    assert "its gap has closed: collaboration is at level 3 (its target)" == c.loc["operational-level-agreements",
                                                                                   "reason"]
    assert c.loc["publish-sla-figures", "change"] == "added"  # transparency slipped back to level 1
    assert "a gap the plan of record did not have: transparency-trust level 1 -> 2" == c.loc["publish-sla-figures",
                                                                                          "reason"]
    assert "in place of 'engagement-survey'" in c.loc["service-recognition-programme", "reason"]
    assert c.loc["engagement-survey", ["change", "reason"]].tolist() == [
        "dropped", "The council's staff survey now asks the service questions"]
    # the client reads names, readable dates and arrows, never ids
    table = steering.changes_table(r)
    ids = set(r.baseline.roadmap.plan["initiative"]) | {d.id for d in r.engagement.model.dimensions}
    text = " ".join(table["reason"]) + " " + " ".join(table["title"])
    assert not [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert "->" not in text and not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert "Transparency and trust level 1 → 2" in text


def test_kpi_notes_survive_into_the_trend_and_its_chart():
    r = review_engagement(plan_engagement(EXAMPLES / HARBOURSIDE))
    notes = steering.kpi_notes(r)
    assert list(notes["note"]) == ["phone lines down for two days in the October storms",
                                   "sickness up after the office move", "down again as the new rota settled"]
    assert list(notes["mark"]) == [1, 2, 3] and list(notes["name"]) == [
        "Contacts answered within the published time", "Staff absence", "Staff absence"]
    series = steering.kpi_series(r)
    assert len(series) == len(r.measurements) == 36  # every measurement, not only the latest
    svg = charts.svg_text(charts.kpi_trend_chart(series, r.kpis, r.interim, r.baseline.roadmap.settings.start,
                                                 r.as_of))
    assert "Staff absence" in svg and ">3<" in svg.replace(" ", "")  # the third note's number on its point
    assert not r.interim.empty and set(r.interim["kpi"]) <= set(r.kpis["kpi"])


@functools.lru_cache(maxsize=1)
def _catalogue():
    p = plan_engagement(EXAMPLES / HARBOURSIDE)
    initiatives, raises = catalogue_tables(client_initiatives(p.engagement))
    return plan_of_record(p).gaps, initiatives, raises


@given(data=st.data(), waves=st.integers(1, 8), weeks=st.integers(4, 13), capacity=st.floats(4, 40),
       offset=st.integers(-60, 900))
@settings(max_examples=60, deadline=None)
def test_the_replan_never_schedules_anything_before_the_review_day(data, waves, weeks, capacity, offset):
    gaps, initiatives, raises = _catalogue()
    s = PlanSettings(capacity=capacity, waves=waves, start=dt.date(2026, 1, 5), wave_weeks=weeks)
    record = build_roadmap(gaps, initiatives, raises, s)
    ids = list(record.plan["initiative"])
    chosen = data.draw(st.lists(st.sampled_from(STATUSES), min_size=len(ids), max_size=len(ids)))
    percents = data.draw(st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=len(ids), max_size=len(ids)))
    statuses = pd.DataFrame({"initiative": ids, "status": chosen, "note": "", "date": None,
                             "percent_done": [p if c == "under way" else None for c, p in zip(chosen, percents)]})
    levels = data.draw(st.lists(st.integers(1, 5), min_size=len(gaps), max_size=len(gaps)))
    today = gaps.assign(current_level=[min(lv, t) for lv, t in zip(levels, gaps["target"])])
    day = s.start + dt.timedelta(days=offset)
    r = replan(record, delivery(record.plan, statuses, day), today, initiatives, raises, day)
    horizon = wave_dates(s, s.waves)[1]
    ahead = r.plan[r.plan["kind"] != "done"]
    assert (pd.to_datetime(ahead["start"]) >= pd.Timestamp(day)).all()
    assert (pd.to_datetime(ahead["end"]) <= pd.Timestamp(horizon)).all()
    done = {i for i, c in zip(ids, chosen) if c == "done"}
    dropped = {i for i, c in zip(ids, chosen) if c == "dropped"}
    assert set(r.plan.loc[r.plan["kind"] == "done", "initiative"]) == done
    assert not dropped & set(r.plan["initiative"])
    assert r.plan["initiative"].is_unique
    assert set(ids) <= set(r.changes["initiative"]) and r.changes["initiative"].is_unique


def test_the_replan_with_no_wave_left_fits_nothing_and_says_so():
    gaps, initiatives, raises = _catalogue()
    s = PlanSettings(capacity=30, waves=2, start=dt.date(2026, 1, 5), wave_weeks=13)
    record = build_roadmap(gaps, initiatives, raises, s)
    day = dt.date(2026, 9, 1)
    r = replan(record, delivery(record.plan, pd.DataFrame(columns=["initiative", "status", "percent_done", "date",
                                                                   "note"]), day), gaps, initiatives, raises, day)
    assert r.plan.empty and r.settings.waves == 0
    assert set(r.changes["change"]) == {"does not fit"}
    assert all("no wave of it starts after the review day" in x for x in r.changes["reason"])


def test_the_deck_gets_the_steering_groups_slides_and_they_fit():
    p = plan_engagement(EXAMPLES / HARBOURSIDE)
    prs = build_deck(p, dt.date(2026, 12, 3), review=review_engagement(p))
    titles = [s.shapes.title.text for s in prs.slides]
    at = titles.index(REVIEW_TITLES[0])
    assert titles[at:at + 3] == list(REVIEW_TITLES) and titles[at + 3] == "Decisions asked of the leadership team"
    ids = set(p.roadmap.plan["initiative"]) | set(review_engagement(p).baseline.roadmap.plan["initiative"])
    slides = list(prs.slides)
    for slide in slides[at:at + 3]:
        for sh in slide.shapes:
            if sh.has_text_frame and sh != slide.shapes.title and sh.text_frame.text:
                size = max((r.font.size.pt for par in sh.text_frame.paragraphs for r in par.runs if r.font.size),
                           default=18)
                assert fits(sh.text_frame.text, sh.width, sh.height, size), sh.text_frame.text
            if sh.has_table:
                assert sh.top + sh.height <= prs.slide_height
                cells = [c.text for row in sh.table.rows for c in row.cells]
                assert not [c for c in cells if c in ids] and not any("->" in c for c in cells)
    rag = slides[at].shapes
    table = next(sh.table for sh in rag if sh.has_table)
    first = table.cell(1, 2)
    assert first.text == "\u25cf not started though due" and str(first.fill.fore_color.rgb) == "F8DCCB"  # red
    pictures = [sh for sh in slides[at + 1].shapes if sh.shape_type == 13]
    assert pictures and pictures[0].left + pictures[0].width <= Emu(prs.slide_width)
    notes = " ".join(sh.text_frame.text for sh in slides[at + 1].shapes if sh.has_text_frame)
    assert "sickness up after the office move" in notes


def test_a_one_round_client_has_no_review_slides():
    prs = build_deck(plan_engagement(EXAMPLES / "northbank-it-service-desk"), dt.date(2026, 12, 3))
    assert not set(REVIEW_TITLES) & {s.shapes.title.text for s in prs.slides}


def test_the_portfolio_counts_late_initiatives_per_client(tmp_path):
    from workbench import store as st_
    from workbench.reports.portfolio_report import build_portfolio, portfolio_tables
    from workbench.store.recording import client_record

    engine = st_.open_store(st_.default_url(tmp_path))
    p = plan_engagement(EXAMPLES / HARBOURSIDE)
    st_.record_client(engine, None, client_record(p, review_engagement(p)))
    north = plan_engagement(EXAMPLES / "northbank-it-service-desk")
    st_.record_client(engine, None, client_record(north))  # one round: no review, nothing to count
    late = portfolio_tables(engine)["late"]
    assert list(late["client_id"]) == [p.engagement.config.id]
    row = late.iloc[0]
    assert (row["late"], row["not_started"], row["planned"]) == (3, 2, 21)
    assert "Write a service recovery playbook with front-line authority limits" in row["which"]
    html = build_portfolio(st_.default_url(tmp_path), tmp_path).read_text()
    assert "Late initiatives" in html and "Harbourside Council Contact Centre</td><td>2026-11-30</td>" in html


def test_the_review_keeps_the_plans_of_the_rounds_between_for_the_store_only():
    p = plan_engagement(EXAMPLES / HARBOURSIDE)
    r = review_engagement(p)
    assert not {"2026-Q3"} & set(r._plans)  # the review itself plans only the first round (and reuses the latest)
    plans = r.plans
    assert list(plans) == ["2025-Q4", "2026-Q3", "2026-11"] and plans["2026-11"] is p
    assert dataclasses.is_dataclass(plans["2026-Q3"])
