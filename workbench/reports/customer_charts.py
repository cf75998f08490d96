"""Charts of the engagement in its customers' eyes (workbench.engagement.customers.CustomerView): the driver
tree drawn as a tree, importance against performance, the trend over time and outside-in against inside-out.
Built as the other report charts are (workbench.reports.charts): no pyplot, Okabe-Ito colours, SVG."""
from __future__ import annotations

import textwrap

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle

from assessment.customer_view import MIN_POINT
from assessment.customers import LAYER_MEANING, PERFORMANCE_SCALE
from workbench.reports.charts import PAGE_WIDTH, figure as _figure, fit as _fit, nothing as _nothing
from workbench.reports.charts import place_labels as _place_labels, wrap_label as _wrap
from workbench.reports.palette import BLUE, GREEN, GREY, ORANGE, SKY, VERMILION

LAYER_COLOURS = {"roots": ORANGE, "trunk": SKY, "crown": GREEN, "all": BLUE}
BARK, LEAVES, SOIL = "#8c6d46", "#e3f0e3", "#f3ead9"


def driver_tree(drivers: pd.DataFrame, acceptable: float) -> Figure:
    """The driver tree as a tree: crown at the top, trunk in the middle, roots at the bottom; each driver a box
    with its performance (1-5) and the customers behind it, red when below the acceptable level."""
    layers = [("crown", 2), ("trunk", 1), ("roots", 0)]
    widest = max([len(drivers[drivers["layer"] == lay]) for lay, _ in layers] + [1])
    fig = _figure(PAGE_WIDTH, 4.2)
    ax = fig.add_axes([0, 0, 1, 0.92])
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.1, 3.05)
    ax.axis("off")
    # the tree behind the boxes: a canopy, a trunk, roots in the soil
    ax.add_patch(FancyBboxPatch((2.05, 2.08), 7.75, 0.88, boxstyle="round,pad=0.02,rounding_size=0.35",
                                color=LEAVES, zorder=0, linewidth=0))
    ax.add_patch(Rectangle((5.4, 1.0), 0.9, 1.1, color=BARK, alpha=0.35, zorder=0, linewidth=0))
    ax.add_patch(Rectangle((2.05, 0.02), 7.75, 0.92, color=SOIL, zorder=0, linewidth=0))
    for x0 in (3.6, 5.85, 8.1):
        ax.add_patch(Polygon([(5.7, 0.98), (6.0, 0.98), (x0, 0.12)], closed=True, color=BARK, alpha=0.25,
                             linewidth=0, zorder=0))
    for layer, y in layers:
        mine = drivers[drivers["layer"] == layer]
        ax.text(0.08, y + 0.62, layer.capitalize(), fontsize=10, fontweight="bold", va="center",
                color=LAYER_COLOURS[layer] if layer != "trunk" else "#3b7fa6")
        ax.text(0.08, y + 0.38, textwrap.fill(LAYER_MEANING[layer], 24), fontsize=7, va="center", color="#444444")
        if mine.empty:
            continue
        width = 7.7 / max(len(mine), 1)
        box = min(width - 0.12, 7.7 / widest * 1.6)
        for i, r in enumerate(mine.itertuples(index=False)):
            cx = 2.1 + width * (i + 0.5)
            below, rated = bool(r.below), pd.notna(r.performance)
            edge = VERMILION if below else GREEN if rated else GREY
            ax.add_patch(FancyBboxPatch((cx - box / 2, y + 0.14), box, 0.72, boxstyle="round,pad=0.01,rounding_size=0.06",
                                        facecolor="#fdebe4" if below else "white", edgecolor=edge,
                                        linewidth=2.2 if below else 1.2, zorder=2))
            chars = max(int(box * PAGE_WIDTH / 10 / 0.062), 12)  # 7 pt characters across the box (10 units a page)
            ax.text(cx, y + 0.6, textwrap.fill(r.name, chars, max_lines=3, placeholder="\u2026"), ha="center",
                    va="center", fontsize=7, zorder=3, linespacing=1.1)
            score = (f"{r.performance:.1f} of 5" if rated else
                     f"fewer than {MIN_POINT} answers" if r.customers else "not asked")
            ax.text(cx, y + 0.26, score + (f" \u00b7 n={r.customers}" if rated else ""), ha="center", va="center",
                    fontsize=7.5 if rated else 6.5, fontweight="bold" if below else "normal",
                    color=VERMILION if below else "#222222", zorder=3)
    fig.suptitle(f"The driver tree in the customers' eyes (red: below the acceptable {acceptable:g} of 5)",
                 fontsize=10, y=0.99)
    return fig


