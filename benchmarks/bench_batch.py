"""Batch speed: N synthetic clients through `workbench run`, beside the baselines, in one run.

    .venv/bin/python benchmarks/bench_batch.py [--clients 100] [--naive-sample 5] [--papermill-sample 10]
                                               [--pdf-sample 5] [--jobs 2] [--engine all|dask]

Synthetic clients are copies of the example engagements with new ids and perturbed answers. Every line
produces the three notebooks, the HTML report and the roadmap workbook per client:

- fast engine: `workbench run --all DIR --out OUT --formats html,xlsx` (the default engine), all N clients,
  with the peak memory of the whole process tree (proportional set size, so pages shared between the fork
  server and its kernels count once; resident set size beside it);
- papermill engine: the same command with `--engine papermill`, on a sample (it is slow);
- naive loop: per client and notebook the `papermill` command, then `jupyter nbconvert --to html
  --no-input`, on a sample;
- floor: the notebooks' own code (the same analysis, chart, table and workbook functions) called directly for
  every client in one warm Python process: the work itself, with no kernel, no notebook and no report;
- PDF on top: `--formats html,xlsx,pdf` minus `--formats html,xlsx` on a sample, per client;
- dask engine: the same command with `--engine dask --inputs ship`, all N clients, on a LocalCluster of
  --jobs single-threaded workers: every client's input files travel with its task and its outputs come back
  to the coordinator, as with remote workers. Beside it: the time a worker spends per client (run.json's
  steps) and the CPU the coordinator process (which holds the local cluster's scheduler) spends per client,
  the two figures the README's throughput for N machines is calculated from.

`--engine dask` runs only the fast and dask lines. `--engine deliverable --clients 12` runs a fast batch of the
notebooks, then times each deliverable per client in one warm process: the HTML report, its PDF (wall time and
CPU with the browser's) and the deck, and the same HTML through WeasyPrint, the PDF engine until issue 17 (the
baseline); then Northbank's PDF now against its PDF as filed (that HTML through WeasyPrint).
Prints seconds per client for each line and the ratios the engines are judged by.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
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


def sample(clients: list[Path], n: int, dest: Path) -> Path:
    dest.mkdir()
    for c in clients[:n]:
        shutil.copytree(c, dest / c.name)
    return dest


class PeakMemory:
    """Poll the process tree of a command: the peak of the summed PSS (and of the summed RSS)."""

    def __init__(self, pid: int):
        import psutil

        self.root = psutil.Process(pid)
        self.pss = self.rss = self.cpu = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        import psutil

        while not self.stop.is_set():
            pss = rss = 0
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                return
            for p in procs:
                try:
                    info = p.memory_full_info()
                    pss += info.pss
                    rss += info.rss
                except psutil.Error:
                    pass
            try:
                cpu = self.root.cpu_times()
                self.cpu = cpu.user + cpu.system  # the root process alone, last seen before it ended
            except psutil.Error:
                pass
            self.pss, self.rss = max(self.pss, pss), max(self.rss, rss)
            self.stop.wait(0.2)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def workbench_run(clients_dir: Path, out: Path, jobs: int, formats: str, engine: str = "fast",
                  memory: bool = False, extra: tuple = ()) -> tuple[float, PeakMemory | None]:
    t = time.perf_counter()
    proc = subprocess.Popen([str(BIN / "workbench"), "run", "--all", str(clients_dir), "--out", str(out),
                             "--jobs", str(jobs), "--formats", formats, "--engine", engine, *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = PeakMemory(proc.pid) if memory else None
    output, _ = proc.communicate()
    elapsed = time.perf_counter() - t
    if peak:
        peak.close()
    if proc.returncode != 0:
        sys.exit(f"workbench run failed ({proc.returncode}):\n{output.decode()[-3000:]}")
    return elapsed, peak


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


def floor(clients: list[Path], out: Path) -> float:
    """The notebooks' code cells, called in this (warm) process for every client: the work itself."""
    import nbformat
    from IPython.core.formatters import DisplayFormatter
    import IPython.display

    formatter = DisplayFormatter()
    shown = []
    IPython.display.display = lambda *objs, **kw: shown.extend(formatter.format(o) for o in objs)  # as a kernel formats
    cells = {nb: [c.source for c in nbformat.read(ROOT / "notebooks" / f"{nb}.ipynb", 4).cells
                  if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])] for nb in NOTEBOOKS}
    code = {nb: [compile(src, nb, "exec") for src in srcs] for nb, srcs in cells.items()}

    def one(c: Path, target: Path) -> None:
        for nb in NOTEBOOKS:
            ns = dict(engagement=str(c), output_dir=str(target), capacity=0.0, waves=0, start="")
            with contextlib.redirect_stdout(io.StringIO()):
                for obj in code[nb]:
                    exec(obj, ns)
        shown.clear()

    warm = out / "warm-up"
    warm.mkdir(parents=True)
    one(clients[0], warm)  # imports and first-use costs are not the work; a warm process has paid them
    t = time.perf_counter()
    for c in clients:
        target = out / c.name
        target.mkdir(parents=True)
        one(c, target)
    return time.perf_counter() - t


