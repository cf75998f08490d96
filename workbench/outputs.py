"""Where a command may write: never over a file it reads, never inside a folder it reads, and nothing left
behind when it fails.

A report folder inside `responses/` would be read as answers next time; an export written over client.yaml
would replace the client's own file. Every command that takes an output path checks it here first, before it
creates anything.
"""
from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Iterable, Iterator

from assessment.problems import InputError, Problem


def _resolved(path: Path) -> Path:
    return Path(path).expanduser().resolve()


def _within(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def refuse_output(target: Path, option: str, folders: Iterable[Path] = (), files: Iterable[Path] = ()) -> None:
    """InputError when `target` is one of `files`, lies inside (or is) one of `folders`, or contains any of them
    (so writing or replacing it would touch an input)."""
    t = _resolved(target)
    for f in map(_resolved, files):
        if t == f:
            raise InputError([Problem(option, f"{target} is an input ({f.name}); expected an output path that is "
                                              "not one of the files this command reads (nothing was written)")])
        if f.is_relative_to(t):
            raise InputError([Problem(option, f"{target} holds an input, {f}; expected an output path apart from "
                                              "the files this command reads (nothing was written)")])
    for d in map(_resolved, folders):
        if _within(t, d):
            raise InputError([Problem(option, f"{target} is inside {d}, which this command reads; expected an "
                                              "output path outside it (nothing was written)")])
        if d.is_relative_to(t):
            raise InputError([Problem(option, f"{target} holds {d}, which this command reads; expected an output "
                                              "path apart from it (nothing was written)")])


@contextlib.contextmanager
def removed_on_failure(folder: Path) -> Iterator[None]:
    """Create nothing when a command fails: if `folder` did not exist before and the block raises, remove it and
    any of its parents the block created."""
    first_missing = None
    for p in [Path(folder).absolute(), *Path(folder).absolute().parents]:
        if p.exists():
            break
        first_missing = p
    try:
        yield
    except BaseException:
        if first_missing is not None and first_missing.is_dir():
            shutil.rmtree(first_missing, ignore_errors=True)
        raise
