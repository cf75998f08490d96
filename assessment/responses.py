"""Reading every response file of an engagement into one validated answers table.

Three shapes are understood, in CSV or XLSX: long tables (one row per answer), returned questionnaire
workbooks, and wide survey exports (Microsoft Forms, Google Forms: one row per respondent, one column per
question). Each is turned into the same raw long table and validated by one vectorised path, which lists
every problem of a file (file, row, column, found, expected) instead of stopping at the first.

Comments and evidence notes are never dropped: a blank answer that carries one stays in the answers table as
an unanswered row (status 'missing', value NaN, never scored), and a general comment (a wide export's "Any
other comments?" column, or a long table's row with a comment but no question and no answer) becomes a row of
its respondent with question NO_QUESTION.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from assessment.answers import INVALID, MISSING, NO_QUESTION, VALUE, ScaleReader, decode_answers, parse_number
from assessment.model import MaturityModel
from assessment.problems import InputError, Problem, reading
from assessment.questionnaire import is_questionnaire, open_workbook, read_returned
from assessment.roles import RoleGroup, role_lookup
from assessment.tables import EXCEL_SUFFIXES, RawTable, first_sheet_table, read_csv, table_files
from assessment.text import header_key, normalise_each, normalise_text
from assessment.textfile import encoding_note

ANONYMOUS = {"anonymous", "anon", "n/a", "-"}
MAX_PER_KIND = 25  # rows listed per kind of problem and file; the rest are counted
FIELDS = ("respondent", "role", "name", "email", "timestamp", "comment", "ignore")
ANSWER_COLUMNS = ["respondent", "role", "question", "value", "status", "importance", "answer", "comment",
                  "evidence", "submitted", "source", "row"]

LONG_ALIASES = {
    "respondent": ["respondent", "respondent id", "respondent_id", "respondentid"],
    "role": ["role", "role group", "role_group"],
    "question": ["question", "question id", "question_id", "questionid", "item"],
    "answer": ["answer", "response", "score", "rating", "value"],
    "importance": ["importance"],
    "comment": ["comment", "comments"],
    "evidence": ["evidence"],
}
WIDE_META = {
    "respondent": ["respondent", "respondent id", "respondent_id"],
    "name": ["name", "full name", "your name", "respondent name"],
    "email": ["email", "email address", "e-mail", "e-mail address", "username"],
    "timestamp": ["timestamp", "completion time", "submitted", "submission time", "submitted at", "end time"],
    "role": ["role", "your role", "role group", "what is your role", "which role describes you best"],
    "comment": ["comment", "comments", "any other comments", "other comments", "additional comments",
                "general comments", "any additional comments"],
    "ignore": ["id", "start time", "last modified time", "language"],
}
_SUFFIX = re.compile(r"^(?P<q>.+?)\s*\[(?P<kind>importance|comment|evidence)\]$")
_PREFIX = re.compile(r"^(?P<kind>importance|comment|evidence)\s*[-:]\s*(?P<q>.+)$")
_ID_LEAD = re.compile(r"^\[?(?P<id>[A-Za-z0-9][A-Za-z0-9_.\-]*?)\]?\s*(?:[-:.)]|\s-\s)\s*\S")


class ResponseMapping(BaseModel):
    """The `responses:` section of client.yaml: how survey export headers map to questions and fields."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    columns: dict[str, str] = {}


@dataclass
class Ingested:
    """All answers of an engagement (empty when problems were found), with problems and notes."""

    answers: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- entry point

