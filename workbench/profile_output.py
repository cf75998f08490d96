"""The current-state profile as a terminal table, CSV and JSON (what `workbench score` prints)."""
from __future__ import annotations

import io
import math

import pandas as pd

from assessment.scoring import Assessment
from workbench.engagement import Engagement


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


def as_table(engagement: Engagement, result: Assessment) -> str:
    cfg, model = engagement.config, engagement.model
    ov = result.overall
    n_answers = int(result.respondents["n_scored"].sum())
    lines = [f"{cfg.name}  [{cfg.id}]",
             f"Model {result.model_id} {result.model_version} | {respondent_summary(engagement, result)} | "
             f"{n_answers:,} scored answers",
             f"{model.overall.name}: {_num(ov.get('mean'))} -> level {ov.get('level')} {ov.get('level_name') or ''}",
             ""]
    gap = result.perception_gap.set_index("dimension")
    tier_names = {t.id: t.name for t in model.tiers}
    rows = []
    areas = result.areas[result.areas["tier"] != "overall"]
    depth = model.area_table["depth"]
    for a in areas.itertuples(index=False):
        if depth[a.area] > model.dimension_depth:
            continue  # sub-dimension tiers (e.g. streams) are in the CSV/JSON output
        is_dim = a.tier == model.dimension_tier
        indent = "  " * int(depth[a.area])
        g = gap.loc[a.area] if is_dim and a.area in gap.index else None
        rows.append({
            tier_names[model.tiers[0].id] + " / " + tier_names[model.dimension_tier]: indent + a.name,
            "Layer": a.layer or "",
            "n": int(a.n),
            "Mean": _num(a.mean),
            "Level": f"{a.level} {a.level_name}" if a.level is not None else "",
            "Median": _num(a.median, 1),
            "SD": _num(a.std),
            "IQR": _num(a.iqr),
            "Agree": "" if a.agreement is None or (isinstance(a.agreement, float) and math.isnan(a.agreement))
            else ("yes" if a.agreement else "NO"),
            "Leaders": _num(g["leadership_mean"]) if g is not None else "",
            "Front line": _num(g["front_line_mean"]) if g is not None else "",
            "Gap": (f"{g['gap']:+.2f}" if g is not None and not math.isnan(g["gap"]) else ""),
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
    buf = io.StringIO()
    pd.concat(frames, ignore_index=True).to_csv(buf, index=False, float_format="%.4f", lineterminator="\n")
    return buf.getvalue()
