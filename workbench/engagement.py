"""Engagements on disk: the `client.yaml` format, scaffolding a new engagement, and the one path from a
folder to its current-state profile that the CLI, notebooks, widgets and batch all use."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assessment.answers import normalise_text
from assessment.model import MaturityModel, builtin_models, load_model, resolve_model_path
from assessment.problems import InputError, Problem, reading
from assessment.questionnaire import build_workbook
from assessment.responses import Ingested, ResponseMapping, read_responses
from assessment.roles import DEFAULT_ROLES, RoleGroup, roles_frame
from assessment.scoring import Assessment, assess
from assessment.textfile import is_file
from assessment.yamlfile import PlausibleDate, ProblemList, load_yaml, parse_validated, plain, read_yaml_text
from roadmaps.catalogue import Catalogue, Initiative, builtin_catalogue_path, client_initiative_problems, load_catalogue
from roadmaps.gaps import PriorityWeights
from roadmaps.vision import Vision, vision_problems
from workbench import atomic
from workbench.outputs import refuse_output
from workbench.rounds import Round, RoundSetting, find_rounds

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

    @field_validator("vision", "roadmap", "rounds", mode="before")
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


@dataclass
class Engagement:
    folder: Path
    config: ClientConfig
    model: MaturityModel
    catalogue: Catalogue | None = None
    notes: list[str] = field(default_factory=list)  # e.g. client.yaml was not in UTF-8

    @property
    def responses_dir(self) -> Path:
        return self.folder / RESPONSES_DIR

    @property
    def roles(self):
        return roles_frame(self.config.roles)

    @functools.cached_property
    def rounds(self) -> list[Round]:
        """The assessment rounds, oldest first (one, 'baseline', when responses/ has no round folders); the
        folder is looked at once per Engagement."""
        return find_rounds(self.responses_dir, self.config.rounds, self.config.dates.assessment,
                           str(self.folder / CLIENT_FILE))

    def round(self, name: str | None = None) -> Round:
        """A round by name; the latest when `name` is None. InputError for an unknown name."""
        rounds = self.rounds
        if name is None:
            return rounds[-1]
        for r in rounds:
            if r.name == name:
                return r
        raise InputError([Problem(str(self.responses_dir), f"no assessment round {name!r}; expected one of "
                                                           f"{', '.join(r.name for r in rounds)}")])

    def round_model(self, rnd: Round) -> MaturityModel:
        """The model a round was answered on: its own when client.yaml names one, else the engagement's."""
        if rnd.model is None:
            return self.model
        try:
            return load_model(resolve_model_path(rnd.model, base=self.folder))
        except InputError as exc:
            raise InputError([Problem(str(self.folder / CLIENT_FILE), f"round {rnd.name!r} names model {rnd.model!r}: "
                                      + exc.problems[0].message, key=f"rounds.{rnd.name}.model")]) from None


def slugify(name: str, max_len: int = 60) -> str:
    """A safe folder/file name from a client name: ASCII, lowercase, words joined by '-'."""
    text = re.sub(r"['\u2019]", "", name).translate(_TRANSLIT)  # "Aldhelm's" -> "aldhelms", not "aldhelm-s"
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:max_len].rstrip("-")


def load_engagement(folder: Path) -> Engagement:
    """Read and validate client.yaml, the model and the catalogue it names; InputError lists every problem."""
    return cached("engagement", folder, lambda: _load_engagement(Path(folder)))


def _load_engagement(folder: Path) -> Engagement:
    path = folder / CLIENT_FILE
    if not path.is_file():
        raise InputError([Problem(str(path), f"no {CLIENT_FILE} here; expected an engagement folder made by "
                                             "`workbench init-client`")], str(path))
    with reading(str(path)):
        text = read_yaml_text(path, str(path), "an engagement's client.yaml")
        engagement = engagement_from_text(text.text, folder)
    engagement.notes = [n for n in (text.note(str(path)), engagement.model.source_note,
                                    engagement.catalogue.source_note if engagement.catalogue else None) if n]
    return engagement


