"""An engagement's customer measurement: the answers in `customers/` read once per engagement, and what
they say in the customers' eyes (assessment.customer_view), for the reports, the deck, the workshop and the
gap priority alike. An engagement without a driver tree or without customer answers has none (None)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from assessment import customer_view as cv
from assessment.customer_answers import CUSTOMERS_DIR, CustomerAnswers, read_customer_answers
from assessment.problems import InputError, Problem

KPI_SOURCE = "customers:"  # a scorecard KPI whose source is 'customers:<driver id>', 'customers:overall' or
#                            'customers:recommend' takes its values from customers/, month by month


def read_engagement_customers(engagement, today: dt.date | None = None) -> CustomerAnswers:
    """customers/ read and validated against the driver tree; InputError lists every problem."""
    folder = engagement.folder / CUSTOMERS_DIR
    tree = engagement.config.customers
    if not tree.drivers and folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
        raise InputError([Problem(str(folder), "customer answers are here, but client.yaml has no driver tree to read "
                                               "them by; expected a `customers:` section with drivers (see "
                                               "`workbench init-client`)")], f"the customer answers of "
                                                                             f"{engagement.folder}")
    got = read_customer_answers(folder, tree, tree.columns, root=engagement.folder, today=today)
    if got.problems:
        raise InputError(got.problems, f"the customer answers of {engagement.folder}")
    return got


@dataclass
class CustomerView:
    """Everything the reports show in the customers' eyes."""

    answers: pd.DataFrame
    comments: pd.DataFrame
    drivers: pd.DataFrame       # cv.driver_table
    layers: pd.DataFrame        # cv.layer_table
    headline: dict              # cv.headline
    monthly: pd.DataFrame       # cv.trend by month
    rolling: pd.DataFrame       # cv.trend, rolling four weeks
    outside_in: pd.DataFrame    # cv.outside_in against the assessment
    quotes: pd.DataFrame        # cv.customer_quotes
    acceptable: float
    notes: list

    @property
    def flagged(self) -> pd.DataFrame:
        return cv.flagged_first(self.drivers)

    @property
    def weak_roots(self) -> pd.DataFrame:
        return self.drivers[(self.drivers["layer"] == "roots") & self.drivers["below"]]

    @property
    def disagreements(self) -> pd.DataFrame:
        return self.outside_in[self.outside_in["verdict"].str.startswith(("staff see", "customers see"))]


def customer_view(engagement, dimensions: pd.DataFrame) -> CustomerView | None:
    """The view in the customers' eyes against an assessment's dimension table; None without answers."""
    got = engagement.customer_answers
    if got.empty:
        return None
    tree = engagement.config.customers
    drivers = engagement.customer_drivers
    levels = (engagement.model.levels[0].value, engagement.model.levels[-1].value)
    return CustomerView(got.answers, got.comments, drivers, cv.layer_table(got.answers, tree, drivers),
                        cv.headline(got.answers), cv.trend(got.answers, tree, "month"),
                        cv.trend(got.answers, tree, "rolling"), cv.outside_in(drivers, dimensions, levels),
                        cv.customer_quotes(got.comments, got.answers), tree.acceptable, got.notes)


def customer_kpi_measurements(engagement) -> pd.DataFrame:
    """Monthly values of the scorecard KPIs measured by customers (source 'customers:...'), as kpis.csv rows
    (kpi, date, value, note): computed, never typed in."""
    kpis = [k for k in engagement.config.vision.scorecard if k.source.strip().startswith(KPI_SOURCE)]
    if not kpis or engagement.customer_answers.empty:
        return pd.DataFrame(columns=["kpi", "date", "value", "note"])
    frames = []
    for k in kpis:
        item = k.source.strip()[len(KPI_SOURCE):].strip()
        m = cv.monthly_values(engagement.customer_answers.answers, item)
        frames.append(pd.DataFrame({"kpi": k.id, "date": m["date"], "value": m["value"],
                                    "note": [f"from {n} customers" for n in m["customers"]]}))
    return pd.concat(frames, ignore_index=True)


def kpi_source_problems(config) -> list[tuple[tuple, str]]:
    """A scorecard KPI whose source names customers but no driver, overall or recommend."""
    ids = {d.id for d in config.customers.drivers}
    out = []
    for i, k in enumerate(config.vision.scorecard):
        src = k.source.strip()
        if src.startswith(KPI_SOURCE):
            item = src[len(KPI_SOURCE):].strip()
            if item not in ids | {"overall", "recommend"}:
                out.append((("vision", "scorecard", i, "source"),
                            f"KPI {k.id!r} is measured by customers:{item}, which names no driver; expected "
                            f"customers: followed by overall, recommend or a driver id "
                            f"({', '.join(sorted(ids)) or 'the driver tree has none'})"))
    return out
