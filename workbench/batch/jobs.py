"""What a batch run works on: the clients found, one job per client with its inputs' fingerprint, the
notebooks and formats of a run, and the result each client ends with."""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from assessment.problems import InputError, Problem
from workbench.engagement.config import slugify
from workbench.engagement.files import fingerprint, hash_files
from workbench.engagement.folder import external_inputs, load_engagement
from workbench.engines.executors import parameter_problems

ROOT = Path(__file__).resolve().parents[2]  # the project: workbench/batch/jobs.py


NOTEBOOK_DIR = Path(os.environ.get("WORKBENCH_NOTEBOOKS", ROOT / "notebooks"))


NOTEBOOKS = ["01_envision_the_end.ipynb", "02_current_state_assessment.ipynb", "03_gap_analysis_roadmap.ipynb"]


PROGRESS_NOTEBOOK = "04_progress_review.ipynb"  # run only for a client with more than one assessment round


STEPS = ["validate"] + [n.split(".")[0] for n in NOTEBOOKS + [PROGRESS_NOTEBOOK]] + ["report"]


FORMATS = ("html", "pdf", "xlsx", "pptx")


SAFE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


PACKAGES = ["maturity-workbench", "pandas", "papermill", "nbconvert", "nbclient", "matplotlib", "playwright",
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
    files = [p for pkg in ("assessment", "roadmaps", "workbench") for p in (ROOT / pkg).rglob("*")
             if p.is_file() and p.suffix in (".py", ".yaml", ".j2", ".css")]
    return hash_files(sorted(files) + [NOTEBOOK_DIR / n for n in NOTEBOOKS + [PROGRESS_NOTEBOOK]], ROOT)


def make_job(folder: Path, formats: tuple[str, ...], params: dict, code: str) -> Job:
    """Identify a client and fingerprint its inputs; a client whose client.yaml is broken, unreadable or
    hostile still gets a job (it fails alone, at its validate step, with the reason): nothing a client's files
    hold may stop the coordinator."""
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


def packages_used() -> dict:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out
