"""The deck a consultant presents to the leadership team: deck.pptx, 16:9, made with python-pptx.

Real titles, text and tables (the consultant edits them before the meeting), charts as PNG images sized
for the slide. The content is the report's executive summary (workbench/reports/summary.py): key
messages, the target profile, the current state (radar, and each role group's view as a coloured table), the gaps to close first and why, the roadmap on one page,
the scorecard, the decisions asked, and the method. Every text box is checked against a length budget
while the slide is built (`fits`), and a long list is cut with "and N more" rather than overflowing.
"""
from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from assessment import findings
from assessment.findings import fmt_score
from roadmaps import messages as m
from workbench import atomic
from workbench.planning import Planning
from workbench.reports import charts, wording
from workbench.reports.summary import Summary, executive_summary

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in: 16:9
BLUE = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x55, 0x55, 0x55)
WHITE, BLACK = RGBColor(0xFF, 0xFF, 0xFF), RGBColor(0, 0, 0)
TITLE_ONLY = 5  # the default template's "Title Only" layout: a real title placeholder, nothing else
BODY_PT, TABLE_PT = 18, 12
CHAR_EM = 0.55  # average character width of the body font, in ems: the length budget's measure
LEFT, TOP, BODY_W, BODY_H = Inches(0.6), Inches(1.45), Inches(12.1), Inches(5.6)


def lines_needed(text: str, width: Emu, size_pt: float) -> int:
    """How many lines `text` takes in a box `width` wide at `size_pt` (a budget, not a typesetter)."""
    per_line = max(1, int(Emu(width).pt / (size_pt * CHAR_EM)))
    return sum(max(1, math.ceil(len(par) / per_line)) for par in text.split("\n"))


def fits(text: str, width: Emu, height: Emu, size_pt: float, spacing: float = 1.25) -> bool:
    """True when `text` at `size_pt` fits a box of `width` x `height` by the length budget."""
    return lines_needed(text, width, size_pt) * size_pt * spacing <= Emu(height).pt


def _slide(prs, title: str):
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    slide.shapes.title.text = title
    t = slide.shapes.title
    t.left, t.top, t.width, t.height = LEFT, Inches(0.35), BODY_W, Inches(0.9)
    for p in t.text_frame.paragraphs:
        for r in p.runs:
            r.font.size, r.font.bold, r.font.color.rgb = Pt(30), True, BLUE
    return slide


def _bullets(slide, items: list[str], size: int = BODY_PT, top=TOP, height=BODY_H, numbered: bool = False) -> None:
    """Bullet points in a text box; items that would not fit are replaced by 'and N more'."""
    shown = list(items)
    text = lambda xs: "\n".join(f"{i}. {x}" if numbered else f"• {x}" for i, x in enumerate(xs, 1))  # noqa: E731
    while shown and not fits(text(shown), BODY_W, height, size):
        shown = shown[:-1]
    if len(shown) < len(items):
        shown.append(f"and {len(items) - len(shown)} more (see the report)")
    box = slide.shapes.add_textbox(LEFT, top, BODY_W, height)
    box.text_frame.word_wrap = True
    for i, line in enumerate(text(shown).split("\n")):
        par = box.text_frame.paragraphs[0] if i == 0 else box.text_frame.add_paragraph()
        par.text = line
        par.space_after = Pt(8)
        for r in par.runs:
            r.font.size = Pt(size)


def _table(slide, header: list[str], rows: list[list[str]], widths: list[float], size: int = TABLE_PT,
           top=TOP, height=BODY_H):
    """A real table; rows that would not fit the slide's height are cut with a last 'and N more' row."""
    line = size * 1.3
    row_pt = lambda row: max(lines_needed(str(c), Inches(w), size) for c, w in zip(row, widths)) * line + 6  # noqa: E731
    budget = Emu(height).pt - line * 1.6  # less the header row
    kept, used = [], 0.0
    for k, row in enumerate(rows):
        reserve = 0.0 if k == len(rows) - 1 else line + 6  # room for an "and N more" row
        if used + row_pt(row) + reserve > budget:
            break
        kept.append(row)
        used += row_pt(row)
    if len(kept) < len(rows):
        kept.append([f"and {len(rows) - len(kept)} more (see the report)"] + [""] * (len(header) - 1))
        used += line + 6
    shape = slide.shapes.add_table(len(kept) + 1, len(header), LEFT, top, Inches(sum(widths)),
                                   Pt(line * 1.6 + used))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    for i, row in enumerate([header] + kept):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = str(value)
            for par in cell.text_frame.paragraphs:
                for r in par.runs:
                    r.font.size, r.font.bold = Pt(size), i == 0
    return table


