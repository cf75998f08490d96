"""The client's driver tree (`customers:` in client.yaml): scaffolded by init-client, validated against the
model with every problem named at once."""
from __future__ import annotations

from ruamel.yaml import YAML

from workbench.engagement.folder import load_engagement


def _edit(folder, change) -> None:
    yaml = YAML()
    path = folder / "client.yaml"
    doc = yaml.load(path.read_text())
    change(doc)
    with path.open("w") as f:
        yaml.dump(doc, f)


def test_init_client_scaffolds_a_driver_tree_in_three_layers_that_validates(engagement, workbench):
    tree = load_engagement(engagement).config.customers
    assert {d.layer for d in tree.drivers} == {"roots", "trunk", "crown"}
    assert all(d.question.endswith("?") and d.dimensions for d in tree.drivers)
    model_dims = {d.id for d in load_engagement(engagement).model.dimensions}
    assert {x for d in tree.drivers for x in d.dimensions} <= model_dims
    r = workbench("validate", engagement)
    assert r.exit_code == 0, r


def test_another_models_scaffold_leaves_the_links_to_the_consultant(tmp_path, workbench):
    r = workbench("init-client", tmp_path / "sam", "--name", "Sam Co", "--model", "samm-lite")
    assert r.exit_code == 0, r
    tree = load_engagement(tmp_path / "sam").config.customers
    assert tree.drivers and not any(d.dimensions for d in tree.drivers)  # no dimension of another model


def test_every_problem_of_the_tree_against_the_model_is_named_at_once(engagement, workbench):
    def break_it(doc):
        drivers = doc["customers"]["drivers"]
        for d in drivers:
            if d["layer"] == "roots":
                d["layer"] = "trunk"  # a tree without roots
        drivers[1]["id"] = drivers[0]["id"]
        drivers[2]["dimensions"] = ["service-delivery", "service-delivry", "service-delivery"]
    _edit(engagement, break_it)
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    err = r.stderr
    assert "customers.drivers[1].id" in err and "duplicate driver id 'easy-to-reach'" in err
    assert "customers.drivers[2].dimensions[1]" in err and "unknown dimension 'service-delivry'" in err
    assert "customers.drivers[2].dimensions[2]" in err and "lists dimension 'service-delivery' twice" in err
    assert "no driver in layer 'roots'" in err


def test_a_malformed_driver_is_named_with_what_was_expected(engagement, workbench):
    def break_it(doc):
        drivers = doc["customers"]["drivers"]
        drivers[0]["layer"] = "branches"
        drivers[1]["question"] = "   "
        drivers[2]["id"] = "Solves It"
        doc["customers"]["acceptable"] = 7
    _edit(engagement, break_it)
    r = workbench("validate", engagement)
    assert r.exit_code == 2
    err = r.stderr
    assert "customers.drivers[0].layer" in err and "'branches'" in err and "roots" in err
    assert "customers.drivers[1].question" in err and "empty" in err
    assert "customers.drivers[2].id" in err and "'Solves It'" in err
    assert "customers.acceptable" in err
