"""The last-resort handler: an unexpected exception in any command (a fault of ours, not of the input) prints
one line naming what failed, on which file, and where the traceback was written, and exits 1. Never a raw
traceback for the consultant, never a half-written output."""
from __future__ import annotations

import os
import subprocess
import sys

from hostile_inputs import NORTHBANK, copy_example, snapshot


def _workbench_with_a_fault(patch: str, *args, crash_dir) -> subprocess.CompletedProcess:
    """`workbench ARGS` in a process where `patch` (Python) has planted a bug first."""
    code = f"import sys; sys.argv = ['workbench', *{[str(a) for a in args]!r}]\n{patch}\nfrom workbench.cli import main\nmain()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, WORKBENCH_CRASH_DIR=str(crash_dir)))


def test_a_bug_while_reading_a_file_gives_one_line_naming_the_file_and_the_traceback_file(tmp_path):
    folder = copy_example(NORTHBANK, tmp_path / "nb")
    patch = ("import assessment.responses as r\n"
             "def broken(*a, **k): raise KeyError(0.25)\n"
             "r.validate_raw = broken")
    r = _workbench_with_a_fault(patch, "validate", folder, crash_dir=tmp_path / "crashes")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith("workbench validate failed unexpectedly (KeyError: 0.25) while reading "
                               "responses/questionnaire-aoife-kowalski.xlsx.")
    crash = next((tmp_path / "crashes").glob("crash-*.log"))
    assert str(crash) in lines[0]
    assert "Traceback (most recent call last)" in crash.read_text() and "def broken" not in lines[0]


def test_a_bug_at_the_end_of_a_batch_leaves_every_client_folder_whole_and_no_half_written_index(tmp_path):
    folder = copy_example(NORTHBANK, tmp_path / "nb")
    before = snapshot(folder)
    out = tmp_path / "out"
    patch = ("import workbench.batch.run as b\n"  # the index fails half-way, after every client was built
             "from workbench import atomic\n"
             "def broken(out, results):\n"
             "    with atomic.atomic_path(out / 'index.html') as tmp:\n"
             "        tmp.write_text('<html><body>half')\n"
             "        raise ZeroDivisionError('division by zero')\n"
             "b.write_index = broken")
    r = _workbench_with_a_fault(patch, "run", folder, "--out", out, "--formats", "html", crash_dir=tmp_path / "c")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "workbench run failed unexpectedly (ZeroDivisionError: division by zero)" in r.stderr
    assert not (out / "index.html").exists()  # the atomic write never replaced anything with half a file
    assert {"report.html", "run.json"} <= {p.name for p in (out / "northbank-it-service-desk").iterdir()}
    assert not [p for p in out.rglob("*.tmp")]
    assert snapshot(folder) == before