def _heatmap(prs, p: Planning, tier: str) -> None:
    """Each role group's mean per dimension beside everyone's and the target, as a table whose cells carry the
    report heatmap's colours (orange below the target, blue at or above). Groups under the anonymity threshold
    are left out; no slide when fewer than two groups remain."""
    a, roles = p.assessment, p.engagement.roles
    groups = findings.role_groups(a, roles)
    heat = findings.role_heatmap(a, roles, p.targets)
    shown = groups[~groups["small_group"].astype(bool) & groups["role"].isin(heat.columns)]
    if len(shown) < 2:
        return
    cols = list(shown["role"]) + ["all"]
    scores, target = heat[cols].to_numpy(dtype=float), heat["target"].to_numpy(dtype=float)
    header = [tier] + [f"{r.name} (n={r.respondents})" for r in shown.itertuples(index=False)]
    header += [f"All (n={int(groups['respondents'].sum())})", "Target"]
    rows = [[name] + [_score(x) for x in row] + ["-" if pd.isna(t) else f"{t:g}"]
            for name, row, t in zip(heat["name"], scores, target)]
    slide = _slide(prs, "How each role group sees it")
    group_w = min(1.9, (12.1 - 4.2 - 1.1) / len(cols))  # the table within the slide's body width
    table = _table(slide, header, rows, [4.2] + [group_w] * len(cols) + [1.1], size=12, height=Inches(5.0))
    colours = charts.heat_colours(scores, target, p.engagement.model.levels)
    for i in range(min(len(rows), len(table.rows) - 1)):
        for j in range(len(cols)):
            cell, (r, g, b, _) = table.cell(i + 1, j + 1), colours[i, j]
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor(round(r * 255), round(g * 255), round(b * 255))
            for par in cell.text_frame.paragraphs:
                for run in par.runs:
                    run.font.color.rgb = WHITE if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else BLACK
    small = groups[groups["small_group"].astype(bool)]
    note = "Orange: below the target; blue: at or above it (darker: further from it)."
    if len(small):
        note += " Left out, too few people to show apart: " + ", ".join(small["name"]) + "."
    box = slide.shapes.add_textbox(LEFT, Inches(6.6), BODY_W, Inches(0.5))
    box.text_frame.word_wrap = True
    box.text_frame.text = note
    for run in box.text_frame.paragraphs[0].runs:
        run.font.size, run.font.color.rgb = Pt(12), GREY


def _picture(slide, fig, left=LEFT, top=TOP, height=BODY_H) -> None:
    buf = io.BytesIO()
    # 130 dpi is the projected size's pixels (5.8 in on a 7.5 in slide at 1080p); laid out to fit, so no tight
    # crop (an extra draw); quick compression: the PNG's bytes are not what costs, the time is
    fig.savefig(buf, format="png", dpi=130, pil_kwargs={"compress_level": 1})
    buf.seek(0)
    slide.shapes.add_picture(buf, left, top, height=height)


def _score(x) -> str:
    return "-" if x is None or pd.isna(x) else fmt_score(x, 1)


