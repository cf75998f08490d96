"""The planning's tables as a client's leadership team reads them in parts 1 and 3 of the report: names for ids,
one rounding rule per kind of figure, only the columns that fit an A4 page, and long lists said in one line.

The tables of `roadmaps/` keep their ids (the workbook, the store and the workshop need them); these functions
make the reading copies. Rounding: maturity scores and gaps to 1 decimal, shares as whole percents, effort in
person-weeks to the half week.
"""
from __future__ import annotations

import re
import textwrap

import pandas as pd

from assessment.findings import fmt_score
from assessment.model import MaturityModel
from roadmaps.gaps import PriorityWeights
from roadmaps.vision import Vision
from workbench.engagement.folder import Engagement
from workbench.planning import Planning

COMPONENTS = (("gap", "gap size"), ("importance", "importance"), ("foundation", "foundation"),
              ("disagreement", "disagreement"))
CONFIG_HINT = re.compile(r"\s*\([^()]*(?:client\.yaml|\b[a-z_]+:)[^()]*\)")  # "(definition:)", "(set ... in client.yaml)"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
DECIMALS = re.compile(r"(?<![\w.])\d+\.\d{2,}")
MOVERS_SHOWN = 2  # initiatives named per KPI; the rest are counted
NBSP = "\u00a0"  # keeps "level 2 → 3" and "14 hours" on one line in a narrow column


# ------------------------------------------------------------------------------------------ figures and names

def half(x) -> float:
    """Effort in person-weeks to the half week: 4, 2.5."""
    return round(float(x) * 2) / 2


def figure(value, unit: str = "") -> str:
    """A KPI value with its unit: '71%', '14 hours', '62'; '?' when missing."""
    if value is None or pd.isna(value):
        return "?"
    unit = (unit or "").strip()
    return f"{value:g}%" if unit == "%" else f"{value:g}{NBSP}{unit}".strip()


def change(baseline, target, unit: str = "") -> str:
    """'71% → 85%'; 'not measured → 85%' without a baseline."""
    start = "not measured" if baseline is None or pd.isna(baseline) else figure(baseline, unit)
    return f"{start} → {figure(target, unit)}"


def dimension_names(model: MaturityModel) -> dict[str, str]:
    return {d.id: d.name for d in model.dimensions}


def initiative_titles(engagement: Engagement) -> dict[str, str]:
    """Initiative id -> title, of the catalogue and of the client's own additions."""
    cat = engagement.catalogue.initiatives if engagement.catalogue is not None else []
    return {i.id: i.title for i in [*cat, *engagement.config.roadmap.add_initiatives]}


def lifts(steps: str, names: dict[str, str]) -> str:
    """The plan's 'people-development 2->3; delivery-enablers 1->2' as 'People development: level 2 → 3; ...'."""
    out = []
    for step in filter(None, (s.strip() for s in str(steps).split(";"))):
        dim, _, levels = step.rpartition(" ")
        a, _, b = levels.partition("->")
        out.append(f"{names.get(dim, dim)}: level{NBSP}{a}{NBSP}→{NBSP}{b}" if dim else step)
    return "; ".join(out)


def named(text: str, names: dict[str, str]) -> str:
    """Free text from the planner with every id in `names` replaced by its name, and '->' as an arrow."""
    if names:
        ids = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
                         + r")(?![\w-])")
        text = ids.sub(lambda m: names[m.group(1)], text)
    return text.replace("->", "→")


def one_decimal(text: str) -> str:
    """Scores and gaps in a sentence to 1 decimal, as in the tables: '2.05 below' -> '2.0 below'."""
    return DECIMALS.sub(lambda m: f"{float(m.group()):.1f}", text)


def listed(items: list[str]) -> str:
    items = [str(x) for x in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}" if items else ""


# ------------------------------------------------------------------------------------------ part 1

LAYER_TITLES = {"roots": "Roots: the basics customers expect every time",
                "trunk": "Trunk: the competence customers rely on",
                "crown": "Crown: the relationship that earns loyalty"}


def target_table(targets: pd.DataFrame) -> pd.DataFrame:
    """Per dimension: the target as '4 Measured' and what that level looks like, followed by the team's reason
    where it gave one (who set which target is said once, by `target_note`); roots first, then trunk, then crown
    (`layer`, "" for a model without layers), in the model's order within each."""
    looks = [" ".join(filter(None, [r.target_descriptor if isinstance(r.target_descriptor, str) else "",
                                    f"Why this target: {_sentence(r.rationale)}" if r.rationale else ""]))
             for r in targets.itertuples(index=False)]
    t = targets.assign(target_level=[f"{t} {n}" for t, n in zip(targets["target"], targets["target_name"])],
                       looks_like=looks, layer=targets["layer"].fillna(""))
    order = t["layer"].map({k: i for i, k in enumerate(LAYER_TITLES)}).fillna(len(LAYER_TITLES))
    return t.iloc[order.argsort(kind="stable")]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else f"{text}."


