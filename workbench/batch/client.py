"""One client's steps, run in a worker process: validate (read, score, plan), the notebooks in a kernel, the
report, the store record; the planning made at the validate step is passed down to the report and the record."""
from __future__ import annotations

import datetime as dt
import importlib
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from assessment.peers import peer_standing
from assessment.problems import InputError
from workbench.batch.jobs import NOTEBOOK_DIR, NOTEBOOKS, PROGRESS_NOTEBOOK, ClientResult, Job, safe_id
from workbench.batch.staging import cache_for, finish, staging_for
from workbench.engagement.folder import CACHE_ENV
from workbench.engagement.kpis import kpi_measurements
from workbench.engines.executors import Executor, NotebookFailed, get_executor
from workbench.planning import Planning, plan_engagement
from workbench.progress_review import review_engagement
from workbench.reports import report as reports
from workbench.reports.report import write_client_report
from workbench.store.recording import client_record


class _StderrTo:
    """Send this process's stderr (and so the kernels' it starts) to a file while notebooks run: kernel
    start-up chatter belongs in the client's kernel.log, not in the run's log."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        sys.stderr.flush()
        self.saved = os.dup(2)
        self.file = open(self.path, "ab")
        os.dup2(self.file.fileno(), 2)

    def __exit__(self, *exc):
        sys.stderr.flush()
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.file.close()


def run_client(job: Job, out: Path, formats: tuple[str, ...], engine: str | Executor, params: dict, timeout: int,
               events=None, report_date: dt.date | None = None, staging: Path | None = None) -> ClientResult:
    """Build one client in a staging folder under OUT and swap it into place (the local worker's job)."""
    executor = get_executor(engine) if isinstance(engine, str) else engine
    staging = staging or staging_for(out, job)
    result, steps, error = build_client(job, staging, formats, executor, params, timeout, events, report_date)
    finish(job, out, staging, result, executor.name, formats, params, steps, error)
    return result


class _Steps:
    """The steps of one client as they run: each timed, announced to the coordinator (`events`) and kept for
    run.json; `current` is the step a failure belongs to."""

    def __init__(self, client_id: str, events=None):
        self.client_id, self.events = client_id, events
        self.done: list[dict] = []
        self.current = "validate"

    def emit(self, state: str, seconds: float = 0.0) -> None:
        if self.events is not None:
            self.events.put((self.client_id, self.current, state, seconds))

    def run(self, name: str, fn):
        self.current = name
        self.emit("start")
        t = time.perf_counter()
        value = fn()
        self.done.append({"step": name, "status": "ok", "seconds": round(time.perf_counter() - t, 3)})
        self.emit("ok", time.perf_counter() - t)
        return value

    def skip(self, name: str) -> None:
        self.current = name
        self.emit("skipped")

    def fail(self) -> None:
        self.done.append({"step": self.current, "status": "failed"})
        self.emit("failed")


def validate_client(folder: Path) -> Planning:
    """The validate step: the client read, scored and planned; its KPI measurements checked as `workbench
    validate` checks them, so a bad kpis.csv fails here rather than in a notebook."""
    planning = plan_engagement(folder)
    kpi_measurements(planning.engagement)
    return planning


def build_client(job: Job, staging: Path, formats: tuple[str, ...], executor: Executor, params: dict, timeout: int,
                 events=None, report_date: dt.date | None = None) -> tuple[ClientResult, list[dict], dict]:
    """Everything of one client (notebooks, report, workbook, store record) into `staging`, a new folder;
    returns the result, the steps with their times, and the error (empty when it succeeded). Never raises
    for the client's own failures: they are the result. The planning made at the validate step is passed
    down to the report and the store record; the notebooks, in their own kernels, reuse it through the cache."""
    started = time.perf_counter()
    result = ClientResult(job.client_id, job.name, str(job.folder), "failed")
    staging.mkdir(parents=True)
    steps = _Steps(job.client_id, events)
    error: dict = {}
    cache = cache_for(staging)  # this client's analysis, shared by its notebooks
    os.environ[CACHE_ENV] = str(cache)
    try:
        safe_id(job.client_id, str(job.folder / "client.yaml"))
        p = steps.run("validate", lambda: validate_client(job.folder))
        notebooks = NOTEBOOKS + ([PROGRESS_NOTEBOOK] if len(p.engagement.rounds) > 1 else [])
        nb_params = dict(params, engagement=str(job.folder), output_dir=str(staging) if "xlsx" in formats else "")
        with _StderrTo(staging / "kernel.log"):
            try:
                for nb in notebooks:
                    steps.run(nb.split(".")[0], lambda nb=nb: executor.execute(
                        NOTEBOOK_DIR / nb, staging / nb, nb_params, cwd=staging, timeout=timeout,
                        log=staging / "kernel.log"))
            finally:
                executor.finish_client()
        if PROGRESS_NOTEBOOK not in notebooks:
            steps.skip(PROGRESS_NOTEBOOK.split(".")[0])  # one assessment round: nothing to review yet
        review = review_engagement(p) if PROGRESS_NOTEBOOK in notebooks else None
        peers = None if job.peers is None else peer_standing(p.dimensions, job.peers, job.sector)
        steps.run("report", lambda: write_client_report(p, [staging / nb for nb in notebooks], staging, formats,
                                                        report_date or dt.date.today(), review, peers))
        if job.peers is not None:  # a store is recording this run: what it keeps of the client
            steps.current = "record"
            result.record = client_record(p, review)
        _summarise(result, p)
    except InputError as exc:
        error = {"step": steps.current, "message": exc.render()}
    except NotebookFailed as exc:
        error = {"step": steps.current, "notebook": exc.notebook, "cell": exc.cell, "message": exc.message,
                 "source": exc.source}
    except Exception as exc:  # one client's unexpected failure must not stop the others
        error = {"step": steps.current, "message": f"{type(exc).__name__}: {exc}",
                 "traceback": traceback.format_exc()}
    finally:
        os.environ.pop(CACHE_ENV, None)
        shutil.rmtree(cache, ignore_errors=True)
    if error:
        steps.fail()
        result.failed_step, result.error, result.cell = steps.current, error["message"], error.get("cell")
    result.seconds = round(time.perf_counter() - started, 3)
    result.files = sorted(p.name for p in staging.iterdir())
    return result, steps.done, error


def _summarise(result: ClientResult, p: Planning) -> None:
    """A succeeded client's line in the index and summary: overall level and score, top gap."""
    ov = p.assessment.overall
    top = p.gaps[p.gaps["priority"] > 0]
    result.status = "ok"
    scored = ov.get("level") is not None and ov["mean"] == ov["mean"]  # NaN: nobody gave an answer that counts
    result.overall_score = round(float(ov["mean"]), 3) if scored else None
    result.overall_level = f"{ov['level']} {ov['level_name']}" if scored else "no score"
    result.top_gap = str(top.iloc[0]["name"]) if len(top) else ""


def warm_up_worker(executor: Executor, formats: tuple, wait: bool = True) -> None:
    """What a batch worker does once, before its first client (local worker processes and Dask workers);
    `wait=False`: the engine gets ready in the background (a Dask worker must not block its event loop)."""
    os.environ["WORKBENCH_BATCH"] = "1"  # kernels inherit it: notebooks leave out the live workshop panels
    executor.start(wait)

    importlib.import_module("papermill")  # imported once here, not in the first client's time
    reports.warm_up()
    if "pdf" in formats:
        reports.warm_up_pdf(wait)
