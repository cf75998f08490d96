"""The report's PDF: a headless Chromium, driven by playwright, prints the report HTML.

One browser and one page per process, owned by one thread: playwright's synchronous API belongs to the thread
that started it, and a batch worker prints from whichever thread runs the client (a Dask worker's task threads,
never its event loop). The page has JavaScript off and refuses every request: the report is self-contained, so
nothing it holds can run or reach the network; each report replaces the whole document of the last.

Chromium has no `target-counter()`, so a report with contents is printed twice: the first print tells on which
page each section starts (the PDF's named destinations, one per contents link), the second prints the same
layout with those numbers written into the space the contents reserve for them.
"""
from __future__ import annotations

import atexit
import io
import os
import queue
import shutil
import threading
from concurrent.futures import Future
from pathlib import Path

from workbench import atomic

CHROMIUM_ENV = "WORKBENCH_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_MS = 120_000
PRINT = {"prefer_css_page_size": True, "print_background": True}  # the page size and colours the CSS sets
FILL_PAGES = """numbers => {
  for (const [anchor, page] of Object.entries(numbers)) {
    const slot = document.querySelector(`.toc a[href="#${anchor}"] .toc-page`);
    if (slot) slot.textContent = String(page);
  }
}"""


class PdfError(RuntimeError):
    """The PDF cannot be made on this machine (no Chromium found, or it would not start)."""


def chromium_path() -> str | None:
    """The browser to print with: $WORKBENCH_CHROMIUM, else the first Chromium or Chrome on PATH, else None
    (playwright's own browser, from `playwright install chromium`)."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        return explicit
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def section_pages(pdf: bytes) -> dict[str, int]:
    """Each named destination of a printed PDF (an element's id that a link points to) with its page, from 1."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
            for name, dest in reader.named_destinations.items()}


def _print(page, html: str) -> bytes:
    page.set_content(html, wait_until="load")  # the whole document replaced: nothing of the last report stays
    pdf = page.pdf(**PRINT)
    if page.locator(".toc .toc-page").count():
        page.evaluate(FILL_PAGES, section_pages(pdf))
        pdf = page.pdf(**PRINT)
    return pdf


class _Printer:
    """A thread that owns the process's playwright and browser, and prints what it is given, in turn."""

    def __init__(self):
        self.pid = os.getpid()
        self.jobs: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._serve, name="workbench-pdf", daemon=True)
        self.thread.start()

    def submit(self, html: str | None) -> Future:
        future: Future = Future()
        self.jobs.put((html, future))
        return future

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=10)

    def _serve(self) -> None:
        playwright = browser = page = None
        try:
            while (job := self.jobs.get()) is not None:
                html, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if browser is None or not browser.is_connected():
                        playwright, browser, page = _launch(playwright)
                    future.set_result(_print(page, html) if html is not None else b"")
                except BaseException as exc:  # handed to the caller, who reports it against the client
                    future.set_exception(exc)
        finally:
            _quietly(browser and browser.close)
            _quietly(playwright and playwright.stop)


def _quietly(close) -> None:
    try:
        if close:
            close()
    except Exception:  # the browser or its driver already gone: nothing left to close
        pass


def _launch(playwright):
    from playwright.sync_api import Error, sync_playwright

    started, playwright = playwright is None, playwright or sync_playwright().start()
    path = chromium_path()
    try:
        # hinting off: glyph advances as the font defines them, the same on every machine
        browser = playwright.chromium.launch(executable_path=path, args=["--font-render-hinting=none"])
    except Error as exc:
        if started:
            _quietly(playwright.stop)
        where = (f"{path} (${CHROMIUM_ENV})" if os.environ.get(CHROMIUM_ENV) else path) or "playwright's own browser"
        raise PdfError(f"the PDF needs Chromium and {where} would not start: {str(exc).splitlines()[0]}. "
                       f"Install Debian's chromium package (make installs it), run `playwright install chromium`, "
                       f"or set {CHROMIUM_ENV} to a Chromium or Chrome executable") from None
    # one page serves every report: JavaScript off, every request refused (the report is self-contained)
    context = browser.new_context(java_script_enabled=False)
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return playwright, browser, page


_LOCK = threading.Lock()
_PRINTER: _Printer | None = None


def _printer() -> _Printer:
    global _PRINTER
    with _LOCK:
        if _PRINTER is None or _PRINTER.pid != os.getpid():  # a forked child starts its own
            _PRINTER = _Printer()
        return _PRINTER


@atexit.register
def _close() -> None:
    if _PRINTER is not None and _PRINTER.pid == os.getpid():
        _PRINTER.stop()


def print_pdf(html: str) -> bytes:
    """The PDF of a self-contained report HTML (styles and images embedded)."""
    return _printer().submit(html).result()


def write_pdf(html: str, target: Path) -> None:
    """Print `html` to `target`, through a temporary file renamed into place: a failed print leaves any earlier
    PDF as it was."""
    atomic.write_bytes(target, print_pdf(html))


def warm_up(wait: bool = True) -> None:
    """Start the browser before the first report (a batch worker's warm-up); `wait=False` returns at once. A
    browser that will not start is reported by the first PDF, against its client."""
    future = _printer().submit(None)
    if wait:
        try:
            future.result()
        except PdfError:
            pass
