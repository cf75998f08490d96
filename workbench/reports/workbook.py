"""The roadmap as an Excel workbook a consultant hands to the client: gaps, roadmap, what was not scheduled,
trajectory, scorecard, the KPIs' interim targets and a glossary.

Names, not ids, in every cell the client reads (workbench/reports/readable.py makes them): initiatives, KPIs,
dimensions and steps ('People development: level 2 → 3'). The ids the consultant uses in client.yaml stay in a
last, grey column headed "Id" where a sheet lists initiatives or KPIs; nothing reads the workbook back.

Frozen headers, fitted column widths, dates as real dates, numbers rounded for reading, and every piece of
client-supplied text written as text (assessment/sheets.py): a cell beginning with =, +, - or @ never becomes
a formula.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from assessment.sheets import fit_rows, print_setup, safe_cell
from workbench import atomic
from workbench.engagement.folder import engagement_inputs
from workbench.outputs import refuse_output
from workbench.planning import Planning
from workbench.reports import readable, wording
from workbench.reports.glossary import glossary

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
ID_HEADER = "Id"  # the column of ids for client.yaml: last, in grey
ID_FONT = Font(color="808080")


MAX_WIDTH = 40  # wider text wraps: a sheet must stay readable when printed on one page width


def write_table(ws, df: pd.DataFrame, headers: dict[str, str], start_row: int = 1, freeze: bool = True) -> int:
    """Write the chosen columns under readable headers; returns the next free row."""
    cols = list(headers)
    for j, c in enumerate(cols, start=1):
        cell = safe_cell(ws, start_row, j, headers[c])
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, c in enumerate(cols, start=1):
        letter = ws.cell(1, j).column_letter
        longest = max([len(w) for w in headers[c].split()] + [len(_shown(v)) for v in df[c]])
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0,
                                                 min(longest + 2, MAX_WIDTH))
    whole = {c for c in cols if pd.api.types.is_float_dtype(df[c]) and (df[c].dropna() % 1 == 0).all()}
    for i, row in enumerate(df[cols].itertuples(index=False), start=start_row + 1):
        for j, v in enumerate(row, start=1):
            if isinstance(v, bool):
                v = "yes" if v else ""
            cell = safe_cell(ws, i, j, v)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(v, float):  # as the column is sized for: no run of decimals, whole levels whole
                cell.number_format = "0" if cols[j - 1] in whole else "0.00"
            if headers[cols[j - 1]] == ID_HEADER:
                cell.font = ID_FONT
    if freeze:
        ws.freeze_panes = ws.cell(start_row + 1, 1)
    return start_row + len(df) + 2


def _shown(v) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:.2f}"
    if isinstance(v, (dt.date, dt.datetime)):
        return "yyyy-mm-dd"  # dates are shown in this format: its width is what the column needs
    return "" if v is None else str(v)


def build_workbook(p: Planning) -> Workbook:
    """The workbook: About, Gaps, Roadmap, Not scheduled (when something was not), Trajectory, Scorecard, Interim
    targets, Glossary."""
    wb = Workbook()
    wb.active.title = "About"
    _about(wb.active, p)
    model = p.engagement.model
    said = wording.words(model)
    write_table(wb.create_sheet("Gaps"), p.gaps, gap_columns(model, p.gaps))
    _roadmap(wb.create_sheet("Roadmap"), p)
    left = readable.not_scheduled(p)
    if len(left):
        write_table(wb.create_sheet("Not scheduled"), left.assign(item=left["item"].map(_plain)),
                    UNSCHEDULED_COLUMNS | {"dimensions": said.dimensions[:1].upper() + said.dimensions[1:]})
    _trajectory(wb.create_sheet("Trajectory"), p.roadmap.trajectory, said.Dimension)
    _scorecard(wb.create_sheet("Scorecard"), p)
    _interim(wb.create_sheet("Interim targets"), p)
    _glossary(wb.create_sheet("Glossary"), p)
    for ws in wb.worksheets:
        fit_rows(ws, {letter: dim.width for letter, dim in ws.column_dimensions.items() if dim.width})
        print_setup(ws, landscape=True, title_rows="1:1" if ws.title not in ("About", "Glossary") else None)
    return wb


GAP_COLUMNS = {
    "rank": "Rank", "name": "Dimension", "domain": "Domain", "layer": "Layer", "current": "Current score",
    "current_name": "Current level", "target": "Target level", "target_name": "Target name", "gap": "Gap",
    "spread": "Spread (standard deviation)", "leadership": "Leaders", "front_line": "Front line",
    "role_gap": "Leaders minus front line", "importance": "Importance (0 to 1)", "w_gap": "Priority: gap",
    "w_importance": "Priority: importance", "w_foundation": "Priority: foundation",
    "w_disagreement": "Priority: disagreement", "w_customers": "Priority: customers", "priority": "Priority",
    "why": "Why it ranks here"}


def gap_columns(model, gaps: pd.DataFrame) -> dict[str, str]:
    """The Gaps sheet's columns in the model's words: its tier names for the dimension and the level above it
    (left out when the model has one tier), the layer only for a model with a driver tree."""
    names, said = {t.id: t.name for t in model.tiers}, wording.words(model)
    columns = GAP_COLUMNS | {"name": said.Dimension}
    parent = next((t for t in model.tiers if t.id != model.dimension_tier), None)
    if parent is None or not gaps["domain"].notna().any():
        columns.pop("domain")
    else:
        columns["domain"] = names[parent.id][:1].upper() + names[parent.id][1:]
    if not said.layers:
        columns.pop("layer")
    if "w_customers" not in gaps or not (gaps["w_customers"] > 0).any():
        columns.pop("w_customers")  # no customer answers (or none below acceptable): a column of zeros says nothing
    return columns


PLAN_COLUMNS = {
    "wave": "Wave", "title": "Initiative", "dimensions": "Raises", "effort": "Effort (person-weeks)",
    "duration_weeks": "Duration (weeks)", "start": "Start", "end": "End", "owner": "Owner", "kpis": "KPIs it moves",
    "quick_win": "Quick win", "why": "Why it is planned", "initiative": ID_HEADER}
UNSCHEDULED_COLUMNS = {"kind": "What", "item": "Not scheduled", "dimensions": "Dimensions", "reason": "Why"}
SCORECARD_COLUMNS = {
    "name": "KPI", "definition": "Definition", "unit": "Unit", "better_when": "Better when",
    "baseline": "Baseline", "target": "Target", "due": "Due", "owner": "Owner", "source": "Data source",
    "dimensions": "Shows progress in", "moved_by": "Moved by initiatives", "first_wave": "First moved in wave",
    "interim": "Interim targets", "warning": "Warning", "in_scorecard": "In the scorecard", "kpi": ID_HEADER}
INTERIM_COLUMNS = {
    "name": "KPI", "unit": "Unit", "better_when": "Better when", "baseline": "Baseline",
    "wave": "Wave", "wave_end": "Wave ends", "interim_target": "Interim target", "target": "Target",
    "basis": "Basis", "kpi": ID_HEADER}
WORKBOOK_TERMS = [
    ("Priority: gap, importance, foundation, disagreement", "The four weighted parts that add up to a gap's "
     "priority, on the Gaps sheet; the weights are on the About sheet."),
    ("Leaders minus front line", "How much higher leaders score than the front line: a difference of half a level "
     "or more means the two see it differently, and should align first."),
    ("Quick win", "An initiative of little effort and quick effect: the roadmap schedules quick wins first, to "
                  "build momentum."),
    ("Not needed", "An initiative left out because those in the roadmap already lift the same levels."),
    ("Id", "The short name of an initiative or KPI in the engagement's settings (client.yaml), in the last, grey "
           "column of some sheets: for the consultant, when changing the roadmap."),
]
UNUSED_TERMS = {"Agreement"}  # explained in the report, not shown in the workbook


def _about(ws, p: Planning) -> None:
    """The client, the model, the roadmap's settings and weights, the vision, then the warnings."""
    cfg, s, w = p.engagement.config, p.roadmap.settings, p.weights
    facts = [("Client", cfg.name), ("Sector", cfg.sector), ("Consultant", cfg.consultant),
             ("Maturity model", f"{p.engagement.model.name} (version {p.assessment.model_version})"),
             ("Prepared", dt.date.today()), ("Roadmap start", s.start), ("Waves", s.waves),
             ("Weeks per wave", s.wave_weeks), ("Capacity per wave (person-weeks)", s.capacity),
             ("Priority weights", f"gap {w.gap:g}, importance {w.importance:g}, foundation {w.foundation:g}, "
                                  f"disagreement {w.disagreement:g}"),
             ("Vision", cfg.vision.statement), ("Purpose", cfg.vision.purpose),
             ("Terms", "Explained on the Glossary sheet.")]
    for i, (k, v) in enumerate(facts, start=1):
        safe_cell(ws, i, 1, k).font = Font(bold=True)
        safe_cell(ws, i, 2, v)
    names = readable.id_names(p)
    for i, note in enumerate(dict.fromkeys(readable.warning_text(w, names) for w in p.warnings), start=len(facts) + 2):
        safe_cell(ws, i, 1, "Warning")
        safe_cell(ws, i, 2, note).alignment = Alignment(vertical="top", wrap_text=True)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100


