"""Charts for the notebooks and reports: readable in print, colour-blind safe, deterministic.

Every function takes result tables and returns a matplotlib Figure built without pyplot, so no global
figure state passes between charts or clients. Colours: the Okabe-Ito palette.

Charts go into notebooks and reports as SVG: sharp at any zoom and in print, their text selectable and
searchable, and about twice as fast to produce as a 150 dpi PNG (no rasterising, one layout pass).
"""
from __future__ import annotations

import io
import math
import textwrap

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from assessment.findings import fmt_score
from workbench.reports.palette import (  # noqa: F401 - the colours, used here and by the charts' users
    BLUE, GREEN, GREY, LAYER_COLOURS, LEVEL_COLOURS, ORANGE, PURPLE, ROLE_COLOURS, SKY, VERMILION, YELLOW)

matplotlib.rcParams.update({
    "font.size": 9, "axes.titlesize": 11, "axes.titleweight": "bold", "axes.spines.top": False,
    "axes.spines.right": False, "svg.hashsalt": "maturity-workbench", "font.family": "DejaVu Sans",
    "svg.fonttype": "none",  # text stays text in the SVG (layout is measured with DejaVu Sans)
})
# A viewer without DejaVu Sans gets the nearest common font (same proportions), never a serif default.
_SVG_FONT = ("font-family: 'DejaVu Sans'", "font-family: 'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif")

LEVEL_CMAP = ListedColormap(LEVEL_COLOURS)


PAGE_WIDTH = 7.0  # inches: an A4 portrait page's text width (182 mm) with a little to spare, so print is 1:1
ROW = 0.2  # inches per bar or row: 9 pt labels with room between them


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=72)
    FigureCanvasAgg(fig)
    return fig


PAD = 0.08  # inches of white around a chart's outermost text
COLORBAR_WIDTH = 0.16  # inches


def _fit(fig: Figure, renderer, passes: int = 2) -> None:
    """Place the axes so that every label, title and legend fits inside the figure with a small margin.

    Measure the text around the axes, move the axes' edges by what sticks out (or by the room left), and
    measure again (two passes), each pass reusing the text measurements of the renderer that will draw
    the chart. matplotlib's constrained layout does the same with several more passes and its own renderer,
    a third of a chart's cost. Handles what our charts have: one main axes, optionally a colorbar; small multiples
    (a grid of axes, see `_small_multiples`) are laid out by `_fit_grid`."""
    if getattr(fig, "wb_grid", None):
        _fit_grid(fig, renderer, passes)
        return
    W, H = fig.get_size_inches()
    r = renderer
    px = fig.dpi
    main, *bars = fig.axes
    bar_space = []
    for cax in bars:  # a colorbar keeps its own labels; it sits at the right edge, beside the axes
        tight, box = cax.get_tightbbox(r), cax.get_window_extent(r)
        bar_space.append(((box.x0 - tight.x0) / px, (tight.x1 - box.x1) / px))
    reserve = sum(lp + COLORBAR_WIDTH + rp + PAD for lp, rp in bar_space)
    left, bottom, width, height = PAD, PAD, W - 2 * PAD - reserve, H - 2 * PAD
    for _ in range(passes):
        main.set_position([left / W, bottom / H, width / W, height / H])
        tight = main.get_tightbbox(r)
        dl, db = PAD - tight.x0 / px, PAD - tight.y0 / px
        dr, dt = tight.x1 / px - (W - reserve - PAD), tight.y1 / px - (H - PAD)
        if max(abs(dl), abs(db), abs(dr), abs(dt)) < 0.01:
            break
        left, bottom = left + dl, bottom + db
        width, height = max(width - dl - dr, 0.5), max(height - db - dt, 0.5)
    main.set_position([left / W, bottom / H, width / W, height / H])
    x = W - reserve
    for (lp, rp), cax in zip(bar_space, bars):
        cax.set_position([(x + lp) / W, (bottom + 0.1 * height) / H, COLORBAR_WIDTH / W, 0.8 * height / H])
        x += lp + COLORBAR_WIDTH + rp + PAD


def svg_text(fig: Figure) -> str:
    """The figure as an inline SVG element (no XML prolog, no date), the same text for the same data.

    What `savefig(format="svg")` does, less its extra draw with output disabled; the renderer that measures
    the text for the layout then draws it, so every label is measured once."""
    buf = io.StringIO()
    dpi, fig.dpi = fig.dpi, 72
    width, height = fig.get_size_inches()
    renderer = MixedModeRenderer(fig, width, height, dpi,
                                 RendererSVG(width * 72, height * 72, buf, image_dpi=dpi,
                                             metadata={"Date": None, "Creator": None}))
    _fit(fig, renderer)
    fig.draw(renderer)
    renderer.finalize()
    text = buf.getvalue()
    return text[text.index("<svg"):].replace(*_SVG_FONT)


def warm_up() -> None:
    """Load fonts and fill matplotlib's text caches with a throwaway chart (no client data involved)."""
    fig = _figure(3, 2)
    ax = fig.add_subplot()
    ax.barh(["a", "b"], [1, 2], color=BLUE)
    ax.set_title("Warm-up")
    ax.legend(handles=[Patch(color=BLUE, label="x")])
    svg_text(fig)


