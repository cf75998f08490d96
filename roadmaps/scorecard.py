"""The scorecard: the client's KPIs that show the arrival, linked to the roadmap initiatives that move them, with
the interim targets each should reach along the way and a warning for each KPI that nothing planned moves."""
from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from assessment.text import normalise_text
from roadmaps.catalogue import KPIDef
from roadmaps.vision import KPI, Vision

COLUMNS = ["kpi", "name", "definition", "unit", "better_when", "baseline", "target", "due", "owner", "source",
           "dimensions", "moved_by", "first_wave", "interim", "warning", "in_scorecard"]
INTERIM_COLUMNS = ["kpi", "name", "unit", "better_when", "baseline", "target", "wave", "wave_end", "interim_target",
                   "basis"]
NEAREST_CUTOFF = 0.45  # below this a suggested KPI shares too little with the client's to be worth reading
NEAREST_MAX = 3
IDLE_MAX = 3  # initiatives named as would-be movers; more would drown the warning
_NO_PLAN = pd.DataFrame(columns=["wave", "completes_in_wave", "initiative", "title", "kpis"])


def planned_movers(plan: pd.DataFrame | None) -> dict[str, list[tuple[int, int, str, str]]]:
    """KPI id -> (wave it starts, wave it finishes, initiative id, title) of each planned initiative that names
    the KPI, in the order they start."""
    moved: dict[str, list[tuple[int, int, str, str]]] = {}
    for r in (plan.itertuples(index=False) if plan is not None else ()):
        named = r.kpis.split(",") if isinstance(r.kpis, str) else r.kpis
        for k in dict.fromkeys(x.strip() for x in named if x.strip()):
            moved.setdefault(k, []).append((int(r.wave), int(r.completes_in_wave), r.initiative, r.title))
    return {k: sorted(v) for k, v in moved.items()}


