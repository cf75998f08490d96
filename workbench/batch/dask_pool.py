"""The batch on a Dask cluster: one task per client, sent to the workers of a `dask scheduler` (or of a
LocalCluster started for the run), for when one machine is not enough.

The coordinator (the `workbench run` process) does what it does for the local batch: it plans the run, keeps
the progress bar, writes every client's files into OUT/ with the same atomic swap, records each client in the
portfolio store (it stays the only writer, so SQLite works), and writes index.html and summary.csv.

A task carries what its worker needs and nothing more:
- the client's input files (its engagement folder, plus a model or catalogue kept outside it), read on the
  coordinator and laid out on the worker under a scratch folder that mirrors their absolute paths, so paths
  in client.yaml stay valid; at most MAX_INPUT_BYTES per client ('--inputs ship', the default with a
  scheduler). With '--inputs shared' the worker reads the folder at the same path (a shared drive; the
  default for the local cluster, which is on this machine);
- the other facts of the Job (peer values for the report, never names);
- a hash of the coordinator's code, notebooks and templates: a worker with other code refuses the client
  instead of producing a report that differs from the rest.

It returns the files of the client's staging folder (paths of the scratch folder turned back into the
coordinator's), the result with the store record, and the steps. Each worker keeps the fast engine's fork
server and the report exporter warm (WarmWorker, a Dask worker plugin), and runs one client at a time.

A worker lost mid-task (killed, out of memory, machine gone) has its client retried once on another worker:
the scheduler does that, with `distributed.scheduler.allowed-failures` = 1 (set for the local cluster, and
checked and set on a scheduler we connect to); a second loss marks the client failed, with the workers lost.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
import uuid
from pathlib import Path

import dask
from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, get_worker

from assessment.problems import InputError, Problem
from workbench.batch.jobs import ClientResult, Job, code_hash, packages_used
from workbench.batch.pools import INPUT_MODES, RunSettings
from workbench.batch.staging import fail_client, finish, staging_for
from workbench.engagement.files import input_files
from workbench.engagement.folder import external_inputs, load_engagement
from workbench.engines.executors import get_executor

NOTEBOOK_ENGINE = "fast"     # how the workers execute notebooks
MAX_INPUT_BYTES = 64 * 2**20  # what one task may carry; bigger engagements: --inputs shared
TEXT_OUTPUTS = {".ipynb", ".json", ".log", ".html", ".txt", ".csv", ".md"}
ALLOWED_FAILURES = 1          # a lost worker's client is retried once, then failed
NO_WORKERS_GRACE = 120.0      # seconds the run waits for a worker to (re)appear before failing what is left


# ---------------------------------------------------------------- inputs travel with the task

def input_paths(folder: Path) -> list[Path]:
    """The files a client's run reads: its engagement folder's files, plus a model or catalogue kept
    elsewhere (a folder whose client.yaml is broken: just its files; it fails at validate, as locally)."""
    paths = input_files(folder)
    try:
        paths += [p for p in external_inputs(load_engagement(folder)) if p.is_file()]
    except InputError:
        pass
    return list(dict.fromkeys(Path(os.path.abspath(p)) for p in paths))


def pack_inputs(folder: Path, limit: int = MAX_INPUT_BYTES) -> dict[str, bytes]:
    """{absolute path: bytes} of a client's inputs; InputError naming the folder when over `limit`."""
    paths = input_paths(folder)
    size = sum(p.stat().st_size for p in paths)
    if size > limit:
        big = sorted(paths, key=lambda p: -p.stat().st_size)[0]
        raise InputError([Problem(str(folder), f"its input files are {size / 2**20:.1f} MB (the largest: {big.name}, "
                                               f"{big.stat().st_size / 2**20:.1f} MB); a task carries at most "
                                               f"{limit / 2**20:.0f} MB; expected smaller inputs, or put the "
                                               "engagements on a drive every worker sees at the same path and run "
                                               "with --inputs shared")])
    return {str(p): p.read_bytes() for p in paths}


