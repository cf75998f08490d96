"""How notebooks are executed, behind one small interface so a faster engine can replace papermill
without touching the notebooks, reports or batch (the shape of papermill's own engine registry)."""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path

from assessment.problems import Problem


class NotebookFailed(Exception):
    """A notebook stopped: which cell, what it ran, and the error it raised."""

    def __init__(self, notebook: str, message: str, cell: int | None = None, source: str = ""):
        self.notebook, self.cell, self.source = notebook, cell, source
        where = f"cell {cell}" if cell is not None else "the kernel"
        super().__init__(f"{notebook}: {where}: {message}")
        self.message = message


class Executor(ABC):
    name: str

    @abstractmethod
    def execute(self, notebook: Path, output: Path, parameters: dict, cwd: Path, timeout: int,
                log: Path | None = None) -> None:
        """Run `notebook` with `parameters` into `output` (kept even on failure), the kernel's own messages
        to `log`; raise NotebookFailed."""

    def start(self, wait: bool = True) -> None:
        """Prepare what the engine keeps between clients, before the first one (nothing, for most);
        `wait=False`: let it get ready in the background, and wait for it at first use instead."""

    def finish_client(self) -> None:
        """A client's notebooks are done (or one failed): release what the engine held for that client."""

    def close(self) -> None:
        """Release what the engine keeps between clients (nothing, for most)."""


# Batch kernels keep no input history: nothing of one client's cells is written to IPython's shared
# history database, where another kernel could read it (and no kernel waits on its lock).
KERNEL_OPTIONS = ["--HistoryManager.enabled=False"]


class PapermillExecutor(Executor):
    """The reference engine: a fresh kernel per notebook, started from scratch and executed cell by cell
    by papermill."""

    name = "papermill"

    def _papermill(self, notebook: Path, output: Path, parameters: dict, cwd: Path, timeout: int, **engine) -> None:
        import papermill as pm  # papermill takes seconds to import: only where a notebook runs or is inspected
        from papermill.exceptions import PapermillExecutionError

        try:
            pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name="python3",
                                cwd=str(cwd), execution_timeout=timeout, progress_bar=False, log_output=False,
                                extra_arguments=KERNEL_OPTIONS, **engine)
        except PapermillExecutionError as exc:
            raise NotebookFailed(notebook.name, f"{exc.ename}: {exc.evalue}", exc.cell_index, exc.source) from None
        except Exception as exc:  # a dead kernel, a cell over its time limit, a kernel that would not start
            raise NotebookFailed(notebook.name, f"{type(exc).__name__}: {exc}") from None

    def execute(self, notebook: Path, output: Path, parameters: dict, cwd: Path, timeout: int,
                log: Path | None = None) -> None:
        self._papermill(notebook, output, parameters, cwd, timeout)


class FastExecutor(PapermillExecutor):
    """The default engine: papermill as above, but the kernel is forked from a server that imported the
    kernel, pandas, matplotlib and our packages once (workbench/engines/forkserver.py), and a client's three
    notebooks run in one such kernel, its namespace reset between them (a new client always gets a new
    kernel). Same notebooks, same cell-by-cell execution, same outputs; none of the start-up."""

    name = "fast"
    kernel = None

    def execute(self, notebook: Path, output: Path, parameters: dict, cwd: Path, timeout: int,
                log: Path | None = None) -> None:
        from workbench.engines.forkserver import ClientKernel  # jupyter_client and papermill: only when used

        try:
            if self.kernel is None:
                self.kernel = ClientKernel(cwd, log or Path(os.devnull), KERNEL_OPTIONS)
            km = self.kernel.prepare()
        except Exception as exc:  # a kernel that would not start or has died
            raise NotebookFailed(notebook.name, f"{type(exc).__name__}: {exc}") from None
        try:
            self._papermill(notebook, output, parameters, cwd, timeout, km=km, engine_name="workbench-fork")
        finally:
            km.close_clients()

    def finish_client(self) -> None:
        if self.kernel is not None:
            self.kernel.close()
            self.kernel = None

    def start(self, wait: bool = True) -> None:
        """Start the fork server now rather than at the first notebook."""
        from workbench.engines.forkserver import ForkServer  # jupyter_client and papermill: only when used

        ForkServer.get(wait)

    def close(self) -> None:
        from workbench.engines.forkserver import ForkServer  # jupyter_client and papermill: only when used

        ForkServer.shutdown()


EXECUTORS: dict[str, type[Executor]] = {"fast": FastExecutor, "papermill": PapermillExecutor}
DEFAULT_ENGINE = "fast"


def get_executor(name: str) -> Executor:
    if name not in EXECUTORS:
        raise KeyError(f"unknown engine {name!r}; expected one of: {', '.join(EXECUTORS)}")
    return EXECUTORS[name]()


TYPES = {"str": (str,), "float": (float, int), "int": (int,), "bool": (bool,)}


def parameter_problems(notebook: Path, given: dict) -> list[Problem]:
    """Check parameters against the notebook's `parameters` cell before any kernel starts: unknown names,
    values of the wrong type, and parameters the notebook lacks (papermill itself only warns)."""
    import papermill as pm  # papermill takes seconds to import: only where a notebook runs or is inspected

    declared = pm.inspect_notebook(str(notebook))
    out = []
    if not declared:
        return [Problem(notebook.name, "no cell tagged 'parameters'; expected one")]
    for name, value in given.items():
        if name not in declared:
            out.append(Problem(notebook.name, f"unknown parameter {name!r}; the notebook declares: "
                                              + ", ".join(declared), key=name))
            continue
        kind = declared[name].get("inferred_type_name", "None")
        ok = TYPES.get(kind.replace("Optional[", "").rstrip("]"))
        if ok and (not isinstance(value, ok) or (isinstance(value, bool) and bool not in ok)):
            out.append(Problem(notebook.name, f"parameter {name!r} must be {kind}; found {value!r} "
                                              f"({type(value).__name__})", key=name))
    return out
