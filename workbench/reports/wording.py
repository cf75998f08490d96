"""The report's own words, from the model in use (issue 17, point 5): what the report calls the model's scored
areas (its dimension tier: 'dimension', 'security practice', 'process'), whether it speaks of customers and a
driver tree (only a model whose dimensions have layers: roots, trunk and crown are the customers' driver tree),
and which answers that are not a rating ('not applicable', "don't know") its answer scales offer.

The notebooks' model-dependent paragraphs are here, as Markdown: a code cell shows one with `show`, and the
report turns that output back into a text cell (report.notebook_body), so it prints as the static text did. For
the default model (service-management) every text is word for word what its notebooks said before.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from assessment.model import MaturityModel

NON_ANSWER_WORDS = {"not_applicable": '"not applicable" (N/A)', "dont_know": "\"don't know\""}
NON_ANSWER_HEADINGS = {"not_applicable": "N/A", "dont_know": "Don't know"}
_MARKDOWN = re.compile(r"([\\`*_\[\]#|])")


def lower_name(name: str) -> str:
    """A tier's name inside a sentence: 'Security practice' -> 'security practice'; an acronym keeps its
    capitals ('ISO clause' -> 'ISO clause')."""
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in name.split())


def plural(noun: str) -> str:
    """'dimension' -> 'dimensions', 'process' -> 'processes', 'capability' -> 'capabilities' (the last word)."""
    if not noun:
        return noun
    if re.search(r"(s|x|z|ch|sh)$", noun, re.I):
        return noun + "es"
    if re.search(r"[^aeiou]y$", noun, re.I):
        return noun[:-1] + "ies"
    return noun + "s"


@dataclass(frozen=True)
class Words:
    """The model's words for the report: `dimension` and `dimensions` (in a sentence), `layers` (the dimensions
    have driver-tree layers, so the report speaks of customers and service excellence), `non_answers` (the
    kinds of non-answer the answer scales offer, see MaturityModel.non_answer_kinds)."""

    dimension: str = "dimension"
    dimensions: str = "dimensions"
    layers: bool = True
    non_answers: tuple[str, ...] = ("not_applicable", "dont_know")

    @property
    def Dimension(self) -> str:  # noqa: N802 - the word at the start of a heading or a column
        return self.dimension[:1].upper() + self.dimension[1:]

    @property
    def organisation(self) -> str:
        return "service organisation" if self.layers else "organisation"

    @property
    def non_answers_said(self) -> str:
        """'"not applicable" (N/A) or "don't know"'; "" when the scales offer neither."""
        return " or ".join(NON_ANSWER_WORDS[k] for k in self.non_answers)


DEFAULT = Words()


def words(model: MaturityModel) -> Words:
    tier = next(t.name for t in model.tiers if t.id == model.dimension_tier)
    unit = lower_name(tier)
    return Words(unit, plural(unit), any(d.layer for d in model.dimensions), tuple(model.non_answer_kinds))


def _md(text: str) -> str:
    """A word from the model, safe inside Markdown: no HTML, no emphasis or links."""
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


# ------------------------------------------------------------------------------------------ the notebooks' texts

def _objectives(w: Words) -> str:
    if w.layers:
        return ("## Service excellence objectives\n\n"
                "The commitments the leadership team makes to its customers and its people.")
    return "## Objectives\n\nThe commitments the leadership team makes for the organisation and its people."


SECTIONS = {
    "part-1": lambda w: (
        "We start where the journey should end: before anything is measured, the leadership team agrees where the "
        f"{w.organisation} is heading, why it matters, and how everyone will see that it has arrived. The "
        "assessment and the roadmap in the following parts are measured against this end."),
    "objectives": _objectives,
    "targets": lambda w: (
        f"## Target maturity per {w.dimension}\n\n"
        f"The level the leadership team wants each {w.dimension} to reach, and what that level looks like in "
        "practice."),
    "part-2": lambda w: (
        "Who answered, where the organisation stands against its target and how each role group sees it; then, "
        f"{w.dimension} by {w.dimension}, what the answers say and what respondents wrote in their own words."),
    "findings": lambda w: (
        f"## Findings per {w.dimension}\n\n"
        f"What the answers say about each {w.dimension}, then up to three comments or evidence notes in "
        "respondents' own words. A quote names a role group only when enough of its people answered that no one "
        "stands out."),
    "ranked": lambda w: (
        "## The gaps, ranked\n\n"
        "Each gap is ranked by its size, its importance to respondents, "
        + ("whether it is a foundation that others build on, " if w.layers else "")
        + "and whether leaders and front line disagree (such a gap needs a shared view first). Scores and gaps are "
        "in maturity levels."),
    "roadmap": lambda w: (
        "## The roadmap\n\n"
        "Initiatives are scheduled in waves of limited capacity: an initiative starts when what it builds on is "
        f"finished, a {w.dimension} climbs one level at a time, and quick wins come first to build momentum. Effort "
        "is counted in person-weeks: one person working on it for one week."),
    "trajectory": lambda w: (
        "## The maturity we expect after each wave\n\n"
        f"If the roadmap is delivered, this is the level each {w.dimension} reaches at the end of each wave."),
    "achieved": lambda w: (
        "## Achieved against planned\n\n"
        f"For each {w.dimension}: where it stood at the first round (hollow), where it stands now (filled), and the "
        f"level the roadmap planned to reach by now (orange mark). Red means the {w.dimension} is behind the plan."),
    "trend": lambda w: (
        f"## Each {w.dimension} across the rounds\n\n"
        "Each round is one assessment: the same questionnaire, answered again. The small charts show the mean score "
        f"of each {w.dimension} at every round against its target (dashed); the last point is vermilion where the "
        f"{w.dimension} is behind the level the plan of record planned for that date."),
    "moved": lambda w: (
        "## What moved, and what did not\n\n"
        f"The change of each {w.dimension}'s mean score since the previous round. A change smaller than a quarter "
        "of a level counts as no change."),
}


def section(model: MaturityModel | Words, key: str) -> str:
    """One of the notebooks' model-dependent texts (SECTIONS), as Markdown in the model's words."""
    w = model if isinstance(model, Words) else words(model)
    safe = Words(_md(w.dimension), _md(w.dimensions), w.layers, w.non_answers)
    return SECTIONS[key](safe)


def show(model: MaturityModel | Words, key: str) -> None:
    """Show a section's Markdown in the notebook; the report prints it as a text cell."""
    from IPython.display import Markdown, display

    display(Markdown(section(model, key)))


def appendix_note(w: Words) -> str:
    """What the appendix of part 2 shows per question (the non-answers only as the scales offer them)."""
    text = "Per question: each role group's mean score with, in brackets, the answers it counts"
    return text + (f"; then how many answered {w.non_answers_said}." if w.non_answers else ".")
