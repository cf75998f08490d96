"""One client's run: its steps (validate, the notebooks, the report, the store record) built in a staging folder,
then swapped into `OUT/<client-id>/` in one atomic step, so an interrupted run leaves each client folder complete
old or complete new. A client that fails keeps its previous good folder; its partial notebook and error go to
`OUT/<client-id>.failed/`."""
from __future__ import annotations

import ctypes
import datetime as dt
import importlib
import json
import os
import shutil
import sys
import time
import traceback
import uuid
from pathlib import Path
from assessment.problems import InputError
from workbench.engagement.folder import CACHE_ENV
from workbench.engines.executors import Executor, NotebookFailed, get_executor
from workbench.batch.jobs import ClientResult, Job, NOTEBOOKS, NOTEBOOK_DIR, PROGRESS_NOTEBOOK, packages_used, safe_id


def swap_into_place(staging: Path, final: Path) -> None:
    """Make `staging` become `final` in one atomic step; the old `final` (if any) is removed after."""
    if not final.exists():
        os.rename(staging, final)
        return
    if _exchange(staging, final):
        shutil.rmtree(staging)  # now holds the old version
        return
    trash = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
    os.rename(final, trash)
    os.rename(staging, final)
    shutil.rmtree(trash)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two directories atomically. False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


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


def staging_for(out: Path, job: Job) -> Path:
    return out / ".staging" / f"{job.client_id}-{uuid.uuid4().hex[:8]}"


def cache_for(staging: Path) -> Path:
    """Where a client's analysis is kept for its notebooks during the run (removed after, never published)."""
    return staging.with_name(staging.name + ".cache")


def run_client(job: Job, out: Path, formats: tuple[str, ...], engine: str | Executor, params: dict, timeout: int,
               events=None, report_date: dt.date | None = None, staging: Path | None = None) -> ClientResult:
    """Build one client in a staging folder under OUT and swap it into place (the local worker's job)."""
    executor = get_executor(engine) if isinstance(engine, str) else engine
    staging = staging or staging_for(out, job)
    result, steps, error = build_client(job, staging, formats, executor, params, timeout, events, report_date)
    finish(job, out, staging, result, executor.name, formats, params, steps, error)
    return result