def mirror(root: Path, path: Path | str) -> Path:
    """Where the coordinator's absolute `path` lies on the worker, under `root`."""
    return root / str(path).lstrip(os.sep)


def unpack_inputs(files: dict[str, bytes], root: Path) -> None:
    for name, data in files.items():
        target = mirror(root, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def unmap(value, paths: dict[str, str]):
    """`value` (text, bytes, or lists and dicts of them) with the worker's scratch paths (keys of `paths`)
    turned back into the coordinator's."""
    if isinstance(value, (str, bytes)):
        for worker_path, coordinator_path in paths.items():
            if isinstance(value, bytes):
                worker_path, coordinator_path = worker_path.encode(), coordinator_path.encode()
            value = value.replace(worker_path, coordinator_path)
        return value
    if isinstance(value, dict):
        return {k: unmap(v, paths) for k, v in value.items()}
    if isinstance(value, list):
        return [unmap(v, paths) for v in value]
    return value


def collect_outputs(staging: Path, paths: dict[str, str]) -> dict[str, bytes]:
    """{relative name: bytes} of what a client produced; in text files the worker's paths are unmapped."""
    out = {}
    for p in sorted(staging.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            out[str(p.relative_to(staging))] = unmap(data, paths) if p.suffix in TEXT_OUTPUTS else data
    return out


# ---------------------------------------------------------------- on the worker

_LOCK = threading.Lock()  # one client at a time per worker process (the fork server, stderr and cache env)
_WARM_LOCK = threading.Lock()
_STATE: dict = {}


def _warm(formats: tuple) -> dict:
    """This worker process's executor (fork server started; it finishes its imports in the background),
    report exporter and code hash, made once."""
    with _WARM_LOCK:
        if "executor" not in _STATE:
            from workbench.batch.client import warm_up_worker  # a worker's imports, kept out of the coordinator

            executor = get_executor(NOTEBOOK_ENGINE)
            warm_up_worker(executor, formats, wait=False)
            _STATE.update(executor=executor, code=code_hash(), pdf="pdf" in formats)
        elif "pdf" in formats and not _STATE["pdf"]:
            from workbench.reports import report as reports  # a worker's imports, kept out of the coordinator

            reports.warm_up_pdf(wait=False)
            _STATE["pdf"] = True
    return _STATE


class WarmWorker(WorkerPlugin):
    """The Dask worker plugin: warm up as soon as a worker joins (and again when a lost one is restarted),
    not in its first client's time; close the fork server when the worker closes."""

    name = "maturity-workbench"

    def __init__(self, formats: tuple, quiet_sigint: bool = False):
        self.formats, self.quiet_sigint = tuple(formats), quiet_sigint

    def setup(self, worker) -> None:
        if self.quiet_sigint:  # the local cluster's workers: Ctrl-C in the terminal is the coordinator's
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            except ValueError:
                pass
        # Dask's statistical profiler samples the running task's stack every 10 ms for the dashboard; a task
        # here is a whole client, so the profile tells nothing, and the sampling costs the client CPU.
        for name in ("profile", "profile-cycle"):
            if name in worker.periodic_callbacks:
                worker.periodic_callbacks[name].stop()
        _warm(self.formats)  # in the worker's main thread: the fork server lives as long as the worker

    def teardown(self, worker) -> None:
        executor = _STATE.pop("executor", None)
        if executor is not None:
            executor.close()


class _Events:
    """What build_client calls `events`: step events to the coordinator, through the scheduler."""

    def __init__(self, worker, topic: str):
        self.worker, self.topic, self.sent = worker, topic, []

    def put(self, event: tuple) -> None:
        self.sent.append(list(event))
        self.worker.log_event(self.topic, ["step", *event])


def client_task(job: Job, files: dict[str, bytes] | None, staging: str, formats: tuple, params: dict, timeout: int,
                code: str, topic: str) -> dict:
    """One client on a Dask worker: lay out its inputs (or use the shared path), build it in a scratch
    staging folder, and return what it produced. Runs in the worker; the coordinator publishes."""
    worker = get_worker()
    with _LOCK:
        worker.log_event(topic, ["attempt", job.client_id, worker.address])
        state = _warm(tuple(formats))
        base = {"worker": worker.address, "packages": packages_used()}
        if state["code"] != code:
            return dict(base, refused=(f"worker {worker.address} runs a different Maturity Workbench (code, notebooks or "
                                    f"templates hash {state['code'][:12]}, this run's is {code[:12]}); expected "
                                    "the same version on every worker: install the coordinator's commit there"))
        scratch = Path(tempfile.mkdtemp(prefix=f"workbench-{job.client_id}-", dir=worker.local_directory))
        try:
            local, paths = job, {str(scratch / "out"): staging}  # notebooks name the staging folder they ran in
            if files is not None:
                root = scratch / "in"
                unpack_inputs(files, root)
                local, paths[str(root)] = dataclasses.replace(job, folder=mirror(root, job.folder)), ""
            elif not (job.folder / "client.yaml").is_file():
                return dict(base, refused=f"{job.folder} is not on worker {worker.address} ({worker.host}); with "
                                          "--inputs shared every worker must see the engagements at the same path; "
                                          "expected that, or --inputs ship")
            from workbench.batch.client import build_client  # a worker's imports, kept out of the coordinator

            events = _Events(worker, topic)
            result, steps, error = build_client(local, scratch / "out", tuple(formats), state["executor"], params,
                                                timeout, events)
            outputs = collect_outputs(scratch / "out", paths)
            result.folder, result.error = str(job.folder), unmap(result.error, paths)
            steps, error = unmap(steps, paths), unmap(error, paths)
            return dict(base, result=result, steps=steps, error=error, files=outputs, events=events.sent)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------- the coordinator's side

class _Background(threading.Thread):
    """A call made in a thread; result() waits for it and raises what it raised."""

    def __init__(self, fn):
        super().__init__(daemon=True)
        self.fn, self.error = fn, None
        self.start()

    def run(self) -> None:
        try:
            self.fn()
        except BaseException as exc:  # handed to result()
            self.error = exc

    def result(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


class DaskPool:
    """The local WorkerPool's interface (`run(todo, done, event)`) on a Dask cluster: `scheduler` an
    address (tcp://HOST:PORT), or None for a LocalCluster of `n` single-threaded worker processes."""

    @classmethod
    def check(cls, settings: RunSettings, jobs: int) -> None:
        """--jobs sizes the local cluster only; --inputs is one of INPUT_MODES."""
        if settings.scheduler and jobs:
            raise InputError([Problem("--jobs", "sizes the local cluster; with --scheduler the workers you started "
                                                "run the clients (dask worker --nworkers N); expected one of the two")])
        if settings.inputs and settings.inputs not in INPUT_MODES:
            raise InputError([Problem("--inputs", f"unknown mode {settings.inputs!r}; expected one of: "
                                                  + ", ".join(INPUT_MODES))])

    def __init__(self, n: int, settings: RunSettings):
        s = settings
        scheduler, notes = s.scheduler, s.note
        self.out, self.formats, self.params, self.timeout = s.out, tuple(s.formats), s.params, s.timeout
        self.inputs = s.inputs or ("ship" if scheduler else "shared")
        self.code = s.code or code_hash()
        self.cluster, self.event = None, None
        self.attempts: dict[str, list[str]] = {}  # client -> the workers its task was tried on
        self.shown: set = set()                     # (client, step, state) already reported
        self.started: dict[str, float] = {}         # client -> when its task was sent
        self.topic = f"workbench-{uuid.uuid4().hex[:12]}"
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=dask.config.get("distributed.comm.timeouts.connect"),
                                     set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError([Problem("--scheduler", f"no Dask scheduler answered at {scheduler}: {exc}; "
                                                         "expected a running `dask scheduler` (see the README)")])
            self.address = scheduler
            try:
                self.client.wait_for_workers(1, timeout=dask.config.get("distributed.comm.timeouts.connect"))
            except TimeoutError:
                self.client.close()
                raise InputError([Problem("--scheduler", f"the scheduler at {scheduler} has no workers; expected "
                                                         f"some, started with `dask worker {scheduler} --nthreads 1`")])

            def set_allowed_failures(n: int, dask_scheduler=None) -> int:  # sent by value, run by the scheduler
                before, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, n
                return before

            before = self.client.run_on_scheduler(set_allowed_failures, n=ALLOWED_FAILURES)
            if before != ALLOWED_FAILURES and notes:
                notes(f"the scheduler at {scheduler} retried a client lost with its worker {before} time(s); set to "
                      f"{ALLOWED_FAILURES} (start it with DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="
                      f"{ALLOWED_FAILURES})")
        else:
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                                  "distributed.worker.profile.enabled": False}):
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.CRITICAL)
            self.client = Client(self.cluster, set_as_default=False)
            self.address = self.cluster.scheduler_address
        # The workers warm up (a few seconds) while the coordinator reads the clients; run() waits for it.
        plugin = WarmWorker(self.formats, quiet_sigint=self.cluster is not None)
        self.warming = _Background(lambda: self.client.register_plugin(plugin, name=WarmWorker.name))

    def __enter__(self) -> "DaskPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.client.close(timeout=10)
        finally:
            if self.cluster is not None:
                self.cluster.close(timeout=10)

    def run(self, todo: list[Job], done, event=None) -> None:
        """Every client of `todo` through the cluster; `done(result)` for each as it finishes (its files are
        in OUT/ by then), `event(client, step, state, seconds)` for the progress bar. Ctrl-C cancels what
        is not finished and leaves OUT/ as it was for those clients."""
        self.event = event
        self.warming.result()
        inbox: queue.Queue = queue.Queue()
        self.client.subscribe_topic(self.topic, lambda ev: inbox.put(ev[1]))
        waiting = list(reversed(todo))
        running: dict = {}  # future -> (job, its staging folder under OUT)
        no_workers_since, threads, asked = None, 0, 0.0
        try:
            while waiting or running:
                if time.monotonic() - asked > 1:  # the cluster may grow or shrink during the run
                    threads, asked = sum(self.client.nthreads().values()), time.monotonic()
                # One task in flight per worker thread: a lost worker takes only the client it was running with it
                # (the scheduler would otherwise queue more on each worker), and inputs are read as they go.
                while waiting and len(running) < max(1, threads):
                    self._submit(waiting.pop(), running, done)
                self._drain(inbox)
                if not self._collect(running, inbox, done):
                    time.sleep(0.02)
                if threads:
                    no_workers_since = None
                elif running:
                    no_workers_since = no_workers_since or time.monotonic()
                    if time.monotonic() - no_workers_since > NO_WORKERS_GRACE:
                        self._give_up(running, waiting, done)
        except BaseException:
            self.client.cancel(list(running), force=True)  # Ctrl-C: nothing unfinished reaches OUT/
            raise
        finally:
            self.client.unsubscribe_topic(self.topic)

    def _submit(self, job: Job, running: dict, done) -> None:
        """Send one client to the cluster, with its inputs unless they are shared; a client whose inputs cannot
        be packed fails alone."""
        self.started[job.client_id] = time.perf_counter()
        try:
            files = None if self.inputs == "shared" else pack_inputs(job.folder)
        except InputError as exc:
            done(self._failed(job, "inputs", exc.render()))
            return
        staging = staging_for(self.out, job)
        fut = self.client.submit(client_task, job, files, str(staging), self.formats, self.params, self.timeout,
                                 self.code, self.topic, pure=False, key=f"workbench-client-{staging.name}")
        running[fut] = job, staging

    def _collect(self, running: dict, inbox: queue.Queue, done) -> bool:
        """Publish every client whose task has finished; True when there was one."""
        finished = [fut for fut in running if fut.done()]
        for fut in finished:
            job, staging = running.pop(fut)
            self._drain(inbox)
            done(self._publish(job, staging, fut))
            fut.release()
        return bool(finished)

    def _give_up(self, running: dict, waiting: list, done) -> None:
        """No worker for NO_WORKERS_GRACE seconds: what runs and what waits fails, each with the reason."""
        for fut, (job, _) in list(running.items()):
            fut.cancel()
            done(self._failed(job, "worker", f"no Dask worker was connected to {self.address} for "
                                             f"{NO_WORKERS_GRACE:.0f} s; expected running workers"))
        running.clear()
        for job in reversed(waiting):
            done(self._failed(job, "worker", "not run: the cluster had no workers"))
        waiting.clear()

    def _drain(self, inbox: queue.Queue) -> None:
        while True:
            try:
                msg = inbox.get_nowait()
            except queue.Empty:
                return
            if msg[0] == "attempt":
                _, client, worker = msg
                tried = self.attempts.setdefault(client, [])
                tried.append(worker)
                if len(tried) > 1 and self.event:
                    self.event(client, "worker", "retried", 0.0)
            else:
                self._show(*msg[1:])

    def _show(self, client: str, step: str, state: str, seconds: float) -> None:
        """Each step's outcome once, even when a retried client runs its steps again."""
        if state == "start" or (client, step, state) not in self.shown:
            self.shown.add((client, step, state))
            if self.event:
                self.event(client, step, state, seconds)

    def _failed(self, job: Job, step: str, message: str, staging: Path | None = None) -> ClientResult:
        self._show(job.client_id, step, "failed", 0.0)
        return fail_client(job, self.out, staging or staging_for(self.out, job), step, message,
                           time.perf_counter() - self.started[job.client_id], "dask", self.formats, self.params,
                           notebook_engine=NOTEBOOK_ENGINE, scheduler=self.address,
                           workers=self.attempts.get(job.client_id, []))

    def _publish(self, job: Job, staging: Path, fut) -> ClientResult:
        """Write what the worker returned into OUT/ (the local batch's staging and swap), or fail the client."""
        if fut.status != "finished":
            exc = fut.exception() if fut.status == "error" else None
            tried = self.attempts.get(job.client_id, [])
            if isinstance(exc, KilledWorker):
                lost = ", then ".join(tried) or "unknown workers"
                message = (f"the worker running this client was lost twice ({lost}): killed, out of memory, or its "
                           "machine went away; it was retried once on another worker, then given up; the other "
                           "clients went on")
            elif exc is not None:
                message = f"the task failed on the cluster: {type(exc).__name__}: {exc}"
            else:
                message = f"the cluster cancelled this client's task ({fut.status}), e.g. the scheduler restarted"
            return self._failed(job, "worker", message, staging)
        payload = fut.result()
        if "refused" in payload:
            self.attempts.setdefault(job.client_id, [payload["worker"]])
            return self._failed(job, "worker", payload["refused"], staging)
        for ev in payload["events"]:  # any the scheduler had not passed on yet
            self._show(*ev)
        result: ClientResult = payload["result"]
        staging.mkdir(parents=True)
        for name, data in payload["files"].items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        finish(job, self.out, staging, result, "dask", self.formats, self.params, payload["steps"], payload["error"],
               payload["packages"], notebook_engine=NOTEBOOK_ENGINE, scheduler=self.address,
               worker=payload["worker"], workers=self.attempts.get(job.client_id, [payload["worker"]]))
        return result