def build_deck(p: Planning, report_date: dt.date, s: Summary | None = None, review=None) -> Presentation:
    """The deck; with `review` (the engagement's progress review, two or more rounds) the steering group's slides
    come before the decisions: each initiative against the plan, the KPIs over time, what changed in the plan."""
    s = s or executive_summary(p, report_date)
    cfg, model = p.engagement.config, p.engagement.model
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = cfg.name
    title.placeholders[1].text = f"{model.name}: assessment and roadmap\n{report_date:%-d %B %Y}" + (
        f" · {cfg.consultant}" if cfg.consultant else "")
    for shape, top, height in ((title.shapes.title, Inches(2.2), Inches(1.5)), (title.placeholders[1], Inches(3.9),
                                                                                 Inches(1.6))):
        shape.left, shape.top, shape.width, shape.height = LEFT, top, BODY_W, height
    for r in title.shapes.title.text_frame.paragraphs[0].runs:
        r.font.color.rgb, r.font.bold = BLUE, True

    _bullets(_slide(prs, "Key messages"), s.messages, size=20)

    dims = p.dimensions
    tier = next(t for t in model.tiers if t.id == model.dimension_tier).name
    said = wording.words(model)
    keep = [0, 1, 2, 3, 4] if said.layers else [0, 2, 3, 4]  # a layer column only for a model with a driver tree
    rows = [[tier, "Layer", "Today", "Level", "Target"]] + [
        [d["name"], d["layer"], d["today"] or "-", d["level"], d["target"]] for d in s.profile]
    widths = [4.6 if said.layers else 6.0, 1.4, 1.3, 2.2, 2.6]
    _table(_slide(prs, f"Where each {said.dimension} stands and its target"), [rows[0][i] for i in keep],
           [[r[i] for i in keep] for r in rows[1:]], [widths[i] for i in keep], size=14)

    slide = _slide(prs, "The current state")
    _picture(slide, charts.radar(list(dims["name"]), list(dims["current"]), list(dims["target"]), model.levels),
             height=Inches(5.8))
    finding = next((x for x in s.messages[1:2] if s.finding), "")
    if finding:
        box = slide.shapes.add_textbox(Inches(7.6), Inches(1.8), Inches(5.1), Inches(4.5))
        box.text_frame.word_wrap = True
        box.text_frame.text = finding
        for r in box.text_frame.paragraphs[0].runs:
            r.font.size, r.font.color.rgb = Pt(18), GREY

    _heatmap(prs, p, tier)
    if p.customers is not None:
        _customers(prs, p)

    top = p.gaps[p.gaps["priority"] > 0].head(5)
    _table(_slide(prs, "The gaps to close first"), ["#", tier, "Today", "Target", "Why it comes first"],
           [[int(g.rank), g.name, _score(g.current), f"{int(g.target)} {g.target_name}",
             m.why_first(top.loc[[i]]) or "-"] for i, g in zip(top.index, top.itertuples())],
           [0.5, 3.6, 1.1, 2.0, 4.9], size=14)

    _table(_slide(prs, "The roadmap on one page"), ["Wave", "Initiatives", "Levels reached", "Owners"],
           [[f"{w['wave']}\n{w['dates']}", "; ".join(w["initiatives"]), ", ".join(w["reached"]) or "-",
             ", ".join(w["owners"]) or "-"] for w in s.waves], [1.4, 5.6, 3.0, 2.1], size=10)

    if s.scorecard:
        _table(_slide(prs, "The scorecard: how arrival will be measured"),
               ["KPI", "Baseline", "On the way (end of wave)", "Target", "Better when", "Owner", "Due"],
               [[k["name"], _value(k["baseline"], k["unit"]), k["on_the_way"] or "-", _value(k["target"], k["unit"]),
                 k["better"] or "-", k["owner"] or "-", str(k["due"] or "-")] for k in s.scorecard],
               [2.9, 1.2, 2.8, 1.2, 1.4, 1.7, 1.1], size=12)

    if review is not None:
        _review_slides(prs, review)

    _bullets(_slide(prs, "Decisions asked of the leadership team"), s.decisions, size=20, numbered=True)

    _bullets(_slide(prs, "Appendix: how the figures were computed"), [
        f"Model: {model.name}, version {model.version}; {len(p.assessment.respondents)} respondents.",
        *model.describe_aggregation()[:3],
        "Gap = target level minus today's score; the priority weighs the gap, importance, foundations first, "
        "disagreement between leaders and the front line" + (", and the roots and trunk customers rate below "
                                                             "acceptable." if p.customers is not None else "."),
        f"The roadmap: {p.roadmap.settings.waves} waves of {p.roadmap.settings.wave_weeks} weeks with "
        f"{p.roadmap.settings.capacity:g} person-weeks each; one level at a time per {said.dimension}; prerequisites "
        "first.",
    ], size=14)
    return prs


