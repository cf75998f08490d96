"""Every reader against arbitrary bytes and against mutations of real files (hypothesis): the outcome is a
result or an InputError (which the commands print and exit 2 on), within a time bound, never another
exception, a hang, a write, or answers silently lost.

The profile `ci` (the default, tests/conftest.py) runs 200 examples per reader; `pytest
--hypothesis-profile=deep tests/hostile/test_fuzz_readers.py` runs 3,000 each."""
from __future__ import annotations

import contextlib
import csv
import io
import itertools
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hostile_inputs import ALIAS_BOMB, BRIGHTLOOP, BRIGHTLOOP_CSV, HARBOURSIDE, NORTHBANK, time_bound

from assessment.model import load_model
from assessment.problems import InputError
from conftest import EXAMPLES, ROOT
from roadmaps.catalogue import load_catalogue
from workbench.engagement.folder import load_engagement
from workbench.engagement.kpis import read_kpi_measurements

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                      HealthCheck.data_too_large])
# A test whose every example writes a workbook with openpyxl runs a fifth of the profile's examples.
SLOW = settings(FUZZ, max_examples=max(40, settings.default.max_examples // 5))
TIME_BOUND = 30  # seconds for one read: far above any real file, far below a hang
_names = itertools.count()

SNIPPETS = [b'"', b'""', b"\n", b"\r\n", b"\r", b";", b",", b"\t", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x81",
            "\u2028".encode(), b"=HYPERLINK(\"x\")", b"&a [*a, *a]", b"*a", b"!!python/object:os.system", b"[[[[",
            b"{", b"}", b"- ", b": ", b"#", b"'", b"%YAML 1.2\n---\n", b"9" * 400, b"-1", b".inf", b".nan",
            b"2099-12-31", b"0000-00-00", ALIAS_BOMB.encode(), "é".encode("cp1252"), b"N/A", b"Don't know"]


def mutations(original: bytes):
    """Real bytes changed the way tools, transfers and careless or malicious senders change them."""
    edit = st.one_of(
        st.tuples(st.just("insert"), st.integers(0, len(original)), st.sampled_from(SNIPPETS)),
        st.tuples(st.just("insert"), st.integers(0, len(original)), st.binary(min_size=1, max_size=30)),
        st.tuples(st.just("delete"), st.integers(0, len(original)), st.integers(1, 400)),
        st.tuples(st.just("flip"), st.integers(0, max(len(original) - 1, 0)), st.integers(0, 255)),
        st.tuples(st.just("cut"), st.integers(0, len(original)), st.just(b"")),
        st.tuples(st.just("repeat"), st.integers(0, len(original)), st.integers(1, 3000)),
    )

    def apply(edits) -> bytes:
        data = bytearray(original)
        for kind, at, arg in edits:
            at = min(at, len(data))
            if kind == "insert":
                data[at:at] = arg
            elif kind == "delete":
                del data[at:at + arg]
            elif kind == "flip" and data:
                data[min(at, len(data) - 1)] = arg
            elif kind == "cut":
                del data[at:]
            elif kind == "repeat":
                data[at:at] = data[at:at + arg]
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=6).map(apply)


def _untouched(folder: Path) -> dict:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def read_or_refuse(fn, folder: Path):
    """Run a reader: its result, or None when it refused with an InputError; it must not write."""
    before = _untouched(folder)
    try:
        with time_bound(TIME_BOUND):
            return fn()
    except InputError as exc:
        assert exc.problems and all(p.source for p in exc.problems)  # every problem names its file
        return None
    finally:
        assert _untouched(folder) == before, "a reader wrote into the engagement"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@contextlib.contextmanager
def one_file(workspace: Path, name: str, data: bytes):
    """`data` as the file `name` in a folder of its own, removed afterwards."""
    folder = workspace / f"case-{next(_names)}"
    folder.mkdir()
    (folder / name).write_bytes(data)
    try:
        yield folder / name
    finally:
        shutil.rmtree(folder)


ENGAGEMENTS: dict[str, object] = {}


def read_folder(workspace: Path, example: str, files: dict[str, bytes]):
    """Read a responses folder holding `files` for one example engagement (loaded once), through the same
    path as `workbench validate`: the answers, or InputError with every problem."""
    from assessment.responses import read_responses

    eng = ENGAGEMENTS.get(example) or ENGAGEMENTS.setdefault(example, load_engagement(EXAMPLES / example))
    folder = workspace / f"{example}-{next(_names)}"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)

    def read():
        got = read_responses(folder, eng.model, eng.config.roles, eng.config.responses, root=workspace)
        if got.problems:
            raise InputError(got.problems)
        return got

    try:
        return read_or_refuse(read, folder)
    finally:
        shutil.rmtree(folder)


# ---------------------------------------------------------------- response files

@FUZZ
@given(data=st.one_of(st.binary(max_size=4000), mutations((EXAMPLES / BRIGHTLOOP / BRIGHTLOOP_CSV).read_bytes())))
def test_long_csv_gives_answers_or_a_clear_error(workspace, data):
    read_folder(workspace, BRIGHTLOOP, {"export.csv": data})


