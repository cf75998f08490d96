"""Scoring: answers -> per-respondent scores up the model's hierarchy -> profiles across respondents.

Pure functions over DataFrames. The answers table has one row per (respondent, question) with at least
`respondent`, `role`, `question`, `value` (NaN when excluded or missing) and `status`; `importance` is
optional. Rows with status 'missing' may carry a comment or evidence note (a blank answer with a comment, or a
general comment with question NO_QUESTION): they are never scored, and a respondent counts only with at least
one answer given (a value, 'not applicable' or "don't know"). Nothing here reads or writes files.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from assessment.answers import DONT_KNOW, MISSING, NOT_APPLICABLE, VALUE
from assessment.model import MaturityModel

AGREEMENT_THRESHOLD = 0.70  # r_wg at or above this counts as agreement (James, Demaree & Wolf, 1984)
LEADERSHIP, FRONT_LINE = "leadership", "front_line"
OVERALL = "overall"


def _aggregate(resp: np.ndarray, node: np.ndarray, x: np.ndarray, w: np.ndarray, n_nodes: int,
               rule: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combine child scores into node scores per respondent under one aggregation rule.

    Returns (respondent code, node code, score) for every (respondent, node) with at least one scored child.
    """
    key = resp.astype(np.int64) * n_nodes + node
    size = int(key.max()) + 1 if key.size else 0
    count = np.bincount(key, minlength=size)
    present = np.flatnonzero(count)
    if rule in ("weighted_mean", "mean", "sum"):
        weights = w if rule != "mean" else np.ones_like(x)
        num = np.bincount(key, weights * x, minlength=size)[present]
        if rule == "sum":
            score = num
        else:
            den = np.bincount(key, weights, minlength=size)[present]
            with np.errstate(invalid="ignore", divide="ignore"):
                score = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    else:
        series = pd.Series(x).groupby(key)
        score = (series.min() if rule == "min" else series.max()).reindex(present).to_numpy()
    return present // n_nodes, present % n_nodes, score


