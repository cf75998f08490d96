"""The files of an engagement folder: which ones commands read, and a fingerprint of them all."""
from __future__ import annotations

import hashlib
from pathlib import Path

from workbench.engagement.config import CLIENT_FILE, DECISION_LOG, RESPONSES_DIR
from workbench.engagement.kpis import KPI_FILES


def read_by_commands(folder: Path) -> tuple[list[Path], list[Path]]:
    """(folders, files) of an engagement that commands read: responses/ with its rounds, customers/, and
    client.yaml, the KPI measurements, the initiative status and the decision log. Other files in the folder (the questionnaire, a roadmap workbook) are
    outputs a consultant may keep there."""
    folder = Path(folder).resolve()
    return ([folder / RESPONSES_DIR, folder / "customers"],
            [folder / CLIENT_FILE, *(folder / k for k in KPI_FILES), folder / "status.csv", folder / DECISION_LOG])


def input_files(folder: Path) -> list[Path]:
    """Every file of an engagement that can shape its results (hidden files and Office lock files aside)."""
    return sorted(p for p in Path(folder).rglob("*") if p.is_file()
                  and not any(x.startswith((".", "~$")) for x in p.relative_to(folder).parts))


def hash_files(paths: list[Path], base: Path) -> str:
    """A hash of the names (relative to `base`, else the bare name) and bytes of `paths`, in order."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(base) if p.is_relative_to(base) else p.name).encode() + b"\0")
        with open(p, "rb") as f:
            h.update(hashlib.file_digest(f, "sha256").digest())
    return h.hexdigest()


def fingerprint(folder: Path, extra: list[Path] = ()) -> str:
    """A hash of the names and bytes of an engagement's input files (plus `extra` files kept elsewhere)."""
    return hash_files(input_files(folder) + list(extra), Path(folder))


def file_hash(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
