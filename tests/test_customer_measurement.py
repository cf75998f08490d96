"""The customers' own measurement: the survey built from the driver tree, their answers read from every shape a
survey tool exports, the analysis in their eyes, and what it changes in the plan."""
from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from assessment import customer_view as cv
from assessment.customers import DriverTree
from roadmaps.gaps import dimension_gaps
from workbench.engagement.folder import load_engagement
from workbench.planning import plan_engagement

NORTHBANK = "northbank-it-service-desk"
BRIGHTLOOP = "brightloop-customer-support"
ST_ALDHELMS = "st-aldhelms-facilities"


def _write_answers(folder, rows: list[list], name: str = "pulse.csv", delimiter=",", encoding="utf-8",
                   header: list[str] | None = None) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    if header:
        w.writerow(header)
    w.writerows(rows)
    (folder / "customers").mkdir(exist_ok=True)
    (folder / "customers" / name).write_bytes(buf.getvalue().encode(encoding))


def _long_rows(tree: DriverTree, ratings: dict[str, int], customers: int, start=dt.date(2026, 10, 5)) -> list[list]:
    rows = []
    for i in range(customers):
        day = start + dt.timedelta(days=i % 20)
        for d in tree.drivers:
            rows.append([day.isoformat(), f"Customer {i}", d.id, "performance", ratings.get(d.id, 4)])
            rows.append([day.isoformat(), f"Customer {i}", d.id, "importance", 4])
    return rows


# ---------------------------------------------------------------- the survey, out and back

def test_the_customer_survey_comes_back_as_dated_answers(engagement, workbench):
    r = workbench("customer-survey", engagement)
    assert r.exit_code == 0, r
    survey, columns = engagement / "customer-survey.xlsx", engagement / "customer-survey-form-columns.csv"
    assert survey.exists() and columns.exists()
    tree = load_engagement(engagement).config.customers
    header = columns.read_text(encoding="utf-8").splitlines()[0]
    assert all(f"[{d.id}]" in header for d in tree.drivers)  # the form's columns carry the driver ids
    assert "Overall satisfaction" in header and "recommend" in header and header.endswith("Comment")
    # a customer fills it in
    wb = load_workbook(survey)
    assert {"Customer survey", "Online form"} <= set(wb.sheetnames) and wb["_workbench"].sheet_state == "hidden"
    ws = wb["Customer survey"]
    ws["C4"], ws["C5"] = dt.date(2026, 10, 6), "Priya Shah, Leeds branch"
    first = next(r for r in range(1, 30) if ws.cell(r, 1).value == tree.drivers[0].id)
    for i, _ in enumerate(tree.drivers):
        ws.cell(first + i, 4).value, ws.cell(first + i, 5).value = 2 if i == 0 else 4, 5
    comment_row = next(r for r in range(first, 60) if str(ws.cell(r, 3).value).startswith("Is there anything"))
    ws.cell(comment_row + 1, 3).value = "Priya here: the portal keeps timing out."
    (engagement / "customers").mkdir()
    wb.save(engagement / "customers" / "interview-priya.xlsx")
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r
    assert "customers: 1 customers" in r.stdout and f"{2 * len(tree.drivers)} answers" in r.stdout
    got = load_engagement(engagement).customer_answers
    assert set(got.answers["date"]) == {pd.Timestamp(2026, 10, 6)}
    perf = got.answers[got.answers["measure"] == "performance"].set_index("driver")["value"]
    assert perf[tree.drivers[0].id] == 2 and perf[tree.drivers[1].id] == 4
    assert got.comments["text"].tolist() == ["Priya here: the portal keeps timing out."]


def test_the_survey_is_never_written_over_an_input(engagement, workbench):
    (engagement / "customers").mkdir()
    r = workbench("customer-survey", engagement, "--out", engagement / "customers" / "survey.xlsx")
    assert r.exit_code != 0 and "reads" in r.stderr and not (engagement / "customers" / "survey.xlsx").exists()


def test_no_driver_tree_means_no_survey_and_says_why(tmp_path, workbench):
    r = workbench("init-client", tmp_path / "sam", "--name", "Sam Co", "--model", "samm-lite")
    text = (tmp_path / "sam" / "client.yaml").read_text()
    (tmp_path / "sam" / "client.yaml").write_text(text[:text.index("\ncustomers:")] + "\n")
    r = workbench("customer-survey", tmp_path / "sam")
    assert r.exit_code != 0 and "no driver tree" in r.stderr


# ---------------------------------------------------------------- the shapes survey tools export

