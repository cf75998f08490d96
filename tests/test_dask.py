"""The batch on a Dask cluster: a real LocalCluster, and a separate `dask scheduler` with `dask worker`
processes, give the reports the local engine gives; a lost worker's client is retried once; Ctrl-C leaves
OUT/ consistent."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from openpyxl import load_workbook

from conftest import EXAMPLES, EXE, client_ids, run
from test_batch import client_copy
from test_fast_engine import normalised_outputs

DASK = os.path.join(os.path.dirname(sys.executable), "dask")
strip_date = lambda h: re.sub(r"<tr><th>Date</th><td>[^<]*</td></tr>", "", h)  # noqa: E731


def assert_same_reports(local: Path, dask: Path, cid: str) -> None:
    """What a reader gets from the Dask run is what the local engine made, apart from the cover date."""
    assert strip_date((dask / cid / "report.html").read_text()) == strip_date((local / cid / "report.html").read_text())
    notebooks = sorted(p.name for p in (local / cid).glob("*.ipynb"))
    assert notebooks and notebooks == sorted(p.name for p in (dask / cid).glob("*.ipynb"))
    for nb in notebooks:
        assert normalised_outputs(dask / cid / nb) == normalised_outputs(local / cid / nb), (cid, nb)
    books = [load_workbook(d / cid / "roadmap.xlsx") for d in (local, dask)]
    assert [[list(ws.values) for ws in b.worksheets] for b in books][0] == \
        [[list(ws.values) for ws in b.worksheets] for b in books][1]


def summary(out: Path) -> dict:
    return {row["client_id"]: row for row in csv.DictReader((out / "summary.csv").open())}


def test_a_local_cluster_gives_the_local_engines_reports_and_behaves_like_the_local_batch(batch, tmp_path):
    local, _ = batch
    broken = client_copy(tmp_path, "northbank-it-service-desk", "broken", new_id="broken-desk")
    late = broken / "responses" / "late.csv"
    late.write_text("respondent,role,question,answer\nLate,CEO,STR1,7\n")
    out = tmp_path / "out"
    r = run("--all", EXAMPLES, broken, "--out", out, "--engine", "dask", "--jobs", "2", "--inputs", "ship",
            "--formats", "html,xlsx")  # the PDF is made by the same client step on either pool; its bytes travel as these do
    assert r.returncode == 1, r.stdout + r.stderr  # one client failed, alone
    rows = summary(out)
    for cid in client_ids().values():
        assert rows[cid]["status"] == "ok"
        assert_same_reports(local, out, cid)
        info = json.loads((out / cid / "run.json").read_text())
        assert info["engine"] == "dask" and info["notebook_engine"] == "fast" and info["status"] == "ok"
        assert info["worker"].startswith("tcp://127.0.0.1:") and info["workers"] == [info["worker"]]
        assert info["folder"] == str(EXAMPLES.resolve() / Path(rows[cid]["folder"]).name)
        assert f"{cid}: report ok" in r.stderr  # the progress lines, as locally
    # the inputs travelled with the task, yet what a consultant reads names their own files
    bad = rows["broken-desk"]
    assert bad["status"] == "failed" and bad["failed_step"] == "validate"
    assert f"responses of {broken}:" in bad["error"] and "late.csv" in bad["error"] and "role 'CEO'" in bad["error"]
    assert "dask-scratch" not in (out / "broken-desk.failed" / "run.json").read_text()
    assert not (out / "broken-desk").exists()
    for nb in (out / "northbank-it-service-desk").glob("*.ipynb"):  # notebooks name the coordinator's paths
        assert "dask-scratch" not in nb.read_text()
    assert "4 of 5 clients succeeded" in r.stdout
    assert not (out / ".staging").exists() or not any((out / ".staging").iterdir())
    with sqlite3.connect(out / "portfolio.sqlite") as db:  # the coordinator recorded every good client
        recorded = {c for (c,) in db.execute("select client_id from clients")}
    assert recorded == set(client_ids().values())

    # --resume: unchanged clients are skipped, the broken one runs again and fails again
    r2 = run("--all", EXAMPLES, broken, "--out", out, "--engine", "dask", "--jobs", "2", "--resume",
             "--formats", "html,xlsx")
    assert r2.returncode == 1
    for cid in client_ids().values():
        assert f"{cid}: unchanged since its last good run, skipped" in r2.stderr
    assert "broken-desk: validate failed" in r2.stderr


@pytest.fixture
def cluster(tmp_path):
    """`dask scheduler` and `dask worker --nworkers 2 --nthreads 1` as separate processes on localhost, as the
    README starts them on several machines. Yields the scheduler's address and a client to watch it."""
    from distributed import Client

    file = tmp_path / "scheduler.json"
    env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(file)], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=(logs / "scheduler.log").open("w"))]
    deadline = time.time() + 60
    while not file.exists() and time.time() < deadline:
        time.sleep(0.1)
    procs.append(subprocess.Popen([DASK, "worker", "--scheduler-file", str(file), "--nworkers", "2", "--nthreads", "1",
                                   "--no-dashboard", "--local-directory", str(tmp_path / "scratch")], env=env,
                                  start_new_session=True, stdout=subprocess.DEVNULL,
                                  stderr=(logs / "workers.log").open("w")))
    client = Client(scheduler_file=str(file), timeout=60)
    try:
        client.wait_for_workers(2, timeout=120)
        yield json.loads(file.read_text())["address"], client
    finally:
        client.close()
        for p in reversed(procs):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


