"""Findings per dimension, with evidence: respondents' own words quoted anonymously, a short narrative in plain
sentences with numbers, dimensions where the average hides a role group below target, and the tables behind a
role heatmap and a question appendix.

Pure functions over an `Assessment` (see assessment.scoring); nothing here reads or writes files, and nothing
here draws. `roles` is the engagement's role groups as a DataFrame with columns `role` (id) and `name`.

Anonymity rules, applied to every quote:
- No respondent identifier ever leaves this module. Inside a quote, every respondent's name (whole, or any
  part of it: first name, surname), every email address, and any extra name the caller gives are replaced
  by "[name]" before anything else happens (so trimming never exposes half a name).
- A quote names its role group only when at least `min_group` people (never fewer than 3) of that group
  answered the question it was written on or wrote on it (for a general comment, tied to no question: took
  part at all), and only when the people left unnamed on that question (those of smaller groups) are none or
  at least `min_group` too: otherwise naming the larger groups would point at the small one by elimination.
  An unnamed quote is attributed to "a respondent".
- The numeric tables show every role group that has respondents, with its n and a `small_group` flag; the
  narrative names a role group only when it and the respondents it is compared with both reach `min_group`.
"""
from __future__ import annotations

import functools
import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from assessment.answers import DONT_KNOW, NO_QUESTION, NOT_APPLICABLE, VALUE
from assessment.model import MaturityModel
from assessment.scoring import AGREEMENT_THRESHOLD, Assessment
from assessment.text import normalise_text

MIN_GROUP = 3  # the fewest people a role group may have to be named on a quote; never lower
MAX_QUOTES = 3  # quotes of each kind (comment, evidence) per dimension or question
MAX_CHARS = 280  # a quote longer than this is cut at a word boundary, with an ellipsis
NAME_MASK = "[name]"
ELLIPSIS = "\u2026"
KINDS = ("comment", "evidence")  # the answers table's free-text columns, in the order findings show them
OTHER_COMMENTS = "Other comments"  # the dimension_name of quotes from general comments, tied to no question
# How the agreement index (r_wg) reads in words; bands after LeBreton & Senter (2008), with the scoring's own
# cut-off (0.70) between agreeing and differing.
AGREEMENT_WORDS = ((0.90, "agree closely", "Respondents agree closely"),
                   (AGREEMENT_THRESHOLD, "agree", "Respondents agree"),
                   (0.50, "differ", "Views differ"),
                   (0.0, "differ widely", "Views differ widely"))
ROLES_ALIKE = 0.25  # in level steps: a role group closer than this to the rest is "much alike"
EPS = 1e-9  # as in the gap analysis: a mean this close to its target has reached it

QUOTE_COLUMNS = ["dimension", "dimension_name", "question", "question_text", "questions", "kind", "text",
                 "trimmed", "role", "attribution", "respondents", "rank"]


# ---------------------------------------------------------------- names out, long texts cut

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_APOSTROPHES = "'\u2019\u2018`"
_SPLIT = re.compile(r"[\s\-_.,;/()]+")
# Name particles say nothing about who someone is, and some are everyday words.
_PARTICLES = {"van", "von", "der", "den", "de", "da", "di", "du", "del", "della", "la", "le", "el", "al", "bin",
              "ibn", "ter", "ten", "dos", "das", "mc", "mac", "st"}


def _name_parts(identifier: str) -> tuple[str, list[str]]:
    """A respondent identifier -> (the whole identifier, the parts of it that are names).

    Parts come from names ('Kofi Andersen') and from an email's local part ('kofi.andersen@...'); an
    identifier with digits ('survey row 11', 'questionnaire-return-2804') is made up, not a name, and only
    its whole text is masked."""
    whole = unicodedata.normalize("NFC", identifier).strip()
    if _EMAIL.fullmatch(whole):
        pieces = re.split(r"[._+\-]+", whole.split("@")[0])
    elif any(ch.isdigit() for ch in whole):
        pieces = []
    else:
        pieces = _SPLIT.split(whole)
    parts = []
    for p in pieces:
        p = p.strip(_APOSTROPHES)
        letters = sum(ch.isalpha() for ch in p)
        if letters >= 2 and all(ch.isalpha() or ch in _APOSTROPHES for ch in p) and p.casefold() not in _PARTICLES:
            parts.append(p)
    return whole, parts


