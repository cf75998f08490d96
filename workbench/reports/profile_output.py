"""The current-state profile as a terminal table, CSV and JSON (what `workbench score` prints)."""
from __future__ import annotations

import math

import pandas as pd

from assessment.scoring import Assessment
from assessment.sheets import frame_to_csv
from workbench.engagement.folder import Engagement


def _num(x, digits: int = 2) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


def records(df: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def respondent_summary(engagement: Engagement, result: Assessment) -> str:
    counts = result.respondents["role"].value_counts()
    parts = [f"{r.name} {int(counts.get(r.id, 0))}" for r in engagement.config.roles]
    return f"{len(result.respondents)} respondents ({', '.join(parts)})"


def answer_digits(model) -> int:
    """Decimals that show a figure to the precision of the model's answers: 2 at least (a median of 1.25 on a
    1-5 scale is 1.25, not 1.2), more when option values carry more (0.125 needs 3)."""
    values = [o.value for s in model.scales.values() for o in s.value_options]
    return max([2] + [len(f"{v:g}".partition(".")[2]) for v in values if "e" not in f"{v:g}"])


def as_table(engagement: Engagement, result: Assessment) -> str:
    """Every area of every tier (streams and sub-tiers too), in model order, with "no score" where none."""
    cfg, model = engagement.config, engagement.model
    ov = result.overall
    digits = answer_digits(model)
    n_answers = int(result.respondents["n_scored"].sum())
    overall = (f"{_num(ov.get('mean'), digits)} -> level {ov.get('level')} {ov.get('level_name') or ''}"
               if ov and ov.get("level") is not None else "no score (no answer counts towards it)")
    lines = [f"{cfg.name}  [{cfg.id}]",
             f"Model {result.model_id} {result.model_version} | {respondent_summary(engagement, result)} | "
             f"{n_answers:,} scored answers",
             f"{model.overall.name}: {overall}",
             ""]
    gap = result.perception_gap.set_index("dimension")
    stats = result.areas.set_index("area")
    rows = []
    at = model.area_table
    for area, depth in zip(at.index, at["depth"]):
        a = stats.loc[area] if area in stats.index else None
        is_dim = depth == model.dimension_depth
        g = gap.loc[area] if is_dim and area in gap.index else None
        scored = a is not None and pd.notna(a["mean"])
        rows.append({
            " / ".join(t.name for t in model.tiers): "  " * int(depth) + at.at[area, "name"],
            "Layer": at.at[area, "layer"] or "" if isinstance(at.at[area, "layer"], str) else "",
            "n": int(a["n"]) if a is not None else 0,
            "Mean": _num(a["mean"], digits) if scored else "no score",
            "Level": f"{int(a['level'])} {a['level_name']}" if scored and pd.notna(a["level"]) else "",
            "Median": _num(a["median"], digits) if scored else "",
            "SD": _num(a["std"], digits) if scored else "",
            "IQR": _num(a["iqr"], digits) if scored else "",
            "Agree": "" if not scored or a["agreement"] is None or (isinstance(a["agreement"], float)
                                                                   and math.isnan(a["agreement"]))
            else ("yes" if a["agreement"] else "NO"),
            "Leaders": _num(g["leadership_mean"], digits) if g is not None else "",
            "Front line": _num(g["front_line_mean"], digits) if g is not None else "",
            "Gap": (f"{g['gap']:+.{digits}f}" if g is not None and not math.isnan(g["gap"]) else ""),
        })
    lines.append(text_table(rows, right={"n", "Mean", "Median", "SD", "IQR", "Leaders", "Front line", "Gap"}))
    lines.append("")
    lines.append("Gap = leaders' mean minus front line's mean. Agree: r_wg >= 0.70 (answers cluster rather than "
                 "scatter).")
    if len(result.importance):
        top = result.importance[result.importance["quadrant"] == "Concentrate here"]
        if len(top):
            lines.append("Concentrate here (important to respondents, performing below average): "
                         + ", ".join(top["question"].head(8)))
    for note in result.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def text_table(rows: list[dict], right: set[str]) -> str:
    """Rows of equal keys as an aligned plain-text table: text left, numbers right."""
    if not rows:
        return ""
    cols = list(rows[0])
    width = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    fmt = lambda c, v: str(v).rjust(width[c]) if c in right else str(v).ljust(width[c])  # noqa: E731
    out = ["  ".join(fmt(c, c) for c in cols).rstrip(), "  ".join("-" * width[c] for c in cols)]
    out += ["  ".join(fmt(c, r[c]) for c in cols).rstrip() for r in rows]
    return "\n".join(out)


def as_dict(engagement: Engagement, result: Assessment) -> dict:
    cfg = engagement.config
    counts = result.respondents["role"].value_counts()
    return {
        "client": {"id": cfg.id, "name": cfg.name, "sector": cfg.sector},
        "model": {"id": result.model_id, "version": result.model_version},
        "method": engagement.model.describe_aggregation(),
        "respondents": {"total": int(len(result.respondents)),
                        "by_role": {r.id: int(counts.get(r.id, 0)) for r in cfg.roles}},
        "overall": {k: _clean(v) for k, v in result.overall.items()},
        "areas": records(result.areas),
        "dimensions": records(result.dimensions),
        "perception_gap": records(result.perception_gap),
        "by_role": records(result.by_role),
        "questions": records(result.questions),
        "importance_performance": records(result.importance),
        "notes": result.notes,
    }


def as_csv_frame(engagement: Engagement, result: Assessment) -> pd.DataFrame:
    gap = result.perception_gap.set_index("dimension")[["leadership_mean", "front_line_mean", "gap"]]
    out = result.areas.join(gap, on="area")
    out.insert(0, "client_id", engagement.config.id)
    out.insert(1, "model_id", result.model_id)
    out.insert(2, "model_version", result.model_version)
    return out


def as_csv(frames: list[pd.DataFrame]) -> str:
    return frame_to_csv(pd.concat(frames, ignore_index=True), float_format="%.4f")
