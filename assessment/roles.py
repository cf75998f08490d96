"""Respondents' role groups and the perspective each stands for (leadership, front line, ...)."""
from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from assessment.text import normalise_text

Perspective = Literal["leadership", "management", "front_line", "customer", "other"]


class RoleGroup(BaseModel):
    """A group of respondents compared with the others, e.g. leadership vs front line."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    name: str
    perspective: Perspective = "other"
    aliases: list[str] = []


DEFAULT_ROLES = [
    RoleGroup(id="leadership", name="Leadership", perspective="leadership",
              aliases=["Leader", "Leaders", "Executive", "Director", "Senior leadership", "Head of service"]),
    RoleGroup(id="management", name="Management", perspective="management",
              aliases=["Manager", "Managers", "Team lead", "Team leader", "Supervisor"]),
    RoleGroup(id="front_line", name="Front line", perspective="front_line",
              aliases=["Frontline", "Front-line", "Front line staff", "Agent", "Analyst", "Technician",
                       "Engineer", "Staff"]),
]


def role_lookup(roles: list[RoleGroup]) -> dict[str, str]:
    """Normalised id, name or alias -> role id (case and spacing do not matter)."""
    out: dict[str, str] = {}
    for r in roles:
        for token in (r.id, r.name, *r.aliases, r.id.replace("_", " ")):
            out.setdefault(normalise_text(token), r.id)
    return out


def roles_frame(roles: list[RoleGroup]) -> pd.DataFrame:
    return pd.DataFrame({"role": [r.id for r in roles], "name": [r.name for r in roles],
                         "perspective": [r.perspective for r in roles]})