def _wrap(label: str, width: int = 22) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _level_axis(ax, levels: list, axis: str = "x") -> None:
    ticks = [lv.value for lv in levels]
    labels = [f"{lv.value} {lv.name}" for lv in levels]
    if axis == "x":
        ax.set_xticks(ticks, labels)
        ax.set_xlim(ticks[0] - 0.1, ticks[-1] + 0.1)
    else:
        ax.set_yticks(ticks, labels)
        ax.set_ylim(ticks[0] - 0.1, ticks[-1] + 0.1)


def radar(names: list[str], current: list[float], target: list[float], levels: list) -> Figure:
    """Current profile against the target, one spoke per dimension, clockwise from the top, a ring per level.
    Drawn on plain axes (rings, spokes and labels placed here): matplotlib's polar axes and their ticks took
    more than half of the deck's time."""
    n = len(names)
    theta = np.pi / 2 - np.linspace(0, 2 * np.pi, n, endpoint=False)
    lo, hi = levels[0].value, levels[-1].value
    fig = _figure(7.2, 6.4)
    ax = fig.add_axes((0.2, 0.1, 0.6, 0.72))  # room around it for the labels: no tight crop
    ax.set_axis_off()
    ax.set_xlim(-1.02, 1.02)
    ax.set_ylim(-1.02, 1.02)
    ax.set_aspect("equal")

    def radius(values):
        return (np.asarray(values, dtype=float) - lo) / max(hi - lo, 1)

    ring, between = np.linspace(0, 2 * np.pi, 97), np.pi / 2 - np.pi / n
    for lv in levels:  # a ring per level, its number between the first two spokes (the centre is the lowest)
        r = radius(lv.value)
        if r <= 0:
            continue
        ax.plot(r * np.cos(ring), r * np.sin(ring), color="#DDDDDD", linewidth=0.8, zorder=0)
        ax.text(r * np.cos(between), r * np.sin(between), str(lv.value), color=GREY, fontsize=10, ha="center",
                va="center")
    centre, gap = np.zeros(n), np.full(n, np.nan)  # the spokes as one line, broken between them
    ax.plot(np.column_stack([centre, np.cos(theta), gap]).ravel(), np.column_stack([centre, np.sin(theta), gap]).ravel(),
            color="#DDDDDD", linewidth=0.8, zorder=0)
    closed = np.append(theta, theta[0])
    for values, colour, label, style in ((target, ORANGE, "Target", "--"), (current, BLUE, "Current", "-")):
        r = radius([np.nan if x is None else x for x in values])
        r = np.append(r, r[0])
        ax.plot(r * np.cos(closed), r * np.sin(closed), style, color=colour, linewidth=2, label=label)
        if label == "Current":
            ax.fill(r * np.cos(closed), r * np.sin(closed), color=colour, alpha=0.15)
    for t, name in zip(theta, names):  # each name beyond its spoke's end, set away from the circle
        c = np.cos(t)
        ax.text(1.1 * c, 1.1 * np.sin(t), _wrap(name, 16), fontsize=10, va="center",
                ha="center" if abs(c) < 0.25 else ("left" if c > 0 else "right"))
    fig.legend(*ax.get_legend_handles_labels(), loc="upper right", frameon=False)
    fig.suptitle(f"Current maturity against the target (levels {lo}-{hi})", y=0.975)
    return fig


def profile_chart(dims: pd.DataFrame, levels: list, unit: str = "dimension") -> Figure:
    """Today's mean per dimension against its target, one row each in the model's order: a dot for today
    (labelled with its score), a bar mark for the target, a line for the distance between them. `unit`: the
    model's word for a dimension, in the title."""
    d = dims.iloc[::-1]
    fig = _figure(PAGE_WIDTH, _rows_height(len(d), 0.9, per_row=0.155))
    ax = fig.add_subplot()
    y = np.arange(len(d))
    current, target = d["current"].to_numpy(dtype=float), d["target"].to_numpy(dtype=float)
    ax.hlines(y, current, target, color=GREY, linewidth=1.5, zorder=1)
    ax.scatter(target, y, marker="|", s=160, linewidths=2.5, color=ORANGE, zorder=2, label="target")
    met = current >= target - 1e-9
    ax.scatter(current[~met], y[~met], color=BLUE, s=36, zorder=3, label="today, below target")
    ax.scatter(current[met], y[met], color=GREEN, marker="D", s=30, zorder=3, label="today, at or above target")
    for yi, c, t in zip(y, current, target):
        if np.isnan(c):
            ax.text(levels[0].value, yi, "no score", va="center", fontsize=8, color="#555555")
            continue
        right = not np.isnan(t) and c >= t  # the label goes on the side away from the target
        ax.annotate(fmt_score(c, 1), (c, yi), xytext=(7 if right else -7, 0), textcoords="offset points",
                    ha="left" if right else "right", va="center", fontsize=8, color="#333333")
    ax.set_yticks(y, d["name"], fontsize=8)
    ax.set_ylim(-0.6, len(d) - 0.4)
    _level_axis(ax, levels)
    ax.set_xlim(levels[0].value - 0.35, levels[-1].value + 0.15)  # room for a label left of a level-1 score
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#E5E5E5", linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=8)
    ax.set_title(f"Today's mean score against the target, per {unit}", pad=22)
    return fig


# Below target: orange, darker the further below; at or above: blue, darker the further above (PuOr-like,
# readable with the common forms of colour blindness). The two ramps meet at the target without a white
# middle, so a cell a hair below the target never looks like one that reached it.
_BELOW = matplotlib.colors.LinearSegmentedColormap.from_list("below", ["#B35806", "#FDD5A8"])
_ABOVE = matplotlib.colors.LinearSegmentedColormap.from_list("above", ["#C9DDF0", "#2166AC"])
TARGET_CMAP = ListedColormap(np.vstack([_BELOW(np.linspace(0, 1, 128)), _ABOVE(np.linspace(0, 1, 128))]),
                             name="below-above-target")