def target_note(targets: pd.DataFrame) -> str:
    """Why the targets are grouped by layer (a model with layers), and who set the targets: the leadership team, or the
    model's suggestion standing until the team decides."""
    mine = list(targets.loc[targets["source"] == "client", "name"])
    fallback = list(targets.loc[targets["source"] == "default", "name"])
    if len(mine) == len(targets):
        said = f"The leadership team set all {len(mine)} targets."
    elif mine:
        said = (f"The leadership team set the targets for {listed(mine)}; the others are the level the maturity "
                "model suggests, until the team decides them.")
    else:
        said = "The targets are the levels the maturity model suggests, until the leadership team decides them."
    if fallback:
        said += (f" The model suggests no level for {listed(fallback)}: "
                 + ("its target is" if len(fallback) == 1 else "their targets are") + " one level below the top.")
    return " ".join(filter(None, [_layer_note(targets), said]))


def _layer_note(targets: pd.DataFrame) -> str:
    """Why the targets are grouped by layer, for a model whose dimensions have layers; "" otherwise."""
    if not targets["layer"].isin(list(LAYER_TITLES)).any():
        return ""
    return ("The targets are grouped by layer of the customer driver tree: loyalty grows only where the roots and the "
            "trunk are solid, so the roadmap builds the roots first.")


def scorecard_table(vision: Vision, model: MaturityModel) -> pd.DataFrame:
    """The scorecard as part 1 shows it: KPI, what is measured (and from where), baseline to target, due, owner,
    the dimensions it shows progress in, by name."""
    names = dimension_names(model)
    rows = [{"name": k.name,
             "measured": "; ".join(filter(None, [k.definition, f"source: {k.source}" if k.source else ""])),
             "change": change(k.baseline, k.target, k.unit), "due": k.due, "owner": k.owner,
             "dimensions": ", ".join(names.get(d, d) for d in k.dimensions)}
            for k in vision.scorecard]
    return pd.DataFrame(rows, columns=["name", "measured", "change", "due", "owner", "dimensions"])


def warning_lines(warnings: list[str]) -> list[str]:
    """One line per problem: the first sentence of each warning, without the hints on which setting to change
    (the roadmap workbook keeps the other sentences: `warning_text`); repeats dropped."""
    lines = [one_decimal(CONFIG_HINT.sub("", SENTENCE_END.split(w.strip(), maxsplit=1)[0]))
             for w in warnings if w.strip()]
    return list(dict.fromkeys(lines))


# ------------------------------------------------------------------------------------------ part 3

def weights_sentence(w: PriorityWeights, foundations: bool = True, customers: bool = False) -> str:
    """The priority weights as shares of the whole: what counts how much; `foundations=False` (a model that
    marks no foundation) says that part weighs the same for every gap; `customers` (the client has customer
    answers) adds the customers' part, which is otherwise 0 for every gap and left out."""
    parts = COMPONENTS + ((("customers", "customers' ratings"),) if customers else ())
    values = [getattr(w, k) for k, _ in parts]
    total = sum(values)
    if not total:
        return "No component carries any weight, so every gap ranks the same."
    shares = [f"{what} {v / total:.0%}" for (_, what), v in zip(parts, values)]
    note = "" if foundations or not w.foundation else (
        " The model marks no foundation, so that part is the same for every gap.")
    return f"Weights: {listed(shares)}.{note}"


def gap_table(gaps: pd.DataFrame) -> pd.DataFrame:
    """The open gaps, ranked: dimension, today's score (1 decimal), target level, the gap between the two as
    shown (so the columns add up), and in a few words why it ranks here besides its size."""
    g = gaps[gaps["priority"] > 0]
    today = g["current"].map(lambda x: float(fmt_score(x, 1)))  # as every score in the report: never up to a level
    return g.assign(current=today, gap=g["target"] - today, why=[_why(r) for r in g.itertuples(index=False)])


