"""`workbench run`: notebooks executed by real kernels, reports a consultant can send, failures kept apart."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import time

import nbformat
import pypdf

from conftest import EXAMPLES, EXE, NAMES, ROOT, client_ids, run
from workbench.planning import plan_engagement


def test_every_example_gets_notebooks_reports_and_a_workbook(batch):
    out, r = batch
    for name, cid in client_ids().items():
        folder = out / cid
        assert {"01_envision_the_end.ipynb", "02_current_state_assessment.ipynb", "03_gap_analysis_roadmap.ipynb",
                "report.html", "report.pdf", "roadmap.xlsx", "deck.pptx", "run.json"} <= {p.name for p in folder.iterdir()}
        for nb in folder.glob("*.ipynb"):
            cells = nbformat.read(nb, 4).cells
            assert not [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        run_info = json.loads((folder / "run.json").read_text())
        assert run_info["status"] == "ok" and run_info["inputs_hash"] and run_info["packages"]["papermill"]
        rounds = len(plan_engagement(EXAMPLES / name).engagement.rounds)
        review = ["04_progress_review"] if rounds > 1 else []  # only a client assessed more than once
        assert [s["step"] for s in run_info["steps"]] == ["validate", "01_envision_the_end",
                                                           "02_current_state_assessment", "03_gap_analysis_roadmap",
                                                           *review, "report"]
        assert (folder / "04_progress_review.ipynb").exists() == bool(review)
    assert f"{len(NAMES)} of {len(NAMES)} clients succeeded" in r.stdout


def test_the_report_reads_like_a_report_not_code(batch):
    out, _ = batch
    for name, cid in client_ids().items():
        p = plan_engagement(EXAMPLES / name)
        html = (out / cid / "report.html").read_text()
        assert p.engagement.config.name.replace("'", "&#39;") in html
        assert f"{p.assessment.overall['level']} {p.assessment.overall['level_name']}" in html
        top = p.gaps[p.gaps["priority"] > 0].iloc[0]["name"]
        assert f"<td>{top}</td>" in html  # the top gap in the executive summary
        for code in ("plan_from_parameters", "import ", "views.table(", "views.show_chart(", "jp-InputArea",
                     "In&nbsp;[", "[parameters]"):
            assert code not in html
        assert not re.search(r"""(src|href)=["']?https?:""", html)  # readable offline: nothing fetched
        # charts embedded, as vector graphics: at least part 2's profile and role heatmap, and part 3's
        # priorities, roadmap and trajectory
        assert html.count('src="data:image/svg+xml;base64,') >= 5
        assert 'alt="Chart: The roadmap, wave by wave"' in html  # and described for screen readers
        assert "Appendix: how this report was computed" in html and p.engagement.model.version in html
        # every link is closed: an unclosed <a> would turn the rest of the report into one long link
        assert html.count("<a ") == html.count("</a>") and not re.search(r"<a [^>]*/>", html)
        if len(p.engagement.rounds) > 1:
            assert "Part 4. The progress review" in html
            assert f"Re-assessed in round {p.engagement.rounds[-1].name}" in html
            # the steering group's review: RAG from status.csv, KPI trends with their notes, dimension trends,
            # the plan from the review day and what changed, then today's gaps; the deck carries it too
            at = [html.index(h) for h in ("The initiatives against the plan", "The KPIs over time",
                                          "across the rounds", "The plan from the review day",
                                          "What changed against the plan of record", "Today's gaps, ranked again")]
            assert at == sorted(at)
            assert "late: 70" in html and "not started though due" in html and "background: #F8DCCB" in html
            assert "sickness up after the office move" in html and "Chart: The scorecard over time" in html
            assert "initiatives are late or not started though due" in html
            from pptx import Presentation

            slides = [x.shapes.title.text for x in Presentation(str(out / cid / "deck.pptx")).slides]
            assert "Steering group: the initiatives against the plan" in slides
        pdf = pypdf.PdfReader(out / cid / "report.pdf")
        assert len(pdf.pages) >= 8
        assert p.engagement.config.name.split()[0] in pdf.pages[0].extract_text()


def test_index_and_summary_list_every_client(batch):
    out, _ = batch
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert {r["client_id"] for r in rows} == set(client_ids().values())
    assert all(r["status"] == "ok" and r["overall_level"] for r in rows)
    index = (out / "index.html").read_text()
    for cid in client_ids().values():
        assert f'href="{cid}/report.html"' in index and f'href="{cid}/report.pdf"' in index


def test_bad_parameters_are_refused_before_any_kernel_starts(tmp_path):
    r = run(EXAMPLES / NAMES[0], "--out", tmp_path / "o", "-p", "capcity=30", "-p", "waves=many")
    assert r.returncode == 2
    assert "01_envision_the_end.ipynb, capcity: unknown parameter 'capcity'" in r.stderr
    assert "parameter 'waves' must be int; found 'many'" in r.stderr
    assert not (tmp_path / "o").exists()


