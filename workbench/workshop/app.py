"""`workbench workshop`: the workshop panels as a code-free web page, served by Voila on localhost.

The page is a tiny generated notebook (a header with the client's name and the panel) that Voila runs in
its own kernel and shows without code, prompts or Jupyter menus. Bound to 127.0.0.1: the page can change
client.yaml, so it is never offered to the network.
"""
from __future__ import annotations

import html
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from workbench.engagement.folder import CACHE_ENV

APP_CSS = """<style>
body, .jp-Notebook { font-size: 18px !important; }
#rendered_cells { padding-left: 16px !important; padding-right: 16px !important; }
#rendered_cells > div { padding: 8px 12px !important; }
/* the bar stays at the top while the page scrolls: nothing between it and the page's scroller may clip */
.wb-panel, .jp-OutputArea, .jp-OutputArea-child, .jp-OutputArea-output { overflow: visible !important; }
.wb-app-header { background: #1F4E79; color: white; padding: 10px 22px; margin-bottom: 0; }
.wb-app-header h1 { margin: 0; font-size: 30px; color: white; }
.wb-app-header p { margin: 4px 0 0 0; font-size: 18px; }
</style>"""


# While there are unsaved changes, leaving or reloading the page asks first. The listener runs before Voila's own
# (which shuts the kernel down on leaving) and stops it, so a person who stays keeps a working page; a kernel left
# behind by a page closed anyway is culled once idle (see voila_command).
SHARE = Path(__file__).parent / "share"  # our Voila template (share/voila/templates/workbench), found by JUPYTER_PATH
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
GRACE = 3.0  # seconds Voila gets to shut its kernels down before they are killed


def app_notebook(folder: Path, deck: Path | None = None):
    import nbformat  # here, not at the top: the page's kernel imports this module for show_app

    code = ("from workbench.workshop.app import show_app\n"
            f"show_app({str(folder)!r}, {str(deck) if deck else None!r})")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def show_app(folder: str, deck: str | None = None) -> None:
    """The page: the client's name and scope in large type, then the whole panel.

    Voila keeps one kernel heated: it runs this before anyone asks for the page, so the imports, reading and
    scoring the responses and the first drawing are done when the page is opened; `wait_for_request` holds
    the kernel there until then, and a client.yaml saved in the meantime is read again."""
    from IPython.display import HTML, display
    from voila.utils import wait_for_request

    from workbench.workshop.panel import WorkshopPanel  # in the page's kernel; `workbench workshop` needs no widgets

    panel = WorkshopPanel(folder, deck=deck)
    wait_for_request()
    if panel.ws.changed_on_disk():
        panel.reset()
    cfg = panel.ws.engagement.config
    display(HTML(APP_CSS + f'<div class="wb-app-header"><h1>{html.escape(cfg.name)}</h1>'
                           f"<p>Workshop: targets, priorities and the roadmap. {html.escape(cfg.scope)}</p></div>"))
    display(panel.widget)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def voila_command(notebook: Path, port: int, open_browser: bool) -> list[str]:
    """Voila on localhost with one heated kernel waiting for the next page; a kernel whose page has gone
    (closed, reloaded) and that is idle is shut down, so reloads do not pile kernels up."""
    return [sys.executable, "-m", "workbench.workshop.voila_server", str(notebook), f"--port={port}", "--Voila.ip=127.0.0.1",
            "--strip_sources=True", "--theme=light", "--template=workbench",
            *([] if open_browser else ["--no-browser"]),
            "--preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1",
            "--MappingKernelManager.cull_idle_timeout=30", "--MappingKernelManager.cull_interval=5",
            "--MappingKernelManager.cull_connected=False",
            "--Voila.tornado_settings={'page_title': 'Maturity Workbench workshop'}"]


class _Stop(Exception):
    """A stop signal (SIGTERM, SIGHUP, Ctrl-C) reached `workbench workshop`."""


def _raise_stop(signum, _frame) -> None:
    raise _Stop(signum)


def serve(folder: Path, port: int = 0, open_browser: bool = True, check=None, deck: Path | None = None) -> int:
    """Run Voila for this engagement until it ends or a stop signal arrives; returns Voila's exit code (0 when
    stopped). Voila runs in a session of its own, so a terminal's Ctrl-C reaches only this process, which then
    stops Voila and every kernel it started, whatever signal it was.

    `check(folder)` reads and scores the engagement while Voila starts (an InputError stops Voila and goes to
    the caller); what it reads is kept in a cache the page's kernel reads in turn (workbench.engagement.folder
    `cached`), so the first page does not read and score the responses again."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="workbench-workshop-") as tmp:
        notebook = Path(tmp) / "workshop.ipynb"
        notebook.write_text(json.dumps(app_notebook(folder, deck)), encoding="utf-8")
        (Path(tmp) / "cache").mkdir()
        previous = {sig: signal.signal(sig, _raise_stop) for sig in STOP_SIGNALS}
        proc = None
        try:
            paths = [str(SHARE), *filter(None, [os.environ.get("JUPYTER_PATH")])]
            os.environ[CACHE_ENV] = str(Path(tmp) / "cache")  # this process and every kernel Voila starts
            env = dict(os.environ, JUPYTER_PATH=os.pathsep.join(paths))
            proc = subprocess.Popen(voila_command(notebook, port, open_browser), cwd=tmp, env=env,
                                    start_new_session=True)
            if check is not None:
                check(folder)
            print(f"Workshop for {folder.name}: http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
            return proc.wait()
        except _Stop:
            return 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C does not interrupt the clean-up
            if proc is not None:
                stop_tree(proc)
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def stop_tree(proc: subprocess.Popen, grace: float = GRACE) -> None:
    """Stop Voila (SIGTERM: it shuts its kernels down) and, after `grace` seconds, kill whatever of it and its
    kernels is left. The kernels are found before Voila goes: they run in sessions of their own."""
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        children = []
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    _, alive = psutil.wait_procs(children, timeout=0.5)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=2)
