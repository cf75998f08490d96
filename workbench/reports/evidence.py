"""Part 2 of the report, findings with evidence: the tables of assessment.findings put into the one-line readings,
quotes and reference tables a client's leadership team reads. Names for ids, scores to 1 decimal (never shown
as reaching a level they have not: see assessment.findings.fmt_score), small role groups marked, never named in
a reading.
"""
from __future__ import annotations

import math

import pandas as pd

from assessment.findings import MAX_QUOTES, OTHER_COMMENTS, fmt_score
from workbench.reports.views import SMALL_TABLE_PT
from workbench.reports.wording import NON_ANSWER_HEADINGS, plural

QUOTE_LABELS = {"comment": "", "evidence": "Evidence:"}


def score(x) -> str:
    """A score to 1 decimal; '–' without one."""
    return "–" if x is None or pd.isna(x) else fmt_score(float(x), 1)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def who_answered(groups: pd.DataFrame, has_importance: bool = True) -> str:
    """'24 people answered: 3 Leadership, 6 Management and 15 Front line.' and, without importance ratings, why
    this part has no importance view. (Groups too small to rely on are the assessment's notes to say.)"""
    if groups.empty:
        return "Nobody has answered yet."
    total = int(groups["respondents"].sum())
    text = (f"{total} {'person' if total == 1 else 'people'} answered: "
            + _and([f"{r.respondents} {r.name}" for r in groups.itertuples(index=False)]) + ".")
    if not has_importance:
        text += " Respondents did not rate the importance of the questions, so this part has no importance view."
    return text


def profile_reading(dims: pd.DataFrame, overall: dict | None = None, unit: str = "dimension") -> str:
    """One line on the overall picture: the overall level (from the assessment's `overall` row), how many
    dimensions meet their target and which are furthest from it. `dims` has name, current and target (the
    planning's dimensions table); `unit` is the model's word for a dimension."""
    units = plural(unit)
    lead = ""
    if overall and not pd.isna(overall.get("mean")) and overall.get("level") is not None:
        lead = (f"Overall, the organisation is at level {int(overall['level'])} {overall.get('level_name') or ''}"
                .rstrip() + f" (mean score {score(overall['mean'])}). ")
    d = dims.dropna(subset=["current", "target"])
    if d.empty:
        return lead + f"No {unit} has both a score and a target, so there is nothing to compare yet."
    short = (d["target"] - d["current"]).where(d["current"] < d["target"] - 1e-9)
    met = int(short.isna().sum())
    text = lead + (f"All {len(d)} {units} meet their target." if met == len(d) else
                   f"None of the {len(d)} {units} meets its target yet." if met == 0 else
                   f"{met} of {len(d)} {units} meet their target.")
    far = d.assign(short=short).dropna(subset=["short"]).sort_values("short", ascending=False, kind="stable").head(2)
    if len(far):
        text += (" Furthest from it: " + _and([f"{r.name} ({score(r.current)} against {r.target:g})"
                                               for r in far.itertuples(index=False)]) + ".")
    return text


def heatmap_reading(heat: pd.DataFrame, groups: pd.DataFrame, unit: str = "dimension") -> str:
    """One line on the role heatmap: the role groups (of a size to rely on) that score highest and lowest on
    average, and how many dimensions (the model's `unit`) the lowest sees below target."""
    big = groups[~groups["small_group"].astype(bool) & groups["role"].isin(heat.columns)]
    if len(big) < 2:
        return "Fewer than two role groups are large enough to compare."
    means = {r.role: heat[r.role].mean() for r in big.itertuples(index=False)}
    names = dict(zip(big["role"], big["name"]))
    high, low = max(means, key=means.get), min(means, key=means.get)
    text = (f"{names[high]} rates the organisation highest ({score(means[high])} on average across the "
            f"{plural(unit)}), {names[low]} lowest ({score(means[low])}).")
    if heat["target"].notna().any():
        below = int((heat[low] < heat["target"] - 1e-9).sum())
        text += f" {names[low]} sees {below} of {int(heat['target'].notna().sum())} {plural(unit)} below target."
    return text


def dimension_quotes(quotes: pd.DataFrame, dimension: str, limit: int = MAX_QUOTES) -> list[tuple[str, str, str]]:
    """Up to `limit` quotes for one dimension as (label, text, attribution): the first comment, the first
    evidence note, then the next of each, from assessment.findings.quotes(per="dimension")."""
    return _as_quotes(quotes[quotes["dimension"] == dimension], limit)


def general_quotes(quotes: pd.DataFrame, limit: int = MAX_QUOTES) -> list[tuple[str, str, str]]:
    """Up to `limit` general comments (written on no question, e.g. a survey's "Any other comments?"), as
    dimension_quotes gives a dimension's."""
    return _as_quotes(quotes[quotes["dimension_name"] == OTHER_COMMENTS], limit)