def weasyprint_pdf(html: str, target: Path) -> None:
    """The baseline: the PDF as the workbench made it until issue 17, with WeasyPrint (one font configuration
    per process, as it was kept)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    global _FONTS
    _FONTS = globals().get("_FONTS") or FontConfiguration()
    HTML(string=html, base_url=str(target.parent)).write_pdf(str(target), font_config=_FONTS)


def browser_cpu() -> float:
    """CPU seconds so far of this process's descendants that are still running (the PDF's browser and its
    driver): their work is not in this process's own times."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            t = child.cpu_times()
            total += t.user + t.system
    return total


def deliverables(clients: list[Path], out: Path) -> dict[str, list[float]]:
    """Seconds per client for each deliverable, in one warm process from the fast run's executed notebooks:
    the HTML report (nbconvert and the template), the PDF of that HTML (headless Chromium, the browser kept
    between clients) with the CPU it costs in the browser's processes as well, the same HTML through WeasyPrint
    (the engine until issue 17: the baseline) and the deck (python-pptx, its chart rendered to PNG). The first
    client warms every engine up and is not counted."""
    import datetime as dt

    from workbench.planning import plan_engagement
    from workbench.reports.deck import write_deck
    from workbench.reports.report import report_html, warm_up, warm_up_pdf, write_pdf
    from workbench.reports.summary import executive_summary

    warm_up()
    warm_up_pdf()
    times: dict[str, list[float]] = {"html": [], "pdf": [], "pdf_cpu": [], "pdf_weasyprint": [], "pptx": []}
    today = dt.date.today()
    for k, folder in enumerate(clients):
        p = plan_engagement(folder)
        done = out / p.engagement.config.id
        executed = sorted(done.glob("0*.ipynb"))
        s = executive_summary(p, today)
        t0 = time.perf_counter()
        html = report_html(p, executed, today, summary=s)
        t1, c1 = time.perf_counter(), time.process_time() + browser_cpu()
        write_pdf(html, done / "bench.pdf")
        t2, c2 = time.perf_counter(), time.process_time() + browser_cpu()
        write_deck(p, done / "bench.pptx", today, s)
        t3 = time.perf_counter()
        weasyprint_pdf(html, done / "bench-weasyprint.pdf")
        t4 = time.perf_counter()
        if k:
            times["html"].append(t1 - t0)
            times["pdf"].append(t2 - t1)
            times["pdf_cpu"].append(c2 - c1)
            times["pptx"].append(t3 - t2)
            times["pdf_weasyprint"].append(t4 - t3)
    return times


