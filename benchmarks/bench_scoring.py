"""Scoring speed: 1,000,000 answers (5,000 respondents x 200 questions) through the real scoring path.

    .venv/bin/python benchmarks/bench_scoring.py [--respondents 5000]

Our path: decode raw answer labels against the scales, then `assessment.scoring.assess` (per-respondent
scores up the hierarchy, profiles, role groups, perception gap, question profile, importance-performance).
Baseline, side by side on the same sample: the straightforward pandas way (merge, then groupby-apply of a
weighted mean per respondent and dimension, and so on up). Target: the full million under 2 seconds.
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from assessment.answers import decode_answers
from assessment.model import parse_model
from assessment.scoring import assess

LABELS = ["1 - Initial", "2 - Repeatable", "3 - Defined", "4 - Measured", "5 - Optimising", "3", "4",
          "Not applicable", "Don't know"]


def synthetic_model(domains=5, dims_per_domain=8, questions_per_dim=5) -> object:
    lines = ["id: bench", "name: Bench", "version: '1'", "levels:"]
    lines += [f"  - {{value: {v}, name: L{v}}}" for v in range(1, 6)]
    lines += ["scales:", "  m5:", "    options:"]
    lines += [f"      - {{value: {v}, label: {n}}}" for v, n in
              zip(range(1, 6), ["Initial", "Repeatable", "Defined", "Measured", "Optimising"])]
    lines += ["      - {label: Not applicable, kind: not_applicable}", "      - {label: Don't know, kind: dont_know}"]
    lines += ["tiers:", "  - {id: domain, name: Domain}", "  - {id: dimension, name: Dimension}",
              "dimension_tier: dimension", "areas:"]
    for d in range(domains):
        lines += [f"  - id: d{d}", f"    name: Domain {d}", "    areas:"]
        for k in range(dims_per_domain):
            lines += [f"      - id: d{d}-k{k}", f"        name: Dim {d}.{k}", "        layer: roots",
                      "        descriptors: {1: a, 2: b, 3: c, 4: d, 5: e}", "        questions:"]
            lines += [f"          - {{id: Q{d}-{k}-{q}, text: q, scale: m5, weight: {1 + q % 2}}}"
                      for q in range(questions_per_dim)]
    return parse_model("\n".join(lines))


def raw_answers(model, n_respondents: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    qids = model.question_table["question"].to_numpy()
    n = n_respondents * len(qids)
    roles = np.array(["leadership", "management", "front_line"])[rng.integers(0, 3, n_respondents)]
    return pd.DataFrame({
        "respondent": np.repeat([f"r{i:05d}" for i in range(n_respondents)], len(qids)),
        "role": np.repeat(roles, len(qids)),
        "question": np.tile(qids, n_respondents),
        "answer": np.array(LABELS, dtype=object)[rng.integers(0, len(LABELS), n)],
        "importance": rng.integers(1, 6, n).astype(float),
        "source": "bench.csv",
    })


ROLES = pd.DataFrame({"role": ["leadership", "management", "front_line"], "name": ["L", "M", "F"],
                      "perspective": ["leadership", "management", "front_line"]})


def ours(model, raw: pd.DataFrame):
    values, status = decode_answers(raw["answer"], raw["question"].map(model.question_table["scale"]), model)
    answers = raw.assign(value=values, status=status)
    return assess(answers, model, ROLES)


def naive(model, raw: pd.DataFrame) -> pd.DataFrame:
    """What a first pandas version looks like: a dict lookup per answer and groupby-apply per group."""
    lookup = {"1 - initial": 1, "2 - repeatable": 2, "3 - defined": 3, "4 - measured": 4, "5 - optimising": 5,
              "3": 3, "4": 4}
    df = raw.copy()
    df["value"] = df["answer"].apply(lambda a: lookup.get(str(a).strip().lower(), np.nan))
    df = df.merge(model.question_table[["question", "area", "weight"]].reset_index(drop=True), on="question")
    df = df.dropna(subset=["value"])
    wmean = lambda g: (g["value"] * g["weight"]).sum() / g["weight"].sum()  # noqa: E731
    dim = df.groupby(["respondent", "role", "area"]).apply(wmean, include_groups=False).rename("score").reset_index()
    dim["parent"] = dim["area"].map(model.area_table["parent"])
    dom = dim.groupby(["respondent", "role", "parent"])["score"].apply(lambda s: s.mean()).reset_index()
    overall = dom.groupby(["respondent", "role"])["score"].apply(lambda s: s.mean()).reset_index()
    profile = dim.groupby("area")["score"].agg(["count", "mean", "median", "std"])
    by_role = dim.groupby(["area", "role"])["score"].mean()
    questions = df.groupby("question")["value"].agg(["count", "mean", "median", "std"])
    return profile.join(by_role.unstack()), overall, questions


def timed(fn, *args, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--respondents", type=int, default=5000)
    ap.add_argument("--baseline-respondents", type=int, default=500,
                    help="the baseline is slow: it runs on this many respondents, and so does ours beside it")
    args = ap.parse_args()
    model = synthetic_model()
    nq = len(model.question_table)
    raw = raw_answers(model, args.respondents)
    ours(model, raw.head(nq * 50))  # warm-up: imports, caches
    t_full, result = timed(ours, model, raw)
    n = len(raw)
    print(f"model: {len(model.dimensions)} dimensions, {nq} questions; {args.respondents:,} respondents")
    print(f"ours, full:     {n:>9,} answers  {t_full:7.3f} s  {n / t_full:>12,.0f} answers/s  "
          f"(target < 2 s: {'met' if t_full < 2 else 'NOT met'})")
    sample = raw.head(args.baseline_respondents * nq)
    t_ours, _ = timed(ours, model, sample)
    t_naive, _ = timed(naive, model, sample, repeat=1)
    print(f"ours, sample:   {len(sample):>9,} answers  {t_ours:7.3f} s")
    print(f"naive, sample:  {len(sample):>9,} answers  {t_naive:7.3f} s")
    print(f"ratio naive/ours on the same sample: {t_naive / t_ours:.1f}x")
    print(f"overall mean of the full run: {result.overall['mean']:.3f} (sanity)")


if __name__ == "__main__":
    main()
