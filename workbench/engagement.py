"""Engagements on disk: the `client.yaml` format, scaffolding a new engagement, and the one path from a
folder to its current-state profile that the CLI, notebooks, widgets and batch all use."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from assessment.answers import normalise_text
from assessment.model import MaturityModel, builtin_models, load_model, resolve_model_path
from assessment.problems import InputError, Problem
from assessment.questionnaire import build_workbook
from assessment.responses import Ingested, ResponseMapping, read_responses
from assessment.roles import DEFAULT_ROLES, RoleGroup, roles_frame
from assessment.scoring import Assessment, assess
from assessment.yamlfile import ProblemList, load_yaml, parse_validated, plain
from workbench import atomic

CLIENT_FILE = "client.yaml"
RESPONSES_DIR = "responses"
QUESTIONNAIRE_FILE = "questionnaire.xlsx"
# Letters that NFKD does not split into a base letter and an accent.
_TRANSLIT = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
                           "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "ı": "i"})
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Dates(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: dt.date | None = None
    assessment: dt.date | None = None
    report_due: dt.date | None = None


class ClientConfig(BaseModel):
    """The validated contents of an engagement's client.yaml."""

    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    sector: str = ""
    scope: str = ""
    consultant: str = ""
    model: str = "service-management"
    dates: Dates = Dates()
    roles: list[RoleGroup] = list(DEFAULT_ROLES)
    responses: ResponseMapping = ResponseMapping()
    vision: dict[str, Any] | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError(f"id must be a slug of lowercase letters, digits and single '-' (e.g. "
                             f"{slugify(v) or 'acme-service-desk'!r}); found {v!r}")
        return v


@dataclass
class Engagement:
    folder: Path
    config: ClientConfig
    model: MaturityModel

    @property
    def responses_dir(self) -> Path:
        return self.folder / RESPONSES_DIR

    @property
    def roles(self):
        return roles_frame(self.config.roles)


def slugify(name: str, max_len: int = 60) -> str:
    """A safe folder/file name from a client name: ASCII, lowercase, words joined by '-'."""
    text = re.sub(r"['\u2019]", "", name).translate(_TRANSLIT)  # "Aldhelm's" -> "aldhelms", not "aldhelm-s"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:max_len].rstrip("-")


def load_engagement(folder: Path) -> Engagement:
    """Read and validate client.yaml and the model it names; InputError lists every problem."""
    folder = Path(folder)
    path = folder / CLIENT_FILE
    source = str(path)
    if not path.is_file():
        raise InputError([Problem(source, f"no {CLIENT_FILE} here; expected an engagement folder made by "
                                          "`workbench init-client`")], source)
    _, config, problems = parse_validated(path.read_text(encoding="utf-8"), source, ClientConfig,
                                          "id, name, model, roles, ...", "the client.yaml format in README.md")
    if config is not None:
        _check_roles(config.roles, problems)
    problems.raise_if_any()
    assert config is not None
    try:
        model_path = resolve_model_path(config.model, base=folder)
    except InputError as exc:
        problems.add(("model",), f"unknown model {config.model!r}: " + exc.problems[0].message)
        problems.raise_if_any()
    return Engagement(folder, config, load_model(model_path))


def _check_roles(roles: list[RoleGroup], problems: ProblemList) -> None:
    owner: dict[str, str] = {}
    for i, r in enumerate(roles):
        for token in (r.id, r.name, *r.aliases):
            key = normalise_text(token)
            if key in owner and owner[key] != r.id:
                problems.add(("roles", i), f"{token!r} names both role {owner[key]!r} and role {r.id!r}; "
                                           "expected each id, name and alias to name one role")
            owner.setdefault(key, r.id)
    if not roles:
        problems.add(("roles",), "no role groups; expected at least one (e.g. leadership, front_line)")


def read_engagement_responses(engagement: Engagement) -> Ingested:
    return read_responses(engagement.responses_dir, engagement.model, engagement.config.roles,
                          engagement.config.responses, root=engagement.folder)


