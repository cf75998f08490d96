"""The pools that run a batch's clients, registered by name as papermill registers its engines: `local` (worker
processes on this machine, local_pool.py) and `dask` (the workers of a Dask cluster, dask_pool.py). A new way
of running clients is one new module and one line in POOLS.

`workbench run --engine` names either a notebook executor, run by the local pool, or another pool, whose
workers use the default executor.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from assessment.problems import InputError, Problem
from workbench.batch.jobs import ClientResult, Job
from workbench.engines.executors import DEFAULT_ENGINE, EXECUTORS

# name -> "module:class", imported only when chosen: a run on this machine never pays for importing Dask
POOLS = {"local": "workbench.batch.local_pool:WorkerPool", "dask": "workbench.batch.dask_pool:DaskPool"}
ENGINES = [*EXECUTORS, *(name for name in POOLS if name != "local")]  # what `workbench run --engine` accepts
INPUT_MODES = ("ship", "shared")  # how a remote worker gets a client's inputs: sent with the task, or a shared path


@dataclass(frozen=True)
class RunSettings:
    """What a pool needs to build any client of the run."""

    out: Path
    formats: tuple[str, ...]
    params: dict
    timeout: int
    executor: str                  # the notebook executor the pool's workers use
    code: str                      # the hash of our code, notebooks and templates (a worker must match it)
    scheduler: str | None = None   # a pool on a cluster: where its scheduler listens
    inputs: str = ""               # a pool on a cluster: INPUT_MODES, "" for the pool's default
    note: Callable[[str], None] | None = None  # a remark about the run as a whole, for the progress display


class Pool(Protocol):
    """Runs clients. A context manager: workers start on entry (they may warm up while the run reads its
    clients) and stop on exit. `run` calls `done(result)` once for every job, and `event(client, step, state,
    seconds)` as steps start and end."""

    def __init__(self, n: int, settings: RunSettings) -> None: ...

    @classmethod
    def check(cls, settings: RunSettings, jobs: int) -> None:
        """InputError, before anything starts, for options this pool cannot take."""

    def __enter__(self) -> "Pool": ...

    def __exit__(self, *exc) -> None: ...

    def run(self, todo: list[Job], done: Callable[[ClientResult], None], event: Callable | None = None) -> None: ...


def choose(engine: str) -> tuple[str, str]:
    """(pool, notebook executor) for `--engine`."""
    if engine in EXECUTORS:
        return "local", engine
    if engine in POOLS:
        return engine, DEFAULT_ENGINE
    raise InputError([Problem("--engine", f"unknown engine {engine!r}; expected one of: {', '.join(ENGINES)}")])


def pool_class(name: str) -> type[Pool]:
    """The pool registered as `name`."""
    module, cls = POOLS[name].split(":")
    return getattr(importlib.import_module(module), cls)