def heat_colours(scores: np.ndarray, target: np.ndarray, levels: list) -> np.ndarray:
    """RGBA per cell of a role heatmap (`scores`: dimensions x groups; `target`: one per dimension): the score
    minus the target on one scale for every row, orange below and blue at or above; without targets, shades of
    blue by level; white where there is no score. The report's chart and the deck's table share it."""
    lo, hi = levels[0].value, levels[-1].value
    if not np.isnan(target).all():
        diff = scores - target[:, None]
        below = max(2.0, -np.nanmin(diff, initial=0.0))
        above = max(1.0, np.nanmax(diff, initial=0.0))
        norm = matplotlib.colors.TwoSlopeNorm(vcenter=0.0, vmin=-below, vmax=above)
        colours = TARGET_CMAP(norm(np.where(np.isnan(diff), 0.0, diff)))
    else:  # no targets: shade by level
        colours = matplotlib.colormaps["Blues"]((scores - lo) / max(hi - lo, 1) * 0.8 + 0.1)
    colours[np.isnan(scores)] = matplotlib.colors.to_rgba("white")
    return colours


def role_heatmap(heat: pd.DataFrame, groups: pd.DataFrame, levels: list, min_group: int = 3,
                 unit: str = "dimension") -> Figure:
    """Mean score per dimension (rows) and role group (columns), then all respondents and the target.

    `heat` is assessment.findings.role_heatmap (dimension, name, one column per role group id, all, target);
    `groups` is assessment.findings.role_groups (role, name, respondents, small_group). Cells are coloured by
    the score minus the dimension's target, on one scale for every row: orange below the target, blue at or
    above it. Groups flagged small_group (under `min_group` people) are hatched and marked in their heading."""
    roles = [r for r in groups["role"] if r in heat.columns]
    size = dict(zip(groups["role"], groups["respondents"]))
    small = dict(zip(groups["role"], groups["small_group"].astype(bool)))
    names = dict(zip(groups["role"], groups["name"]))
    scores = heat[roles + ["all"]].to_numpy(dtype=float)
    target = heat["target"].to_numpy(dtype=float)
    has_target = not np.isnan(target).all()
    cols = len(roles) + 1 + has_target
    fig = _figure(PAGE_WIDTH, _rows_height(len(heat), 1.15, per_row=0.2))
    ax = fig.add_subplot()
    colours = heat_colours(scores, target, levels)
    image = np.ones((len(heat), cols, 4))
    image[:, :scores.shape[1]] = colours
    if has_target:
        image[:, -1] = matplotlib.colors.to_rgba("#EFEFEF")
    ax.imshow(image, aspect="auto", interpolation="none")
    for (i, j), v in np.ndenumerate(scores):
        if np.isnan(v):
            ax.text(j, i, "–", ha="center", va="center", fontsize=8, color="#555555")
            continue
        r, g, b, _ = colours[i, j]
        dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
        ax.text(j, i, fmt_score(v, 1), ha="center", va="center", fontsize=8,
                color="white" if dark else "black", fontweight="bold" if j == len(roles) else None)
    if has_target:
        for i, t in enumerate(target):
            ax.text(cols - 1, i, "" if np.isnan(t) else f"{t:g}", ha="center", va="center", fontsize=8,
                    fontweight="bold")
    for j, role in enumerate(roles):
        if small[role]:
            ax.add_patch(matplotlib.patches.Rectangle((j - 0.5, -0.5), 1, len(heat), fill=False, hatch="///",
                                                      edgecolor="#777777", linewidth=0))
    for x in range(1, cols):  # white rules between the columns; a wider one before "All respondents"
        ax.axvline(x - 0.5, color="white", linewidth=2.5 if x in (len(roles), len(roles) + 1) else 1)
    for yy in range(1, len(heat)):
        ax.axhline(yy - 0.5, color="white", linewidth=1)
    heads = [_wrap(names[r], 13) + f"\nn={size[r]}" + (", too few" if small[r] else "") for r in roles]
    heads += [f"All\nn={int(groups['respondents'].sum())}"] + (["Target"] if has_target else [])
    ax.xaxis.tick_top()
    ax.set_xticks(range(cols), heads, fontsize=8)
    ax.tick_params(axis="x", length=0, pad=3)
    ax.set_yticks(range(len(heat)), heat["name"], fontsize=8)
    ax.tick_params(axis="y", length=0)
    ax.spines[:].set_visible(False)
    handles = []
    if has_target:
        handles += [Patch(color=TARGET_CMAP(0.2), label="below the target"),
                    Patch(color=TARGET_CMAP(0.8), label="at or above it (darker: further from it)")]
    if any(small.values()):
        handles.append(Patch(facecolor="white", edgecolor="#777777", hatch="///",
                             label=f"fewer than {min_group} people"))
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(handles), frameon=False,
                  fontsize=8, handlelength=1.2, borderaxespad=0.3, columnspacing=1.2)
    ax.set_title(f"How each role group sees each {unit}")
    return fig


def _rows_height(rows: int, frame: float, per_row: float = ROW) -> float:
    """A chart's height from its rows and the room for its title, legend and axis (`frame`, inches)."""
    return per_row * max(rows, 1) + frame