def respondent_scores(answers: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """Each respondent's score for every area and overall: columns respondent, role, area, tier, score."""
    scored = answers[answers["value"].notna()]
    resp_codes, resp_ids = pd.factorize(scored["respondent"].astype(object), sort=True)
    role_of = scored.groupby("respondent", sort=True, observed=True)["role"].first().astype(object)
    areas = model.area_table
    area_code = pd.Series(np.arange(len(areas)), index=areas.index)
    questions = model.question_table
    q_rows = questions.reindex(scored["question"].to_numpy())

    frames = []
    # Leaf tier: questions -> leaf areas.
    r, node, x = resp_codes, area_code.reindex(q_rows["area"].to_numpy()).to_numpy(), scored["value"].to_numpy(float)
    w = q_rows["weight"].to_numpy(float)
    depth = len(model.tiers) - 1
    level_scores: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    while depth >= 0:
        rule = model.tiers[depth].aggregate
        if level_scores is not None:  # children are the areas one tier below
            r, child, x = level_scores
            w = areas["weight"].to_numpy(float)[child]
            parents = areas["parent"].to_numpy()[child]
            node = area_code.reindex(parents).to_numpy()
        rr, nn, ss = _aggregate(r, node, x, w, len(areas), rule)
        keep = ~np.isnan(ss)
        level_scores = (rr[keep], nn[keep], ss[keep])
        frames.append(pd.DataFrame({"respondent": resp_ids[level_scores[0]],
                                    "area": areas.index.to_numpy()[level_scores[1]],
                                    "tier": model.tiers[depth].id, "score": level_scores[2]}))
        depth -= 1
    r, child, x = level_scores
    rr, _, ss = _aggregate(r, np.zeros_like(child), x, areas["weight"].to_numpy(float)[child], 1,
                           model.overall.aggregate)
    frames.append(pd.DataFrame({"respondent": resp_ids[rr], "area": OVERALL, "tier": OVERALL, "score": ss}))
    out = pd.concat(frames[::-1], ignore_index=True)
    out.insert(1, "role", out["respondent"].map(role_of))
    return out


def null_variance(model: MaturityModel, area: str) -> float:
    """Variance expected if answers were spread at random over the area's range (the r_wg null)."""
    lo, hi = model.area_bounds[area]
    a = len(model.levels)
    return (hi - lo) ** 2 * (a * a - 1) / (12 * (a - 1) ** 2)


def _spread(groups: pd.core.groupby.SeriesGroupBy) -> pd.DataFrame:
    stats = groups.agg(["count", "mean", "median", "std", "min", "max"]).rename(columns={"count": "n"})
    q = groups.quantile([0.25, 0.75]).unstack() if len(stats) else pd.DataFrame(columns=[0.25, 0.75])
    stats["q1"], stats["q3"] = q[0.25], q[0.75]
    stats["iqr"] = stats["q3"] - stats["q1"]
    return stats


def _agreement(stats: pd.DataFrame, null_var: pd.Series) -> pd.DataFrame:
    rwg = (1 - stats["std"] ** 2 / null_var).clip(lower=0, upper=1)
    stats["agreement_index"] = rwg.where(stats["n"] >= 2)
    stats["agreement"] = (stats["agreement_index"] >= AGREEMENT_THRESHOLD).where(stats["n"] >= 2)
    return stats


def area_profile(resp_scores: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """Across respondents, per area and overall: n, mean, median, spread, agreement and level."""
    stats = _spread(resp_scores.groupby("area", sort=False)["score"])
    nulls = pd.Series({a: null_variance(model, a) for a in stats.index})
    stats = _agreement(stats, nulls)
    meta = model.area_table.reindex(stats.index)
    out = pd.DataFrame({
        "area": stats.index,
        "name": meta["name"].fillna(model.overall.name),
        "tier": meta["tier"].fillna(OVERALL),
        "parent": meta["parent"],
        "layer": meta["layer"].astype(object).where(meta["layer"].notna(), None),
    }, index=stats.index).join(stats)
    levels = [model.level_for(m) for m in out["mean"]]
    out["level"] = [lv.value if lv else None for lv in levels]
    out["level_name"] = [lv.name if lv else None for lv in levels]
    order = {a: i + 1 for i, a in enumerate(model.area_table.index)}
    out["order"] = out["area"].map(order).fillna(0).astype(int)
    return out.sort_values("order").drop(columns="order").reset_index(drop=True)


def dimension_profile(profile: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """The dimension rows of an area profile, every dimension present (NaN where nobody answered)."""
    dims = [d.id for d in model.dimensions]
    out = profile.set_index("area").reindex(dims)
    out["name"] = [model.areas_by_id[d].name for d in dims]
    out["tier"] = model.dimension_tier
    out["layer"] = [model.areas_by_id[d].layer for d in dims]
    out["parent"] = model.area_table.loc[dims, "parent"].to_numpy()
    out["n"] = out["n"].fillna(0).astype(int)
    # What the reached level and the next one look like, in the model's observable terms.
    top = model.levels[-1].value
    out["descriptor"] = [model.areas_by_id[d].descriptors.get(int(lv)) if pd.notna(lv) else None
                         for d, lv in zip(dims, out["level"])]
    next_levels = [None if pd.isna(lv) or int(lv) >= top else next(x.value for x in model.levels if x.value > lv)
                   for lv in out["level"]]
    out["next_level"] = next_levels
    out["next_level_name"] = [model.level_named(n).name if n is not None else None for n in next_levels]
    out["next_descriptor"] = [model.areas_by_id[d].descriptors.get(n) if n is not None else None
                              for d, n in zip(dims, next_levels)]
    return out.reset_index()


def role_profile(resp_scores: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """Per area and role group: n, mean, median, std (long format; pivot for a heatmap)."""
    g = resp_scores.groupby(["area", "role"], sort=False)["score"]
    stats = g.agg(["count", "mean", "median", "std"]).rename(columns={"count": "n"}).reset_index()
    order = {a: i + 1 for i, a in enumerate(model.area_table.index)}
    stats["_o"] = stats["area"].map(order).fillna(0)
    return stats.sort_values(["_o", "role"]).drop(columns="_o").reset_index(drop=True)


def perception_gap(resp_scores: pd.DataFrame, model: MaturityModel, perspectives: dict[str, str]) -> pd.DataFrame:
    """Per dimension: leadership mean, front-line mean and the gap between them (leaders minus front line).

    `perspectives` maps each role id to its perspective (leadership, management, front_line, customer, other).
    """
    dims = [d.id for d in model.dimensions]
    s = resp_scores[resp_scores["area"].isin(dims)]
    persp = s["role"].map(perspectives)
    out = pd.DataFrame({"dimension": dims, "name": [model.areas_by_id[d].name for d in dims]})
    for key, label in ((LEADERSHIP, "leadership"), (FRONT_LINE, "front_line")):
        g = s[persp == key].groupby("area")["score"]
        out[f"{label}_mean"] = out["dimension"].map(g.mean())
        out[f"{label}_n"] = out["dimension"].map(g.count()).fillna(0).astype(int)
    out["gap"] = out["leadership_mean"] - out["front_line_mean"]
    return out


def question_profile(answers: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """Per question: n scored, mean, median, std, agreement, and counts of N/A, don't know and missing."""
    qt = model.question_table
    scored = answers[answers["value"].notna()]
    stats = _spread(scored.groupby("question", sort=False, observed=True)["value"])
    nulls = pd.Series({q: _question_null_variance(model, qt.loc[q, "scale"]) for q in stats.index}, dtype=float)
    stats = _agreement(stats, nulls)
    counts = answers.groupby(["question", "status"], observed=True).size().unstack(fill_value=0)
    out = qt[["question", "text", "area", "dimension", "scale", "weight"]].join(stats, how="left")
    for status in (NOT_APPLICABLE, DONT_KNOW):
        out[f"n_{status}"] = out["question"].map(counts[status]) if status in counts else 0
        out[f"n_{status}"] = out[f"n_{status}"].fillna(0).astype(int)
    out["n"] = out["n"].fillna(0).astype(int)
    out["n_answered"] = out["question"].map(counts[VALUE]).fillna(0).astype(int) if VALUE in counts else 0
    # Unanswered = respondents who gave this question no answer at all (blank or absent); under the model's
    # rule `zero` they are in `n` too, counted as 0.
    out[f"n_{MISSING}"] = (_counted(answers)["respondent"].nunique() - out["n_answered"]
                           - out["n_not_applicable"] - out["n_dont_know"])
    return out.reset_index(drop=True)


def _question_null_variance(model: MaturityModel, scale_id: str) -> float:
    scale = model.scales[scale_id]
    lo, hi = scale.bounds
    a = len(scale.value_options)
    return (hi - lo) ** 2 * (a * a - 1) / (12 * (a - 1) ** 2)


QUADRANTS = {
    (True, False): "Concentrate here",
    (True, True): "Keep up the good work",
    (False, False): "Low priority",
    (False, True): "Possible overkill",
}


def importance_performance(answers: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """Importance-performance table per question where respondents rated importance.

    Performance is the mean score, importance the mean rating; the quadrant cut-offs are the means over
    all rated questions (data-centred), so "Concentrate here" lists items above-average in importance and
    below-average in performance. Empty when nobody rated importance.
    """
    cols = ["question", "text", "dimension", "importance", "performance", "n_importance", "quadrant"]
    if "importance" not in answers or answers["importance"].notna().sum() == 0:
        return pd.DataFrame(columns=cols)
    qt = model.question_table
    imp = answers.groupby("question", observed=True)["importance"].agg(["mean", "count"])
    imp = imp[imp["count"] > 0]
    perf = answers[answers["status"] == VALUE].groupby("question", observed=True)["value"].mean()
    # Performance on a common 0-1 footing, so questions on different scales compare.
    lo = qt["scale"].map(lambda s: model.scales[s].bounds[0])
    hi = qt["scale"].map(lambda s: model.scales[s].bounds[1])
    out = pd.DataFrame({"question": imp.index.astype(object), "importance": imp["mean"].to_numpy(),
                        "n_importance": imp["count"].to_numpy()})
    out["text"] = out["question"].map(qt["text"])
    out["dimension"] = out["question"].map(qt["dimension"])
    raw = out["question"].map(perf)
    out["performance"] = (raw - out["question"].map(lo)) / (out["question"].map(hi) - out["question"].map(lo))
    out = out.dropna(subset=["performance"])
    hi_imp = out["importance"] >= out["importance"].mean()
    hi_perf = out["performance"] >= out["performance"].mean()
    out["quadrant"] = [QUADRANTS[(a, b)] for a, b in zip(hi_imp, hi_perf)]
    out = out.sort_values(["quadrant", "importance"], ascending=[True, False])
    return out[cols].reset_index(drop=True)


def respondent_table(answers: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """Per respondent: role, source file, answers scored, excluded (N/A, don't know) and unanswered. Only
    respondents who gave at least one answer (someone who only wrote comments is not a respondent here)."""
    answers = _counted(answers)
    excluded = answers["status"].isin([NOT_APPLICABLE, DONT_KNOW])
    g = answers.assign(_excluded=excluded, _answered=answers["status"] == VALUE).groupby(
        "respondent", sort=True, observed=True)
    out = pd.DataFrame({
        "role": g["role"].first().astype(object),
        "source": g["source"].first() if "source" in answers else "",
        "n_scored": g["_answered"].sum().astype(int),
        "n_excluded": g["_excluded"].sum().astype(int),
    })
    out["n_missing"] = len(model.question_table) - out["n_scored"] - out["n_excluded"]
    return out.reset_index()


def respondent_counts(respondents: pd.DataFrame, roles: pd.DataFrame) -> pd.DataFrame:
    """Respondents per role group, in the engagement's order of role groups, with the total last."""
    counts = respondents["role"].value_counts()
    out = roles[["role", "name", "perspective"]].copy()
    out["respondents"] = out["role"].map(counts).fillna(0).astype(int)
    total = pd.DataFrame([{"role": "total", "name": "All respondents", "perspective": "",
                           "respondents": int(out["respondents"].sum())}])
    return pd.concat([out, total], ignore_index=True)


def data_quality_notes(respondents: pd.DataFrame, questions: pd.DataFrame, model: MaturityModel,
                       role_names: dict[str, str], min_group: int = 3) -> list[str]:
    """Plain-language notes a consultant should read before trusting the profile."""
    notes = []
    n_q = len(model.question_table)
    counts = respondents["role"].value_counts()
    for role, name in role_names.items():
        n = int(counts.get(role, 0))
        if 0 < n < min_group:
            notes.append(f"Only {n} respondent{'s' if n > 1 else ''} in role group '{name}': "
                         f"treat its scores as anecdotal and mind anonymity (fewer than {min_group}).")
        elif n == 0:
            notes.append(f"No respondents in role group '{name}'.")
    thin = respondents[respondents["n_scored"] < 0.5 * n_q]
    for _, r in thin.iterrows():
        notes.append(f"Respondent {r['respondent']} scored {r['n_scored']} of {n_q} questions "
                     f"({r['n_excluded']} excluded, {r['n_missing']} unanswered).")
    total = questions["n"] + questions["n_not_applicable"] + questions["n_dont_know"]
    dk_share = questions["n_dont_know"] / total.where(total > 0)
    for _, q in questions[dk_share >= 0.3].iterrows():
        notes.append(f"Question {q['question']}: {q['n_dont_know']} of {int(total[_])} answered \"don't know\"; "
                     "the practice may be invisible to many staff, a finding in itself.")
    unanswered = questions[questions["n_answered"] == 0]
    for _, q in unanswered.iterrows():
        notes.append(f"Question {q['question']} has no scored answer"
                     + (" (counted as 0 for every respondent, under the model's rule)." if q["n"] else "."))
    return notes


def _counted(answers: pd.DataFrame) -> pd.DataFrame:
    """The rows of the respondents who gave at least one answer that is not blank (all of them, blank rows with
    comments included); leaves out those who only wrote comments."""
    given = answers["status"].astype(object) != MISSING
    if given.all():
        return answers
    return answers[answers["respondent"].isin(answers.loc[given, "respondent"].unique()).to_numpy()]


def with_unanswered(answers: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """The answers under the model's rule for unanswered questions: unchanged for `exclude`; for `zero`, every
    question a respondent left blank or never saw is added as 0 (status 'missing'), as OWASP SAMM scores it.
    'Not applicable' and "don't know" stay excluded under both rules. A blank answer that carries a comment keeps
    its row (and comment), counted as 0; general comments and respondents who only wrote comments stay unscored."""
    if model.unanswered != "zero" or answers.empty:
        return answers
    blank = (answers["status"].astype(object) == MISSING).to_numpy()
    respondents = answers[~blank].groupby("respondent", sort=False, observed=True)["role"].first()
    grid = pd.MultiIndex.from_product([respondents.index.astype(object), model.question_table.index],
                                      names=["respondent", "question"])
    given = pd.MultiIndex.from_arrays([answers["respondent"].astype(object), answers["question"].astype(object)])
    missing = grid.difference(given[~blank])
    if not len(missing):
        return answers
    fill = blank & given.isin(missing) & ~given.duplicated()  # blank rows with a comment: 0 in place
    kept = answers.astype({c: object for c in ("respondent", "role", "question", "status") if c in answers})
    kept.loc[fill, "value"] = 0.0
    missing = missing.difference(given[fill])
    if not len(missing):
        return kept
    added = pd.DataFrame({"respondent": missing.get_level_values(0), "question": missing.get_level_values(1),
                          "value": 0.0, "status": MISSING})
    added["role"] = added["respondent"].map(respondents.astype(object))
    return pd.concat([kept, added], ignore_index=True)


def unscored_areas(questions: pd.DataFrame, model: MaturityModel) -> pd.DataFrame:
    """The areas of the dimension tier and above that nobody gave a valued answer for, with the reason in
    words (from the question profile): area, name, tier, reason, rule. Under the rule `zero` they still score
    (0); under `exclude` they have no score at all. Either way the consultant should know."""
    at = model.area_table
    q = questions.set_index("question")
    leaf_of = model.question_table["area"]
    under: dict[str, list[str]] = {a: [] for a in at.index}  # area -> its questions, at any depth
    for qid, leaf in leaf_of.items():
        a = leaf
        while isinstance(a, str):
            under[a].append(qid)
            a = at.at[a, "parent"]
    rows = []
    for area in at.index[at["depth"] <= model.dimension_depth]:
        qs = q.loc[under[area]]
        if not len(qs) or qs["n_answered"].sum() > 0:
            continue
        dk, na = int(qs["n_dont_know"].sum()), int(qs["n_not_applicable"].sum())
        if dk or na:
            got = " and ".join(x for x in (f"{dk} 'don't know'" if dk else "", f"{na} 'not applicable'" if na else "")
                               if x)
            reason = f"its {len(qs)} questions got only {got} answers, which do not count"
        else:
            reason = f"none of its {len(qs)} questions was answered"
        rule = ("it counts as 0 under the model's rule for unanswered questions (zero)" if model.unanswered == "zero"
                else "so it has no score (the model's rule leaves unanswered questions out)")
        rows.append(dict(area=area, name=at.at[area, "name"], tier=model.tiers[int(at.at[area, "depth"])].name,
                         reason=reason, rule=rule))
    return pd.DataFrame(rows, columns=["area", "name", "tier", "reason", "rule"])


def unscored_notes(unscored: pd.DataFrame) -> list[str]:
    """One sentence per area of `unscored_areas`."""
    return [f"Nobody gave a valued answer for {r.tier.lower()} '{r.name}': {r.reason}; {r.rule}."
            for r in unscored.itertuples(index=False)]


def coverage_warnings(answers: pd.DataFrame, model: MaturityModel) -> list[str]:
    """What `validate` warns about before anything is scored: whole areas nobody could or did answer."""
    return unscored_notes(unscored_areas(question_profile(with_unanswered(answers, model), model), model))


@dataclass
class Assessment:
    """The current-state profile of one engagement and everything it was computed from."""

    model_id: str
    model_version: str
    overall: dict
    areas: pd.DataFrame
    dimensions: pd.DataFrame
    by_role: pd.DataFrame
    perception_gap: pd.DataFrame
    questions: pd.DataFrame
    importance: pd.DataFrame
    respondents: pd.DataFrame
    respondent_scores: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    # The answers as scored (with comments and evidence notes), for findings that quote or count them.
    answers: pd.DataFrame = field(default_factory=pd.DataFrame)


def _categorised(answers: pd.DataFrame) -> pd.DataFrame:
    """Key columns as categoricals: every later groupby reuses one factorisation instead of redoing it."""
    keys = {c: answers[c].astype("category") for c in ("respondent", "role", "question", "status")
            if c in answers and not isinstance(answers[c].dtype, pd.CategoricalDtype)}
    return answers.assign(**keys)


def assess(answers: pd.DataFrame, model: MaturityModel, roles: pd.DataFrame) -> Assessment:
    """The one scoring path: answers + model + role groups -> the full current-state profile.

    `roles` has columns `role` (id), `name` and `perspective`.
    """
    answers = _categorised(with_unanswered(answers, model))
    rs = respondent_scores(answers, model)
    areas = area_profile(rs, model)
    overall_row = (areas[areas["area"] == OVERALL].iloc[0].to_dict() if (areas["area"] == OVERALL).any()
                   else {"area": OVERALL, "name": model.overall.name, "tier": OVERALL, "n": 0, "mean": np.nan,
                         "level": None, "level_name": None})  # nobody gave an answer that counts
    questions = question_profile(answers, model)
    respondents = respondent_table(answers, model)
    role_names = dict(zip(roles["role"], roles["name"]))
    unscored = unscored_areas(questions, model)
    notes = unscored_notes(unscored)
    dims = dimension_profile(areas, model)
    reasons = dict(zip(unscored["area"], unscored["reason"]))
    dims["no_score"] = [None if pd.notna(m) else f"no score: {reasons.get(d, 'nobody answered its questions')}"
                        for d, m in zip(dims["area"], dims["mean"])]
    return Assessment(
        model_id=model.id,
        model_version=model.version,
        overall=overall_row,
        areas=areas,
        dimensions=dims,
        by_role=role_profile(rs, model),
        perception_gap=perception_gap(rs, model, dict(zip(roles["role"], roles["perspective"]))),
        questions=questions,
        importance=importance_performance(answers, model),
        respondents=respondents,
        respondent_scores=rs,
        notes=notes + data_quality_notes(respondents, questions, model, role_names),
        answers=answers,
    )