def _plain(text: str) -> str:
    """Text without accents: 'García' -> 'Garcia', so a name written without its accent is still found."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def _token_regex(token: str) -> str:
    """A name part as a regex: any apostrophe stands for every apostrophe a keyboard makes."""
    return "".join(f"[{_APOSTROPHES}]" if ch in _APOSTROPHES else re.escape(ch) for ch in token)


def name_pattern(names: Iterable[object]) -> re.Pattern | None:
    """One regex that finds any of these people in a text, as whole words: a whole name or identifier in any
    case and spacing, and each name part (first name, surname) of three letters or more in any case, with or
    without accents and apostrophes. Two-letter parts ('Li', 'An') match only as written, so the everyday word
    'an' is left alone. None when there is nothing to look for."""
    caseless, exact = set(), set()
    for name in names:
        if name is None or (isinstance(name, float) and math.isnan(name)):
            continue
        whole, parts = _name_parts(str(name))
        if len(whole) >= 2:
            caseless.add(r"\s+".join(_token_regex(w) for w in whole.split()))
        for part in parts:
            variants = {part, _plain(part), part.translate({ord(a): None for a in _APOSTROPHES})}
            for v in variants:
                (caseless if sum(ch.isalpha() for ch in v) >= 3 else exact).add(_token_regex(v))
    if not caseless and not exact:
        return None
    # Longest first, so 'Anna' is tried before 'Ann' and a whole name before its parts.
    alts = []
    if caseless:
        alts.append("(?i:" + "|".join(sorted(caseless, key=lambda s: (-len(s), s))) + ")")
    if exact:
        alts.append("|".join(sorted(exact, key=lambda s: (-len(s), s))))
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


_MASKS = re.compile(re.escape(NAME_MASK) + r"(?:\s+" + re.escape(NAME_MASK) + ")+")


def scrub_names(text: str, pattern: re.Pattern | None) -> str:
    """The text with every email address and every name `pattern` finds replaced by "[name]" (a first name
    and surname side by side become one "[name]")."""
    text = unicodedata.normalize("NFC", text)
    text = _EMAIL.sub(NAME_MASK, text)
    if pattern is not None:
        text = pattern.sub(NAME_MASK, text)
    return _MASKS.sub(NAME_MASK, text)


def trim(text: str, max_chars: int = MAX_CHARS) -> str:
    """The text on one line (runs of spaces and line breaks made one space), cut to at most `max_chars`
    characters at a word boundary with an ellipsis when longer. A text with no space in its first half is
    cut mid-word rather than left nearly empty."""
    if max_chars < 10:
        raise ValueError(f"max_chars is {max_chars}; expected at least 10 characters for a quote")
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars - 1]  # room for the ellipsis
    if not text[max_chars - 1].isspace():  # the cut fell inside a word: go back to the last space
        space = cut.rfind(" ")
        if space >= max_chars // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014(/") + ELLIPSIS


def has_words(text: str) -> bool:
    """Anything left to quote once the masks are taken out (not just '[name]' and punctuation)."""
    return any(ch.isalnum() for ch in text.replace(NAME_MASK, ""))


def _stable_hash(text: str) -> str:
    """The same for the same text on every machine and run (Python's hash() is salted per process)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- quotes

def _role_names(roles: pd.DataFrame | None) -> dict[str, str]:
    if roles is None or roles.empty:
        return {}
    return dict(zip(roles["role"].astype(object), roles["name"].astype(object)))


def _role_order(roles: pd.DataFrame | None, present: Iterable[object]) -> list[str]:
    """The engagement's role groups that have respondents, in the engagement's order; unknown ones last."""
    present = [str(r) for r in dict.fromkeys(present) if isinstance(r, str)]
    ordered = [r for r in _role_names(roles) if r in present]
    return ordered + sorted(r for r in present if r not in ordered)


def _check_min_group(min_group: int) -> None:
    if min_group < MIN_GROUP:
        raise ValueError(f"min_group is {min_group}; a role group is named on a quote only with at least "
                         f"{MIN_GROUP} people, never fewer")


def _written(answers: pd.DataFrame) -> pd.DataFrame:
    """Every comment and evidence note in the answers table: respondent, role, question, kind, text."""
    cols = ["respondent", "role", "question", "kind", "text"]
    frames = []
    for kind in KINDS:
        if answers is None or kind not in answers:
            continue
        raw = answers[kind].astype(object)
        text = raw.where(raw.notna(), "").astype(str)
        keep = (text.str.strip() != "").to_numpy()
        if keep.any():
            frames.append(pd.DataFrame({"respondent": answers["respondent"].astype(object).to_numpy()[keep],
                                        "role": answers["role"].astype(object).to_numpy()[keep],
                                        "question": answers["question"].astype(object).to_numpy()[keep],
                                        "kind": kind, "text": text.to_numpy()[keep]}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def _crowd_by_role(answers: pd.DataFrame, written: pd.DataFrame) -> dict[tuple[str, str], int]:
    """(question, role) -> how many people of that role group gave the question an answer (a value, 'not
    applicable' or "don't know") or wrote on it (`written`, e.g. beside a blank answer): the crowd a comment on
    that question hides in. For general comments (question NO_QUESTION) the crowd is everyone who took part."""
    given = answers[answers["status"].astype(object).isin([VALUE, NOT_APPLICABLE, DONT_KNOW]).to_numpy()]
    everyone = answers[["respondent", "role"]].assign(question=NO_QUESTION)
    cols = ["question", "role", "respondent"]
    people = pd.concat([f[cols].astype(object) for f in (given, written, everyone)], ignore_index=True).dropna()
    counts = people.groupby(["question", "role"])["respondent"].nunique()
    return {(str(q), str(r)): int(n) for (q, r), n in counts.items()}


def _nameable(crowd: Mapping[str, int], min_group: int) -> set[str]:
    """The role groups a quote on one question may name: those with at least `min_group` people answering
    it, provided the people left unnamed are none or `min_group` or more (no naming by elimination)."""
    big = {r for r, n in crowd.items() if n >= min_group}
    rest = sum(n for r, n in crowd.items() if r not in big)
    return big if rest == 0 or rest >= min_group else set()


def quotes(assessment: Assessment, model: MaturityModel, roles: pd.DataFrame | None, *, per: str = "dimension",
           limit: int = MAX_QUOTES, min_group: int = MIN_GROUP, max_chars: int = MAX_CHARS,
           also_scrub: Iterable[str] = ()) -> pd.DataFrame:
    """Respondents' own comments and evidence notes, quoted anonymously: at most `limit` of each kind per
    dimension (`per="dimension"`) or per question (`per="question"`), and as many of the general comments (tied
    to no question, e.g. "Any other comments?"), which come last with dimension and question None and
    dimension_name OTHER_COMMENTS.

    Names are masked, identical texts (case and spacing aside) are quoted once with the number of people who
    wrote them, and the choice does not depend on file or row order: texts written by more people first, then
    by the model's question order, then by a fixed hash of the text. `also_scrub` adds names to mask that are
    not respondents (the consultant, a manager named in passing).

    Columns: dimension, dimension_name, question (where it was first written, in model order), question_text,
    questions (every question it was written on, comma-separated), kind ('comment' or 'evidence'), text,
    trimmed, role (the role group id when the quote names exactly one, else None), attribution ('Front line',
    'Management and Front line', 'a respondent', '3 respondents'), respondents (how many wrote it), rank.
    """
    _check_min_group(min_group)
    if per not in ("dimension", "question"):
        raise ValueError(f"per is {per!r}; expected 'dimension' or 'question'")
    if limit < 1:
        raise ValueError(f"limit is {limit}; expected at least 1 quote")
    trim("", max_chars)  # a limit too short for any quote fails here, with or without comments
    answers = assessment.answers
    written = _written(answers)
    if written.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    qt = model.question_table
    written = written[written["question"].isin(qt.index) | (written["question"] == NO_QUESTION)]
    everyone = set(answers["respondent"].astype(object)) | set(assessment.respondents["respondent"].astype(object))
    pattern = name_pattern([*sorted(map(str, everyone)), *also_scrub])
    clean = {t: " ".join(scrub_names(t, pattern).split()) for t in written["text"].unique()}
    written = written.assign(text=written["text"].map(clean))
    written = written[written["text"].map(has_words)]
    if written.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)

    q_order = {q: i for i, q in enumerate(qt.index)}
    general = written["question"] == NO_QUESTION
    written = written.assign(key=written["text"].map(normalise_text),
                             order=written["question"].map(q_order).fillna(len(q_order)),
                             dimension=written["question"].map(qt["dimension"]))
    by = written["dimension"] if per == "dimension" else written["question"]
    written["group"] = by.where(~general, NO_QUESTION)
    crowd_of = _crowd_by_role(answers, written)
    names = _role_names(roles)
    role_rank = {r: i for i, r in enumerate(_role_order(roles, written["role"]))}
    nameable_on: dict[str, set[str]] = {}
    for q in written["question"].unique():
        crowd = {r: n for (qq, r), n in crowd_of.items() if qq == q}
        nameable_on[q] = _nameable(crowd, min_group)

    rows = []
    for (group, kind, key), occ in written.groupby(["group", "kind", "key"], sort=False):
        occ = occ.sort_values(["order", "text", "role"], kind="stable")
        first = occ.iloc[0]
        authors = occ.drop_duplicates("respondent")
        named = all(r in nameable_on[q] for q, r in zip(occ["question"], occ["role"]))
        said_by = sorted(set(authors["role"].astype(str)), key=lambda r: role_rank.get(r, len(role_rank)))
        n = len(authors)
        if named:
            labels = [names.get(r, r) for r in said_by]
            attribution = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        else:
            attribution = "a respondent" if n == 1 else f"{n} respondents"
        rows.append(dict(group=group, kind=kind, dimension=first["dimension"], question=first["question"],
                         questions=", ".join(dict.fromkeys(occ["question"])), text=first["text"],
                         role=said_by[0] if named and len(said_by) == 1 else None, attribution=attribution,
                         respondents=n, _order=int(first["order"]), _hash=_stable_hash(key)))
    out = pd.DataFrame(rows)
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    out["_group"] = out["group"].map(_group_order(model, per))
    out = out.sort_values(["_group", "_kind", "respondents", "_order", "_hash"],
                          ascending=[True, True, False, True, True], kind="stable")
    out["rank"] = out.groupby(["group", "kind"], sort=False).cumcount() + 1
    out = out[out["rank"] <= limit].copy()
    short = out["text"].map(lambda t: trim(t, max_chars))
    out["trimmed"] = short != out["text"]
    out["text"] = short
    general = (out["group"] == NO_QUESTION).to_numpy()
    out["dimension_name"] = [OTHER_COMMENTS if g else model.areas_by_id[d].name
                             for g, d in zip(general, out["dimension"])]
    out["question_text"] = out["question"].map(qt["text"])
    for col in ("dimension", "question", "question_text") if general.any() else ():
        out[col] = out[col].astype(object).where(~general, None)
    return out[QUOTE_COLUMNS].reset_index(drop=True)


def _group_order(model: MaturityModel, per: str) -> dict[str, int]:
    """Each group's place: the model's order of dimensions (or questions), general comments last."""
    ids = [d.id for d in model.dimensions] if per == "dimension" else list(model.question_table.index)
    return {**{g: i for i, g in enumerate(ids)}, NO_QUESTION: len(ids)}


# ---------------------------------------------------------------- role groups in numbers

def _level_step(model: MaturityModel) -> float:
    lo, hi = model.levels[0].value, model.levels[-1].value
    return (hi - lo) / max(len(model.levels) - 1, 1)


def target_levels(targets: pd.DataFrame | pd.Series | Mapping[str, float] | None) -> pd.Series:
    """Target level per dimension id from a target profile (columns dimension, target), a Series or a dict."""
    if targets is None:
        return pd.Series(dtype=float)
    if isinstance(targets, pd.DataFrame):
        targets = targets.set_index("dimension")["target"]
    return pd.to_numeric(pd.Series(targets, dtype=object), errors="coerce").astype(float).dropna()


def role_groups(assessment: Assessment, roles: pd.DataFrame | None, *, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """The role groups that have respondents, in the engagement's order: role, name, respondents and
    small_group (fewer than `min_group`: read its numbers as anecdotes). The header of a role heatmap."""
    _check_min_group(min_group)
    counts = assessment.respondents["role"].astype(object).value_counts()
    order = _role_order(roles, counts.index)
    names = _role_names(roles)
    out = pd.DataFrame({"role": order, "name": [names.get(r, r) for r in order],
                        "respondents": [int(counts[r]) for r in order]})
    out["small_group"] = out["respondents"] < min_group
    return out


def role_heatmap(assessment: Assessment, roles: pd.DataFrame | None,
                 targets: pd.DataFrame | pd.Series | Mapping[str, float] | None = None) -> pd.DataFrame:
    """Dimensions x role groups for a heatmap: dimension, name, one column of means per role group (named by its
    id, in the engagement's order; see `role_groups` for names and n), `all` (every respondent) and `target`
    (NaN without targets)."""
    dims = assessment.dimensions
    by_role = assessment.by_role[assessment.by_role["area"].isin(dims["area"])]
    wide = by_role.pivot(index="area", columns="role", values="mean") if len(by_role) else pd.DataFrame()
    out = pd.DataFrame({"dimension": dims["area"].to_numpy(), "name": dims["name"].to_numpy()})
    for role in role_groups(assessment, roles)["role"]:
        out[role] = out["dimension"].map(wide[role]) if role in wide else np.nan
    out["all"] = dims["mean"].to_numpy()
    out["target"] = out["dimension"].map(target_levels(targets)).astype(float)
    return out


def role_shortfalls(assessment: Assessment, targets: pd.DataFrame | pd.Series | Mapping[str, float],
                    roles: pd.DataFrame | None, *, min_group: int = MIN_GROUP, digits: int = 2) -> pd.DataFrame:
    """Dimensions that meet their target on average while a role group's mean does not: the average hides
    people who do not see the target reached.

    Columns: dimension, name, target, mean (all respondents), role, role_name, n (the group's respondents in
    this dimension), role_mean, shortfall (target minus the group's mean), small_group, sentence. Every role
    group is checked; `small_group` marks groups under `min_group` people. The sentence shows scores with
    `digits` decimals (see fmt_score).
    """
    _check_min_group(min_group)
    cols = ["dimension", "name", "target", "mean", "role", "role_name", "n", "role_mean", "shortfall",
            "small_group", "sentence"]
    goal = target_levels(targets)
    dims = assessment.dimensions.set_index("area")
    names = _role_names(roles)
    order = {r: i for i, r in enumerate(_role_order(roles, assessment.by_role["role"]))}
    rows = []
    for r in assessment.by_role.itertuples(index=False):
        if r.area not in dims.index or r.area not in goal.index:
            continue
        target, mean = float(goal[r.area]), dims.at[r.area, "mean"]
        if pd.isna(mean) or mean < target - EPS or pd.isna(r.mean) or r.mean >= target - EPS:
            continue
        role_name = names.get(r.role, r.role)
        small = r.n < min_group
        who = f"{r.n} respondent{'s' if r.n != 1 else ''}" + (", too few to rely on" if small else "")
        rows.append(dict(dimension=r.area, name=dims.at[r.area, "name"], target=target, mean=mean, role=r.role,
                         role_name=role_name, n=int(r.n), role_mean=r.mean, shortfall=target - r.mean,
                         small_group=small, _o=order.get(r.role, len(order)),
                         sentence=f"{dims.at[r.area, 'name']} meets its target on average ({fmt_score(mean, digits)} "
                                  f"against level {_fmt_level(target)}), but {role_name} ({who}) answers "
                                  f"{fmt_score(r.mean, digits)}."))
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(rows)
    out["_d"] = out["dimension"].map({a: i for i, a in enumerate(dims.index)})
    return out.sort_values(["_d", "_o"]).reset_index(drop=True)[cols]


def _fmt_level(level: float) -> str:
    return f"{level:g}"


def fmt_score(x: float, digits: int = 2) -> str:
    """A score with `digits` decimals that never shows a level or target as reached when it is not: 2.996
    reads 2.99, not 3.00, and with one decimal 2.96 reads 2.9 (levels and their rounding points sit on whole
    and half numbers)."""
    shown = round(x, digits)
    if x < shown and (shown * 2) == math.floor(shown * 2):
        shown -= 10.0 ** -digits
    return f"{shown:.{digits}f}"


def _fmt_distance(x: float, digits: int = 2) -> str:
    """A distance between scores (a gap, a difference): never shown as 0 when it is not (0.04 reads 0.1 with
    one decimal), so a target not reached never reads as 0 above today's mean."""
    step = 10.0 ** -digits
    return f"{max(round(x, digits), step) if x > EPS else 0.0:.{digits}f}"


def question_roles(assessment: Assessment, model: MaturityModel, roles: pd.DataFrame | None, *,
                   min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Per question and role group, for an appendix: question, text, dimension, dimension_name, role, role_name,
    respondents (in the role group), n (scores counted, as in the question profile), mean, n_answered (a value
    on the scale), n_not_applicable, n_dont_know, n_missing (no answer at all) and small_group. Every question
    of the model and every role group with respondents, in the model's and the engagement's order."""
    _check_min_group(min_group)
    groups = role_groups(assessment, roles, min_group=min_group)
    qt = model.question_table
    grid = pd.MultiIndex.from_product([qt.index, groups["role"]], names=["question", "role"])
    out = pd.DataFrame(index=grid).reset_index()
    a = assessment.answers
    if a is not None and len(a):
        q, r = a["question"].astype(object), a["role"].astype(object)
        status = a["status"].astype(object)
        scored = a["value"].notna()
        stats = a[scored.to_numpy()].groupby([q[scored], r[scored]])["value"].agg(["count", "mean"])
        counts = pd.crosstab([q, r], status)
    else:
        stats, counts = pd.DataFrame(columns=["count", "mean"]), pd.DataFrame()
    key = pd.MultiIndex.from_frame(out[["question", "role"]])
    out["n"] = stats["count"].reindex(key).fillna(0).astype(int).to_numpy()
    out["mean"] = stats["mean"].reindex(key).astype(float).to_numpy()
    for status, col in ((VALUE, "n_answered"), (NOT_APPLICABLE, "n_not_applicable"), (DONT_KNOW, "n_dont_know")):
        got = counts[status].reindex(key) if status in counts else pd.Series(0, index=key)
        out[col] = got.fillna(0).astype(int).to_numpy()
    size = dict(zip(groups["role"], groups["respondents"]))
    out["respondents"] = out["role"].map(size).astype(int)
    out["n_missing"] = out["respondents"] - out["n_answered"] - out["n_not_applicable"] - out["n_dont_know"]
    out["small_group"] = out["respondents"] < min_group
    out["text"] = out["question"].map(qt["text"])
    out["dimension"] = out["question"].map(qt["dimension"])
    out["dimension_name"] = out["dimension"].map(lambda d: model.areas_by_id[d].name)
    out["role_name"] = out["role"].map(dict(zip(groups["role"], groups["name"])))
    return out[["question", "text", "dimension", "dimension_name", "role", "role_name", "respondents", "n", "mean",
                "n_answered", "n_not_applicable", "n_dont_know", "n_missing", "small_group"]]


# ---------------------------------------------------------------- the narrative

def agreement_words(index: float) -> tuple[str, str]:
    """The agreement index (r_wg) in words: (short label, sentence opening), e.g. ('agree', 'Respondents agree')."""
    for floor, label, opening in AGREEMENT_WORDS:
        if index >= floor:
            return label, opening
    return AGREEMENT_WORDS[-1][1:]


def _most_different(scores: pd.DataFrame, order: list[str], min_group: int) -> tuple[str, float, float] | None:
    """The role group whose mean differs most from everyone else's (both sides at least `min_group` people):
    (role, its mean, the others' mean); None when no group can be compared. Ties go to the earlier group."""
    best = None
    for role in order:
        mine, others = scores.loc[scores["role"] == role, "score"], scores.loc[scores["role"] != role, "score"]
        if len(mine) < min_group or len(others) < min_group:
            continue
        diff = mine.mean() - others.mean()
        if best is None or abs(diff) > abs(best[1] - best[2]) + EPS:
            best = (role, float(mine.mean()), float(others.mean()))
    return best


def dimension_narratives(assessment: Assessment, model: MaturityModel, roles: pd.DataFrame | None,
                         targets: pd.DataFrame | pd.Series | Mapping[str, float] | None = None, *,
                         min_group: int = MIN_GROUP, digits: int = 2) -> pd.DataFrame:
    """A short narrative per dimension, in plain sentences with numbers, from the data alone.

    Sentences: the level today and what it looks like (the model's descriptor); how far respondents agree
    (agreement index bands, see AGREEMENT_WORDS, with the middle half of the scores); the role group that
    differs most from the other respondents and by how much ("much alike" below ROLES_ALIKE of a level step);
    what the next level looks like; and, with targets, where the dimension stands against its target,
    naming role groups whose mean falls short of a target the average meets.

    Columns: dimension, name, n, mean, level, level_name, agreement, agreement_index, role, role_name,
    role_mean, others_mean, role_difference, target, level_text, agreement_text, role_text, next_text,
    target_text, narrative (the sentences joined). Scores, standard deviations and differences are shown with
    `digits` decimals (1 for a client's report), the agreement index with two.
    """
    _check_min_group(min_group)
    names = _role_names(roles)
    goal = target_levels(targets)
    step = _level_step(model)
    rs = assessment.respondent_scores
    order = _role_order(roles, rs["role"].astype(object))
    shortfalls = role_shortfalls(assessment, goal, roles, min_group=min_group, digits=digits) if len(goal) else None
    score = functools.partial(fmt_score, digits=digits)
    distance = functools.partial(_fmt_distance, digits=digits)
    rows = []
    for d in assessment.dimensions.itertuples(index=False):
        row = dict(dimension=d.area, name=d.name, n=int(d.n), mean=d.mean, level=d.level, level_name=d.level_name,
                   agreement=None, agreement_index=d.agreement_index, role=None, role_name=None, role_mean=np.nan,
                   others_mean=np.nan, role_difference=np.nan, target=goal.get(d.area, np.nan))
        if pd.isna(d.mean):
            reason = getattr(d, "no_score", None) or "no score: nobody answered its questions"
            row.update(level_text=f"{d.name} has {reason}.", agreement_text="", role_text="", next_text="",
                       target_text=_target_text(d, row["target"], None))
            row["narrative"] = _join(row)
            rows.append(row)
            continue
        people = f"{d.n} respondent{'s' if d.n != 1 else ''}"
        level_text = (f"{d.name} is at level {int(d.level)}, {d.level_name}: the mean of {people} is "
                      f"{score(d.mean)}.")
        if d.descriptor:
            level_text += f" What that looks like: {_sentence(d.descriptor)}"
        if d.n < 2 or pd.isna(d.agreement_index):
            agreement_text = "With a single respondent, agreement cannot be judged."
        else:
            label, opening = agreement_words(float(d.agreement_index))
            row["agreement"] = label
            middle = (f"the middle half of the scores at {score(d.q1)}" if score(d.q1) == score(d.q3)
                      else f"the middle half of the scores between {score(d.q1)} and {score(d.q3)}")
            agreement_text = f"{opening} (agreement {d.agreement_index:.2f}, {middle})."
        scores = rs[rs["area"] == d.area][["role", "score"]].astype({"role": object})
        best = _most_different(scores, order, min_group)
        if best is None:
            role_text = (f"Role groups are not compared here: that takes at least {min_group} respondents in a "
                         "group and as many among the others.")
        else:
            role, mine, others = best
            diff = mine - others
            row.update(role=role, role_name=names.get(role, role), role_mean=mine, others_mean=others,
                       role_difference=diff)
            if abs(diff) < ROLES_ALIKE * step:
                role_text = (f"The role groups see it much alike: none differs from the other respondents by more "
                             f"than {abs(diff):.{digits}f}.")
            else:
                role_text = (f"{names.get(role, role)} differs most, {distance(abs(diff))} "
                             f"{'higher' if diff > 0 else 'lower'}: {score(mine)} against {score(others)} for the others.")
        if d.next_level is not None and not pd.isna(d.next_level):
            next_text = f"To reach level {int(d.next_level)}, {d.next_level_name}: " + (
                _sentence(d.next_descriptor) if d.next_descriptor else "see the model's description of that level.")
        else:
            next_text = f"It is at the model's top level, {d.level_name}; the task is to hold it there."
        hidden = None if shortfalls is None else shortfalls[(shortfalls["dimension"] == d.area)
                                                            & ~shortfalls["small_group"].astype(bool)]
        row.update(level_text=level_text, agreement_text=agreement_text, role_text=role_text, next_text=next_text,
                   target_text=_target_text(d, row["target"], hidden, digits))
        row["narrative"] = _join(row)
        rows.append(row)
    return pd.DataFrame(rows)


def _target_text(d, target: float, hidden: pd.DataFrame | None, digits: int = 2) -> str:
    if pd.isna(target):
        return ""
    level = _fmt_level(target)
    if pd.isna(d.mean):
        return f"Its target is level {level}."
    if d.mean < target - EPS:
        return f"Its target is level {level}, {_fmt_distance(target - d.mean, digits)} above today's mean."
    if hidden is None or hidden.empty:
        return f"It meets its target, level {level}."
    who = " and ".join(f"{h.role_name} answers {fmt_score(h.role_mean, digits)}" for h in hidden.itertuples(index=False))
    return f"It meets its target, level {level}, on average, but {who}."


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text.endswith((".", "!", "?")) else text + "."


def _join(row: dict) -> str:
    parts = ("level_text", "agreement_text", "role_text", "next_text", "target_text")
    return " ".join(row[p] for p in parts if row.get(p))
