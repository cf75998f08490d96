"""The `client.yaml` format: what an engagement declares, validated once at the boundary."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assessment.customers import DriverTree
from assessment.responses import ResponseMapping
from assessment.roles import DEFAULT_ROLES, RoleGroup
from assessment.yamlfile import PlausibleDate
from roadmaps.catalogue import Initiative
from roadmaps.gaps import PriorityWeights
from roadmaps.vision import Vision
from workbench.engagement.rounds import RoundSetting

CLIENT_FILE = "client.yaml"


RESPONSES_DIR = "responses"


QUESTIONNAIRE_FILE = "questionnaire.xlsx"


DECISION_LOG = "decisions.csv"  # written by the workshop: who decided what, when


# Letters that NFKD does not split into a base letter and an accent.
_TRANSLIT = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
                           "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "ı": "i"})


SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Dates(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    start: PlausibleDate | None = None
    assessment: PlausibleDate | None = None
    report_due: PlausibleDate | None = None


class RoadmapSettings(BaseModel):
    """The `roadmap:` section: the planning horizon, capacity, priority weights and initiative choices."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    start: PlausibleDate | None = None
    waves: int = Field(4, ge=1, le=40)
    wave_weeks: int = Field(13, ge=1, le=52)
    capacity: float = Field(40.0, gt=0, description="person-weeks per wave")
    priority_weights: PriorityWeights = PriorityWeights()
    catalogue: str | None = None  # a path, relative to the engagement; default: the model's built-in one
    exclude_initiatives: list[str] = []
    add_initiatives: list[Initiative] = []


class ClientConfig(BaseModel):
    """The validated contents of an engagement's client.yaml."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str
    name: str
    sector: str = ""
    scope: str = ""
    consultant: str = ""
    model: str = "service-management"
    dates: Dates = Dates()
    roles: list[RoleGroup] = list(DEFAULT_ROLES)
    responses: ResponseMapping = ResponseMapping()
    rounds: dict[str, RoundSetting] = {}  # only for round folders not named by a date, or a changed model
    vision: Vision = Vision()
    roadmap: RoadmapSettings = RoadmapSettings()
    customers: DriverTree = DriverTree()  # the client's driver tree, asked in the customer survey

    @field_validator("vision", "roadmap", "rounds", "customers", mode="before")
    @classmethod
    def _empty_is_default(cls, v: Any) -> Any:
        return {} if v is None else v

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(f"id must be a slug of lowercase letters, digits and single '-' (e.g. "
                             f"{slugify(v) or 'acme-service-desk'!r}); found {v!r}")
        return v


def slugify(name: str, max_len: int = 60) -> str:
    """A safe folder/file name from a client name: ASCII, lowercase, words joined by '-'."""
    text = re.sub(r"['\u2019]", "", name).translate(_TRANSLIT)  # "Aldhelm's" -> "aldhelms", not "aldhelm-s"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:max_len].rstrip("-")
