"""Initiative status, as delivered: status.csv, `workbench status`, and the red-amber-green rules a steering
group reads, at their boundaries."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmaps.delivery import RAG, against_plan, delivery, status_named

HARBOURSIDE = "harbourside-council-contact-centre"
START, END = dt.date(2026, 1, 5), dt.date(2026, 3, 29)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize("status, day, state", [
    ("not started", START - DAY, "not yet due"),
    ("not started", START, "not started though due"),  # due from its first planned day
    ("not started", END + DAY, "not started though due"),
    ("under way", START - DAY, "on time"),
    ("under way", END, "on time"),  # on its last planned day it is still on time
    ("under way", END + DAY, "late"),
    ("done", END + 100 * DAY, "done"),
    ("dropped", START, "dropped"),
])
def test_the_rules_at_their_boundaries(status, day, state):
    assert against_plan(status, START, END, day) == state


def test_rag_colours_follow_the_states():
    assert RAG["late"] == "amber" and RAG["not started though due"] == "red"
    assert RAG["on time"] == RAG["done"] == RAG["not yet due"] == "green" and RAG["dropped"] == "grey"


def test_an_initiative_without_a_status_counts_as_not_started_and_says_so():
    plan = pd.DataFrame([{"wave": 1, "initiative": "a", "title": "A", "owner": "x", "start": START, "end": END},
                         {"wave": 2, "initiative": "b", "title": "B", "owner": "y", "start": END, "end": END + 90 * DAY}])
    statuses = pd.DataFrame([{"initiative": "a", "status": "under way", "percent_done": 30.0, "date": START,
                              "note": "kick-off held"}])
    t = delivery(plan, statuses, END + DAY)
    assert list(t["state"]) == ["late", "not started though due"]
    assert list(t["recorded"]) == [True, False] and t.loc[0, "note"] == "kick-off held"


@given(st.sampled_from(["Under way", "under-way", "UNDER_WAY", "in progress", "Done", "completed", "dropped",
                        "Cancelled", "not started", "Not-Started", "to do"]))
@settings(max_examples=30)
def test_statuses_are_read_as_people_write_them(text):
    assert status_named(text) in ("not started", "under way", "done", "dropped")


def test_status_round_trip_one_row_per_initiative(example_copy, workbench):
    folder = example_copy(HARBOURSIDE)
    (folder / "status.csv").unlink()  # the example's own: this test starts before anything was recorded
    r = workbench("status", folder, "complaint-log=done", "smart-service-levels=under-way:40",
                  "--note", "service levels agreed with two of five teams", "--date", "2026-03-01")
    assert r.exit_code == 0, r
    assert "Saved 2 statuses" in r.stdout
    line = next(x for x in r.stdout.splitlines() if "smart-service-levels" in x)
    assert "under way" in line and "40" in line and "on time (green)" in line
    rows = (folder / "status.csv").read_text().splitlines()
    assert rows[0] == "initiative,status,percent_done,date,note" and len(rows) == 3

    r = workbench("status", folder, "smart-service-levels=done", "--date", "2026-04-02")
    assert r.exit_code == 0, r
    rows = (folder / "status.csv").read_text().splitlines()
    assert len(rows) == 3  # replaced, not added
    assert "smart-service-levels,done,100,2026-04-02," in rows
    assert any(x.startswith("complaint-log,done,100,2026-03-01,") for x in rows)  # the other kept as it was
    line = next(x for x in r.stdout.splitlines() if "recognition-shout-outs" in x)
    assert "none recorded" in line and "not started though due (red)" in line


def test_every_bad_argument_is_listed_at_once_and_nothing_is_written(example_copy, workbench):
    folder = example_copy(HARBOURSIDE)
    (folder / "status.csv").unlink()
    assert workbench("status", folder, "complaint-log=done").exit_code == 0
    before = (folder / "status.csv").read_bytes()
    r = workbench("status", folder, "complaint-logg=done", "smart-service-levels=half", "oops",
                  "complaint-log=under-way:140", "recognition-shout-outs=done:50")
    assert r.exit_code == 2
    err = r.stderr
    assert "'complaint-logg' is not in the plan of record" in err and "complaint-log (closest)" in err
    assert "found status 'half'" in err
    assert "found 'oops'; expected INITIATIVE=STATUS" in err
    assert "found per cent done '140'" in err
    assert "done at 50 %" in err
    assert (folder / "status.csv").read_bytes() == before


def test_a_hand_edited_status_file_is_named_row_by_row(example_copy, workbench):
    folder = example_copy(HARBOURSIDE)
    (folder / "status.csv").write_text(
        "initiative,status,percent_done,date,note\n"
        "complaint-log,finished,,2026-02-01,\n"
        "complaint-log,done,,2026-02-02,\n"
        "no-such-thing,under way,10,2026-02-01,\n"
        "smart-service-levels,half done,150,2099-01-01,\n", encoding="utf-8")
    r = workbench("status", folder)
    assert r.exit_code == 2
    err = r.stderr
    assert "row 3, column 'initiative'" in err and "already in row 2" in err
    assert "row 4, column 'initiative'" in err and "'no-such-thing'" in err
    assert "row 5, column 'status'" in err and "'half done'" in err
    assert "row 5, column 'percent_done'" in err and "'150'" in err
    assert "row 5, column 'date'" in err and "2099-01-01" in err
