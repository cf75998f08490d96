"""The `workbench` command: scaffold engagements, make questionnaires, validate and score responses."""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

import click
import pandas as pd

from assessment.model import builtin_models, load_model
from assessment.problems import InputError, Problem, input_source
from assessment.scoring import assess, coverage_warnings
from roadmaps.vision import target_profile, vision_warnings
from workbench.batch.pools import ENGINES, INPUT_MODES
from workbench.engagement.folder import Engagement, assess_engagement, load_engagement, read_engagement_responses
from workbench.engagement.kpis import kpi_measurements
from workbench.engagement.scaffold import init_client, write_questionnaire
from workbench.reports import profile_output
from workbench.reports.profile_output import text_table

EXIT_INPUT = 2  # bad input: every problem was printed, nothing was written


def reports_input_errors(fn):
    """Print every problem of an InputError to stderr and exit with code 2."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            click.echo(exc.render(), err=True)
            sys.exit(EXIT_INPUT)
    return wrapper


class InWorkflowOrder(click.Group):
    """Lists commands in the order a consultant uses them, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=InWorkflowOrder, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="maturity-workbench")
def cli() -> None:
    """Maturity Workbench: assess service-management maturity and plan the way up."""


@cli.command("init-client")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", required=True, help="The client's name, e.g. 'Northbank IT Service Desk'.")
@click.option("--model", "model_ref", default="service-management", show_default=True,
              help="A built-in model id or the path of a model YAML file.")
@click.option("--sector", default="", help="The client's sector, e.g. Banking.")
@click.option("--consultant", default="", help="Who runs the engagement.")
@reports_input_errors
def init_client_cmd(folder: Path, name: str, model_ref: str, sector: str, consultant: str) -> None:
    """Scaffold an engagement folder: client.yaml, responses/ and a questionnaire workbook."""
    init_client(folder, name, model_ref, sector, consultant)
    click.echo(f"Created engagement {folder}:\n  {folder / 'client.yaml'}\n  {folder / 'responses'}/\n"
               f"  {folder / 'questionnaire.xlsx'}\nNext: send the questionnaire, drop the returns into "
               "responses/, then `workbench validate` and `workbench score`.")


@cli.command("questionnaire")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the workbook (default: FOLDER/questionnaire.xlsx).")
@reports_input_errors
def questionnaire_cmd(folder: Path, out: Path | None) -> None:
    """Write the questionnaire as an Excel workbook respondents fill in offline."""
    target = write_questionnaire(load_engagement(folder), out)
    click.echo(f"Wrote {target}")


@cli.command("customer-survey", short_help="Write the customer survey built from the driver tree, and a form template.")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the workbook (default: FOLDER/customer-survey.xlsx); the online form's column "
                   "template goes beside it as NAME-form-columns.csv.")
@click.option("--no-extras", is_flag=True, help="Leave out overall satisfaction and likelihood to recommend.")
@reports_input_errors
def customer_survey_cmd(folder: Path, out: Path | None, no_extras: bool) -> None:
    """Write the customer survey: performance and importance of each driver in client.yaml's driver tree, one
    open comment, and (unless --no-extras) overall satisfaction and likelihood to recommend. Returned workbooks
    and online-form exports go into FOLDER/customers/, a file per week if you like; every answer is dated."""
    from workbench.engagement.scaffold import write_customer_survey

    for path in write_customer_survey(load_engagement(folder), out, not no_extras):
        click.echo(f"Wrote {path}")


