"""The scorecard: the client's KPIs that show the arrival, linked to the roadmap initiatives that move them."""
from __future__ import annotations

import pandas as pd

from roadmaps.catalogue import KPIDef
from roadmaps.vision import Vision

COLUMNS = ["kpi", "name", "definition", "unit", "better_when", "baseline", "target", "due", "owner", "source",
           "dimensions", "moved_by", "first_wave", "in_scorecard"]


def scorecard_table(vision: Vision | None, plan: pd.DataFrame | None = None,
                    library: list[KPIDef] = ()) -> pd.DataFrame:
    """One row per scorecard KPI with the initiatives that move it; then the KPIs the roadmap moves that the
    scorecard lacks (in_scorecard False), as suggestions from the catalogue's KPI library."""
    vision = vision or Vision()
    moved: dict[str, list[tuple[int, str]]] = {}
    for r in (plan.itertuples(index=False) if plan is not None else ()):
        for k in (x.strip() for x in r.kpis.split(",") if x.strip()):
            moved.setdefault(k, []).append((r.wave, r.initiative))
    rows = []
    for k in vision.scorecard:
        by = sorted(moved.get(k.id, []))
        rows.append(dict(kpi=k.id, name=k.name, definition=k.definition, unit=k.unit, better_when=k.better_when,
                         baseline=k.baseline, target=k.target, due=k.due, owner=k.owner, source=k.source,
                         dimensions=", ".join(k.dimensions), moved_by=", ".join(i for _, i in by),
                         first_wave=by[0][0] if by else None, in_scorecard=True))
    have = {k.id for k in vision.scorecard}
    for lib in sorted(library, key=lambda x: x.id):
        if lib.id in moved and lib.id not in have:
            by = sorted(moved[lib.id])
            rows.append(dict(kpi=lib.id, name=lib.name, definition=lib.definition, unit=lib.unit,
                             better_when=lib.direction, baseline=None, target=None, due=None, owner="", source="",
                             dimensions="", moved_by=", ".join(i for _, i in by), first_wave=by[0][0],
                             in_scorecard=False))
    return pd.DataFrame(rows, columns=COLUMNS)
