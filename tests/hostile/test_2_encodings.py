"""Class 2: text files in other encodings. client.yaml, models, catalogues and response files are read in
UTF-8 (with or without BOM), UTF-16 (with or without BOM) and Windows-1252, with a note saying so; binary
data and bytes that fit no encoding are refused with the file and the byte offset, never a traceback."""
from __future__ import annotations

import re

import pytest

from hostile_inputs import BRIGHTLOOP, BRIGHTLOOP_CSV, NORTHBANK, copy_example, snapshot, workbench

MODEL = "assessment/models/service-management.yaml"


def _renamed(folder, name: str) -> str:
    text = (folder / "client.yaml").read_text(encoding="utf-8")
    return re.sub(r'^name: "(.*)"', f'name: "{name}"', text, count=1, flags=re.M)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le", "utf-8-sig"])
def test_client_yaml_in_another_encoding_is_read_and_said(tmp_path, encoding):
    folder = copy_example(NORTHBANK, tmp_path / "nb")
    (folder / "client.yaml").write_bytes(_renamed(folder, "Société Générale Café").encode(encoding))
    r = workbench("validate", folder)
    assert r.returncode == 0, r.stderr
    named = {"cp1252": "Windows-1252", "utf-16": "UTF-16", "utf-16-le": "UTF-16"}.get(encoding)
    if named:
        assert f"client.yaml is encoded in {named}, not UTF-8" in r.stdout
    else:
        assert "not UTF-8" not in r.stdout
    r = workbench("score", folder)
    assert r.returncode == 0 and "Société Générale Café" in r.stdout


def test_saving_a_decision_into_a_windows_1252_client_yaml_keeps_its_text(tmp_path):
    folder = copy_example(NORTHBANK, tmp_path / "nb")
    (folder / "client.yaml").write_bytes(("# Réunion du 3 décembre\n" + _renamed(folder, "Café Noir")).encode("cp1252"))
    r = workbench("target", folder, "service-recovery=5")
    assert r.returncode == 0, r.stderr
    text = (folder / "client.yaml").read_text(encoding="utf-8")  # saved back as UTF-8, nothing garbled
    assert "# Réunion du 3 décembre" in text and 'name: "Café Noir"' in text
    assert "service-recovery:\n      level: 5" in text


def test_a_model_in_windows_1252_is_checked_and_a_binary_one_is_refused_with_the_offset(tmp_path):
    from conftest import ROOT

    text = (ROOT / MODEL).read_text().replace("name: Initial", "name: Initiál", 1)
    (tmp_path / "cp1252.yaml").write_bytes(text.encode("cp1252"))
    r = workbench("check-model", tmp_path / "cp1252.yaml")
    assert r.returncode == 0 and "is encoded in Windows-1252" in r.stdout, r.stdout + r.stderr
    (tmp_path / "binary.yaml").write_bytes(b"id: x\n" + bytes(range(256)) * 4)
    r = workbench("check-model", tmp_path / "binary.yaml")
    assert r.returncode == 2
    assert "binary.yaml: unreadable encoding: the file holds binary data (a NUL byte at offset 6)" in r.stderr


def test_a_catalogue_or_response_file_with_bytes_no_encoding_can_hold_is_refused_with_the_offset(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    data = (folder / BRIGHTLOOP_CSV).read_bytes()
    (folder / BRIGHTLOOP_CSV).write_bytes(data[:5000] + b"\xc3\x28" + data[5000:])  # the file has a UTF-8 BOM
    before = snapshot(folder)
    r = workbench("validate", folder)
    assert r.returncode == 2
    assert "survey-export-2026-09.csv: unreadable encoding: byte 0xc3 at offset 5,000 is not valid UTF-8" in r.stderr
    assert snapshot(folder) == before
    (folder / BRIGHTLOOP_CSV).write_bytes(data[3:5000] + b"\x81" + data[5000:])  # no BOM; 0x81: not even cp1252
    r = workbench("validate", folder)
    assert r.returncode == 2
    assert "unreadable encoding: byte 0x81 at offset 4,997 is not valid UTF-8 nor Windows-1252" in r.stderr

    folder = copy_example(NORTHBANK, tmp_path / "nb")
    (folder / "own-catalogue.yaml").write_bytes(b"\x00\x01binary")
    text = (folder / "client.yaml").read_text().replace("roadmap:\n", "roadmap:\n  catalogue: own-catalogue.yaml\n", 1)
    (folder / "client.yaml").write_text(text)
    r = workbench("validate", folder)
    assert r.returncode == 2 and "own-catalogue.yaml: unreadable encoding" in r.stderr


def test_a_utf16_survey_export_without_bom_is_read_whole(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    text = (folder / BRIGHTLOOP_CSV).read_text(encoding="utf-8-sig")
    (folder / BRIGHTLOOP_CSV).write_bytes(text.encode("utf-16-le"))
    r = workbench("validate", folder)
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout and "24 respondents, 1,320 answers" in r.stdout and "encoded in UTF-16" in r.stdout
