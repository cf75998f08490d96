"""`workbench export`: everything the workbench holds about one client, in one zip to hand over.

The engagement's own files (client.yaml, responses, KPI measurements, decision log), the analysis of every
assessment round as JSON (profile, targets, gaps, roadmap as planned), and, with a store, the rows the
portfolio store keeps about the client. Written atomically: a failed export leaves no partial zip.
"""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import sqlalchemy as sa

from workbench import atomic
from workbench import store as st
from workbench.engagement.files import input_files
from workbench.engagement.folder import engagement_inputs, load_engagement
from workbench.outputs import refuse_output
from workbench.planning import plan_engagement
from workbench.store.database import open_store
from workbench.store.recording import client_record


def _json(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))


def store_rows(engine: sa.Engine, client_id: str) -> dict:
    """Every row the store keeps about the client, table by table."""
    out: dict = {}
    with engine.connect() as conn:
        row = conn.execute(sa.select(st.clients).where(st.clients.c.client_id == client_id)).mappings().first()
        if row is None:
            return {}
        out["clients"] = [dict(row)]
        rounds = [dict(r) for r in conn.execute(sa.select(st.rounds).where(st.rounds.c.client == row["id"])).mappings()]
        out["rounds"] = rounds
        ids = [r["id"] for r in rounds]
        for table in st.ROUND_TABLES:
            out[table.name] = [dict(r) for r in conn.execute(sa.select(table).where(table.c.round_id.in_(ids))).mappings()]
        out["kpi_values"] = [dict(r) for r in conn.execute(
            sa.select(st.kpi_values).where(st.kpi_values.c.client == row["id"])).mappings()]
    return out


def export_client(folder: Path, target: Path | None = None, store_url: str | None = None) -> Path:
    """Write the client's export zip (default: <client-id>-export-<date>.zip in the current folder)."""
    folder = Path(folder)
    eng = load_engagement(folder)
    record = client_record(plan_engagement(folder))
    target = Path(target) if target else Path.cwd() / f"{eng.config.id}-export-{dt.date.today()}.zip"
    # the whole folder goes into the zip: an export inside it would be exported again next time
    folders, files = engagement_inputs(eng)
    refuse_output(target, "--out", [folder, *folders], files)
    rows = None
    if store_url:
        rows = store_rows(open_store(store_url, create=False), eng.config.id)
    with atomic.atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for p in input_files(folder):
                z.write(p, f"engagement/{p.relative_to(folder).as_posix()}")
            for r in record["rounds"]:
                z.writestr(f"analysis/round-{r['round']['round']}.json", _json(r))
            z.writestr("analysis/client.json", _json({"client": record["client"], "kpi_values": record["kpi_values"]}))
            if rows is not None:
                z.writestr("store/rows.json", _json(rows))
            z.writestr("README.txt", f"Export of {eng.config.name} ({eng.config.id}), made {dt.datetime.now():%Y-%m-%d %H:%M}.\n"
                       "engagement/  the engagement folder as the consultant keeps it (client.yaml, responses, ...)\n"
                       "analysis/    each assessment round's profile, targets, gaps and roadmap as planned (JSON)\n"
                       + ("store/       every row the portfolio store keeps about this client (JSON)\n" if rows is not None else ""))
    return target