def engagement_from_text(text: str, folder: Path) -> Engagement:
    """Validate client.yaml text (as on disk, or about to be written) against its model and catalogue."""
    source = str(Path(folder) / CLIENT_FILE)
    _, config, problems = parse_validated(text, source, ClientConfig, "id, name, model, roles, ...",
                                          "the client.yaml format in README.md")
    if config is not None:
        _check_roles(config.roles, problems)
    problems.raise_if_any()
    try:
        model_path = resolve_model_path(config.model, base=folder)
    except InputError as exc:
        problems.add(("model",), f"unknown model {config.model!r}: " + exc.problems[0].message)
        problems.raise_if_any()
    model = load_model(model_path)
    for loc, msg in vision_problems(config.vision, model):
        problems.add(loc, msg)
    settings = config.roadmap
    catalogue = None
    cat_path = (folder / settings.catalogue) if settings.catalogue else builtin_catalogue_path(model.id)
    if settings.catalogue and not is_file(cat_path):
        problems.add(("roadmap", "catalogue"), f"no catalogue file at {cat_path}")
    elif cat_path is not None:
        catalogue = load_catalogue(cat_path, model)
        for loc, msg in client_initiative_problems(catalogue, settings.add_initiatives,
                                                   settings.exclude_initiatives, model, ("roadmap",)):
            problems.add(loc, msg)
    elif settings.add_initiatives or settings.exclude_initiatives:
        problems.add(("roadmap",), f"model {model.id!r} has no built-in initiative catalogue; set "
                                   "`roadmap: catalogue:` to a catalogue file")
    problems.raise_if_any()
    return Engagement(folder, config, model, catalogue)


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


def read_engagement_responses(engagement: Engagement, round_name: str | None = None) -> Ingested:
    """Read and validate one round's response files (the latest round by default)."""
    rnd = engagement.round(round_name)
    return read_responses(rnd.folder, engagement.round_model(rnd), engagement.config.roles,
                          engagement.config.responses, root=engagement.folder)


def read_by_commands(folder: Path) -> tuple[list[Path], list[Path]]:
    """(folders, files) of an engagement that commands read: responses/ with its rounds, and client.yaml, the KPI
    measurements and the decision log. Other files in the folder (the questionnaire, a roadmap workbook) are
    outputs a consultant may keep there."""
    from workbench.kpis import KPI_FILES

    folder = Path(folder).resolve()
    return [folder / RESPONSES_DIR], [folder / CLIENT_FILE, *(folder / k for k in KPI_FILES), folder / DECISION_LOG]


def engagement_inputs(eng: Engagement) -> tuple[list[Path], list[Path]]:
    """(folders, files) an engagement's commands read, the model and catalogue files included."""
    folders, files = read_by_commands(eng.folder)
    return folders, files + [p.resolve() for p in external_inputs(eng)]


def input_files(folder: Path) -> list[Path]:
    """Every file of an engagement that can shape its results (hidden files and Office lock files aside)."""
    return sorted(p for p in Path(folder).rglob("*") if p.is_file()
                  and not any(x.startswith((".", "~$")) for x in p.relative_to(folder).parts))


def hash_files(paths: list[Path], base: Path) -> str:
    """A hash of the names (relative to `base`, else the bare name) and bytes of `paths`, in order."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.relative_to(base) if p.is_relative_to(base) else p.name).encode() + b"\0")
        with open(p, "rb") as f:
            h.update(hashlib.file_digest(f, "sha256").digest())
    return h.hexdigest()


def fingerprint(folder: Path, extra: list[Path] = ()) -> str:
    """A hash of the names and bytes of an engagement's input files (plus `extra` files kept elsewhere)."""
    return hash_files(input_files(folder) + list(extra), Path(folder))


CACHE_ENV = "WORKBENCH_CACHE"


def assess_engagement(folder: Path, round_name: str | None = None) -> tuple[Engagement, Assessment]:
    """The one path from an engagement folder to its current-state profile: the latest assessment round,
    or the round named. Raises InputError."""
    return cached(f"assessed-{round_name or ''}", folder, lambda: _assess(Path(folder), round_name))


