"""`workbench run`: every client through a pool, resume, outputs apart from inputs, the store recording each
client, and the index of the run."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
from pathlib import Path

from workbench import store as portfolio
from workbench.batch.index import write_index
from workbench.batch.jobs import FORMATS, ClientResult, Job, check_parameters, code_hash, make_job
from workbench.batch.pools import RunSettings, choose, pool_class
from workbench.engines.executors import DEFAULT_ENGINE
from workbench.outputs import refuse_output, removed_on_failure
from workbench.version import version


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
    on a local one (workbench/batch/dask_pool.py; `inputs` "ship" or "shared")."""
    params = params or {}
    out = Path(out).resolve()  # kernels and workers run elsewhere: every path they get is absolute
    pool_name, executor = choose(engine)
    Pool = pool_class(pool_name)
    settings = RunSettings(out, tuple(formats), params, timeout, executor, "", scheduler, inputs,
                           getattr(report, "note", None))
    Pool.check(settings, jobs)
    refuse_output(out, "--out", folders)  # before any worker starts; OUT/<client-id> is checked once ids are read
    if store:
        portfolio.check_location(store, folders)
    check_parameters(dict(params, engagement="", output_dir=""))
    settings = dataclasses.replace(settings, code=code_hash())
    jobs = jobs or os.cpu_count() or 1

    def pool_for(n: int) -> Pool:
        return Pool(n, settings)

    with contextlib.ExitStack() as stack:
        pool = None
        if folders and not resume:  # workers warm up (imports, fork server) while the clients are read
            pool = stack.enter_context(pool_for(min(jobs, len(folders))))
        return _run(folders, settings, engine, jobs, resume, report, pool, pool_for, store)


def _run(folders: list[Path], settings: RunSettings, engine: str, jobs: int, resume: bool, report, pool, pool_for,
         store: str | None) -> list[ClientResult]:
    """The run once its pool is warming up: read the clients, check OUT, open the store, skip what --resume
    may, send the rest to the pool, record each finished client, write the index."""
    out = settings.out
    everyone = [make_job(f, settings.formats, settings.params, settings.code) for f in folders]
    plan, clashed = _apart_clashing_ids(everyone)
    check_out(out, everyone)
    for r in clashed.values():
        if report:
            report.client_done(r)
    store_url = None if store is None else store or portfolio.default_url(out)
    if store_url is not None:
        portfolio.check_location(store_url, [j.folder for j in everyone], [p for j in everyone for p in j.external])
    with removed_on_failure(out):  # a store that cannot be opened leaves no empty OUT behind
        out.mkdir(parents=True, exist_ok=True)
        db = None if store_url is None else _store_with_peers(store_url, plan)
    shutil.rmtree(out / ".staging", ignore_errors=True)  # left by an interrupted run
    results, todo = _unchanged_skipped(plan, out, resume, report)
    if todo:
        done = _recorder(db, None if db is None else portfolio.start_run(db, engine, version()), results, report)
        with contextlib.ExitStack() as stack:
            if pool is None:
                pool = stack.enter_context(pool_for(min(jobs, len(todo))))
            pool.run(todo, done, report.event if report else None)
    ordered = [clashed.get(str(j.folder)) or results[j.client_id] for j in everyone]
    write_index(out, ordered)
    if (out / ".staging").is_dir() and not any((out / ".staging").iterdir()):
        (out / ".staging").rmdir()
    return ordered


def _store_with_peers(store_url: str, plan: list[Job]):
    """The store opened (created or migrated), and each client's anonymous peers read from it."""
    db = portfolio.open_store(store_url)
    scores = portfolio.latest_dimension_scores(db)
    for j in plan:
        j.peers = portfolio.peers_for(scores, j.sector, j.model_id, j.client_id)
    return db


def _unchanged_skipped(plan: list[Job], out: Path, resume: bool, report) -> tuple[dict[str, ClientResult], list[Job]]:
    """With --resume, a client whose last run succeeded with the same inputs and code is skipped. Returns (the
    skipped clients' results, the jobs to run)."""
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
    return results, todo


def _recorder(db, run_id, results: dict[str, ClientResult], report):
    """What the run does with each finished client: record it in the store (when there is one), keep its
    result, tell the progress display."""
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
    return done


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
