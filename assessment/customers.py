"""The client's own driver tree: what its customers expect, in three layers, each driver with the short question
that asks customers how well the organisation does it, and the model dimensions it depends on.

Roots are the basic expectations customers require every time (miss one and nothing else counts), the trunk is
the competence they expect, the crown the extras that make them loyal. The tree is the `customers:` section of
client.yaml; it is validated here against the model (`driver_tree_problems`), and it is what the customer
survey asks and what the analysis in the customers' eyes is grouped by.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assessment.model import MaturityModel
from assessment.text import normalise_text

LAYERS = ("roots", "trunk", "crown")
LAYER_MEANING = {"roots": "the basics customers expect every time",
                 "trunk": "the competence customers expect",
                 "crown": "the extras that make customers loyal"}
DRIVER_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PERFORMANCE_SCALE = (1, 5)  # the customer survey's performance and importance scales


class Driver(BaseModel):
    """One thing customers expect, and the question that asks them how well it is done."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str = Field(max_length=60)
    layer: Literal["roots", "trunk", "crown"]
    name: str = Field(min_length=1, max_length=120)
    question: str = Field(min_length=1, max_length=400)
    dimensions: list[str] = []

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not DRIVER_ID.match(v):
            raise ValueError(f"found {v!r}; expected lower-case letters, digits and hyphens, e.g. 'keeps-promises'")
        return v

    @field_validator("name", "question")
    @classmethod
    def _text(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("is empty; expected words a customer reads")
        if any(ord(c) < 32 and c not in "\t" for c in v):
            raise ValueError("holds a control character (a line break or worse); expected one line of text")
        return v.strip()


class DriverTree(BaseModel):
    """The `customers:` section: the drivers, and the performance below which a root is flagged first."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    acceptable: float = Field(3.5, ge=PERFORMANCE_SCALE[0], le=PERFORMANCE_SCALE[1])
    drivers: list[Driver] = []
    # survey export headers the reader cannot place by itself -> date, customer, ignore, overall, recommend,
    # comment, or 'driver-id:performance' / 'driver-id:importance'
    columns: dict[str, str] = {}

    def layer(self, name: str) -> list[Driver]:
        return [d for d in self.drivers if d.layer == name]


def driver_tree_problems(tree: DriverTree, model: MaturityModel) -> list[tuple[tuple, str]]:
    """Every problem of the tree against the model, as (YAML location, message): duplicate ids or names,
    unknown or repeated dimensions, and a tree without roots."""
    out: list[tuple[tuple, str]] = []
    dims = [d.id for d in model.dimensions]
    ids: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, d in enumerate(tree.drivers):
        where = ("customers", "drivers", i)
        if d.id in ids:
            out.append(((*where, "id"), f"duplicate driver id {d.id!r}, already customers.drivers[{ids[d.id]}].id; "
                                        "expected each driver once"))
        elif normalise_text(d.name) in names:
            out.append(((*where, "name"), f"duplicate driver name {d.name!r}, the same as "
                                          f"customers.drivers[{names[normalise_text(d.name)]}].name; expected each "
                                          "driver once, under its own name"))
        ids.setdefault(d.id, i)
        names.setdefault(normalise_text(d.name), i)
        seen: set[str] = set()
        for j, dim in enumerate(d.dimensions):
            if dim not in dims:
                out.append(((*where, "dimensions", j), f"driver {d.id!r} depends on unknown dimension {dim!r}; "
                                                       f"expected one of: {', '.join(dims)}"))
            elif dim in seen:
                out.append(((*where, "dimensions", j), f"driver {d.id!r} lists dimension {dim!r} twice"))
            seen.add(dim)
    if tree.drivers and not tree.layer("roots"):
        out.append((("customers", "drivers"), "no driver in layer 'roots'; expected at least one basic expectation "
                                              "customers require every time (without the roots the tree falls)"))
    return out + mapping_problems(tree)


def mapping_target(value: str, tree: DriverTree) -> tuple[str | None, str | None]:
    """A `customers: columns:` value: date, customer, ignore, overall, recommend, comment, a driver id (its
    performance) or 'driver-id:importance' / 'driver-id:performance'. (None, None) when it names nothing."""
    v = normalise_text(value)
    if v in ("date", "respondent", "ignore", "overall", "recommend", "comment"):
        return v, None
    if v == "customer":
        return "respondent", None
    did, _, measure = v.partition(":")
    if did in {d.id for d in tree.drivers} and measure in ("", "performance", "importance"):
        return measure or "performance", did
    return None, None


def mapping_problems(tree: DriverTree) -> list[tuple[tuple, str]]:
    """Every `customers: columns:` value that names nothing, as (YAML location, message)."""
    return [(("customers", "columns", k), f"column {k!r} is mapped to {v!r}; expected date, customer, ignore, "
                                          "overall, recommend, comment, or a driver id with ':performance' or "
                                          f"':importance' (drivers: {', '.join(d.id for d in tree.drivers)})")
            for k, v in tree.columns.items() if mapping_target(v, tree) == (None, None)]
