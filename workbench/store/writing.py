"""Writing the store: a run, one client's rounds in one transaction, and forgetting a client entirely."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from workbench.engagement.rounds import SINGLE_ROUND
from workbench.store.schema import ROUND_TABLES, clients, kpi_values, rounds, runs


def start_run(engine: sa.Engine, engine_name: str, version: str) -> int:
    with engine.begin() as conn:
        return conn.execute(runs.insert().values(started=dt.datetime.now(), engine=engine_name,
                                                 workbench_version=version)).inserted_primary_key[0]


def record_client(engine: sa.Engine, run_id: int | None, record: dict) -> None:
    """Record one client's rounds in one transaction. The latest round is replaced by this run's results;
    an earlier round is kept as it was first recorded (its roadmap as planned then), or added if missing.
    The implicit single round ('baseline', responses directly in responses/) is dropped once the client's
    answers are filed in round folders: those folders hold the same answers, now dated."""
    now = dt.datetime.now()
    with engine.begin() as conn:
        c = record["client"]
        row = conn.execute(sa.select(clients.c.id).where(clients.c.client_id == c["client_id"])).first()
        values = dict(name=c["name"], sector=c["sector"], model_id=c["model_id"], last_recorded=now)
        if row is None:
            cid = conn.execute(clients.insert().values(client_id=c["client_id"], **values)).inserted_primary_key[0]
        else:
            cid = row[0]
            conn.execute(clients.update().where(clients.c.id == cid).values(**values))
        existing = dict(conn.execute(sa.select(rounds.c.round, rounds.c.id).where(rounds.c.client == cid)).all())
        names = {r["round"]["round"] for r in record["rounds"]}
        if SINGLE_ROUND in existing and SINGLE_ROUND not in names:
            # the undated single round of an engagement whose answers now live in dated round folders
            _delete_round(conn, existing.pop(SINGLE_ROUND))
        latest = record["rounds"][-1]["round"]["round"]
        for r in record["rounds"]:
            name = r["round"]["round"]
            if name in existing:
                if name != latest:
                    continue
                _delete_round(conn, existing[name])
            rid = conn.execute(rounds.insert().values(client=cid, run=run_id, recorded=now, **r["round"])
                               ).inserted_primary_key[0]
            for table in ROUND_TABLES:
                rows = r.get(table.name) or []
                if rows:
                    conn.execute(table.insert(), [dict(x, round_id=rid) for x in rows])
        conn.execute(kpi_values.delete().where(kpi_values.c.client == cid))
        if record.get("kpi_values"):
            conn.execute(kpi_values.insert(), [dict(x, client=cid) for x in record["kpi_values"]])


def _delete_round(conn, rid: int) -> None:
    for table in ROUND_TABLES:
        conn.execute(table.delete().where(table.c.round_id == rid))
    conn.execute(rounds.delete().where(rounds.c.id == rid))


def forget_client(engine: sa.Engine, client_id: str) -> int:
    """Remove every row about a client; then rebuild the database so nothing of it stays in free space
    (SQLite: VACUUM, on top of secure_delete; PostgreSQL: VACUUM FULL of the tables). Returns rounds removed."""
    with engine.begin() as conn:
        row = conn.execute(sa.select(clients.c.id).where(clients.c.client_id == client_id)).first()
        if row is None:
            return -1
        rids = [x[0] for x in conn.execute(sa.select(rounds.c.id).where(rounds.c.client == row[0]))]
        for rid in rids:
            _delete_round(conn, rid)
        conn.execute(kpi_values.delete().where(kpi_values.c.client == row[0]))
        conn.execute(clients.delete().where(clients.c.id == row[0]))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("VACUUM")
        elif engine.dialect.name == "postgresql":
            for table in [*ROUND_TABLES, rounds, kpi_values, clients]:
                conn.exec_driver_sql(f"VACUUM FULL {table.name}")
    return len(rids)
