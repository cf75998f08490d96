"""Kernels without the start-up: a fork server that has imported everything once and forks a fresh,
clean IPython kernel for every client.

A normal Jupyter kernel spends one to three seconds importing IPython, pandas, matplotlib, pydantic and our
packages before it runs the first cell. The fork server (`python -m workbench.engines.forkserver`) does those
imports once, without creating any thread, ZeroMQ context or event loop, and then waits. Each request makes
it `fork()`: the child is a copy of that quiet, pre-imported process which then starts a real ipykernel
on the connection file it was given, exactly as `python -m ipykernel_launcher -f FILE` would. nbclient
(through papermill) talks to it over ZeroMQ like to any kernel, so notebooks still run cell by cell and
their outputs are the ones a normal kernel produces.

Isolation: the server never runs a notebook or reads client data; every client gets a new kernel process,
used for that client's notebooks (namespace reset between them) and then killed, so no variable, figure,
cache or file handle reaches another client. A kernel dies with its server (PR_SET_PDEATHSIG), and the
server with the batch worker that started it (it exits when its stdin closes, and is killed by the same
signal).

Protocol: one JSON line per request on the server's stdin
`{"argv": ["-f", CONNECTION_FILE, ...], "cwd", "env", "log"}`, one JSON line back on stdout: `{"pid": N}` or
`{"error": "..."}`.
"""
from __future__ import annotations

import asyncio
import ctypes
import datetime as dt
import gc
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from jupyter_core.utils import run_sync
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

PR_SET_PDEATHSIG = 1

# Imported once by the server, before any fork: the kernel's own stack and what the notebooks use.
PRELOAD = [
    "ipykernel.kernelapp", "ipykernel.debugger", "debugpy.server", "psutil", "sqlite3", "pdb", "faulthandler", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython", "IPython.display",
    "matplotlib_inline.backend_inline", "numpy", "pandas", "matplotlib", "matplotlib.figure",
    "matplotlib.backends.backend_agg", "openpyxl", "pydantic", "ruamel.yaml",
    "assessment.model", "assessment.responses", "assessment.scoring", "roadmaps.vision", "roadmaps.gaps",
    "roadmaps.catalogue", "roadmaps.sequencing", "roadmaps.scorecard", "workbench.engagement.folder",
    "workbench.planning", "workbench.reports.charts", "workbench.reports.views", "workbench.reports.workbook",
]


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the stdin EOF check still ends the server
        pass


def preload() -> None:
    """Import and warm up everything a kernel needs, without creating threads, sockets or client state."""
    # As ipykernel does before anything imports matplotlib, so the kernels see the same backend setting.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in PRELOAD:
        importlib.import_module(name)
    # imported here, in the fork server only, before it forks: what every kernel then shares
    from jupyter_client.localinterfaces import local_ips

    local_ips()  # the machine's network interfaces, looked up once rather than in every kernel
    from workbench.reports import charts

    charts.warm_up()  # fonts and text metrics, so the first chart of every kernel does not pay for them
    from assessment.model import builtin_models, load_model
    from roadmaps.catalogue import builtin_catalogue_path, load_catalogue

    for path in builtin_models().values():  # shipped with the product: the same for every client
        model = load_model(path)
        catalogue = builtin_catalogue_path(model.id)
        if catalogue:
            load_catalogue(catalogue, model)


