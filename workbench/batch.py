"""The batch run: every client's notebooks, report and workbook, one client per worker process.

Per client, everything is built in a staging folder and swapped into `OUT/<client-id>/` in one atomic
step, so an interrupted run leaves each client folder complete old or complete new. A client that fails
keeps its previous good folder; its partial notebook and error go to `OUT/<client-id>.failed/`.
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import hashlib
import importlib
import json
import os
import platform
import pickle
import re
import shutil
import sys
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from jinja2 import Environment, select_autoescape

from assessment.problems import InputError, Problem
from assessment.sheets import write_csv
from workbench import atomic
from workbench.engagement import CACHE_ENV
from workbench.outputs import refuse_output, removed_on_failure
from workbench.executors import DASK, DEFAULT_ENGINE, Executor, NotebookFailed, get_executor, parameter_problems

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = Path(os.environ.get("WORKBENCH_NOTEBOOKS", ROOT / "notebooks"))
NOTEBOOKS = ["01_envision_the_end.ipynb", "02_current_state_assessment.ipynb", "03_gap_analysis_roadmap.ipynb"]
PROGRESS_NOTEBOOK = "04_progress_review.ipynb"  # run only for a client with more than one assessment round
STEPS = ["validate"] + [n.split(".")[0] for n in NOTEBOOKS + [PROGRESS_NOTEBOOK]] + ["report"]
FORMATS = ("html", "pdf", "xlsx")
SAFE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PACKAGES = ["maturity-workbench", "pandas", "papermill", "nbconvert", "nbclient", "matplotlib", "weasyprint",
            "openpyxl", "pydantic"]


@dataclass
class ClientResult:
    client_id: str
    name: str
    folder: str
    status: str                      # ok | failed | skipped
    seconds: float = 0.0
    overall_score: float | None = None
    overall_level: str = ""
    top_gap: str = ""
    failed_step: str = ""
    error: str = ""
    cell: int | None = None
    files: list[str] = field(default_factory=list)


@dataclass
class Job:
    folder: Path
    client_id: str
    name: str
    inputs_hash: str
    sector: str = ""
    model_id: str = ""
    peers: dict | None = None  # other clients' latest means per dimension (values only); None: no store
    external: tuple[Path, ...] = ()  # model and catalogue files it reads from outside its folder


# ---------------------------------------------------------------- planning the run

def discover(folders: list[Path], all_dir: Path | None) -> list[Path]:
    found = [Path(f) for f in folders]
    if all_dir is not None:
        found += sorted(p for p in Path(all_dir).iterdir() if (p / "client.yaml").is_file())
    return list(dict.fromkeys(f.resolve() for f in found))


def safe_id(client_id: str, source: str) -> str:
    """A client id usable as a folder name under OUT/, or InputError (no '..', '/', control characters)."""
    if not SAFE_ID.match(client_id or ""):
        raise InputError([Problem(source, f"client id {client_id!r} is not a safe folder name; expected lowercase "
                                          "letters, digits and single '-' (e.g. 'acme-service-desk')", key="id")])
    return client_id


def code_hash() -> str:
    """Everything of ours that shapes a report: the packages, notebooks and templates."""
    from workbench.engagement import hash_files

    files = [p for pkg in ("assessment", "roadmaps", "workbench") for p in (ROOT / pkg).rglob("*")
             if p.is_file() and p.suffix in (".py", ".yaml", ".j2", ".css")]
    return hash_files(sorted(files) + [NOTEBOOK_DIR / n for n in NOTEBOOKS + [PROGRESS_NOTEBOOK]], ROOT)


def make_job(folder: Path, formats: tuple[str, ...], params: dict, code: str) -> Job:
    """Identify a client and fingerprint its inputs; a client whose client.yaml is broken, unreadable or
    hostile still gets a job (it fails alone, at its validate step, with the reason): nothing a client's files
    hold may stop the coordinator."""
    from workbench.engagement import external_inputs, fingerprint, load_engagement, slugify

    h = hashlib.sha256(code.encode())
    h.update(json.dumps([sorted(formats), params], sort_keys=True, default=str).encode())
    try:
        eng = load_engagement(folder)
        external = external_inputs(eng)
        h.update(fingerprint(folder, external).encode())  # models or catalogue kept elsewhere
        return Job(folder, eng.config.id, eng.config.name, h.hexdigest(), eng.config.sector, eng.model.id,
                   external=tuple(p.resolve() for p in external))
    except Exception:  # noqa: BLE001 - reported by the client's own validate step, in its worker
        try:
            h.update(fingerprint(folder).encode())
        except OSError:
            h.update(os.urandom(16))  # unreadable inputs: never "unchanged", so --resume retries the client
        return Job(folder, slugify(folder.name) or "client", folder.name, h.hexdigest())


def check_parameters(params: dict) -> None:
    """Every notebook must accept every parameter the batch passes; InputError names notebook and parameter."""
    problems = []
    for nb in NOTEBOOKS + [PROGRESS_NOTEBOOK]:
        problems += parameter_problems(NOTEBOOK_DIR / nb, params)
    if problems:
        raise InputError(problems, "the notebook parameters")


# ---------------------------------------------------------------- one client (runs in a worker process)

def _packages() -> dict:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


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
    from workbench.kpis import kpi_measurements
    from assessment.peers import peer_standing
    from workbench.progress_review import review_engagement
    from workbench.recording import client_record
    from workbench.reports import report_html, write_pdf

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
           "packages": packages or _packages(), "steps": steps, "error": error or None,
           "overall": {"score": result.overall_score, "level": result.overall_level}, "top_gap": result.top_gap,
           **more}
    (staging / "run.json").write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
    if result.status == "ok":
        swap_into_place(staging, out / job.client_id)
        shutil.rmtree(out / f"{job.client_id}.failed", ignore_errors=True)
    else:
        swap_into_place(staging, out / f"{job.client_id}.failed")


# ---------------------------------------------------------------- the whole run

def previous_ok(out: Path, job: Job) -> dict | None:
    """The client's last run.json when that run succeeded with the same inputs and code; None otherwise (also
    for a run.json that is unreadable or not what we write: the client simply runs again)."""
    try:
        run = json.loads((out / job.client_id / "run.json").read_text(encoding="utf-8"))
        ok = (run["status"] == "ok" and run["inputs_hash"] == job.inputs_hash
              and {"score", "level"} <= run["overall"].keys())
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return run if ok else None


def run_batch(folders: list[Path], out: Path, jobs: int = 0, formats: tuple[str, ...] = FORMATS,
              engine: str = DEFAULT_ENGINE, params: dict | None = None, resume: bool = False, timeout: int = 600,
              report=None, store: str | None = "", scheduler: str | None = None, inputs: str = "") -> list[ClientResult]:
    """Run every client; InputError (before anything runs) for bad parameters, clashing client ids or a store
    that cannot be opened. Each client that succeeds is recorded in the portfolio store (`store`: a URL;
    "" for OUT/portfolio.sqlite; None for no store). Engine "dask": on the Dask cluster at `scheduler`, or
    on a local one (workbench/cluster.py; `inputs` "ship" or "shared")."""
    params = params or {}
    out = Path(out).resolve()  # kernels and workers run elsewhere: every path they get is absolute
    if engine != DASK:
        get_executor(engine)
        if scheduler or inputs:
            raise InputError([Problem("--scheduler" if scheduler else "--inputs",
                                      f"is for --engine {DASK}; found --engine {engine}")])
    if scheduler and jobs:
        raise InputError([Problem("--jobs", "sizes the local cluster; with --scheduler the workers you started run "
                                            "the clients (dask worker --nworkers N); expected one of the two")])
    refuse_output(out, "--out", folders)  # before any worker starts; OUT/<client-id> is checked once ids are read
    if store:
        from workbench.store import check_location

        check_location(store, folders)
    check_parameters(dict(params, engagement="", output_dir=""))
    code = code_hash()
    jobs = jobs or os.cpu_count() or 1

    def pool_for(n: int):
        if engine == DASK:
            from workbench.cluster import DaskPool

            notes = getattr(report, "note", None)
            return DaskPool(n, out, formats, params, timeout, scheduler, inputs, code, notes)
        return WorkerPool(n, engine, out, formats, params, timeout)

    with contextlib.ExitStack() as stack:
        pool = None
        if folders and not resume:  # workers warm up (imports, fork server) while the clients are read
            pool = stack.enter_context(pool_for(min(jobs, len(folders))))
        return _run(folders, out, jobs, formats, engine, params, resume, report, pool, pool_for, store, code)


def _run(folders, out, jobs, formats, engine, params, resume, report, pool, pool_for, store, code) -> list[ClientResult]:
    from workbench import store as portfolio
    everyone = [make_job(f, formats, params, code) for f in folders]
    plan, clashed = _apart_clashing_ids(everyone)
    check_out(out, everyone)
    for r in clashed.values():
        if report:
            report.client_done(r)
    store_url = None if store is None else store or portfolio.default_url(out)
    if store_url is not None:
        portfolio.check_location(store_url, [j.folder for j in everyone], [p for j in everyone for p in j.external])
    db = run_id = None
    with removed_on_failure(out):  # a store that cannot be opened leaves no empty OUT behind
        out.mkdir(parents=True, exist_ok=True)
        if store_url is not None:
            db = portfolio.open_store(store_url)
            scores = portfolio.latest_dimension_scores(db)
            for j in plan:
                j.peers = portfolio.peers_for(scores, j.sector, j.model_id, j.client_id)
    shutil.rmtree(out / ".staging", ignore_errors=True)  # left by an interrupted run
    results: dict[str, ClientResult] = {}
    todo = []
    for j in plan:
        prev = previous_ok(out, j) if resume else None
        if prev:
            results[j.client_id] = ClientResult(j.client_id, j.name, str(j.folder), "skipped",
                                                overall_score=prev["overall"]["score"],
                                                overall_level=prev["overall"]["level"], top_gap=prev.get("top_gap", ""),
                                                files=sorted(p.name for p in (out / j.client_id).iterdir()))
            if report:
                report.skipped(j.client_id)
        else:
            todo.append(j)
    if todo:
        if db is not None:
            from workbench.reports import version

            run_id = portfolio.start_run(db, engine, version())

        def done(r: ClientResult) -> None:
            record = r.__dict__.pop("record", None)
            if record is not None and r.status == "ok":
                try:
                    portfolio.record_client(db, run_id, record)
                except Exception as exc:  # the report stands; the client is not in the store, and says so
                    r.status, r.failed_step = "failed", "record"
                    r.error = f"not recorded in the portfolio store: {type(exc).__name__}: {exc}"
            results[r.client_id] = r
            if report:
                report.client_done(r)

        with contextlib.ExitStack() as stack:
            if pool is None:
                pool = stack.enter_context(pool_for(min(jobs, len(todo))))
            pool.run(todo, done, report.event if report else None)
    ordered = [clashed.get(str(j.folder)) or results[j.client_id] for j in everyone]
    write_index(out, ordered)
    if (out / ".staging").is_dir() and not any((out / ".staging").iterdir()):
        (out / ".staging").rmdir()
    return ordered


def _apart_clashing_ids(jobs: list[Job]) -> tuple[list[Job], dict[str, ClientResult]]:
    """Clients that share an id would write into one folder: each of them fails alone, with the others named;
    the rest run. Returns (jobs to run, failed result per folder)."""
    folders: dict[str, list[Path]] = {}
    for j in jobs:
        folders.setdefault(j.client_id, []).append(j.folder)
    clashed = {}
    for j in jobs:
        others = [f for f in folders[j.client_id] if f != j.folder]
        if others:
            clashed[str(j.folder)] = ClientResult(
                j.client_id, j.name, str(j.folder), "failed", failed_step="validate",
                error=f"{j.folder / 'client.yaml'}: client id {j.client_id!r} is also the id of "
                      f"{', '.join(map(str, others))}; expected each client's own id (not run: their reports would "
                      "overwrite each other)")
    return [j for j in jobs if str(j.folder) not in clashed], clashed


def check_out(out: Path, plan: list[Job]) -> None:
    """OUT must lie outside every engagement folder, and nothing the run writes in it (a client's folder, the
    index, the summary, the store) may be, or hold, an input of the run; InputError before anything is written."""
    folders = [j.folder for j in plan]
    files = [p for j in plan for p in j.external]
    refuse_output(out, "--out", folders, files)
    names = [".staging", "index.html", "summary.csv", "portfolio.sqlite"]
    names += [n for j in plan for n in (j.client_id, f"{j.client_id}.failed")]
    for name in names:
        refuse_output(out / name, "--out", folders, files)


# ---------------------------------------------------------------- the worker processes

class _Events:
    """What run_client calls `events`: step events sent to the coordinator over the worker's pipe."""

    def __init__(self, conn):
        self.conn = conn

    def put(self, event: tuple) -> None:
        self.conn.send(("event", event))


