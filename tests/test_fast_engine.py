"""The fast engine: forked, pre-warmed kernels that leave no trace of one client in the next, survive the
death of a kernel or a whole worker, and give the same reports as papermill's own engine."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import time

import nbformat
import psutil
from openpyxl import load_workbook

from conftest import EXAMPLES, EXE, ROOT, client_ids, run
from test_batch import client_copy

MARKER = "Zq7canaryXw"  # in one client's name, scope, vision and answers; nowhere else

# Appended to every notebook for the isolation test: look through everything the kernel holds (every string
# reachable from the interpreter's objects, its environment and its open files) for the canary's marker.
SCAN = '''
import gc as _gc, os as _os
_needle = bytes.fromhex("{hex}").decode()
def _has(x):
    return (isinstance(x, str) and _needle in x and x is not _needle) or (isinstance(x, bytes) and _needle.encode() in x)
_found = [type(o).__name__ for o in _gc.get_objects() for r in _gc.get_referents(o) if _has(r)]
_found += ["environ"] * any(_needle in k + v for k, v in _os.environ.items())
_found += ["open file"] * any(_needle in _os.readlink(f"/proc/self/fd/{{fd}}") for fd in _os.listdir("/proc/self/fd")
                              if _os.path.exists(f"/proc/self/fd/{{fd}}"))
if "{canary}" not in engagement:
    print("kernel memory scan:", "LEAK " + ", ".join(sorted(set(_found))) if _found else "clean")
'''

TRAPS = '''
import os, signal
if "client-fails" in engagement:
    raise RuntimeError("this client breaks in the middle of part 2")
if "kernel-dies" in engagement:
    os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
'''


def isolation_notebooks(tmp_path):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    for src in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(src, 4)
        if src.name.startswith("02"):
            nb.cells.append(nbformat.v4.new_code_cell(TRAPS))
        nb.cells.append(nbformat.v4.new_code_cell(SCAN.format(hex=MARKER.encode().hex(), canary="canary")))
        nbformat.write(nb, nbdir / src.name)
    return nbdir


def mark_canary(folder):
    text = (folder / "client.yaml").read_text()
    text = re.sub(r"^scope: .*$", f'scope: "Scope {MARKER} only"', text, flags=re.M)
    # part 1 shows the vision (the client's facts are on the report's cover, not in the notebook)
    text = re.sub(r"^  statement: .*$", f'  statement: "Vision {MARKER} first"', text, flags=re.M)
    (folder / "client.yaml").write_text(text)
    answers = folder / "responses" / "survey-export-2026-09.csv"
    raw = answers.read_bytes().decode("utf-8-sig").splitlines()
    header = raw[0].split(";")
    col = header.index("comment")
    rows = []
    for i, line in enumerate(raw):
        cells = line.split(";")
        if i:
            cells[col] = f"said {MARKER}"
        rows.append(";".join(cells))
    answers.write_bytes(b"\xef\xbb\xbf" + ("\r\n".join(rows) + "\r\n").encode())


def test_nothing_of_one_client_reaches_the_next_in_the_same_worker(tmp_path):
    canary = client_copy(tmp_path, "brightloop-customer-support", "a-canary", new_id="canary",
                         new_name=f"Canary {MARKER} Support")
    mark_canary(canary)
    fails = client_copy(tmp_path, "northbank-it-service-desk", "b-client-fails", new_id="client-fails")
    dies = client_copy(tmp_path, "st-aldhelms-facilities", "c-kernel-dies", new_id="kernel-dies")
    after1 = client_copy(tmp_path, "brightloop-customer-support", "d-after", new_id="after-one")
    after2 = client_copy(tmp_path, "northbank-it-service-desk", "e-after", new_id="after-two")
    out = tmp_path / "out"
    env = {"WORKBENCH_NOTEBOOKS": str(isolation_notebooks(tmp_path))}
    r = run(canary, fails, dies, after1, after2, "--out", out, "--jobs", "1", "--formats", "html,xlsx", env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    rows = {row["client_id"]: row for row in csv.DictReader((out / "summary.csv").open())}
    assert [rows[c]["status"] for c in ("canary", "client-fails", "kernel-dies", "after-one", "after-two")] == \
        ["ok", "failed", "failed", "ok", "ok"]
    assert "this client breaks" in rows["client-fails"]["error"]
    assert rows["kernel-dies"]["failed_step"] == "02_current_state_assessment"
    assert "DeadKernelError" in rows["kernel-dies"]["error"] or "died" in rows["kernel-dies"]["error"]

    # the canary's own report does carry its marker (so the check below would see a leak)
    assert MARKER in (out / "canary" / "report.html").read_text()
    assert MARKER in (out / "canary" / "01_envision_the_end.ipynb").read_text()
    # ... and nothing else the run wrote does, except the run's own index of all clients and the portfolio
    # store, which records every client by design (client reports only see anonymous peer figures)
    for path in out.rglob("*"):
        if path.is_file() and path.relative_to(out).parts[0] not in ("canary", "index.html", "summary.csv",
                                                                     "portfolio.sqlite"):
            assert MARKER.encode() not in path.read_bytes(), f"{path} holds the canary's marker"
    # every kernel that ran after the canary looked through its own memory and found nothing of it
    scans = []
    for cid in ("client-fails", "kernel-dies", "after-one", "after-two"):
        folder = out / cid if (out / cid).is_dir() else out / f"{cid}.failed"
        for nb in sorted(folder.glob("*.ipynb")):
            text = "".join(o.get("text", "") for c in nbformat.read(nb, 4).cells for o in c.get("outputs", [])
                           if o.get("output_type") == "stream")
            assert "LEAK" not in text, f"{nb}: {text}"
            scans += re.findall(r"kernel memory scan: clean", text)
    assert len(scans) >= 2 * 3 + 1 + 1  # the two later clients' three notebooks, and those before the failures


def worker_pids(proc):
    return [p.pid for p in psutil.Process(proc.pid).children(recursive=True)
            if "spawn_main" in " ".join(p.cmdline())]


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_worker_killed_mid_client_fails_only_that_client(tmp_path):
    first = client_copy(tmp_path, "brightloop-customer-support", "a", new_id="first")
    second = client_copy(tmp_path, "northbank-it-service-desk", "b", new_id="second")
    third = client_copy(tmp_path, "st-aldhelms-facilities", "c", new_id="third")
    out = tmp_path / "out"
    proc = subprocess.Popen([EXE, "run", str(first), str(second), str(third), "--out", str(out), "--jobs", "1",
                             "--formats", "html"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list((out / ".staging").glob("second-*/01_envision_the_end.ipynb")):
        time.sleep(0.05)
    killed = worker_pids(proc)
    assert len(killed) == 1
    servers = [p for p in psutil.Process(killed[0]).children(recursive=True)  # this run's, not another test's
               if "workbench.engines.forkserver" in " ".join(p.cmdline())]
    assert servers
    psutil.Process(killed[0]).kill()
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stdout + stderr
    rows = {row["client_id"]: row for row in csv.DictReader((out / "summary.csv").open())}
    assert rows["first"]["status"] == "ok" and rows["third"]["status"] == "ok"
    assert rows["second"]["status"] == "failed" and rows["second"]["failed_step"] == "worker"
    assert "killed by signal 9 (SIGKILL)" in rows["second"]["error"]
    info = json.loads((out / "second.failed" / "run.json").read_text())
    assert info["status"] == "failed" and "worker process" in info["error"]["message"]
    assert (out / "third" / "report.html").is_file()  # a new worker took over
    assert not (out / ".staging").exists() or not any((out / ".staging").iterdir())
    time.sleep(1)  # the dead worker's fork server and kernels followed it
    left = [p.pid for p in servers if _alive(p)]
    assert not left, left


def normalised_outputs(path):
    """What a reader sees of a notebook: every output's data, without execution counts or timings."""
    nb = nbformat.read(path, 4)
    return [(c.cell_type, c.source if c.cell_type == "markdown" else "",
             [{k: v for k, v in o.items() if k not in ("execution_count", "metadata")} for o in c.get("outputs", [])])
            for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]


