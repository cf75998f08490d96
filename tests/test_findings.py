"""Findings per dimension: quotes that never name anyone, a narrative built from the numbers, the role group an
average hides, and the tables behind the heatmap and the question appendix."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import findings as F
from assessment.model import load_model
from assessment.scoring import assess
from workbench.planning import plan_engagement

MODEL = load_model("service-management")
QIDS = list(MODEL.question_table["question"])
ROLES = pd.DataFrame({"role": ["leadership", "management", "front_line"],
                      "name": ["Leadership", "Management", "Front line"],
                      "perspective": ["leadership", "management", "front_line"]})
TRN = [q.id for q in MODEL.areas_by_id["transparency-trust"].questions]
quick = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answers(people: dict[str, tuple[str, object]], overrides=None, remarks=None) -> pd.DataFrame:
    """Everyone answers every question with their one value; `overrides` {(person, qid): value or 'na'/'dk'};
    `remarks` {(person, qid): (comment, evidence)}."""
    overrides, remarks = overrides or {}, remarks or {}
    recs = []
    for person, (role, value) in people.items():
        for q in QIDS:
            v = overrides.get((person, q), value)
            status = {"na": "not_applicable", "dk": "dont_know"}.get(v, "value")
            comment, evidence = remarks.get((person, q), ("", ""))
            recs.append(dict(respondent=person, role=role, question=q, status=status, importance=np.nan,
                             value=float(v) if status == "value" else np.nan, comment=comment, evidence=evidence,
                             source="t"))
    return pd.DataFrame(recs)


def everything(result, targets=None, **kw) -> list[pd.DataFrame]:
    """Every table findings make for one assessment."""
    out = [F.quotes(result, MODEL, ROLES, **kw), F.quotes(result, MODEL, ROLES, per="question", **kw),
           F.dimension_narratives(result, MODEL, ROLES, targets), F.role_heatmap(result, ROLES, targets),
           F.role_groups(result, ROLES), F.question_roles(result, MODEL, ROLES)]
    if targets is not None:
        out.append(F.role_shortfalls(result, targets, ROLES))
    return out


def text_of(tables: list[pd.DataFrame]) -> str:
    return "\n".join(str(v) for t in tables for col in t.columns for v in t[col].tolist() + [col])


def name_words(name: str) -> list[str]:
    """The words of a person's name a reader could recognise (skipping made-up ids such as 'file row 3')."""
    if any(ch.isdigit() for ch in name):
        return [name]
    return [w for w in re.split(r"[\s\-_.@]+", name) if len(w) >= 3]


def assert_nobody_named(text: str, names) -> None:
    for name in names:
        for word in name_words(str(name)):
            hit = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text, re.IGNORECASE)
            context = text[hit.start() - 60:hit.end() + 60] if hit else ""
            assert hit is None, f"{word!r} (from {name!r}) appears in the findings: ...{context}..."


@pytest.fixture(scope="module")
def brightloop():
    return plan_engagement(EXAMPLES / "brightloop-customer-support")


@pytest.fixture(scope="module")
def northbank():
    return plan_engagement(EXAMPLES / "northbank-it-service-desk")


# ---------------------------------------------------------------- anonymity

@pytest.mark.parametrize("client", ["brightloop", "northbank"])
def test_no_respondent_name_appears_anywhere_in_the_findings(client, request):
    plan = request.getfixturevalue(client)
    a, m, roles = plan.assessment, plan.engagement.model, plan.engagement.roles
    tables = [F.quotes(a, m, roles), F.quotes(a, m, roles, per="question"),
              F.dimension_narratives(a, m, roles, plan.targets), F.role_heatmap(a, roles, plan.targets),
              F.role_groups(a, roles), F.question_roles(a, m, roles), F.role_shortfalls(a, plan.targets, roles)]
    assert_nobody_named(text_of(tables), a.respondents["respondent"])
    assert len(tables[0]) > 0  # the examples' comments are there to be quoted