def warm_up_worker(executor: Executor, formats: tuple, wait: bool = True) -> None:
    """What a batch worker does once, before its first client (local worker processes and Dask workers);
    `wait=False`: the engine gets ready in the background (a Dask worker must not block its event loop)."""
    os.environ["WORKBENCH_BATCH"] = "1"  # kernels inherit it: notebooks leave out the live workshop panels
    executor.start(wait)
    from workbench import reports

    importlib.import_module("papermill")  # imported once here, not in the first client's time
    reports.warm_up()
    if "pdf" in formats:
        reports.warm_up_pdf()


def _worker_main(conn, engine: str, out: Path, formats: tuple, params: dict, timeout: int) -> None:
    """One worker process: warm up once (the engine, papermill, the report exporter), then run one client
    after another as the coordinator sends them, until it sends None or goes away."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    executor = get_executor(engine)
    try:
        warm_up_worker(executor, formats)
        events = _Events(conn)
        while True:
            try:
                task = conn.recv()
            except EOFError:
                return
            if task is None:
                return
            job, staging = task
            conn.send(("done", run_client(job, out, formats, executor, params, timeout, events, staging=staging)))
    finally:
        executor.close()


@dataclass
class _Worker:
    process: object
    conn: object
    job: Job | None = None
    staging: Path | None = None
    started: float = 0.0


class WorkerPool:
    """`jobs` long-lived worker processes, one client at a time each. A worker that dies (killed, out of
    memory) fails only the client it was running; the pool starts a new worker and the run goes on."""

    def __init__(self, n: int, engine: str, out: Path, formats: tuple, params: dict, timeout: int):
        import multiprocessing as mp

        self.ctx = mp.get_context("spawn")  # a clean interpreter: nothing of the coordinator's state
        self.args = (engine, out, formats, params, timeout)
        self.engine, self.out, self.formats, self.params = engine, out, formats, params
        self.workers = [self._start() for _ in range(n)]

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker_main, args=(child, *self.args), daemon=True,
                                   name="workbench-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 10
        for w in self.workers:
            w.process.join(max(0.0, deadline - time.monotonic()) if exc[0] is None else 0)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()

    def run(self, todo: list[Job], done, event=None) -> None:
        from multiprocessing.connection import wait

        queue_ = list(reversed(todo))
        while queue_ or any(w.job for w in self.workers):
            for w in self.workers:
                if w.job is None and queue_:
                    w.job = queue_.pop()
                    w.staging = staging_for(self.out, w.job)
                    w.started = time.perf_counter()
                    try:
                        w.conn.send((w.job, w.staging))
                    except OSError:
                        pass  # the worker is gone: found below
            busy = [w for w in self.workers if w.job]
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1)
            for i, w in enumerate(self.workers):
                if w.job is None:
                    continue
                try:
                    while w.conn.poll():
                        kind, payload = w.conn.recv()
                        if kind == "event":
                            if event:
                                event(*payload)
                        else:
                            done(payload)
                            w.job = None
                            break
                except (EOFError, OSError, pickle.UnpicklingError):
                    pass  # a worker that died mid-message
                if w.job is not None and not w.process.is_alive():
                    if event:
                        event(w.job.client_id, "worker", "failed", 0.0)
                    done(self._died(w))
                    w.conn.close()
                    self.workers[i] = self._start()

    def _died(self, w: _Worker) -> ClientResult:
        """The worker running `w.job` died: record the client as failed, keep what it had produced."""
        job, code = w.job, w.process.exitcode
        how = (f"killed by signal {-code} ({_signal_name(-code)})" if code is not None and code < 0
               else f"exited with code {code}")
        message = (f"the worker process running this client died ({how}), e.g. out of memory or killed from "
                   "outside; the other clients went on in a new worker")
        shutil.rmtree(cache_for(w.staging), ignore_errors=True)
        return fail_client(job, self.out, w.staging, "worker", message, time.perf_counter() - w.started,
                           self.engine, self.formats, self.params)


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


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"


# ---------------------------------------------------------------- what the run leaves for people

INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Maturity Workbench: batch of {{ date }}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; margin: 2em; color: #1a1a1a; }
h1 { color: #1F4E79; } table { border-collapse: collapse; width: 100%; }
th { background: #1F4E79; color: white; text-align: left; padding: 5px 8px; }
td { border-bottom: 1px solid #ddd; padding: 4px 8px; vertical-align: top; }
.ok { color: #009E73; font-weight: bold; } .failed { color: #D55E00; font-weight: bold; } .skipped { color: #0072B2; }
.err { font-family: monospace; font-size: 8.5pt; white-space: pre-wrap; max-width: 40em; }
</style></head><body>
<h1>Client reports</h1>
<p>{{ n_ok }} of {{ results|length }} clients succeeded{% if n_skipped %} ({{ n_skipped }} unchanged since their last run){% endif %}. Generated {{ date }}.</p>
<table><thead><tr><th>Client</th><th>Status</th><th>Overall level</th><th>Top gap</th><th>Files</th><th>Problem</th></tr></thead><tbody>
{% for r in results %}<tr><td>{{ r.name }}<br><small>{{ r.client_id }}</small></td><td class="{{ r.status }}">{{ r.status }}</td>
<td>{{ r.overall_level }}</td><td>{{ r.top_gap }}</td>
<td>{% for f in r.links %}<a href="{{ f[1] }}">{{ f[0] }}</a>{% if not loop.last %} | {% endif %}{% endfor %}</td>
<td>{% if r.status == "failed" %}{{ r.failed_step }}{% if r.cell is not none %}, cell {{ r.cell }}{% endif %}<div class="err">{{ r.error }}</div>{% endif %}</td></tr>
{% endfor %}</tbody></table></body></html>
"""


