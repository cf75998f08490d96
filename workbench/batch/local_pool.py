"""The local pool: long-lived worker processes on this machine, one client at a time each; a worker that dies
fails only its client and is replaced."""
from __future__ import annotations

import multiprocessing as mp
import pickle
import shutil
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

from assessment.problems import InputError, Problem
from workbench.batch.jobs import ClientResult, Job
from workbench.batch.pools import RunSettings
from workbench.batch.staging import cache_for, fail_client, staging_for
from workbench.engines.executors import get_executor


class _Events:
    """What run_client calls `events`: step events sent to the coordinator over the worker's pipe."""

    def __init__(self, conn):
        self.conn = conn

    def put(self, event: tuple) -> None:
        self.conn.send(("event", event))


def _worker_main(conn, engine: str, out: Path, formats: tuple, params: dict, timeout: int) -> None:
    """One worker process: warm up once (the engine, papermill, the report exporter), then run one client
    after another as the coordinator sends them, until it sends None or goes away."""
    from workbench.batch.client import run_client, warm_up_worker  # a worker's imports, kept out of the coordinator

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    executor = get_executor(engine)
    try:
        warm_up_worker(executor, formats, wait=False)  # the fork server and browser get ready while the rest loads
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

    def __init__(self, n: int, settings: RunSettings):
        self.ctx = mp.get_context("spawn")  # a clean interpreter: nothing of the coordinator's state
        self.settings = s = settings
        self.args = (s.executor, s.out, s.formats, s.params, s.timeout)
        self.workers = [self._start() for _ in range(n)]

    @classmethod
    def check(cls, settings: RunSettings, jobs: int) -> None:
        """The local pool takes none of a cluster's options."""
        if settings.scheduler or settings.inputs:
            raise InputError([Problem("--scheduler" if settings.scheduler else "--inputs",
                                      f"is for a Dask cluster (--engine dask); found --engine {settings.executor}")])

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
        queue_ = list(reversed(todo))
        while queue_ or any(w.job for w in self.workers):
            for w in self.workers:
                if w.job is None and queue_:
                    w.job = queue_.pop()
                    w.staging = staging_for(self.settings.out, w.job)
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
        s = self.settings
        return fail_client(job, s.out, w.staging, "worker", message, time.perf_counter() - w.started, s.executor,
                           s.formats, s.params)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"