@FUZZ
@given(row=st.integers(1, 1320), field=st.integers(0, 6), at_start=st.booleans(),
       second=st.none() | st.tuples(st.integers(1, 1320), st.integers(0, 6)))
def test_a_stray_quote_never_loses_answers_silently(workspace, row, field, at_start, second):
    """The class-4 property: with a stray '"' or two anywhere, either every answer is still there or the
    file is refused; never 'OK' with fewer respondents."""
    lines = (EXAMPLES / BRIGHTLOOP / BRIGHTLOOP_CSV).read_text(encoding="utf-8-sig").split("\n")
    for r, f in [(row, field)] + ([second] if second else []):
        parts = lines[r].split(";")
        parts[f] = '"' + parts[f] if at_start else parts[f] + '"'
        lines[r] = ";".join(parts)
    got = read_folder(workspace, BRIGHTLOOP, {"export.csv": "\n".join(lines).encode()})
    if got is not None:  # read without complaint: then every one of the 1,320 answers is there
        assert len(got.answers) == 1320, "answers were lost without an error"


@pytest.fixture(scope="module")
def wide_csv(workspace) -> bytes:
    """St Aldhelm's Forms export, as a Google Forms CSV would hold it (one row per respondent)."""
    from assessment.tables import read_excel

    wb = read_excel(EXAMPLES / "st-aldhelms-facilities" / "responses" / "Facilities maturity survey(1-32).xlsx", "x")
    buf = io.StringIO()
    csv.writer(buf).writerows(wb.worksheets[0].rows())
    return buf.getvalue().encode("utf-8")


@FUZZ
@given(st.data())
def test_wide_forms_export_gives_answers_or_a_clear_error(workspace, wide_csv, data):
    blob = data.draw(st.one_of(st.binary(max_size=3000), mutations(wide_csv)))
    read_folder(workspace, "st-aldhelms-facilities", {"forms-export.csv": blob})


RETURNED = EXAMPLES / NORTHBANK / "responses" / "questionnaire-ivo-rossi.xlsx"


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), mutations(RETURNED.read_bytes())))
def test_returned_workbook_bytes_give_answers_or_a_clear_error(workspace, data):
    read_folder(workspace, NORTHBANK, {RETURNED.name: data})


CELL_VALUES = st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40), st.sampled_from(["=1+1", "=HYPERLINK(\"x\")", "x" * 40_000, "3",
                                                                "N/A", "Front line", "", None]),
                        st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12))


@SLOW
@given(edits=st.lists(st.tuples(st.sampled_from(["Questionnaire", "_workbench", "Lists", "Instructions"]),
                                st.integers(1, 80), st.integers(1, 12), CELL_VALUES), max_size=8),
       drop=st.sets(st.sampled_from(["_workbench", "Lists", "Instructions", "Questionnaire"]), max_size=2))
def test_a_returned_workbook_edited_by_a_respondent_gives_answers_or_a_clear_error(workspace, edits, drop):
    from openpyxl import load_workbook

    wb = load_workbook(RETURNED)
    for sheet, row, col, value in edits:
        wb[sheet].cell(row, col).value = value
    for sheet in drop:
        if len(wb.sheetnames) > 1:
            del wb[sheet]
    if all(ws.sheet_state != "visible" for ws in wb.worksheets):
        wb.worksheets[0].sheet_state = "visible"  # Excel, like openpyxl, cannot save a book with no visible sheet
    buf = io.BytesIO()
    wb.save(buf)
    read_folder(workspace, NORTHBANK, {RETURNED.name: buf.getvalue()})


# ---------------------------------------------------------------- YAML files and kpis.csv

CLIENT = (EXAMPLES / NORTHBANK / "client.yaml").read_bytes()


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(str.encode), mutations(CLIENT)))
def test_client_yaml_gives_an_engagement_or_a_clear_error(workspace, data):
    with one_file(workspace, "client.yaml", data) as path:
        read_or_refuse(lambda: load_engagement(path.parent), path.parent)


MODEL = (ROOT / "assessment" / "models" / "samm-lite.yaml").read_bytes()


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), mutations(MODEL)))
def test_a_model_gives_a_model_or_a_clear_error(workspace, data):
    with one_file(workspace, "model.yaml", data) as path:
        read_or_refuse(lambda: load_model(path), path.parent)


CATALOGUE = (ROOT / "roadmaps" / "catalogue" / "service-management.yaml").read_bytes()


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), mutations(CATALOGUE[:6000] + b"\n")))
def test_a_catalogue_gives_a_catalogue_or_a_clear_error(workspace, data):
    model = load_model("service-management")
    with one_file(workspace, "catalogue.yaml", data) as path:
        read_or_refuse(lambda: load_catalogue(path, model), path.parent)