def test_a_name_planted_in_a_comment_is_masked():
    people = {"Kofi Mensah": ("front_line", 2), "Ingrid Larsen": ("front_line", 3), "Zofia Nowak": ("front_line", 3),
              "Hana García": ("leadership", 4), "Owen O'Brien": ("leadership", 4), "Ravi Iyer": ("leadership", 4)}
    remarks = {("Kofi Mensah", "TRN1"): ("Nobody admits a mistake here. \u2014 Kofi", ""),
               ("Ingrid Larsen", "TRN2"): ("Ask ingrid LARSEN or mail kofi.mensah@acme.example for the figures.", ""),
               ("Zofia Nowak", "TRN3"): ("Garcia and O\u2019Brien never share the results.", "Zofia's own notes"),
               ("Ravi Iyer", "TRN4"): ("Kofi", "")}  # nothing left to quote once the name is out
    result = assess(answers(people, remarks=remarks), MODEL, ROLES)
    q = F.quotes(result, MODEL, ROLES, also_scrub=["Maya Lindgren"])
    texts = set(q["text"])
    assert texts == {"Nobody admits a mistake here. \u2014 [name]", "Ask [name] or mail [name] for the figures.",
                     "[name] and [name] never share the results.", "[name]'s own notes"}
    assert_nobody_named(text_of(everything(result)), [*people, "Maya Lindgren"])


def test_a_role_group_of_two_is_never_named_on_a_quote():
    people = {"Ann": ("leadership", 4), "Bea": ("leadership", 4),
              **{f"Front {i}": ("front_line", 2) for i in range(5)}}
    remarks = {("Ann", "TRN1"): ("Leaders hear bad news last.", ""),
               ("Front 0", "TRN1"): ("We hide mistakes from the leaders.", ""),
               ("Front 1", "TRN2"): ("Figures are never shown to us.", "")}
    result = assess(answers(people, remarks=remarks), MODEL, ROLES)
    q = F.quotes(result, MODEL, ROLES).set_index("text")
    assert q.loc["Leaders hear bad news last.", "attribution"] == "a respondent"
    assert pd.isna(q.loc["Leaders hear bad news last.", "role"])
    # Naming the front line here would tell the reader the other quotes come from the two leaders.
    assert q.loc["We hide mistakes from the leaders.", "attribution"] == "a respondent"
    assert not (q["attribution"] == "Leadership").any()
    # The same on any question the two leaders answered, whether or not they commented on it.
    assert q.loc["Figures are never shown to us.", "attribution"] == "a respondent"


def test_role_groups_are_named_once_the_unnamed_are_a_crowd_too():
    people = {"L1": ("leadership", 4), "L2": ("leadership", 4), "M1": ("management", 3), "M2": ("management", 3),
              **{f"F{i}": ("front_line", 2) for i in range(4)}}
    remarks = {("F0", "TRN1"): ("Mistakes are punished.", ""), ("L1", "TRN1"): ("We are open.", ""),
               ("F1", "TRN2"): ("Mistakes are punished.", "")}
    q = F.quotes(assess(answers(people, remarks=remarks), MODEL, ROLES), MODEL, ROLES).set_index("text")
    # Two leaders and two managers: four people left unnamed together, so the front line may be named.
    assert q.loc["Mistakes are punished.", "attribution"] == "Front line"
    assert q.loc["Mistakes are punished.", ["respondents", "role"]].tolist() == [2, "front_line"]
    assert q.loc["We are open.", "attribution"] == "a respondent"


def test_a_group_is_counted_by_who_answered_the_question():
    people = {**{f"F{i}": ("front_line", 2) for i in range(4)}, **{f"M{i}": ("management", 3) for i in range(4)}}
    # Two of the four front-line people answered TRN1 with N/A, two left it out altogether (no row).
    rows = answers(people, overrides={("F0", "TRN1"): "na", ("F1", "TRN1"): "na"},
                   remarks={("F0", "TRN1"): ("Nobody here reads the incident reviews.", "")})
    rows = rows[~((rows["question"] == "TRN1") & rows["respondent"].isin(["F2", "F3"]))]
    q = F.quotes(assess(rows, MODEL, ROLES), MODEL, ROLES)
    assert q["attribution"].tolist() == ["a respondent"]