class Assassin(threading.Thread):
    """Kills the worker process running a client's task, mid-task, `kills[client]` times (each time on a
    worker it has not killed yet, i.e. the retry's)."""

    def __init__(self, client, kills: dict[str, int]):
        super().__init__(daemon=True)
        self.client, self.kills, self.killed, self.stop = client, dict(kills), [], threading.Event()

    def run(self) -> None:
        first_seen: dict = {}
        # on a worker: its pid and the keys it is executing now (a lambda, sent by value; not those queued)
        executing = lambda dask_worker: (os.getpid(), [str(ts.key) for ts in dask_worker.state.executing])  # noqa
        while not self.stop.is_set() and any(self.kills.values()):
            time.sleep(0.2)
            try:  # the scheduler's view first: it answers even while a worker is being lost
                workers = self.client.scheduler_info()["workers"]
                processing = self.client.processing()
            except Exception:
                continue
            for addr, keys in processing.items():
                targets = [cid for cid, left in self.kills.items() if left and any(cid in str(k) for k in keys)]
                if not targets or addr not in workers or addr in [a for _, a in self.killed]:
                    continue
                try:
                    pid, running = self.client.run(executing, workers=[addr], on_error="ignore").get(addr, (0, []))
                except Exception:
                    continue
                for cid in targets:
                    if any(cid in k for k in running):
                        seen = first_seen.setdefault((cid, addr), time.monotonic())
                        if time.monotonic() - seen > 1.0:  # well into the client's notebooks
                            psutil.Process(pid).kill()
                            self.killed.append((cid, addr))
                            self.kills[cid] -= 1


def test_separate_scheduler_and_workers_retry_a_lost_client_once_then_give_up(batch, cluster, tmp_path):
    local, _ = batch
    address, watcher = cluster
    ids = client_ids()
    once, twice = ids["brightloop-customer-support"], ids["northbank-it-service-desk"]
    assassin = Assassin(watcher, {once: 1, twice: 2})
    assassin.start()
    out = tmp_path / "out"
    r = run("--all", EXAMPLES, "--out", out, "--engine", "dask", "--scheduler", address, "--inputs", "shared",
            "--formats", "html,xlsx")
    assassin.stop.set()
    assert sorted(cid for cid, _ in assassin.killed) == sorted([once, twice, twice]), (assassin.killed, r.stdout, r.stderr)
    assert r.returncode == 1, r.stdout + r.stderr
    rows = summary(out)
    # killed once: retried on another worker, and its report is the local engine's
    assert rows[once]["status"] == "ok"
    info = json.loads((out / once / "run.json").read_text())
    assert len(info["workers"]) == 2 and info["workers"][0] != info["workers"][1] == info["worker"]
    assert info["scheduler"] == address
    assert f"{once}: its worker was lost mid-run" in r.stderr
    # killed twice: failed, with the reason and both workers named; no report of it was made
    lost = rows[twice]
    assert lost["status"] == "failed" and lost["failed_step"] == "worker"
    assert "lost twice" in lost["error"] and "retried once on another worker" in lost["error"]
    failed = json.loads((out / f"{twice}.failed" / "run.json").read_text())
    assert len(failed["workers"]) == 2 and all(w in lost["error"] for w in failed["workers"])
    assert not (out / twice).exists()
    for cid in set(ids.values()) - {twice}:
        assert rows[cid]["status"] == "ok"
        assert_same_reports(local, out, cid)
    assert "3 of 4 clients succeeded" in r.stdout
    assert not (out / ".staging").exists() or not any((out / ".staging").iterdir())