def _customers(prs, p: Planning) -> None:
    """In the customers' eyes: the driver tree as customers rate it, and the roots below the acceptable level
    (else the drivers furthest below it), sized to the box by the length budget."""
    from workbench.reports import customer_charts, customer_text

    c = p.customers
    slide = _slide(prs, "In the customers' eyes")
    _picture(slide, customer_charts.driver_tree(c.drivers, c.acceptable), height=Inches(4.9))
    h = c.headline
    lines = [f"{h['customers']} customers, {pd.Timestamp(h['first']):%-d %b} to {pd.Timestamp(h['last']):%-d %b %Y}"]
    weak = customer_text.weak_roots(c)
    if weak:
        lines += ["Roots below the acceptable level: fix first"] + weak[:3]
    else:
        low = c.drivers[c.drivers["below"]].sort_values("performance").head(3)
        lines += [f"Every root holds. Lowest: {r.name} {r.performance:.1f}" for r in low.itertuples(index=False)]
    lines += customer_text.disagreements(c)[:1]
    width, height = Inches(4.1), Inches(4.9)
    size = next((pt for pt in (16, 14, 12, 11) if fits("\n".join(lines), width, height, pt)), 10)
    _lines_box(slide, lines, Inches(8.7), TOP, width, height, size,
               lambda i: (BLUE if i in (0, 1) and weak or i == 0 else GREY, i == 1 and bool(weak)))


def _lines_box(slide, lines: list[str], left, top, width, height, size: float, style) -> None:
    """A text box with one paragraph per line at `size` pt; `style(i)` gives line i's colour and whether it is
    bold (None: as the template has it)."""
    box = slide.shapes.add_textbox(left, top, width, height)
    box.text_frame.word_wrap = True
    for i, line in enumerate(lines):
        para = box.text_frame.paragraphs[0] if i == 0 else box.text_frame.add_paragraph()
        para.text = line
        para.space_after = Pt(6)
        colour, bold = style(i)
        for r in para.runs:
            r.font.size, r.font.color.rgb = Pt(size), colour
            if bold is not None:
                r.font.bold = bold


REVIEW_TITLES = ("Steering group: the initiatives against the plan", "Steering group: the KPIs over time",
                 "Steering group: what changed, and why")