def test_min_group_is_never_below_three():
    result = assess(answers({"a": ("front_line", 3)}), MODEL, ROLES)
    for call in (lambda: F.quotes(result, MODEL, ROLES, min_group=2), lambda: F.role_groups(result, ROLES, min_group=1),
                 lambda: F.dimension_narratives(result, MODEL, ROLES, min_group=2)):
        with pytest.raises(ValueError, match="never fewer"):
            call()


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzçéñøABCDEFGHKLMNOPRSTZ", min_size=3, max_size=9).filter(
    lambda s: s.casefold() != "name")  # a person called 'Name' would be found inside the mask itself
filler = st.lists(st.sampled_from(["we", "are", "told", "nothing", "-", "\u2014", ",", "team", "lead", "!", "\n"]),
                  max_size=8)


@quick
@given(st.lists(st.tuples(names, names), min_size=1, max_size=5, unique=True), filler, filler, st.data())
def test_no_planted_name_survives_scrubbing(people, before, after, data):
    full = [f"{first} {last}" for first, last in people]
    planted = data.draw(st.lists(st.sampled_from([*full, *(w for p in people for w in p)]), min_size=1, max_size=4))
    styled = [data.draw(st.sampled_from([p, p.upper(), p.lower(), p.title()])) for p in planted]
    text = " ".join([*before, *styled, *after])
    out = F.scrub_names(text, F.name_pattern(full))
    assert_nobody_named(out, full)
    assert "[name]" in out


# ---------------------------------------------------------------- choosing and trimming quotes

def test_brightloop_quotes_per_dimension(brightloop):
    a, m, roles = brightloop.assessment, brightloop.engagement.model, brightloop.engagement.roles
    q = F.quotes(a, m, roles)
    # 27 comments and 7 evidence notes, 6 distinct comments and 1 distinct note, each quoted once per dimension.
    assert set(q["kind"]) == {"comment", "evidence"}
    assert not q.duplicated(["dimension", "kind", "text"]).any()
    assert q.groupby(["dimension", "kind"]).size().max() <= F.MAX_QUOTES
    sla = q[(q["dimension"] == "service-levels") & (q["kind"] == "evidence")].iloc[0]
    assert sla["text"] == "Monthly SLA report, Q3" and sla["respondents"] == 5
    assert sla["questions"] == "SLM1, SLM2, SLM3, SLM5" and sla["question"] == "SLM1"
    assert sla["attribution"] == "Leadership, Management and Front line"
    per_q = F.quotes(a, m, roles, per="question")
    assert set(per_q["question"]) == {q for q in QIDS if q in set(a.answers.loc[
        a.answers["comment"].astype(str).str.strip().ne("") | a.answers["evidence"].astype(str).str.strip().ne(""),
        "question"].astype(str))}


def test_at_most_k_quotes_chosen_by_how_many_wrote_them_then_question_order():
    people = {f"F{i}": ("front_line", 2) for i in range(6)}
    remarks = {("F0", "TRN4"): ("Shared by three.", ""), ("F1", "TRN2"): ("shared   BY three.", ""),
               ("F2", "TRN3"): ("Shared by three.", ""), ("F3", "TRN1"): ("First question.", ""),
               ("F4", "TRN2"): ("Second question.", ""), ("F5", "TRN3"): ("Third question.", "")}
    q = F.quotes(assess(answers(people, remarks=remarks), MODEL, ROLES), MODEL, ROLES, limit=3)
    assert q["text"].tolist() == ["shared BY three.", "First question.", "Second question."]
    assert q["respondents"].tolist() == [3, 1, 1] and q["rank"].tolist() == [1, 2, 3]
    assert q["questions"].iloc[0] == ", ".join(t for t in TRN if t in {"TRN2", "TRN3", "TRN4"})


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a full assess() each
@given(st.randoms(use_true_random=False))
def test_shuffled_rows_give_the_same_quotes(rnd):
    people = {**{f"Front {c}": ("front_line", 2) for c in "ABCDEFG"}, **{f"Lead {c}": ("leadership", 4) for c in "ABC"}}
    texts = ["Figures come too late.", "Nobody owns the incident review.", "We learn from mistakes.",
             "Bad news stays upstairs.", "Ask Lead A about it."]
    remarks = {(p, q): (texts[(i * 7 + j) % len(texts)], "Staff survey 2026" if (i + j) % 4 == 0 else "")
               for i, p in enumerate(people) for j, q in enumerate(TRN + QIDS[:6]) if (i + j) % 3 == 0}
    rows = answers(people, remarks=remarks)
    shuffled = rows.iloc[rnd.sample(range(len(rows)), len(rows))].reset_index(drop=True)
    for per in ("dimension", "question"):
        a = F.quotes(assess(rows, MODEL, ROLES), MODEL, ROLES, per=per, limit=2)
        b = F.quotes(assess(shuffled, MODEL, ROLES), MODEL, ROLES, per=per, limit=2)
        pd.testing.assert_frame_equal(a, b)
        assert not a["text"].str.contains("Lead A").any()


