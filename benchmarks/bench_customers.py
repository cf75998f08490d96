"""Customer measurement speed: 100,000 dated customer answers read from a long CSV in customers/ and turned into
the trend (per month and rolling four weeks, all drivers and each layer), through the real path.

    .venv/bin/python benchmarks/bench_customers.py [--answers 100000] [--runs 3]

Our path: `assessment.customer_answers.read_customer_answers` (the reader every command uses: decoding,
validation of every row, dates, ratings) then `assessment.customer_view.trend` twice. Baseline, side by side
on the same file: the straightforward way a notebook would do it: pandas.read_csv, a row-by-row check, then
for every week the answers of the four weeks before it filtered out and averaged. Both must give the same
rolling means. Target: ours at most 1 second.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from assessment.customer_answers import read_customer_answers
from assessment.customer_view import MIN_POINT, ROLLING_WEEKS, trend
from assessment.customers import DriverTree

TREE = DriverTree(drivers=[{"id": f"driver-{i}", "layer": ("roots", "trunk", "crown")[i % 3], "name": f"Driver {i}",
                            "question": f"How well do we do thing {i}?", "dimensions": []} for i in range(8)])


def write_answers(folder: Path, n: int, seed: int = 7) -> Path:
    """n answers: customers answering every driver's performance and importance on a day in the last year."""
    rng = np.random.default_rng(seed)
    per_customer = 2 * len(TREE.drivers)
    customers = n // per_customer
    start = dt.date.today() - dt.timedelta(days=365)
    path = folder / "customers" / "pulse.csv"
    path.parent.mkdir(parents=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["date", "customer", "driver", "measure", "value"])
        days = rng.integers(0, 365, customers)
        for c in range(customers):
            day = (start + dt.timedelta(days=int(days[c]))).isoformat()
            for d in TREE.drivers:
                w.writerow([day, f"Customer {c}", d.id, "performance", int(rng.integers(1, 6))])
                w.writerow([day, f"Customer {c}", d.id, "importance", int(rng.integers(1, 6))])
    return path


def ours(folder: Path) -> pd.DataFrame:
    got = read_customer_answers(folder / "customers", TREE, root=folder)
    assert not got.problems, got.problems[:3]
    trend(got.answers, TREE, "month")
    return trend(got.answers, TREE, "rolling")


def naive(folder: Path) -> pd.DataFrame:
    df = pd.read_csv(folder / "customers" / "pulse.csv", dtype=str, keep_default_na=False)
    ids = {d.id for d in TREE.drivers}
    for i, r in df.iterrows():  # the row-by-row check a first version writes
        if r["driver"] not in ids or not 1 <= float(r["value"]) <= 5:
            raise ValueError(f"row {i + 2}")
        dt.date.fromisoformat(r["date"])
    df["value"] = df["value"].astype(float)
    df["date"] = pd.to_datetime(df["date"])
    p = df[df["measure"] == "performance"]
    weeks = pd.date_range(p["date"].min().to_period("W-SUN").end_time.normalize(),
                          p["date"].max().to_period("W-SUN").end_time.normalize(), freq="W-SUN")
    rows = []
    for end in weeks:  # every week: filter the window and average it
        window = p[(p["date"] > end - pd.Timedelta(weeks=ROLLING_WEEKS)) & (p["date"] <= end)]
        n = window["customer"].nunique()
        rows.append({"period": end, "mean": window["value"].mean() if n >= MIN_POINT else np.nan, "customers": n})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--answers", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_answers(folder, args.answers)
        ours(folder)  # warm: imports and first-call costs are not what a consultant waits for twice
        times = {"ours": [], "naive": []}
        for _ in range(args.runs):
            for name, fn in (("ours", ours), ("naive", naive)):
                t = time.perf_counter()
                result = fn(folder)
                times[name].append(time.perf_counter() - t)
                if name == "ours":
                    mine = result[result["series"] == "all"].reset_index(drop=True)
                else:
                    theirs = result
        assert len(mine) == len(theirs) and np.allclose(mine["mean"], theirs["mean"], equal_nan=True), \
            "the two paths disagree on the rolling trend"
        assert (mine["customers"].to_numpy() == theirs["customers"].to_numpy()).all()
    a, b = statistics.median(times["ours"]), statistics.median(times["naive"])
    print(f"{args.answers:,} customer answers, read and trended (median of {args.runs} runs)")
    print(f"  ours  (read_customer_answers + trend by month and rolling): {a:6.3f} s")
    print(f"  naive (read_csv, row checks, a filter per week):            {b:6.3f} s")
    print(f"  ratio naive/ours: {b / a:.1f}x; target ours <= 1 s: {'met' if a <= 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
