"""Helpers for the hostile-input tests: copies of the examples made hostile, and the command run as a consultant
types it, in this process or (where a native reader could crash the process) in a separate one."""
from __future__ import annotations

import contextlib
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import EXAMPLES, EXE

BRIGHTLOOP = "brightloop-customer-support"     # a long CSV (';', UTF-8 BOM): 24 respondents, 1,320 answers
NORTHBANK = "northbank-it-service-desk"        # 18 returned questionnaire workbooks
HARBOURSIDE = "harbourside-council-contact-centre"  # three rounds, kpis.csv and status.csv
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


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def time_bound(seconds: int):
    """Fail the test, rather than hang the suite, when the block runs longer than `seconds`."""
    def expired(*_):
        raise TimeoutError(f"still running after {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def workbench(*args, timeout: int = 180, process: bool = False) -> Ran:
    """`workbench ARGS`: in this process through the CLI (an unexpected exception fails the test with its
    traceback), or with `process=True` as a separate process, where a crash of a native reader (a signal) fails
    the test rather than the runner. Either way a hang fails it after `timeout` seconds and no traceback may
    reach the consultant."""
    if process:
        r = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=timeout)
        ran = Ran(r.returncode, r.stdout, r.stderr)
    else:
        from click.testing import CliRunner

        from workbench.cli import cli

        with time_bound(timeout):
            r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        ran = Ran(r.exit_code, r.stdout, r.stderr)
    assert "Traceback" not in ran.stdout + ran.stderr, ran.stdout + ran.stderr
    return ran


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
