"""The portfolio store: what a batch run records, migrations, all-or-nothing writes, anonymous peer
comparisons in client reports, the portfolio report, export, and forgetting a client completely."""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import EXAMPLES, client_ids, run
from workbench import store as st
from workbench.planning import plan_engagement
from workbench.store.recording import client_record

HARBOURSIDE = "harbourside-council-contact-centre"
BRIGHTLOOP = "brightloop-customer-support"


def clone(source: Path, dest: Path, client_id: str, name: str) -> Path:
    """A copy of an example engagement under another id and name (same sector and answers)."""
    shutil.copytree(source, dest)
    text = (dest / "client.yaml").read_text()
    text = re.sub(r"(?m)^id: \S+", f"id: {client_id}", text, count=1)
    text = re.sub(r'(?m)^name: ".*"', f'name: "{name}"', text, count=1)
    (dest / "client.yaml").write_text(text)
    return dest


def count(url: str, sql: str) -> int:
    with sa.create_engine(url).connect() as conn:
        return conn.exec_driver_sql(sql).scalar()


def test_a_batch_run_records_every_round_once(tmp_path):
    out = tmp_path / "out"
    folders = [EXAMPLES / HARBOURSIDE, EXAMPLES / "northbank-it-service-desk"]
    r = run(*folders, "--out", out, "--formats", "html")
    assert r.returncode == 0, r.stdout + r.stderr
    url = st.default_url(out)
    assert (out / "portfolio.sqlite").is_file()
    engine = st.open_store(url)
    latest = st.latest_rounds(engine).set_index("client_id")
    assert latest.loc["harbourside-council-contact-centre", "round"] == "2026-11"
    assert latest.loc["harbourside-council-contact-centre", "respondents"] == 22
    assert count(url, "select count(*) from rounds") == 4  # three rounds + one
    n_questions = count(url, "select count(*) from question_scores")
    first_plan = st.read_table(engine, sa.text("select p.* from planned_initiatives p join rounds r on r.id = p.round_id "
                                               "where r.round = '2025-Q4'"))
    assert len(first_plan) > 0 and count(url, "select count(*) from kpi_values") == 36
    assert count(url, "select count(*) from respondent_counts where round_id in (select id from rounds where "
                      "round = '2026-11')") == 3
    # the plan of record as delivered on the review day, with the latest round only (status.csv read)
    assert count(url, "select count(*) from initiative_delivery d join rounds r on r.id = d.round_id "
                      "where r.round = '2026-11'") == count(url, "select count(*) from initiative_delivery") == 21
    assert count(url, "select count(*) from initiative_delivery where state = 'late'") == 3
    # a second run (of the client with three rounds) replaces its latest round and keeps the first round as it was
    # first recorded; the other client's round stays as it is
    r = run(EXAMPLES / HARBOURSIDE, "--out", out, "--formats", "html")
    assert r.returncode == 0, r.stdout + r.stderr
    assert count(url, "select count(*) from rounds") == 4 and count(url, "select count(*) from runs") == 2
    assert count(url, "select count(*) from initiative_delivery") == 21  # replaced with its round, not added
    assert count(url, "select count(*) from question_scores") == n_questions
    again = st.read_table(engine, sa.text("select p.* from planned_initiatives p join rounds r on r.id = p.round_id "
                                          "where r.round = '2025-Q4'"))
    assert again.equals(first_plan)


