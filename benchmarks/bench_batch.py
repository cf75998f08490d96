"""Batch speed: N synthetic clients through `workbench run`, beside the loop a consultant would script.

    .venv/bin/python benchmarks/bench_batch.py --clients 20 [--naive-sample 5] [--jobs 2]

Synthetic clients are copies of the example engagements with new ids and perturbed answers. Ours:
`workbench run --all DIR --out OUT --formats html,xlsx` (three notebooks, the combined report and the
workbook per client); the PDF step is timed separately on top. The naive loop, per client and notebook:
the `papermill` command, then `jupyter nbconvert --to html --no-input`; it is slow, so it runs on a
sample of clients and is reported per client. Prints seconds per client for both and the ratio.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "clients"
NOTEBOOKS = ["01_envision_the_end", "02_current_state_assessment", "03_gap_analysis_roadmap"]
BIN = Path(sys.executable).parent


def make_clients(n: int, dest: Path, seed: int = 11) -> list[Path]:
    rng = random.Random(seed)
    sources = sorted(p for p in EXAMPLES.iterdir() if (p / "client.yaml").exists())
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        folder = dest / f"client-{i:03d}"
        shutil.copytree(src, folder)
        text = (folder / "client.yaml").read_text(encoding="utf-8")
        text = re.sub(r"^id: \S+", f"id: synthetic-{i:03d}", text, flags=re.M)
        text = re.sub(r"^name: .*$", f'name: "Synthetic client {i:03d}"', text, flags=re.M)
        (folder / "client.yaml").write_text(text, encoding="utf-8")
        for f in (folder / "responses").glob("*.csv"):  # vary the answers of long CSV exports
            raw = f.read_bytes().decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
            for r in rows[1:]:
                if r[3].isdigit():
                    r[3] = str(min(5, max(1, int(r[3]) + rng.choice([-1, 0, 0, 1]))))
            buf = io.StringIO()
            csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
            f.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
        out.append(folder)
    return out


def naive(clients: list[Path], out: Path) -> float:
    t = time.perf_counter()
    for c in clients:
        target = out / c.name
        target.mkdir(parents=True)
        for nb in NOTEBOOKS:
            executed = target / f"{nb}.ipynb"
            subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / f"{nb}.ipynb"), str(executed),
                            "-p", "engagement", str(c), "-p", "output_dir", str(target), "--cwd", str(target)],
                           check=True, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, capture_output=True)
    return time.perf_counter() - t


def ours(clients_dir: Path, out: Path, jobs: int, formats: str) -> float:
    t = time.perf_counter()
    subprocess.run([str(BIN / "workbench"), "run", "--all", str(clients_dir), "--out", str(out), "--jobs", str(jobs),
                    "--formats", formats], check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--naive-sample", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clients = make_clients(args.clients, tmp / "clients")
        t_ours = ours(tmp / "clients", tmp / "ours", args.jobs, "html,xlsx")
        sample_dir = tmp / "sample"
        sample_dir.mkdir()
        for c in clients[:args.naive_sample]:
            shutil.copytree(c, sample_dir / c.name)
        t_pdf = ours(sample_dir, tmp / "ours-pdf", args.jobs, "html,xlsx,pdf") - ours(sample_dir, tmp / "ours-nopdf",
                                                                                      args.jobs, "html,xlsx")
        t_naive = naive(clients[:args.naive_sample], tmp / "naive")
    per_ours = t_ours / args.clients
    per_naive = t_naive / args.naive_sample
    print(f"{args.clients} synthetic clients, 3 notebooks each, {args.jobs} jobs")
    print(f"  workbench run (html + xlsx):       {t_ours:7.1f} s   {per_ours:5.2f} s per client")
    print(f"  naive loop ({args.naive_sample} clients, papermill + nbconvert commands): {t_naive:7.1f} s   "
          f"{per_naive:5.2f} s per client")
    print(f"  ratio naive/ours per client: {per_naive / per_ours:.1f}x")
    print(f"  PDF on top: {t_pdf / args.naive_sample:5.2f} s per client (WeasyPrint, measured on the sample)")


if __name__ == "__main__":
    main()