def _nothing(text: str) -> Figure:
    """A one-line chart saying why there is nothing to draw (rather than an empty or broken chart)."""
    fig = _figure(7.2, 0.6)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def _place_labels(ax, xy: np.ndarray, labels: list[str], renderer, avoid: list, lines: list) -> None:
    """Labels beside their points, covering no other label, no point and no box in `avoid` (display
    coordinates): each takes the first free place of eight around its point, nearer ones first, and crosses
    none of the boxes in `lines` where it can; a label set away from its point gets a thin leader line."""
    inside = ax.get_window_extent(renderer)
    points = [matplotlib.transforms.Bbox.from_bounds(px - 4, py - 4, 8, 8) for px, py in ax.transData.transform(xy)]
    directions = ((1, 0, "left", "center"), (-1, 0, "right", "center"), (0, 1, "center", "bottom"),
                  (0, -1, "center", "top"), (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
                  (1, -1, "left", "top"), (-1, -1, "right", "top"))
    style = {"fontsize": 8, "color": "#333333", "textcoords": "offset points"}
    taken = list(avoid)
    for k, ((x, y), label) in enumerate(zip(xy, labels)):
        others = taken + points[:k] + points[k + 1:]
        place, least = None, (np.inf, None)
        for blocked in (others + lines, others):
            for distance in (5, 14, 26, 40, 56):
                for dx, dy, ha, va in directions:
                    text = ax.annotate(label, (x, y), xytext=(dx * distance, dy * distance), ha=ha, va=va, **style)
                    box = text.get_window_extent(renderer).padded(2.5)  # room for the final layout's small shifts
                    text.remove()
                    if not (inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0
                            and box.y1 <= inside.y1):
                        continue
                    candidate = (dx * distance, dy * distance, ha, va, distance)
                    covered = sum(_overlap(box, b) for b in blocked)
                    if not covered:
                        place = candidate
                        break
                    if covered < least[0]:
                        least = (covered, candidate)
                if place:
                    break
            if place:
                break
        # nowhere free: where it covers least, else right of the point
        ox, oy, ha, va, distance = place or least[1] or (5, 0, "left", "center", 5)
        leader = {"arrowprops": {"arrowstyle": "-", "color": GREY, "linewidth": 0.6, "shrinkA": 0, "shrinkB": 4}}
        text = ax.annotate(label, (x, y), xytext=(ox, oy), ha=ha, va=va, **style, **(leader if distance > 5 else {}))
        text.update_positions(renderer)  # the label where it will be drawn, then its box without the leader
        taken.append(matplotlib.text.Text.get_window_extent(text, renderer).padded(1.5))


def _overlap(a, b) -> float:
    """The area two display boxes share (0 when apart)."""
    return max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))


def importance_performance_chart(ip: pd.DataFrame, dimension_names: dict[str, str], unit: str = "dimension"
                                 ) -> Figure:
    """Dimensions placed by how important their questions are to respondents and how well they are done, each
    point named; the lines are the means over all rated questions, so the top-left quadrant (important, done
    less well than most) is where to concentrate."""
    if ip.empty:
        return _nothing("Respondents did not rate importance")
    by_dim = (ip.groupby("dimension", sort=False)[["importance", "performance"]].mean()
              .reindex([d for d in dimension_names if d in set(ip["dimension"])]).dropna())
    mx, my = ip["performance"].mean(), ip["importance"].mean()
    fig = _figure(PAGE_WIDTH, 3.4)
    ax = fig.add_subplot()
    focus = ((by_dim["importance"] >= my) & (by_dim["performance"] < mx)).to_numpy()
    ax.scatter(by_dim["performance"][~focus], by_dim["importance"][~focus], s=30, color=BLUE, zorder=3)
    ax.scatter(by_dim["performance"][focus], by_dim["importance"][focus], s=36, color=VERMILION, marker="D", zorder=3)
    ax.axvline(mx, color=GREY, linewidth=1, linestyle="--", zorder=1)
    ax.axhline(my, color=GREY, linewidth=1, linestyle="--", zorder=1)
    px, py = by_dim["performance"], by_dim["importance"]
    xr, yr = max(px.max() - px.min(), 0.1), max(py.max() - py.min(), 0.3)
    ax.set_xlim(min(px.min(), mx) - 0.35 * xr, max(px.max(), mx) + 0.35 * xr)
    ax.set_ylim(min(py.min(), my) - 0.3 * yr, max(py.max(), my) + 0.3 * yr)
    ax.set_xlabel(f"Performance: share of the answer scale reached (mean of the {unit}'s questions)", fontsize=8)
    ax.set_ylabel("Importance: mean rating", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_title(f"Importance against performance, per {unit}")
    renderer = fig.canvas.get_renderer()
    _fit(fig, renderer)  # the axes where they will be drawn, so labels are placed in their final room
    corners = []
    for x, y, text, ha in ((0.01, 0.99, "Concentrate here", "left"), (0.99, 0.99, "Keep up the good work", "right"),
                           (0.01, 0.01, "Low priority", "left"), (0.99, 0.01, "Possible overkill", "right")):
        t = ax.text(x, y, text, transform=ax.transAxes, ha=ha, va="top" if y > 0.5 else "bottom", fontsize=8,
                    fontweight="bold", color=VERMILION if text == "Concentrate here" else "#666666")
        corners.append(t.get_window_extent(renderer).padded(2))
    inside = ax.get_window_extent(renderer)
    (vx, hy), = ax.transData.transform([(mx, my)])
    lines = [matplotlib.transforms.Bbox.from_extents(vx - 1, inside.y0, vx + 1, inside.y1),
             matplotlib.transforms.Bbox.from_extents(inside.x0, hy - 1, inside.x1, hy + 1)]
    _place_labels(ax, by_dim[["performance", "importance"]].to_numpy(),
                  [_wrap(dimension_names[d], 20) for d in by_dim.index], renderer, corners, lines)
    return fig


def priority_chart(gaps: pd.DataFrame, unit: str = "dimension") -> Figure:
    """Why each gap ranks where it does: the weighted components of its priority, stacked."""
    g = gaps[gaps["priority"] > 0].iloc[::-1]
    if g.empty:
        return _nothing(f"No {unit} is below its target: there is no gap to rank")
    fig = _figure(PAGE_WIDTH, _rows_height(len(g), 1.0, per_row=0.17))
    ax = fig.add_subplot()
    left = np.zeros(len(g))
    for col, colour, label in (("w_gap", BLUE, "size of the gap"), ("w_importance", ORANGE, "importance"),
                               ("w_foundation", GREEN, "foundation (roots first)" if g["layer"].notna().any()
                                else "foundation"),
                               ("w_disagreement", PURPLE, "leaders and front line disagree"),
                               ("w_customers", VERMILION, "customers rate its basics low")):
        if col == "w_customers" and not (g[col] > 0).any():
            continue  # no customer answers, or none below acceptable: no empty legend entry
        ax.barh(g["name"], g[col], left=left, color=colour, label=label, height=0.7)
        left += g[col].to_numpy()
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("priority (the longer the bar, the sooner the gap is closed)")
    across = matplotlib.transforms.blended_transform_factory(fig.transFigure, ax.transAxes)  # centred on the page
    entries = len(ax.get_legend_handles_labels()[1])
    columns = 4 if entries <= 4 else 3  # five entries in two rows of three: none cut at the page's edge
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), bbox_transform=across, ncol=columns, frameon=False,
              fontsize=8, handlelength=1.5, columnspacing=1.2)
    ax.set_title("What makes each gap a priority", pad=20 + 12 * (math.ceil(entries / columns) - 1))
    return fig