@cli.command("validate")
@click.argument("folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
def validate_cmd(folders: tuple[Path, ...]) -> None:
    """Check client.yaml, every response file, the customer answers and status.csv; list all problems, and
    warnings such as a scorecard KPI that no planned initiative moves, without printing scores."""
    from assessment.customer_view import headline as customer_headline
    from workbench.engagement.status import read_status
    from workbench.planning import client_initiatives

    failed = False
    for folder in folders:
        try:
            engagement = load_engagement(folder)
            rounds = engagement.rounds
            ingested = {r.name: read_engagement_responses(engagement, r.name) for r in rounds}
            kpi_measurements(engagement)  # checked here too: validate finds every problem before a batch does
            customers = engagement.customer_answers
            statuses = read_status(engagement.folder, {i.id: i.title for i in client_initiatives(engagement)})
        except InputError as exc:
            click.echo(exc.render(), err=True)
            failed = True
            continue
        problems = [p for i in ingested.values() for p in i.problems]
        if problems:
            click.echo(InputError(problems, f"the responses of {folder}").render(), err=True)
            failed = True
            continue
        for r in rounds:
            got, a, model = ingested[r.name], ingested[r.name].answers, engagement.round_model(r)
            label = "" if len(rounds) == 1 else f" round {r.name} ({r.date})"
            given = a[a["status"] != "missing"]  # not the comments written beside a blank or on no question
            click.echo(f"OK {folder}{label}: {given['respondent'].nunique()} respondents, {len(given):,} answers in "
                       f"{len(got.files)} file(s); model {model.id} {model.version}")
            for note in got.notes:
                click.echo(f"  note: {note}")
            for warning in coverage_warnings(a, model):
                click.echo(f"  warning: {warning}")
        if customers.files:
            h = customer_headline(customers.answers)
            span = f", {h['first']:%d %b %Y} to {h['last']:%d %b %Y}" if h["first"] is not None else ""
            click.echo(f"OK {folder} customers: {h['customers']} customers, {h['answers']:,} answers in "
                       f"{len(customers.files)} file(s){span}")
            for note in customers.notes:
                click.echo(f"  note: {note}")
        if len(statuses):
            click.echo(f"OK {folder} status.csv: {len(statuses)} initiative(s) with a status")
        for note in engagement.notes:
            click.echo(f"  note: {note}")
        vision = engagement.config.vision
        for warning in vision_warnings(vision, target_profile(engagement.model, vision)):
            click.echo(f"  warning: {warning}")
        try:
            for warning in unmoved_kpis(engagement, ingested[engagement.round().name].answers):
                click.echo(f"  warning: {warning}")
        except InputError as exc:
            click.echo(exc.render(), err=True)
            failed = True
    if failed:
        sys.exit(EXIT_INPUT)


def unmoved_kpis(engagement: Engagement, answers) -> list[str]:
    """A warning per scorecard KPI nothing planned moves: against the roadmap planned from the latest round's
    `answers` when there are any, else against every initiative the client may plan."""
    from workbench.planning import plan, plan_settings, unplanned_kpi_warnings

    if answers.empty:
        return unplanned_kpi_warnings(engagement)
    assessment = assess(answers, engagement.round_model(engagement.round()), engagement.roles)
    return [w for w in plan(engagement, assessment, plan_settings(engagement)).scorecard["warning"] if w]


@cli.command("score")
@click.argument("folders", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@reports_input_errors
def score_cmd(folders: tuple[Path, ...], fmt: str) -> None:
    """Print the current-state profile of each engagement."""
    results = [assess_engagement(f) for f in folders]  # all validated before anything is printed
    if fmt == "table":
        click.echo("\n\n".join(profile_output.as_table(e, r) for e, r in results))
    elif fmt == "csv":
        click.echo(profile_output.as_csv([profile_output.as_csv_frame(e, r) for e, r in results]), nl=False)
    else:
        docs = [profile_output.as_dict(e, r) for e, r in results]
        click.echo(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, ensure_ascii=False, default=str))


@cli.command("run")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--all", "all_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Run every engagement folder (with a client.yaml) inside this folder.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where the reports go: OUT/<client-id>/, OUT/index.html, OUT/summary.csv.")
@click.option("--jobs", type=click.IntRange(min=1), help="Clients in parallel (default: the number of cores).")
@click.option("--formats", default="html,pdf,xlsx,pptx", show_default=True,
              help="Comma-separated: html, pdf, xlsx (the roadmap workbook), pptx (the deck).")
@click.option("--resume", is_flag=True, help="Skip clients whose inputs and code are unchanged since their last good run.")
@click.option("--engine", type=click.Choice(ENGINES), default="fast", show_default=True,
              help="How notebooks are executed: 'fast' forks pre-warmed kernels; 'papermill' starts each kernel "
                   "from scratch (the reference); 'dask' sends one task per client to a Dask cluster (--scheduler) "
                   "or a local one, whose workers run 'fast'.")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="With --engine dask: the `dask scheduler` whose workers run the clients (default: a local "
                   "cluster of --jobs workers on this machine).")
@click.option("--inputs", type=click.Choice(INPUT_MODES),
              help="With --engine dask: 'ship' sends each client's input files with its task; 'shared' has workers "
                   "read them at the same path (a shared drive). Default: ship with --scheduler, else shared.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A notebook parameter for every client, e.g. -p capacity=30 -p waves=6.")
@click.option("--timeout", default=600, show_default=True, type=click.IntRange(min=1),
              help="Seconds a notebook cell may run before it fails (at least 1).")
