"""Reading the store: the latest round of every client, and a client's anonymous peers."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from workbench.store.schema import clients, dimension_scores, rounds


def read_table(engine: sa.Engine, query) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def latest_rounds(engine: sa.Engine) -> pd.DataFrame:
    """Each client's latest round: client_id, name, sector, round id and name, date, model, overall."""
    r, c = rounds, clients
    newest = (sa.select(r.c.client, sa.func.max(r.c.date).label("date")).group_by(r.c.client).subquery())
    q = (sa.select(c.c.client_id, c.c.name, c.c.sector, r.c.id.label("round_id"), r.c.round, r.c.date,
                   r.c.model_id, r.c.model_version, r.c.respondents, r.c.overall_mean, r.c.overall_level)
         .join(r, r.c.client == c.c.id)
         .join(newest, sa.and_(newest.c.client == r.c.client,
                               sa.or_(newest.c.date == r.c.date, sa.and_(newest.c.date.is_(None), r.c.date.is_(None)))))
         .order_by(c.c.client_id))
    return read_table(engine, q).drop_duplicates("client_id", keep="last")


def latest_dimension_scores(engine: sa.Engine) -> pd.DataFrame:
    """The latest round's mean per dimension of every client: client_id, sector, model_id, dimension, mean."""
    latest = latest_rounds(engine)
    if latest.empty:
        return pd.DataFrame(columns=["client_id", "sector", "model_id", "dimension", "mean"])
    d = dimension_scores
    scores = read_table(engine, sa.select(d.c.round_id, d.c.dimension, d.c.mean).where(d.c.mean.is_not(None)))
    merged = scores.merge(latest[["round_id", "client_id", "sector", "model_id"]], on="round_id")
    return merged[["client_id", "sector", "model_id", "dimension", "mean"]]


def peers_for(scores: pd.DataFrame, sector: str, model_id: str, client_id: str) -> dict[str, list[float]]:
    """The other clients' latest means per dimension for one client's sector and model: values only, with
    no name or id (what a client's report may use to place it among its peers)."""
    mine = scores[(scores["sector"] == sector) & (scores["model_id"] == model_id) & (scores["client_id"] != client_id)]
    return {k: sorted(float(x) for x in v) for k, v in mine.groupby("dimension")["mean"]}