def build_client(job: Job, staging: Path, formats: tuple[str, ...], executor: Executor, params: dict, timeout: int,
                 events=None, report_date: dt.date | None = None) -> tuple[ClientResult, list[dict], dict]:
    """Everything of one client (notebooks, report, workbook, store record) into `staging`, a new folder;
    returns the result, the steps with their times, and the error (empty when it succeeded). Never raises
    for the client's own failures: they are the result."""
    from workbench.planning import plan_engagement
    from workbench.engagement.kpis import kpi_measurements
    from assessment.peers import peer_standing
    from workbench.progress_review import review_engagement
    from workbench.store.recording import client_record
    from workbench.reports.report import report_html, write_pdf

    started = time.perf_counter()
    result = ClientResult(job.client_id, job.name, str(job.folder), "failed")
    staging.mkdir(parents=True)
    steps: list[dict] = []
    step = "validate"

    def emit(state: str, seconds: float = 0.0) -> None:
        if events is not None:
            events.put((job.client_id, step, state, seconds))

    def timed(name: str, fn):
        nonlocal step
        step = name
        emit("start")
        t = time.perf_counter()
        value = fn()
        steps.append({"step": name, "status": "ok", "seconds": round(time.perf_counter() - t, 3)})
        emit("ok", time.perf_counter() - t)
        return value

    error: dict = {}
    cache = cache_for(staging)  # this client's analysis, shared by its notebooks
    def validate():
        planning = plan_engagement(job.folder)
        kpi_measurements(planning.engagement)  # as `workbench validate` does: a bad kpis.csv fails here
        return planning

    os.environ[CACHE_ENV] = str(cache)
    try:
        safe_id(job.client_id, str(job.folder / "client.yaml"))
        p = timed("validate", validate)
        nb_params = dict(params, engagement=str(job.folder), output_dir=str(staging) if "xlsx" in formats else "")
        notebooks = NOTEBOOKS + ([PROGRESS_NOTEBOOK] if len(p.engagement.rounds) > 1 else [])
        with _StderrTo(staging / "kernel.log"):
            try:
                for nb in notebooks:
                    timed(nb.split(".")[0], lambda nb=nb: executor.execute(NOTEBOOK_DIR / nb, staging / nb,
                                                                           nb_params, cwd=staging, timeout=timeout,
                                                                           log=staging / "kernel.log"))
            finally:
                executor.finish_client()
        if PROGRESS_NOTEBOOK not in notebooks:
            step = PROGRESS_NOTEBOOK.split(".")[0]
            emit("skipped")  # one assessment round: nothing to review yet

        def report() -> None:
            review = review_engagement(job.folder) if PROGRESS_NOTEBOOK in notebooks else None
            peers = None if job.peers is None else peer_standing(p.dimensions, job.peers, job.sector)
            html = report_html(p, [staging / nb for nb in notebooks], report_date or dt.date.today(), review, peers)
            (staging / "report.html").write_text(html, encoding="utf-8")
            if "pdf" in formats:
                write_pdf(html, staging / "report.pdf")
            if "html" not in formats:
                (staging / "report.html").unlink()

        timed("report", report)
        if job.peers is not None:  # a store is recording this run: what it keeps of the client
            step = "record"
            result.record = client_record(job.folder)
        ov = p.assessment.overall
        top = p.gaps[p.gaps["priority"] > 0]
        result.status = "ok"
        scored = ov.get("level") is not None and ov["mean"] == ov["mean"]  # NaN: nobody gave an answer that counts
        result.overall_score = round(float(ov["mean"]), 3) if scored else None
        result.overall_level = f"{ov['level']} {ov['level_name']}" if scored else "no score"
        result.top_gap = str(top.iloc[0]["name"]) if len(top) else ""
    except InputError as exc:
        error = {"step": step, "message": exc.render()}
    except NotebookFailed as exc:
        error = {"step": step, "notebook": exc.notebook, "cell": exc.cell, "message": exc.message,
                 "source": exc.source}
    except Exception as exc:  # one client's unexpected failure must not stop the others
        error = {"step": step, "message": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    finally:
        os.environ.pop(CACHE_ENV, None)
        shutil.rmtree(cache, ignore_errors=True)
    if error:
        steps.append({"step": step, "status": "failed"})
        emit("failed")
        result.failed_step, result.error, result.cell = step, error["message"], error.get("cell")
    result.seconds = round(time.perf_counter() - started, 3)
    result.files = sorted(p.name for p in staging.iterdir())
    return result, steps, error


def finish(job: Job, out: Path, staging: Path, result: ClientResult, engine: str, formats, params: dict,
           steps: list, error: dict, packages: dict | None = None, **more) -> None:
    """Write the client's run.json and swap its staging folder into OUT/<id> (or OUT/<id>.failed).
    `packages`: the versions the client was built with (default: this process's); `more`: extra facts."""
    run = {"client_id": job.client_id, "name": job.name, "folder": str(job.folder), "status": result.status,
           "finished": dt.datetime.now().isoformat(timespec="seconds"), "seconds": result.seconds,
           "inputs_hash": job.inputs_hash, "engine": engine, "formats": list(formats), "parameters": params,
           "packages": packages or packages_used(), "steps": steps, "error": error or None,
           "overall": {"score": result.overall_score, "level": result.overall_level}, "top_gap": result.top_gap,
           **more}
    (staging / "run.json").write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
    if result.status == "ok":
        swap_into_place(staging, out / job.client_id)
        shutil.rmtree(out / f"{job.client_id}.failed", ignore_errors=True)
    else:
        swap_into_place(staging, out / f"{job.client_id}.failed")


def fail_client(job: Job, out: Path, staging: Path, step: str, message: str, seconds: float, engine: str,
                formats, params: dict, **more) -> ClientResult:
    """A client that failed outside its own steps (its worker died, its inputs could not travel): its
    run.json, with whatever `staging` holds, goes to OUT/<id>.failed; its last good folder stays."""
    result = ClientResult(job.client_id, job.name, str(job.folder), "failed", failed_step=step, error=message,
                          seconds=round(seconds, 3))
    staging.mkdir(parents=True, exist_ok=True)
    result.files = sorted(p.name for p in staging.iterdir()) + ["run.json"]
    finish(job, out, staging, result, engine, formats, params, [{"step": step, "status": "failed"}],
           {"step": step, "message": message}, **more)
    return result


def warm_up_worker(executor: Executor, formats: tuple, wait: bool = True) -> None:
    """What a batch worker does once, before its first client (local worker processes and Dask workers);
    `wait=False`: the engine gets ready in the background (a Dask worker must not block its event loop)."""
    os.environ["WORKBENCH_BATCH"] = "1"  # kernels inherit it: notebooks leave out the live workshop panels
    executor.start(wait)
    from workbench.reports import report as reports

    importlib.import_module("papermill")  # imported once here, not in the first client's time
    reports.warm_up()
    if "pdf" in formats:
        reports.warm_up_pdf()
