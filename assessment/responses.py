"""Reading every response file of an engagement into one validated answers table.

Three shapes are understood, in CSV or XLSX: long tables (one row per answer), returned questionnaire
workbooks, and wide survey exports (Microsoft Forms, Google Forms: one row per respondent, one column per
question). Each is turned into the same raw long table and validated by one vectorised path, which lists
every problem of a file (file, row, column, found, expected) instead of stopping at the first.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from assessment.answers import INVALID, MISSING, VALUE, ScaleReader, decode_answers, parse_number
from assessment.model import MaturityModel
from assessment.problems import InputError, Problem, reading
from assessment.questionnaire import is_questionnaire, open_workbook, read_returned
from assessment.roles import RoleGroup, role_lookup
from assessment.tables import EXCEL_SUFFIXES, TEXT_SUFFIXES, RawTable, first_sheet_table, read_csv
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
    "comment": ["comment", "comments", "any other comments"],
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
    problems: list[Problem] = []
    notes: list[str] = []
    frames: list[pd.DataFrame] = []
    files: list[str] = []
    first_seen: dict[str, str] = {}
    if not folder.is_dir():
        return Ingested(_empty_answers(), [], [f"No responses folder at {folder}."], [])
    for path in sorted(folder.iterdir()):
        source = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        if path.is_dir() or path.name.startswith((".", "~$")):
            continue
        suffix = path.suffix.lower()
        if suffix == ".xls":
            problems.append(Problem(source, "old Excel 97-2003 (.xls) format; expected .xlsx or .csv (open it "
                                            "in Excel and save as .xlsx)"))
            continue
        if suffix not in TEXT_SUFFIXES | EXCEL_SUFFIXES:
            notes.append(f"Ignored {source}: not a response file (expected .csv or .xlsx).")
            continue
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
                         f"{'are' if len(who) != 1 else 'is'} not counted: {', '.join(who[:5])}"
                         + (", ..." if len(who) > 5 else "") + ".")
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


def _from_wide(table: RawTable, model: MaturityModel, mapping: ResponseMapping):
    problems: list[Problem] = []
    kinds = [classify_header(h, model, mapping) for h in table.header]
    header_row = table.header_row
    q_cols: dict[str, int] = {}
    extra_cols: dict[tuple[str, str], int] = {}
    field_cols: dict[str, int] = {}
    for j, (kind, target) in enumerate(kinds):
        h = table.header[j]
        if kind == "unknown":
            problems.append(Problem(table.source, "column matches no question id or question text of model "
                                    f"{model.id!r}; expected a question id (e.g. {model.question_table.index[0]}), "
                                    "a question's exact text, or a line under `responses: columns:` in client.yaml "
                                    "mapping this header to a question id or to one of: " + ", ".join(FIELDS),
                                    row=header_row, column=h))
        elif kind == "field":
            if target != "ignore":
                field_cols.setdefault(target, j)
        elif kind == "question":
            if target not in model.question_table.index:
                problems.append(Problem(table.source, f"client.yaml maps this column to {target!r}, which is not a "
                                                      f"question of model {model.id!r}", row=header_row, column=h))
            elif target in q_cols:
                problems.append(Problem(table.source, f"second column for question {target} (first: "
                                                      f"{table.header[q_cols[target]]!r}); expected one column per question",
                                        row=header_row, column=h))
            else:
                q_cols[target] = j
        else:
            extra_cols[(kind, target)] = j
    if "role" not in field_cols:
        problems.append(Problem(table.source, "no role column; expected a column headed 'Role' (or map the role "
                                              "question's header to `role` under `responses: columns:` in client.yaml)",
                                row=header_row))
    if not q_cols:
        problems.append(Problem(table.source, "no column matches a question of the model; expected question ids "
                                              "or question texts as headers", row=header_row))
    if problems:
        return None, problems

    arr = np.array(table.rows, dtype=object)
    col = lambda f: arr[:, field_cols[f]] if f in field_cols else None  # noqa: E731
    # Identity: the first usable of respondent, email, name; Forms writes 'anonymous' for anonymous replies.
    ident = np.array([f"{Path(table.source).stem} row {n}" for n in table.row_numbers], dtype=object)
    for alt in ("name", "email", "respondent"):
        values = col(alt)
        if values is not None:
            usable = np.array([bool(v) and normalise_text(v) not in ANONYMOUS for v in values])
            ident = np.where(usable, values, ident)
    seen: dict[str, int] = {}
    for resp, n in zip(ident, table.row_numbers):
        key = normalise_text(resp)
        if key in seen:
            problems.append(Problem(table.source, f"duplicate respondent {resp!r} (also row {seen[key]}); expected "
                                                  "one row per respondent", row=n))
        seen.setdefault(key, n)
    if problems:
        return None, problems
    stamps = col("timestamp")
    submitted = [parse_timestamp(s) for s in stamps] if stamps is not None else [None] * len(arr)
    comments = col("comment")
    frames = []
    for qid, j in q_cols.items():
        frame = pd.DataFrame({
            "respondent": ident, "role": col("role"), "question": qid, "answer": arr[:, j],
            "importance": arr[:, extra_cols[("importance", qid)]] if ("importance", qid) in extra_cols else "",
            "comment": arr[:, extra_cols[("comment", qid)]] if ("comment", qid) in extra_cols else "",
            "evidence": arr[:, extra_cols[("evidence", qid)]] if ("evidence", qid) in extra_cols else "",
            "submitted": submitted, "row": table.row_numbers, "_answer_col": table.header[j],
            "_importance_col": table.header[extra_cols[("importance", qid)]]
            if ("importance", qid) in extra_cols else "importance",
        })
        frames.append(frame)
    raw = pd.concat(frames, ignore_index=True)
    if comments is not None:  # one free-text comment per respondent goes with their first answer
        first = raw.groupby("respondent", sort=False).head(1).index
        mapping_c = dict(zip(ident, comments))
        raw.loc[first, "comment"] = raw.loc[first, "respondent"].map(mapping_c)
    raw.attrs["columns"] = {"respondent": table.header[field_cols["respondent"]] if "respondent" in field_cols
                            else "respondent", "role": table.header[field_cols["role"]],
                            "question": "header", "answer": None, "importance": None}
    return raw, []


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
    listed: dict[str, int] = defaultdict(int)
    problems: list[Problem] = []

    def report(kind: str, mask: np.ndarray, message, column) -> None:
        idx = np.flatnonzero(mask)
        for i in idx[:MAX_PER_KIND]:
            problems.append(Problem(source, message(i), row=int(raw["row"].iat[i]),
                                    column=column(i) if callable(column) else column))
        listed[kind] += len(idx)
        if len(idx) > MAX_PER_KIND:
            problems.append(Problem(source, f"... and {len(idx) - MAX_PER_KIND} more rows with the same kind of "
                                            f"problem ({kind})"))

    answer_col = (lambda i: raw["_answer_col"].iat[i]) if "_answer_col" in raw else cols.get("answer", "answer")
    imp_col = (lambda i: raw["_importance_col"].iat[i]) if "_importance_col" in raw else cols.get("importance")

    respondent = raw["respondent"].fillna("").astype(str).str.strip()
    resp_key = normalise_each(respondent)
    # One spelling per person: 'Ann' and ' ann' in one file are the same respondent.
    respondent = resp_key.map(dict(zip(resp_key[::-1], respondent[::-1])))
    report("empty respondent", (respondent == "").to_numpy(),
           lambda i: "respondent is empty; expected a respondent id or name", cols.get("respondent"))

    lookup = role_lookup(roles)
    role_text = raw["role"].fillna("").astype(str)
    role_id = normalise_each(role_text).map(lookup)
    bad_role = role_id.isna().to_numpy()
    names = ", ".join(r.name for r in roles)
    single = raw.attrs.get("single_row_role")
    if single is not None and bad_role.any():  # a questionnaire has one role cell, report it once
        r0 = role_text.iat[0]
        found = f"role {r0!r} is not" if r0 else "role is empty; expected"
        problems.append(Problem(source, f"{found} one of this engagement's role groups: {names}",
                                row=single, column=cols.get("role")))
    else:
        report("unknown role", bad_role, lambda i: (f"role {role_text.iat[i]!r} is not a role group of this "
                                                    f"engagement; expected one of: {names} (or add it as an alias "
                                                    "under `roles:` in client.yaml)") if role_text.iat[i]
               else f"role is empty; expected one of: {names}", cols.get("role"))

    qt = model.question_table
    question = raw["question"].astype(str).str.strip()
    known = question.isin(qt.index).to_numpy()
    report("unknown question", ~known, lambda i: _unknown_question(question.iat[i], model), cols.get("question"))

    scales = question.map(qt["scale"]).fillna(next(iter(model.scales)))
    values, status = decode_answers(raw["answer"].fillna(""), scales, model)
    bad_answer = (status == INVALID) & known
    readers = {sid: ScaleReader(s) for sid, s in model.scales.items()}
    report("answer not on the scale", bad_answer,
           lambda i: f"answer {raw['answer'].iat[i]!r} to {question.iat[i]} is not on the scale "
                     f"{scales.iat[i]!r}; expected {readers[scales.iat[i]].expected()}", answer_col)

    importance = np.full(len(raw), np.nan)
    imp_text = raw["importance"].fillna("").astype(str) if "importance" in raw else pd.Series([""] * len(raw))
    if model.importance_scale and (imp_text != "").any():
        ivals, istat = decode_answers(imp_text, pd.Series([model.importance_scale] * len(raw)), model)
        importance = np.where(istat == VALUE, ivals, np.nan)
        report("importance not on the scale", istat == INVALID,
               lambda i: f"importance {imp_text.iat[i]!r} is not on the scale {model.importance_scale!r}; expected "
                         f"{readers[model.importance_scale].expected()} or blank", imp_col)

    dup = pd.DataFrame({"r": resp_key, "q": question}).duplicated(keep="first").to_numpy() & known
    if dup.any():
        first_row = pd.Series(raw["row"].to_numpy()).groupby([resp_key.to_numpy(), question.to_numpy()]).transform("first")
        report("duplicate answer", dup, lambda i: f"respondent {respondent.iat[i]!r} answered {question.iat[i]} "
                                                  f"twice (first at row {first_row.iat[i]}); expected one answer per "
                                                  "respondent and question", cols.get("question"))

    roles_per = pd.DataFrame({"r": resp_key, "role": role_id}).dropna().drop_duplicates()
    conflicted = roles_per["r"][roles_per["r"].duplicated()].unique()
    for r in conflicted[:MAX_PER_KIND]:
        rows = raw["row"][(resp_key == r).to_numpy()]
        problems.append(Problem(source, f"respondent {respondent[resp_key == r].iat[0]!r} has more than one role "
                                        f"({', '.join(sorted(roles_per.loc[roles_per['r'] == r, 'role']))}); expected "
                                        "one role per respondent", row=int(rows.iat[0]), column=cols.get("role")))

    answers = pd.DataFrame({
        "respondent": respondent.to_numpy(), "role": role_id.to_numpy(), "question": question.to_numpy(),
        "value": values, "status": status, "importance": importance, "answer": raw["answer"].to_numpy(),
        "comment": raw["comment"].fillna("").to_numpy() if "comment" in raw else "",
        "evidence": raw["evidence"].fillna("").to_numpy() if "evidence" in raw else "",
        "submitted": raw["submitted"].to_numpy() if "submitted" in raw else None,
        "source": source, "row": raw["row"].to_numpy(),
    })
    answered = answers["status"] != MISSING
    blank = sorted(set(answers["respondent"]) - set(answers.loc[answered, "respondent"]) - {""})
    if not answered.any() and len(answers) and not problems:
        problems.append(Problem(source, f"every answer is blank ({len(answers):,} rows); expected answers in "
                                        f"column '{cols.get('answer') or 'answer'}' (a file that lost its answers "
                                        "on export?)"))
    answers = answers[answered.to_numpy()].reset_index(drop=True)
    answers.attrs["blank_respondents"] = blank
    return answers, problems


def _unknown_question(qid: str, model: MaturityModel) -> str:
    if not qid:
        return "question id is empty; expected a question id of the model"
    ids = list(model.question_table.index)
    close = difflib.get_close_matches(qid, ids, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (e.g. {ids[0]})"
    return f"unknown question id {qid!r}; expected a question of model {model.id!r} {model.version}{hint}"