def read_responses(folder: Path, model: MaturityModel, roles: list[RoleGroup], mapping: ResponseMapping,
                   root: Path | None = None) -> Ingested:
    """Read and validate every response file directly inside `folder` (names shown relative to `root`)."""
    root = root or folder.parent
    frames: list[pd.DataFrame] = []
    files: list[str] = []
    first_seen: dict[str, str] = {}
    if not folder.is_dir():
        return Ingested(_empty_answers(), [], [f"No responses folder at {folder}."], [])
    listed, problems, notes = table_files([p for p in sorted(folder.iterdir())
                                           if not p.is_dir() and not p.name.startswith((".", "~$"))], root,
                                          "response file")
    for path, source in listed:
        files.append(source)
        try:
            with reading(source):
                raw, file_problems = read_response_file(path, source, model, mapping)
                if raw is not None:
                    answers, row_problems = validate_raw(raw, model, roles, source)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if raw is None:
            problems.extend(file_problems)
            continue
        if raw.attrs.get("encoding_note"):
            notes.append(raw.attrs["encoding_note"])
        if answers.attrs.get("blank_respondents"):
            who = answers.attrs["blank_respondents"]
            notes.append(f"{source}: {len(who)} respondent{'s' * (len(who) != 1)} left every question blank and "
                         f"{'are' if len(who) != 1 else 'is'} not counted: {_some(who)}.")
        if answers.attrs.get("comment_only_respondents"):
            who = answers.attrs["comment_only_respondents"]
            notes.append(f"{source}: {len(who)} respondent{'s' * (len(who) != 1)} answered no question but wrote "
                         f"comments, kept for the findings; not counted in the scores: {_some(who)}.")
        file_problems += row_problems
        for resp in answers["respondent"].unique():
            key = normalise_text(resp)
            if key in first_seen:
                file_problems.append(Problem(source, f"duplicate respondent {resp!r}: already answered in "
                                                     f"{first_seen[key]}; expected each respondent once"))
            else:
                first_seen[key] = source
        problems.extend(file_problems)
        if not file_problems:
            frames.append(answers)
    if problems:
        return Ingested(_empty_answers(), problems, notes, files)
    answers = pd.concat(frames, ignore_index=True) if frames else _empty_answers()
    return Ingested(answers, [], notes, files)


def _some(who: list[str]) -> str:
    """The first five names of a list, then '...' when there are more."""
    return ", ".join(who[:5]) + (", ..." if len(who) > 5 else "")


def _empty_answers() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "importance") else object)
                         for c in ANSWER_COLUMNS})