def _roadmap(ws, p: Planning) -> None:
    """The initiatives by wave, by name: what each raises, the KPIs it moves and why it is planned."""
    plan, dims = p.roadmap.plan, readable.dimension_names(p.engagement.model)
    titles = readable.initiative_titles(p.engagement)
    write_table(ws, plan.assign(kpis=[p.named_kpis(k) for k in plan["kpis"]],
                                dimensions=[_plain(readable.lifts(x, dims)) for x in plan["dimensions"]],
                                why=[readable.why_planned(x, titles) for x in plan["why"]]), PLAN_COLUMNS)


def _plain(text: str) -> str:
    """Plain spaces for readable's no-break ones: a spreadsheet wraps its wide columns itself, and a filter or a
    search for 'level 2' finds the cell."""
    return text.replace(readable.NBSP, " ")


def _scorecard(ws, p: Planning) -> None:
    """Every KPI of the scorecard and those the roadmap also moves: the dimensions it shows progress in, what
    moves it and its warning, by name."""
    dims, names = readable.dimension_names(p.engagement.model), readable.id_names(p)
    sc = p.scorecard
    write_table(ws, sc.assign(
        dimensions=[", ".join(dims.get(d, d) for d in filter(None, x.split(", "))) for x in sc["dimensions"]],
        warning=[readable.warning_text(w, names) if w else "" for w in sc["warning"]]), SCORECARD_COLUMNS)