def _review_slides(prs, review) -> None:
    """The progress review as a steering group runs it (reports/steering.py gives the words): the initiatives
    that need its attention first, coloured red, amber, green or grey; the KPIs over time with the notes; what
    changed against the plan of record and why."""
    from workbench.reports import steering
    from workbench.reports.views import RAG_COLOURS

    table = steering.delivery_table(review)
    order = {st: k for k, st in enumerate(steering.STATE_ORDER)}
    attention = table[table["state"] != "done"].sort_values("state", key=lambda c: c.map(order), kind="stable")
    slide = _slide(prs, REVIEW_TITLES[0])
    lead = steering.delivery_sentence(review) + (" " + steering.status_missing(review) if not review.status_recorded
                                                 else "")
    _text(slide, lead, TOP, size=14)
    rows = [[r.title, r.when, f"\u25cf {r.said}", r.note or ""] for r in attention.itertuples(index=False)]
    if rows:
        # the length budget counts characters; words wrap in narrow columns, so it is given less than the room
        shown = _table(slide, ["Initiative", "Planned", f"On {steering.day(review.as_of)}", "Note"], rows,
                       [4.5, 2.6, 2.4, 2.6], size=11, top=Inches(2.4), height=Inches(4.4))
        for i, r in enumerate(attention["rag"].iloc[:len(shown.rows) - 1]):
            dot, ground = RAG_COLOURS.get(r, RAG_COLOURS["grey"])
            cell = shown.cell(i + 1, 2)
            if not cell.text.startswith("\u25cf"):
                continue  # the "and N more" row
            cell.fill.solid()
            cell.fill.fore_color.rgb = RGBColor.from_string(ground[1:])
            par = cell.text_frame.paragraphs[0]
            run, word = par.runs[0], par.runs[0].text[1:]
            run.text, run.font.color.rgb = "\u25cf", RGBColor.from_string(dot[1:])  # the dot in the colour
            rest = par.add_run()
            rest.text, rest.font.size, rest.font.color.rgb = word, Pt(11), BLACK

    slide = _slide(prs, REVIEW_TITLES[1])
    if review.kpis.empty:
        _text(slide, "The scorecard has no KPIs.", TOP, size=18)
    else:
        from workbench.reports import charts

        fig = charts.lay_out(charts.kpi_trend_chart(steering.kpi_series(review), review.kpis, review.interim,
                                                    review.baseline.roadmap.settings.start, review.as_of))
        _picture(slide, fig, height=Inches(5.3))
        right = LEFT + Inches(5.3 * fig.get_figwidth() / fig.get_figheight()) + Inches(0.2)
        notes = steering.kpi_notes(review)
        lines = [steering.kpi_sentence(review)] + [f"{n.mark}. {n.name}, {n.date}: {n.note}"
                                                   for n in notes.itertuples(index=False)]
        _fitted(slide, lines, right, TOP, LEFT + BODY_W - right, Inches(5.3))

    slide = _slide(prs, REVIEW_TITLES[2])
    _text(slide, steering.changes_sentence(review) + " " + steering.replan_sentence(review).split(". ")[0] + ".",
          TOP, size=14)
    first = ("does not fit", "dropped", "added", "removed", "moved later", "moved earlier")  # the decisions first
    changes = steering.changes_table(review, keep_unchanged=False, keep_done=False)
    changes = changes.sort_values("change", key=lambda c: c.map({k: i for i, k in enumerate(first)}), kind="stable")
    _table(slide, ["Initiative", "Change", "Plan of record", "From the review day", "Why"],
           [[c.title, c.change, c.was or "-", c.now or "-", c.reason] for c in changes.itertuples(index=False)],
           [3.3, 1.3, 2.0, 2.0, 3.5], size=10, top=Inches(2.4), height=Inches(4.5))


def _text(slide, text: str, top, size: int = 14, height=Inches(0.9)) -> None:
    """A grey lead-in under the title, in the largest size down to 11 pt that fits its box."""
    size = next((pt for pt in range(size, 10, -1) if fits(text, BODY_W, height, pt)), 10)
    box = slide.shapes.add_textbox(LEFT, top, BODY_W, height)
    box.text_frame.word_wrap = True
    box.text_frame.text = text
    for r in box.text_frame.paragraphs[0].runs:
        r.font.size, r.font.color.rgb = Pt(size), GREY


def _fitted(slide, lines: list[str], left, top, width, height) -> None:
    """Lines in a box at the largest size from 14 pt down that fits; lines that do not fit at 10 pt are cut with
    'and N more (see the report)'."""
    shown = list(lines)
    size = next((pt for pt in (14, 13, 12, 11, 10) if fits("\n".join(shown), width, height, pt)), 10)
    while len(shown) > 1 and not fits("\n".join(shown), width, height, size):
        shown = shown[:-1]
    if len(shown) < len(lines):
        shown[-1:] = [shown[-1], f"and {len(lines) - len(shown)} more (see the report)"]
        while len(shown) > 2 and not fits("\n".join(shown), width, height, size):
            shown = shown[:-2] + [f"and {len(lines) - len(shown) + 2} more (see the report)"]
    _lines_box(slide, shown, left, top, width, height, size, lambda i: (BLUE if i == 0 else GREY, None))


def _value(x, unit: str) -> str:
    return "-" if x is None or pd.isna(x) else f"{x:g} {unit}".strip()


def write_deck(p: Planning, target: Path, report_date: dt.date, s: Summary | None = None, review=None) -> Path:
    """deck.pptx written atomically (with the steering group's slides when `review` is given)."""
    prs = build_deck(p, report_date, s, review)
    with atomic.atomic_path(Path(target)) as tmp:
        prs.save(str(tmp))
    return Path(target)