def read_response_file(path: Path, source: str, model: MaturityModel, mapping: ResponseMapping
                       ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One file -> the raw long table (text answers, row numbers, column labels) and header-level problems."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        wb = open_workbook(path, source)
        try:
            if is_questionnaire(wb):
                return _from_questionnaire(wb, path, source, model)
            table = first_sheet_table(wb, source)
        finally:
            wb.close()
    else:
        table = read_csv(path, source)
    raw, problems = _interpret(table, model, mapping)
    if raw is not None:
        raw.attrs["encoding_note"] = encoding_note(source, table.encoding)
    return raw, problems


def _interpret(table: RawTable, model: MaturityModel, mapping: ResponseMapping
               ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A long table or a wide export, told apart by its headers."""
    keys = {header_key(h) for h in table.header}
    mapped = {header_key(k): v for k, v in mapping.columns.items()}
    long_fields = {f for f, names in LONG_ALIASES.items() for h in keys if h in names or mapped.get(h) == f}
    if "question" in long_fields:  # a wide export has no column called "question"
        return _from_long(table, mapping)
    return _from_wide(table, model, mapping)


# ---------------------------------------------------------------- the three shapes

def _from_long(table: RawTable, mapping: ResponseMapping) -> tuple[pd.DataFrame | None, list[Problem]]:
    mapped = {header_key(k): v for k, v in mapping.columns.items()}
    col_of: dict[str, int] = {}
    for j, h in enumerate(table.header):
        k = header_key(h)
        target = mapped.get(k) or next((f for f, names in LONG_ALIASES.items() if k in names), None)
        if target and target not in col_of:
            col_of[target] = j
    missing = [f for f in ("respondent", "role", "question", "answer") if f not in col_of]
    if missing:
        return None, [Problem(table.source, f"missing required column{'s' if len(missing) > 1 else ''} "
                                            f"{', '.join(repr(m) for m in missing)}; a long table needs respondent, "
                                            "role, question, answer (optional: importance, comment, evidence); "
                                            f"found: {', '.join(table.header)}", row=table.header_row)]
    arr = np.array(table.rows, dtype=object)
    get = lambda f: arr[:, col_of[f]] if f in col_of else np.full(len(arr), "", dtype=object)  # noqa: E731
    label = lambda f: table.header[col_of[f]] if f in col_of else f  # noqa: E731
    raw = pd.DataFrame({
        "respondent": get("respondent"), "role": get("role"), "question": get("question"),
        "answer": get("answer"), "importance": get("importance"), "comment": get("comment"),
        "evidence": get("evidence"), "submitted": None, "row": table.row_numbers,
    })
    raw.attrs["columns"] = {f: label(f) for f in ("respondent", "role", "question", "answer", "importance")}
    return raw, []


def _from_questionnaire(wb, path: Path, source: str, model: MaturityModel):
    book, problems = read_returned(wb, path, source)
    if book is None:
        return None, problems
    if book.model_id and book.model_id != model.id:
        return None, [Problem(source, f"this questionnaire was made for model {book.model_id!r}; the engagement "
                                      f"uses {model.id!r}; expected a questionnaire generated for this engagement")]
    if not book.rows:
        return None, [Problem(source, "the questionnaire has no question rows")]
    raw = pd.DataFrame(book.rows)
    raw.insert(0, "respondent", book.respondent)
    raw.insert(1, "role", book.role)
    raw["submitted"] = None
    raw.attrs["columns"] = {"respondent": "Your name", "role": f"{book.role_cell} (Your role)",
                            "question": "A (Question ID)", "answer": "F (Your answer)",
                            "importance": "G (Importance)"}
    raw.attrs["single_row_role"] = int(book.role_cell[1:])
    return raw, []


def classify_header(header: str, model: MaturityModel, mapping: ResponseMapping) -> tuple[str, str | None]:
    """What a wide-export column holds: ('field', name), ('question'|'importance'|'comment'|'evidence', qid)
    or ('unknown', None)."""
    k = header_key(header)
    for src, target in mapping.columns.items():
        if header_key(src) == k:
            if target in FIELDS:
                return "field", target
            if target.startswith("importance:"):
                return "importance", target.split(":", 1)[1].strip()
            return "question", target
    for fname, names in WIDE_META.items():
        if k in names:
            return "field", fname
    qid = _question_of(header, model)
    if qid:
        return "question", qid
    for pattern in (_SUFFIX, _PREFIX):
        m = pattern.match(header.strip())
        if m:
            qid = _question_of(m.group("q"), model)
            if qid:
                return m.group("kind").lower(), qid
    return "unknown", None


def _question_of(text: str, model: MaturityModel) -> str | None:
    ids, texts = model.question_lookup
    k = normalise_text(text)
    if k in ids:
        return ids[k]
    m = _ID_LEAD.match(text.strip())
    if m and normalise_text(m.group("id")) in ids:
        return ids[normalise_text(m.group("id"))]
    return texts.get(header_key(text))


@dataclass
class _WideColumns:
    """Where a wide export keeps what, by column index: each question's answers, each question's extras
    (importance, comment, evidence), the respondent fields (role, name, email, timestamp, ...) and the general
    comment columns (free text tied to no question, e.g. "Any other comments?"; every one of them is kept)."""

    questions: dict[str, int] = field(default_factory=dict)
    extras: dict[tuple[str, str], int] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=dict)
    general: list[int] = field(default_factory=list)


def _from_wide(table: RawTable, model: MaturityModel, mapping: ResponseMapping):
    """A wide export (one row per respondent, one column per question) -> the raw long table, one row per answer.
    Instead, the problems with its columns when there are any, else those with its respondents."""
    columns, problems = _wide_columns(table, model, mapping)
    problems += _missing_wide_columns(table, columns)
    if problems:
        return None, problems
    arr = np.array(table.rows, dtype=object)
    ident = _wide_identities(table, arr, columns)
    problems = _duplicate_respondent_rows(table, ident)
    if problems:
        return None, problems
    raw = _wide_answers(table, arr, columns, ident)
    raw.attrs["columns"] = {"respondent": table.header[columns.fields["respondent"]] if "respondent" in columns.fields
                            else "respondent", "role": table.header[columns.fields["role"]],
                            "question": "header", "answer": None, "importance": None}
    return raw, []


def _wide_columns(table: RawTable, model: MaturityModel, mapping: ResponseMapping
                  ) -> tuple[_WideColumns, list[Problem]]:
    """Each header of a wide export classified; problems for headers that match nothing, for a mapping to a
    question the model lacks, and for a second column of one question."""
    problems: list[Problem] = []
    kinds = [classify_header(h, model, mapping) for h in table.header]
    columns = _WideColumns()
    for j, (kind, target) in enumerate(kinds):
        h = table.header[j]
        if kind == "unknown":
            problems.append(Problem(table.source, "column matches no question id or question text of model "
                                    f"{model.id!r}; expected a question id (e.g. {model.question_table.index[0]}), "
                                    "a question's exact text, or a line under `responses: columns:` in client.yaml "
                                    "mapping this header to a question id or to one of: " + ", ".join(FIELDS),
                                    row=table.header_row, column=h))
        elif kind == "field":
            if target == "comment":
                columns.general.append(j)
            elif target != "ignore":
                columns.fields.setdefault(target, j)
        elif kind == "question":
            if target not in model.question_table.index:
                problems.append(Problem(table.source, f"client.yaml maps this column to {target!r}, which is not a "
                                                      f"question of model {model.id!r}", row=table.header_row,
                                        column=h))
            elif target in columns.questions:
                problems.append(Problem(table.source, f"second column for question {target} (first: "
                                                      f"{table.header[columns.questions[target]]!r}); expected one "
                                                      "column per question", row=table.header_row, column=h))
            else:
                columns.questions[target] = j
        else:
            columns.extras[(kind, target)] = j
    return columns, problems


def _missing_wide_columns(table: RawTable, columns: _WideColumns) -> list[Problem]:
    """Problems for a wide export without a role column or without any question column."""
    problems = []
    if "role" not in columns.fields:
        problems.append(Problem(table.source, "no role column; expected a column headed 'Role' (or map the role "
                                              "question's header to `role` under `responses: columns:` in "
                                              "client.yaml)", row=table.header_row))
    if not columns.questions:
        problems.append(Problem(table.source, "no column matches a question of the model; expected question ids "
                                              "or question texts as headers", row=table.header_row))
    return problems


def _field_values(arr: np.ndarray, columns: _WideColumns, name: str) -> np.ndarray | None:
    """The values of respondent field `name` (e.g. 'role'), one per row; None without such a column."""
    return arr[:, columns.fields[name]] if name in columns.fields else None


def _wide_identities(table: RawTable, arr: np.ndarray, columns: _WideColumns) -> np.ndarray:
    """Who answered each row: the first usable of respondent, email, name, else '<file> row <n>'. Forms writes
    'anonymous' for anonymous replies, which does not count."""
    ident = np.array([f"{Path(table.source).stem} row {n}" for n in table.row_numbers], dtype=object)
    for alt in ("name", "email", "respondent"):
        values = _field_values(arr, columns, alt)
        if values is not None:
            usable = np.array([bool(v) and normalise_text(v) not in ANONYMOUS for v in values])
            ident = np.where(usable, values, ident)
    return ident


def _duplicate_respondent_rows(table: RawTable, ident: np.ndarray) -> list[Problem]:
    """A problem for each row whose respondent (case and spacing aside) already answered in an earlier row."""
    problems = []
    seen: dict[str, int] = {}
    for resp, n in zip(ident, table.row_numbers):
        key = normalise_text(resp)
        if key in seen:
            problems.append(Problem(table.source, f"duplicate respondent {resp!r} (also row {seen[key]}); expected "
                                                  "one row per respondent", row=n))
        seen.setdefault(key, n)
    return problems


def _wide_answers(table: RawTable, arr: np.ndarray, columns: _WideColumns, ident: np.ndarray) -> pd.DataFrame:
    """The raw long table of a wide export: question by question, one row per respondent; then each general
    comment column, one row (question NO_QUESTION, no answer) per respondent who wrote in it."""
    stamps = _field_values(arr, columns, "timestamp")
    submitted = [parse_timestamp(s) for s in stamps] if stamps is not None else [None] * len(arr)
    frames = [_question_answers(table, arr, columns, qid, j, ident, submitted) for qid, j in columns.questions.items()]
    general = (_general_comments(table, arr, columns, j, ident, submitted) for j in columns.general)
    frames += [g for g in general if len(g)]
    return pd.concat(frames, ignore_index=True)


def _general_comments(table: RawTable, arr: np.ndarray, columns: _WideColumns, j: int, ident: np.ndarray,
                      submitted: list) -> pd.DataFrame:
    """The comments of general comment column `j`, one row per respondent who wrote one: tied to no question
    (NO_QUESTION) and with no answer, so nothing about them is scored."""
    text = arr[:, j]
    wrote = np.array([bool(str(t).strip()) for t in text], dtype=bool)
    role = _field_values(arr, columns, "role")
    return pd.DataFrame({
        "respondent": ident[wrote], "role": role[wrote] if role is not None else None, "question": NO_QUESTION,
        "answer": "", "importance": "", "comment": text[wrote], "evidence": "",
        "submitted": np.array(submitted, dtype=object)[wrote], "row": np.asarray(table.row_numbers)[wrote],
        "_answer_col": table.header[j], "_importance_col": "importance",
    })


def _question_answers(table: RawTable, arr: np.ndarray, columns: _WideColumns, qid: str, j: int,
                      ident: np.ndarray, submitted: list) -> pd.DataFrame:
    """Every respondent's answer to question `qid` (column `j`) with its importance, comment and evidence."""
    extras = columns.extras
    return pd.DataFrame({
        "respondent": ident, "role": _field_values(arr, columns, "role"), "question": qid, "answer": arr[:, j],
        "importance": _extra_values(arr, extras, "importance", qid),
        "comment": _extra_values(arr, extras, "comment", qid),
        "evidence": _extra_values(arr, extras, "evidence", qid),
        "submitted": submitted, "row": table.row_numbers, "_answer_col": table.header[j],
        "_importance_col": table.header[extras[("importance", qid)]] if ("importance", qid) in extras
        else "importance",
    })


def _extra_values(arr: np.ndarray, extras: dict[tuple[str, str], int], kind: str, qid: str) -> np.ndarray | str:
    """The `kind` column (importance, comment or evidence) of question `qid`, one value per row; '' without one."""
    return arr[:, extras[(kind, qid)]] if (kind, qid) in extras else ""


def parse_timestamp(text: str) -> str | None:
    """An ISO timestamp from ISO text or an Excel serial date (days since 1899-12-30); else the text."""
    if not text:
        return None
    num = parse_number(text)
    if num is not None and 20000 < num < 80000:
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=num)).isoformat(sep=" ", timespec="seconds")
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat(sep=" ", timespec="seconds")
    except ValueError:
        return text