def gantt(plan: pd.DataFrame, waves: pd.DataFrame) -> Figure:
    """The roadmap as a Gantt chart: one bar per initiative, waves shaded, quick wins marked."""
    if plan.empty:
        return _nothing("No initiative is planned, so there is no roadmap to draw")
    p = plan.iloc[::-1]
    fig = _figure(PAGE_WIDTH, _rows_height(len(p), 1.0, per_row=0.16))
    ax = fig.add_subplot()
    crowded = len(waves) > 6  # then only the first wave says "Wave", the others their number
    for k, w in enumerate(waves.itertuples(index=False)):
        ax.axvspan(pd.Timestamp(w.start), pd.Timestamp(w.end), color="#F2F2F2" if k % 2 else "white", zorder=0)
        ax.text(pd.Timestamp(w.start) + (pd.Timestamp(w.end) - pd.Timestamp(w.start)) / 2, 1.0,
                f"{w.wave}" if crowded and k else f"Wave {w.wave}",
                transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=8, color="#555555")
    for y, r in enumerate(p.itertuples(index=False)):
        start, end = pd.Timestamp(r.start), pd.Timestamp(r.end) + pd.Timedelta(days=1)
        ax.barh(y, end - start, left=start, color=ORANGE if r.quick_win else BLUE, height=0.65, zorder=2)
    ax.set_yticks(range(len(p)), [textwrap.shorten(t, 52, placeholder="…") for t in p["title"]], fontsize=8)
    ax.set_ylim(-0.6, len(p) - 0.4)
    months = (pd.Timestamp(waves["end"].max()) - pd.Timestamp(waves["start"].min())).days / 30.4
    step = next((m for m in (3, 6) if months / m <= 6), 12)  # at most about six dates along the axis
    ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator(bymonth=range(1, 13, step)))
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %Y"))
    ax.tick_params(axis="x", labelsize=8)
    # below the date labels, whatever the chart's height: anchored in inches from the axes' bottom edge
    below = ax.transAxes + matplotlib.transforms.ScaledTranslation(0, -0.28, fig.dpi_scale_trans)
    ax.legend(handles=[Patch(color=BLUE, label="initiative"), Patch(color=ORANGE, label="quick win")],
              loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below, ncol=2, frameon=False, fontsize=8)
    ax.set_title("The roadmap, wave by wave", pad=16)
    return fig


def trajectory_chart(trajectory: pd.DataFrame, levels: list, unit: str = "dimension") -> Figure:
    """Projected level per dimension after each wave, with the target in the last column."""
    if trajectory.empty:
        return _nothing(f"No {unit} has a score to climb from, so there is no trajectory to draw")
    wide = trajectory.pivot_table(index="name", columns="wave", values="level", sort=False)
    target = trajectory.drop_duplicates("name").set_index("name")["target"].reindex(wide.index)
    data = np.column_stack([wide.to_numpy(dtype=float), target.to_numpy(dtype=float)])
    fig = _figure(PAGE_WIDTH, _rows_height(len(wide), 0.85, per_row=0.18))
    ax = fig.add_subplot()
    lo, hi = levels[0].value, levels[-1].value
    cmap = ListedColormap(LEVEL_CMAP.colors[:hi - lo + 1]) if hi - lo + 1 <= 5 else "Blues"
    ax.imshow(data, cmap=cmap, vmin=lo - 0.5, vmax=hi + 0.5, aspect="auto", interpolation="none")
    for (i, j), v in np.ndenumerate(data):
        ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=8,
                color="white" if v >= lo + (hi - lo) * 0.6 else "black", fontweight="bold" if j == data.shape[1] - 1 else None)
    ax.axvline(data.shape[1] - 1.5, color="black", linewidth=1.5)
    ax.set_xticks(range(data.shape[1]), ["Today"] + [str(w) for w in wide.columns[1:]] + ["Target"])
    ax.set_xlabel("after wave")
    ax.set_yticks(range(len(wide)), wide.index)
    ax.spines[:].set_visible(False)
    ax.set_title("Projected maturity level after each wave")
    return fig


