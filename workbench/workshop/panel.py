"""The live workshop panels: ipywidgets controls bound to a Workshop session (workbench/workshop/session.py).

Every change recomputes the gaps and the roadmap (`Workshop.decide`, no notebook re-run) and redraws the
charts and tables beside the controls. Used by notebooks 01 (targets and scorecard) and 03 (everything),
and by `workbench workshop` (Voila). In a batch run the panels show nothing (views.interactive()).
"""
from __future__ import annotations

import datetime as dt
import html
import time
from pathlib import Path

import ipywidgets as W
from IPython.display import display

from assessment.problems import InputError
from roadmaps.gaps import PriorityWeights
from workbench.planning import Planning
from workbench.reports import views
from workbench.workshop import live_charts
from workbench.workshop.session import SavedElsewhere, Workshop

CSS = """<style>
.wb-panel { font-size: 15px; }
.wb-panel .wb-table { border-collapse: collapse; font-size: 13px; }
.wb-panel .wb-table th { background: #1F4E79; color: white; text-align: left; padding: 3px 6px; }
.wb-panel .wb-table td { border-bottom: 1px solid #ddd; padding: 2px 6px; }
.wb-panel .wb-status { color: #1F4E79; } .wb-panel .wb-warn { color: #D55E00; font-weight: bold; }
.wb-descriptor { font-size: 12px; color: #444; line-height: 1.3; }
.wb-descriptor .widget-html-content { line-height: 1.3; }
</style>"""

GAP_COLUMNS = {"rank": "Rank", "name": "Dimension", "current": "Today", "target": "Target", "gap": "Gap",
               "priority": "Priority", "why": "Why it ranks here"}


