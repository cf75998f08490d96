"""The workshop session: decisions change live, undo and reset work, saving keeps the consultant's
client.yaml intact, logs who decided what, and never silently overwrites another tab's save."""
from __future__ import annotations

import pytest

from workbench.engagement.folder import load_engagement
from workbench.workshop.session import SavedElsewhere, Workshop, read_log

NORTHBANK = "northbank-it-service-desk"


def test_a_target_change_moves_gaps_and_roadmap_and_undo_brings_them_back(example_copy):
    ws = Workshop(example_copy(NORTHBANK))
    before = ws.planning()
    dim = "service-recovery"
    old = ws.current.target_map[dim]
    after = ws.decide(targets={dim: 5})
    gap = lambda p: float(p.gaps.set_index("dimension").loc[dim, "gap"])  # noqa: E731
    assert gap(after) == pytest.approx(gap(before) + (5 - old))
    assert ws.changes() == [(f"target {dim}", old, 5)]
    smaller = ws.decide(capacity=10.0)  # "what if we only have 10 person-weeks a wave?"
    waves = lambda p: list(zip(p.roadmap.plan["title"], p.roadmap.plan["wave"]))  # noqa: E731
    assert waves(smaller) != waves(after)
    assert len(smaller.roadmap.plan) + len(smaller.roadmap.unscheduled) >= len(after.roadmap.plan)
    ws.undo()
    ws.undo()
    assert ws.current == ws.saved and ws.changes() == []
    assert gap(ws.planning()) == pytest.approx(gap(before))


def test_save_writes_client_yaml_keeps_comments_and_logs_the_decision(example_copy):
    folder = example_copy(NORTHBANK)
    path = folder / "client.yaml"
    path.write_text("# Notes from the kick-off: keep this comment.\n" + path.read_text())
    ws = Workshop(folder)
    waves = ws.current.waves + 1
    ws.decide(targets={"service-recovery": 5}, waves=waves)
    changes = ws.save(who="Maya Lindgren", note="Leadership workshop")
    assert [c[0] for c in changes] == ["target service-recovery", "waves"]
    text = path.read_text()
    assert text.startswith("# Notes from the kick-off: keep this comment.")
    eng = load_engagement(folder)
    assert eng.config.vision.targets["service-recovery"].level == 5 and eng.config.roadmap.waves == waves
    log = read_log(folder)
    assert {r["item"] for r in log} >= {"target service-recovery", "waves"}
    assert all(r["who"] == "Maya Lindgren" and r["note"] == "Leadership workshop" and r["time"] for r in log)
    assert [r["to"] for r in log if r["item"] == "waves"] == [str(waves)]
    assert ws.changes() == []  # what is saved is now the baseline


def test_two_tabs_do_not_silently_overwrite_each_other(example_copy):
    folder = example_copy(NORTHBANK)
    tab1, tab2 = Workshop(folder), Workshop(folder)
    tab1.decide(targets={"collaboration": 5})
    tab1.save(who="tab one")
    tab2.decide(targets={"collaboration": 2})
    with pytest.raises(SavedElsewhere) as err:
        tab2.save(who="tab two")
    assert "changed on disk" in err.value.render()
    assert load_engagement(folder).config.vision.targets["collaboration"].level == 5  # tab one's save stands
    tab2.save(who="tab two", overwrite=True)  # the person chose to overwrite
    assert load_engagement(folder).config.vision.targets["collaboration"].level == 2
    assert [r["who"] for r in read_log(folder)] == ["tab one", "tab two"]


def test_reset_to_saved_rereads_the_file(example_copy):
    ws = Workshop(example_copy(NORTHBANK))
    ws.decide(capacity=5.0, targets={"collaboration": 1})
    ws.reset()
    assert ws.current == ws.saved and not ws.changes()
    ws.undo()  # a reset can be undone: the decisions shown before it come back, unsaved
    assert ws.current.capacity == 5.0 and ws.current.target_map["collaboration"] == 1 and ws.changes()


def _svg_texts(svg: str) -> list[str]:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)  # well-formed: every label escaped
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_the_panel_views_follow_every_decision(example_copy):
    from workbench.workshop.panel import WorkshopPanel

    panel = WorkshopPanel(example_copy(NORTHBANK))
    plan = panel.ws.planning().roadmap.plan
    gantt = panel.gantt.value
    assert gantt.count("<rect") - gantt.count('fill="#F2F2F2"') - 2 == len(plan)  # one bar each, 2 legend keys
    import textwrap

    assert [textwrap.shorten(t, 48, placeholder="...") for t in plan["title"]] == \
        [t for t in _svg_texts(gantt) if t in {textwrap.shorten(x, 48, placeholder="...") for x in plan["title"]}]
    names = list(panel.ws.planning().dimensions["name"])
    radar_text = " ".join(_svg_texts(panel.radar.value))
    assert all(word in radar_text for name in names for word in name.split())

    slider = panel.target_sliders["service-recovery"]
    before = {v: getattr(panel, v).value for v in ("radar", "gantt", "trajectory")}
    traj = panel.trajectory.value
    slider.value = 5  # as the browser does when the slider moves
    assert panel.ws.current.target_map["service-recovery"] == 5
    assert panel.radar.value != before["radar"] and panel.trajectory.value != traj
    row = _svg_texts(panel.trajectory.value)
    i = row.index("Service recovery")
    assert row[i + len(panel.ws.planning().roadmap.waves) + 2] == "5"  # the row ends with the new target
    # beside the radar: what the new target level looks like in the dimension just moved
    assert f"<b>Service recovery, target 5 {panel.model.level_named(5).name}:</b>" in panel.focus.value
    panel.undo()
    assert {v: getattr(panel, v).value for v in ("radar", "gantt", "trajectory")} == before


def test_wave_labels_never_overlap_however_many_waves(example_copy):
    import xml.etree.ElementTree as ET

    from workbench.workshop import live_charts

    ws = Workshop(example_copy(NORTHBANK))
    for waves in (6, 12):
        roadmap = ws.decide(waves=waves, capacity=60.0).roadmap
        svg = ET.fromstring(live_charts.gantt(roadmap.plan, roadmap.waves))
        labels = [(float(t.get("x")), "".join(t.itertext())) for t in svg.iter("{http://www.w3.org/2000/svg}text")
                  if t.get("fill") == live_charts.GREY]  # the wave labels, above the bars
        assert [s.removeprefix("Wave ") for _, s in labels] == [str(w) for w in roadmap.waves["wave"]]
        half = [0.6 * live_charts.SMALL * len(s) / 2 for _, s in labels]  # DejaVu Sans: about 0.6 em a character
        spans = [(x - h, x + h) for (x, _), h in zip(labels, half)]
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), (waves, labels)  # side by side, never over
