"""Where the store is and opening it: a folder or URL made a database URL, its location checked, the schema
migrated; InputError names the store when it cannot be used."""
from __future__ import annotations

import contextlib
from importlib import resources
from pathlib import Path

import sqlalchemy as sa

from assessment.problems import InputError, Problem
from workbench.outputs import refuse_output, removed_on_failure

STORE_FILE = "portfolio.sqlite"


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
    from alembic import command  # Alembic only when a store is created or migrated
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("workbench.store") / "migrations"))
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
