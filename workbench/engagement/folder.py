"""An engagement folder loaded and validated (client.yaml with its model and catalogue), and the one path
from a folder to its current-state profile that the CLI, notebooks, widgets and batch all use."""
from __future__ import annotations

import functools
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from assessment.customers import driver_tree_problems
from assessment.model import MaturityModel, load_model, resolve_model_path
from assessment.problems import InputError, Problem, reading
from assessment.responses import Ingested, read_responses
from assessment.roles import RoleGroup, roles_frame
from assessment.scoring import Assessment, assess
from assessment.text import normalise_text
from assessment.textfile import is_file
from assessment.yamlfile import ProblemList, parse_validated, read_yaml_text
from roadmaps.catalogue import Catalogue, builtin_catalogue_path, client_initiative_problems, load_catalogue
from roadmaps.vision import vision_problems
from workbench import atomic
from workbench.engagement.customers import kpi_source_problems
from workbench.engagement.config import CLIENT_FILE, RESPONSES_DIR, ClientConfig
from workbench.engagement.files import file_hash, fingerprint, read_by_commands
from workbench.engagement.rounds import Round, find_rounds


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

    @functools.cached_property
    def customer_answers(self):
        """customers/ read once per Engagement (assessment.customer_answers.CustomerAnswers); InputError when a
        file is bad."""
        from workbench.engagement.customers import read_engagement_customers

        return read_engagement_customers(self)

    @functools.cached_property
    def customer_drivers(self):
        """Each driver of the tree as customers rate it (assessment.customer_view.driver_table)."""
        from assessment.customer_view import driver_table

        return driver_table(self.customer_answers.answers, self.config.customers)

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
    for loc, msg in (vision_problems(config.vision, model) + driver_tree_problems(config.customers, model)
                     + kpi_source_problems(config)):
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


def engagement_inputs(eng: Engagement) -> tuple[list[Path], list[Path]]:
    """(folders, files) an engagement's commands read, the model and catalogue files included."""
    folders, files = read_by_commands(eng.folder)
    return folders, files + [p.resolve() for p in external_inputs(eng)]


CACHE_ENV = "WORKBENCH_CACHE"


def assess_engagement(folder: Path, round_name: str | None = None) -> tuple[Engagement, Assessment]:
    """The one path from an engagement folder to its current-state profile: the latest assessment round,
    or the round named. Raises InputError."""
    return cached(f"assessed-{round_name or ''}", folder, lambda: _assess(Path(folder), round_name))


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
        if all(file_hash(Path(p)) == h for p, h in uses.items()):
            return result
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
        pass
    result = compute()
    eng = result if isinstance(result, Engagement) else getattr(result, "engagement", None) or result[0]
    uses = external_inputs(eng)
    atomic.write_bytes(path, pickle.dumps(({str(p): file_hash(p) for p in uses}, result), pickle.HIGHEST_PROTOCOL))
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