def _why(r) -> str:
    """'roots; leaders see it 0.7 higher: align first': the components of the priority other than the gap, as
    roadmaps/gaps.py says them, short enough for one line of the table (the text above it explains the layers)."""
    parts = [r.layer if isinstance(r.layer, str) else ""]
    if pd.notna(r.importance):
        parts.append(f"importance {r.importance:.0%}")
    if r.c_disagreement >= 0.5:  # half a level or more apart: the threshold of the ranking's own reason
        who = "leaders see it" if r.role_gap > 0 else "the front line sees it"
        parts.append(f"{who} {abs(r.role_gap):.1f} higher: align first")
    if getattr(r, "c_customers", 0) > 0:
        parts.append(f"customers rate ‘{r.customer_driver}’ {r.customer_rating:.1f} of 5")
    return "; ".join(filter(None, parts)) or "the size of the gap"


def gaps_closed(gaps: pd.DataFrame) -> str:
    """One line on the dimensions that are not in the ranking: at or above target, or without a score."""
    at = gaps[(gaps["priority"] <= 0) & gaps["current"].notna()]
    none = gaps[gaps["current"].isna()]
    said = []
    if len(at):
        said.append("Already at or above target: "
                    + listed([f"{r.name} ({fmt_score(r.current, 1)}, target {r.target})" for r in at.itertuples()]) + ".")
    if len(none):
        said.append("Without a score, so without a gap to rank: " + listed(list(none["name"])) + ".")
    return " ".join(said)


def roadmap_sentence(p: Planning) -> str:
    """The roadmap's shape in one sentence: initiatives, waves, capacity, effort."""
    s, plan = p.roadmap.settings, p.roadmap.plan
    frame = (f"{s.waves} waves of {s.wave_weeks} weeks from {pd.Timestamp(s.start):%-d %B %Y}, each with "
             f"{half(s.capacity):g} person-weeks of capacity")
    if p.engagement.catalogue is None:
        return ("The maturity model has no initiative catalogue, so no initiative is planned: the ranked gaps above "
                "are where to start choosing them.")
    if not len(plan):
        return f"No initiative fits the {frame}: what could not be scheduled, and why, is listed below the backlog."
    quick = int(plan["quick_win"].sum())
    return (f"{len(plan)} initiatives, {half(plan['effort'].sum()):g} person-weeks in all, over {frame}"
            + (f"; {quick} of them are quick wins (orange)." if quick else "."))


def backlog(p: Planning) -> pd.DataFrame:
    """The plan as the client reads it: wave, initiative title (quick wins marked), what it lifts by name,
    effort in person-weeks to the half week, owner."""
    plan, names = p.roadmap.plan, dimension_names(p.engagement.model)
    return pd.DataFrame({
        "wave": plan["wave"].astype(int),
        "title": [t + (" (quick win)" if q else "") for t, q in zip(plan["title"], plan["quick_win"])],
        "lifts": [lifts(x, names) for x in plan["dimensions"]],
        "effort": [half(x) for x in plan["effort"]],
        "owner": plan["owner"]}, columns=["wave", "title", "lifts", "effort", "owner"])


def wave_titles(p: Planning) -> dict[int, str]:
    """Wave number -> 'Wave 1: 4 January to 4 April 2027', the title of its part of the backlog."""
    return {int(w.wave): f"Wave {w.wave}: {_day(w.start, w.end)} to {pd.Timestamp(w.end):%-d %B %Y}"
            for w in p.roadmap.waves.itertuples(index=False)}


def _day(start, end) -> str:
    """The first day of a span, with its year only when the span ends in another year."""
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    return f"{a:%-d %B}" if a.year == b.year else f"{a:%-d %B %Y}"


def left_out(p: Planning) -> pd.DataFrame:
    """What could not be scheduled and why, by name; the initiatives merely not needed are said by `not_needed`."""
    u = p.roadmap.unscheduled
    u = u[u["kind"] != "covered"]
    dims = dimension_names(p.engagement.model)
    names = {**initiative_titles(p.engagement), **dims}
    item = [lifts(r.item, dims) if r.kind == "gap" else names.get(r.item, r.item) for r in u.itertuples()]
    return pd.DataFrame({"item": item, "reason": [one_decimal(named(r, names)) for r in u["reason"]]},
                        columns=["item", "reason"])


def not_needed(p: Planning) -> str:
    """One line for the catalogue initiatives left out because the plan already lifts what they would."""
    u = p.roadmap.unscheduled
    covered = u[u["kind"] == "covered"]["item"]
    if not len(covered):
        return ""
    titles = initiative_titles(p.engagement)
    return ("Not needed, because the plan's initiatives already lift the same levels: "
            + "; ".join(titles.get(i, i) for i in covered) + ".")


