"""Shared helpers: run the CLI as a user would and build engagements in tmp_path."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "clients"
EXE = os.path.join(os.path.dirname(sys.executable), "workbench")
NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "client.yaml").exists())


def run(*args, cwd=None, env=None):
    """`workbench run ARGS...` as a separate process, as a consultant would type it."""
    return subprocess.run([EXE, "run", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, **(env or {})))


def client_ids():
    from workbench.planning import plan_engagement

    return {n: plan_engagement(EXAMPLES / n).engagement.config.id for n in NAMES}


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by playwright (a browser download is impossible here), one per test module."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "run `make browser-deps` (Debian's chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def batch(tmp_path_factory, worker_id):
    """The example clients through `workbench run` with the default (fast) engine and every format. Made once
    for the whole test run: under pytest-xdist the first process to need it runs it, the others wait for it
    and read it (tests copy what they change)."""
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    out, result = shared / "batch-out", shared / "batch-result.json"
    with open(shared / "batch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            r = run("--all", EXAMPLES, "--out", out, "--jobs", "2")
            result.write_text(json.dumps({"args": r.args, "returncode": r.returncode, "stdout": r.stdout,
                                          "stderr": r.stderr}))
    r = subprocess.CompletedProcess(**json.loads(result.read_text()))
    assert r.returncode == 0, r.stdout + r.stderr
    return out, r


class Result:
    def __init__(self, r):
        self.exit_code, self.stdout, self.stderr = r.exit_code, r.stdout, r.stderr
        self.exception = r.exception

    def __repr__(self) -> str:
        return f"<exit {self.exit_code}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}>"


@pytest.fixture
def workbench():
    """Run `workbench ARGS...` in-process; returns exit code, stdout and stderr."""
    def run(*args: str) -> Result:
        r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise r.exception
        return Result(r)
    return run


@pytest.fixture
def engagement(tmp_path, workbench):
    """A fresh engagement made with `workbench init-client`, with an empty responses/ folder."""
    folder = tmp_path / "acme"
    r = workbench("init-client", folder, "--name", "Acme IT Service Desk", "--sector", "Retail")
    assert r.exit_code == 0, r
    return folder


@pytest.fixture
def example_copy(tmp_path):
    """Copy an example engagement into tmp_path so a test may change it."""
    def copy(name: str) -> Path:
        dest = tmp_path / name
        shutil.copytree(EXAMPLES / name, dest)
        return dest
    return copy


# Hypothesis: `ci` (the default) keeps the suite's time; `pytest --hypothesis-profile=deep` digs for longer.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
_hypothesis_settings.register_profile("deep", max_examples=3000, deadline=None)
_hypothesis_settings.load_profile("ci")