def test_long_comments_are_cut_at_a_word_boundary():
    text = "Our incident reviews " + "always end with someone to blame and nobody learns anything " * 10
    result = assess(answers({"F": ("front_line", 2)}, remarks={("F", "TRN1"): (text, "")}), MODEL, ROLES)
    q = F.quotes(result, MODEL, ROLES, max_chars=80).iloc[0]
    assert q["trimmed"] and len(q["text"]) <= 80 and q["text"].endswith("\u2026")
    assert q["text"] == "Our incident reviews always end with someone to blame and nobody learns\u2026"
    assert F.trim("Short and sweet.", 80) == "Short and sweet."
    assert F.trim("Two\n  lines", 80) == "Two lines"
    assert F.trim("a" * 100, 20) == "a" * 19 + "\u2026"  # one long word: cut inside it rather than show nothing


words = st.lists(st.text(alphabet="abcdefgh,.", min_size=1, max_size=12), min_size=1, max_size=60)


@quick
@given(words, st.integers(10, 120))
def test_trimming_keeps_whole_words_and_the_limit(ws, limit):
    text = " ".join(ws)
    out = F.trim(text, limit)
    assert len(out) <= limit
    if out == text:
        return
    kept = out[:-1]
    assert out.endswith(F.ELLIPSIS) and text.startswith(kept)
    if text.rfind(" ", limit // 2, limit - 1) >= 0:  # a space to break at: no word is cut in half
        nxt = text[len(kept):len(kept) + 1]
        assert nxt in ("", " ") or not nxt.isalpha() or not kept[-1:].isalpha()


# ---------------------------------------------------------------- the narrative

def test_narrative_states_level_agreement_roles_and_next_level():
    people = {**{f"L{i}": ("leadership", 4) for i in range(3)}, **{f"F{i}": ("front_line", 2) for i in range(3)}}
    result = assess(answers(people), MODEL, ROLES)
    n = F.dimension_narratives(result, MODEL, ROLES, {"transparency-trust": 3}).set_index("dimension")
    t = n.loc["transparency-trust"]
    desc = MODEL.areas_by_id["transparency-trust"].descriptors
    assert t["level"] == 3 and t["mean"] == pytest.approx(3.0)
    assert t["level_text"].startswith("Transparency and trust is at level 3, Defined: the mean of 6 respondents is "
                                      "3.00.")
    assert desc[3] in t["narrative"] and desc[4] in t["next_text"] and t["next_text"].startswith("To reach level 4")
    assert t["agreement"] == "differ widely" and t["agreement_text"].startswith("Views differ widely")
    assert t["role_name"] == "Leadership" and t["role_difference"] == pytest.approx(2.0)
    assert t["role_text"] == "Leadership differs most, 2.00 higher: 4.00 against 2.00 for the others."
    assert t["target_text"] == "It meets its target, level 3, on average, but Front line answers 2.00."
    assert t["narrative"] == " ".join(t[c] for c in ("level_text", "agreement_text", "role_text", "next_text",
                                                      "target_text"))


def test_narrative_words_for_agreement_and_alike_roles():
    people = {**{f"L{i}": ("leadership", 3) for i in range(3)}, **{f"F{i}": ("front_line", 3) for i in range(4)}}
    n = F.dimension_narratives(assess(answers(people), MODEL, ROLES), MODEL, ROLES).iloc[0]
    assert n["agreement"] == "agree closely" and n["agreement_text"].startswith("Respondents agree closely (agreement "
                                                                                  "1.00, the middle half")
    assert n["role_text"].startswith("The role groups see it much alike")
    assert n["target_text"] == "" and pd.isna(n["target"])
    top = F.dimension_narratives(assess(answers({"x": ("front_line", 5)}), MODEL, ROLES), MODEL, ROLES).iloc[0]
    assert "top level" in top["next_text"] and "single respondent" in top["agreement_text"]
    assert top["role_text"].startswith("Role groups are not compared")
    assert [F.agreement_words(x)[0] for x in (0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0)] == [
        "agree closely", "agree closely", "agree", "agree", "differ", "differ", "differ widely", "differ widely"]


def test_narrative_never_compares_a_small_group():
    people = {**{f"L{i}": ("leadership", 5) for i in range(2)}, **{f"F{i}": ("front_line", 2) for i in range(6)}}
    n = F.dimension_narratives(assess(answers(people), MODEL, ROLES), MODEL, ROLES, {"collaboration": 2})
    assert n["role"].isna().all() and n["role_text"].str.startswith("Role groups are not compared").all()
    assert not n["narrative"].str.contains("Leadership differs|Front line differs").any()


def test_a_dimension_nobody_answered_says_so():
    rows = answers({"a": ("front_line", 3)})
    rows = rows[~rows["question"].isin(TRN)]
    n = F.dimension_narratives(assess(rows, MODEL, ROLES), MODEL, ROLES, {"transparency-trust": 3})
    t = n.set_index("dimension").loc["transparency-trust"]
    assert t["narrative"].startswith("Transparency and trust has no score:") and "target is level 3" in t["narrative"]


def test_brightloop_transparency_narrative(brightloop):
    a, m, roles = brightloop.assessment, brightloop.engagement.model, brightloop.engagement.roles
    t = F.dimension_narratives(a, m, roles, brightloop.targets).set_index("dimension").loc["transparency-trust"]
    assert t["narrative"].startswith("Transparency and trust is at level 3, Defined: the mean of 24 respondents is "
                                     "3.20.")
    assert "Views differ (agreement 0.68, the middle half of the scores between" in t["narrative"]
    assert t["target_text"] == "It meets its target, level 3, on average, but Front line answers 2.80."


@quick
@given(st.floats(0, 6, allow_nan=False))
def test_a_score_is_never_shown_as_reaching_a_level_it_has_not(x):
    shown = float(F.fmt_score(x))
    assert abs(shown - x) <= 0.01 + 1e-9
    for boundary in np.arange(0, 6.5, 0.5):
        assert not (x < boundary <= shown)


# ---------------------------------------------------------------- at target, but not for everyone

def test_at_target_on_average_but_a_role_group_below():
    people = {**{f"L{i}": ("leadership", 4) for i in range(3)}, **{f"F{i}": ("front_line", 2) for i in range(3)},
              "M0": ("management", 2)}
    rows = answers(people, overrides={(f"L{i}", q): 5 for i in range(3) for q in TRN})
    result = assess(rows, MODEL, ROLES)
    # Transparency: (3 x 5 + 4 x 2) / 7 = 3.29 meets target 3, the front line (2.0) and management (2.0) do not.
    for targets in ({"transparency-trust": 3, "collaboration": 3},
                    pd.Series({"transparency-trust": 3, "collaboration": 3}),
                    pd.DataFrame({"dimension": ["transparency-trust", "collaboration"], "target": [3, 3]})):
        f = F.role_shortfalls(result, targets, ROLES)
        assert f[["dimension", "role", "n", "role_mean", "target"]].values.tolist() == [
            ["transparency-trust", "management", 1, 2.0, 3.0], ["transparency-trust", "front_line", 3, 2.0, 3.0]]
        assert f["mean"].iloc[0] == pytest.approx(23 / 7) and f["shortfall"].tolist() == [1.0, 1.0]
        assert f["small_group"].tolist() == [True, False]
        assert f["sentence"].iloc[1] == ("Transparency and trust meets its target on average (3.29 against level 3), "
                                         "but Front line (3 respondents) answers 2.00.")
    # The narrative names only the group large enough to speak for itself.
    n = F.dimension_narratives(result, MODEL, ROLES, {"transparency-trust": 3}).set_index("dimension")
    assert n.loc["transparency-trust", "target_text"].endswith("but Front line answers 2.00.")
    assert F.role_shortfalls(result, {"collaboration": 4}, ROLES).empty  # below target: a plain gap, no flag


def test_brightloop_transparency_is_flagged(brightloop):
    a, roles = brightloop.assessment, brightloop.engagement.roles
    f = F.role_shortfalls(a, brightloop.targets, roles)
    t = f[f["dimension"] == "transparency-trust"]
    assert t["role"].tolist() == ["front_line"] and t["n"].tolist() == [15]
    assert t["role_mean"].round(2).tolist() == [2.80] and t["target"].tolist() == [3.0]
    assert round(t["mean"].iloc[0], 2) == 3.20


# ---------------------------------------------------------------- the tables

def test_heatmap_is_dimensions_by_role_groups_with_the_target(brightloop):
    a, roles = brightloop.assessment, brightloop.engagement.roles
    h = F.role_heatmap(a, roles, brightloop.targets)
    assert list(h.columns) == ["dimension", "name", "leadership", "management", "front_line", "all", "target"]
    assert h["dimension"].tolist() == [d.id for d in MODEL.dimensions]
    by_role = a.by_role.set_index(["area", "role"])["mean"]
    for r in h.itertuples(index=False):
        assert r.front_line == pytest.approx(by_role[(r.dimension, "front_line")])
    assert h.set_index("dimension").loc["transparency-trust", "target"] == 3
    g = F.role_groups(a, roles)
    assert g.values.tolist() == [["leadership", "Leadership", 3, False], ["management", "Management", 6, False],
                                 ["front_line", "Front line", 15, False]]
    assert F.role_heatmap(a, roles)["target"].isna().all()


def test_a_small_group_is_shown_with_its_n():
    result = assess(answers({"L": ("leadership", 4), **{f"F{i}": ("front_line", 2) for i in range(3)}}), MODEL, ROLES)
    g = F.role_groups(result, ROLES)
    assert g[["role", "respondents", "small_group"]].values.tolist() == [["leadership", 1, True],
                                                                         ["front_line", 3, False]]
    assert list(F.role_heatmap(result, ROLES).columns[2:4]) == ["leadership", "front_line"]


def test_not_applicable_and_dont_know_per_question_and_role_by_hand():
    people = {"L1": ("leadership", 4), "L2": ("leadership", 3), "F1": ("front_line", 2), "F2": ("front_line", 1),
              "F3": ("front_line", 3)}
    overrides = {("L1", "TRN1"): "na", ("F1", "TRN1"): "dk", ("F2", "TRN1"): "dk", ("F3", "TRN1"): "na",
                 ("L2", "TRN2"): "dk"}
    rows = answers(people, overrides=overrides)
    rows = rows[~((rows["respondent"] == "F3") & (rows["question"] == "TRN2"))]  # F3 skipped TRN2
    t = F.question_roles(assess(rows, MODEL, ROLES), MODEL, ROLES).set_index(["question", "role"])
    cols = ["respondents", "n", "n_answered", "n_not_applicable", "n_dont_know", "n_missing"]
    assert t.loc[("TRN1", "leadership"), cols].tolist() == [2, 1, 1, 1, 0, 0]
    assert t.loc[("TRN1", "leadership"), "mean"] == 3
    assert t.loc[("TRN1", "front_line"), cols].tolist() == [3, 0, 0, 1, 2, 0]
    assert pd.isna(t.loc[("TRN1", "front_line"), "mean"])
    assert t.loc[("TRN2", "leadership"), cols].tolist() == [2, 1, 1, 0, 1, 0]
    assert t.loc[("TRN2", "front_line"), cols].tolist() == [3, 2, 2, 0, 0, 1]
    assert t.loc[("TRN2", "front_line"), "mean"] == 1.5
    assert t["small_group"].groupby("role").first().to_dict() == {"front_line": False, "leadership": True}
    assert len(t) == 2 * len(QIDS)


def test_brightloop_not_applicable_and_dont_know_against_the_export(brightloop):
    """Counted straight from the survey file, the way a consultant would with a filter in Excel."""
    aliases = {"leadership": "leadership", "team lead": "management", "agent": "front_line"}
    counts: dict[tuple[str, str, str], int] = {}
    path = next((EXAMPLES / "brightloop-customer-support" / "responses").glob("*.csv"))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            kind = {"n/a": "n_not_applicable", "don't know": "n_dont_know"}.get(row["answer"].strip().lower())
            if kind:
                key = (row["question_id"], aliases[row["role"].strip().lower()], kind)
                counts[key] = counts.get(key, 0) + 1
    t = F.question_roles(brightloop.assessment, brightloop.engagement.model, brightloop.engagement.roles)
    got = {(r.question, r.role, k): getattr(r, k) for r in t.itertuples(index=False)
           for k in ("n_not_applicable", "n_dont_know") if getattr(r, k)}
    assert got == counts and sum(v for (_, _, k), v in counts.items() if k == "n_dont_know") == 49
    # Per role, the counts add up to the question profile's.
    summed = t.groupby("question")[["n", "n_answered", "n_not_applicable", "n_dont_know"]].sum()
    profile = brightloop.assessment.questions.set_index("question")[summed.columns]
    pd.testing.assert_frame_equal(summed.loc[profile.index], profile, check_names=False)


def test_no_comments_no_quotes():
    result = assess(answers({"a": ("front_line", 3)}).drop(columns=["comment", "evidence"]), MODEL, ROLES)
    q = F.quotes(result, MODEL, ROLES)
    assert q.empty and list(q.columns) == F.QUOTE_COLUMNS
    assert F.question_roles(result, MODEL, ROLES).set_index("question").loc["TRN1", "mean"] == 3


def test_findings_read_no_files():
    source = Path(F.__file__).read_text(encoding="utf-8")
    assert not re.search(r"\bopen\(|read_csv|read_excel|Path\(", source)


def model_answers(model, people: dict[str, str], skip=(), remarks=None) -> pd.DataFrame:
    """Everyone answers every question of `model` with its scale's second value, except (person, qid) in `skip`."""
    remarks = remarks or {}
    recs = []
    for q in model.question_table.itertuples():
        value = model.scales[q.scale].value_options[1].value
        for person, role in people.items():
            if (person, q.question) not in skip:
                comment = remarks.get((person, q.question), "")
                recs.append(dict(respondent=person, role=role, question=q.question, value=float(value), status="value",
                                 importance=np.nan, comment=comment, evidence="", source="t"))
    return pd.DataFrame(recs)


def test_questions_left_blank_do_not_count_as_answered_under_the_zero_rule():
    samm = load_model("samm-lite")
    assert samm.unanswered == "zero"
    qid = samm.question_table.index[0]
    people = {**{f"F{i}": "front_line" for i in range(4)}, **{f"M{i}": "management" for i in range(4)}}
    rows = model_answers(samm, people, skip={("F2", qid), ("F3", qid)}, remarks={("F0", qid): "No threat model."})
    result = assess(rows, samm, ROLES)
    # F2 and F3 count as 0 on this question, but they did not answer it: the front line here is two people.
    assert F.quotes(result, samm, ROLES)["attribution"].tolist() == ["a respondent"]
    t = F.question_roles(result, samm, ROLES).set_index(["question", "role"]).loc[(qid, "front_line")]
    assert (t["n"], t["n_answered"], t["n_missing"]) == (4, 2, 2)


@pytest.mark.parametrize("model_id", ["samm-lite", "process-capability"])
def test_findings_for_models_of_other_shapes(model_id):
    model = load_model(model_id)
    people = {**{f"F{i}": "front_line" for i in range(3)}, **{f"L{i}": "leadership" for i in range(3)}}
    first = model.question_table.index[0]
    result = assess(model_answers(model, people, remarks={("F0", first): "Done by hand."}), model, ROLES)
    targets = {d.id: model.levels[-1].value for d in model.dimensions}
    n = F.dimension_narratives(result, model, ROLES, targets)
    assert len(n) == len(model.dimensions) and n["narrative"].str.len().gt(0).all()
    q = F.quotes(result, model, ROLES)
    assert q[["dimension", "text", "attribution"]].values.tolist() == [
        [model.question_table.at[first, "dimension"], "Done by hand.", "Front line"]]
    assert len(F.question_roles(result, model, ROLES)) == 2 * len(model.question_table)
    assert list(F.role_heatmap(result, ROLES, targets).columns[2:]) == ["leadership", "front_line", "all", "target"]