def _child(request: dict) -> None:
    """In the forked child: become `python -m ipykernel_launcher -f CONNECTION_FILE ...`."""
    code = 1
    try:
        os.setsid()  # its own session and process group, as jupyter_client gives a kernel it launches
        _die_with_parent()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", buffering=1, closefd=False)
        sys.stderr = open(2, "w", buffering=1, closefd=False)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        import numpy as np  # preloaded by the server already: this only names it

        np.random.seed()  # Python's own `random` is reseeded by fork; numpy's global generator is not
        sys.argv = [sys.executable, *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp  # preloaded by the server already: this only names it

        IPKernelApp.launch_instance(argv=request["argv"] + [f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - the kernel's last words go to its log

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    """The server loop: read requests from stdin, fork a kernel for each, answer with its pid."""
    _die_with_parent()
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does; IPython puts the kernel's cwd back
    requests, replies = sys.stdin.buffer, os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # nothing printed by an import can corrupt the replies
    preload()
    if threading.active_count() != 1:  # forking a process with threads copies locks held by them: refuse
        raise SystemExit(f"fork server: preloading started threads {threading.enumerate()}; cannot fork safely")

    gc.collect()
    gc.freeze()  # the preloaded objects are never scanned by a child's GC, so their pages stay shared
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit; none becomes a zombie
    replies.write(b'{"ready": true}\n')
    for line in requests:
        try:
            request = json.loads(line)
            pid = os.fork()
        except Exception as exc:  # noqa: BLE001 - a bad request or no memory to fork: say so, keep serving
            replies.write((json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n").encode())
            continue
        if pid == 0:
            requests.close()
            replies.close()
            _child(request)
        replies.write((json.dumps({"pid": pid}) + "\n").encode())


# ---------------------------------------------------------------- the side that asks (a batch worker)

class ForkServer:
    """One fork server per batch worker process, started on first use and restarted if it died."""

    _instance: "ForkServer | None" = None
    _lock = threading.Lock()

    def __init__(self):
        root = Path(__file__).resolve().parents[2]  # the project: workbench/engines/forkserver.py
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
        self.proc = subprocess.Popen([sys.executable, "-m", "workbench.engines.forkserver"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=root)
        self.ready = False

    def _wait_ready(self) -> None:
        """Block until the server has done its imports (it says so on its first line)."""
        if not self.ready:
            if not self.proc.stdout.readline().startswith(b'{"ready"'):
                raise RuntimeError(f"the kernel fork server did not start (exit code {self.proc.poll()})")
            self.ready = True

    @classmethod
    def get(cls, wait: bool = True) -> "ForkServer":
        """The server, started if need be; `wait=False` returns while it is still importing (it is then
        waited for at its first fork)."""
        with cls._lock:
            if cls._instance is None or cls._instance.proc.poll() is not None:
                cls._instance = cls()
            if wait:
                cls._instance._wait_ready()
            return cls._instance

    @classmethod
    def shutdown(cls) -> None:
        with cls._lock:
            if cls._instance is not None:
                cls._instance.close()
                cls._instance = None

    def fork(self, argv: list[str], cwd: str, env: dict, log: str) -> int:
        with self._lock:
            self._wait_ready()
            request = {"argv": argv, "cwd": cwd, "env": env, "log": log}
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
            reply = json.loads(self.proc.stdout.readline() or b'{"error": "the fork server stopped"}')
        if "error" in reply:
            raise RuntimeError(f"could not start a kernel: {reply['error']}")
        return reply["pid"]

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()


class ForkedProcess:
    """What jupyter_client expects of a kernel's Popen, for a process the fork server (not we) started."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # not our child: its exit status is the server's to reap
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner that gets its kernel process from the fork server instead of Popen."""

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        km = self.parent
        env = kwargs.get("env") or dict(os.environ)
        cwd = os.path.abspath(kwargs.get("cwd") or os.getcwd())  # the server has its own working directory
        # A pipe round trip of a millisecond or two: done on this (the worker's main) thread, since the server
        # it may restart dies with the thread that started it.
        argv = cmd[cmd.index("-f"):] if "-f" in cmd else ["-f", km.connection_file]  # the kernel's own options
        pid = ForkServer.get().fork(argv, cwd, env, os.path.abspath(km.log_path))
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info

    async def wait(self) -> int | None:
        while self.process is not None and self.process.poll() is None:
            await asyncio.sleep(0.01)
        self.process = None
        return 0

    def get_shutdown_wait_time(self, recommended: float = 5.0) -> float:
        return 0.5


class ReadyKernelClient(AsyncKernelClient):
    """jupyter_client's wait_for_ready, without its fixed pauses: the kernel_info reply on shell and any
    message on IOPub prove both channels are live (the same test), then IOPub is drained of what the kernel
    said while starting; stock jupyter_client waits 0.2 s of silence for that, longer than our kernels
    take to start."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Our kernels bind their sockets within milliseconds of the fork; ZeroMQ's default 100 ms between
        # connection attempts would be most of the wait.
        self.context.setsockopt(zmq.RECONNECT_IVL, 5)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout or 60)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)
                except Empty:  # IOPub not subscribed yet: ask again (nbclient ignores the extra replies)
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.005)
            except Empty:
                return

    wait_for_ready = _async_wait_for_ready


class ForkKernelManager(AsyncKernelManager):
    """The kernel manager papermill is given for the fast engine: its kernels come from the fork server."""

    log_path: str = os.devnull  # set per client (ClientKernel): the kernel's stderr goes to its kernel.log

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client_factory = ReadyKernelClient
        self.clients: list = []

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        self.clients.append(kc)  # nbclient leaves the channels of a kernel it does not own open: we close them
        return kc

    def close_clients(self) -> None:
        for kc in self.clients:
            kc.stop_channels()
        self.clients.clear()

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=0.005)  # a killed kernel is gone in milliseconds

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or __import__("uuid").uuid4().hex
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


RESET = "get_ipython().run_line_magic('reset', '-f')\nimport gc\ngc.collect()"


async def _reset(km: ForkKernelManager, timeout: float = 30) -> None:
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=timeout)
        reply = await kc.execute_interactive(RESET, store_history=False, timeout=timeout,
                                             output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset the kernel between notebooks: {reply['content']}")
    finally:
        km.close_clients()


class ClientKernel:
    """One forked kernel for the notebooks of one client, its namespace reset between them: a client's
    three notebooks pay for one kernel start rather than three, and a new client always gets a new
    process, so nothing of one client reaches the next."""

    def __init__(self, cwd: Path, log: Path, extra_arguments: list[str]):
        self.run_sync = run_sync
        self.km = ForkKernelManager(kernel_name="python3")
        self.km.log_path = str(log)
        run_sync(self.km.start_kernel)(cwd=str(cwd), extra_arguments=extra_arguments)
        self.used = False

    def prepare(self) -> ForkKernelManager:
        """The kernel, ready for the next notebook: alive, and with an empty namespace."""
        if not self.run_sync(self.km.is_alive)():
            raise RuntimeError("the kernel of this client has died")
        if self.used:
            self.run_sync(_reset)(self.km)
        self.used = True
        return self.km

    def close(self) -> None:
        self.km.close_clients()
        try:
            self.run_sync(self.km.shutdown_kernel)(now=True)
        except RuntimeError:  # already gone
            pass


class SparseSaves(NotebookExecutionManager):
    """papermill's execution manager, saving the output notebook when execution starts, when it ends
    (success or failure) and every few seconds in between, instead of twice per cell: papermill rewrites the
    whole notebook, charts included, on every save. The notebook it leaves is the same."""

    every = dt.timedelta(seconds=5)

    def save(self, force: bool = False, **kwargs):
        if force or self.now() - self.last_save_time >= self.every:
            super().save(**kwargs)

    def notebook_start(self, **kwargs):
        super().notebook_start(**kwargs)
        self.save(force=True)  # a kernel that dies leaves at least the parameterised notebook

    def notebook_complete(self, **kwargs):
        super().notebook_complete(**kwargs)
        self.save(force=True)


class ForkEngine(NBClientEngine):
    """papermill's nbclient engine with the manager above; registered with papermill as 'workbench-fork'."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        nb_man = SparseSaves(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                             autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register("workbench-fork", ForkEngine)


if __name__ == "__main__":
    serve()