def test_fast_and_papermill_engines_give_the_same_reports(batch, tmp_path):
    fast, _ = batch
    # two of the examples, papermill being the slow reference: a one-round client, and the two-round one (its
    # notebooks read the earlier round)
    chosen = ["northbank-it-service-desk", "harbourside-council-contact-centre"]
    r = run(*(EXAMPLES / c for c in chosen), "--out", tmp_path / "pm", "--engine", "papermill", "--formats", "html,xlsx")
    assert r.returncode == 0, r.stdout + r.stderr
    strip = lambda h: re.sub(r"<tr><th>Date</th><td>[^<]*</td></tr>", "", h)  # noqa: E731
    ids = client_ids()
    for cid in (ids[c] for c in chosen):
        assert json.loads((tmp_path / "pm" / cid / "run.json").read_text())["engine"] == "papermill"
        assert json.loads((fast / cid / "run.json").read_text())["engine"] == "fast"
        assert strip((tmp_path / "pm" / cid / "report.html").read_text()) == strip((fast / cid / "report.html").read_text())
        notebooks = sorted(p.name for p in (fast / cid).glob("0*.ipynb"))  # the progress review too, where run
        assert len(notebooks) >= 3 and notebooks == sorted(p.name for p in (tmp_path / "pm" / cid).glob("0*.ipynb"))
        for nb in notebooks:
            assert normalised_outputs(tmp_path / "pm" / cid / nb) == normalised_outputs(fast / cid / nb), (cid, nb)
        books = [load_workbook(d / cid / "roadmap.xlsx") for d in (tmp_path / "pm", fast)]
        assert [[list(ws.values) for ws in b.worksheets] for b in books][0] == \
            [[list(ws.values) for ws in b.worksheets] for b in books][1]