def _sha(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def cached(kind: str, folder: Path, compute):
    """`compute()`, kept for reuse when the environment variable WORKBENCH_CACHE names a folder.

    The batch sets one per client and deletes it after, so the client's notebooks reuse what its validate
    step read and scored instead of reading client.yaml and every response file again in each kernel.
    An entry is keyed by the names and bytes of the engagement's files, and holds the hashes of the model
    and catalogue files it used (they may live elsewhere): any edit means a miss, never a stale result.
    Errors are not kept: a broken input raises each time."""
    cache = os.environ.get(CACHE_ENV)
    if not cache:
        return compute()
    folder = Path(folder).resolve()
    path = Path(cache) / f"{kind}-{fingerprint(folder)}.pickle"
    try:
        uses, result = pickle.loads(path.read_bytes())
        if all(_sha(Path(p)) == h for p, h in uses.items()):
            return result
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
        pass
    result = compute()
    eng = result if isinstance(result, Engagement) else getattr(result, "engagement", None) or result[0]
    uses = external_inputs(eng)
    atomic.write_bytes(path, pickle.dumps(({str(p): _sha(p) for p in uses}, result), pickle.HIGHEST_PROTOCOL))
    return result


def external_inputs(eng: Engagement) -> list[Path]:
    """The files outside the engagement's own that shape its results: the models and the catalogue."""
    folder = eng.folder
    uses = [resolve_model_path(eng.config.model, base=folder)]
    uses += [resolve_model_path(r.model, base=folder) for r in eng.config.rounds.values() if r.model]
    if eng.config.roadmap.catalogue:
        uses.append(folder / eng.config.roadmap.catalogue)
    return list(dict.fromkeys(uses))


def _assess(folder: Path, round_name: str | None) -> tuple[Engagement, Assessment]:
    engagement = load_engagement(folder)
    rnd = engagement.round(round_name)
    ingested = read_engagement_responses(engagement, rnd.name)
    if ingested.problems:
        raise InputError(ingested.problems, f"the responses of {folder}")
    if ingested.answers.empty:
        raise InputError([Problem(str(rnd.folder), "no responses found; expected response files "
                                  "(.csv or .xlsx) in this folder")], str(folder))
    result = assess(ingested.answers, engagement.round_model(rnd), engagement.roles)
    result.notes = ingested.notes + result.notes
    rounds = engagement.rounds
    if len(rounds) > 1:
        others = ", ".join(f"{r.name} ({r.date})" for r in rounds if r != rnd)
        result.notes.insert(0, f"Assessment round {rnd.name} ({rnd.date}), one of {len(rounds)}; the others: {others}.")
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
    refuse_output(target, "--out", *engagement_inputs(engagement))
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

# Envision the end (step 1, with the leadership team): where the client wants to be and how everyone
# will see the arrival. Targets default to the model's ambition levels; override one dimension with
# `service-levels: 4` or `service-levels: {{level: 4, rationale: "..."}}`, or run `workbench target`.
vision:
  statement: ""
  purpose: ""
  success_story: ""
  targets: {{}}
  objectives: []
  # 6-8 KPIs, each: id, name, definition, unit, baseline, target, due, owner, source, dimensions
  scorecard: []

# The roadmap: waves (quarters by default) from a start date, with a capacity in person-weeks per wave.
roadmap:
  start: {next_quarter(today).isoformat()}
  waves: 4
  wave_weeks: 13
  capacity: 40
  priority_weights: {{gap: 0.4, importance: 0.2, foundation: 0.25, disagreement: 0.15}}
  exclude_initiatives: []   # ids from the catalogue that do not fit this client
  add_initiatives: []       # the client's own initiatives, in the catalogue's format
"""


def next_quarter(day: dt.date) -> dt.date:
    """The first day of the quarter after `day`."""
    q = (day.month - 1) // 3 + 1
    return dt.date(day.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
