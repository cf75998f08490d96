"""The portfolio store on a real PostgreSQL server (Debian's postgresql package, which `make test`
installs): the same batch, recording, portfolio report and forget as with SQLite, via `--store URL`."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import EXAMPLES, run

BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def _as_postgres(cmd: list[str]) -> list[str]:
    """Root may not run the server: run as the postgres user the Debian package creates."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def postgres_url():
    if not BIN:
        pytest.skip("Debian's postgresql package is not installed (make test installs it: make db-deps)")
    bindir = Path(BIN[-1]).parent
    home = Path(tempfile.mkdtemp(prefix="wb-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    data = home / "data"
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                 "--no-sync"]), check=True, capture_output=True)
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(home / "log"), "-o",
                                 f"-k {home} -p {port} -c listen_addresses='' -c fsync=off", "start"]),
                   check=True, capture_output=True)
    try:
        url = f"postgresql+psycopg://postgres@/postgres?host={home}&port={port}"
        with sa.create_engine(url).connect() as conn:  # the server answers
            assert conn.exec_driver_sql("select 1").scalar() == 1
        yield url
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


def test_batch_portfolio_and_forget_on_postgresql(postgres_url, tmp_path, workbench):
    out = tmp_path / "out"
    r = run(EXAMPLES / "harbourside-council-contact-centre", EXAMPLES / "northbank-it-service-desk",
            "--out", out, "--formats", "html", "--store", postgres_url)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not (out / "portfolio.sqlite").exists()  # recorded on the server, not in a file
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0002"
        assert conn.exec_driver_sql("select count(*) from rounds").scalar() == 4
        assert conn.exec_driver_sql("select count(*) from kpi_values").scalar() == 36
        assert conn.exec_driver_sql("select count(*) from initiative_delivery").scalar() == 21
    r = workbench("portfolio", "--store", postgres_url, "--out", tmp_path / "p")
    assert r.exit_code == 0, r
    html = (tmp_path / "p" / "portfolio.html").read_text()
    assert "Harbourside Council Contact Centre" in html.split("Clients behind their roadmap")[1]
    assert "Harbourside Council Contact Centre" in html.split("Late initiatives")[1].split("common top gaps")[0]
    r = workbench("forget", "harbourside-council-contact-centre", "--store", postgres_url)
    assert r.exit_code == 0, r
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select client_id from clients").scalars().all() == ["northbank-it-service-desk"]
        assert conn.exec_driver_sql("select count(*) from rounds").scalar() == 1
        assert conn.exec_driver_sql("select count(*) from question_scores q join rounds r on r.id = q.round_id "
                                    "join clients c on c.id = r.client").scalar() == \
            conn.exec_driver_sql("select count(*) from question_scores").scalar()
