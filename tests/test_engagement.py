"""A consultant scaffolds an engagement and the tool guards client.yaml."""
from __future__ import annotations

from ruamel.yaml import YAML

from workbench.engagement.folder import load_engagement


def test_init_client_scaffolds_an_engagement_folder(tmp_path, workbench):
    folder = tmp_path / "eng"
    r = workbench("init-client", folder, "--name", "Café Nørd — Service Desk", "--sector", "Hospitality",
                  "--consultant", "Maya")
    assert r.exit_code == 0, r
    assert (folder / "responses").is_dir()
    assert (folder / "questionnaire.xlsx").stat().st_size > 5000
    cfg = YAML(typ="safe").load((folder / "client.yaml").read_text(encoding="utf-8"))
    assert cfg["id"] == "cafe-nord-service-desk"
    assert cfg["name"] == "Café Nørd — Service Desk"
    assert cfg["model"] == "service-management"
    assert cfg["vision"]["targets"] == {} and cfg["vision"]["scorecard"] == []
    assert cfg["roadmap"]["waves"] == 4 and cfg["roadmap"]["start"].day == 1  # a quarter's first day
    assert [r["perspective"] for r in cfg["roles"]] == ["leadership", "management", "front_line"]
    assert "# Respondents' role groups" in (folder / "client.yaml").read_text(encoding="utf-8")
    eng = load_engagement(folder)
    assert eng.model.id == "service-management" and eng.config.sector == "Hospitality"


def test_init_client_with_another_model_by_id(tmp_path, workbench):
    r = workbench("init-client", tmp_path / "sec", "--name", "Appsec Team", "--model", "samm-lite")
    assert r.exit_code == 0, r
    assert load_engagement(tmp_path / "sec").model.id == "samm-lite"


def test_init_client_refuses_to_overwrite_and_changes_nothing(engagement, workbench):
    before = (engagement / "client.yaml").read_bytes()
    r = workbench("init-client", engagement, "--name", "Someone Else")
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert (engagement / "client.yaml").read_bytes() == before


def test_init_client_rejects_unknown_model_and_unusable_name(tmp_path, workbench):
    r = workbench("init-client", tmp_path / "a", "--name", "A", "--model", "itil-99")
    assert r.exit_code == 2 and "itil-99" in r.stderr and "service-management" in r.stderr
    r = workbench("init-client", tmp_path / "b", "--name", "???")
    assert r.exit_code == 2 and "no usable id" in r.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_client_yaml_problems_are_listed_with_key_and_line(engagement, workbench):
    path = engagement / "client.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("sector:", "sectr:").replace("perspective: front_line", "perspective: shop_floor")
    path.write_text(text, encoding="utf-8")
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    assert "sectr" in r.stderr and "unknown key" in r.stderr
    assert "roles[2].perspective" in r.stderr and "shop_floor" in r.stderr
    assert "line" in r.stderr


def test_questionnaire_command_writes_where_asked(engagement, workbench, tmp_path):
    out = tmp_path / "sent" / "acme-questionnaire.xlsx"
    r = workbench("questionnaire", engagement, "--out", out)
    assert r.exit_code == 0, r
    assert out.is_file()
    assert not list(out.parent.glob("*.tmp"))


def test_an_unknown_model_in_client_yaml_points_at_the_model_key(engagement, workbench):
    path = engagement / "client.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('model: "service-management"', 'model: "itil4"'),
                    encoding="utf-8")
    r = workbench("score", engagement)
    assert r.exit_code == 2
    assert "client.yaml, line 8, model: unknown model 'itil4'" in r.stderr and "samm-lite" in r.stderr