def progress_chart(against_plan: pd.DataFrame, before: pd.Series, levels: list, unit: str = "dimension") -> Figure:
    """Per dimension: where it stood at the first round, where it stands now, and the level the roadmap
    planned for now. `against_plan` holds one round's rows; `before` the first round's means by name."""
    d = against_plan.iloc[::-1]
    fig = _figure(7.2, 0.4 * max(len(d), 1) + 1.5)
    ax = fig.add_subplot()
    y = np.arange(len(d))
    first = before.reindex(d["name"]).to_numpy(dtype=float)
    ax.hlines(y, first, d["mean"], color=GREY, linewidth=1.5)
    ax.scatter(first, y, facecolor="white", edgecolor=BLUE, linewidth=1.5, zorder=3, label="first round")
    behind = (d["status"] == "behind").to_numpy()
    ax.scatter(d["mean"][~behind], y[~behind], color=BLUE, zorder=3, label="now")
    ax.scatter(d["mean"][behind], y[behind], color=VERMILION, zorder=3, label="now, behind the plan")
    ax.scatter(d["planned"], y, marker="|", s=220, linewidths=2.5, color=ORANGE, zorder=4, label="planned for now")
    ax.set_yticks(y, d["name"])
    _level_axis(ax, levels)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False, fontsize=8)
    ax.set_title(f"Where each {unit} stands against the roadmap", pad=26)
    return fig


GRID_GAP = 0.12  # inches between one panel's text and the next panel's


