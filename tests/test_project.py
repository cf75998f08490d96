"""The project's own promises: two commands, CI that runs the tests, conda and pip in step."""
from __future__ import annotations

import re
import tomllib

from ruamel.yaml import YAML

from conftest import ROOT


def _split(req: str) -> tuple[str, str]:
    """'ruamel.yaml >=0.18' -> ('ruamel-yaml', '>=0.18'); pip extras such as [binary] are pip's own."""
    req = re.sub(r"\[[^\]]*\]", "", re.sub(r"\s", "", req))
    name = re.match(r"[A-Za-z0-9_.\-]+", req).group(0)
    return name.lower().replace("_", "-").replace(".", "-"), req[len(name):]


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_deps = dict(_split(d) for d in project["dependencies"] + project["optional-dependencies"]["test"])
    env = YAML(typ="safe").load((ROOT / "environment.yml").read_text())
    conda = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("pip")
    assert conda.pop("python") == ">=3.11" and project["requires-python"] == ">=3.11"
    assert conda == pip_deps
    assert project["scripts"]["workbench"] == "workbench.cli:main"


def test_ci_runs_make_test_and_readme_gives_the_two_commands():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "|| true" not in ci and "set -e" in ci
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme


def test_source_notebooks_carry_no_outputs():
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert '"output_type"' not in nb.read_text(), nb
