"""The batch's analysis cache (WORKBENCH_CACHE names a folder): a client's notebooks, each in its own kernel,
reuse what the client's validate step read and scored. It must never be stale: one changed byte in any file
that shapes the result, inside the engagement folder or outside it (a model kept elsewhere), and the next load
reads and scores again."""
from __future__ import annotations

import os
import re
import shutil

import pandas as pd

from conftest import ROOT
from workbench.engagement.folder import CACHE_ENV, assess_engagement
from workbench.planning import plan_engagement

HARBOURSIDE = "harbourside-council-contact-centre"


def cached_files(cache):
    return sorted(p.name for p in cache.iterdir())


def test_one_changed_byte_of_a_response_file_is_seen_by_the_next_load(example_copy, tmp_path, monkeypatch):
    folder = example_copy(HARBOURSIDE)
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv(CACHE_ENV, str(cache))
    before = assess_engagement(folder)[1]
    kept = cached_files(cache)
    assert kept, "the first load keeps its result"
    entry = cache / kept[0]
    stamp = entry.stat().st_mtime_ns
    assert assess_engagement(folder)[1].questions.equals(before.questions)
    assert entry.stat().st_mtime_ns == stamp and cached_files(cache) == kept  # a hit: nothing read or written

    path = folder / "responses" / "2026-11" / "survey-export.csv"  # the latest round
    data = path.read_bytes()
    first = re.search(rb"\n([^,\n]+),([^,\n]+),(STR1),([1-4]),", data)  # one respondent's answer to STR1
    assert first, data[:200]
    at = first.start(4)
    times = path.stat()
    path.write_bytes(data[:at] + bytes([data[at] + 1]) + data[at + 1:])  # one byte: the answer one level up
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))  # same size, same time: only the bytes differ

    after = assess_engagement(folder)[1]
    monkeypatch.delenv(CACHE_ENV)
    fresh = assess_engagement(folder)[1]
    pd.testing.assert_frame_equal(after.questions, fresh.questions)
    q = lambda a: a.questions.set_index("question").loc["STR1", "mean"]  # noqa: E731
    assert q(after) > q(before)


def test_an_edited_model_kept_outside_the_folder_is_seen_by_the_next_planning(example_copy, tmp_path, monkeypatch):
    folder = example_copy(HARBOURSIDE)
    model = tmp_path / "models" / "our-model.yaml"
    model.parent.mkdir()
    shutil.copy(ROOT / "assessment" / "models" / "service-management.yaml", model)
    text = (folder / "client.yaml").read_text(encoding="utf-8")
    (folder / "client.yaml").write_text(re.sub(r'(?m)^model: .*$', f"model: {model}", text), encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv(CACHE_ENV, str(cache))
    names = list(plan_engagement(folder).dimensions["name"])
    assert "Service recovery" in names
    model.write_text(model.read_text(encoding="utf-8").replace("Service recovery", "Service rescue", 1),
                     encoding="utf-8")
    renamed = list(plan_engagement(folder).dimensions["name"])
    assert "Service rescue" in renamed and "Service recovery" not in renamed

