"""Compare two batch outputs (`make demo`, or `workbench run --all ... --out DIR`) as a client would see them:

    .venv/bin/python examples/compare_reports.py OUT_BEFORE OUT_AFTER

For a change that must not change what clients receive (a refactoring): every client's file set, report.html
(byte for byte), report.pdf (page count and each page's text), roadmap.xlsx (every cell of every sheet), the
executed notebooks (every output of every cell), index.html and portfolio.html (with the time of the run set
aside), and summary.csv (without the seconds each client took). Exit 0 when they are the same, 1 with each
difference listed otherwise.

To make OUT_BEFORE from an earlier commit with this checkout's virtualenv:

    git worktree add /tmp/before <commit>
    cd /tmp/before && PYTHONPATH=$PWD $OLDPWD/.venv/bin/python -c \\
      "import sys; from workbench.cli import main; sys.argv[1:] = ['run', '--all', 'examples/clients', '--out', '/tmp/out-before']; main()"
"""
from __future__ import annotations

import csv
import json
import os
import re
import sys
from pathlib import Path

import openpyxl
import pypdf

RUN_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")
VOLATILE = {"kernel.log", "run.json"}  # how the run went (times, process ids), not what the client receives


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def workbook_cells(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def notebook_outputs(path: Path) -> list:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [[{k: v for k, v in o.items() if k != "execution_count"} for o in c.get("outputs", [])]
            for c in nb["cells"] if c["cell_type"] == "code"][1:]  # the injected parameters cell names the folder


def summary_rows(path: Path) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in ("seconds", "folder")} for row in csv.DictReader(path.open())]


def compare_file(a: Path, b: Path) -> str | None:
    """A sentence naming the first difference, or None when the client would see the same."""
    if a.suffix == ".pdf":
        pa, pb = pdf_pages(a), pdf_pages(b)
        if len(pa) != len(pb):
            return f"{len(pa)} pages before, {len(pb)} after"
        diff = [i + 1 for i, (x, y) in enumerate(zip(pa, pb)) if x != y]
        return f"the text of page(s) {diff} differs" if diff else None
    if a.suffix == ".xlsx":
        ca, cb = workbook_cells(a), workbook_cells(b)
        if list(ca) != list(cb):
            return f"sheets {list(ca)} before, {list(cb)} after"
        diff = [name for name in ca if ca[name] != cb[name]]
        return f"cells differ on sheet(s) {diff}" if diff else None
    if a.suffix == ".ipynb":
        oa, ob = notebook_outputs(a), notebook_outputs(b)
        diff = [i + 2 for i, (x, y) in enumerate(zip(oa, ob)) if x != y]
        return (f"{len(oa)} code cells before, {len(ob)} after" if len(oa) != len(ob)
                else f"outputs differ in code cell(s) {diff}" if diff else None)
    if a.name == "summary.csv":
        return None if summary_rows(a) == summary_rows(b) else "rows differ (seconds and folder set aside)"
    ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    if a.name in ("index.html", "portfolio.html"):
        ta, tb = RUN_TIME.sub("<time>", ta), RUN_TIME.sub("<time>", tb)
    if ta == tb:
        return None
    at = len(os.path.commonprefix([ta, tb]))
    return f"differs from character {at}: {ta[max(0, at - 40):at + 40]!r} / {tb[max(0, at - 40):at + 40]!r}"


def compare(before: Path, after: Path) -> list[str]:
    problems = []
    names = lambda d: {p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file()  # noqa: E731
                       and p.name not in VOLATILE and p.suffix != ".sqlite"}
    nb, na = names(before), names(after)
    problems += [f"{n}: only before" for n in sorted(nb - na)] + [f"{n}: only after" for n in sorted(na - nb)]
    for n in sorted(nb & na):
        why = compare_file(before / n, after / n)
        if why:
            problems.append(f"{n}: {why}")
    return problems


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    problems = compare(before, after)
    for p in problems:
        print(p)
    files = sum(1 for p in before.rglob("*") if p.is_file())
    print(f"{'Same' if not problems else f'{len(problems)} difference(s)'}: {before} and {after} ({files} files)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