def canary_notebooks(tmp_path):
    """The real notebooks, with one cell appended to part 2 that fails or hangs for marked clients."""
    nbdir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir)
    path = nbdir / "02_current_state_assessment.ipynb"
    nb = nbformat.read(path, 4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'import time\nif "canary-fail" in engagement:\n    raise RuntimeError("boom in " + engagement)\n'
        'if "canary-hang" in engagement:\n    time.sleep(600)'))
    nbformat.write(nb, path)
    return nbdir


def client_copy(tmp_path, example, folder, new_id=None, new_name=None):
    dest = tmp_path / "clients" / folder
    shutil.copytree(EXAMPLES / example, dest)
    text = (dest / "client.yaml").read_text()
    if new_id:
        text = re.sub(r"^id: \S+", f"id: {new_id}", text, flags=re.M)
    if new_name:
        text = re.sub(r"^name: .*$", f"name: {json.dumps(new_name)}", text, flags=re.M)
    (dest / "client.yaml").write_text(text)
    return dest


def test_a_failing_and_a_hanging_client_fail_alone(tmp_path):
    env = {"WORKBENCH_NOTEBOOKS": str(canary_notebooks(tmp_path))}
    good = client_copy(tmp_path, "brightloop-customer-support", "good", new_name="<script>alert(1)</script> Brightloop")
    bad = client_copy(tmp_path, "northbank-it-service-desk", "canary-fail", new_id="canary-fail")
    hang = client_copy(tmp_path, "st-aldhelms-facilities", "canary-hang", new_id="canary-hang")
    out = tmp_path / "out"
    started = time.perf_counter()
    r = run(good, bad, hang, "--out", out, "--jobs", "2", "--formats", "html", "--timeout", "10", env=env)
    assert time.perf_counter() - started < 240  # the hanging kernel was stopped, not waited for
    assert r.returncode == 1
    good_id = "brightloop-software-customer-support"
    assert (out / good_id / "report.html").is_file() and not (out / good_id / "report.pdf").exists()
    html = (out / good_id / "report.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Brightloop" in html and "<script>alert" not in html
    rows = {row["client_id"]: row for row in csv.DictReader((out / "summary.csv").open())}
    assert rows[good_id]["status"] == "ok"
    failed = rows["canary-fail"]
    assert failed["status"] == "failed" and failed["failed_step"] == "02_current_state_assessment"
    assert "RuntimeError: boom in" in failed["error"] and failed["cell"]
    partial = nbformat.read(out / "canary-fail.failed" / "02_current_state_assessment.ipynb", 4)
    errors = [o for c in partial.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "RuntimeError"
    info = json.loads((out / "canary-fail.failed" / "run.json").read_text())
    assert info["error"]["cell"] == int(failed["cell"]) and "boom" in info["error"]["message"]
    assert not (out / "canary-fail").exists()  # no good report was ever made for it
    hung = rows["canary-hang"]
    assert hung["status"] == "failed" and hung["failed_step"] == "02_current_state_assessment"
    assert "Timeout" in hung["error"] or "timed out" in hung["error"]
    assert "failed" in r.stdout and "1 of 3 clients succeeded" in r.stdout

    # --resume skips the unchanged good client; the failed ones run again
    r2 = run(good, bad, "--out", out, "--formats", "html", "--resume", env=env)
    assert r2.returncode == 1
    assert "brightloop-software-customer-support: unchanged since its last good run, skipped" in r2.stderr
    assert "canary-fail: 02_current_state_assessment failed" in r2.stderr
    # (the same inputs giving the same report is checked across runs and engines in test_fast_engine and test_dask)


def test_an_interrupted_run_and_a_later_failure_leave_the_good_report_intact(batch, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(batch[0], out)
    cid = "northbank-it-service-desk"
    before = {p.name: p.read_bytes() for p in (out / cid).iterdir()}
    proc = subprocess.Popen([EXE, "run", str(EXAMPLES / "northbank-it-service-desk"), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list((out / ".staging").glob("*/01_envision_the_end.ipynb")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # a killed process: no chance to clean up
    proc.wait()
    after = {p.name: p.read_bytes() for p in (out / cid).iterdir()}
    assert after == before

    # a client that breaks later keeps its previous good report; the failure sits beside it
    broken = client_copy(tmp_path, "northbank-it-service-desk", "northbank")
    (broken / "responses" / "late.csv").write_text("respondent,role,question,answer\nLate,CEO,STR1,7\n")
    r = run(broken, "--out", out, "--formats", "html")
    assert r.returncode == 1
    assert {p.name: p.read_bytes() for p in (out / cid).iterdir()} == before
    info = json.loads((out / f"{cid}.failed" / "run.json").read_text())
    assert info["error"]["step"] == "validate" and "role 'CEO'" in info["error"]["message"]
    assert not (out / ".staging").exists() or not any((out / ".staging").iterdir())


def test_an_unsafe_client_id_is_rejected(tmp_path):
    bad = client_copy(tmp_path, "brightloop-customer-support", "evil", new_id='"../../etc"')
    r = run(bad, "--out", tmp_path / "out", "--formats", "html")
    assert r.returncode == 1
    row = next(csv.DictReader((tmp_path / "out" / "summary.csv").open()))
    assert row["status"] == "failed" and row["failed_step"] == "validate" and "id must be a slug" in row["error"]
    assert not (tmp_path / "etc").exists() and not (tmp_path.parent / "etc").exists()
