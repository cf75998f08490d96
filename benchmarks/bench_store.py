"""The portfolio store at the scale of a large consultancy, in one run:

    .venv/bin/python benchmarks/bench_store.py [--rounds 1000] [--store URL]

1. Recording 1,000 client rounds (the rows a batch run records per client: profile per dimension and
   question, respondents by role, targets and gaps, roadmap as planned, KPI targets and values), one
   transaction per client, through `store.record_client` - beside the naive way of writing the same rows
   with pandas' DataFrame.to_sql, one call per table. Prints ms per round (target: under 20 ms) and the ratio.
2. Building the portfolio report (portfolio.html) from the 1,000 rounds.

The records are the example clients' own, under new ids and names, spread over sectors, with varied scores.
Default store: SQLite in a temporary folder (the default a consultant gets).
"""
from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECTORS = ["Banking", "Healthcare", "Public sector", "Software", "Retail", "Utilities", "Education", "Logistics"]


def records(n: int) -> list[dict]:
    import random

    from workbench.planning import plan_engagement
    from workbench.store.recording import client_record

    rng = random.Random(1000)
    bases = [client_record(plan_engagement(p)) for p in sorted((ROOT / "examples" / "clients").iterdir()) if (p / "client.yaml").exists()]
    out = []
    for i in range(n):
        r = copy.deepcopy(bases[i % len(bases)])
        r["client"].update(client_id=f"client-{i:04d}", name=f"Client {i:04d}", sector=SECTORS[i % len(SECTORS)])
        r["rounds"] = r["rounds"][-1:]  # one round per record: 1,000 records = 1,000 rounds
        for row in r["rounds"][0]["dimension_scores"] + r["rounds"][0]["question_scores"]:
            if row["mean"] is not None:
                row["mean"] = min(5.0, max(1.0, row["mean"] + rng.uniform(-0.8, 0.8)))
        for row in r["rounds"][0]["dimension_scores"]:
            row["level"] = int(row["mean"]) if row["mean"] is not None else None
        out.append(r)
    return out


def naive(engine, record: dict) -> None:
    """The same rows through pandas.to_sql, a call (and a transaction) per table."""
    import pandas as pd
    import sqlalchemy as sa

    from workbench import store as st

    c = record["client"]
    pd.DataFrame([dict(c, last_recorded=pd.Timestamp.now())]).to_sql("clients", engine, if_exists="append", index=False)
    with engine.connect() as conn:
        cid = conn.execute(sa.select(st.clients.c.id).where(st.clients.c.client_id == c["client_id"])).scalar()
    for r in record["rounds"]:
        pd.DataFrame([dict(r["round"], client=cid, recorded=pd.Timestamp.now())]).to_sql("rounds", engine,
                                                                                         if_exists="append", index=False)
        with engine.connect() as conn:
            rid = conn.execute(sa.select(sa.func.max(st.rounds.c.id))).scalar()
        for table in st.ROUND_TABLES:
            if r[table.name]:
                pd.DataFrame(r[table.name]).assign(round_id=rid).to_sql(table.name, engine, if_exists="append", index=False)
    if record["kpi_values"]:
        pd.DataFrame(record["kpi_values"]).assign(client=cid).to_sql("kpi_values", engine, if_exists="append", index=False)


def main() -> None:
    from workbench import store as st
    from workbench.reports.portfolio_report import build_portfolio

    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--store", help="a database URL (default: SQLite in a temporary folder)")
    args = ap.parse_args()
    recs = records(args.rounds)
    rows = sum(len(v) for r in recs for x in r["rounds"] for v in x.values() if isinstance(v, list)) / len(recs)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or st.url_from(str(Path(tmp) / "ours"))
        engine = st.open_store(url)
        run_id = st.start_run(engine, "bench", "bench")
        ours = []
        for r in recs:
            t = time.perf_counter()
            st.record_client(engine, run_id, r)
            ours.append(time.perf_counter() - t)
        sample = recs[: max(20, args.rounds // 10)]
        base = st.open_store(st.url_from(str(Path(tmp) / "naive")))
        slow = []
        for r in sample:
            t = time.perf_counter()
            naive(base, r)
            slow.append(time.perf_counter() - t)
        t = time.perf_counter()
        build_portfolio(url, Path(tmp) / "portfolio")
        build = time.perf_counter() - t
        size = (Path(tmp) / "portfolio" / "portfolio.html").stat().st_size
    ms = lambda xs: f"median {1000 * statistics.median(xs):5.1f} ms, mean {1000 * statistics.mean(xs):5.1f} ms, p95 {1000 * sorted(xs)[int(0.95 * len(xs)) - 1]:5.1f} ms"  # noqa: E731
    print(f"store: {'SQLite (temporary folder)' if not args.store else args.store}; {rows:.0f} rows per round")
    print(f"  record_client, {len(ours)} rounds:            {ms(ours)}   (target under 20 ms per round)")
    print(f"  naive DataFrame.to_sql per table, {len(slow)}:    {ms(slow)}")
    print(f"  ratio naive/ours (mean): {statistics.mean(slow) / statistics.mean(ours):.1f}x")
    print(f"  total recording time: {sum(ours):.1f} s for {len(ours)} rounds")
    print(f"  portfolio report from {len(ours)} rounds: {build:.2f} s ({size / 1000:.0f} kB)")


if __name__ == "__main__":
    main()
