"""The workshop app in a real browser (Debian's chromium, driven by playwright): a consultant moves a target
slider, sees the charts and the ranked gaps change, saves, and client.yaml holds the decision."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from conftest import EXE, ROOT
from test_batch import client_copy

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
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


@pytest.fixture
def browser():
    assert Path(CHROMIUM).exists(), "run `make browser-deps` (Debian's chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def workshop_app(tmp_path):
    folder = client_copy(tmp_path, "northbank-it-service-desk", "northbank")
    path = folder / "client.yaml"
    path.write_text("# Kick-off notes: targets agreed with the CIO are provisional.\n" + path.read_text())
    port = free_port()
    proc = subprocess.Popen([EXE, "workshop", str(folder), "--port", str(port), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc)
        yield folder, f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_move_a_target_see_the_roadmap_change_and_save_it(workshop_app, browser):
    folder, url = workshop_app
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(url)
    page.wait_for_selector(".wb-view-radar svg", timeout=90_000)
    assert "Northbank IT Service Desk" in page.inner_text(".wb-app-header")
    assert not page.locator(".jp-InputArea, .jp-InputPrompt, #menu-panel").count()  # no code, no Jupyter chrome
    radar, gaps = page.inner_html(".wb-view-radar"), page.inner_html(".wb-view-gaps")
    before = folder.joinpath("client.yaml").read_text()
    slider = page.locator(".wb-target-service-recovery")
    level_before = slider.locator(".widget-readout").inner_text()
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("b => document.querySelector('.wb-view-radar').innerHTML !== b", arg=radar, timeout=10_000)
    page.wait_for_function("b => document.querySelector('.wb-view-gaps').innerHTML !== b", arg=gaps, timeout=10_000)
    level_after = slider.locator(".widget-readout").inner_text()
    assert level_after != level_before
    page.wait_for_function("() => document.querySelector('.wb-status-line').innerText.includes('unsaved')")

    page.get_by_placeholder("name of who decides").fill("Maya Lindgren")
    page.get_by_text("Save decisions").click()
    page.wait_for_function("() => document.querySelector('.wb-status-line').innerText.includes('Saved')",
                           timeout=10_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workshop-after-save.png"), full_page=False)

    after = folder.joinpath("client.yaml").read_text()
    assert after != before
    assert after.startswith("# Kick-off notes: targets agreed with the CIO are provisional.")
    new_level = int(level_after.split()[0])
    from workbench.engagement import load_engagement

    assert load_engagement(folder).config.vision.targets["service-recovery"].level == new_level
    log = folder.joinpath("decisions.csv").read_text()
    assert "Maya Lindgren,target service-recovery" in log
    assert (ARTIFACTS / "workshop-after-save.png").stat().st_size > 10_000