def test_the_schema_comes_from_the_migrations_and_matches_the_code(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = st.open_store(st.url_from(str(tmp_path)))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0002"
        assert compare_metadata(MigrationContext.configure(conn), st.meta) == []


def test_a_store_made_before_the_delivery_table_is_upgraded_in_place(tmp_path):
    """A store written by an earlier release (schema 0001) gets the initiative_delivery table when opened, its rows
    kept."""
    from alembic import command
    from alembic.config import Config
    from importlib import resources

    url = st.url_from(str(tmp_path))
    engine = sa.create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("workbench.store") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql("insert into clients (client_id, name, sector, model_id, last_recorded) values "
                             "('old', 'Old client', '', 'service-management', '2026-01-01 00:00:00')")
    engine = st.open_store(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0002"
        assert conn.exec_driver_sql("select count(*) from initiative_delivery").scalar() == 0
        assert conn.exec_driver_sql("select client_id from clients").scalar() == "old"


def test_a_failure_while_recording_leaves_nothing_of_the_client(tmp_path):
    engine = st.open_store(st.url_from(str(tmp_path)))
    record = client_record(plan_engagement(EXAMPLES / HARBOURSIDE))
    record["rounds"][-1]["question_scores"][5]["dimension"] = None  # NOT NULL: fails halfway through
    with pytest.raises(sa.exc.IntegrityError):
        st.record_client(engine, None, record)
    for table in ("clients", "rounds", "dimension_scores", "question_scores", "kpi_values"):
        with engine.connect() as conn:
            assert conn.exec_driver_sql(f"select count(*) from {table}").scalar() == 0, table


@pytest.fixture
def software_peers(tmp_path):
    """A store holding six Software clients (copies of Brightloop under other names)."""
    url = st.url_from(str(tmp_path / "store"))
    engine = st.open_store(url)
    peers = []
    for i in range(6):
        folder = clone(EXAMPLES / BRIGHTLOOP, tmp_path / f"peer{i}", f"zephyr-peer-{i}", f"Zephyr Peer Company {i}")
        record = client_record(plan_engagement(folder))
        for k, row in enumerate(record["rounds"][-1]["dimension_scores"]):  # peers 0-1 below, 3-5 above or
            row["mean"] = row["mean"] + 0.1 * (i - 2) * (1 if k % 2 == 0 else -1)  # the other way round
        st.record_client(engine, None, record)
        peers.append(record["client"])
    return url, peers


def test_a_client_report_places_it_among_peers_and_names_none(software_peers, tmp_path):
    url, peers = software_peers
    out = tmp_path / "out"
    r = run(EXAMPLES / BRIGHTLOOP, "--out", out, "--formats", "html,xlsx", "--store", url)
    assert r.returncode == 0, r.stdout + r.stderr
    folder = out / "brightloop-software-customer-support"
    html = (folder / "report.html").read_text()
    assert "Where you stand among peers" in html and "Compared with 6 other clients in the Software sector" in html
    percentiles = [int(x) for x in re.findall(r'<tr><td>[^<]+</td><td class="num">(\d+)</td></tr>',
                                             html.split("Where you stand among peers</h2>")[1].split("</table>")[0])]
    # 2 of 6 peers below and 1 level (half counts): 42; or 3 below and 1 level: 58
    assert percentiles == [42, 58] * 6
    for f in folder.rglob("*"):
        text = f.read_bytes()
        for p in peers:  # not a name, not an id, in any file of the client's output
            assert p["name"].encode() not in text and p["client_id"].encode() not in text, f
            assert b"Zephyr" not in text and b"zephyr" not in text, f


def test_fewer_than_five_peers_means_no_comparison(batch):
    out, _ = batch  # the examples run into an empty store: one client per sector
    html = (out / "brightloop-software-customer-support" / "report.html").read_text()
    assert "No peer comparison: the portfolio holds fewer than 5 other clients in the Software sector" in html
    assert "Percentile among peers" not in html


def test_the_portfolio_report_shows_sectors_laggards_and_common_gaps(batch, tmp_path, workbench):
    out, _ = batch  # every example, recorded in OUT/portfolio.sqlite by the run
    r = workbench("portfolio", "--store", out, "--out", tmp_path / "portfolio")
    assert r.exit_code == 0, r
    html = (tmp_path / "portfolio" / "portfolio.html").read_text()
    for sector in ("Banking", "Healthcare", "Public sector", "Software"):
        assert f"<h2>{sector} (1 client)</h2>" in html
    behind = html.split("Clients behind their roadmap")[1].split("</table>")[0]
    assert "Harbourside Council Contact Centre" in behind and "Northbank" not in behind  # one round: not judged
    gaps = html.split("The most common top gaps")[1]
    assert re.search(r"<td>[A-Z][^<]+</td><td class=\"num\">[1-4]</td>", gaps)
    assert html.count('src="data:image/svg+xml;base64,') == 4


def test_forget_removes_every_trace_of_a_client_from_the_database_file(batch, tmp_path, workbench):
    out, _ = batch  # every example, recorded in OUT/portfolio.sqlite by the run
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    shutil.copy(out / "portfolio.sqlite", store_dir / "portfolio.sqlite")  # the store alone in its folder
    db = store_dir / "portfolio.sqlite"
    marks = [b"harbourside", b"Harbourside", b"Public sector", "Tomás".encode()]
    assert any(m in db.read_bytes() for m in marks)
    r = workbench("forget", "harbourside-council-contact-centre", "--store", store_dir)
    assert r.exit_code == 0, r
    assert "Removed harbourside-council-contact-centre (3 rounds)" in r.stdout
    for f in store_dir.iterdir():  # the database file and any journal next to it
        data = f.read_bytes()
        for m in marks[:3]:
            assert m not in data, (f.name, m)
    with sqlite3.connect(db) as conn:
        assert {c for (c,) in conn.execute("select client_id from clients")} == \
            set(client_ids().values()) - {"harbourside-council-contact-centre"}
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    r = workbench("forget", "harbourside-council-contact-centre", "--store", store_dir)
    assert r.exit_code == 2 and "no client 'harbourside-council-contact-centre' in the store" in r.stderr


def test_export_hands_over_files_analysis_and_store_rows(batch, tmp_path, workbench):
    out, _ = batch
    target = tmp_path / "handover.zip"
    r = workbench("export", EXAMPLES / HARBOURSIDE, "--out", target, "--store", out)
    assert r.exit_code == 0, r
    with zipfile.ZipFile(target) as z:
        names = set(z.namelist())
        assert {"engagement/client.yaml", "engagement/kpis.csv", "engagement/responses/2025-Q4/survey-export.csv",
                "engagement/status.csv", "analysis/round-2025-Q4.json", "analysis/round-2026-11.json",
                "store/rows.json"} <= names
        latest = json.loads(z.read("analysis/round-2026-11.json"))
        assert latest["round"]["respondents"] == 22 and len(latest["dimension_scores"]) == 12
        rows = json.loads(z.read("store/rows.json"))
        assert [r["round"] for r in rows["rounds"]] == ["2025-Q4", "2026-Q3", "2026-11"]
        assert len(rows["kpi_values"]) == 36 and len(rows["initiative_delivery"]) == 21


def test_a_store_url_that_cannot_be_used_is_named(tmp_path):
    r = run(EXAMPLES / BRIGHTLOOP, "--out", tmp_path / "out", "--store", "nosuchdb://x")
    assert r.returncode == 2 and "--store: 'nosuchdb://x' is not a database URL" in r.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
