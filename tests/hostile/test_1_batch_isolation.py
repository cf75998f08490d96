"""Class 1: one client's files never stop the batch. Whatever a client holds (a client.yaml in Windows-1252,
an alias bomb, a 1 MB cell, a stray value in XFD1048576, an id another client has), that client fails alone
with the reason and the file named, and every other client is reported in full."""
from __future__ import annotations

import csv
import json
import re
import time

from hostile_inputs import (ALIAS_BOMB, BRIGHTLOOP, BRIGHTLOOP_CSV, NORTHBANK, copy_example, csv_lines,
                            far_value_workbook, set_field, workbench)

from conftest import EXAMPLES


def test_a_batch_reports_the_good_clients_and_fails_each_hostile_one_alone(tmp_path):
    eng = tmp_path / "engagements"
    good = {"good-one": BRIGHTLOOP, "good-two": NORTHBANK, "good-three": "st-aldhelms-facilities"}
    for cid, name in good.items():
        copy_example(name, eng / cid, cid)

    cp1252 = copy_example(NORTHBANK, eng / "windows-1252", "windows-1252")
    text = (cp1252 / "client.yaml").read_text(encoding="utf-8")
    text = re.sub(r'^name: "(.*)"', r'name: "\1 Café"', text, count=1, flags=re.M)
    (cp1252 / "client.yaml").write_bytes(text.encode("cp1252"))

    bomb = copy_example(NORTHBANK, eng / "alias-bomb", "alias-bomb")
    (bomb / "client.yaml").write_text(ALIAS_BOMB + (bomb / "client.yaml").read_text())

    big = copy_example(BRIGHTLOOP, eng / "big-cell", "big-cell")
    lines = csv_lines(big)
    lines[5] = set_field(lines[5], 5, "x" * 1_000_000)
    (big / BRIGHTLOOP_CSV).write_text("\n".join(lines), encoding="utf-8")

    huge = copy_example(NORTHBANK, eng / "huge-range", "huge-range")
    returned = huge / "responses" / "questionnaire-ivo-rossi.xlsx"
    far_value_workbook(returned, returned, sheet="Questionnaire")

    for twin in ("twin-a", "twin-b"):  # two clients claiming one id: neither may overwrite the other
        copy_example(BRIGHTLOOP, eng / twin, "twins")

    out = tmp_path / "out"
    started = time.perf_counter()
    r = workbench("run", "--all", eng, "--out", out, "--jobs", "2", timeout=600, process=True)
    seconds = time.perf_counter() - started
    assert r.returncode == 1, r.stdout + r.stderr  # some clients failed; the run itself finished
    print(f"9 clients (4 reported in full, with PDFs) in {seconds:.1f} s")

    for cid in [*good, "windows-1252"]:
        files = {p.name for p in (out / cid).iterdir()}
        assert {"report.html", "report.pdf", "roadmap.xlsx", "run.json"} <= files, (cid, files)
        assert json.loads((out / cid / "run.json").read_text())["status"] == "ok"
    assert "Northbank IT Service Desk Café" in (out / "windows-1252" / "report.html").read_text()

    summary = {row["client_id"]: row for row in csv.DictReader((out / "summary.csv").open())}
    expected_failures = {
        "alias-bomb": ("client.yaml", "expands to more than 200,000 values"),
        "big-cell": (str(BRIGHTLOOP_CSV), "a cell of 1,000,000 characters"),
        "huge-range": ("questionnaire-ivo-rossi.xlsx", "reaches cell XFD1048576"),
    }
    for cid, (file, words) in expected_failures.items():
        row = summary[cid]
        assert row["status"] == "failed" and row["failed_step"] == "validate", row
        assert file in row["error"] and words in row["error"], row["error"]
        assert not (out / cid).exists()  # no report folder for a client that failed
        assert f"{cid}" in r.stdout and file.split("/")[-1] in r.stdout  # the terminal names the file too
    twins = [row for row in csv.DictReader((out / "summary.csv").open()) if row["client_id"] == "twins"]
    assert len(twins) == 2 and all("is also the id of" in t["error"] for t in twins)
    assert "4 of 9 clients succeeded" in r.stdout
    index = (out / "index.html").read_text()
    assert all(cid in index for cid in [*good, "windows-1252", *expected_failures])
    assert not list((out / ".staging").glob("*")) if (out / ".staging").exists() else True
    assert (EXAMPLES / NORTHBANK / "client.yaml").read_text().startswith("#")  # the examples were not touched
