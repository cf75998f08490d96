"""The executive summary answers first: for clients built so that the strongest finding is known, the key
messages name it with its number; the roadmap's arrival is the wave that reaches the last target, not the end of
an empty wave; empty waves are left out; a start before the report's date is said."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from assessment.model import builtin_models, load_model
from workbench.planning import plan_engagement
from workbench.reports.summary import executive_summary

REPORT_DATE = dt.date(2026, 12, 2)
MODEL = load_model(builtin_models()["service-management"])


def answers(level_for) -> str:
    """A long CSV: 3 leaders, 3 managers and 4 front-line staff answering every question of the default model;
    `level_for(role, question's dimension)` gives each answer."""
    qt = MODEL.question_table
    rows = ["respondent,role,question_id,answer"]
    people = [("L", "Leadership", 3), ("M", "Management", 3), ("F", "Front line", 4)]
    for prefix, role, n in people:
        for i in range(n):
            rows += [f"{prefix}{i},{role},{q},{level_for(role, qt.loc[q, 'dimension'])}" for q in qt.index]
    return "\n".join(rows) + "\n"


@pytest.fixture
def client(engagement):
    """A fresh engagement (init-client) whose answers, waves and start a test sets."""
    def make(level_for, waves: int = 4, start: str | None = "2027-01-04"):
        (engagement / "responses" / "survey.csv").write_text(answers(level_for), encoding="utf-8")
        path = engagement / "client.yaml"
        text = re.sub(r"(?m)^  waves: \d+", f"  waves: {waves}", path.read_text(encoding="utf-8"))
        if start:
            text = re.sub(r"(?m)^  start: .*$", f"  start: {start}", text)
        path.write_text(text, encoding="utf-8")
        return executive_summary(plan_engagement(engagement), REPORT_DATE)
    return make


def test_leaders_far_above_the_front_line_everywhere_is_the_strongest_finding(client):
    s = client(lambda role, dim: {"Leadership": 4, "Management": 3, "Front line": 2}[role])
    assert s.finding == "leaders_vs_front_line"
    n = len(MODEL.dimensions)
    assert (f"Leaders rate the organisation higher than the front line does in {n} of {n} dimensions, by 2.0 of a "
            "level on average") in s.messages[1]
    assert s.messages[0].startswith("Today the organisation stands at level 2, Repeatable (score 2.9 of 5, from 10 "
                                    "respondents)")


def test_one_dimension_far_below_the_rest_is_the_strongest_finding_when_roles_agree(client):
    weak = MODEL.dimensions[4]
    s = client(lambda role, dim: 1 if dim == weak.id else 3)
    assert s.finding == "weakest_dimension"
    assert f"{weak.name} is the weakest dimension: 1.0 against a median of 3.0 for the others." in s.messages
    assert not any("Leaders rate" in m for m in s.messages)


def test_no_pattern_no_finding_and_every_message_carries_its_number(client):
    s = client(lambda role, dim: 3)
    assert s.finding == ""
    assert len(s.messages) == 3  # standing, the gaps to close first, the roadmap
    assert all(re.search(r"\d", m) for m in s.messages)
    assert [d.split(" ")[0] for d in s.decisions] == ["Approve", "Name", "Adopt"][:len(s.decisions)]


def test_arrival_is_the_wave_that_reaches_the_last_target_and_empty_waves_are_left_out(client):
    s = client(lambda role, dim: 3, waves=12)
    roadmap = next(m for m in s.messages if m.startswith("The roadmap"))
    wave = int(re.search(r"by the end of wave (\d+)", roadmap).group(1))
    shown = [w["wave"] for w in s.waves]
    assert shown and max(shown) == wave < 12  # the arrival is the last wave with work in it, not wave 12
    assert all(w["initiatives"] for w in s.waves)
    end = dt.date(2027, 1, 4) + dt.timedelta(weeks=13 * wave, days=-1)
    assert f"({end:%-d %B %Y})" in roadmap


def test_a_start_before_the_report_date_is_said(client):
    assert not client(lambda role, dim: 3).notes
    s = client(lambda role, dim: 3, start="2025-01-06")
    assert s.notes == ["The roadmap's first wave started on 6 January 2025 (set in client.yaml), before this "
                       "report's date: waves already under way are shown as planned."]


def test_a_score_just_below_a_level_never_reads_as_that_level():
    """Northbank's Governance and service levels scores 2.996: level 2, Repeatable. The summary, the gap table
    and the deck print it as 2.9, never as 3.0 beside 'Repeatable'."""
    from conftest import EXAMPLES
    from workbench.reports import readable

    p = plan_engagement(EXAMPLES / "northbank-it-service-desk")
    gov = p.dimensions.set_index("dimension").loc["service-levels"]
    assert 2.99 < gov["current"] < 3.0 and gov["level"] == 2
    s = executive_summary(p, dt.date(2026, 12, 2))
    row = next(d for d in s.profile if d["name"] == gov["name"])
    assert (row["today"], row["level"]) == ("2.9", "Repeatable")
    gaps = readable.gap_table(p.gaps).set_index("name")
    if gov["name"] in gaps.index:
        assert gaps.loc[gov["name"], "current"] == 2.9
    for d in s.profile:  # no score shown at or above the next level's threshold
        assert d["today"] is None or int(float(d["today"])) <= int(d["target"].split()[0])