def test_a_forms_export_with_renamed_and_numbered_columns_reads_with_the_mapping(engagement, workbench):
    tree = load_engagement(engagement).config.customers
    d0, d1, d2 = tree.drivers[:3]
    text = (engagement / "client.yaml").read_text()
    text = text.replace("\ncustomers:\n", "\ncustomers:\n  columns:\n    \"How fast do we answer?\": "
                                        f"{d0.id}:performance\n", 1)
    (engagement / "client.yaml").write_text(text)
    header = ["ID", "Start time", "Completion time", "Email", "Name", "How fast do we answer?",
              f"2. {d1.question} (1-5)",                                  # numbered, the driver's own question
              f"How important is each to you? [{d2.name}]",                 # a grid question's row
              "Q4. Overall satisfaction", "How likely are you to recommend us?", "Anything else?"]
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    ws.append([1, dt.datetime(2026, 10, 5, 9), dt.datetime(2026, 10, 5, 9, 4), "anonymous", "Ann Lee", 2,
               "4 - Good", "Very important", 4, 9, "Ann Lee says hi"])
    ws.append([2, dt.datetime(2026, 10, 6, 9), dt.datetime(2026, 10, 6, 9, 4), "anonymous", "", "N/A", 5, "", 3, 6,
               ""])
    (engagement / "customers").mkdir()
    wb.save(engagement / "customers" / "Pulse(1-2).xlsx")
    got = load_engagement(engagement).customer_answers
    a = got.answers.set_index(["response", "driver", "measure"])["value"]
    first = "customers/Pulse(1-2).xlsx#2"
    assert a[(first, d0.id, "performance")] == 2 and a[(first, d1.id, "performance")] == 4
    assert a[(first, d2.id, "importance")] == 4  # "Very important"
    assert a[(first, "", "overall")] == 4 and a[(first, "", "recommend")] == 9
    assert ("customers/Pulse(1-2).xlsx#3", d0.id, "performance") not in a.index  # N/A is no answer
    assert set(got.answers["date"].dt.date) == {dt.date(2026, 10, 5), dt.date(2026, 10, 6)}


def test_a_long_csv_with_semicolons_in_windows_1252_and_day_first_dates_reads(engagement):
    tree = load_engagement(engagement).config.customers
    rows = [["13/10/2026", "Café Nordlys AS", tree.drivers[0].name, "Performance", "3"],
            ["13/10/2026", "Café Nordlys AS", tree.drivers[0].name, "Importance", "5"],
            ["02/11/2026", "Müller Logistik", tree.drivers[1].id, "", "4"],
            ["02/11/2026", "Müller Logistik", "Recommend", "", "10"],
            ["02/11/2026", "Müller Logistik", "Comment", "", "Très bien, merci"]]
    _write_answers(engagement, rows, delimiter=";", encoding="cp1252",
                   header=["Date", "Customer", "Driver", "Measure", "Value"])
    got = load_engagement(engagement).customer_answers
    assert sorted(got.answers["date"].dt.date.unique()) == [dt.date(2026, 10, 13), dt.date(2026, 11, 2)]
    assert set(got.answers["respondent"]) == {"Café Nordlys AS", "Müller Logistik"}
    assert got.answers.groupby("measure").size().to_dict() == {"importance": 1, "performance": 2, "recommend": 1}
    assert got.comments["text"].tolist() == ["Très bien, merci"]


def test_bad_customer_answers_are_named_by_file_row_and_column_and_nothing_is_read(engagement, workbench):
    tree = load_engagement(engagement).config.customers
    d = tree.drivers[0]
    _write_answers(engagement, [["2026-10-05", "A", "7"], ["2099-01-01", "B", "3"], ["05/06/2026", "C", "x"]],
                   name="week-1.csv", header=["Date", "Customer", f"[{d.id}] {d.question}"])
    _write_answers(engagement, [["2026-10-05", "4", "4"]], name="week-2.csv",
                   header=["Date", f"[{d.id}] how well", "How much do you like our logo?"])
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    err = r.stderr
    assert "customers/week-1.csv, row 2, column" in err and "found '7'; expected a rating from 1 to 5" in err
    assert "row 3" in err and "found '2099-01-01'" in err and "to today" in err
    assert "row 4" in err and "'05/06/2026'" in err and "day-first or month-first" in err
    assert "found 'x'" in err
    assert "customers/week-2.csv, row 1, column 'How much do you like our logo?'" in err
    assert "customers: columns:" in err  # how to map a column it cannot place


def test_the_same_export_dropped_twice_is_refused(engagement, workbench):
    tree = load_engagement(engagement).config.customers
    _write_answers(engagement, _long_rows(tree, {}, 2), name="a.csv", header=["date", "customer", "driver", "measure",
                                                                             "value"])
    (engagement / "customers" / "a (copy).csv").write_bytes((engagement / "customers" / "a.csv").read_bytes())
    r = workbench("validate", engagement)
    assert r.exit_code == 2 and "the same bytes as customers/a" in r.stderr and "the same answers twice" in r.stderr


# ---------------------------------------------------------------- the analysis

def _answers(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"date": pd.Timestamp(day), "response": f"r{who}", "respondent": f"c{who}", "driver": drv,
                          "measure": "performance", "value": float(v), "source": "x", "row": 1}
                         for day, who, drv, v in rows])