def _interim(ws, p: Planning) -> None:
    """What each KPI should show at the end of the waves that move it; then the KPIs without interim targets, and
    why."""
    interim = p.interim.assign(interim_target=p.interim["interim_target"].map(_reading))
    nxt = write_table(ws, interim, INTERIM_COLUMNS)
    sc = p.scorecard
    without = sc[sc["in_scorecard"] & ~sc["kpi"].isin(p.interim["kpi"])] if len(sc) else sc
    if len(without):
        safe_cell(ws, nxt, 1, "Without interim targets").font = Font(bold=True, size=12)
        write_table(ws, without, {"name": "KPI", "interim": "Why"}, start_row=nxt + 1, freeze=False)


def _reading(x: float) -> float:
    """An interim target rounded to one decimal for reading (the exact line is in Planning.interim)."""
    return round(float(x), 1)


def _trajectory(ws, traj: pd.DataFrame, dimension: str = "Dimension") -> None:
    """Each dimension's level today and after each wave (dated), and its target; empty without a roadmap."""
    if not len(traj):
        return
    wide = traj.pivot_table(index=["dimension", "name"], columns="wave", values="level", sort=False).reset_index()
    labels = {0: "Today"} | {wv: f"Wave {wv} ({d:%Y-%m-%d})" for wv, d in
                             traj.drop_duplicates("wave").set_index("wave")["date"].items() if wv}
    wide["target"] = wide["dimension"].map(traj.drop_duplicates("dimension").set_index("dimension")["target"])
    wide = wide.rename(columns={wv: labels[wv] for wv in labels})
    write_table(ws, wide, {"name": dimension} | {v: v for v in labels.values()} | {"target": "Target"})


def _glossary(ws, p: Planning) -> None:
    """The terms that remain after plain words: the report's glossary for the model in use, and the workbook's own."""
    terms = [t for t in glossary(p.engagement.model) if t[0] not in UNUSED_TERMS] + WORKBOOK_TERMS
    write_table(ws, pd.DataFrame(terms, columns=["term", "meaning"]), {"term": "Term", "meaning": "Meaning"})
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100


def save_roadmap_workbook(p: Planning, target: Path) -> Path:
    """Write the workbook atomically; refused (nothing written) when `target` is one of the client's inputs."""
    refuse_output(Path(target), "--xlsx", *engagement_inputs(p.engagement))
    wb = build_workbook(p)
    with atomic.atomic_path(Path(target)) as tmp:
        wb.save(tmp)
    return Path(target)