def _small_multiples(n: int, cols: int, panel_height: float, title: str, handles: list) -> tuple[Figure, list]:
    """A page-wide figure of `n` panels in rows of `cols`, under a title and one legend for all (`handles`);
    `_fit_grid` places the panels when the chart is drawn, so every panel's labels fit beside the next (a
    panel's title must fit its cell: see `_panel_chars`)."""
    rows = max(1, -(-n // cols))
    fig = _figure(PAGE_WIDTH, rows * panel_height + 0.75)
    axes = [fig.add_axes((0, 0, 1, 1)) for _ in range(n)]
    fig.wb_grid = (rows, cols)
    fig.suptitle(title, fontsize=11, fontweight="bold", y=1 - PAD / fig.get_size_inches()[1], va="top")
    if handles:
        fig.legend(handles=handles, loc="upper center", ncol=len(handles), frameon=False, fontsize=8,
                   handlelength=1.8, columnspacing=1.2)
    return fig, axes


def _panel_chars(cols: int, size: float = 8) -> int:
    """How many characters of a bold title fit a panel of a small multiple `cols` wide (its axis labels take
    about 0.4 in on the left)."""
    cell = (PAGE_WIDTH - 2 * PAD) / cols
    return max(10, int((cell - 0.45) * 72 / (size * 0.66)))


def _fit_grid(fig: Figure, renderer, passes: int = 4) -> None:
    """The panels of a small multiple in equal cells below its title and legend, each cell's inner margins the
    largest any panel's labels need (measured, as `_fit` measures one axes)."""
    rows, cols = fig.wb_grid
    W, H = fig.get_size_inches()
    px = fig.dpi
    top = PAD
    if fig._suptitle is not None:
        top += fig._suptitle.get_window_extent(renderer).height / px + 0.06
    for legend in fig.legends:  # just below the title
        legend.set_bbox_to_anchor((0.5, 1 - top / H), transform=fig.transFigure)
        top += legend.get_window_extent(renderer).height / px + 0.02
    cw, ch = (W - 2 * PAD) / cols, (H - top - PAD) / rows
    margin = [0.35, 0.05, 0.3, 0.3]  # left, right, bottom, top: inches inside a cell
    for _ in range(passes):
        for k, ax in enumerate(fig.axes):
            i, j = divmod(k, cols)
            x0, y0 = PAD + j * cw + margin[0], H - top - (i + 1) * ch + margin[2]
            ax.set_position([x0 / W, y0 / H, max(cw - margin[0] - margin[1], 0.3) / W,
                             max(ch - margin[2] - margin[3], 0.3) / H])
        need = [0.0, 0.0, 0.0, 0.0]
        for ax in fig.axes:
            tight, box = ax.get_tightbbox(renderer), ax.get_window_extent(renderer)
            for m, v in enumerate(((box.x0 - tight.x0) / px, (tight.x1 - box.x1) / px, (box.y0 - tight.y0) / px,
                                   (tight.y1 - box.y1) / px)):
                need[m] = max(need[m], v)
        wanted = [need[0] + GRID_GAP / 2, need[1] + GRID_GAP / 2, need[2] + GRID_GAP / 2, need[3] + GRID_GAP / 2]
        if max(abs(a - b) for a, b in zip(wanted, margin)) < 0.01:
            break
        margin = wanted
    for k, ax in enumerate(fig.axes):
        i, j = divmod(k, cols)
        x0, y0 = PAD + j * cw + margin[0], H - top - (i + 1) * ch + margin[2]
        ax.set_position([x0 / W, y0 / H, max(cw - margin[0] - margin[1], 0.3) / W,
                         max(ch - margin[2] - margin[3], 0.3) / H])


def lay_out(fig: Figure) -> Figure:
    """The chart laid out for a raster copy (the deck's PNG): what `svg_text` does before it draws."""
    _fit(fig, fig.canvas.get_renderer())
    return fig


def _date_axis(ax, first, last, size: int = 7) -> None:
    """Dates along a panel's x axis: at most about four, as 'Jan 26'."""
    months = max((pd.Timestamp(last) - pd.Timestamp(first)).days / 30.4, 1)
    step = next((m for m in (1, 2, 3, 6) if months / m <= 4), 12)
    ax.xaxis.set_major_locator(matplotlib.dates.MonthLocator(bymonth=range(1, 13, step)))
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %y"))
    ax.tick_params(axis="both", labelsize=size, length=2, pad=1.5)


def kpi_trend_chart(series: pd.DataFrame, kpis: pd.DataFrame, interim: pd.DataFrame, start, day) -> Figure:
    """Each scorecard KPI over time, a panel each: every measurement (a ring and its number where it has a note),
    the way from the baseline at the roadmap's `start` through the targets on the way (at the end of the waves
    that move it) to the target, the target at its due date, and the review `day`.

    `series`: kpi, date, value, mark (the note's number, or nothing); `kpis`: kpi, name, unit, baseline, target,
    due, in the order to draw; `interim`: kpi, wave_end, interim_target."""
    if kpis.empty:
        return _nothing("The scorecard has no KPIs")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=BLUE, marker="o", markersize=4, label="measured"),
               Line2D([], [], color=BLUE, marker="o", markersize=7, markerfacecolor="white", linestyle="none",
                      markeredgecolor=VERMILION, markeredgewidth=1.5, label="measured, with a note (numbered)"),
               Line2D([], [], color=ORANGE, linestyle="--", marker="_", markersize=8, label="planned: on the way"),
               Line2D([], [], color=ORANGE, marker="D", linestyle="none", markersize=5, label="target, when due"),
               Line2D([], [], color=GREY, linewidth=1, label="review")]
    fig, axes = _small_multiples(len(kpis), 3, 1.75, "The scorecard over time: each KPI against the way to its "
                                                     "target", handles)
    day, start = pd.Timestamp(day), pd.Timestamp(start)
    for ax, k in zip(axes, kpis.itertuples(index=False)):
        mine = series[series["kpi"] == k.kpi].sort_values("date")
        way = interim[interim["kpi"] == k.kpi].sort_values("wave_end")
        dates = pd.to_datetime(mine["date"])
        xs = [start, day] + list(dates) + ([pd.Timestamp(k.due)] if pd.notna(k.due) else []) + list(
            pd.to_datetime(way["wave_end"]))
        if pd.notna(k.baseline):
            plan_x = [start] + list(pd.to_datetime(way["wave_end"]))
            plan_y = [float(k.baseline)] + list(way["interim_target"].astype(float))
            ax.plot(plan_x, plan_y, "--", color=ORANGE, linewidth=1.2, zorder=1)
            ax.scatter(plan_x[1:], plan_y[1:], marker="_", s=60, linewidths=1.5, color=ORANGE, zorder=2)
            ax.scatter([start], [float(k.baseline)], s=14, color="white", edgecolor=GREY, linewidth=1, zorder=2)
        if pd.notna(k.target) and pd.notna(k.due):
            ax.scatter([pd.Timestamp(k.due)], [float(k.target)], marker="D", s=22, color=ORANGE, zorder=3)
        elif pd.notna(k.target):
            ax.axhline(float(k.target), color=ORANGE, linewidth=0.8, linestyle=":")
        ax.axvline(day, color=GREY, linewidth=1, zorder=0)
        if len(mine):
            ax.plot(dates, mine["value"].astype(float), "-o", color=BLUE, markersize=3, linewidth=1.4, zorder=4)
            marked = mine[mine["mark"].notna()]
            for d, v, mark in zip(pd.to_datetime(marked["date"]), marked["value"].astype(float), marked["mark"]):
                ax.scatter([d], [v], s=42, facecolor="white", edgecolor=VERMILION, linewidth=1.5, zorder=5)
                ax.annotate(str(int(mark)), (d, v), xytext=(0, 5), textcoords="offset points", ha="center",
                            va="bottom", fontsize=7, fontweight="bold", color=VERMILION, zorder=6)
        else:
            ax.text(0.5, 0.5, "not measured yet", transform=ax.transAxes, ha="center", va="center", fontsize=7,
                    color="#555555")
        values = [v for v in [*mine["value"].astype(float), k.baseline, k.target, *way["interim_target"]]
                  if v is not None and pd.notna(v)]
        if values:
            lo, hi = min(values), max(values)
            pad = max((hi - lo) * 0.18, abs(hi) * 0.02, 0.5)
            ax.set_ylim(lo - pad, hi + pad * 1.6)  # room above for a note's number
        ax.set_xlim(min(xs) - pd.Timedelta(days=20), max(xs) + pd.Timedelta(days=20))
        _date_axis(ax, min(xs), max(xs))
        unit = str(k.unit or "").strip()
        chars = _panel_chars(3)
        ax.set_title(_wrap(k.name, chars) + (f"\n({textwrap.shorten(unit, chars - 2, placeholder='…')})" if unit and unit != "%"
                                            else " (%)" if unit == "%" else ""), fontsize=8, loc="left")
        ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
        ax.set_axisbelow(True)
    return fig


