"""Helpers for the hostile-input tests: copies of the examples made hostile, and the command run as a separate
process (a crash in a native reader must fail the test, not the test runner)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from conftest import EXAMPLES, EXE

BRIGHTLOOP = "brightloop-customer-support"     # a long CSV (';', UTF-8 BOM): 24 respondents, 1,320 answers
NORTHBANK = "northbank-it-service-desk"        # 18 returned questionnaire workbooks
HARBOURSIDE = "harbourside-council-contact-centre"  # two rounds and kpis.csv
BRIGHTLOOP_CSV = Path("responses") / "survey-export-2026-09.csv"
ALIAS_BOMB = "".join(f"{a}: &{a} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
                     for p, a in zip(["", *"abcdefgh"], "abcdefghi"))


def copy_example(name: str, dest: Path, client_id: str | None = None) -> Path:
    """A copy of an example engagement, under a new client id when given."""
    shutil.copytree(EXAMPLES / name, dest)
    if client_id:
        path = dest / "client.yaml"
        path.write_text(re.sub(r"^id: [a-z0-9-]+", f"id: {client_id}", path.read_text(), count=1, flags=re.M))
    return dest


def workbench(*args, timeout: float = 180) -> subprocess.CompletedProcess:
    """`workbench ARGS` as a consultant types it; a hang fails the test after `timeout` seconds."""
    r = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr
    return r


def csv_lines(folder: Path) -> list[str]:
    return (folder / BRIGHTLOOP_CSV).read_text(encoding="utf-8-sig").split("\n")


def set_field(line: str, index: int, value: str, sep: str = ";") -> str:
    parts = line.split(sep)
    parts[index] = value
    return sep.join(parts)


def far_value_workbook(source: Path, target: Path, cell: str = "XFD1048576", sheet: str | None = None) -> None:
    """A copy of a workbook with one stray value far from the data."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    (wb[sheet] if sheet else wb.active)[cell] = "x"
    wb.save(target)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (to show that a failed command changed nothing)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}
