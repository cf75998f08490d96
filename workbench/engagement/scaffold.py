"""A new engagement: its folder, a commented client.yaml and the questionnaire workbook."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from assessment.model import builtin_models, load_model
from assessment.problems import InputError, Problem
from assessment.questionnaire import build_workbook
from assessment.roles import DEFAULT_ROLES
from assessment.yamlfile import load_yaml, plain
from workbench import atomic
from workbench.engagement.config import CLIENT_FILE, QUESTIONNAIRE_FILE, RESPONSES_DIR, ClientConfig, slugify
from workbench.engagement.folder import Engagement, engagement_inputs
from workbench.outputs import refuse_output


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
    text = client_yaml_text(slug, name, sector, consultant, model_field, today or dt.date.today(),
                            [d.id for d in model.dimensions])
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


CUSTOMER_SURVEY_FILE = "customer-survey.xlsx"


def write_customer_survey(engagement: Engagement, target: Path | None = None, extras: bool = True) -> list[Path]:
    """The customer survey workbook built from the driver tree, and beside it the column template of an online
    form (`<name>-form-columns.csv`: the header row its export should carry). InputError without a driver tree."""
    from assessment.customer_survey import build_survey, form_headers
    from assessment.sheets import write_csv

    tree = engagement.config.customers
    source = str(engagement.folder / CLIENT_FILE)
    if not tree.drivers:
        raise InputError([Problem(source, "no driver tree: the customer survey asks customers about the drivers in "
                                          "client.yaml's `customers:` section, and it has none; expected drivers in "
                                          "roots, trunk and crown (see README, 'The driver tree')", key="customers")])
    target = Path(target) if target else engagement.folder / CUSTOMER_SURVEY_FILE
    if target.suffix.lower() != ".xlsx":
        raise InputError([Problem(str(target), f"found the suffix {target.suffix or '(none)'!r}; expected an .xlsx "
                                               "file name for the survey workbook")])
    columns = target.with_name(f"{target.stem}-form-columns.csv")
    for t, option in ((target, "--out"), (columns, "--out (its form template)")):
        refuse_output(t, option, *engagement_inputs(engagement))
    save_questionnaire(build_survey(tree, engagement.config.name, engagement.config.id, extras), target)
    atomic.write_text(columns, write_csv([], form_headers(tree, extras)))
    return [target, columns]


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


# An example driver tree for a new engagement: to be rewritten with the client in its customers' words.
# (id, layer, name, question, the default model's dimensions it depends on)
EXAMPLE_DRIVERS = [
    ("easy-to-reach", "roots", "Easy to reach when I need help",
     "How easy is it to reach us when you need help?", ["service-delivery", "delivery-enablers"]),
    ("keeps-promises", "roots", "Does what was promised, when it was promised",
     "How reliably do we do what we promised, by the time we promised it?", ["service-levels", "service-delivery"]),
    ("right-first-time", "roots", "Solves my problem the first time",
     "How often is your request solved the first time you contact us?", ["service-delivery", "delivery-enablers"]),
    ("knows-the-answer", "trunk", "The person helping me knows what they are doing",
     "How well do the people who help you know their job?", ["people-development", "delivery-enablers"]),
    ("keeps-me-informed", "trunk", "Keeps me informed without my chasing",
     "How well do we keep you informed without your having to chase us?", ["transparency-trust", "service-levels"]),
    ("puts-it-right", "trunk", "Puts things right when they go wrong",
     "When something goes wrong, how well do we put it right?", ["service-recovery"]),
    ("understands-us", "crown", "Understands what matters to us",
     "How well do we understand what matters to your work?", ["customer-insight", "strategy-vision"]),
    ("suggests-improvements", "crown", "Suggests ways to make things better for us",
     "How well do we bring you ideas that make things better for you?", ["continuous-improvement", "customer-insight"]),
]


def _driver_lines(dimensions: list[str]) -> str:
    lines = []
    for did, layer, name, question, dims in EXAMPLE_DRIVERS:
        linked = [d for d in dims if d in dimensions]  # another model: link the drivers to its own dimensions
        lines += [f"    - id: {did}", f"      layer: {layer}", f"      name: {_q(name)}",
                  f"      question: {_q(question)}", f"      dimensions: [{', '.join(linked)}]"]
    return "\n".join(lines)


def client_yaml_text(slug: str, name: str, sector: str, consultant: str, model: str, today: dt.date,
                     dimensions: list[str] | None = None) -> str:
    drivers = _driver_lines(dimensions or [])
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
  # 6-8 KPIs, each: id, name, definition, unit, direction (up or down), baseline, target, due, owner, source,
  # dimensions. An id from the initiative catalogue's KPI library links the KPI to the initiatives that move it.
  scorecard: []

# The roadmap: waves (quarters by default) from a start date, with a capacity in person-weeks per wave.
roadmap:
  start: {next_quarter(today).isoformat()}
  waves: 4
  wave_weeks: 13
  capacity: 40
  priority_weights: {{gap: 0.4, importance: 0.2, foundation: 0.25, disagreement: 0.15, customers: 0.25}}
  exclude_initiatives: []   # ids from the catalogue that do not fit this client
  add_initiatives: []       # the client's own initiatives, in the catalogue's format

# The customers' driver tree: what this client's customers expect, in their words. roots: the basics they
# require every time; trunk: the competence they expect; crown: the extras that make them loyal. Each driver
# has the question the customer survey asks (performance and importance, 1-5) and the model dimensions it
# depends on. An example to rewrite with the client; `workbench customer-survey` turns it into a questionnaire.
customers:
  acceptable: 3.5           # average performance (1-5) below which a root driver is flagged first
  drivers:
{drivers}
"""


def next_quarter(day: dt.date) -> dt.date:
    """The first day of the quarter after `day`."""
    q = (day.month - 1) // 3 + 1
    return dt.date(day.year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
