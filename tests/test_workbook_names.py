"""The roadmap workbook speaks the client's language (issue 17, point 4): names, not ids, in every cell the client
reads: initiatives, KPIs, dimensions, steps ('People development and recognition: level 2 → 3'). The ids stay in
a last column headed "Id", for the consultant; the terms that remain are on a Glossary sheet."""
from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from workbench.planning import plan_engagement

NORTHBANK = "northbank-it-service-desk"
HEADER_FILL = "1F4E79"  # workbook.HEADER_FILL: the rows that start a table


def read_cells(path) -> list[tuple[str, str, str]]:
    """(sheet, column header, text) of every text cell on a visible sheet, its header the table's it is in."""
    out = []
    for ws in load_workbook(path).worksheets:
        if ws.sheet_state != "visible":
            continue
        header: dict[int, str] = {}
        for row in ws.iter_rows():
            if str(row[0].fill.fgColor.rgb).endswith(HEADER_FILL):
                header = {c.column: c.value for c in row if c.value is not None}
                out += [(ws.title, "(header)", str(c.value)) for c in row if c.value is not None]
                continue
            out += [(ws.title, header.get(c.column, ""), c.value) for c in row if isinstance(c.value, str)]
    return out


def client_ids(folder) -> set[str]:
    """Every id of the client's model, catalogue and client.yaml a client could be shown by mistake."""
    p = plan_engagement(folder)
    e = p.engagement
    ids = {d.id for d in e.model.dimensions} | {e.model.id}
    ids |= {i.id for i in [*e.catalogue.initiatives, *e.config.roadmap.add_initiatives]}
    ids |= {k.id for k in e.catalogue.kpis} | {k.id for k in e.config.vision.scorecard}
    return ids


def ids_shown(cells, ids: set[str]) -> list[tuple[str, str, str, str]]:
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
                         + r")(?![\w-])")
    return [(sheet, col, m.group(1), text) for sheet, col, text in cells if col != "Id"
            for m in [pattern.search(text)] if m]


def test_every_cell_outside_the_id_column_shows_names_not_ids(example_copy, workbench, tmp_path):
    folder = example_copy(NORTHBANK)
    out = tmp_path / "roadmap.xlsx"
    r = workbench("roadmap", folder, "--xlsx", out)
    assert r.exit_code == 0, r
    cells = read_cells(out)
    assert ids_shown(cells, client_ids(folder)) == []
    assert not [c for c in cells if "->" in c[2]]
    assert not [c for c in cells if re.search(r"\((pw|SD)\)|\br_wg\b|\bIQR\b", c[2])]

    wb = load_workbook(out)
    assert wb.sheetnames == ["About", "Gaps", "Roadmap", "Not scheduled", "Trajectory", "Scorecard",
                             "Interim targets", "Glossary"]
    p = plan_engagement(folder)
    text = {t for _, _, t in cells}
    for name in [d.name for d in p.engagement.model.dimensions] + list(p.roadmap.plan["title"]) + \
            [k.name for k in p.engagement.config.vision.scorecard]:
        assert name in text, name
    assert "People development and recognition: level 2 → 3" in text  # a step, as the report says it
    assert "Service Management Maturity (version 1.0.0)" in text

    roadmap = wb["Roadmap"]
    header = [c.value for c in roadmap[1]]
    assert header == ["Wave", "Initiative", "Raises", "Effort (person-weeks)", "Duration (weeks)", "Start", "End",
                      "Owner", "KPIs it moves", "Quick win", "Why it is planned", "Id"]
    row = next(r for r in roadmap.iter_rows(min_row=2, values_only=True) if r[-1] == "obstacle-board")
    assert row[1] == "Start an obstacle board in every team" and row[2] == "Delivery enablers: level 1 → 2"
    assert row[header.index("Why it is planned")] == \
        "Closes a gap. Prerequisite of: Survey training, tools, time and authority and remove the obstacles."
    assert row[header.index("KPIs it moves")] == "Obstacle resolution time; Employee engagement"
    for sheet in ("Roadmap", "Scorecard", "Interim targets"):
        ws = wb[sheet]
        assert ws.cell(1, ws.max_column).value == "Id"  # the ids, for client.yaml: last, and in grey
        assert ws.cell(2, ws.max_column).font.color.rgb.endswith("808080")
        named = next(c for c in ws[1] if c.value in ("Initiative", "KPI"))
        assert ws.column_dimensions[named.column_letter].width >= 30  # names fit, or wrap in a wide column

    left = [r for r in wb["Not scheduled"].iter_rows(min_row=2, values_only=True)]
    assert ("Not needed", "Map customer journeys and write personas", "Customer insight, Service design and delivery",
            "its steps are lifted by Build the customer driver tree and a continuous feedback routine; Make "
            "knowledge findable while the customer is still talking") in left
    glossary = {r[0]: r[1] for r in wb["Glossary"].iter_rows(min_row=2, values_only=True)}
    assert {"Person-weeks", "Wave", "Interim target", "Quick win", "Id", "Level 2: Repeatable"} <= set(glossary)


