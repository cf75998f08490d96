"""JupyterLab in a real browser (Debian's chromium, driven by playwright): every notebook runs as a consultant
runs it (the workshop app is tested in test_workshop_room.py)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import EXE, ROOT

ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        assert proc.poll() is None, "the workshop app stopped"
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A real JupyterLab server on a copy of the notebooks and examples (they keep their relative layout), one
    for every notebook's test: each opens its own notebook in a new tab."""
    tmp_path = tmp_path_factory.mktemp("lab")
    root = tmp_path / "lab"
    (root / "examples").mkdir(parents=True)
    import shutil

    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "examples" / "clients", root / "examples" / "clients")
    port, token = free_port(), "workbench-test"
    proc = subprocess.Popen([str(Path(EXE).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
                             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
                             "--ServerApp.ip=127.0.0.1", "--LabApp.news_url=None",
                             f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/api?token={token}", proc)
        yield f"http://127.0.0.1:{port}", token, root
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


PROMPTS = "() => [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')].map(e => e.textContent.trim())"


def run_all_cells(page) -> None:
    """Run > Run All Cells, as a person would: on a busy machine the menu can open before the notebook is the
    active document, with its run commands greyed out; then close the menu, click the notebook and open it
    again. Returns once the first cell has started ([*]) or finished ([1])."""
    for _ in range(5):
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        item = page.locator(".lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text="Run All Cells")).first
        item.wait_for(state="visible", timeout=10_000)
        if "lm-mod-disabled" not in (item.get_attribute("class") or ""):
            item.click()
            try:
                page.wait_for_function(f"() => ({PROMPTS})().some(t => /\\[(\\*|\\d+)\\]/.test(t))", timeout=60_000)
                return
            except Exception:  # noqa: BLE001 - not started: look again, as a person would
                pass
        else:
            page.keyboard.press("Escape")
        time.sleep(2)
    raise AssertionError(what_the_page_shows(page, "run all", "Run All Cells never started a cell"))


def what_the_page_shows(page, name: str, found) -> str:
    """For a failure: a screenshot, the kernel's status, the cells' prompts and any dialog, with what was found."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"jupyterlab-{name}-failed.png"))
    status = page.evaluate("() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status")
    dialog = page.evaluate("() => document.querySelector('.jp-Dialog')?.innerText")
    return f"{found}; kernel status {status!r}; prompts {page.evaluate(PROMPTS)}; dialog {dialog!r}"


@pytest.mark.parametrize("notebook", ["01_envision_the_end", "02_current_state_assessment", "03_gap_analysis_roadmap",
                                      "04_progress_review"])
def test_every_notebook_runs_in_jupyterlab_without_an_error(lab, browser, notebook):
    base, token, root = lab
    import nbformat

    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(f"{base}/lab/workspaces/{notebook}/tree/notebooks/{notebook}.ipynb?token={token}")  # a workspace of its own
    page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached", timeout=90_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    run_all_cells(page)
    path = root / "notebooks" / f"{notebook}.ipynb"
    deadline = time.time() + 180
    while True:  # save until the file shows every code cell run (what a consultant sees, as JupyterLab saved it)
        time.sleep(2)
        page.keyboard.press("Control+s")
        time.sleep(0.5)
        cells = [c for c in nbformat.read(path, 4).cells if c.cell_type == "code"]
        if all(c.get("execution_count") for c in cells):
            break
        assert time.time() < deadline, what_the_page_shows(page, notebook, [c.get("execution_count") for c in cells])
    outputs = [o for c in cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"], outputs
    if notebook == "01_envision_the_end":  # the vision, the targets by layer and the scorecard, as tables
        assert sum("wb-table" in str(o.get("data", {}).get("text/html", "")) for o in outputs) >= 2
    else:
        assert any("image/svg+xml" in o.get("data", {}) for o in outputs)  # the charts are there
    if notebook in ("01_envision_the_end", "03_gap_analysis_roadmap"):  # and the live panel, as a widget
        assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"jupyterlab-{notebook}.png"))
    page.close()
