"""What a run leaves for people: OUT/index.html (every client with status, level and links) and OUT/summary.csv."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict
from pathlib import Path

from jinja2 import Environment, select_autoescape

from assessment.sheets import write_csv
from workbench import atomic
from workbench.batch.jobs import ClientResult

INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Maturity Workbench: batch of {{ date }}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; margin: 2em; color: #1a1a1a; }
h1 { color: #1F4E79; } table { border-collapse: collapse; width: 100%; }
th { background: #1F4E79; color: white; text-align: left; padding: 5px 8px; }
td { border-bottom: 1px solid #ddd; padding: 4px 8px; vertical-align: top; }
.ok { color: #009E73; font-weight: bold; } .failed { color: #D55E00; font-weight: bold; } .skipped { color: #0072B2; }
.err { font-family: monospace; font-size: 8.5pt; white-space: pre-wrap; max-width: 40em; }
</style></head><body>
<h1>Client reports</h1>
<p>{{ n_ok }} of {{ results|length }} clients succeeded{% if n_skipped %} ({{ n_skipped }} unchanged since their last run){% endif %}. Generated {{ date }}.</p>
<table><thead><tr><th>Client</th><th>Status</th><th>Overall level</th><th>Top gap</th><th>Files</th><th>Problem</th></tr></thead><tbody>
{% for r in results %}<tr><td>{{ r.name }}<br><small>{{ r.client_id }}</small></td><td class="{{ r.status }}">{{ r.status }}</td>
<td>{{ r.overall_level }}</td><td>{{ r.top_gap }}</td>
<td>{% for f in r.links %}<a href="{{ f[1] }}">{{ f[0] }}</a>{% if not loop.last %} | {% endif %}{% endfor %}</td>
<td>{% if r.status == "failed" %}{{ r.failed_step }}{% if r.cell is not none %}, cell {{ r.cell }}{% endif %}<div class="err">{{ r.error }}</div>{% endif %}</td></tr>
{% endfor %}</tbody></table></body></html>
"""


def write_index(out: Path, results: list[ClientResult]) -> None:
    """OUT/index.html (status, level, links for every client) and OUT/summary.csv, each written atomically."""
    rows = []
    for r in results:
        links = []
        good = out / r.client_id
        for label, name in (("report", "report.html"), ("PDF", "report.pdf"), ("workbook", "roadmap.xlsx"),
                            ("deck", "deck.pptx")):
            if (good / name).exists():
                links.append((label, f"{r.client_id}/{name}"))
        failed = out / f"{r.client_id}.failed"
        if r.status == "failed" and failed.exists():
            links += [(f"failed {n.split('.')[0]}", f"{r.client_id}.failed/{n}") for n in sorted(os.listdir(failed))
                      if n.endswith(".ipynb")] + [("run.json", f"{r.client_id}.failed/run.json")]
        rows.append(dict(asdict(r), links=links))
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    html = env.from_string(INDEX).render(results=rows, date=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
                                         n_ok=sum(r.status in ("ok", "skipped") for r in results),
                                         n_skipped=sum(r.status == "skipped" for r in results))
    atomic.write_text(out / "index.html", html)
    cols = ["client_id", "name", "status", "overall_score", "overall_level", "top_gap", "failed_step", "cell",
            "error", "seconds", "folder"]
    rows = ([asdict(r)[c] for c in cols] for r in results)
    atomic.write_text(out / "summary.csv", write_csv(rows, cols))