TREE = DriverTree(drivers=[{"id": "a", "layer": "roots", "name": "A", "question": "A?", "dimensions": ["d1"]},
                           {"id": "b", "layer": "trunk", "name": "B", "question": "B?", "dimensions": ["d2"]},
                           {"id": "c", "layer": "crown", "name": "C", "question": "C?", "dimensions": ["d3"]}])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 120), st.integers(0, 40), st.sampled_from("abc"), st.integers(1, 5)),
                min_size=1, max_size=300), st.integers(1, 8))
def test_no_trend_point_stands_on_fewer_customers_than_the_minimum(answers, minimum):
    rows = [(dt.date(2026, 6, 1) + dt.timedelta(days=d), who, drv, v) for d, who, drv, v in answers]
    a = _answers(rows).drop_duplicates(["response", "driver", "date"])
    for by in ("month", "rolling"):
        t = cv.trend(a, TREE, by, min_customers=minimum)
        assert (t["customers"][t["mean"].notna()] >= minimum).all()
        assert not t.loc[t["customers"] < minimum, "shown"].any()
        # a month's point is the plain mean of the answers of that month
        if by == "month":
            for r in t[t["shown"] & (t["series"] == "all")].itertuples():
                month = a[a["date"].dt.to_period("M").dt.start_time == r.period]
                assert r.mean == pytest.approx(month["value"].mean())
                assert r.customers == month["response"].nunique()


def test_a_root_below_the_acceptable_level_is_flagged_first():
    a = _answers([(dt.date(2026, 10, 1), i, drv, v) for i in range(6) for drv, v in (("a", 2), ("b", 3), ("c", 5))])
    drivers = cv.driver_table(a, TREE)
    order = cv.flagged_first(drivers)
    assert list(order["driver"][:2]) == ["a", "b"] and order["flag"][0].startswith("root below acceptable")
    # fewer than five customers: no rating at all
    few = cv.driver_table(a[a["response"].isin(["r0", "r1", "r2", "r3"])], TREE)
    assert few["performance"].isna().all() and (few["customers"] == 4).all()


# ---------------------------------------------------------------- it changes the plan

def test_the_customer_component_lifts_a_weak_foundation_in_the_customers_eyes_and_is_0_without_data(
        example_copy):
    folder = example_copy(NORTHBANK)
    p = plan_engagement(folder)
    assert p.customers is not None and (p.gaps["c_customers"] > 0).any()
    a, model = p.assessment, p.engagement.model
    args = (a.dimensions, a.perception_gap, a.importance, p.targets, model, p.weights)
    without = dimension_gaps(*args)
    assert (without["c_customers"] == 0).all() and (without["w_customers"] == 0).all()
    # the same client, customers rating the root and the trunk drivers of Customer insight poorly
    linked = p.engagement.customer_drivers
    poor = linked.assign(performance=np.where(linked["dimensions"].map(lambda ds: "customer-insight" in ds), 1.5, 4.5))
    poor = poor.assign(shortfall=(3.5 - poor["performance"]).clip(lower=0), below=poor["performance"] < 3.5)
    with_poor = dimension_gaps(*args, customers=cv.customer_component(poor, 3.5))
    rank = lambda g, dim: int(g.set_index("dimension").loc[dim, "rank"])  # noqa: E731
    assert rank(with_poor, "customer-insight") < rank(without, "customer-insight")
    assert "customers rate" in with_poor.set_index("dimension").loc["customer-insight", "why"]
    # a client without customers/ ranks exactly as before
    st_aldhelms = plan_engagement(example_copy(ST_ALDHELMS))
    assert st_aldhelms.customers is None and (st_aldhelms.gaps["c_customers"] == 0).all()


def test_a_kpi_measured_by_customers_is_computed_and_never_typed_in(example_copy, workbench):
    folder = example_copy(BRIGHTLOOP)
    from workbench.engagement.kpis import kpi_measurements

    m = kpi_measurements(load_engagement(folder))
    nps = m[m["kpi"] == "nps"]
    assert len(nps) == 3 and nps["note"].str.match(r"from \d+ customers").all()  # September to November
    assert nps["value"].between(-100, 100).all()
    (folder / "kpis.csv").write_text("kpi,date,value\nnps,2026-10-31,30\n")
    r = workbench("validate", folder)
    assert r.exit_code == 2 and "measured by customers" in r.stderr and "kpis.csv" in r.stderr


# ---------------------------------------------------------------- what the client reads

def test_the_report_and_deck_show_the_customers_view_only_where_there_are_customers(batch):
    from pptx import Presentation

    out, _ = batch
    for client, has in (("northbank-it-service-desk", True), ("brightloop-software-customer-support", True),
                        ("st-aldhelms-hospital-facilities-services", False)):
        html = (out / client / "report.html").read_text(encoding="utf-8")
        assert ("In the customers&#x27; eyes" in html) == has, client
        titles = [s.shapes.title.text for s in Presentation(out / client / "deck.pptx").slides if s.shapes.title]
        assert ("In the customers' eyes" in titles) == has, client
    html = (out / "northbank-it-service-desk" / "report.html").read_text(encoding="utf-8")
    assert "Roots below the acceptable level" in html and "Where staff and customers disagree" in html
    assert "[name] and I have given up" in html  # a customer's own name never reaches the report