def _as_quotes(q: pd.DataFrame, limit: int) -> list[tuple[str, str, str]]:
    q = q.assign(_kind=q["kind"].map({k: i for i, k in enumerate(QUOTE_LABELS)})).sort_values(
        ["rank", "_kind"], kind="stable").head(limit)
    out = []
    for r in q.itertuples(index=False):
        who = r.attribution
        if r.respondents > 1 and not who.endswith("respondents"):
            who += f" ({r.respondents} respondents)"
        out.append((QUOTE_LABELS.get(r.kind, ""), r.text, who))
    return out


def dimension_note(row) -> str:
    """Beside a dimension's heading: '2.8 today, target 4'."""
    text = f"{score(row.mean)} today"
    return text + (f", target {row.target:g}" if not pd.isna(row.target) else "")


def importance_focus(ip: pd.DataFrame, names: dict[str, str], limit: int | None = None) -> pd.DataFrame:
    """The questions in the 'concentrate here' quadrant, most important first (the first `limit`): text,
    dimension (its name), importance and performance."""
    focus = ip[ip["quadrant"] == "Concentrate here"].sort_values("importance", ascending=False, kind="stable")
    focus = focus.assign(dimension=focus["dimension"].map(names))[["text", "dimension", "importance", "performance"]]
    return focus.head(limit) if limit else focus


def importance_reading(ip: pd.DataFrame, names: dict[str, str], shown: int = 0, unit: str = "dimension") -> str:
    """One line: how many rated questions are important but done less well than most, and in which dimensions
    (the model's `unit`); with `shown`, that the table below lists the `shown` most important of them."""
    focus = importance_focus(ip, names)
    if focus.empty:
        return "No question is both more important than most and done less well than most."
    dims = list(dict.fromkeys(focus["dimension"]))
    text = (f"{len(focus)} of {len(ip)} rated questions are more important than most and done less well than "
            + (f"most; they sit in {_and(dims)}." if len(dims) <= 4 else f"most, across {len(dims)} {plural(unit)}."))
    if shown and shown < len(focus):
        text += f" The {shown} rated most important:"
    return text


# The appendix table's column widths, in percent of an A4 page's text width: a role group's column as wide as the
# longest word of its heading in bold (a word is never split), and at least as wide as a cell ('3.3 (15)'); the
# question takes what is left. Measured with the font and size the table prints in (views.grouped_table with
# small=True); a cell's padding comes on top of its width.
TEXT_WIDTH_PT, TABLE_FONT_PT = 182 / 25.4 * 72, SMALL_TABLE_PT


def _text_width(text: str, bold: bool) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal", size=TABLE_FONT_PT)
    return TextToPath().get_text_width_height_descent(text, font, ismath=False)[0]


def _column_width(heading: str, cell: str) -> float:
    widest = max([_text_width(w, True) for w in heading.split()] + [_text_width(cell, False)])
    return math.ceil(widest / TEXT_WIDTH_PT * 1000) / 10


def question_appendix(by_role: pd.DataFrame, non_answers: tuple[str, ...] = ("not_applicable", "dont_know")
                      ) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Every question by role group, for the appendix: one row per question (dimension_name, text), one column
    per role group with its mean and, in brackets, the answers it counts ('3.3 (9)'; '–' without any), and the
    'not applicable' and "don't know" counts over all respondents. Returns the table, its column headings (role
    groups with their n, small groups marked) and the widths of the columns beside the question that keep
    every heading word whole. Only the `non_answers` the model's scales offer get a column (MaturityModel.
    non_answer_kinds).
    `by_role` is assessment.findings.question_roles."""
    groups = by_role.drop_duplicates("role")[["role", "role_name", "respondents", "small_group"]]
    cell = [f"{score(m)} ({n})" if n else "–" for m, n in zip(by_role["mean"], by_role["n"])]
    wide = by_role.assign(cell=cell).pivot(index="question", columns="role", values="cell")
    out = by_role.drop_duplicates("question")[["question", "dimension_name", "text"]].reset_index(drop=True)
    headings, widths = {"text": "Question"}, {}
    for g in groups.itertuples(index=False):
        key = f"role:{g.role}"
        out[key] = out["question"].map(wide[g.role])
        headings[key] = f"{g.role_name} (n={g.respondents}{', too few' if g.small_group else ''})"
        widths[key] = _column_width(headings[key], "3.3 (15)")
    counts = by_role.groupby("question", sort=False)[["n_not_applicable", "n_dont_know"]].sum()
    for kind in non_answers:
        out[kind] = out["question"].map(counts[f"n_{kind}"]).astype(int)
        headings[kind] = NON_ANSWER_HEADINGS[kind]
        widths[kind] = _column_width(headings[kind], "15")
    return out, headings, {k: f"{v:g}%" for k, v in widths.items()}