@click.option("--store", default="", metavar="URL|PATH",
              help="The portfolio store that records every client's rounds: a database URL (e.g. "
                   "postgresql+psycopg://host/db) or a folder for SQLite. Default: OUT/portfolio.sqlite.")
@click.option("--no-store", is_flag=True, help="Record nothing, and leave peer comparisons out of the reports.")
@reports_input_errors
def run_cmd(folders, all_dir, out, jobs, formats, resume, engine, scheduler, inputs, params, timeout, store,
            no_store) -> None:
    """Execute the three notebooks and build the reports for every client; a failure stays with its client."""
    # Here and in the other commands: imported when the command runs, so `workbench --help` stays fast
    from workbench.batch.jobs import FORMATS, discover
    from workbench.batch.progress import Progress
    from workbench.batch.run import run_batch
    from workbench.store.database import url_from

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise InputError([Problem("--formats", f"unknown format(s) {bad}; expected a comma-separated list of "
                                               + ", ".join(FORMATS))])
    clients = discover(list(folders), all_dir)
    if not clients:
        raise InputError([Problem("command line", "no clients: give engagement folders or --all DIR")])
    progress = Progress(len(clients))
    try:
        results = run_batch(clients, out, jobs or 0, chosen, engine, parse_params(params), resume, timeout, progress,
                            None if no_store else url_from(store) if store else "", scheduler, inputs or "")
    except KeyboardInterrupt:
        progress.close()
        click.echo(f"\nInterrupted: the clients that finished are in {out.resolve()}; every other client keeps its "
                   "previous reports. Run again with --resume to do only what is left.", err=True)
        sys.exit(130)
    finally:
        progress.close()
    rows = [{"Client": r.client_id, "Status": r.status, "Level": r.overall_level, "Top gap": r.top_gap,
             "Seconds": f"{r.seconds:.1f}", "Problem": (f"{r.failed_step}: {headline(r.error)}"
                                                        if r.status == "failed" else "")} for r in results]
    click.echo(text_table(rows, right={"Seconds"}))
    n_ok = sum(r.status != "failed" for r in results)
    click.echo(f"\n{n_ok} of {len(results)} clients succeeded. Open {(out / 'index.html').resolve()}")
    if n_ok < len(results):
        sys.exit(1)


def headline(error: str, width: int = 140) -> str:
    """The first problem of an error (the file, row and what was wrong), not its "N problems in ..." header."""
    lines = error.splitlines() or [""]
    first = next((ln.strip()[2:] for ln in lines[1:] if ln.startswith("  - ")), lines[0])
    more = sum(ln.startswith("  - ") for ln in lines) - 1
    text = first + (f" (+{more} more)" if more > 0 else "")
    return text if len(text) <= width else text[:width - 3] + "..."


def parse_params(pairs: tuple[str, ...]) -> dict:
    """NAME=VALUE pairs with values read as YAML scalars (30 -> int, 30.5 -> float, text -> str)."""
    from ruamel.yaml import YAML  # each command imports what it needs when it runs: `workbench --help` stays fast

    out, problems = {}, []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            problems.append(Problem("-p", f"{pair!r}: expected NAME=VALUE, e.g. capacity=30"))
            continue
        parsed = YAML(typ="safe").load(value) if value.strip() else ""
        out[name.strip()] = parsed if isinstance(parsed, (int, float, str, bool)) else value
    if problems:
        raise InputError(problems, "the parameters")
    return out


@cli.command("models")
def models_cmd() -> None:
    """List the built-in maturity models."""
    for mid, path in sorted(builtin_models().items()):
        m = load_model(path)
        click.echo(f"{mid:<20} {m.version:<10} {len(m.dimensions):>3} x {m.tiers[m.dimension_depth].name.lower():<20}"
                   f"{len(m.question_table):>4} questions  {m.name}")


@cli.command("check-model")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@reports_input_errors
def check_model_cmd(path: Path) -> None:
    """Validate a maturity model YAML file and report every problem with its YAML path."""
    m = load_model(path)
    click.echo(f"{path}: model {m.id} {m.version} is valid: {len(m.dimensions)} x "
               f"{m.tiers[m.dimension_depth].name.lower()}, "
               f"{len(m.question_table)} questions.")
    for line in m.describe_aggregation():
        click.echo(f"  {line}")
    if m.source_note:
        click.echo(f"  note: {m.source_note}")


