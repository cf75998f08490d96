"""The answer first: the few sentences a leadership team reads before anything else, computed from the data.

Pure functions over the tables the engine already makes (the assessment's dimension profile, the leaders'
and the front line's means, the ranked gaps, the roadmap's trajectory and plan). Each returns plain
sentences that carry their numbers; the report and the deck lay them out.

The strongest finding is the largest, most consistent pattern among a few kinds, each measured in levels so
they compare:

- leaders against the front line: the mean difference over the dimensions where both answered, times the
  share of dimensions where it points the same way (a consistent 0.6 beats a mixed 0.9);
- one role group against everyone else, measured the same way;
- the weakest dimension against the median of the others, times 0.8 (a single dimension is weaker evidence
  than a pattern across all of them);
- the layers of a driver tree (roots, trunk, crown), when the model has them and the roots are lowest: the
  difference between the roots and the best layer;
- in the customers' eyes, the root driver furthest below the acceptable level: its shortfall in points of the
  1-5 scale.

A kind needs at least 0.25 of a level to count; the strongest kind is reported.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from assessment.findings import fmt_score

MIN_STRENGTH = 0.25         # levels: smaller patterns are not findings
SINGLE_DIMENSION = 0.8      # a single weak dimension weighs less than a pattern across all of them
LAYER_WORDS = {"roots": "the basics customers expect every time (roots)", "trunk": "the core competence (trunk)",
               "crown": "the extras that create loyalty (crown)"}


@dataclass(frozen=True)
class Finding:
    kind: str         # leaders_vs_front_line | role_group | weakest_dimension | roots_lowest | customer_roots
    strength: float   # in levels, weighted by consistency
    sentence: str


def _n(x: float) -> str:
    return f"{x:.1f}"


def leaders_vs_front_line(perception_gap: pd.DataFrame, unit: str = "dimensions") -> Finding | None:
    """Leaders' mean minus the front line's, over the dimensions where both answered."""
    pg = perception_gap.dropna(subset=["gap"])
    if len(pg) < 2:
        return None
    mean = float(pg["gap"].mean())
    same_way = int((pg["gap"] > 0).sum()) if mean > 0 else int((pg["gap"] < 0).sum())
    top = pg.loc[pg["gap"].abs().idxmax()]
    most = f"most in {top['name']} ({_n(abs(float(top['gap'])))})"
    if mean > 0:
        sentence = (f"Leaders rate the organisation higher than the front line does in {same_way} of {len(pg)} {unit}, "
                    f"by {_n(mean)} of a level on average and {most}: the plan has to start from what the front "
                    "line lives.")
    else:
        sentence = (f"The front line rates the organisation higher than its leaders do in {same_way} of {len(pg)} "
                    f"{unit}, by {_n(-mean)} of a level on average and {most}.")
    return Finding("leaders_vs_front_line", abs(mean) * same_way / len(pg), sentence)


def role_group_apart(by_role: pd.DataFrame, dimension_ids: list[str], role_names: dict[str, str],
                     unit: str = "dimensions") -> Finding | None:
    """The role group whose means differ most, and most consistently, from the other groups' means."""
    rows = by_role[by_role["area"].isin(dimension_ids)]
    wide = rows.pivot_table(index="area", columns="role", values="mean")
    if wide.shape[1] < 3:  # with two groups this is the leaders/front line finding again
        return None
    best = None
    for role in wide.columns:
        diff = (wide[role] - wide.drop(columns=role).mean(axis=1)).dropna()
        if len(diff) < 2:
            continue
        below = int((diff < 0).sum())
        same_way = max(below, len(diff) - below)
        strength = abs(float(diff.mean())) * same_way / len(diff)
        if best is None or strength > best[0]:
            best = (strength, role, float(diff.mean()), same_way, len(diff))
    if best is None:
        return None
    strength, role, mean, same_way, n = best
    name = role_names.get(role, str(role))
    side = "lower" if mean < 0 else "higher"
    return Finding("role_group", strength, f"Respondents in {name} rate the organisation {side} than the other groups "
                                           f"in {same_way} of {n} {unit}, by {_n(abs(mean))} of a level on average.")


def weakest_dimension(dimensions: pd.DataFrame, unit: str = "dimension") -> Finding | None:
    """The lowest-scored dimension against the median of the others."""
    d = dimensions.dropna(subset=["mean"])
    if len(d) < 3:
        return None
    low = d.loc[d["mean"].idxmin()]
    rest = float(d.drop(index=low.name)["mean"].median())
    gap = rest - float(low["mean"])
    return Finding("weakest_dimension", gap * SINGLE_DIMENSION,
                   f"{low['name']} is the weakest {unit}: {fmt_score(float(low['mean']), 1)} against a median of {_n(rest)} "
                   "for the others.")