# ---------------------------------------------------------------- the one validation path

def validate_raw(raw: pd.DataFrame, model: MaturityModel, roles: list[RoleGroup], source: str
                 ) -> tuple[pd.DataFrame, list[Problem]]:
    """Raw long table -> validated answers table, plus every row-level problem (capped per kind)."""
    cols = raw.attrs.get("columns", {})
    answer_col = (lambda i: raw["_answer_col"].iat[i]) if "_answer_col" in raw else cols.get("answer", "answer")
    imp_col = (lambda i: raw["_importance_col"].iat[i]) if "_importance_col" in raw else cols.get("importance")

    respondent, resp_key = _respondents(raw)
    problems = _row_problems(raw, source, "empty respondent", (respondent == "").to_numpy(),
                             lambda i: "respondent is empty; expected a respondent id or name", cols.get("respondent"))
    role_id, role_problems = _role_groups(raw, roles, source, cols.get("role"))
    problems += role_problems
    question = raw["question"].fillna("").astype(str).str.strip()
    known = question.isin(model.question_table.index).to_numpy()
    # A comment with no question and no answer is a general comment of its respondent, not a broken row.
    general = ((question == NO_QUESTION) & _blank(raw, "answer") & _blank(raw, "importance")
               & ~(_blank(raw, "comment") & _blank(raw, "evidence"))).to_numpy()
    problems += _row_problems(raw, source, "unknown question", ~known & ~general,
                              lambda i: _unknown_question(question.iat[i], model), cols.get("question"))
    values, status, readers, answer_problems = _scale_answers(raw, question, known, model, source, answer_col)
    problems += answer_problems
    importance, importance_problems = _importance_ratings(raw, model, readers, source, imp_col)
    problems += importance_problems
    problems += _duplicate_answers(raw, respondent, resp_key, question, known, source, cols.get("question"))
    problems += _conflicting_roles(raw, respondent, resp_key, role_id, source, cols.get("role"))

    answers = pd.DataFrame({
        "respondent": respondent.to_numpy(), "role": role_id.to_numpy(), "question": question.to_numpy(),
        "value": values, "status": status, "importance": importance, "answer": raw["answer"].to_numpy(),
        "comment": raw["comment"].fillna("").to_numpy() if "comment" in raw else "",
        "evidence": raw["evidence"].fillna("").to_numpy() if "evidence" in raw else "",
        "submitted": raw["submitted"].to_numpy() if "submitted" in raw else None,
        "source": source, "row": raw["row"].to_numpy(),
    })
    if not problems:
        problems += _every_answer_blank(answers, source, cols.get("answer"))
    return _given_answers(answers), problems