def dimension_trend_chart(history: pd.DataFrame, dates: list, targets: dict, levels: list, behind: set,
                          unit: str = "dimension") -> Figure:
    """A small panel per dimension: its mean score at every round (the last labelled), against its target; the
    last point in vermilion where the dimension is behind the plan of record.

    `history`: mean per dimension name (rows) and round (columns, oldest first); `dates`: each round's date;
    `targets`: name -> target level; `behind`: the names behind the plan."""
    if history.empty:
        return _nothing(f"No {unit} has a score in two rounds")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=BLUE, marker="o", markersize=4, label="mean score at each round"),
               Line2D([], [], color=VERMILION, marker="o", linestyle="none", markersize=5,
                      label="now, behind the plan"),
               Line2D([], [], color=ORANGE, linestyle="--", label="target")]
    fig, axes = _small_multiples(len(history), 4, 1.5, f"Each {unit} across the rounds", handles)
    xs = [pd.Timestamp(d) for d in dates]
    lo, hi = levels[0].value, levels[-1].value
    for k, (ax, (name, row)) in enumerate(zip(axes, history.iterrows())):
        y = row.to_numpy(dtype=float)
        ax.plot(xs, y, "-o", color=BLUE, markersize=3, linewidth=1.4, zorder=3)
        if not np.isnan(y[-1]):
            ax.scatter([xs[-1]], [y[-1]], s=22, color=VERMILION if name in behind else BLUE, zorder=4)
            ax.annotate(fmt_score(y[-1], 1), (xs[-1], y[-1]), xytext=(4, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=7, color="#333333")
        t = targets.get(name)
        if t is not None and pd.notna(t):
            ax.axhline(float(t), color=ORANGE, linestyle="--", linewidth=1, zorder=1)
        ax.set_ylim(lo - 0.2, hi + 0.2)
        ax.set_yticks([lv.value for lv in levels], [str(lv.value) for lv in levels] if k % 4 == 0 else [])
        span = max(xs[-1] - xs[0], pd.Timedelta(days=30))
        ax.set_xlim(xs[0] - span * 0.08, xs[-1] + span * 0.3)  # room for the last value's label
        ax.set_xticks([xs[0], xs[-1]], [f"{xs[0]:%b %y}", f"{xs[-1]:%b %y}"])
        ax.tick_params(axis="both", labelsize=7, length=2, pad=1.5)
        ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(_wrap(name, _panel_chars(4)), fontsize=8, loc="left")
    return fig


def kpi_chart(kpis: pd.DataFrame) -> Figure:
    """Share of the way from baseline to target each KPI has covered, against the share of time gone by."""
    k = kpis.iloc[::-1]
    fig = _figure(7.2, 0.42 * max(len(k), 1) + 1.5)
    ax = fig.add_subplot()
    y = np.arange(len(k))
    progress = k["progress"].astype(float).clip(-0.25, 1.25).fillna(0).to_numpy()
    colours = [GREEN if s == "target met" else VERMILION if s in ("behind", "overdue") else BLUE for s in k["status"]]
    ax.barh(y, progress, color=colours, height=0.55)
    expected = k["expected"].astype(float).to_numpy()
    ax.scatter(expected, y, marker="|", s=260, linewidths=2.5, color="black", zorder=3)
    ax.axvline(0, color=GREY, linewidth=1)
    ax.axvline(1, color=GREY, linewidth=1, linestyle="--")
    ax.set_yticks(y, [textwrap.shorten(n, 40, placeholder="...") for n in k["name"]])
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlim(-0.3, 1.3)
    ax.set_xlabel("share of the way from baseline to target (black mark: share of the time to the due date gone by)")
    ax.legend(handles=[Patch(color=BLUE, label="on track"), Patch(color=VERMILION, label="behind or overdue"),
                       Patch(color=GREEN, label="target met")],
              loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=8)
    ax.set_title("The scorecard: how far each KPI has come", pad=26)
    return fig


def level_distribution_chart(dist: pd.DataFrame, levels: list, title: str) -> Figure:
    """Clients at each level per dimension (one sector), as stacked bars: the portfolio at a glance."""
    d = dist.iloc[::-1]
    fig = _figure(7.2, 0.36 * max(len(d), 1) + 1.5)
    ax = fig.add_subplot()
    left = np.zeros(len(d))
    colours = LEVEL_CMAP.colors if len(levels) <= len(LEVEL_CMAP.colors) else None
    for k, lv in enumerate(levels):
        values = d[lv.value].to_numpy(dtype=float) if lv.value in d.columns else np.zeros(len(d))
        ax.barh(d["name"], values, left=left, color=colours[k] if colours else None, edgecolor=GREY, linewidth=0.5,
                label=f"{lv.value} {lv.name}")
        left += values
    ax.set_xlabel("clients")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(levels), frameon=False, fontsize=8)
    ax.set_title(title, pad=26)
    return fig


# The building blocks other chart modules (customer_charts) build on, under public names.
figure, fit, nothing, place_labels, wrap_label = _figure, _fit, _nothing, _place_labels, _wrap