@cli.command("target", short_help="Set target levels per dimension, saved into client.yaml.")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("assignments", nargs=-1, required=True)
@click.option("--rationale", help="Why the leadership team chose these levels (saved beside them).")
@reports_input_errors
def target_cmd(folder: Path, assignments: tuple[str, ...], rationale: str | None) -> None:
    """Set target levels, e.g. `service-levels=4 service-recovery=Defined`, saved into client.yaml."""
    from workbench.engagement.clientfile import parse_target_args, set_targets
    from workbench.reports.roadmap_output import targets_text

    engagement = load_engagement(folder)
    targets = parse_target_args(list(assignments), engagement.model)
    engagement = set_targets(folder, targets, rationale)
    click.echo(f"Saved {len(targets)} target{'s' if len(targets) != 1 else ''} in {folder / 'client.yaml'}.")
    click.echo(targets_text(target_profile(engagement.model, engagement.config.vision)))


@cli.command("roadmap")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--capacity", type=click.FloatRange(min=0, min_open=True),
              help="Person-weeks per wave (default: client.yaml, else 40).")
@click.option("--waves", type=click.IntRange(1, 40), help="Number of waves (default: client.yaml, else 4).")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day of wave 1 (YYYY-MM-DD).")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the workbook: gaps, roadmap, trajectory, scorecard.")
@reports_input_errors
def roadmap_cmd(folder: Path, capacity: float | None, waves: int | None, start, xlsx: Path | None) -> None:
    """Rank the gaps against the targets and plan the initiatives that close them, wave by wave."""
    from workbench.planning import plan_engagement
    from workbench.reports.roadmap_output import as_text
    from workbench.reports.workbook import save_roadmap_workbook

    p = plan_engagement(folder, capacity, waves, start.date() if start else None)
    click.echo(as_text(p))
    if xlsx:
        click.echo(f"\nWrote {save_roadmap_workbook(p, xlsx)}")


