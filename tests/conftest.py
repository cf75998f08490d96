"""Shared helpers: run the CLI as a user would and build engagements in tmp_path."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "clients"


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
