"""What the guards against hostile input cost, and what they save, in one run:

    .venv/bin/python benchmarks/bench_hostile.py [--skip-batch]

1. An alias bomb ("billion laughs", 9 levels of 9) as client.yaml: our bounded loader refusing it, beside the
   unbounded load the workbench used to do (ruamel's tree expanded into plain values), run in a separate
   process and stopped after 20 s. Target: refused in well under a second.
2. The price of the checks on good files: our readers beside the same readers without the new checks, as
   the workbench read before them:
   - the 18 returned questionnaires of Northbank, with and without every sheet's used range measured from
     the file's XML before calamine reads it;
   - Brightloop's long CSV (1,320 rows), with and without the runaway-quote and cell-size checks.
3. Four batches of four clients (three good examples and one hostile client each: a client.yaml in
   Windows-1252, an alias bomb, a 1 MB cell, a stray value in XFD1048576), all formats (HTML, PDF,
   workbook), two jobs: seconds per batch. Target: under 60 s, the three good clients reported in full.
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "hostile"))
EXAMPLES = ROOT / "examples" / "clients"
WORKBENCH = str(Path(sys.executable).with_name("workbench"))


def timed(fn, repeat: int = 7) -> float:
    """Median seconds of `fn()` over `repeat` runs."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def alias_bomb() -> None:
    from hostile_inputs import ALIAS_BOMB

    from assessment.problems import InputError
    from assessment.yamlfile import load_yaml

    def ours():
        try:
            load_yaml(ALIAS_BOMB, "client.yaml")
        except InputError:
            return
        raise AssertionError("the bomb was accepted")

    ms = timed(ours) * 1000
    naive = ("import io; from ruamel.yaml import YAML\n"
             "def plain(n):\n"
             "    return {k: plain(v) for k, v in n.items()} if isinstance(n, dict) else "
             "[plain(v) for v in n] if isinstance(n, list) else n\n"
             f"plain(YAML(typ='rt').load(io.StringIO({ALIAS_BOMB!r})))")
    t = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-c", naive], timeout=20, capture_output=True)
        naive_s = f"{time.perf_counter() - t:.1f} s"
    except subprocess.TimeoutExpired:
        naive_s = "still expanding after 20 s (stopped)"
    print(f"1. alias bomb as client.yaml: refused in {ms:.1f} ms; the unbounded load: {naive_s}")


def reader_overhead() -> None:
    """Ours against the same readers without the new checks (what the workbench did before them)."""
    from python_calamine import CalamineWorkbook

    from assessment.tables import Workbook, _tidy, cell_text, read_csv, read_excel, sheet_rows, sniff_delimiter
    from assessment.textfile import decode_bytes

    books = sorted((EXAMPLES / "northbank-it-service-desk" / "responses").glob("*.xlsx"))

    def ours_xlsx():
        for p in books:
            for ws in read_excel(p, p.name).worksheets:
                sheet_rows(ws)

    def unchecked_xlsx():
        for p in books:
            for ws in Workbook(CalamineWorkbook.from_path(str(p))).worksheets:
                sheet_rows(ws)

    a, b = timed(ours_xlsx, 15), timed(unchecked_xlsx, 15)
    print(f"2a. 18 returned questionnaires: {a * 1000:.1f} ms with every sheet's used range measured first, "
          f"{b * 1000:.1f} ms without: x{a / b:.2f} ({(a - b) / len(books) * 1000:.2f} ms per workbook)")
    path = EXAMPLES / "brightloop-customer-support" / "responses" / "survey-export-2026-09.csv"

    def unchecked_csv():
        text = decode_bytes(path.read_bytes(), "x").text
        rows = [[cell_text(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""),
                                                               delimiter=sniff_delimiter(text))]
        return _tidy(rows, list(range(1, len(rows) + 1)), "x")

    a, b = timed(lambda: read_csv(path, "x"), 21), timed(unchecked_csv, 21)
    print(f"2b. long CSV, 1,320 rows: {a * 1000:.2f} ms with the runaway-quote and cell-size checks, {b * 1000:.2f} "
          f"ms without: x{a / b:.2f}")


def batches() -> None:
    from hostile_inputs import ALIAS_BOMB, BRIGHTLOOP_CSV, copy_example, far_value_workbook, set_field

    def cp1252(folder: Path) -> str:
        text = re.sub(r'^name: "(.*)"', r'name: "\1 Café"', (folder / "client.yaml").read_text(), count=1, flags=re.M)
        (folder / "client.yaml").write_bytes(text.encode("cp1252"))
        return "ok (read as Windows-1252)"

    def bomb(folder: Path) -> str:
        (folder / "client.yaml").write_text(ALIAS_BOMB + (folder / "client.yaml").read_text())
        return "client.yaml"

    def big_cell(folder: Path) -> str:
        shutil.rmtree(folder)
        copy_example("brightloop-customer-support", folder, "hostile")
        lines = (folder / BRIGHTLOOP_CSV).read_text(encoding="utf-8-sig").split("\n")
        lines[5] = set_field(lines[5], 5, "x" * 1_000_000)
        (folder / BRIGHTLOOP_CSV).write_text("\n".join(lines))
        return "survey-export-2026-09.csv"

    def huge_range(folder: Path) -> str:
        book = folder / "responses" / "questionnaire-ivo-rossi.xlsx"
        far_value_workbook(book, book, sheet="Questionnaire")
        return "questionnaire-ivo-rossi.xlsx"

    for label, make in (("Windows-1252 client.yaml", cp1252), ("alias bomb", bomb), ("1 MB cell", big_cell),
                        ("value in XFD1048576", huge_range)):
        with tempfile.TemporaryDirectory() as tmp:
            eng = Path(tmp) / "engagements"
            for cid, name in (("good-one", "brightloop-customer-support"), ("good-two", "st-aldhelms-facilities"),
                              ("good-three", "harbourside-council-contact-centre")):
                copy_example(name, eng / cid, cid)
            hostile = copy_example("northbank-it-service-desk", eng / "hostile", "hostile")
            expected = make(hostile)
            t = time.perf_counter()
            r = subprocess.run([WORKBENCH, "run", "--all", str(eng), "--out", str(Path(tmp) / "out"), "--jobs", "2"],
                               capture_output=True, text=True, timeout=900)
            seconds = time.perf_counter() - t
            good = all((Path(tmp) / "out" / c / "report.pdf").exists() for c in ("good-one", "good-two", "good-three"))
            line = next((ln for ln in r.stdout.splitlines() if ln.startswith("hostile")), "")
            named = expected in line if not expected.startswith("ok") else " ok " in line
            print(f"3. batch of 4 with a {label}: {seconds:.1f} s; 3 good clients in full: {good}; hostile client "
                  f"{'reported as expected' if named else 'NOT as expected'}: {line[:150].strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-batch", action="store_true", help="Only the alias bomb and the readers' overhead.")
    args = parser.parse_args()
    alias_bomb()
    reader_overhead()
    if not args.skip_batch:
        batches()


if __name__ == "__main__":
    main()