class WorkshopPanel:
    """Controls, views and the save/undo/reset bar for one engagement. `sections` picks what to show:
    'targets', 'scorecard', 'roadmap'."""

    def __init__(self, folder: str | Path, sections=("targets", "scorecard", "roadmap"), who: str = ""):
        self.ws = Workshop(Path(folder))
        self.sections = sections
        self.model = self.ws.engagement.model
        self._syncing = False
        self.last_seconds = 0.0
        self._drawn: dict[str, object] = {}  # view -> the inputs it was last drawn from
        self._build(who)
        self.refresh()

    # ------------------------------------------------------------ building

    def _build(self, who: str) -> None:
        """The controls and views, then the page: each section only when asked for."""
        self._target_controls()
        self._roadmap_controls()
        self._kpi_controls()
        self._views()
        self._save_bar(who)
        parts = [W.HTML(CSS)]
        if "targets" in self.sections:
            parts += [W.HTML("<h3>Target level per dimension</h3>"), W.HBox([self.targets_box, self.radar])]
        if "scorecard" in self.sections and self.kpi_inputs:
            parts += [W.HTML("<h3>Scorecard targets</h3>"), W.VBox(list(self.kpi_inputs.values()))]
        if "roadmap" in self.sections:
            parts += [W.HTML("<h3>Priorities and capacity</h3>"),
                      W.HBox([W.VBox(list(self.weight_sliders.values())),
                              W.VBox([self.capacity, self.waves, self.start])]),
                      self.excluded, W.HTML("<h3>Ranked gaps</h3>"), self.gaps_table,
                      W.HTML("<h3>The roadmap</h3>"), self.gantt, self.trajectory]
        parts += [W.HBox([self.who, self.note]),
                  W.HBox([self.save_button, self.undo_button, self.reset_button, self.overwrite_button]),
                  self.confirm_reset, self.status, self.pending, self.done]
        self.widget = W.VBox(parts)
        self.widget.add_class("wb-panel")

    def _target_controls(self) -> None:
        """A level slider per dimension, with the chosen level's descriptor beside it."""
        m, d = self.model, self.ws.current
        levels = [(f"{lv.value} {lv.name}", lv.value) for lv in m.levels]
        self.target_sliders, self.descriptors = {}, {}
        rows = []
        for dim in m.dimensions:
            s = W.SelectionSlider(options=levels, value=d.target_map[dim.id], description=dim.name,
                                  continuous_update=False, style={"description_width": "210px"},
                                  layout=W.Layout(width="560px"))
            s.add_class(f"wb-target-{dim.id}")
            s.observe(self._on_change, names="value")
            self.target_sliders[dim.id] = s
            self.descriptors[dim.id] = W.HTML(layout=W.Layout(width="420px"))
            self.descriptors[dim.id].add_class("wb-descriptor")
            rows.append(W.HBox([s, self.descriptors[dim.id]]))
        self.targets_box = W.VBox(rows)

    def _roadmap_controls(self) -> None:
        """Priority weights, capacity, waves, the first wave's date and the initiatives left out."""
        d = self.ws.current
        self.weight_sliders = {k: W.FloatSlider(value=v, min=0, max=1, step=0.05, description=k.title(),
                                                continuous_update=False)
                               for k, v in d.weights.model_dump().items()}
        self.capacity = W.FloatSlider(value=d.capacity, min=5, max=max(200, d.capacity), step=5,
                                      description="Capacity (pw/wave)", continuous_update=False,
                                      style={"description_width": "140px"}, layout=W.Layout(width="420px"))
        self.capacity.add_class("wb-capacity")
        self.waves = W.IntSlider(value=d.waves, min=1, max=max(12, d.waves), description="Waves",
                                 continuous_update=False)
        self.start = W.DatePicker(value=d.start, description="First wave")
        catalogue = self.ws.engagement.catalogue
        options = [(f"{i.title} ({i.id})", i.id) for i in catalogue.initiatives] if catalogue else []
        self.excluded = W.SelectMultiple(options=options, value=tuple(sorted(d.excluded)),
                                         description="Leave out", rows=8, layout=W.Layout(width="700px"))
        for w in [*self.weight_sliders.values(), self.capacity, self.waves, self.start, self.excluded]:
            w.observe(self._on_change, names="value")

    def _kpi_controls(self) -> None:
        """A target box per KPI of the scorecard."""
        self.kpi_inputs = {}
        for k in self.ws.engagement.config.vision.scorecard:
            box = W.FloatText(value=k.target, description=k.name[:28], style={"description_width": "220px"})
            box.observe(self._on_change, names="value")
            box.add_class(f"wb-kpi-{k.id}")
            self.kpi_inputs[k.id] = box

    def _views(self) -> None:
        """The radar, ranked gaps, Gantt chart and trajectory, redrawn by refresh()."""
        self.radar, self.gaps_table, self.gantt, self.trajectory = (W.HTML() for _ in range(4))
        for name, w in (("radar", self.radar), ("gaps", self.gaps_table), ("gantt", self.gantt),
                        ("trajectory", self.trajectory)):
            w.add_class(f"wb-view-{name}")
        self.refreshes = 0
        self.done = W.HTML(layout=W.Layout(display="none"))  # bumped last in a refresh: every view is current
        self.done.add_class("wb-refresh-count")

    def _save_bar(self, who: str) -> None:
        """Who decides, a note, Save, Undo, Reset and (after a conflict) Overwrite, and the status line."""
        self.who = W.Text(value=who, description="Decided by", placeholder="name of who decides",
                          style={"description_width": "90px"})
        self.note = W.Text(description="Note", placeholder="e.g. leadership workshop of 23 Nov")
        # no icons: ipywidgets draws them with an icon font that a page without internet cannot load
        self.save_button = W.Button(description="Save decisions", button_style="primary")
        self.undo_button = W.Button(description="Undo")
        self.reset_button = W.Button(description="Reset to saved…", button_style="warning")
        self.overwrite_button = W.Button(description="Overwrite anyway", button_style="danger",
                                         layout=W.Layout(display="none"))
        self.save_button.on_click(lambda _: self.save())
        self.undo_button.on_click(lambda _: self.undo())
        self.reset_button.on_click(lambda _: self.ask_reset())
        self.overwrite_button.on_click(lambda _: self.save(overwrite=True))
        for b, name in ((self.save_button, "save"), (self.undo_button, "undo"), (self.reset_button, "reset"),
                        (self.overwrite_button, "overwrite")):
            b.add_class(f"wb-button-{name}")
        self.confirm_text = W.HTML()
        yes, no = W.Button(description="Yes, reset", button_style="danger"), W.Button(description="Keep my changes")
        yes.add_class("wb-button-confirm-reset")
        no.add_class("wb-button-keep")
        yes.on_click(lambda _: self.reset())
        no.on_click(lambda _: self._hide_confirm())
        self.confirm_reset = W.HBox([self.confirm_text, yes, no], layout=W.Layout(display="none"))
        self.confirm_reset.add_class("wb-confirm-reset")
        self.status = W.HTML()
        self.status.add_class("wb-status-line")
        self.pending = W.HTML()
        self.pending.add_class("wb-pending")

    # ------------------------------------------------------------ reacting

    def _on_change(self, _change=None) -> None:
        if self._syncing:
            return
        try:
            p = self.ws.decide(
                targets={dim: s.value for dim, s in self.target_sliders.items()},
                weights=PriorityWeights(**{k: _stepped(s) for k, s in self.weight_sliders.items()}),
                capacity=_stepped(self.capacity), waves=int(self.waves.value),
                start=self.start.value or self.ws.current.start, excluded=set(self.excluded.value),
                kpi_targets={k: box.value for k, box in self.kpi_inputs.items()})
        except InputError as exc:  # e.g. a KPI target out of its unit's range: the control goes back
            self._sync_controls()
            self._status("Not taken: " + "; ".join(p.message for p in exc.problems), warn=True)
            return
        self.refresh(p)

    def refresh(self, p: Planning | None = None) -> None:
        """Redraw every view for `p`, the planning of the current decisions (planned here when not given)."""
        t = time.perf_counter()
        p = self.ws.planning() if p is None else p
        dims = p.dimensions
        for dim in self.model.dimensions:
            level = self.ws.current.target_map[dim.id]
            self.descriptors[dim.id].value = (f"<b>{html.escape(self.model.level_named(level).name)}:</b> "
                                              f"{html.escape(dim.descriptors.get(level, ''))}")
        if "targets" in self.sections:
            self._view("radar", (tuple(dims["current"]), tuple(dims["target"])), lambda: live_charts.radar(
                list(dims["name"]), list(dims["current"]), list(dims["target"]), self.model.levels))
        if "roadmap" in self.sections:
            self.gaps_table.value = views.table_html(p.gaps.head(8), GAP_COLUMNS,
                                                     formats={"gap": "{:+.2f}", "priority": "{:.3f}"})
            plan, waves, traj = p.roadmap.plan, p.roadmap.waves, p.roadmap.trajectory
            self._view("gantt", (plan.to_json(), waves.to_json()), lambda: live_charts.gantt(plan, waves))
            self._view("trajectory", traj.to_json(), lambda: live_charts.trajectory(traj, self.model.levels))
        self._show_pending()
        self.refreshes += 1
        self.done.value = str(self.refreshes)
        self.last_seconds = time.perf_counter() - t

    def _view(self, name: str, inputs, draw) -> None:
        """Redraw a chart only when what it shows has changed."""
        if self._drawn.get(name) != inputs:
            getattr(self, name).value = draw()
            self._drawn[name] = inputs

    def _show_pending(self, status: bool = True) -> None:
        """The unsaved changes, each as what: from -> to (data-count tells the page whether leaving loses work)."""
        pending = self.ws.pending()
        rows = "".join(f"<tr><td>{html.escape(what)}</td><td>{html.escape(a)}</td><td>&rarr;</td>"
                       f"<td><b>{html.escape(b)}</b></td></tr>" for what, a, b in pending)
        self.pending.value = (f'<div class="wb-pending-list" data-count="{len(pending)}">'
                              + (f'<table class="wb-table">{rows}</table>' if pending else "") + "</div>")
        if status:
            self._status(f"{len(pending)} unsaved change{'s' * (len(pending) != 1)}" if pending
                         else "Everything shown is saved in client.yaml.")

    def _status(self, text: str, warn: bool = False) -> None:
        self.status.value = f'<span class="{"wb-warn" if warn else "wb-status"}">{html.escape(text)}</span>'

    def _sync_controls(self) -> None:
        """Set every control from the session's decisions without triggering recomputation."""
        d = self.ws.current
        self._syncing = True
        try:
            for dim, s in self.target_sliders.items():
                s.value = d.target_map[dim]
            for k, s in self.weight_sliders.items():
                s.value = getattr(d.weights, k)
            self.capacity.value, self.waves.value, self.start.value = d.capacity, d.waves, d.start
            self.excluded.value = tuple(sorted(d.excluded))
            for k, box in self.kpi_inputs.items():
                box.value = d.kpi_map.get(k)
        finally:
            self._syncing = False

    def undo(self) -> None:
        p = self.ws.undo()
        self._sync_controls()
        self.refresh(p)

    def ask_reset(self) -> None:
        """Reset asks first when it would discard something."""
        n = len(self.ws.changes())
        if not n and not self.ws.changed_on_disk():
            self.reset()
            return
        what = f"Discard {n} unsaved change{'s' * (n != 1)} and show" if n else "Show"
        self.confirm_text.value = (f"<b>{what} client.yaml as it is saved now?</b> "
                                   + ("Undo brings the changes back." if n else ""))
        self.confirm_reset.layout.display = ""

    def _hide_confirm(self) -> None:
        self.confirm_reset.layout.display = "none"

    def reset(self) -> None:
        """client.yaml as saved now (re-read); Undo brings back what was shown before."""
        p = self.ws.reset()
        self._hide_confirm()
        self._sync_controls()
        self.overwrite_button.layout.display = "none"
        self.refresh(p)
        if self.ws.history:
            self._status("Reset to what client.yaml holds. Undo brings back the changes you had.")

    def save(self, overwrite: bool = False) -> None:
        who = self.who.value.strip()
        if not who:
            self._status("Say who decides (the 'Decided by' box) before saving.", warn=True)
            return
        try:
            changes = self.ws.save(who=who, note=self.note.value.strip(), overwrite=overwrite)
        except SavedElsewhere:
            self.overwrite_button.layout.display = ""
            self._status("Not saved: client.yaml was changed on disk after this page loaded it (another tab, a "
                         "colleague or an editor). 'Overwrite anyway' saves your changes into it (its other "
                         "edits stay; where both changed the same item, yours wins). 'Reset to saved…' shows "
                         "what is on disk now, and Undo then brings your changes back.", warn=True)
            return
        except InputError as exc:
            self._status(exc.render(), warn=True)
            return
        self.overwrite_button.layout.display = "none"
        self._sync_controls()  # what was saved, re-read: the controls show the file, a colleague's edits included
        self.refresh()
        self._status(f"Saved {len(changes)} decision{'s' * (len(changes) != 1)} to client.yaml at "
                     f"{dt.datetime.now():%H:%M}." if changes else "Nothing to save.")


def _stepped(slider) -> float:
    """The slider's value on its own grid of steps: arrow keys add binary fractions (25 + 5 - 5 can be
    25.000000000000004), a decision is a step."""
    steps = round((slider.value - slider.min) / slider.step)
    return round(slider.min + steps * slider.step, 6) + 0.0


def workshop_panel(engagement: str | Path, sections=("targets", "scorecard", "roadmap"), who: str = ""):
    """Display the live panel for an engagement (nothing in a batch run); returns the WorkshopPanel."""
    if not views.interactive():
        return None

    panel = WorkshopPanel(engagement, sections, who)
    display(panel.widget)
    return panel
