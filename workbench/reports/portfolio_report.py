"""`workbench portfolio`: the consultancy's view across clients, built from the portfolio store."""
from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from jinja2 import Environment, select_autoescape

from assessment.model import load_model
from roadmaps.portfolio import behind_roadmap, common_top_gaps, late_initiatives, level_distribution
from workbench import atomic
from workbench import store as st
from workbench.reports import charts
from workbench.reports.report import TEMPLATES, report_css

PORTFOLIO_FILE = "portfolio.html"


def portfolio_tables(engine: sa.Engine) -> dict:
    """Everything the portfolio report shows, as DataFrames."""
    latest = st.latest_rounds(engine)
    d, r, c, t = st.dimension_scores, st.rounds, st.clients, st.planned_trajectory
    scores = st.read_table(engine, sa.select(d.c.round_id, d.c.dimension, d.c.name, d.c.level, d.c.rank, d.c.gap))
    scores = scores.merge(latest[["round_id", "client_id", "name", "sector", "date"]].rename(columns={"name": "client"}),
                          on="round_id")
    counts = st.read_table(engine, sa.select(c.c.client_id, sa.func.count(r.c.id).label("rounds"))
                           .join(r, r.c.client == c.c.id).group_by(c.c.client_id))
    firsts = st.read_table(engine, sa.select(c.c.client_id, r.c.id.label("round_id"), r.c.date)
                           .join(r, r.c.client == c.c.id))
    firsts = firsts.sort_values(["client_id", "date"], na_position="first").groupby("client_id").head(1)
    several = set(counts.loc[counts["rounds"] > 1, "client_id"])
    firsts = firsts[firsts["client_id"].isin(several)]
    plans = st.read_table(engine, sa.select(t.c.round_id, t.c.dimension, t.c.wave, t.c.date, t.c.level)
                          .where(t.c.round_id.in_([int(x) for x in firsts["round_id"]])))
    plans = plans.merge(firsts[["round_id", "client_id"]], on="round_id")
    latest_levels = scores.rename(columns={"name": "dim_name", "client": "name"})
    i = st.initiative_delivery
    delivered = st.read_table(engine, sa.select(i.c.round_id, i.c.initiative, i.c.title, i.c.state, i.c.as_of)
                              .where(i.c.round_id.in_([int(x) for x in latest["round_id"]])))
    delivered = delivered.merge(latest[["round_id", "client_id", "name"]], on="round_id")
    return {"latest": latest.merge(counts, on="client_id", how="left"), "scores": scores,
            "behind": behind_roadmap(latest_levels, plans), "late": late_initiatives(delivered),
            "gaps": common_top_gaps(scores), "rounds": int(counts["rounds"].sum()) if len(counts) else 0}


def build_portfolio(url: str, out: Path, today: dt.date | None = None) -> Path:
    """Write OUT/portfolio.html from the store at `url`; returns its path."""
    engine = st.open_store(url, create=False)
    t = portfolio_tables(engine)
    latest = t["latest"]
    model_ids = list(dict.fromkeys(latest["model_id"])) or ["service-management"]
    levels = load_model(model_ids[0]).levels
    dist = level_distribution(t["scores"][t["scores"]["client_id"].isin(
        latest.loc[latest["model_id"] == model_ids[0], "client_id"])], [lv.value for lv in levels])
    sectors = []
    for sector, part in dist.groupby("sector", sort=True):
        n = int(latest[latest["sector"] == sector]["client_id"].nunique())
        svg = charts.svg_text(charts.level_distribution_chart(part, levels, f"Levels per dimension: {sector or 'no sector'}"))
        sectors.append({"sector": sector, "clients": n, "rows": part.to_dict("records"),
                        "chart": base64.b64encode(svg.encode()).decode()})
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html = env.from_string((TEMPLATES / "portfolio.html.j2").read_text(encoding="utf-8")).render(
        css=report_css(), clients=latest.sort_values(["sector", "name"]).to_dict("records"), sectors=sectors,
        n_clients=len(latest), n_rounds=t["rounds"], levels=levels, behind=t["behind"].to_dict("records"),
        late=t["late"].to_dict("records"),
        gaps=t["gaps"].to_dict("records"), built=f"{today or dt.date.today():%d %B %Y}")
    target = Path(out) / PORTFOLIO_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(target, html)
    return target