def write_index(out: Path, results: list[ClientResult]) -> None:
    """OUT/index.html (status, level, links for every client) and OUT/summary.csv, each written atomically."""
    rows = []
    for r in results:
        links = []
        good = out / r.client_id
        for label, name in (("report", "report.html"), ("PDF", "report.pdf"), ("workbook", "roadmap.xlsx")):
            if (good / name).exists():
                links.append((label, f"{r.client_id}/{name}"))
        failed = out / f"{r.client_id}.failed"
        if r.status == "failed" and failed.exists():
            links += [(f"failed {n.split('.')[0]}", f"{r.client_id}.failed/{n}") for n in sorted(os.listdir(failed))
                      if n.endswith(".ipynb")] + [("run.json", f"{r.client_id}.failed/run.json")]
        rows.append(dict(asdict(r), links=links))
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html = env.from_string(INDEX).render(results=rows, date=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
                                         n_ok=sum(r.status in ("ok", "skipped") for r in results),
                                         n_skipped=sum(r.status == "skipped" for r in results))
    atomic.write_text(out / "index.html", html)
    cols = ["client_id", "name", "status", "overall_score", "overall_level", "top_gap", "failed_step", "cell",
            "error", "seconds", "folder"]
    rows = ([asdict(r)[c] for c in cols] for r in results)
    atomic.write_text(out / "summary.csv", write_csv(rows, cols))


