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
import pandas as pd
from IPython.display import display

from assessment.problems import InputError
from roadmaps.gaps import PriorityWeights
from workbench.engagement.customers import customer_view
from workbench.planning import Planning
from workbench.reports import customer_text, readable, views
from workbench.workshop import consequences, live_charts, scenarios
from workbench.workshop.session import SavedElsewhere, Workshop

CSS = """<style>
.wb-panel { font-size: 18px; }
.wb-panel .widget-label, .wb-panel .widget-readout, .wb-panel .widget-button, .wb-panel input,
.wb-panel select, .wb-panel .widget-html-content { font-size: 18px !important; }
.wb-panel .widget-label, .wb-panel .widget-html-content { line-height: 1.35; }
.wb-panel .widget-readout { width: auto !important; min-width: 7.5em; max-width: none !important;
  overflow: visible !important; text-align: left; }
.wb-panel .wb-table { border-collapse: collapse; font-size: 18px; width: 100%; }
.wb-panel .wb-table th { background: #1F4E79; color: white; text-align: left; padding: 4px 8px; }
.wb-panel .wb-table td { border-bottom: 1px solid #ddd; padding: 3px 8px; vertical-align: top; }
.wb-panel .wb-status { color: #1F4E79; } .wb-panel .wb-warn { color: #D55E00; font-weight: bold; }
.wb-panel h3 { font-size: 24px; margin: 18px 0 6px 0; color: #1F4E79; }
.wb-row { display: flex !important; flex-flow: row wrap; gap: 28px; align-items: flex-start; width: 100%; }
.wb-col { flex: 1 1 520px !important; min-width: 0; }
.wb-col.wb-controls { flex: 0 1 460px !important; }
.wb-panel .widget-button, .wb-panel .widget-toggle-button { width: auto !important; min-width: 6em;
  padding: 0 14px; font-size: 18px !important; height: 36px; }
.wb-wide { width: 100%; }
.wb-chart svg { width: 100%; height: auto; }
.wb-dim-name { font-weight: bold; margin-top: 4px; }
.wb-customer { font-weight: normal; font-size: 18px; color: #555; margin-left: 0.6em; white-space: nowrap; }
.wb-customer-low { color: #b5400e; font-weight: bold; }
.wb-customers { border-left: 4px solid #d55e00; padding: 4px 10px; margin-top: 8px; }
.wb-customers ul { margin: 4px 0 0 0; padding-left: 1.2em; }
.wb-descriptor, .wb-note { font-size: 18px; color: #333; line-height: 1.35; }
.wb-warnings ul { margin: 6px 0; padding-left: 24px; color: #8a3b00; }
.wb-warnings { border-left: 6px solid #D55E00; background: #FFF4EC; padding: 4px 12px; }
.wb-bar { position: sticky; top: 0; z-index: 20; background: #F4F7FB; border-bottom: 2px solid #1F4E79;
  padding: 6px 10px; box-shadow: 0 2px 6px rgba(0,0,0,0.15); }
.wb-bar .wb-pending-list table { font-size: 18px; }
.wb-bar .wb-pending { max-height: 7.5em; overflow-y: auto; }
.wb-panel.wb-presenting { zoom: 1.3; }
.wb-scenarios { border: 2px solid #1F4E79; padding: 6px 12px; background: #FBFCFE; }
.wb-scenarios .wb-table td.wb-what { font-weight: bold; width: 16em; }
.wb-scenarios .wb-table td { width: 40%; }
.wb-scenarios .wb-item { margin: 1px 0; }
.wb-scenarios .wb-inline .wb-item { display: inline-block; margin: 1px 14px 1px 0; }
.wb-scenarios .wb-diff { background: #FFE8A3; font-weight: bold; padding: 0 3px; }
.wb-scenarios tr.wb-same td { color: #555; }
</style>"""

GAP_COLUMNS = {"rank": "Rank", "name": "Dimension", "current": "Today", "target": "Target", "gap": "Gap",
               "why": "Why it ranks here"}
SCORECARD_COLUMNS = {"name": "KPI", "change": "Baseline → target", "better": "Better when", "due": "Due",
                     "first_wave": "Work starts", "moved_by": "Moved by"}


