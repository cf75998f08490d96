"""Where a client is built and how it is published: a staging folder under OUT, swapped into `OUT/<client-id>/`
in one atomic step, so an interrupted run leaves each client folder complete old or complete new. A client
that fails keeps its previous good folder; its partial notebook, error and run.json go to
`OUT/<client-id>.failed/`. Used by the coordinator; the steps themselves run in client.py, in a worker."""
from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path

from workbench.batch.jobs import ClientResult, Job, packages_used


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


def staging_for(out: Path, job: Job) -> Path:
    return out / ".staging" / f"{job.client_id}-{uuid.uuid4().hex[:8]}"


def cache_for(staging: Path) -> Path:
    """Where a client's analysis is kept for its notebooks during the run (removed after, never published)."""
    return staging.with_name(staging.name + ".cache")


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