class Progress:
    """A progress bar on a terminal; one plain line per client and step elsewhere (CI logs stay readable)."""

    def __init__(self, n_clients: int, stream=None):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar = None
        self.counted: dict[str, int] = {}  # steps of each client already on the bar
        if self.tty:
            from tqdm import tqdm

            self.bar = tqdm(total=n_clients * len(STEPS), unit="step", file=self.stream, dynamic_ncols=True)

    def _advance(self, client: str, steps: int) -> None:
        steps = max(0, min(steps, len(STEPS) - self.counted.get(client, 0)))
        self.counted[client] = self.counted.get(client, 0) + steps
        if self.bar is not None and steps:
            self.bar.update(steps)

    def event(self, client: str, step: str, state: str, seconds: float) -> None:
        if state in ("ok", "failed", "skipped"):
            self._advance(client, 1)
        if self.bar is not None:
            self.bar.set_postfix_str(f"{client}: {step} {state}")
        elif state == "retried":
            print(f"{client}: its worker was lost mid-run; retrying on another worker", file=self.stream, flush=True)
        elif state not in ("start", "skipped"):
            print(f"{client}: {step} {state}" + (f" ({seconds:.1f} s)" if state == "ok" else ""), file=self.stream,
                  flush=True)

    def skipped(self, client: str) -> None:
        self._advance(client, len(STEPS))
        if self.bar is None:
            print(f"{client}: unchanged since its last good run, skipped", file=self.stream, flush=True)

    def client_done(self, r: ClientResult) -> None:
        self._advance(r.client_id, len(STEPS))

    def note(self, text: str) -> None:
        """A remark about the run as a whole (e.g. how the cluster was set up)."""
        if self.bar is not None:
            self.bar.write(f"Note: {text}", file=self.stream)
        else:
            print(f"Note: {text}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