class WorkshopPanel:
    """Controls, views and the save/undo/reset bar for one engagement. `sections` picks what to show:
    'targets', 'scorecard', 'roadmap'."""

    def __init__(self, folder: str | Path, sections=("targets", "scorecard", "roadmap"), who: str = "",
                 deck: str | Path | None = None):
        self.ws = Workshop(Path(folder))
        self.deck = Path(deck) if deck else None  # the client's deck.pptx: the export appends its slides
        self.sections = sections
        self.model = self.ws.engagement.model
        self._syncing = False
        self.last_seconds = 0.0
        self._drawn: dict[str, object] = {}  # view -> the inputs it was last drawn from
        self._build(who)
        self.refresh()

    # ------------------------------------------------------------ building

    def _build(self, who: str) -> None:
        """The sticky bar (status, pending changes, who decides, Save, Undo, Reset), what needs attention, then
        each section's controls beside the views they drive: each section only when asked for."""
        self._target_controls()
        self._roadmap_controls()
        self._kpi_controls()
        self._views()
        self._save_bar(who)
        parts = [W.HTML(CSS), self.bar, self.warnings, self.scenario_box]
        if "targets" in self.sections:
            parts += [W.HTML("<h3>Target level per dimension</h3>"),
                      _row(self.targets_box, W.VBox([self.radar, self.focus, self.customer_box]))]
        if "roadmap" in self.sections:
            parts += [W.HTML("<h3>Priorities and capacity, and the gaps they rank</h3>"),
                      _row(W.VBox([*self.weight_sliders.values(), self.capacity, self.waves, self.start,
                                   self.excluded]),
                           W.VBox([self.gaps_note, self.gaps_table])),
                      W.HTML("<h3>The roadmap</h3>"), self.gantt, self.trajectory, self.unscheduled]
        if "scorecard" in self.sections and self.kpi_inputs:
            parts += [W.HTML("<h3>The scorecard: how the arrival will show</h3>"),
                      _row(self.kpi_box, self.scorecard)]
        parts.append(self.done)
        self.widget = W.VBox(parts)
        self.widget.add_class("wb-panel")

    def _target_controls(self) -> None:
        """A level slider per dimension under its name; the level's descriptor shows beside the radar for the
        dimension last moved."""
        m, d = self.model, self.ws.current
        levels = [(f"{lv.value} {lv.name}", lv.value) for lv in m.levels]
        self.target_sliders = {}
        rows = []
        # the customers' view beside the targets: it does not change with the decisions, so it is made once
        self.customers = customer_view(self.ws.engagement, self.ws.assessment.dimensions)
        rated = {} if self.customers is None else self.customers.outside_in.set_index("dimension")["customers"]
        for dim in m.dimensions:
            s = W.SelectionSlider(options=levels, value=d.target_map[dim.id], continuous_update=False,
                                  layout=W.Layout(width="100%"))
            s.add_class(f"wb-target-{dim.id}")
            s.observe(lambda _c, dim=dim.id: setattr(self, "focus_dim", dim), names="value")  # before the redraw
            s.observe(self._on_change, names="value")
            self.target_sliders[dim.id] = s
            badge = ""
            if dim.id in rated:
                low = rated[dim.id] < self.customers.acceptable
                badge = (f'<span class="wb-customer{" wb-customer-low" if low else ""}" title="How customers rate '
                         f'the drivers that depend on it">customers {rated[dim.id]:.1f} of 5</span>')
            name = W.HTML(f'<div class="wb-dim-name">{html.escape(dim.name)}{badge}</div>')
            rows.append(W.VBox([name, s]))
        self.targets_box = W.VBox(rows)
        self.customer_box = W.HTML(self._customer_html())
        self.customer_box.add_class("wb-customer-view")
        self.focus_dim = m.dimensions[0].id

    def _roadmap_controls(self) -> None:
        """Priority weights, capacity, waves, the first wave's date and the initiatives left out."""
        d = self.ws.current
        wide = {"style": {"description_width": "11em"}, "layout": W.Layout(width="100%")}
        weights = {"style": {"description_width": "13em"}, "layout": W.Layout(width="100%")}  # "Weight: disagreement"
        self.weight_sliders = {k: W.FloatSlider(value=v, min=0, max=1, step=0.05, readout_format=".2f",
                                                description=f"Weight: {k}", continuous_update=False, **weights)
                               for k, v in d.weights.model_dump().items()}
        for k, w in self.weight_sliders.items():
            w.add_class(f"wb-weight-{k}")
        self.capacity = W.FloatSlider(value=d.capacity, min=5, max=max(200, d.capacity), step=5,
                                      readout_format=".0f", description="Person-weeks a wave",
                                      continuous_update=False, **wide)
        self.capacity.add_class("wb-capacity")
        self.waves = W.IntSlider(value=d.waves, min=1, max=max(12, d.waves), description="Waves",
                                 continuous_update=False, **wide)
        self.waves.add_class("wb-waves")
        self.start = W.DatePicker(value=d.start, description="First wave starts", style={"description_width": "11em"})
        catalogue = self.ws.engagement.catalogue
        options = [(f"{i.title} ({i.id})", i.id) for i in catalogue.initiatives] if catalogue else []
        self.excluded = W.SelectMultiple(options=options, value=tuple(sorted(d.excluded)),
                                         description="Leave out", rows=6, style={"description_width": "11em"},
                                         layout=W.Layout(width="100%"))
        for w in [*self.weight_sliders.values(), self.capacity, self.waves, self.start, self.excluded]:
            w.observe(self._on_change, names="value")

    def _kpi_controls(self) -> None:
        """A target box per KPI of the scorecard, under the KPI's name, unit and baseline."""
        self.kpi_inputs, rows = {}, []
        for k in self.ws.engagement.config.vision.scorecard:
            unit = k.unit.strip()
            base = "no baseline yet" if k.baseline is None else f"today {readable.figure(k.baseline, unit)}"
            label = W.HTML(f'<div class="wb-dim-name">{html.escape(k.name)}</div>'
                           f'<div class="wb-note">{html.escape(base)}{", due " + str(k.due) if k.due else ""}</div>')
            box = W.FloatText(value=k.target, description=f"Target{' (' + unit + ')' if unit else ''}",
                              description_allow_html=False, style={"description_width": "initial"},
                              layout=W.Layout(width="100%"))
            box.observe(self._on_change, names="value")
            box.add_class(f"wb-kpi-{k.id}")
            self.kpi_inputs[k.id] = box
            rows.append(W.VBox([label, box]))
        self.kpi_box = W.VBox(rows)

    def _views(self) -> None:
        """The radar, the gaps of every dimension, the Gantt chart, the trajectory, what the plan leaves out,
        the scorecard and the warnings: redrawn by refresh()."""
        names = ["radar", "gaps", "gantt", "trajectory", "unscheduled", "scorecard", "warnings", "focus", "gaps-note"]
        views = {n: W.HTML(layout=W.Layout(width="100%")) for n in names}
        for n, w in views.items():
            w.add_class(f"wb-view-{n}")
        for n in ("radar", "gantt", "trajectory"):
            views[n].add_class("wb-chart")
        views["warnings"].add_class("wb-warnings")
        (self.radar, self.gaps_table, self.gantt, self.trajectory, self.unscheduled, self.scorecard, self.warnings,
         self.focus, self.gaps_note) = views.values()
        self.refreshes = 0
        self.done = W.HTML(layout=W.Layout(display="none"))  # bumped last in a refresh: every view is current
        self.done.add_class("wb-refresh-count")

    def _save_bar(self, who: str) -> None:
        """Who decides, a note, Save, Undo, Reset and (after a conflict) Overwrite, and the status line."""
        self.who = W.Text(value=who, description="Decided by", placeholder="name of who decides",
                          style={"description_width": "6.5em"}, layout=W.Layout(width="20em"))
        self.note = W.Text(description="Note", placeholder="e.g. leadership workshop of 23 Nov",
                           style={"description_width": "3.5em"}, layout=W.Layout(width="22em"))
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
        self.keep_button = W.Button(description="Keep as scenario A",
                                    tooltip="Freeze this plan as scenario A and compare what you change next with it")
        self.keep_button.add_class("wb-button-keep-a")
        self.keep_button.on_click(lambda _: self.keep_scenario())
        self._scenario_controls()
        self.export_button = W.Button(description="Export what we decided",
                                      tooltip="A one-page PDF of the decisions and what the plan leads to"
                                              + (", and slides at the end of the deck" if self.deck else ""))
        self.export_button.add_class("wb-button-export")
        self.export_button.on_click(lambda _: self.export())
        self.presenting = W.ToggleButton(value=False, description="Presenting",
                                         tooltip="Larger text and charts for the back of the room")
        self.presenting.add_class("wb-button-presenting")
        self.presenting.observe(self._present, names="value")
        self.bar = W.VBox([W.HBox([self.save_button, self.undo_button, self.reset_button, self.overwrite_button,
                                   self.keep_button, self.export_button, self.who, self.note, self.presenting],
                                  layout=W.Layout(flex_flow="row wrap")),
                           self.confirm_reset, self.status, self.pending])
        self.bar.add_class("wb-bar")

    def _scenario_controls(self) -> None:
        """Scenario A (kept) beside the live plan B, with the buttons that save either, swap or drop A."""
        self.kept = None  # (decisions, planning, time kept) of scenario A
        self.scenario_view = W.HTML(layout=W.Layout(width="100%"))
        self.scenario_view.add_class("wb-view-scenarios")
        buttons = []
        for name, text, act in (("save-a", "Save A as the decision", lambda _: self.save_scenario("a")),
                                ("save-b", "Save B as the decision", lambda _: self.save_scenario("b")),
                                ("swap", "Swap A and B", lambda _: self.swap_scenarios()),
                                ("drop-a", "Drop scenario A", lambda _: self.drop_scenario())):
            b = W.Button(description=text, button_style="primary" if name.startswith("save") else "")
            b.add_class(f"wb-button-{name}")
            b.on_click(act)
            buttons.append(b)
        self.scenario_box = W.VBox([W.HTML("<h3>Scenario A beside the live plan B</h3>"), self.scenario_view,
                                    W.HBox(buttons, layout=W.Layout(flex_flow="row wrap"))],
                                   layout=W.Layout(display="none"))
        self.scenario_box.add_class("wb-scenarios")

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

    def _customer_html(self) -> str:
        """In the customers' eyes, beside the targets: the roots below the acceptable level and where staff and
        customers disagree; nothing without customer answers."""
        c = self.customers
        if c is None:
            return ""
        items = [f"<li><b>Root below acceptable:</b> {html.escape(line)}</li>" for line in customer_text.weak_roots(c)]
        items += [f"<li>{html.escape(r.name)}: staff {r.staff_share:.0%} of the scale, customers "
                  f"{r.customers_share:.0%}: {html.escape(r.verdict)}</li>" for r in c.disagreements.itertuples()]
        h = c.headline
        return (f'<div class="wb-customers"><b>In the customers\' eyes</b> ({h["customers"]} customers, '
                f'{pd.Timestamp(h["first"]):%-d %b} to {pd.Timestamp(h["last"]):%-d %b %Y})'
                f'<ul>{"".join(items) or "<li>Every root holds and staff and customers agree.</li>"}</ul></div>')

    def refresh(self, p: Planning | None = None) -> None:
        """Redraw every view for `p`, the planning of the current decisions (planned here when not given)."""
        t = time.perf_counter()
        p = self.ws.planning() if p is None else p
        lines = consequences.warnings(p)
        self.warnings.value = ("<b>Before you decide:</b><ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in lines)
                               + "</ul>") if lines else ""
        self.warnings.layout.display = "" if lines else "none"
        if "targets" in self.sections:
            dims = p.dimensions
            self._view("radar", (tuple(dims["current"]), tuple(dims["target"])), lambda: live_charts.radar(
                list(dims["name"]), list(dims["current"]), list(dims["target"]), self.model.levels))
            dim = next(d for d in self.model.dimensions if d.id == self.focus_dim)
            level = self.ws.current.target_map[dim.id]
            self.focus.value = (f'<div class="wb-descriptor"><b>{html.escape(dim.name)}, target '
                                f"{level} {html.escape(self.model.level_named(level).name)}:</b> "
                                f"{html.escape(dim.descriptors.get(level, ''))}</div>")
        if "roadmap" in self.sections:
            off = consequences.ranking_off(p.weights)
            self.gaps_note.value = (f'<div class="wb-note">{html.escape(consequences.gaps_summary(p))} '
                                    + (f'<span class="wb-warn wb-no-ranking">{html.escape(consequences.NO_RANKING)}'
                                       "</span>" if off else html.escape(readable.weights_sentence(
                                        p.weights, customers=not p.engagement.customer_answers.empty)))
                                    + "</div>")
            g = p.gaps  # the gaps' table only when what it shows changed (a capacity move leaves it as it was)
            self._view("gaps_table", (g[["dimension", "target", "priority", "status"]].to_json(), p.weights),
                       lambda: views.table_html(consequences.gap_rows(p), GAP_COLUMNS,
                                                formats={"current": "{:.1f}", "gap": "{:.1f}"}))
            plan, waves, traj = p.roadmap.plan, p.roadmap.waves, p.roadmap.trajectory
            plan_key = (plan.to_json(), waves.to_json())
            self._view("gantt", plan_key, lambda: live_charts.gantt(plan, waves))
            self._view("trajectory", traj.to_json(), lambda: live_charts.trajectory(traj, self.model.levels))
            self._view("unscheduled", (plan_key, p.roadmap.unscheduled.to_json()), lambda: self._left_out(p))
        if "scorecard" in self.sections:
            self._view("scorecard", (p.scorecard.to_json(), p.roadmap.plan[["initiative", "wave"]].to_json()),
                       lambda: views.table_html(consequences.scorecard_rows(p), SCORECARD_COLUMNS))
        self._show_scenarios(p)
        self._show_pending()
        self.refreshes += 1
        self.done.value = str(self.refreshes)
        self.last_seconds = time.perf_counter() - t

    @staticmethod
    def _left_out(p: Planning) -> str:
        left = readable.left_out(p)  # what the plan leaves out and why, as the report says it
        return (f"<h3>Not in the plan ({len(left)}), and why</h3>"
                + views.table_html(left, {"item": "Initiative or step", "reason": "Why it is not in the plan"})
                if len(left) else '<p class="wb-note">Every initiative the gaps need is in the plan.</p>')

    def _view(self, name: str, inputs, draw) -> None:
        """Redraw a view only when what it shows has changed (`inputs`: a cheap key of it)."""
        if self._drawn.get(name) != inputs:
            getattr(self, name).value = draw()
            self._drawn[name] = inputs

    def _show_scenarios(self, p: Planning) -> None:
        """A and B side by side; an item found on one side only is highlighted, as is a row that differs."""
        self.scenario_box.layout.display = "" if self.kept else "none"
        if not self.kept:
            return
        da, pa, when = self.kept
        rows = []
        for r in scenarios.comparison(pa, p, da, self.ws.current).itertuples(index=False):
            inline = all(len(x) <= 24 for x in (*r.a, *r.b))  # short items (waves' effort) side by side
            cells = "".join(
                f'<td class="{"wb-inline" if inline else ""}">' + "".join(f'<div class="wb-item{" wb-diff" if x not in set(other) else ""}">{html.escape(x)}</div>'
                                 for x in mine) + "</td>" for mine, other in ((r.a, r.b), (r.b, r.a)))
            rows.append(f'<tr class="{"wb-differs" if r.differs else "wb-same"}"><td class="wb-what">'
                        f"{html.escape(r.what)}</td>{cells}</tr>")
        self.scenario_view.value = (f'<table class="wb-table"><thead><tr><th></th><th>A: kept at {when:%H:%M}</th>'
                                    f'<th>B: the live plan</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
                                    '<p class="wb-note">Highlighted: what differs between A and B.</p>')

    def keep_scenario(self) -> None:
        """Freeze the current plan as scenario A; what the room changes next is scenario B."""
        self.kept = (self.ws.current, self.ws.planning(), dt.datetime.now())
        self.refresh()
        self._status("Kept as scenario A. Change anything: the live plan is B, shown beside A.")

    def drop_scenario(self) -> None:
        self.kept = None
        self.refresh()

    def swap_scenarios(self) -> None:
        """A becomes the live plan (undoably) and what was live is kept as A."""
        if not self.kept:
            return
        da = self.kept[0]
        self.kept = (self.ws.current, self.ws.planning(), dt.datetime.now())
        p = self.ws.adopt(da)
        self._sync_controls()
        self.refresh(p)
        self._status("Swapped: the live plan is what was A; what was live is kept as A.")

    def save_scenario(self, which: str) -> None:
        """Save A or B as the decision. Saving A makes it the live plan, and what was live is kept as the
        scenario beside it, so neither is lost."""
        if which == "b" or not self.kept:
            self.save()
            return
        if not self.who.value.strip():
            self._status("Say who decides (the 'Decided by' box) before saving.", warn=True)
            return
        live = self.ws.current
        self.ws.adopt(self.kept[0])
        self._sync_controls()
        if self.save() and live != self.ws.current:
            self.kept = (live, self.ws.planning(live), dt.datetime.now())
            self.refresh()
            self._status(f"Saved scenario A as the decision at {dt.datetime.now():%H:%M}. The plan that was live "
                         "is now kept beside it as scenario A.")

    def export(self) -> list[Path]:
        """'What we decided' as a one-page PDF in the engagement folder, and as slides appended to the deck."""
        from workbench.workshop import decided  # the printer (Chromium) only when asked for

        self._status("Exporting what we decided…")
        try:
            written = decided.export(self.ws, deck_path=self.deck)
        except InputError as exc:
            self._status(exc.render(), warn=True)
            return []
        except Exception as exc:  # e.g. no Chromium to print with: said on the page, the session goes on
            self._status(f"Not exported: {exc}", warn=True)
            return []
        slides = " and added its slides to the end of " + written[1].name if len(written) > 1 else ""
        self._status(f"Wrote {written[0].name} in the engagement folder{slides}.")
        return written

    def _present(self, change) -> None:
        """Presenting: everything larger (the page's zoom), for the back of the room."""
        (self.widget.add_class if change["new"] else self.widget.remove_class)("wb-presenting")

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

    def save(self, overwrite: bool = False) -> bool:
        """Save the live plan; True when client.yaml now holds it."""
        who = self.who.value.strip()
        if not who:
            self._status("Say who decides (the 'Decided by' box) before saving.", warn=True)
            return False
        try:
            changes = self.ws.save(who=who, note=self.note.value.strip(), overwrite=overwrite)
        except SavedElsewhere:
            self.overwrite_button.layout.display = ""
            self._status("Not saved: client.yaml was changed on disk after this page loaded it (another tab, a "
                         "colleague or an editor). 'Overwrite anyway' saves your changes into it (its other "
                         "edits stay; where both changed the same item, yours wins). 'Reset to saved…' shows "
                         "what is on disk now, and Undo then brings your changes back.", warn=True)
            return False
        except InputError as exc:
            self._status(exc.render(), warn=True)
            return False
        self.overwrite_button.layout.display = "none"
        self._sync_controls()  # what was saved, re-read: the controls show the file, a colleague's edits included
        self.refresh()
        self._status(f"Saved {len(changes)} decision{'s' * (len(changes) != 1)} to client.yaml at "
                     f"{dt.datetime.now():%H:%M}." if changes else "Nothing to save.")
        return True


def _row(controls, *views) -> W.HBox:
    """Controls beside the views they drive; the columns wrap under each other in a narrow window."""
    columns = [controls, *views]
    for c in columns:
        c.add_class("wb-col")
    controls.add_class("wb-controls")
    row = W.HBox(columns)
    row.add_class("wb-row")
    return row


def _stepped(slider) -> float:
    """The slider's value on its own grid of steps: arrow keys add binary fractions (25 + 5 - 5 can be
    25.000000000000004), a decision is a step."""
    steps = round((slider.value - slider.min) / slider.step)
    return round(slider.min + steps * slider.step, 6) + 0.0


def workshop_panel(engagement: str | Path, sections=("targets", "scorecard", "roadmap"), who: str = "",
                   deck: str | Path | None = None):
    """Display the live panel for an engagement (nothing in a batch run); returns the WorkshopPanel."""
    if not views.interactive():
        return None

    panel = WorkshopPanel(engagement, sections, who, deck)
    display(panel.widget)
    return panel