def scorecard_table(vision: Vision | None, plan: pd.DataFrame | None = None, library: Sequence[KPIDef] = (),
                    initiatives: pd.DataFrame | None = None, unscheduled: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per scorecard KPI with the initiatives (titles) that move it, how its interim targets are set and
    the warning when nothing planned moves it; then the KPIs the roadmap moves that the scorecard lacks
    (in_scorecard False), as suggestions from the catalogue's KPI library, unless the scorecard already has a
    KPI of that name under another id.

    `initiatives`: the initiatives the client may plan (initiative, title, kpis); without them (no catalogue)
    there is nothing to warn about. `unscheduled`: what the roadmap could not schedule (kind, item, reason)."""
    vision = vision or Vision()
    moved = planned_movers(plan)
    warnings = (unmoved_kpi_warnings(vision, initiatives, library, plan, unscheduled) if initiatives is not None
                else {})
    rows = []
    for k in vision.scorecard:
        by = moved.get(k.id, [])
        rows.append(dict(kpi=k.id, name=k.name, definition=k.definition, unit=k.unit, better_when=k.better_when,
                         baseline=k.baseline, target=k.target, due=k.due, owner=k.owner, source=k.source,
                         dimensions=", ".join(k.dimensions), moved_by="; ".join(t for *_, t in by),
                         first_wave=by[0][0] if by else None,
                         interim=interim_basis(k.baseline, k.target, sorted({w for _, w, _, _ in by})),
                         warning=warnings.get(k.id, ""), in_scorecard=True))
    have = {k.id for k in vision.scorecard}
    named = {normalise_text(k.name) for k in vision.scorecard}
    for lib in sorted(library, key=lambda x: x.id):
        if lib.id in moved and lib.id not in have and normalise_text(lib.name) not in named:
            by = moved[lib.id]
            rows.append(dict(kpi=lib.id, name=lib.name, definition=lib.definition, unit=lib.unit,
                             better_when=lib.direction, baseline=None, target=None, due=None, owner="", source="",
                             dimensions="", moved_by="; ".join(t for *_, t in by), first_wave=by[0][0],
                             interim="", warning="", in_scorecard=False))
    return pd.DataFrame(rows, columns=COLUMNS)



def unmoved_kpi_warnings(vision: Vision | None, initiatives: pd.DataFrame | None, library: Sequence[KPIDef],
                         plan: pd.DataFrame | None = None,
                         unscheduled: pd.DataFrame | None = None) -> dict[str, str]:
    """KPI id -> a warning, for each scorecard KPI no initiative in `plan` moves: the roadmap cannot show its
    arrival. Each names the initiatives that would move it but could not be scheduled (from `unscheduled`,
    with the reason), and the nearest catalogue KPIs the roadmap does move (by id and name).

    With `plan` None (before the assessment, when nothing is planned yet) the KPI is checked against every
    initiative in `initiatives`, the ones the client may plan."""
    vision = vision or Vision()
    initiatives = initiatives if initiatives is not None else _NO_PLAN
    could = planned_movers(initiatives.assign(wave=0, completes_in_wave=0)) if len(initiatives) else {}
    left = {} if unscheduled is None or plan is None else {
        r.item: r.reason for r in unscheduled.itertuples(index=False) if r.kind == "initiative"}
    before = plan is None
    moved = could if before else planned_movers(plan)
    what = "the catalogue's initiatives" if before else "the roadmap"
    have = {k.id for k in vision.scorecard}
    candidates = [lib for lib in library if lib.id in moved and lib.id not in have]
    out = {}
    for i, k in enumerate(vision.scorecard):
        if k.id in moved or k.id in out:
            continue
        text = (f"KPI {k.name!r} is moved by no initiative in the catalogue or the client's additions: no roadmap "
                "will show its arrival." if before else
                f"KPI {k.name!r} is moved by no initiative in the roadmap: nothing planned will show its arrival.")
        idle = [(repr(title), left[ini]) for _, _, ini, title in could.get(k.id, []) if ini in left]
        if len(idle) == 1:
            text += f" {idle[0][0]} would move it but is not scheduled: {idle[0][1]}."
        elif idle:
            named = [t for t, _ in idle[:IDLE_MAX]] + ([f"{len(idle) - IDLE_MAX} more"] if len(idle) > IDLE_MAX
                                                        else [])
            text += f" {_listed(named)} would move it but are not scheduled (see what was not scheduled, and why)."
        near = nearest_kpis(k, candidates)
        if near:
            text += (f" Nearest KPIs {what} move{'' if before else 's'}: "
                     f"{_listed([f'{lib.name!r} (id {lib.id})' for lib in near])}; to link one, use its id in "
                     f"client.yaml (vision.scorecard[{i}].id).")
        elif not idle:
            text += (f" No KPI {what} move{'' if before else 's'} is close to it: add an initiative that moves it "
                     f"under roadmap: add_initiatives in client.yaml, with kpis: [{k.id}].")
        out[k.id] = text
    return out


def kpi_names(vision: Vision | None, library: Sequence[KPIDef]) -> dict[str, str]:
    """KPI id -> the name a client reads: the scorecard's own name, else the catalogue library's."""
    return {lib.id: lib.name for lib in library} | {k.id: k.name for k in (vision or Vision()).scorecard}


def nearest_kpis(kpi: KPI, candidates: Iterable[KPIDef], n: int = NEAREST_MAX,
                 cutoff: float = NEAREST_CUTOFF) -> list[KPIDef]:
    """The catalogue KPIs most like `kpi`: by the similarity of their ids, of their names (difflib), or by the
    words they share; at most `n`, none below `cutoff`, the closest first (ties by id)."""
    mine = _words(kpi.id, kpi.name)
    scored = []
    for c in candidates:
        theirs = _words(c.id, c.name)
        shared = len(mine & theirs) / min(len(mine), len(theirs)) if mine and theirs else 0.0
        score = max(difflib.SequenceMatcher(None, kpi.id, c.id).ratio(),
                    difflib.SequenceMatcher(None, normalise_text(kpi.name), normalise_text(c.name)).ratio(), shared)
        if score >= cutoff:
            scored.append((-score, c.id, c))
    return [c for *_, c in sorted(scored, key=lambda x: x[:2])[:n]]


def _words(*texts: str) -> set[str]:
    """Word stems (the first five letters of each word of four or more) of an id and a name."""
    return {w[:5] for t in texts for w in re.findall(r"[^\W_]+", normalise_text(t)) if len(w) >= 4}


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _waves(waves: list[int]) -> str:
    """'wave 3', 'waves 2-4' (a run), 'waves 1, 3 and 4'."""
    if len(waves) == 1:
        return f"wave {waves[0]}"
    if len(waves) > 2 and waves[-1] - waves[0] == len(waves) - 1:
        return f"waves {waves[0]}-{waves[-1]}"
    return "waves " + _listed([str(w) for w in waves])


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def interim_basis(baseline: float | None, target: float | None, waves: list[int]) -> str:
    """How a KPI's interim targets are set, or why it has none: no baseline, no target, or nothing planned
    moves it. `waves`: the waves in which initiatives that move it finish, in order."""
    why = [what for what, missing in (("no baseline", _missing(baseline)), ("no target", _missing(target)),
                                      ("no initiative in the roadmap moves it", not waves)) if missing]
    if why:
        return "no interim targets: " + _listed(why)
    return f"interpolated from baseline to target along {_waves(waves)}, in which initiatives that move it finish"


def interim_targets(scorecard: pd.DataFrame, plan: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    """What each scorecard KPI should show at the end of each wave in which an initiative that moves it finishes:
    a straight line from its baseline to its target in equal steps over those waves, so the last of them reaches
    the target. One row per KPI and such wave; KPIs without baseline, target or a planned initiative that moves
    them have no rows (the scorecard's `interim` column says why).

    `scorecard`: from `scorecard_table`; `plan`: the roadmap's plan (wave, completes_in_wave, initiative, title,
    kpis); `waves`: the roadmap's waves (wave, end)."""
    ends = dict(zip(waves["wave"], waves["end"])) if len(waves) else {}
    moved = planned_movers(plan)
    rows = []
    for k in scorecard.itertuples(index=False):
        if not k.in_scorecard or _missing(k.baseline) or _missing(k.target):
            continue
        finish = sorted({w for _, w, _, _ in moved.get(k.kpi, [])})
        if not finish:
            continue
        basis = interim_basis(k.baseline, k.target, finish)
        baseline, target = float(k.baseline), float(k.target)
        for step, wave in enumerate(finish, start=1):
            value = target if step == len(finish) else baseline + (target - baseline) * step / len(finish)
            rows.append(dict(kpi=k.kpi, name=k.name, unit=k.unit, better_when=k.better_when, baseline=baseline,
                             target=target, wave=wave, wave_end=ends.get(wave), interim_target=value, basis=basis))
    return pd.DataFrame(rows, columns=INTERIM_COLUMNS)