def _blank(frame: pd.DataFrame, column: str) -> pd.Series:
    """Whether each row's `column` is empty or only spaces (True throughout when the table has no such column)."""
    if column not in frame:
        return pd.Series(True, index=frame.index)
    return frame[column].fillna("").astype(str).str.strip() == ""


def _row_problems(raw: pd.DataFrame, source: str, kind: str, mask: np.ndarray, message, column) -> list[Problem]:
    """A problem for each row in `mask`, the first MAX_PER_KIND of them, then how many more; `message` (and
    `column` when callable) is given the row's position."""
    problems = []
    idx = np.flatnonzero(mask)
    for i in idx[:MAX_PER_KIND]:
        problems.append(Problem(source, message(i), row=int(raw["row"].iat[i]),
                                column=column(i) if callable(column) else column))
    if len(idx) > MAX_PER_KIND:
        problems.append(Problem(source, f"... and {len(idx) - MAX_PER_KIND} more rows with the same kind of "
                                        f"problem ({kind})"))
    return problems


def _respondents(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's respondent, trimmed and spelled one way per person, and the key that tells respondents apart."""
    respondent = raw["respondent"].fillna("").astype(str).str.strip()
    resp_key = normalise_each(respondent)
    # One spelling per person: 'Ann' and ' ann' in one file are the same respondent.
    respondent = resp_key.map(dict(zip(resp_key[::-1], respondent[::-1])))
    return respondent, resp_key


def _role_groups(raw: pd.DataFrame, roles: list[RoleGroup], source: str, column: str | None
                 ) -> tuple[pd.Series, list[Problem]]:
    """Each row's role group id (NaN when its role names none), and problems for roles that name no role group:
    once for a questionnaire's single role cell, else row by row."""
    lookup = role_lookup(roles)
    role_text = raw["role"].fillna("").astype(str)
    role_id = normalise_each(role_text).map(lookup)
    bad_role = role_id.isna().to_numpy()
    names = ", ".join(r.name for r in roles)
    single = raw.attrs.get("single_row_role")
    if single is not None and bad_role.any():  # a questionnaire has one role cell, report it once
        r0 = role_text.iat[0]
        found = f"role {r0!r} is not" if r0 else "role is empty; expected"
        return role_id, [Problem(source, f"{found} one of this engagement's role groups: {names}", row=single,
                                 column=column)]
    return role_id, _row_problems(
        raw, source, "unknown role", bad_role,
        lambda i: (f"role {role_text.iat[i]!r} is not a role group of this engagement; expected one of: {names} "
                   "(or add it as an alias under `roles:` in client.yaml)") if role_text.iat[i]
        else f"role is empty; expected one of: {names}", column)


def _scale_answers(raw: pd.DataFrame, question: pd.Series, known: np.ndarray, model: MaturityModel, source: str,
                   column) -> tuple[np.ndarray, np.ndarray, dict[str, ScaleReader], list[Problem]]:
    """Each answer read on its question's scale: values, statuses, the reader of every scale, and problems for
    answers to known questions that are not on the scale."""
    scales = question.map(model.question_table["scale"]).fillna(next(iter(model.scales)))
    values, status = decode_answers(raw["answer"].fillna(""), scales, model)
    bad_answer = (status == INVALID) & known
    readers = {sid: ScaleReader(s) for sid, s in model.scales.items()}
    problems = _row_problems(raw, source, "answer not on the scale", bad_answer,
                             lambda i: f"answer {raw['answer'].iat[i]!r} to {question.iat[i]} is not on the scale "
                                       f"{scales.iat[i]!r}; expected {readers[scales.iat[i]].expected()}", column)
    return values, status, readers, problems


def _importance_ratings(raw: pd.DataFrame, model: MaturityModel, readers: dict[str, ScaleReader], source: str,
                        column) -> tuple[np.ndarray, list[Problem]]:
    """Each row's importance rating (NaN when blank, off the scale, or the model rates no importance), and
    problems for ratings not on the importance scale."""
    importance = np.full(len(raw), np.nan)
    imp_text = raw["importance"].fillna("").astype(str) if "importance" in raw else pd.Series([""] * len(raw))
    if not (model.importance_scale and (imp_text != "").any()):
        return importance, []
    ivals, istat = decode_answers(imp_text, pd.Series([model.importance_scale] * len(raw)), model)
    importance = np.where(istat == VALUE, ivals, np.nan)
    return importance, _row_problems(
        raw, source, "importance not on the scale", istat == INVALID,
        lambda i: f"importance {imp_text.iat[i]!r} is not on the scale {model.importance_scale!r}; expected "
                  f"{readers[model.importance_scale].expected()} or blank", column)


def _duplicate_answers(raw: pd.DataFrame, respondent: pd.Series, resp_key: pd.Series, question: pd.Series,
                       known: np.ndarray, source: str, column: str | None) -> list[Problem]:
    """Problems for a respondent's second (third, ...) answer to one known question, naming the first's row."""
    dup = pd.DataFrame({"r": resp_key, "q": question}).duplicated(keep="first").to_numpy() & known
    if not dup.any():
        return []
    first_row = (pd.Series(raw["row"].to_numpy()).groupby([resp_key.to_numpy(), question.to_numpy()])
                 .transform("first"))
    return _row_problems(raw, source, "duplicate answer", dup,
                         lambda i: f"respondent {respondent.iat[i]!r} answered {question.iat[i]} twice (first at "
                                   f"row {first_row.iat[i]}); expected one answer per respondent and question", column)


def _conflicting_roles(raw: pd.DataFrame, respondent: pd.Series, resp_key: pd.Series, role_id: pd.Series,
                       source: str, column: str | None) -> list[Problem]:
    """A problem for each respondent (the first MAX_PER_KIND) whose rows name more than one role group."""
    problems = []
    roles_per = pd.DataFrame({"r": resp_key, "role": role_id}).dropna().drop_duplicates()
    conflicted = roles_per["r"][roles_per["r"].duplicated()].unique()
    for r in conflicted[:MAX_PER_KIND]:
        rows = raw["row"][(resp_key == r).to_numpy()]
        problems.append(Problem(source, f"respondent {respondent[resp_key == r].iat[0]!r} has more than one role "
                                        f"({', '.join(sorted(roles_per.loc[roles_per['r'] == r, 'role']))}); "
                                        "expected one role per respondent", row=int(rows.iat[0]), column=column))
    return problems


def _every_answer_blank(answers: pd.DataFrame, source: str, answer_column: str | None) -> list[Problem]:
    """A problem for a file with rows but not one answer given (a file that lost its answers on export?)."""
    if (answers["status"] != MISSING).any() or not len(answers):
        return []
    return [Problem(source, f"every answer is blank ({len(answers):,} rows); expected answers in column "
                            f"'{answer_column or 'answer'}' (a file that lost its answers on export?)")]


def _given_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """The answers given, and the blank ones that carry a comment or evidence note (kept unanswered: status
    'missing', value and importance NaN, so nothing about them is scored); other blank ones dropped. Respondents
    who left every question blank are listed in the attrs as 'blank_respondents', those who answered nothing but
    wrote comments as 'comment_only_respondents'."""
    answered = (answers["status"] != MISSING).to_numpy()
    wrote = (~(_blank(answers, "comment") & _blank(answers, "evidence"))).to_numpy()
    people = set(answers["respondent"]) - {""}
    given, writers = set(answers.loc[answered, "respondent"]), set(answers.loc[wrote, "respondent"])
    keep = answered | wrote
    answers = answers[keep].reset_index(drop=True)
    answers.loc[~answered[keep], "importance"] = np.nan  # a rating beside no answer counts no more than before
    answers.attrs["blank_respondents"] = sorted(people - given - writers)
    answers.attrs["comment_only_respondents"] = sorted(writers - given - {""})
    return answers


def _unknown_question(qid: str, model: MaturityModel) -> str:
    if not qid:
        return "question id is empty; expected a question id of the model"
    ids = list(model.question_table.index)
    close = difflib.get_close_matches(qid, ids, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (e.g. {ids[0]})"
    return f"unknown question id {qid!r}; expected a question of model {model.id!r} {model.version}{hint}"