def kpi_links(p: Planning) -> pd.DataFrame:
    """Per scorecard KPI: baseline to target, the wave in which work that moves it starts, and the initiatives
    that move it (the first few by title, the rest counted)."""
    movers: dict[str, list[str]] = {}
    for r in p.roadmap.plan.itertuples(index=False):
        named_kpis = r.kpis.split(",") if isinstance(r.kpis, str) else r.kpis
        for k in dict.fromkeys(x.strip() for x in named_kpis if x.strip()):
            movers.setdefault(k, []).append(r.title)
    sc = p.scorecard[p.scorecard["in_scorecard"].astype(bool)]

    def moved_by(kpi: str) -> str:
        titles = movers.get(kpi, [])
        if not titles:
            return "nothing planned moves it"
        shown = "; ".join(textwrap.shorten(t, 50, placeholder="…") for t in titles[:MOVERS_SHOWN])
        more = len(titles) - MOVERS_SHOWN
        return shown + (f"; and {more} more" if more > 0 else "")

    return pd.DataFrame({
        "name": sc["name"], "change": [change(b, t, u) for b, t, u in zip(sc["baseline"], sc["target"], sc["unit"])],
        "first_wave": sc["first_wave"], "moved_by": [moved_by(k) for k in sc["kpi"]]},
        columns=["name", "change", "first_wave", "moved_by"])


def suggested_kpis(p: Planning) -> str:
    """One line naming the KPIs the roadmap moves that the scorecard does not track."""
    sc = p.scorecard[~p.scorecard["in_scorecard"].astype(bool)]
    if not len(sc):
        return ""
    return f"The roadmap also moves KPIs the scorecard does not track: {listed(sorted(sc['name']))}."


# ------------------------------------------------------------------------------------------ the roadmap workbook

UNSCHEDULED_KINDS = {"covered": "Not needed", "initiative": "Initiative", "gap": "Step", "dimension": "Dimension"}


def id_names(p: Planning) -> dict[str, str]:
    """Every id a planner's text may hold -> its name: initiatives, dimensions, KPIs and the model."""
    model = p.engagement.model
    return {model.id: model.name, **p.kpi_names, **initiative_titles(p.engagement), **dimension_names(model)}


def _titles(ids: str, titles: dict[str, str]) -> str:
    """'a, b' (initiative ids) as 'Title A; Title B': titles may hold commas."""
    return "; ".join(titles.get(i, i) for i in (x.strip() for x in ids.split(",")) if i)


def why_planned(why: str, titles: dict[str, str]) -> str:
    """The plan's 'closes a gap; prerequisite of a, b' as 'Closes a gap. Prerequisite of: Title A; Title B.'"""
    said = []
    for part in filter(None, (s.strip() for s in str(why).split("; "))):
        head, sep, ids = part.partition("prerequisite of ")
        part = f"prerequisite of: {_titles(ids, titles)}" if sep and not head else part
        said.append(f"{part[:1].upper()}{part[1:]}.")
    return " ".join(said)


def not_scheduled(p: Planning) -> pd.DataFrame:
    """Everything the plan could not schedule, the initiatives not needed included: what it is (kind), which by
    name (a step as 'Collaboration: level 2 → 3'), the dimensions it concerns and why, names for ids."""
    u = p.roadmap.unscheduled
    dims, titles, names = dimension_names(p.engagement.model), initiative_titles(p.engagement), id_names(p)
    rows = []
    for r in u.itertuples(index=False):
        head, sep, ids = str(r.reason).partition("lifted by ")
        rows.append({
            "kind": UNSCHEDULED_KINDS.get(r.kind, r.kind),
            "item": lifts(r.item, dims) if r.kind == "gap" else names.get(r.item, r.item),
            "dimensions": ", ".join(dims.get(d, d) for d in (x.strip() for x in str(r.dimension).split(",")) if d),
            "reason": f"{head.removeprefix('not needed: ')}{sep}{_titles(ids, titles)}" if r.kind == "covered" and sep
            else one_decimal(named(str(r.reason), names))})
    return pd.DataFrame(rows, columns=["kind", "item", "dimensions", "reason"])


def warning_text(warning: str, names: dict[str, str]) -> str:
    """A warning as the client reads it in the workbook: without the hints on settings, and every sentence after
    the first but those saying what to change in client.yaml; ids as names, scores to 1 decimal."""
    sentences = SENTENCE_END.split(CONFIG_HINT.sub("", warning.strip()))
    kept = sentences[:1] + [s for s in sentences[1:] if "client.yaml" not in s]
    return one_decimal(named(" ".join(kept), names))
