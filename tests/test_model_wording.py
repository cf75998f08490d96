"""Text from the model: a questionnaire for a model other than the default speaks that model's language (its
title, its tier names, only the non-answers its scales offer, each question's hint), never the default model's
service-management words; and a returned questionnaire reads back whatever the tier columns are called."""
from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from assessment.model import builtin_models, load_model

DEFAULT_WORDS = re.compile(r"service|customer|\bdomain\b|\bdimension\b|don't know|driver tree|roots|trunk|crown",
                           re.I)


def every_text(path) -> list[str]:
    book = load_workbook(path)
    return [str(c.value) for ws in book.worksheets if ws.sheet_state == "visible" for row in ws.iter_rows()
            for c in row if isinstance(c.value, str)]


def model_text(model) -> set[str]:
    """Every string the model itself supplies (its own subject may well be services)."""
    qt, areas = model.question_table, model.area_table
    out = set(areas["name"]) | set(qt["text"]) | {f"{t}\n({h})" for t, h in zip(qt["text"], qt["help"]) if h}
    for scale in model.scales.values():
        out |= {o.label for o in scale.options} | {o.description for o in scale.options}
        out |= {scale.display_label(o) for o in scale.options} | {scale.name or ""}
    return out


@pytest.fixture
def samm_with_a_hint(tmp_path):
    text = builtin_models()["samm-lite"].read_text(encoding="utf-8")
    text = text.replace('scale: samm-coverage', 'scale: samm-coverage\n                help: "Think of the last '
                        'twelve months, across all teams."', 1)
    path = tmp_path / "samm-with-hint.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("model_ref", ["samm-lite", "process-capability", "hinted"])
def test_a_questionnaire_speaks_its_models_language(tmp_path, workbench, model_ref, samm_with_a_hint):
    ref = samm_with_a_hint if model_ref == "hinted" else model_ref
    model = load_model(ref)
    folder = tmp_path / "appsec"
    r = workbench("init-client", folder, "--name", "Appsec Team", "--model", ref)
    assert r.exit_code == 0, r
    texts = every_text(folder / "questionnaire.xlsx")
    ours = [t for t in texts if t not in model_text(model)]  # what the workbench itself writes around the model
    found = sorted({m.group(0).lower() for t in ours for m in DEFAULT_WORDS.finditer(t)})
    assert not found, found
    assert f"Appsec Team: {model.name} questionnaire" in texts
    dim_tier = next(t.name for t in model.tiers if t.id == model.dimension_tier)
    assert dim_tier in texts  # the question table's column is named as the model names it
    assert not any("Don't know" in t for t in texts)  # none of these models offers it
    if model_ref == "hinted":
        assert any(t.endswith("\n(Think of the last twelve months, across all teams.)") for t in texts)


def test_a_returned_questionnaire_with_the_models_tier_names_reads_back(tmp_path, workbench):
    folder = tmp_path / "appsec"
    assert workbench("init-client", folder, "--name", "Appsec Team", "--model", "samm-lite").exit_code == 0
    book = load_workbook(folder / "questionnaire.xlsx")
    ws = book["Questionnaire"]
    ws["D4"] = "Leadership"
    first = next(r for r in range(7, ws.max_row + 1) if ws.cell(r, 1).value)
    model = load_model("samm-lite")
    label = next(o for o in model.scales[model.question_table.iloc[0]["scale"]].options if o.value is not None)
    ws.cell(first, 6, model.scales[model.question_table.iloc[0]["scale"]].display_label(label))
    book.save(folder / "responses" / "returned.xlsx")
    r = workbench("validate", folder)
    assert r.exit_code == 0, r
    assert "1 respondent" in r.stdout