KPIS = (EXAMPLES / HARBOURSIDE / "kpis.csv").read_bytes()
SCORECARD: dict = {}


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), mutations(KPIS)))
def test_kpi_measurements_give_values_or_a_clear_error(workspace, data):
    scorecard = SCORECARD.get("kpis") or SCORECARD.setdefault(
        "kpis", load_engagement(EXAMPLES / HARBOURSIDE).config.vision.scorecard)
    with one_file(workspace, "kpis.csv", data) as path:
        got = read_or_refuse(lambda: read_kpi_measurements(path, scorecard), path.parent)
    if got is not None:
        assume(len(got))
        assert got["value"].notna().all() and got["date"].notna().all()


# ---------------------------------------------------------------- the workshop's decision log
LOG_SESSION: dict = {}


def _log_session(workspace: Path):
    """A Northbank workshop with two saved decisions (made once): the session and its real decisions.csv."""
    if "ws" not in LOG_SESSION:
        from workbench.workshop.session import Workshop

        folder = workspace / "northbank-log"
        shutil.copytree(EXAMPLES / NORTHBANK, folder)
        ws = Workshop(folder)
        ws.decide(capacity=45)
        ws.save("Maya Lindgren", "leadership workshop")
        ws.decide(targets={"customer-insight": 4})
        ws.save("Tom Reyes")
        LOG_SESSION.update(ws=ws, log=(folder / "decisions.csv").read_bytes())
    return LOG_SESSION["ws"]


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), st.text(max_size=1000).map(str.encode), st.data()))
def test_a_decision_log_gives_a_summary_or_a_clear_error(workspace, data):
    """`workbench decided` reads decisions.csv, which a person may have opened and saved in a spreadsheet."""
    from workbench.workshop.decided import what_we_decided

    ws = _log_session(workspace)
    if not isinstance(data, bytes):
        data = data.draw(mutations(LOG_SESSION["log"]))
    log = ws.folder / "decisions.csv"
    log.write_bytes(data)
    try:
        with time_bound(TIME_BOUND):
            got = what_we_decided(ws)
    except InputError as exc:
        assert "decisions.csv" in exc.render()
        return
    finally:
        log.write_bytes(LOG_SESSION["log"])
    assert got.client == "Northbank IT Service Desk"
    assert all(isinstance(d.what, str) and isinstance(d.after, str) for d in got.decisions)


# ---------------------------------------------------------------- initiative status, as delivered
STATUS = (b"initiative,status,percent_done,date,note\n"
          b"complaint-log,done,100,2026-02-01,logged from week 2\n"
          b"smart-service-levels,under way,40,2026-03-01,\"two of five teams, so far\"\n")
PLANNED = {"complaint-log": "Start a complaint log", "smart-service-levels": "Define SMART service levels"}


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), mutations(STATUS)))
def test_a_status_file_gives_statuses_or_a_clear_error(workspace, data):
    from workbench.engagement.status import read_status

    with one_file(workspace, "status.csv", data) as path:
        got = read_or_refuse(lambda: read_status(path.parent, PLANNED), path.parent)
    if got is not None:
        assert set(got["initiative"]) <= set(PLANNED)
        assert got["status"].isin(["not started", "under way", "done", "dropped"]).all()
        assert got["initiative"].is_unique


# ---------------------------------------------------------------- customer answers (customers/)
PULSE = (EXAMPLES / BRIGHTLOOP / "customers" / "pulse-survey-export.csv").read_bytes()[:3000]


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), mutations(PULSE), st.data()))
def test_customer_answers_give_dated_ratings_or_a_clear_error(workspace, data):
    from assessment.customer_answers import read_customer_answers
    from assessment.customer_survey import form_headers

    eng = ENGAGEMENTS.get(BRIGHTLOOP) or ENGAGEMENTS.setdefault(BRIGHTLOOP, load_engagement(EXAMPLES / BRIGHTLOOP))
    tree = eng.config.customers
    if not isinstance(data, bytes):  # a wide form export whose cells are anything at all
        cells = st.one_of(st.text(max_size=12), st.sampled_from(["4", "5 - Excellent", "N/A", "2026-10-05", "13/10/2026",
                                                                  "=1+1", "11", "-1", ""]))
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(form_headers(tree))
        for row in data.draw(st.lists(st.lists(cells, min_size=len(form_headers(tree)),
                                               max_size=len(form_headers(tree))), max_size=5)):
            w.writerow(row)
        data = buf.getvalue().encode()
    with one_file(workspace, "pulse.csv", data) as path:
        def read():
            got = read_customer_answers(path.parent, tree, tree.columns, root=workspace)
            if got.problems:
                raise InputError(got.problems)
            return got
        got = read_or_refuse(read, path.parent)
    if got is not None:
        a = got.answers
        assert a["date"].notna().all() and (a["date"] <= pd.Timestamp.today()).all()
        rated = a[a["measure"].isin(["performance", "importance", "overall"])]
        assert rated["value"].between(1, 5).all() and a[a["measure"] == "recommend"]["value"].between(0, 10).all()
        assert set(a.loc[a["measure"].isin(["performance", "importance"]), "driver"]) <= {d.id for d in tree.drivers}