def worker_seconds(out: Path) -> float:
    """Seconds of worker time per client: the steps each client's run.json records, averaged."""
    import json

    runs = [json.loads(f.read_text()) for f in out.glob("*/run.json")]
    return sum(sum(s["seconds"] for s in r["steps"]) for r in runs) / len(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--naive-sample", type=int, default=5)
    ap.add_argument("--papermill-sample", type=int, default=10)
    ap.add_argument("--pdf-sample", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engine", choices=["all", "dask", "deliverable"], default="all",
                    help="'dask': only the fast and dask lines; 'deliverable': only the cost of each format")
    args = ap.parse_args()
    if args.engine == "deliverable":
        return deliverable_only(args)
    everything = args.engine == "all"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clients = make_clients(args.clients, tmp / "clients")
        t_fast, peak = workbench_run(tmp / "clients", tmp / "fast", args.jobs, "html,xlsx", memory=True)
        t_dask, dask_peak = workbench_run(tmp / "clients", tmp / "dask", args.jobs, "html,xlsx", engine="dask",
                                          memory=True, extra=("--inputs", "ship"))
        w_fast, w_dask = worker_seconds(tmp / "fast"), worker_seconds(tmp / "dask")
        if everything:
            pm_dir = sample(clients, args.papermill_sample, tmp / "pm-sample")
            t_pm, _ = workbench_run(pm_dir, tmp / "papermill", args.jobs, "html,xlsx", engine="papermill")
            pdf_dir = sample(clients, args.pdf_sample, tmp / "pdf-sample")
            t_with_pdf, _ = workbench_run(pdf_dir, tmp / "with-pdf", args.jobs, "html,xlsx,pdf")
            t_without_pdf, _ = workbench_run(pdf_dir, tmp / "without-pdf", args.jobs, "html,xlsx")
            t_naive = naive(clients[:args.naive_sample], tmp / "naive")
            t_floor = floor(clients, tmp / "floor")
    per = {"fast": t_fast / args.clients, "dask": t_dask / args.clients}
    print(f"{args.clients} synthetic clients, 3 notebooks + HTML report + XLSX workbook each, {args.jobs} jobs "
          f"({os.cpu_count()} cores)")
    print(f"  {'line':58s} {'clients':>7s} {'total s':>8s} {'s/client':>9s}")
    rows = [("workbench run, fast engine (default)", args.clients, t_fast, per["fast"]),
            ("workbench run --engine dask --inputs ship (LocalCluster)", args.clients, t_dask, per["dask"])]
    if everything:
        per.update(papermill=t_pm / args.papermill_sample, naive=t_naive / args.naive_sample,
                   floor=t_floor / args.clients)
        rows += [("workbench run --engine papermill", args.papermill_sample, t_pm, per["papermill"]),
                 ("naive loop: papermill + nbconvert commands, one by one", args.naive_sample, t_naive, per["naive"]),
                 ("floor: the same functions in one warm process, 1 core", args.clients, t_floor, per["floor"])]
    for name, n, total, each in rows:
        print(f"  {name:58s} {n:7d} {total:8.1f} {each:9.3f}")
    if everything:
        print(f"  ratio naive loop / fast:        {per['naive'] / per['fast']:6.1f}x   (target >= 15)")
        print(f"  ratio papermill engine / fast:  {per['papermill'] / per['fast']:6.1f}x   (target >= 5)")
        print(f"  fast batch / floor:             {t_fast / t_floor:6.2f}x   (target <= 2)")
    print(f"  dask overhead per client:       {100 * (per['dask'] / per['fast'] - 1):+6.1f} %  (target within 20 %)")
    print(f"  worker time per client:         fast {w_fast:.2f} s, dask {w_dask:.2f} s (one worker thread)")
    print(f"  coordinator CPU per client:     fast {peak.cpu / args.clients * 1000:.0f} ms, dask "
          f"{dask_peak.cpu / args.clients * 1000:.0f} ms (dask: with the local cluster's scheduler)")
    print(f"  peak memory of the fast run:    {peak.pss / 2**30:6.2f} GiB PSS ({peak.rss / 2**30:.2f} GiB RSS summed "
          f"over processes; target < 2 GiB); dask run {dask_peak.pss / 2**30:.2f} GiB PSS")
    if everything:
        print(f"  PDF on top: {(t_with_pdf - t_without_pdf) / args.pdf_sample:5.2f} s per client "
              f"(headless Chromium, one browser per worker, measured on {args.pdf_sample} clients)")


def deliverable_only(args) -> None:
    """`--engine deliverable`: a fast run of the clients (notebooks only), then HTML, PDF and deck per client."""
    import statistics

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clients = make_clients(args.clients, tmp / "clients")
        workbench_run(tmp / "clients", tmp / "fast", args.jobs, "html")
        times = deliverables(clients, tmp / "fast")
    goals = {"html": "", "pdf": "(goal <= 0.8 s)", "pptx": "(goal <= 0.3 s)",
             "pdf_cpu": "(CPU: this process and the browser's)",
             "pdf_weasyprint": "(baseline: the same HTML through WeasyPrint)"}
    print(f"Each deliverable per client, one warm process, {len(times['html'])} clients (the first warms up):")
    for fmt, xs in times.items():
        xs = sorted(xs)
        p95 = xs[max(0, int(round(0.95 * len(xs))) - 1)]
        print(f"  {fmt:14s} median {statistics.median(xs):5.2f} s, p95 {p95:5.2f} s {goals[fmt]}")
    ratios = sorted(b / a for a, b in zip(times["pdf"], times["pdf_weasyprint"]))
    print(f"  PDF, WeasyPrint / Chromium (same HTML, per client): median {statistics.median(ratios):.2f}x")
    filed = as_filed()
    # The goals were set when Northbank's PDF took 1.6 s: on this machine, today, that PDF takes `filed`.
    # Scaled by it, the goals hold whatever the machine's speed: PDF <= 0.8/1.6, deck <= 0.3/1.6 of it.
    pdf, deck = statistics.median(times["pdf"]), statistics.median(times["pptx"])
    print(f"  goals scaled to this machine (Northbank as filed took 1.6 s then, {filed:.2f} s here): "
          f"PDF {pdf / filed:.2f} of it (goal <= 0.50), deck {deck / filed:.2f} of it (goal <= 0.19)")


def as_filed(rounds: int = 5) -> float:
    """Northbank's PDF now against its PDF as it was made when issue 17 was filed (benchmarks/baseline: its HTML
    then, 24 pages, its stylesheet escaped, through WeasyPrint, the engine then), alternately in one warm
    process: seconds and pages of each, the ratio."""
    import datetime as dt
    import statistics

    import pypdf

    from workbench.planning import plan_engagement
    from workbench.reports.report import report_html, write_pdf
    from workbench.reports.summary import executive_summary

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copytree(EXAMPLES / "northbank-it-service-desk", tmp / "clients" / "northbank")
        workbench_run(tmp / "clients", tmp / "out", 1, "html")
        p = plan_engagement(tmp / "clients" / "northbank")
        done = tmp / "out" / p.engagement.config.id
        today = dt.date.today()
        html = {"now": report_html(p, sorted(done.glob("0*.ipynb")), today, summary=executive_summary(p, today)),
                "as filed": (ROOT / "benchmarks" / "baseline" / "northbank-report-as-filed.html").read_text("utf-8")}
        engine = {"now": write_pdf, "as filed": weasyprint_pdf}
        seconds: dict[str, list[float]] = {k: [] for k in html}
        pages: dict[str, int] = {}
        for _ in range(rounds):
            for name, text in html.items():
                t0 = time.perf_counter()
                engine[name](text, tmp / "x.pdf")
                seconds[name].append(time.perf_counter() - t0)
                pages[name] = len(pypdf.PdfReader(tmp / "x.pdf").pages)
    for name, xs in seconds.items():
        print(f"  Northbank's PDF {name:8s}: median {statistics.median(xs):5.2f} s, {pages[name]} pages")
    print(f"  as filed / now: {statistics.median(seconds['as filed']) / statistics.median(seconds['now']):.2f}x")
    return statistics.median(seconds["as filed"])


if __name__ == "__main__":
    main()
