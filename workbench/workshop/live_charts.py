"""Charts for the live workshop panel, drawn directly as small SVG documents.

The reports and notebooks use matplotlib (workbench/reports/charts.py). In a workshop every slider move redraws
the radar, the Gantt chart and the trajectory, and matplotlib's SVG backend needs 30-40 ms per chart and
writes 20-35 kB of SVG that the browser then has to parse. These functions draw the same three views from
the same tables in about a millisecond each, as SVG a few times smaller, so the redrawn charts are on the
wall well within a quarter of a second. Same colours (Okabe-Ito), same content; the layout is simpler.

Pure functions: tables in, SVG text out. Every label is escaped.
"""
from __future__ import annotations

import math
import textwrap
from html import escape

import pandas as pd

from workbench.reports.palette import BLUE, GREY, LEVEL_COLOURS, ORANGE

FONT = "font-family=\"'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif\""
SIZE = 16  # the charts' text size in SVG units; the charts scale with the window (width 100%), so on a
# projector at 1280x720 their text reads at about this size and larger on a wider screen
SMALL = 14
CHAR = 0.6 * SIZE  # the average width of a DejaVu Sans character at SIZE, to size label columns
LEVEL_FILLS = LEVEL_COLOURS


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    """The chart at the width of its place on the page, up to 1.6 times its drawn size."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" '
            f'style="max-width: {1.6 * width:.0f}px; height: auto; display: block" preserveAspectRatio="xMinYMin meet" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}" {FONT} font-size="{SIZE}">'
            f"<title>{escape(title)}</title>"
            f'<text x="{width / 2:.0f}" y="22" text-anchor="middle" font-size="{SIZE + 3}" font-weight="bold">'
            f"{escape(title)}</text>{''.join(body)}</svg>")


def _text(x: float, y: float, s: str, anchor: str = "start", **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(str(s))}</text>'


def radar(names: list[str], current: list, target: list, levels: list) -> str:
    """Current profile against the target, one spoke per dimension (the first at the top, clockwise)."""
    n = len(names)
    lo, hi = levels[0].value, levels[-1].value
    width, height, r = 680, 560, 170
    cx, cy = width / 2, 70 + r + 50
    angle = [2 * math.pi * k / n for k in range(n)]

    def point(k: int, v) -> tuple[float, float]:
        rr = r * (v - lo) / (hi - lo) if hi > lo else r
        return cx + rr * math.sin(angle[k]), cy - rr * math.cos(angle[k])

    body = []
    for lv in levels:  # rings and level numbers
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(k, lv.value) for k in range(n)))
        body.append(f'<polygon points="{ring}" fill="none" stroke="#DDDDDD"/>')
        if lv.value == lo:
            continue  # the centre: a number there sits on the spokes and reads as a stray mark
        x, y = point(0, lv.value)
        body.append(_text(x + 4, y - 2, lv.value, fill=GREY, font_size=SMALL))
    for k, name in enumerate(names):  # spokes and their labels
        x, y = point(k, hi)
        body.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="#DDDDDD"/>')
        s, c = math.sin(angle[k]), math.cos(angle[k])
        lx, ly = cx + (r + 14) * s, cy - (r + 14) * c
        anchor = "middle" if abs(s) < 0.2 else "start" if s > 0 else "end"
        lines = textwrap.wrap(str(name), 16) or [str(name)]
        step = SIZE + 2
        ly += -step * (len(lines) - 1) if c > 0.2 else 0 if c < -0.2 else -step / 2 * (len(lines) - 1)
        ly += 5 if abs(c) <= 0.2 else (0 if c > 0 else SIZE)
        body += [_text(lx, ly + step * i, line, anchor) for i, line in enumerate(lines)]
    for values, colour, dash, fill in ((target, ORANGE, ' stroke-dasharray="6 4"', "none"),
                                       (current, BLUE, "", BLUE)):
        pts = [point(k, v) for k, v in enumerate(values) if v is not None and not pd.isna(v)]
        poly = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        opacity = ' fill-opacity="0.15"' if fill != "none" else ""
        body.append(f'<polygon points="{poly}" fill="{fill}"{opacity} stroke="{colour}" stroke-width="2"{dash}/>')
    for i, (label, colour, dash) in enumerate((("Target", ORANGE, ' stroke-dasharray="6 4"'), ("Current", BLUE, ""))):
        y = 46 + 20 * i
        body.append(f'<line x1="{width - 130}" y1="{y}" x2="{width - 100}" y2="{y}" stroke="{colour}" '
                    f'stroke-width="2"{dash}/>')
        body.append(_text(width - 94, y + 5, label))
    return _svg(width, height, f"Current maturity against the target (levels {lo}-{hi})", body)


def _quarters(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    start = pd.Timestamp(year=first.year, month=3 * ((first.month - 1) // 3) + 1, day=1)
    return [d for d in pd.date_range(start, last, freq="QS") if d >= first]


def gantt(plan: pd.DataFrame, waves: pd.DataFrame) -> str:
    """The roadmap as a Gantt chart: one bar per initiative, waves shaded, quick wins in orange."""
    titles = [textwrap.shorten(str(t), 48, placeholder="...") for t in plan["title"]]
    label_w = 12 + CHAR * max([len(t) for t in titles] + [10])
    plot_w, row = 520, 24
    top = 56
    width, height = label_w + plot_w + 20, top + row * max(len(plan), 1) + 70
    title = "The roadmap, wave by wave"
    if waves.empty:
        return _svg(width, 60, title, [_text(width / 2, 44, "No initiative is planned.", "middle", fill=GREY)])
    t0, t1 = pd.Timestamp(waves["start"].min()), pd.Timestamp(waves["end"].max()) + pd.Timedelta(days=1)
    span = max((t1 - t0).days, 1)

    def x(d) -> float:
        return label_w + plot_w * (pd.Timestamp(d) - t0).days / span

    bottom = top + row * max(len(plan), 1)
    body = []
    for k, w in enumerate(waves.itertuples(index=False)):
        x0, x1 = x(w.start), x(pd.Timestamp(w.end) + pd.Timedelta(days=1))
        if k % 2:
            body.append(f'<rect x="{x0:.1f}" y="{top - 4}" width="{x1 - x0:.1f}" height="{bottom - top + 8}" fill="#F2F2F2"/>')
        wide_enough = x1 - x0 >= 0.6 * SMALL * 8  # "Wave 10" fits; else the number alone, so labels never overlap
        label = f"Wave {w.wave}" if wide_enough else f"{w.wave}"
        body.append(_text((x0 + x1) / 2, top - 8, label, "middle", fill=GREY, font_size=SMALL))
    for i, (r, label) in enumerate(zip(plan.itertuples(index=False), titles)):
        y = top + row * i
        x0, x1 = x(r.start), x(pd.Timestamp(r.end) + pd.Timedelta(days=1))
        body.append(_text(label_w - 8, y + 17, label, "end"))
        body.append(f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1):.1f}" height="16" '
                    f'fill="{ORANGE if r.quick_win else BLUE}"><title>{escape(label)}: {r.start} to {r.end}</title></rect>')
    body.append(f'<line x1="{label_w}" y1="{bottom + 4}" x2="{label_w + plot_w}" y2="{bottom + 4}" stroke="black"/>')
    for q in _quarters(t0, t1):
        body.append(f'<line x1="{x(q):.1f}" y1="{bottom + 4}" x2="{x(q):.1f}" y2="{bottom + 8}" stroke="black"/>')
        body.append(_text(x(q), bottom + 22, q.strftime("%b"), "middle", font_size=SMALL))
        body.append(_text(x(q), bottom + 37, q.strftime("%Y"), "middle", font_size=SMALL))
    ly = bottom + 58
    mid = label_w + plot_w / 2
    for dx, colour, label in ((-120, BLUE, "initiative"), (10, ORANGE, "quick win")):
        body.append(f'<rect x="{mid + dx:.0f}" y="{ly - 11}" width="16" height="12" fill="{colour}"/>')
        body.append(_text(mid + dx + 22, ly, label))
    return _svg(width, height, title, body)


def _level_fill(v: float, lo: int, hi: int) -> str:
    """The level's colour: the first colours of the scale for up to five levels, spread over it beyond."""
    k = min(max(int(round(v)) - lo, 0), hi - lo)
    if hi - lo + 1 > len(LEVEL_FILLS):
        k = round(k * (len(LEVEL_FILLS) - 1) / (hi - lo))
    return LEVEL_FILLS[k]


