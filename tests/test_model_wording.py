"""Text from the model: a questionnaire, a report and a deck for a model other than the default speak that
model's language (its title, its tier names, only the non-answers its scales offer, each question's hint, no
driver tree without layers), never the default model's service-management words; and a returned questionnaire
reads back whatever the tier columns are called."""
from __future__ import annotations

import base64
import csv
import random
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook
from pptx import Presentation

from assessment.model import builtin_models, load_model, parse_model
from conftest import run
from workbench.cli import cli
from workbench.reports import wording
from workbench.reports.evidence import question_appendix

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


# ------------------------------------------------------------------------------------------ the report and the deck

REPORT_WORDS = re.compile(r"service|customer|\bdomains?\b|\bdimensions?\b|don.t know|driver[- ]tree|\broots?\b|"
                          r"\btrunk\b|\bcrown\b|\blayers?\b|excellence|loyal", re.I)
REPORT_MODELS = ("samm-lite", "process-capability")


def write_client(folder, model) -> None:
    """Answers of 12 respondents in three role groups as a long CSV (answer labels hold commas), a few comments
    and "not applicable"s; a vision, a KPI and a catalogue of the client's own initiatives, none of them in the
    default model's words."""
    rng = random.Random(7)
    roles = ["leadership"] * 3 + ["management"] * 4 + ["front_line"] * 5
    with open(folder / "responses" / "answers.csv", "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["respondent", "role", "question", "answer", "comment"])
        for i, role in enumerate(roles):
            for j, q in enumerate(model.question_table.itertuples()):
                options = model.scales[q.scale].options
                rated = [o for o in options if o.kind == "value"]
                pick = rated[min(len(rated) - 1, rng.randint(0, len(rated) - 2) + (role == "leadership"))]
                if rng.random() < 0.03:
                    pick = next((o for o in options if o.kind != "value"), pick)
                said = "We do this for the web apps only, not the batch jobs." if (i + j) % 29 == 0 else ""
                out.writerow([f"R{i + 1:02d}", role, q.question, pick.label, said])
    cfg = yaml.safe_load((folder / "client.yaml").read_text(encoding="utf-8"))
    dims, top = [d.id for d in model.dimensions], model.levels[-1].value
    cfg["vision"].update(
        statement="Every release is as safe as we say it is.", purpose="Keep our users' data safe.",
        success_story="Teams find their own weaknesses before anyone else does.",
        targets={dims[0]: {"level": top, "rationale": "The board asks for it"}, dims[2]: top - 1},
        objectives=["Test every application before release", "Train every developer each year"],
        scorecard=[{"id": "closed-in-time", "name": "Findings closed in time", "unit": "%", "direction": "up",
                    "definition": "Share of findings closed within the agreed time", "baseline": 40, "target": 80,
                    "due": "2027-12-31", "owner": "Head of security", "source": "Tracker", "dimensions": [dims[2]]}])
    steps = [{"id": f"step-{k}-{lv}", "title": f"Work package {k}.{lv}", "description": "Agreed with the team.",
              "raises": [{"dimension": d, "from": lv - 1, "to": lv}], "effort": 3, "duration": 6,
              "kpis": ["closed-in-time"] if k == 2 else [], "owner_role": "Head of security", "quick_win": lv == 1}
             for k, d in enumerate(dims) for lv in range(model.levels[0].value + 1, top + 1)]
    catalogue = {"id": "own", "name": "Own initiatives", "version": "1", "model": model.id, "initiatives": steps,
                 "kpis": [{"id": "closed-in-time", "name": "Findings closed in time", "unit": "%", "direction": "up",
                           "definition": "Share of findings closed within the agreed time"}]}
    (folder / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, sort_keys=False), encoding="utf-8")
    cfg["roadmap"]["catalogue"] = "catalogue.yaml"
    (folder / "client.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")


class _Text(HTMLParser):
    """Every text of an HTML page and every alt text, no styles; the texts of its embedded SVG charts apart."""

    def __init__(self):
        super().__init__()
        self.texts, self.charts, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        for name, value in attrs:
            if name == "alt" and value:
                self.texts.append(value)
            if name == "src" and value and value.startswith("data:image/svg+xml;base64,"):
                self.charts += html_texts(base64.b64decode(value.partition(",")[2]).decode("utf-8"))[0]

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def html_texts(text: str) -> tuple[list[str], list[str]]:
    """(the texts, the charts' texts) of an HTML page."""
    parser = _Text()
    parser.feed(text)
    return parser.texts, parser.charts