def test_ctrl_c_cancels_what_is_left_and_leaves_out_consistent(batch, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(batch[0], out)
    before = {cid: (out / cid / "report.html").read_bytes() for cid in client_ids().values()}
    proc = subprocess.Popen([EXE, "run", "--all", str(EXAMPLES), "--out", str(out), "--engine", "dask", "--jobs", "2",
                             "--formats", "html"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_ctrl_c_as_in_a_terminal)
    deadline = time.time() + 120
    while time.time() < deadline and not any(json.loads((out / cid / "run.json").read_text())["engine"] == "dask"
                                             for cid in before):
        time.sleep(0.05)  # the first client is in place: others are under way or waiting
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does: the whole foreground group
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stdout + stderr
    assert "Interrupted" in stderr and "--resume" in stderr
    new = old = 0
    for cid, report in before.items():
        info = json.loads((out / cid / "run.json").read_text())
        if info["engine"] == "dask":  # finished before Ctrl-C: complete, in place
            new += 1
            assert {"report.html", "run.json", "01_envision_the_end.ipynb"} <= {p.name for p in (out / cid).iterdir()}
            nbformat.validate(nbformat.read(out / cid / "01_envision_the_end.ipynb", 4))
        else:  # cancelled: its previous good report untouched
            old += 1
            assert (out / cid / "report.html").read_bytes() == report
    assert new >= 1 and old >= 1, (new, old)
    time.sleep(1)
    left = [p.info for p in psutil.process_iter(["pid", "cmdline", "status"]) if _group(p.pid) == proc.pid
            and p.info["status"] != psutil.STATUS_ZOMBIE]  # a dead one the container's init has not reaped yet
    assert not left, left  # no worker, fork server or kernel outlives the run


def _ctrl_c_as_in_a_terminal() -> None:
    """A command typed in a terminal hears Ctrl-C; one started by a background job (`make test &`, some CI
    runners) inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler. The run under test
    gets the terminal's disposition, whatever started pytest."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except (ProcessLookupError, PermissionError):
        return None


def test_a_scheduler_that_does_not_answer_is_named_before_anything_runs(tmp_path):
    r = run(EXAMPLES / "northbank-it-service-desk", "--out", tmp_path / "out", "--engine", "dask", "--scheduler",
            "tcp://127.0.0.1:9", env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert r.returncode == 2, r.stdout + r.stderr
    assert "--scheduler" in r.stderr and "tcp://127.0.0.1:9" in r.stderr and "dask scheduler" in r.stderr
    assert not (tmp_path / "out").exists()
    r = run(EXAMPLES / "northbank-it-service-desk", "--out", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9")
    assert r.returncode == 2 and "--engine dask" in r.stderr
    r = run(EXAMPLES / "northbank-it-service-desk", "--out", tmp_path / "out", "--engine", "dask", "--scheduler",
            "tcp://127.0.0.1:9", "--jobs", "2")
    assert r.returncode == 2 and "--jobs" in r.stderr and "dask worker --nworkers" in r.stderr
    assert not (tmp_path / "out").exists()


def test_inputs_over_the_limit_are_refused_with_the_way_out(tmp_path):
    from assessment.problems import InputError
    from workbench.batch.dask_pool import mirror, pack_inputs, unpack_inputs

    folder = client_copy(tmp_path, "st-aldhelms-facilities", "big")
    files = pack_inputs(folder)
    assert str(folder / "client.yaml") in files and all(Path(p).is_absolute() for p in files)
    unpack_inputs(files, tmp_path / "mirror")
    assert (mirror(tmp_path / "mirror", folder) / "client.yaml").read_bytes() == (folder / "client.yaml").read_bytes()
    with pytest.raises(InputError) as caught:
        pack_inputs(folder, limit=1000)
    text = caught.value.render()
    assert str(folder) in text and "--inputs shared" in text and "MB" in text
