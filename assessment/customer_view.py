"""How the organisation performs in its customers' eyes: pure functions over the customer answers
(assessment.customer_answers) and the client's driver tree.

- per driver and per layer: performance and importance with the number of customers and the spread;
- roots below the acceptable level flagged first: without the roots the tree falls;
- the trend over time, per month and as a rolling four-week window, with the number of customers and
  answers behind each point; a point stands on at least MIN_POINT customers, or it is not drawn;
- outside-in against inside-out: for each model dimension linked to drivers, the staff's score next to the
  customers' rating of those drivers, both as a share of their scale, and where they disagree;
- the customer component of the gap priority: how far a dimension's linked root and trunk drivers fall short
  of the acceptable level in the customers' eyes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from assessment.customers import LAYER_MEANING, LAYERS, PERFORMANCE_SCALE, DriverTree

MIN_POINT = 5        # the fewest customers a trend point, a driver's rating or a KPI value may stand on
ROLLING_WEEKS = 4    # the rolling trend's window
DISAGREE = 0.20      # staff and customers disagree when their shares of the scale differ by this much or more
LAYER_PULL = {"roots": 1.0, "trunk": 0.75, "crown": 0.0}  # how much a driver's shortfall pulls its dimensions
FULL_SHORTFALL = 1.0  # a driver this far (in points of the 1-5 scale) below the acceptable level counts fully
DRIVER_COLUMNS = ["driver", "name", "layer", "question", "dimensions", "performance", "performance_sd", "customers",
                  "importance", "importance_sd", "importance_customers", "shortfall", "below", "quadrant", "flag"]


def _scale_share(x, lo: float, hi: float):
    return (x - lo) / (hi - lo)


def driver_table(answers: pd.DataFrame, tree: DriverTree) -> pd.DataFrame:
    """One row per driver of the tree, in tree order: performance and importance (mean, spread, customers),
    the shortfall below the acceptable level, whether it is below, its importance-performance quadrant and a
    flag ('root below acceptable: fix first' for a root below the line). A driver rated by fewer than
    MIN_POINT customers has no performance (its count says why)."""
    rows = []
    perf = _stats(answers[answers["measure"] == "performance"])
    imp = _stats(answers[answers["measure"] == "importance"])
    for d in tree.drivers:
        p = perf.get(d.id, (np.nan, np.nan, 0))
        i = imp.get(d.id, (np.nan, np.nan, 0))
        mean = p[0] if p[2] >= MIN_POINT else np.nan
        shortfall = max(tree.acceptable - mean, 0.0) if pd.notna(mean) else np.nan
        below = bool(pd.notna(mean) and mean < tree.acceptable)
        rows.append({"driver": d.id, "name": d.name, "layer": d.layer, "question": d.question,
                     "dimensions": list(d.dimensions), "performance": mean, "performance_sd": p[1],
                     "customers": p[2], "importance": i[0] if i[2] >= MIN_POINT else np.nan, "importance_sd": i[1],
                     "importance_customers": i[2], "shortfall": shortfall, "below": below})
    out = pd.DataFrame(rows, columns=DRIVER_COLUMNS[:-2])
    out["quadrant"] = _quadrants(out, tree.acceptable)
    out["flag"] = ["root below acceptable: fix first" if b and layer == "roots" else
                   "below acceptable" if b else "" for b, layer in zip(out["below"], out["layer"])]
    return out[DRIVER_COLUMNS]


def _stats(part: pd.DataFrame) -> dict[str, tuple[float, float, int]]:
    if part.empty:
        return {}
    g = part.groupby("driver")["value"]
    stats = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=0), "n": part.groupby("driver")["response"].nunique()})
    return {k: (float(m), float(s), int(n)) for k, m, s, n in zip(stats.index, stats["mean"], stats["sd"], stats["n"])}


def _quadrants(drivers: pd.DataFrame, acceptable: float) -> list[str]:
    """Importance against performance, split at the acceptable level and at the drivers' median importance:
    'fix first' (important, below), 'keep it up' (important, above), 'watch' (less important, below), 'maybe
    over-served' (less important, above); '' without both ratings."""
    line = drivers["importance"].median()
    out = []
    for p, i in zip(drivers["performance"], drivers["importance"]):
        if pd.isna(p) or pd.isna(i):
            out.append("")
        elif i >= line:
            out.append("fix first" if p < acceptable else "keep it up")
        else:
            out.append("watch" if p < acceptable else "maybe over-served")
    return out