@pytest.mark.parametrize("name", ["harbourside-council-contact-centre", "brightloop-customer-support"])
def test_warnings_in_the_workbook_name_kpis_and_initiatives_and_leave_client_yaml_to_the_consultant(
        name, example_copy, workbench, tmp_path):
    folder = example_copy(name)
    path = folder / "client.yaml"
    text = path.read_text(encoding="utf-8")
    if name.startswith("harbourside"):  # a KPI of the client's own id: nothing moves it, the nearest is named
        path.write_text(text.replace("- id: fcr\n", "- id: first-contact-resolution\n"), encoding="utf-8")
        (folder / "kpis.csv").write_text((folder / "kpis.csv").read_text(encoding="utf-8").replace(
            "fcr,", "first-contact-resolution,"), encoding="utf-8")
        said = "KPI 'First contact resolution' is moved by no initiative in the roadmap"
    else:  # an initiative that would move a KPI waits for a prerequisite that is not scheduled
        rest = text[text.index("\ncustomers:"):] if "\ncustomers:" in text else ""  # the driver tree stays
        path.write_text(text[:text.index("  add_initiatives:")] + "  add_initiatives: []\n" + rest, encoding="utf-8")
        said = "'Run Lean and Agile improvement cycles with measured results' would move it but is not scheduled"
    warnings = plan_engagement(folder).warnings
    assert any("client.yaml" in w or "'" in w for w in warnings)
    out = tmp_path / "roadmap.xlsx"
    assert workbench("roadmap", folder, "--xlsx", out).exit_code == 0
    cells = read_cells(out)
    assert ids_shown(cells, client_ids(folder) | {"first-contact-resolution"}) == []
    about = [t for sheet, _, t in cells if sheet == "About"]
    assert any(said in t for t in about), about
    assert not [t for _, _, t in cells if "client.yaml" in t and not t.startswith("The short name")]


def test_a_step_no_initiative_raises_is_named_on_the_not_scheduled_sheet(example_copy, workbench, tmp_path):
    folder = example_copy(NORTHBANK)
    path = folder / "client.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("exclude_initiatives: []",
                                                             "exclude_initiatives: [obstacle-board]"), encoding="utf-8")
    out = tmp_path / "roadmap.xlsx"
    assert workbench("roadmap", folder, "--xlsx", out).exit_code == 0
    cells = read_cells(out)
    assert ids_shown(cells, client_ids(folder)) == []
    left = list(load_workbook(out)["Not scheduled"].iter_rows(min_row=2, values_only=True))
    assert ("Step", "Delivery enablers: level 1 → 2", "Delivery enablers",
            "no initiative in the catalogue raises Delivery enablers from level 1 to 2") in left
