"""What a process of the batch pays before its first client, in one run:

    .venv/bin/python benchmarks/bench_startup.py [--runs 7]

Every process that runs notebooks imports papermill, and papermill imports nbformat, which imports jsonschema.
With `rfc3987_syntax` installed (JupyterLab brings it), jsonschema compiles that package's Earley grammar at
import. workbench/__init__.py marks the package absent before anything imports jsonschema.

1. `import workbench, papermill` (what the coordinator, each worker and each fork server do) beside a plain
   `import papermill` (what they paid before), fresh interpreters, alternating, median and spread of seconds.
2. `workbench run` of one example client with HTML only, from the command to its report, beside the same with
   the grammar compiled in every process of the run, as before (a sitecustomize module imports it).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(cmd: list[str], env: dict | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=dict(os.environ, **(env or {})))
    return time.perf_counter() - t


def imports(runs: int) -> tuple[list[float], list[float]]:
    ours, before = [], []
    for _ in range(runs):
        ours.append(timed([sys.executable, "-c", "import workbench, papermill"]))
        before.append(timed([sys.executable, "-c", "import papermill"]))
    return ours, before


def one_client(runs: int) -> tuple[list[float], list[float]]:
    """`workbench run` of Brightloop, HTML only, one job; 'before': every process of the run compiles the grammar
    (sitecustomize in a folder put first on PYTHONPATH imports it in each interpreter the run starts)."""
    ours, before = [], []
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text("import rfc3987_syntax\n")  # what every process paid before
        folder = ROOT / "examples" / "clients" / "brightloop-customer-support"
        for i in range(runs):
            cmd = [str(BIN / "workbench"), "run", str(folder), "--formats", "html", "--jobs", "1", "--no-store"]
            ours.append(timed(cmd + ["--out", f"{tmp}/a{i}"]))
            before.append(timed(cmd + ["--out", f"{tmp}/b{i}"], {"PYTHONPATH": str(site)}))
    return ours, before


def show(label: str, ours: list[float], before: list[float]) -> None:
    m = statistics.median
    print(f"{label}\n  now:    median {m(ours):5.2f} s  (min {min(ours):5.2f}, max {max(ours):5.2f})"
          f"\n  before: median {m(before):5.2f} s  (min {min(before):5.2f}, max {max(before):5.2f})"
          f"\n  ratio before/now (median): {m(before) / m(ours):.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    show(f"import papermill in a fresh interpreter ({args.runs} runs)", *imports(args.runs))
    show(f"workbench run of one client, HTML only ({max(3, args.runs // 2)} runs)", *one_client(max(3, args.runs // 2)))


if __name__ == "__main__":
    main()
