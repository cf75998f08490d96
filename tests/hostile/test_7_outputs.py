"""Class 7: outputs into inputs, and writes on error. No command writes over a file it reads or inside a folder
it reads, and a command that fails creates nothing: no empty OUT, no store made by `forget`."""
from __future__ import annotations

import shutil

from hostile_inputs import NORTHBANK, copy_example, snapshot, workbench


def test_run_refuses_an_out_inside_the_engagement_or_where_a_client_folder_would_replace_it(tmp_path):
    eng = copy_example(NORTHBANK, tmp_path / "engagements" / "northbank-it-service-desk")
    before = snapshot(eng)
    for out in (eng / "responses", eng, eng / "reports"):
        r = workbench("run", eng, "--out", out)
        assert r.returncode == 2 and "--out" in r.stderr and "which this command reads" in r.stderr, r.stderr
    # --out engagements: OUT/northbank-it-service-desk would be the engagement folder itself
    r = workbench("run", "--all", tmp_path / "engagements", "--out", tmp_path / "engagements")
    assert r.returncode == 2 and "northbank-it-service-desk" in r.stderr
    assert snapshot(eng) == before
    assert workbench("validate", eng).returncode == 0
    assert sorted(p.name for p in (tmp_path / "engagements").iterdir()) == ["northbank-it-service-desk"]


def test_export_questionnaire_and_workbook_never_replace_an_input(tmp_path):
    eng = copy_example(NORTHBANK, tmp_path / "nb")
    before = snapshot(eng)
    refused = [("export", eng, "--out", eng / "client.yaml"),
               ("export", eng, "--out", eng / "exports" / "nb.zip"),
               ("questionnaire", eng, "--out", eng / "responses" / "blank.xlsx"),
               ("questionnaire", eng, "--out", eng / "client.yaml"),
               ("roadmap", eng, "--xlsx", eng / "client.yaml")]
    for args in refused:
        r = workbench(*args)
        assert r.returncode == 2 and "nothing was written" in r.stderr, (args, r.stderr)
        assert "Wrote" not in r.stdout
    assert snapshot(eng) == before
    # beside the inputs, where the README puts them, is fine
    assert workbench("roadmap", eng, "--xlsx", eng / "roadmap.xlsx").returncode == 0
    assert workbench("export", eng, "--out", tmp_path / "nb.zip").returncode == 0


def test_forget_portfolio_and_export_never_create_a_store(tmp_path):
    eng = copy_example(NORTHBANK, tmp_path / "nb")
    missing = tmp_path / "no-such-store"
    for args in (("forget", "northbank-it-service-desk", "--store", missing),
                 ("portfolio", "--store", missing, "--out", tmp_path / "p"),
                 ("export", eng, "--out", tmp_path / "x.zip", "--store", missing)):
        r = workbench(*args)
        assert r.returncode == 2 and "no portfolio store at" in r.stderr, (args, r.stderr)
    assert not missing.exists() and not (tmp_path / "p").exists() and not (tmp_path / "x.zip").exists()


def test_a_run_whose_store_cannot_be_opened_leaves_nothing_behind(tmp_path):
    eng = copy_example(NORTHBANK, tmp_path / "nb")
    (tmp_path / "a-file").write_text("not a folder")
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "portfolio.sqlite").write_bytes(b"this is not a database" * 100)
    cases = {"postgresql+psycopg://nobody@127.0.0.1:1/portfolio": "cannot open the portfolio store",
             str(tmp_path / "a-file" / "store"): "is a file, not a folder",
             str(garbage): "cannot open the portfolio store"}
    for store, words in cases.items():
        out = tmp_path / "out" / "nested"
        r = workbench("run", eng, "--out", out, "--store", store, timeout=120)
        assert r.returncode == 2 and words in r.stderr, (store, r.stderr)
        assert not (tmp_path / "out").exists(), store
    assert (garbage / "portfolio.sqlite").read_bytes() == b"this is not a database" * 100
    shutil.rmtree(garbage)