def trajectory(table: pd.DataFrame, levels: list) -> str:
    """Projected level per dimension after each wave, with the target in the last column."""
    wide = table.pivot_table(index="name", columns="wave", values="level", sort=False)
    target = table.drop_duplicates("name").set_index("name")["target"].reindex(wide.index)
    lo, hi = levels[0].value, levels[-1].value
    columns = ["Today"] + [str(w) for w in wide.columns[1:]] + ["Target"]
    label_w = 12 + CHAR * max([len(str(n)) for n in wide.index] + [8])
    cell_w, cell_h, top = 48, 26, 58
    width = label_w + cell_w * len(columns) + 20
    height = top + cell_h * len(wide) + 36
    body = [_text(label_w + cell_w * j + cell_w / 2, top - 7, c, "middle", font_size=SMALL) for j, c in enumerate(columns)]
    for i, (name, values) in enumerate(zip(wide.index, wide.to_numpy(dtype=float))):
        y = top + cell_h * i
        body.append(_text(label_w - 8, y + 18, name, "end"))
        for j, v in enumerate([*values, float(target.iloc[i])]):
            if math.isnan(v):
                continue
            fill = _level_fill(v, lo, hi)
            dark = v >= lo + (hi - lo) * 0.6
            x0 = label_w + cell_w * j
            body.append(f'<rect x="{x0}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{fill}"/>')
            weight = ' font-weight="bold"' if j == len(columns) - 1 else ""
            body.append(f'<text x="{x0 + cell_w / 2}" y="{y + 18}" text-anchor="middle" fill="{"white" if dark else "black"}"'
                        f"{weight}>{int(v)}</text>")
    xl = label_w + cell_w * (len(columns) - 1)
    body.append(f'<line x1="{xl}" y1="{top - 2}" x2="{xl}" y2="{top + cell_h * len(wide) + 2}" stroke="black" stroke-width="2"/>')
    body.append(_text(label_w + cell_w * len(columns) / 2, height - 8, "after wave", "middle"))
    return _svg(width, height, "Projected maturity level after each wave", body)