def deck_texts(path) -> list[str]:
    out = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out += shape.text_frame.text.split("\n")
            if getattr(shape, "has_table", False) and shape.has_table:
                out += [c.text for row in shape.table.rows for c in row.cells]
    return out


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def not_the_models(texts: list[str], model, labels: list[str] = ()) -> list[str]:
    """The texts with the model's own words taken out: its title and description, level names and summaries,
    scales, areas (names, descriptions, descriptors) and questions, which may well speak of services. A chart's
    label (`labels`) that is a piece of an area's or a level's name (wrapped over lines) is the model's
    altogether."""
    names = {_norm(a.name) for a in model.areas_by_id.values()} | {_norm(f"{lv.value} {lv.name}")
                                                                  for lv in model.levels}
    own = model_text(model) | {model.name, model.description, *(t.name for t in model.tiers)}
    own |= {x for lv in model.levels for x in (lv.name, lv.summary)}
    own |= {x for a in model.areas_by_id.values() for x in (a.name, a.description, *a.descriptors.values())}
    own = {_norm(x) for x in own if x and x.strip()}
    pieces = "|".join(re.escape(x) for x in sorted(own, key=len, reverse=True))
    strip = re.compile(rf"(?<!\w)(?:{pieces})(?!\w)")
    labels = [t for t in map(_norm, labels) if not any(t in x for x in names)]
    return [strip.sub(" ", t) for t in [*map(_norm, texts), *labels] if t]


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """One `workbench run` for a samm-lite and a process-capability client: their report.html, deck.pptx and
    roadmap.xlsx."""
    base = tmp_path_factory.mktemp("wording")
    folders = []
    for ref in REPORT_MODELS:
        folder = base / ref
        r = CliRunner().invoke(cli, ["init-client", str(folder), "--name", f"Team {ref}", "--model", ref])
        assert r.exit_code == 0, r.output
        write_client(folder, load_model(ref))
        folders.append(folder)
    r = run(*folders, "--out", base / "out", "--no-store", "--formats", "html,pptx,xlsx", "--jobs", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    return {ref: base / "out" / f"team-{ref}" for ref in REPORT_MODELS}


@pytest.mark.parametrize("model_ref", REPORT_MODELS)
def test_a_report_and_its_deck_speak_their_models_language(reports, model_ref):
    model = load_model(model_ref)
    said = wording.words(model)
    report, charts = html_texts((reports[model_ref] / "report.html").read_text(encoding="utf-8"))
    deck = deck_texts(reports[model_ref] / "deck.pptx")
    assert len(charts) > 50  # the charts' titles, legends and labels are read too
    for where, texts, labels in (("report", report, charts), ("deck", deck, [])):
        ours = not_the_models(texts, model, labels)  # what the workbench itself writes around the model
        found = sorted({f"{m.group(0)!r} in {t[max(0, m.start() - 40):m.end() + 40]!r}"
                        for t in ours for m in REPORT_WORDS.finditer(t)})
        assert not found, f"{where}: {found}"
    report_text, deck_text = _norm(" ".join(report + charts)), _norm(" ".join(deck))
    assert model.name.lower() in report_text and model.name.lower() in deck_text
    for heading in (f"findings per {said.dimension}", f"target maturity per {said.dimension}",
                    f"where each {said.dimension} stands and its target"):
        assert heading in report_text, heading  # the model's tier name, where the default model says "dimension"
    assert f"where each {said.dimension} stands and its target" in deck_text
    assert said.dimension == {"samm-lite": "security practice", "process-capability": "process"}[model_ref]


@pytest.mark.parametrize("model_ref", REPORT_MODELS)
def test_the_roadmap_workbooks_headings_speak_their_models_language(reports, model_ref):
    model = load_model(model_ref)
    book = load_workbook(reports[model_ref] / "roadmap.xlsx")
    headings = [str(c.value) for ws in book.worksheets if ws.title not in ("About", "Glossary") for c in ws[1]
                if c.value]
    assert len(headings) > 20
    found = [t for t in not_the_models(headings, model) if REPORT_WORDS.search(t)]
    assert not found, found
    gaps = [c.value for c in book["Gaps"][1]]
    assert wording.words(model).Dimension in gaps and "Layer" not in gaps  # no driver tree in these models


def test_the_non_answers_said_are_the_ones_the_scales_offer():
    """A model offering neither 'not applicable' nor "don't know": the method, the appendix's note and columns
    say neither; the default model says both, as before."""
    text = builtin_models()["samm-lite"].read_text(encoding="utf-8")
    bare = parse_model(re.sub(r"\n\s*- \{label: \"Not applicable\".*", "", text))
    assert bare.non_answer_kinds == [] and wording.words(bare).non_answers == ()
    assert not any("not applicable" in line for line in bare.describe_aggregation())
    assert wording.appendix_note(wording.words(bare)).endswith("the answers it counts.")
    by_role = pd.DataFrame({"question": ["Q1"], "text": ["A question?"], "dimension_name": ["Area"],
                            "role": ["leadership"], "role_name": ["Leadership"], "respondents": [3],
                            "small_group": [False], "mean": [1.0], "n": [3], "n_not_applicable": [0],
                            "n_dont_know": [0]})
    _, headings, _ = question_appendix(by_role, wording.words(bare).non_answers)
    assert "N/A" not in headings.values() and "Don't know" not in headings.values()
    default = load_model("service-management")
    assert default.non_answer_kinds == ["not_applicable", "dont_know"]
    assert "Answers 'not applicable' and 'don't know' are left out, never counted as zero." in (
        default.describe_aggregation())
    _, headings, _ = question_appendix(by_role)
    assert {"N/A", "Don't know"} <= set(headings.values())
