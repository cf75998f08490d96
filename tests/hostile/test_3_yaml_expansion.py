"""Class 3: YAML that expands. Alias expansion, nesting and document size are bounded: an alias bomb in
client.yaml or a model is refused at once with a clear error; anchors used sensibly still work."""
from __future__ import annotations

import pytest

from hostile_inputs import ALIAS_BOMB, NORTHBANK, copy_example, snapshot, workbench

from conftest import ROOT


@pytest.mark.parametrize("command", ["validate", "score", "roadmap"])
def test_an_alias_bomb_in_client_yaml_is_refused_not_expanded(tmp_path, command):
    folder = copy_example(NORTHBANK, tmp_path / "nb")
    (folder / "client.yaml").write_text(ALIAS_BOMB + (folder / "client.yaml").read_text())
    before = snapshot(folder)
    r = workbench(command, folder, timeout=60)  # a bomb used to hang these for minutes
    assert r.returncode == 2
    assert "client.yaml: the document expands to more than 200,000 values" in r.stderr
    assert snapshot(folder) == before


def test_an_alias_bomb_deep_nesting_or_a_huge_document_as_a_model_is_refused(tmp_path):
    cases = {"bomb.yaml": (ALIAS_BOMB, "expands to more than 200,000 values"),
             "deep.yaml": ("id: x\nareas: " + "[" * 3000 + "]" * 3000 + "\n", "nested more than 60 levels deep"),
             "huge.yaml": ("id: x\n" + "# padding\n" * 150_000, "expected a maturity model in YAML of at most 1 MB")}
    for name, (text, words) in cases.items():
        (tmp_path / name).write_text(text)
        r = workbench("check-model", tmp_path / name, timeout=60)
        assert r.returncode == 2 and words in r.stderr, (name, r.stderr)


def test_anchors_used_sensibly_still_work(tmp_path):
    """Model authors share a scale's options through an anchor: that is YAML, not an attack."""
    text = (ROOT / "assessment/models/samm-lite.yaml").read_text()
    text = text.replace("scales:\n  samm-coverage:\n", "scales:\n  samm-coverage: &coverage\n", 1)
    text = text.replace("\ntiers:", "\n  samm-coverage-copy: *coverage\n\ntiers:", 1)
    (tmp_path / "shared.yaml").write_text(text)
    r = workbench("check-model", tmp_path / "shared.yaml")
    assert r.returncode == 0, r.stderr


def test_a_malformed_date_or_tag_is_located_by_its_key_not_a_traceback(tmp_path):
    folder = copy_example(NORTHBANK, tmp_path / "nb")
    text = (folder / "client.yaml").read_text()
    text = text.replace("roadmap:\n  start:", "roadmap:\n  start: 2027-02-30\n  old_start:", 1)
    text = text.replace("\nsector:", "\nsector: !!int lots\nold_sector:", 1)
    (folder / "client.yaml").write_text(text)
    r = workbench("validate", folder)
    assert r.returncode == 2
    assert "roadmap.start: Input should be a valid date" in r.stderr and "found '2027-02-30'" in r.stderr
    assert "roadmap.old_start: unknown key" in r.stderr
