"""The portfolio store: every client's assessment rounds, recorded by each completed batch run.

SQLAlchemy Core over SQLite by default (one file, `portfolio.sqlite`, in a folder the user chooses) or any
database URL, e.g. a firm's shared PostgreSQL server (`--store postgresql+psycopg://host/db`). The schema is
created and upgraded by Alembic migrations (workbench/migrations/). Only the batch coordinator writes, one
transaction per client, so a crash never leaves half a client recorded.

What a round holds: the profile per dimension and question, respondent counts by role, targets and gaps,
the roadmap as planned (initiatives and trajectory), the scorecard's KPI targets, the model id and version;
per client, its KPI measurements. A client's name and sector are kept for the consultancy's portfolio
report; client reports only ever see anonymous peer figures (assessment/peers.py).
"""
from __future__ import annotations

import contextlib
import datetime as dt
from importlib import resources
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from assessment.problems import InputError, Problem
from workbench.outputs import refuse_output, removed_on_failure
from workbench.rounds import SINGLE_ROUND

STORE_FILE = "portfolio.sqlite"
meta = sa.MetaData()

clients = sa.Table(
    "clients", meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("client_id", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("sector", sa.String(200), nullable=False, server_default=""),
    sa.Column("model_id", sa.String(100), nullable=False),
    sa.Column("last_recorded", sa.DateTime, nullable=False),
)
runs = sa.Table(
    "runs", meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("started", sa.DateTime, nullable=False),
    sa.Column("engine", sa.String(50), nullable=False),
    sa.Column("workbench_version", sa.String(50), nullable=False),
)
rounds = sa.Table(
    "rounds", meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("client", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("round", sa.String(100), nullable=False),
    sa.Column("date", sa.Date),
    sa.Column("model_id", sa.String(100), nullable=False),
    sa.Column("model_version", sa.String(50), nullable=False),
    sa.Column("run", sa.Integer, sa.ForeignKey("runs.id", ondelete="SET NULL")),
    sa.Column("recorded", sa.DateTime, nullable=False),
    sa.Column("respondents", sa.Integer, nullable=False),
    sa.Column("overall_mean", sa.Float),
    sa.Column("overall_level", sa.Integer),
    sa.Column("roadmap_start", sa.Date),
    sa.UniqueConstraint("client", "round", name="uq_rounds_client_round"),
)


def _child(name: str, *columns, key: tuple[str, ...]) -> sa.Table:
    return sa.Table(name, meta, sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"),
                                          nullable=False), *columns,
                    sa.PrimaryKeyConstraint("round_id", *key, name=f"pk_{name}"))


dimension_scores = _child(
    "dimension_scores",
    sa.Column("dimension", sa.String(100), nullable=False), sa.Column("name", sa.String(300), nullable=False),
    sa.Column("layer", sa.String(50)), sa.Column("n", sa.Integer), sa.Column("mean", sa.Float),
    sa.Column("level", sa.Integer), sa.Column("target", sa.Integer), sa.Column("gap", sa.Float),
    sa.Column("priority", sa.Float), sa.Column("rank", sa.Integer), key=("dimension",))
question_scores = _child(
    "question_scores",
    sa.Column("question", sa.String(100), nullable=False), sa.Column("dimension", sa.String(100), nullable=False),
    sa.Column("n", sa.Integer), sa.Column("mean", sa.Float), key=("question",))
respondent_counts = _child(
    "respondent_counts",
    sa.Column("role", sa.String(100), nullable=False), sa.Column("respondents", sa.Integer, nullable=False),
    key=("role",))
planned_initiatives = _child(
    "planned_initiatives",
    sa.Column("initiative", sa.String(100), nullable=False), sa.Column("title", sa.String(300), nullable=False),
    sa.Column("wave", sa.Integer, nullable=False), sa.Column("start", sa.Date), sa.Column("end", sa.Date),
    sa.Column("effort", sa.Float), key=("initiative",))
planned_trajectory = _child(
    "planned_trajectory",
    sa.Column("dimension", sa.String(100), nullable=False), sa.Column("wave", sa.Integer, nullable=False),
    sa.Column("date", sa.Date), sa.Column("level", sa.Integer), key=("dimension", "wave"))
kpi_targets = _child(
    "kpi_targets",
    sa.Column("kpi", sa.String(100), nullable=False), sa.Column("name", sa.String(300), nullable=False),
    sa.Column("unit", sa.String(100)), sa.Column("baseline", sa.Float), sa.Column("target", sa.Float),
    sa.Column("due", sa.Date), key=("kpi",))
kpi_values = sa.Table(
    "kpi_values", meta,
    sa.Column("client", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kpi", sa.String(100), nullable=False), sa.Column("date", sa.Date, nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.PrimaryKeyConstraint("client", "kpi", "date", name="pk_kpi_values"),
)
ROUND_TABLES = [dimension_scores, question_scores, respondent_counts, planned_initiatives, planned_trajectory,
                kpi_targets]


def default_url(out: Path) -> str:
    return f"sqlite:///{Path(out).resolve() / STORE_FILE}"


def url_from(value: str, base: Path | None = None) -> str:
    """A store given as a database URL, or as a folder or file path (SQLite)."""
    if "://" in value:
        return value
    path = Path(value)
    if path.suffix not in (".sqlite", ".db", ".sqlite3"):
        path = path / STORE_FILE
    return f"sqlite:///{(Path(base or '.') / path).resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA secure_delete = ON")   # deleted rows are overwritten with zeros, not left in free pages
    cur.execute("PRAGMA journal_mode = DELETE")  # no WAL file that could keep old pages after a commit
    cur.close()


def engine_for(url: str) -> sa.Engine:
    try:
        engine = sa.create_engine(url)
    except Exception as exc:  # ArgumentError, NoSuchModuleError, or a driver's own complaint about the URL
        raise InputError([Problem("--store", f"{_safe(url)!r} is not a database URL this installation can use "
                                             f"({type(exc).__name__}); expected a folder, or e.g. "
                                             "sqlite:///path/portfolio.sqlite or postgresql+psycopg://user@host/db")]
                         ) from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL at all: show it as given
        return url


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for other databases or an in-memory one)."""
    try:
        u = sa.engine.make_url(url)
    except Exception:  # noqa: BLE001 - reported by engine_for
        return None
    return Path(u.database).resolve() if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:") \
        else None


def check_location(url: str, folders: list[Path] = (), files: list[Path] = ()) -> None:
    """A SQLite store must be a file we can create or open: not under a regular file, and not inside the
    folders or over the files a command reads. InputError before anything is created."""
    path = sqlite_path(url)
    if path is None:
        return
    refuse_output(path, "--store", folders, files)
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError([Problem("--store", f"{path}: {parent} is a file, not a folder; expected a folder "
                                                     "(or a .sqlite file) for the portfolio store")])
            break
    if path.exists() and not path.is_file():
        raise InputError([Problem("--store", f"{path} is not a file; expected the portfolio store's .sqlite file "
                                             "or its folder")])


def migrate(engine: sa.Engine) -> None:
    """Bring the store's schema to the newest migration (creating it in an empty database)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("workbench") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str, create: bool = True) -> sa.Engine:
    """An engine on the store at `url`, its schema migrated; InputError names the URL when it cannot connect.
    `create=False` (forget, export, portfolio): a SQLite store must already exist; nothing is created."""
    check_location(url)
    path = sqlite_path(url)
    if path is not None and not create and not path.is_file():
        raise InputError([Problem("--store", f"no portfolio store at {path}; expected the folder or .sqlite file "
                                             "a `workbench run` recorded into (nothing was created)")])
    engine = engine_for(url)
    try:
        with removed_on_failure(path.parent) if path is not None else contextlib.nullcontext():
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            migrate(engine)
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise InputError([Problem("--store", f"cannot open the portfolio store at {_safe(url)}: "
                                             f"{str(exc.orig).strip()}; expected a reachable database")]) from None
    except Exception as exc:  # noqa: BLE001 - Alembic: a store from a newer workbench, a foreign database
        engine.dispose()
        raise InputError([Problem("--store", f"cannot use the portfolio store at {_safe(url)} "
                                             f"({type(exc).__name__}: {exc}); expected a store written by this "
                                             "version of the workbench")]) from None
    return engine


# ---------------------------------------------------------------- recording

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


# ---------------------------------------------------------------- reading

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