def assess_engagement(folder: Path) -> tuple[Engagement, Assessment]:
    """The one path from an engagement folder to its current-state profile. Raises InputError."""
    engagement = load_engagement(folder)
    ingested = read_engagement_responses(engagement)
    if ingested.problems:
        raise InputError(ingested.problems, f"the responses of {folder}")
    if ingested.answers.empty:
        raise InputError([Problem(str(engagement.responses_dir), "no responses found; expected response files "
                                  "(.csv or .xlsx) in this folder")], str(folder))
    result = assess(ingested.answers, engagement.model, engagement.roles)
    result.notes = ingested.notes + result.notes
    return engagement, result


# ---------------------------------------------------------------- scaffolding

def init_client(folder: Path, name: str, model_ref: str = "service-management", sector: str = "",
                consultant: str = "", today: dt.date | None = None) -> Path:
    """Create an engagement folder: client.yaml, responses/ and a questionnaire workbook."""
    folder = Path(folder)
    source = str(folder / CLIENT_FILE)
    if not name.strip():
        raise InputError([Problem(source, "client name is empty; expected a name such as 'Acme IT Service Desk'")])
    slug = slugify(name)
    if not slug:
        raise InputError([Problem(source, f"client name {name!r} gives no usable id; expected a name with letters "
                                          "or digits")])
    if (folder / CLIENT_FILE).exists():
        raise InputError([Problem(source, "an engagement already exists here; expected a new or empty folder "
                                          "(nothing was changed)")])
    model = load_model(model_ref, base=Path.cwd())
    model_field = model_ref if model_ref in builtin_models() else str(Path(model_ref).resolve())
    text = client_yaml_text(slug, name, sector, consultant, model_field, today or dt.date.today())
    ClientConfig.model_validate(plain(load_yaml(text, source)))  # what we write must read back
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RESPONSES_DIR).mkdir(exist_ok=True)
    atomic.write_text(folder / CLIENT_FILE, text)
    save_questionnaire(build_workbook(model, name, slug, list(DEFAULT_ROLES)), folder / QUESTIONNAIRE_FILE)
    return folder


def save_questionnaire(workbook, target: Path) -> None:
    with atomic.atomic_path(target) as tmp:
        workbook.save(tmp)


def write_questionnaire(engagement: Engagement, target: Path | None = None) -> Path:
    target = Path(target) if target else engagement.folder / QUESTIONNAIRE_FILE
    wb = build_workbook(engagement.model, engagement.config.name, engagement.config.id, engagement.config.roles)
    save_questionnaire(wb, target)
    return target


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def client_yaml_text(slug: str, name: str, sector: str, consultant: str, model: str, today: dt.date) -> str:
    role_lines = []
    for r in DEFAULT_ROLES:
        role_lines += [f"  - id: {r.id}", f"    name: {_q(r.name)}", f"    perspective: {r.perspective}",
                       f"    aliases: [{', '.join(_q(a) for a in r.aliases)}]"]
    roles = "\n".join(role_lines)
    return f"""\
# Maturity Workbench engagement. Edit freely: the workbench keeps your comments and key order
# when it saves decisions back into this file.
id: {slug}    # safe id used for folder and file names; keep it stable once reports exist
name: {_q(name)}
sector: {_q(sector)}
scope: ""              # what is in scope, e.g. "IT service desk and second-line support"
consultant: {_q(consultant)}
model: {_q(model)}     # a built-in model id (see `workbench models`) or the path of a model YAML file
dates:
  start: {today.isoformat()}
  assessment:          # when the questionnaire closes
  report_due:

# Respondents' role groups, compared in the profile. perspective is one of:
# leadership, management, front_line, customer, other (leadership vs front_line gives the perception gap).
# aliases: other ways respondents may write the role in survey exports.
roles:
{roles}

# Only needed for survey exports whose column headers match neither a question id nor a question's text:
#   columns:
#     "How well do we agree service levels?": SLM1
#     "What is your role?": role            # or respondent, name, email, timestamp, comment, ignore
#     "How important is this to customers?": "importance:SLM1"
responses:
  columns: {{}}

# Envision the end: vision, target profile and scorecard (filled in during the envisioning workshop).
vision: {{}}
"""