def importance_performance(drivers: pd.DataFrame, acceptable: float) -> Figure:
    """Each driver placed by how well customers say it is done and how much it matters to them; the lines are
    the acceptable level and the drivers' median importance, so the top-left is what to fix first."""
    d = drivers.dropna(subset=["performance", "importance"])
    if d.empty:
        return _nothing(f"Customers rated no driver's importance and performance (each needs {MIN_POINT} customers)")
    line = drivers["importance"].median()
    fig = _figure(PAGE_WIDTH, 3.4)
    ax = fig.add_subplot()
    for layer in ("roots", "trunk", "crown"):
        mine = d[d["layer"] == layer]
        ax.scatter(mine["performance"], mine["importance"], s=40, color=LAYER_COLOURS[layer], zorder=3,
                   marker={"roots": "s", "trunk": "o", "crown": "^"}[layer], label=layer.capitalize())
    ax.axvline(acceptable, color=GREY, linewidth=1, linestyle="--", zorder=1)
    ax.axhline(line, color=GREY, linewidth=1, linestyle="--", zorder=1)
    px, py = d["performance"], d["importance"]
    ax.set_xlim(min(px.min(), acceptable) - 0.45, max(px.max(), acceptable) + 0.45)
    ax.set_ylim(min(py.min(), line) - 0.35, max(py.max(), line) + 0.35)
    ax.set_xlabel("How well we do it, in the customers' eyes (1-5)", fontsize=8)
    ax.set_ylabel("How much it matters to them (1-5)", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(loc="lower right", fontsize=7, frameon=False, ncol=3)
    ax.set_title("What matters to customers, and how well it is done")
    renderer = fig.canvas.get_renderer()
    _fit(fig, renderer)
    corners = []
    for x, y, text, ha in ((0.01, 0.99, "Fix first", "left"), (0.99, 0.99, "Keep it up", "right")):
        t = ax.text(x, y, text, transform=ax.transAxes, ha=ha, va="top", fontsize=8, fontweight="bold",
                    color=VERMILION if text == "Fix first" else "#666666")
        corners.append(t.get_window_extent(renderer).padded(2))
    corners.append(ax.get_legend().get_window_extent(renderer).padded(2))
    _place_labels(ax, d[["performance", "importance"]].to_numpy(), [_wrap(n, 24) for n in d["name"]], renderer,
                  corners, [])
    return fig


def trend(rolling: pd.DataFrame, monthly: pd.DataFrame, acceptable: float) -> Figure:
    """Performance over time, all drivers and per layer: a rolling four-week line (a point only where at
    least MIN_POINT customers stand behind it) and the monthly means as labelled dots with their customers."""
    shown = rolling[rolling["shown"]]
    if shown.empty:
        return _nothing(f"Too few customers yet for a trend: each point needs {MIN_POINT} or more")
    fig = _figure(PAGE_WIDTH, 3.0)
    ax = fig.add_subplot()
    for key in ("all", "roots", "trunk", "crown"):
        line = rolling[rolling["series"] == key]
        if line.empty:
            continue
        ax.plot(line["period"], line["mean"], color=LAYER_COLOURS[key], linewidth=2.4 if key == "all" else 1.3,
                label=line["name"].iloc[0] + (" (rolling four weeks)" if key == "all" else ""), zorder=3)
    months = monthly[(monthly["series"] == "all") & monthly["shown"]]
    for r in months.itertuples(index=False):
        mid = r.period + pd.Timedelta(days=14)
        ax.scatter([mid], [r.mean], s=36, color="black", zorder=4)
        ax.annotate(f"{r.period:%b}: {r.mean:.2f}\nn={r.customers}", (mid, r.mean), textcoords="offset points",
                    xytext=(0, 9), ha="center", fontsize=7)
    ax.axhline(acceptable, color=GREY, linewidth=1, linestyle="--", zorder=1)
    ax.text(1.0, acceptable, f" acceptable {acceptable:g}", transform=ax.get_yaxis_transform(), fontsize=7,
            va="center", color="#555555")
    values = rolling["mean"].dropna()
    ax.set_ylim(max(PERFORMANCE_SCALE[0], min(values.min(), acceptable) - 0.4),
                min(PERFORMANCE_SCALE[1], max(values.max(), acceptable) + 0.5))
    ax.set_ylabel("Performance (1-5)", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%d %b"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize=7, frameon=False)
    ax.set_title("Performance in the customers' eyes over time (black dots: month means)")
    return fig


def outside_in(table: pd.DataFrame, threshold: float) -> Figure:
    """Per linked dimension: the staff's score and the customers' rating of its drivers, both as a share of
    their scale; a thick line where they differ by `threshold` or more."""
    if table.empty:
        return _nothing("No dimension is linked to a driver customers rated")
    t = table.dropna(subset=["staff_share"]).iloc[::-1]
    fig = _figure(PAGE_WIDTH, 0.55 + 0.26 * len(t))
    ax = fig.add_subplot()
    y = np.arange(len(t))
    apart = (t["difference"].abs() >= threshold).to_numpy()
    for i, (s, c, far) in enumerate(zip(t["staff_share"], t["customers_share"], apart)):
        ax.plot([s, c], [i, i], color=VERMILION if far else GREY, linewidth=2.5 if far else 1, zorder=1)
    ax.scatter(t["staff_share"], y, color=BLUE, s=28, label="Staff (maturity score)", zorder=3)
    ax.scatter(t["customers_share"], y, color=ORANGE, marker="D", s=28, label="Customers (its drivers)", zorder=3)
    ax.set_yticks(y, [_wrap(n, 34) for n in t["name"]], fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("Share of the scale reached (staff: lowest to highest level; customers: 1 to 5)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=7, frameon=False)
    ax.set_title("Inside-out against outside-in (red: they disagree)", pad=18)
    return fig