def customer_roots(drivers: pd.DataFrame | None, acceptable: float) -> Finding | None:
    """In the customers' eyes, the root driver furthest below the acceptable level (a 1-5 scale, read as levels):
    customers are telling the organisation a basic is not there."""
    if drivers is None or drivers.empty:
        return None
    roots = drivers[(drivers["layer"] == "roots") & drivers["below"]]
    if roots.empty:
        return None
    worst = roots.loc[roots["performance"].idxmin()]
    others = f" and {len(roots) - 1} more of the basics" if len(roots) > 1 else ""
    return Finding("customer_roots", float(acceptable - worst["performance"]),
                   f"In the customers' eyes a basic is missing: \u2018{worst['name']}\u2019 scores "
                   f"{_n(float(worst['performance']))} of 5 from {int(worst['customers'])} customers{others}, below the "
                   f"acceptable {acceptable:g}. Without the roots the tree falls: this comes before any extra.")


def roots_lowest(dimensions: pd.DataFrame) -> Finding | None:
    """When the model has a driver tree and its roots score lowest: without the roots the tree falls."""
    if "layer" not in dimensions or dimensions["layer"].isna().all():
        return None
    means = dimensions.dropna(subset=["mean", "layer"]).groupby("layer")["mean"].mean()
    if "roots" not in means or len(means) < 2 or means.idxmin() != "roots":
        return None
    best = means.idxmax()
    return Finding("roots_lowest", float(means[best] - means["roots"]),
                   f"{LAYER_WORDS['roots'][0].upper()}{LAYER_WORDS['roots'][1:]} score lowest, {fmt_score(means['roots'], 1)} "
                   f"against {fmt_score(means[best], 1)} for {LAYER_WORDS.get(best, best)}: the foundations come first.")


def ranked_findings(candidates: list[Finding | None]) -> list[Finding]:
    """The findings given that reach MIN_STRENGTH, strongest first; ties keep their order."""
    found = [f for f in candidates if f is not None and f.strength >= MIN_STRENGTH]
    return sorted(found, key=lambda f: -f.strength)


def strongest_finding(candidates: list[Finding | None]) -> Finding | None:
    """The strongest of the findings given (None when none reaches MIN_STRENGTH); ties go to the earlier."""
    found = ranked_findings(candidates)
    return found[0] if found else None


REASONS = {"w_gap": "the furthest from their targets", "w_importance": "what respondents rate as most important",
           "w_foundation": "foundations the rest depends on", "w_disagreement": "where leaders and front line disagree",
           "w_customers": "what customers rate below acceptable"}


def why_first(top: pd.DataFrame) -> str:
    """In words, what puts the top gaps first: the priority components that weigh most across them."""
    parts = [c for c in REASONS if c in top]
    if not len(top) or not parts:
        return ""
    totals = top[parts].sum().sort_values(ascending=False)
    chosen = [REASONS[c] for c, v in totals.items() if v > 0][:2]
    return " and ".join(chosen)


def arrival(trajectory: pd.DataFrame, waves: pd.DataFrame) -> dict:
    """When the roadmap reaches the targets: the dimensions that reach theirs, the wave in which the last of them
    does and that wave's end date (not the end of the last, possibly empty, wave), and those left short."""
    if not len(trajectory):
        return {"reached": 0, "total": 0, "wave": None, "date": None, "short": []}
    reach = trajectory[trajectory["level"] >= trajectory["target"]].groupby("dimension")["wave"].min()
    dims = trajectory.drop_duplicates("dimension").set_index("dimension")
    short = [str(dims.loc[d, "name"]) for d in dims.index if d not in reach.index]
    wave = int(reach.max()) if len(reach) else None
    ends = waves.set_index("wave")["end"] if len(waves) else pd.Series(dtype=object)
    date = ends.get(wave) if wave else None
    return {"reached": len(reach), "total": len(dims), "wave": wave, "date": date, "short": short,
            "already": int((reach == 0).sum())}


def start_note(start: dt.date, report_date: dt.date, fixed: bool) -> str:
    """A sentence when the roadmap's first wave starts before the report's date (set so in client.yaml)."""
    if start >= report_date:
        return ""
    how = "set in client.yaml" if fixed else "as planned"
    return (f"The roadmap's first wave started on {start:%-d %B %Y} ({how}), before this report's date: waves already "
            "under way are shown as planned.")
