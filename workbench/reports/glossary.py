"""The report's glossary: the terms that remain after plain words, explained once, from the model in use (its
level names and their meaning; the driver tree only when the model has layers)."""
from __future__ import annotations

from assessment.model import MaturityModel
from workbench.reports import wording

TERMS = [
    ("Score", "The mean of the answers on the maturity scale, from the questions up to the whole organisation; "
              "shown with one decimal."),
    ("Level", "The whole level a score has reached: a score of 2.7 is level 2, not yet 3."),
    ("Target", "The level the leadership team wants each {unit} to reach, decided in the vision."),
    ("Gap", "The target level minus today's score: how far a {unit} has to climb."),
    ("Priority", "How urgent a gap is: it weighs the size of the gap, how important respondents find the "
                 "{unit}, whether it is a foundation others depend on, and how far leaders and front line disagree."),
    ("Spread", "How far apart respondents' scores are (their standard deviation): a small spread means they "
               "see the {unit} alike."),
    ("Agreement", "Whether respondents broadly agree on a {unit}: the share of the disagreement one would expect "
                  "from random answers that is absent: 1 is full agreement, 0.7 or more counts as agreement."),
    ("Importance", "How much respondents say what a question asks about matters to {whom}, on its own scale."),
    ("Wave", "A period of the roadmap (a quarter by default) with a fixed capacity; initiatives start in a wave "
             "once their prerequisites are done."),
    ("Person-weeks", "The effort of an initiative or the capacity of a wave: one person working for one week."),
    ("Interim target", "A KPI's value expected at the end of a wave on the way to its target: equal steps from the "
                       "baseline to the target along the waves in which initiatives that move the KPI finish."),
    ("KPI", "A measure on the scorecard that shows whether the organisation is getting where it wants to be, "
            "with a baseline today, a target and a due date."),
]
LAYERS = ("Roots, trunk and crown", "The customers' driver tree: the roots are what customers expect every time, the "
          "trunk the competence they count on, the crown the extras that make them loyal. Without the roots the "
          "tree falls, so they come first.")


def glossary(model: MaturityModel) -> list[tuple[str, str]]:
    """(term, explanation) pairs for the appendix, in the words of the model's tier for 'dimension'; importance
    only when the model has an importance scale, customers only with a driver tree."""
    said = wording.words(model)
    whom = "customers and results" if said.layers else "the organisation's results"
    terms = [(t, text.format(unit=said.dimension, whom=whom)) for t, text in TERMS
             if t != "Importance" or model.importance_scale]
    terms += [(f"Level {lv.value}: {lv.name}", lv.summary) for lv in model.levels if lv.summary]
    if said.layers:
        terms.append(LAYERS)
    return terms