@cli.command("workshop")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on localhost (0: a free one).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; just print the address.")
@click.option("--deck", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The client's deck.pptx: 'Export what we decided' appends its slides to it.")
@reports_input_errors
def workshop_cmd(folder: Path, port: int, no_browser: bool, deck: Path | None) -> None:
    """Serve the live workshop panels for one client as a code-free page (Voila), on localhost only."""
    from workbench.workshop.app import serve

    # read and scored while Voila starts: a broken input is reported here, not in the browser
    sys.exit(serve(folder.resolve(), port, open_browser=not no_browser, check=assess_engagement,
                   deck=deck.resolve() if deck else None))


@cli.command("decided")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The PDF to write [default: FOLDER/what-we-decided-<day>.pdf].")
@click.option("--deck", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Append the slides to this deck.pptx (slides of an earlier export are replaced).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Decisions logged on or after this day [default: the day of the latest decision].")
@reports_input_errors
def decided_cmd(folder: Path, out: Path | None, deck: Path | None, since) -> None:
    """What a workshop decided (the decision log) and what the plan now leads to: a one-page PDF, and slides
    appended to the client's deck."""
    from workbench.engagement.config import DECISION_LOG
    from workbench.workshop.decided import export
    from workbench.workshop.session import Workshop

    if not (folder / DECISION_LOG).exists():
        raise InputError([Problem(str(folder / DECISION_LOG), "not found; expected the decision log that "
                                  "`workbench workshop` writes when decisions are saved")])
    for path in export(Workshop(folder), out, deck, since.date() if since else None):
        click.echo(f"Wrote {path}")


@cli.command("status", short_help="Record what is delivered; show each initiative against its dates (RAG).")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("assignments", nargs=-1)
@click.option("--note", default="", help="Why, or what was delivered (kept with each status given).")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day of the status [default: today].")
@reports_input_errors
def status_cmd(folder: Path, assignments: tuple[str, ...], note: str, day) -> None:
    """Record what is delivered, e.g. `complaint-log=done` or `smart-service-levels=under-way:40` (per cent done), into
    status.csv; then show every initiative of the plan of record against its dates (red, amber, green)."""
    from roadmaps.delivery import delivery
    from workbench.engagement.status import STATUS_FILE, read_status, set_status
    from workbench.planning import plan_engagement
    from workbench.progress_review import plan_of_record

    record = plan_of_record(plan_engagement(folder))
    planned = dict(zip(record.roadmap.plan["initiative"], record.roadmap.plan["title"]))
    today = day.date() if day else dt.date.today()
    if assignments:
        changed = set_status(folder, planned, list(assignments), note, today)
        click.echo(f"Saved {len(changed)} status{'es' if len(changed) != 1 else ''} in {folder / STATUS_FILE}.")
    table = delivery(record.roadmap.plan, read_status(folder, planned), today)
    click.echo(text_table([{"wave": r.wave, "initiative": r.initiative, "planned": f"{r.start} to {r.end}",
                            "status": r.status + ("" if r.recorded else " (none recorded)"),
                            "done %": "" if r.percent_done is None or pd.isna(r.percent_done) else f"{r.percent_done:g}",
                            "state": f"{r.state} ({r.rag})", "note": r.note}
                           for r in table.itertuples(index=False)], right={"wave", "done %"}))


@cli.command("portfolio")
@click.option("--store", required=True, metavar="URL|PATH",
              help="The portfolio store: a database URL or the folder of portfolio.sqlite (e.g. the run's OUT).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Where portfolio.html goes.")
@reports_input_errors
def portfolio_cmd(store: str, out: Path) -> None:
    """The consultancy's report across clients: levels by sector, who is behind, the most common gaps."""
    from workbench.reports.portfolio_report import build_portfolio
    from workbench.store.database import url_from

    click.echo(f"Wrote {build_portfolio(url_from(store), out)}")


@cli.command("export")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="The zip to write (default: <client-id>-export-<date>.zip here).")
@click.option("--store", default=None, metavar="URL|PATH", help="Also include what this portfolio store keeps.")
@reports_input_errors
def export_cmd(folder: Path, target: Path | None, store: str | None) -> None:
    """Everything about one client in one zip: its files, every round's analysis, its store rows."""
    from workbench.store.database import url_from
    from workbench.store.export import export_client

    click.echo(f"Wrote {export_client(folder, target, url_from(store) if store else None)}")


@cli.command("forget")
@click.argument("client_id")
@click.option("--store", required=True, metavar="URL|PATH", help="The portfolio store to remove the client from.")
@reports_input_errors
def forget_cmd(client_id: str, store: str) -> None:
    """Remove a client's data from the portfolio store entirely (for a client who ends the engagement)."""
    from workbench.store.database import open_store, url_from
    from workbench.store.writing import forget_client

    removed = forget_client(open_store(url_from(store), create=False), client_id)
    if removed < 0:
        raise InputError([Problem("CLIENT_ID", f"no client {client_id!r} in the store; nothing was removed")])
    click.echo(f"Removed {client_id} ({removed} round{'s' * (removed != 1)}) from the store; "
               "its free space was rebuilt so nothing of it remains in the database file.")


EXIT_UNEXPECTED = 1  # a fault of ours: one line for the consultant, the traceback in a file for us
CRASH_DIR_ENV = "WORKBENCH_CRASH_DIR"


def crash_dir() -> Path:
    """Where tracebacks of unexpected failures are kept: $WORKBENCH_CRASH_DIR, else the user's cache folder."""
    if os.environ.get(CRASH_DIR_ENV):
        return Path(os.environ[CRASH_DIR_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "maturity-workbench" / "crashes"


def report_crash(exc: BaseException, argv: list[str]) -> str:
    """Write the traceback to a file and return the one line a consultant sees instead of it."""
    command = " ".join(["workbench", *argv[:1]])
    text = (f"workbench {' '.join(argv)}\n{dt.datetime.now().isoformat(timespec='seconds')}\n\n"
            + "".join(traceback.format_exception(exc)))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    where = None
    for folder in (crash_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            where = folder / f"crash-{stamp}-{os.getpid()}.log"
            where.write_text(text, encoding="utf-8")
            break
        except OSError:
            where = None
    source = input_source(exc)
    what = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}".rstrip(": ")
    return (f"{command} failed unexpectedly ({what})" + (f" while reading {source}" if source else "")
            + ". No file was left half-written (outputs are replaced whole or not at all). "
            + (f"The full traceback is in {where}; please send it to the workbench's maintainers."
               if where else "The traceback could not be saved."))


def main() -> None:
    """The `workbench` command. Bad input exits 2 with every problem listed; an unexpected failure (a fault of
    ours, never a raw traceback for the consultant) prints one line, keeps the traceback in a file, exits 1."""
    try:
        cli(prog_name="workbench")
    except Exception as exc:  # noqa: BLE001 - the last resort: everything else has been handled by now
        click.echo(report_crash(exc, sys.argv[1:]), err=True)
        sys.exit(EXIT_UNEXPECTED)


if __name__ == "__main__":
    main()
