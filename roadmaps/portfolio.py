"""Across clients: how levels are spread per dimension and sector, who is behind their roadmap, whose initiatives
are late, and which gaps come up most often. Pure functions over the portfolio store's tables (workbench/store/)."""
from __future__ import annotations

import pandas as pd


def level_distribution(scores: pd.DataFrame, levels: list[int]) -> pd.DataFrame:
    """Clients per sector, dimension and level (one column per level), from each client's latest round.
    `scores`: client_id, sector, dimension, name, level."""
    if scores.empty:
        return pd.DataFrame(columns=["sector", "dimension", "name", *levels, "clients"])
    counts = (scores.dropna(subset=["level"]).astype({"level": int})
              .groupby(["sector", "dimension", "name", "level"], sort=False).size().unstack("level", fill_value=0))
    counts = counts.reindex(columns=levels, fill_value=0)
    counts["clients"] = counts.sum(axis=1)
    return counts.reset_index()


def behind_roadmap(latest: pd.DataFrame, first_plans: pd.DataFrame) -> pd.DataFrame:
    """Clients assessed more than once whose latest level is below the level their first round's roadmap
    planned for the latest round's date, on at least one dimension.

    `latest`: client_id, name (client), date, dimension, dim_name, level (each client's latest round).
    `first_plans`: client_id, dimension, wave, date, level (the trajectory planned at each client's first
    round; only for clients with more than one round)."""
    rows = []
    for cid, plan in first_plans.groupby("client_id", sort=True):
        now = latest[latest["client_id"] == cid]
        if now.empty or pd.isna(now["date"].iloc[0]):
            continue
        day = pd.Timestamp(now["date"].iloc[0])
        done = plan[pd.to_datetime(plan["date"]) <= day]
        if done.empty:
            done = plan[plan["wave"] == plan["wave"].min()]
        planned = done.sort_values("wave").groupby("dimension")["level"].last()
        reached = now.set_index("dimension")["level"]
        names = now.set_index("dimension")["dim_name"]
        short = [d for d in planned.index if d in reached.index and pd.notna(reached[d]) and reached[d] < planned[d]]
        if short:
            rows.append({"client_id": cid, "name": now["name"].iloc[0], "date": now["date"].iloc[0],
                         "behind": len(short), "compared": int(planned.index.isin(reached.index).sum()),
                         "dimensions": ", ".join(f"{names[d]} ({int(reached[d])} of {int(planned[d])})" for d in short)})
    return pd.DataFrame(rows, columns=["client_id", "name", "date", "behind", "compared", "dimensions"]) \
        .sort_values(["behind", "client_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def late_initiatives(delivered: pd.DataFrame) -> pd.DataFrame:
    """Per client with a delivery recorded at its latest round: how many initiatives of its plan of record are late
    (under way past their planned end) or not started though due, on its review day, and which (by title); the
    clients with the most first.

    `delivered`: client_id, name (client), as_of, initiative, title, state (roadmaps.delivery.delivery's states)."""
    rows = []
    for cid, part in delivered.groupby("client_id", sort=True):
        late = part[part["state"] == "late"]
        red = part[part["state"] == "not started though due"]
        rows.append({"client_id": cid, "name": part["name"].iloc[0], "as_of": part["as_of"].iloc[0],
                     "planned": len(part), "late": len(late), "not_started": len(red), "behind": len(late) + len(red),
                     "which": "; ".join(list(red["title"]) + list(late["title"]))})
    out = pd.DataFrame(rows, columns=["client_id", "name", "as_of", "planned", "late", "not_started", "behind", "which"])
    return out.sort_values(["behind", "client_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def common_top_gaps(scores: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """How often each dimension is among a client's `top` ranked gaps (latest rounds), most common first.
    `scores`: client_id, dimension, name, rank, gap."""
    ranked = scores[scores["rank"].notna() & (scores["gap"] > 0)]
    tops = ranked[ranked["rank"] <= top]
    n = scores["client_id"].nunique()
    out = (tops.groupby(["dimension", "name"], sort=False)
           .agg(clients=("client_id", "nunique"), mean_gap=("gap", "mean")).reset_index())
    out["share"] = out["clients"] / n if n else 0.0
    return out.sort_values(["clients", "mean_gap"], ascending=[False, False], kind="stable").reset_index(drop=True)
