"""`workbench workshop`: the workshop panels as a code-free web page, served by Voila on localhost.

The page is a tiny generated notebook (a header with the client's name and the panel) that Voila runs in
its own kernel and shows without code, prompts or Jupyter menus. Bound to 127.0.0.1: the page can change
client.yaml, so it is never offered to the network.
"""
from __future__ import annotations

import html
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

APP_CSS = """<style>
body, .jp-Notebook { font-size: 17px !important; }
.wb-app-header { background: #1F4E79; color: white; padding: 14px 22px; margin-bottom: 12px; }
.wb-app-header h1 { margin: 0; font-size: 30px; color: white; }
.wb-app-header p { margin: 4px 0 0 0; font-size: 16px; }
.widget-label, .widget-readout, .widget-button, .widget-text input { font-size: 15px !important; }
</style>"""


def app_notebook(folder: Path) -> nbformat.NotebookNode:
    code = ("from workbench.workshop.app import show_app\n"
            f"show_app({str(folder)!r})")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def show_app(folder: str) -> None:
    """The page: the client's name and scope in large type, then the whole panel."""
    from IPython.display import HTML, display

    from workbench.workshop.panel import WorkshopPanel  # in the page's kernel; `workbench workshop` needs no widgets

    panel = WorkshopPanel(folder)
    cfg = panel.ws.engagement.config
    display(HTML(APP_CSS + f'<div class="wb-app-header"><h1>{html.escape(cfg.name)}</h1>'
                           f"<p>Workshop: targets, priorities and the roadmap. {html.escape(cfg.scope)}</p></div>"))
    display(panel.widget)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def voila_command(notebook: Path, port: int, open_browser: bool) -> list[str]:
    return [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--Voila.ip=127.0.0.1",
            "--strip_sources=True", "--theme=light", *([] if open_browser else ["--no-browser"]),
            "--Voila.tornado_settings={'page_title': 'Maturity Workbench workshop'}"]


def serve(folder: Path, port: int = 0, open_browser: bool = True) -> int:
    """Run Voila for this engagement until interrupted; returns Voila's exit code."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="workbench-workshop-") as tmp:
        notebook = Path(tmp) / "workshop.ipynb"
        nbformat.write(app_notebook(folder), notebook)
        print(f"Workshop for {folder.name}: http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
        try:
            return subprocess.call(voila_command(notebook, port, open_browser), cwd=tmp)
        except KeyboardInterrupt:
            return 0