def flagged_first(drivers: pd.DataFrame) -> pd.DataFrame:
    """The drivers in the order a leadership team should read them: roots below the acceptable level first,
    then the others below it, lowest first, then the rest by layer."""
    order = {"roots": 0, "trunk": 1, "crown": 2}
    key = pd.DataFrame({"g": np.where(drivers["flag"].str.startswith("root"), 0, np.where(drivers["below"], 1, 2)),
                        "layer": drivers["layer"].map(order), "p": drivers["performance"].fillna(9)})
    return drivers.loc[key.sort_values(["g", "p", "layer"], kind="stable").index].reset_index(drop=True)


def layer_table(answers: pd.DataFrame, tree: DriverTree, drivers: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per layer with drivers: what it means, its drivers, performance and importance over every
    answer to its drivers (mean, spread, customers) and how many of its drivers are below the acceptable level."""
    drivers = driver_table(answers, tree) if drivers is None else drivers
    layer_of = {d.id: d.layer for d in tree.drivers}
    a = answers[answers["driver"].isin(layer_of)].assign(layer=lambda x: x["driver"].map(layer_of))
    rows = []
    for layer in LAYERS:
        mine = drivers[drivers["layer"] == layer]
        if mine.empty:
            continue
        p = a[(a["layer"] == layer) & (a["measure"] == "performance")]
        i = a[(a["layer"] == layer) & (a["measure"] == "importance")]
        n = p["response"].nunique()
        rows.append({"layer": layer, "meaning": LAYER_MEANING[layer], "drivers": len(mine),
                     "performance": p["value"].mean() if n >= MIN_POINT else np.nan,
                     "performance_sd": p["value"].std(ddof=0) if n else np.nan, "customers": n,
                     "importance": i["value"].mean() if i["response"].nunique() >= MIN_POINT else np.nan,
                     "below": int(mine["below"].sum())})
    return pd.DataFrame(rows, columns=["layer", "meaning", "drivers", "performance", "performance_sd", "customers",
                                       "importance", "below"])


def headline(answers: pd.DataFrame) -> dict:
    """Customers heard, answers, first and last day, mean performance over every driver, overall satisfaction
    and net promoter score (promoters 9-10 less detractors 0-6, in points) with the customers behind each."""
    p = answers[answers["measure"] == "performance"]
    o = answers[answers["measure"] == "overall"]
    r = answers[answers["measure"] == "recommend"]
    nps = (100.0 * ((r["value"] >= 9).mean() - (r["value"] <= 6).mean())) if len(r) >= MIN_POINT else np.nan
    return {"customers": int(answers["response"].nunique()), "answers": int(len(answers)),
            "first": answers["date"].min() if len(answers) else None,
            "last": answers["date"].max() if len(answers) else None,
            "performance": p["value"].mean() if p["response"].nunique() >= MIN_POINT else np.nan,
            "satisfaction": o["value"].mean() if len(o) >= MIN_POINT else np.nan, "satisfaction_n": int(len(o)),
            "nps": nps, "nps_n": int(len(r))}


TREND_COLUMNS = ["series", "name", "period", "mean", "customers", "answers", "shown"]


def trend(answers: pd.DataFrame, tree: DriverTree, by: str = "month", min_customers: int = MIN_POINT,
          drivers: bool = False) -> pd.DataFrame:
    """Performance over time per series ('all' drivers, each layer, and each driver when `drivers`): one
    point per calendar month (`by='month'`, dated the month's first day) or per week for the ROLLING_WEEKS
    weeks ending that week (`by='rolling'`, dated the week's last day). Each point has the customers and
    answers behind it; `mean` is NaN and `shown` False when fewer than `min_customers` customers stand behind
    it, so no chart draws a point on fewer."""
    if by not in ("month", "rolling"):
        raise ValueError(f"by={by!r}; expected 'month' or 'rolling'")
    layer_of = {d.id: d.layer for d in tree.drivers}
    p = answers[(answers["measure"] == "performance") & answers["driver"].isin(layer_of)]
    if p.empty:
        return pd.DataFrame(columns=TREND_COLUMNS)
    freq = "MS" if by == "month" else "W-SUN"
    period = p["date"].dt.to_period("M").dt.start_time if by == "month" else \
        p["date"].dt.to_period("W-SUN").dt.end_time.dt.normalize()
    base = pd.DataFrame({"period": period.to_numpy(), "response": p["response"].to_numpy(),
                         "value": p["value"].to_numpy(), "driver": p["driver"].to_numpy()})
    base["layer"] = base["driver"].map(layer_of)
    series = [("all", None)] + [(layer, "layer") for layer in LAYERS if layer in set(layer_of.values())]
    if drivers:
        series += [(d.id, "driver") for d in tree.drivers]
    names = {"all": "All drivers", **{layer: layer.capitalize() for layer in LAYERS},
             **{d.id: d.name for d in tree.drivers}}
    whole = pd.date_range(base["period"].min(), base["period"].max(), freq=freq)
    frames = []
    for key, kind in series:
        part = base if kind is None else base[base[kind] == key]
        g = part.groupby("period")
        t = pd.DataFrame({"sum": g["value"].sum(), "answers": g["value"].size(), "customers": g["response"].nunique()})
        t = t.reindex(whole, fill_value=0)
        if by == "rolling":  # a response has one date, so its customers sum over the weeks of the window
            t = t.rolling(ROLLING_WEEKS, min_periods=1).sum()
        t = t.rename_axis("period").reset_index()
        t["series"], t["name"] = key, names[key]
        frames.append(t)
    out = pd.concat(frames, ignore_index=True)
    out["shown"] = out["customers"] >= min_customers
    out["mean"] = np.where(out["shown"], out["sum"] / out["answers"].where(out["answers"] > 0), np.nan)
    out[["customers", "answers"]] = out[["customers", "answers"]].astype(int)
    return out[TREND_COLUMNS]


def outside_in(drivers: pd.DataFrame, dimensions: pd.DataFrame, levels: tuple[float, float]) -> pd.DataFrame:
    """Per model dimension linked to rated drivers: the staff's score (`dimensions`: an assessment's area,
    name, mean) and the customers' performance of its drivers (weighted by customers), each as a share of its
    scale (`levels`: the model's lowest and highest level), the difference and a verdict."""
    lo, hi = levels
    rated = drivers[drivers["performance"].notna()]
    dims = dimensions.set_index("area")
    rows = []
    for dim in dims.index:
        linked = rated[[dim in ds for ds in rated["dimensions"]]]
        if linked.empty:
            continue
        customers = float(np.average(linked["performance"], weights=linked["customers"]))
        staff = dims.at[dim, "mean"]
        s_share = _scale_share(staff, lo, hi) if pd.notna(staff) else np.nan
        c_share = _scale_share(customers, *PERFORMANCE_SCALE)
        diff = s_share - c_share
        verdict = ("no staff score" if pd.isna(diff) else "staff see it better than customers" if diff >= DISAGREE
                   else "customers see it better than staff" if diff <= -DISAGREE else "they agree")
        rows.append({"dimension": dim, "name": dims.at[dim, "name"], "staff": staff, "staff_share": s_share,
                     "customers": customers, "customers_share": c_share, "difference": diff,
                     "drivers": ", ".join(linked["name"]), "verdict": verdict})
    return pd.DataFrame(rows, columns=["dimension", "name", "staff", "staff_share", "customers", "customers_share",
                                       "difference", "drivers", "verdict"])


def customer_component(drivers: pd.DataFrame, acceptable: float) -> pd.DataFrame:
    """Per dimension linked to a rated driver: the component (0-1) the gap priority adds, the largest of its
    drivers' shortfalls below the acceptable level (a shortfall of FULL_SHORTFALL points or more counts fully),
    pulled by layer (LAYER_PULL: roots fully, trunk 0.75, crown not at all), and the driver behind it. An
    empty table when customers rated nothing."""
    rows = []
    for r in drivers[drivers["performance"].notna()].itertuples(index=False):
        pull = LAYER_PULL[r.layer] * min(max(r.shortfall / FULL_SHORTFALL, 0.0), 1.0)
        for dim in r.dimensions:
            rows.append({"dimension": dim, "component": pull, "driver": r.driver, "driver_name": r.name,
                         "layer": r.layer, "performance": r.performance})
    if not rows:
        return pd.DataFrame(columns=["dimension", "component", "driver", "driver_name", "layer", "performance"])
    t = pd.DataFrame(rows).sort_values(["component", "performance"], ascending=[False, True], kind="stable")
    return t.groupby("dimension", sort=False).head(1).reset_index(drop=True)


def monthly_values(answers: pd.DataFrame, item: str, min_customers: int = MIN_POINT) -> pd.DataFrame:
    """A customer-measured KPI per month: item is a driver id (its mean performance), 'overall' (mean
    satisfaction) or 'recommend' (net promoter score). Dated the month's last day with an answer; months
    with fewer than `min_customers` customers have no value. Columns date, value, customers."""
    if item in ("overall", "recommend"):
        a = answers[answers["measure"] == item]
    else:
        a = answers[(answers["measure"] == "performance") & (answers["driver"] == item)]
    if a.empty:
        return pd.DataFrame(columns=["date", "value", "customers"])
    month = a["date"].dt.to_period("M")
    rows = []
    for _, part in a.groupby(month):
        n = part["response"].nunique()
        if n < min_customers:
            continue
        v = part["value"]
        value = 100.0 * ((v >= 9).mean() - (v <= 6).mean()) if item == "recommend" else v.mean()
        rows.append({"date": part["date"].max().date(), "value": round(float(value), 2), "customers": n})
    return pd.DataFrame(rows, columns=["date", "value", "customers"])


QUOTES = 3  # comments shown from the least satisfied customers, and as many from the most satisfied


def customer_quotes(comments: pd.DataFrame, answers: pd.DataFrame, n: int = QUOTES) -> pd.DataFrame:
    """Customers' comments as a report may quote them, by the same rules as staff comments: every email
    address and every customer's name (and organisation) masked, cut at a word boundary, never attributed.
    The `n` comments of the customers who rated performance lowest, then the `n` of those who rated it
    highest, newest first among equals. Columns: text, month, rating (the customer's mean performance), side."""
    from assessment.findings import has_words, name_pattern, scrub_names, trim

    cols = ["text", "month", "rating", "side"]
    if comments.empty:
        return pd.DataFrame(columns=cols)
    pattern = name_pattern(set(answers["respondent"]) | set(comments["respondent"]))
    rating = answers[answers["measure"] == "performance"].groupby("response")["value"].mean()
    c = comments.assign(rating=comments["response"].map(rating),
                        text=[trim(scrub_names(t, pattern)) for t in comments["text"]])
    c = c[[has_words(t) for t in c["text"]]].drop_duplicates("text")
    c = c.sort_values(["rating", "date"], ascending=[True, False], na_position="last", kind="stable")
    low = c[c["rating"].notna()].head(n)
    high = c[c["rating"].notna() & ~c.index.isin(low.index)].sort_values(
        ["rating", "date"], ascending=[False, False], kind="stable").head(n)
    out = pd.concat([low.assign(side="least satisfied"), high.assign(side="most satisfied")])
    out["month"] = out["date"].dt.strftime("%B %Y")
    return out[cols].reset_index(drop=True)
