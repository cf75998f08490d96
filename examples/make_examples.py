"""Regenerate the three fictional example engagements in examples/clients/ (deterministic).

    python examples/make_examples.py

Each client returns its answers in a different shape: Northbank as filled-in questionnaire workbooks,
St Aldhelm's as a Microsoft Forms export (wide .xlsx), Brightloop as a long CSV from a survey tool
(semicolon-separated, UTF-8 with BOM). Leaders rate their organisation higher than the front line, as
they usually do. The people and organisations are invented.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import numpy as np
from openpyxl import Workbook, load_workbook

from assessment.model import load_model
from assessment.questionnaire import COL, HEADERS
from workbench.engagement.clientfile import block_mapping, edit_client_yaml
from workbench.engagement.config import CLIENT_FILE
from workbench.engagement.scaffold import init_client
from workbench.engagement.folder import load_engagement

HERE = Path(__file__).parent / "clients"
FIRST = ["Amira", "Ben", "Chloe", "Dev", "Elena", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kofi", "Lena",
         "Marek", "Nadia", "Owen", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Ulla", "Victor", "Wen", "Yusuf",
         "Zoe", "Aoife", "Bruno", "Carmen", "Dmitri", "Eszter", "Farah", "Gustav", "Hana", "Ivo", "Jana",
         "Kai", "Lucía", "Malik", "Noor", "Oskar"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Patel", "Novak", "Adeyemi", "Fischer", "Tanaka", "Silva", "Brennan",
        "Haddad", "Kowalski", "Nguyen", "O'Neill", "Rossi", "Schmidt", "Yilmaz", "Andersen", "García", "Dubois"]
ROLE_SHIFT = {"leadership": 0.7, "management": 0.25, "front_line": -0.2}


def people(rng: np.random.Generator, n: int) -> list[str]:
    names = set()
    while len(names) < n:
        names.add(f"{rng.choice(FIRST)} {rng.choice(LAST)}")
    ordered = sorted(names)  # sets iterate in hash order, which changes between runs
    return [ordered[i] for i in rng.permutation(len(ordered))]


def simulate(model, truth: dict[str, float], roles: list[str], rng: np.random.Generator,
             na_rate=0.02, dk_rate=0.03) -> list[dict]:
    """One dict per respondent: question id -> answer value (int), 'na' or 'dk'."""
    qt = model.question_table
    out = []
    for role in roles:
        mood = rng.normal(ROLE_SHIFT[role], 0.3)
        answers = {}
        for q in qt.itertuples(index=False):
            u = rng.random()
            if u < na_rate:
                answers[q.question] = "na"
            elif u < na_rate + (dk_rate * (2 if role == "leadership" else 1)):
                answers[q.question] = "dk"
            else:
                x = truth[q.dimension] + mood + rng.normal(0, 0.6)
                answers[q.question] = int(np.clip(np.rint(x), 1, 5))
        out.append(answers)
    return out


def importance_for(truth_imp: dict[str, float], model, rng) -> dict[str, int]:
    return {q.question: int(np.clip(np.rint(truth_imp[q.dimension] + rng.normal(0, 0.7)), 1, 5))
            for q in model.question_table.itertuples(index=False)}


def fresh(folder: Path, name: str, sector: str, consultant: str, start: dt.date, extra: str = "") -> None:
    if folder.exists():
        shutil.rmtree(folder)
    init_client(folder, name, "service-management", sector, consultant, today=start)
    text = (folder / CLIENT_FILE).read_text(encoding="utf-8")
    (folder / CLIENT_FILE).write_text(text.replace('scope: ""', f"scope: {json.dumps(extra, ensure_ascii=False)}", 1),
                                      encoding="utf-8")


def label(model, qid: str, v) -> str:
    scale = model.scales[model.question_table.loc[qid, "scale"]]
    if v == "na":
        return "Not applicable"
    if v == "dk":
        return "Don't know"
    opt = next(o for o in scale.value_options if o.value == v)
    return scale.display_label(opt)


COMMENTS = {
    "SLM": "We have targets for incidents but nobody reviews them with the business.",
    "PMS": "Dashboards exist but are a week old by the time we see them.",
    "ENB": "Half the team still waits days for access rights to new tools.",
    "CUS": "We only hear from customers when something has gone badly wrong.",
    "REC": "Compensation depends on which manager you ask.",
    "CIM": "The Friday stand-up is the one place we talk about what went wrong.",
}


def northbank(model) -> None:
    folder = HERE / "northbank-it-service-desk"
    fresh(folder, "Northbank IT Service Desk", "Banking", "Maya Lindgren", dt.date(2026, 9, 7),
          "First- and second-line IT support for 4,200 branch and head-office staff")
    rng = np.random.default_rng(20260907)
    truth = dict(zip([d.id for d in model.dimensions], [3.0, 2.7, 3.2, 2.4, 1.9, 2.3, 2.9, 2.1, 2.2, 2.5, 2.0, 2.3]))
    roles = ["leadership"] * 3 + ["management"] * 5 + ["front_line"] * 10
    names = people(rng, len(roles))
    role_names = {"leadership": "Leadership", "management": "Management", "front_line": "Front line"}
    template = folder / "questionnaire.xlsx"
    for person, role, answers in zip(names, roles, simulate(model, truth, roles, rng)):
        wb = load_workbook(template)
        ws = wb["Questionnaire"]
        ws["D3"] = person if rng.random() < 0.8 else None  # some return it anonymously
        ws["D4"] = role_names[role]
        header_row = next(r for r in range(1, 20) if ws.cell(r, 1).value == HEADERS[0])
        for r in range(header_row + 1, ws.max_row + 1):
            qid = ws.cell(r, 1).value
            if not qid:
                continue
            ws.cell(r, COL["Your answer"] + 1, label(model, qid, answers[qid]))
            if rng.random() < 0.04 and qid[:3] in COMMENTS:
                ws.cell(r, COL["Comment (optional)"] + 1, COMMENTS[qid[:3]])
        stem = person.lower().replace(" ", "-").replace("'", "") if ws["D3"].value else f"return-{rng.integers(1000, 9999)}"
        wb.save(folder / "responses" / f"questionnaire-{stem}.xlsx")


def st_aldhelms(model) -> None:
    folder = HERE / "st-aldhelms-facilities"
    fresh(folder, "St Aldhelm's Hospital Facilities Services", "Healthcare", "Tomás Ferreira",
          dt.date(2026, 10, 5), "Estates, cleaning, portering, catering and the facilities helpdesk")
    cfg = (folder / CLIENT_FILE).read_text(encoding="utf-8")
    cfg = cfg.replace('aliases: ["Leader", "Leaders", "Executive", "Director", "Senior leadership", "Head of service"]',
                      'aliases: ["Director of Estates and Facilities", "Head of service", "Board member"]')
    cfg = cfg.replace('aliases: ["Manager", "Managers", "Team lead", "Team leader", "Supervisor"]',
                      'aliases: ["Site manager", "Service manager", "Supervisor"]')
    cfg = cfg.replace('aliases: ["Frontline", "Front-line", "Front line staff", "Agent", "Analyst", "Technician", '
                      '"Engineer", "Staff"]',
                      'aliases: ["Porter", "Domestic / cleaning", "Maintenance technician", "Helpdesk"]')
    cfg = cfg.replace("responses:\n  columns: {}", """responses:
  columns:
    "Which of these best describes your role?": role
    "Anything else you would like to tell us?": comment
    "Complaints about our services are resolved and the patient or ward is put right": REC1""")
    (folder / CLIENT_FILE).write_text(cfg, encoding="utf-8")
    rng = np.random.default_rng(20261005)
    truth = dict(zip([d.id for d in model.dimensions], [2.2, 2.6, 2.0, 1.8, 2.4, 2.8, 3.0, 1.8, 2.1, 2.9, 2.3, 2.0]))
    roles = ["leadership"] * 4 + ["management"] * 8 + ["front_line"] * 20
    role_labels = {"leadership": ["Director of Estates and Facilities", "Head of service"],
                   "management": ["Site manager", "Service manager", "Supervisor"],
                   "front_line": ["Porter", "Domestic / cleaning", "Maintenance technician", "Helpdesk"]}
    qt = model.question_table
    headers = ["ID", "Start time", "Completion time", "Email", "Name", "Which of these best describes your role?"]
    headers += [("Complaints about our services are resolved and the patient or ward is put right"
                 if q == "REC1" else text) for q, text in zip(qt["question"], qt["text"])]
    headers += ["Anything else you would like to tell us?"]
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(headers)
    start = dt.datetime(2026, 10, 12, 8, 30)
    for i, (role, answers) in enumerate(zip(roles, simulate(model, truth, roles, rng, dk_rate=0.05)), start=1):
        begun = start + dt.timedelta(hours=float(rng.uniform(0, 240)))
        done = begun + dt.timedelta(minutes=float(rng.uniform(9, 30)))
        anonymous = rng.random() < 0.3
        email = "anonymous" if anonymous else f"user{i:02d}@staldhelms.example.org"
        row = [i, begun, done, email, "" if anonymous else people(rng, 1)[0], str(rng.choice(role_labels[role]))]
        row += [label(model, q, answers[q]) for q in qt["question"]]
        row += ["Night shifts never hear about changes." if rng.random() < 0.15 else None]
        ws.append(row)
    wb.save(folder / "responses" / "Facilities maturity survey(1-32).xlsx")


def brightloop(model) -> None:
    folder = HERE / "brightloop-customer-support"
    fresh(folder, "Brightloop Software Customer Support", "Software", "Maya Lindgren", dt.date(2026, 8, 17),
          "Tier 1-3 customer support and the customer success team")
    rng = np.random.default_rng(20260817)
    truth = dict(zip([d.id for d in model.dimensions], [3.3, 3.1, 2.6, 3.4, 3.6, 2.7, 3.2, 2.8, 2.9, 3.5, 3.4, 3.0]))
    imp = dict(zip([d.id for d in model.dimensions], [3.5, 3.8, 4.3, 3.6, 4.6, 4.5, 4.4, 3.9, 3.2, 3.4, 3.7, 3.3]))
    roles = ["leadership"] * 3 + ["management"] * 6 + ["front_line"] * 15
    names = people(rng, len(roles))
    role_text = {"leadership": "Leadership", "management": "Team lead", "front_line": "Agent"}
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["respondent", "role", "question_id", "answer", "importance", "comment", "evidence"])
    for person, role, answers in zip(names, roles, simulate(model, truth, roles, rng)):
        importance = importance_for(imp, model, rng)
        for q in model.question_table["question"]:
            v = answers[q]
            ans = {"na": "N/A", "dk": "Don't know"}.get(v, v)
            comment = COMMENTS.get(q[:3], "") if rng.random() < 0.03 else ""
            evidence = "Monthly SLA report, Q3" if q.startswith("SLM") and rng.random() < 0.1 else ""
            w.writerow([person, role_text[role], q, ans, importance[q], comment, evidence])
    (folder / "responses" / "survey-export-2026-09.csv").write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def harbourside(model) -> None:
    """A client assessed three times (round folders: a year apart, then two months on, for the steering group), with
    KPI measurements every quarter, then every month, and the initiatives' status as delivered."""
    folder = HERE / "harbourside-council-contact-centre"
    fresh(folder, "Harbourside Council Contact Centre", "Public sector", "Tomás Ferreira", dt.date(2025, 9, 1),
          "The council's contact centre: phone, web chat and the walk-in customer service point")
    rng = np.random.default_rng(20250901)
    dims = [d.id for d in model.dimensions]
    before = dict(zip(dims, [2.2, 2.0, 2.4, 2.1, 1.8, 1.9, 2.3, 2.0, 1.9, 2.2, 2.1, 2.0]))
    # a year on: the foundations the roadmap started with moved; people and recovery did not
    moved = {"strategy-vision": 0.9, "leadership-culture": 0.7, "service-levels": 1.0, "delivery-enablers": 0.8,
             "service-delivery": 0.5, "performance-measurement": 0.6}
    after = {d: before[d] + moved.get(d, 0.0) for d in dims}
    imp = dict(zip(dims, [3.4, 3.6, 4.4, 3.9, 4.2, 4.1, 4.5, 3.8, 3.5, 3.6, 3.9, 3.4]))
    role_text = {"leadership": "Director", "management": "Manager", "front_line": "Agent"}
    for name, truth, n in (("2025-Q4", before, (3, 4, 12)), ("2026-Q3", after, (3, 5, 13))):
        harbourside_round(model, folder / "responses" / name, truth, n, imp, role_text, rng)
    kpis = [("sla-attainment", 61, 80), ("fcr", 55, 70), ("csat", 68, 80), ("repeat-incidents", 38, 25),
            ("complaint-recovery", 32, 20), ("staff-turnover", 7.5, 4.5)]
    progress = {"sla-attainment": 0.9, "fcr": 0.55, "csat": 0.45, "repeat-incidents": 0.2, "complaint-recovery": 0.05,
                "staff-turnover": -0.1}
    lines = ["kpi,date,value,note"]
    for quarter, day in enumerate([dt.date(2025, 12, 31), dt.date(2026, 3, 31), dt.date(2026, 6, 30),
                                   dt.date(2026, 9, 30)]):
        for kpi, baseline, target in kpis:
            share = progress[kpi] * quarter / 3 + rng.normal(0, 0.03)
            lines.append(f"{kpi},{day},{baseline + share * (target - baseline):.1f},")
    lines[-1] = lines[-1] + "sickness up after the office move"
    harbourside_third_round(model, folder, after, imp, role_text, kpis, progress, lines)


def harbourside_round(model, folder: Path, truth: dict, counts: tuple[int, int, int], imp: dict, role_text: dict,
                      rng: np.random.Generator) -> None:
    """One round of Harbourside's survey tool export: `counts` leaders, managers and agents answering around
    `truth`, into `folder`/survey-export.csv."""
    roles = ["leadership"] * counts[0] + ["management"] * counts[1] + ["front_line"] * counts[2]
    names = people(rng, len(roles))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["respondent", "role", "question_id", "answer", "importance"])
    for person, role, answers in zip(names, roles, simulate(model, truth, roles, rng)):
        importance = importance_for(imp, model, rng)
        for q in model.question_table["question"]:
            v = answers[q]
            w.writerow([person, role_text[role], q, {"na": "N/A", "dk": "Don't know"}.get(v, v), importance[q]])
    folder.mkdir(parents=True)
    (folder / "survey-export.csv").write_text(buf.getvalue(), encoding="utf-8")


def harbourside_third_round(model, folder: Path, after: dict, imp: dict, role_text: dict, kpis: list, progress: dict,
                            lines: list[str]) -> None:
    """Harbourside's steering-group review in November 2026: a third round (responses/2026-11/), monthly KPI
    measurements since October with notes, and status.csv with what was delivered (done, late, not started though
    due, dropped, under way on time). A generator of its own, so the first two rounds and the quarterly KPIs stay
    as they were."""
    rng = np.random.default_rng(20261130)
    # what the work done shows: the levels its initiatives lift (service levels at target, collaboration at target
    # after the teams moved in together); transparency slipped back, strategy waits for its strategy
    moved = {"leadership-culture": 0.5, "service-levels": 0.8, "delivery-enablers": 0.6, "service-delivery": 0.5,
             "performance-measurement": 0.6, "service-recovery": 0.5, "people-development": 0.5,
             "customer-insight": 0.6, "collaboration": 0.9, "continuous-improvement": 0.1, "strategy-vision": -0.4,
             "transparency-trust": -0.3}
    truth = {d: after[d] + moved.get(d, 0.0) for d in after}
    harbourside_round(model, folder / "responses" / "2026-11", truth, (3, 5, 14), imp, role_text, rng)
    notes = {("sla-attainment", dt.date(2026, 10, 31)): "phone lines down for two days in the October storms",
             ("staff-turnover", dt.date(2026, 11, 30)): "down again as the new rota settled"}
    for quarter, day in ((3 + 1 / 3, dt.date(2026, 10, 31)), (3 + 2 / 3, dt.date(2026, 11, 30))):
        for kpi, baseline, target in kpis:
            share = progress[kpi] * quarter / 3 + rng.normal(0, 0.03)
            share += {("sla-attainment", dt.date(2026, 10, 31)): -0.35,
                      ("staff-turnover", dt.date(2026, 11, 30)): 0.2}.get((kpi, day), 0.0)
            lines.append(f"{kpi},{day},{baseline + share * (target - baseline):.1f},{notes.get((kpi, day), '')}")
    (folder / "kpis.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # initiative, status, per cent done, date, note; the plan of record's ids (planned from the first round);
    # 'leader-service-objectives' has no row: it counts as not started, and it is due
    status = [
        ("complaint-log", "done", 100, "2026-02-02", "Every channel logs complaints in the CRM"),
        ("recognition-shout-outs", "done", 100, "2026-01-23", ""),
        ("smart-service-levels", "done", 100, "2026-04-10", "Agreed with all five service teams"),
        ("weekly-customer-conversations", "done", 100, "2026-02-20", ""),
        ("coaching-leadership-programme", "done", 100, "2026-06-12", ""),
        ("knowledge-in-the-conversation", "done", 100, "2026-05-15", ""),
        ("balanced-scorecards", "done", 100, "2026-07-03", ""),
        ("customer-driver-tree", "under way", 70, "2026-11-20", "Questionnaire piloted; weekly sampling starts in "
                                                                "January"),
        ("delivery-enabler-survey", "done", 100, "2026-06-05", ""),
        ("enabler-pulse-capacity-planning", "not started", 0, "2026-11-16", "Waits for the new workforce "
                                                                            "management system"),
        ("monthly-service-reviews", "done", 100, "2026-09-18", ""),
        ("resolution-consistency-measurement", "under way", 50, "2026-11-16", "Quality sampling moved to the new CRM"),
        ("engagement-survey", "dropped", "", "2026-10-12", "The council's staff survey now asks the service questions"),
        ("realtime-dashboards", "under way", 40, "2026-11-23", ""),
        ("service-recovery-playbook", "under way", 60, "2026-11-27", "Refund limits wait for the finance committee"),
        ("service-strategy-and-portfolio", "under way", 50, "2026-11-25", ""),
    ]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["initiative", "status", "percent_done", "date", "note"])
    w.writerows(status)
    (folder / "status.csv").write_text(buf.getvalue(), encoding="utf-8")


# ---------------------------------------------------------------- customers, in their own words

WEEKS = [dt.date(2026, 8, 31) + dt.timedelta(weeks=k) for k in range(13)]  # about three months, weekly
NORTHBANK_TREE = [  # id, layer, name, question, dimensions, performance then, by the last week, importance
    ("fixes-it-fast", "roots", "Gets me working again quickly",
     "How quickly do we get you working again when something breaks?", ["service-delivery", "delivery-enablers"],
     2.5, 3.0, 4.7),
    ("easy-to-reach", "roots", "Easy to reach when I need help", "How easy is it to reach us when you need help?",
     ["service-delivery"], 3.7, 3.8, 4.3),
    ("keeps-promises", "roots", "Does what was promised, when it was promised",
     "How reliably do we do what we promised, by the time we promised it?", ["service-levels"], 3.2, 3.4, 4.4),
    ("understands-my-problem", "trunk", "Understands my problem the first time I explain it",
     "How well do we understand your problem the first time you explain it?", ["customer-insight", "people-development"],
     2.3, 2.4, 4.1),
    ("keeps-me-informed", "trunk", "Keeps me informed without my chasing",
     "How well do we keep you informed without your having to chase us?", ["transparency-trust", "service-levels"],
     2.8, 2.9, 3.9),
    ("puts-it-right", "trunk", "Puts things right when they go wrong",
     "When something goes wrong, how well do we put it right?", ["service-recovery"], 3.4, 3.5, 4.0),
    ("stops-it-recurring", "crown", "Stops the same problem coming back",
     "How well do we stop the same problem from coming back?", ["continuous-improvement"], 2.7, 2.8, 3.5),
    ("suggests-better-ways", "crown", "Suggests better ways to use our IT",
     "How well do we suggest better ways for you to use your IT?", ["customer-insight", "strategy-vision"],
     3.0, 3.0, 2.9),
]
BRIGHTLOOP_TREE = [
    ("first-reply-fast", "roots", "A first reply within hours", "How quickly do you get a first reply to a ticket?",
     ["service-levels", "service-delivery"], 3.9, 4.0, 4.4),
    ("solves-it", "roots", "Solves my problem, not just answers it",
     "How often do we solve your problem rather than just answer your ticket?", ["service-delivery",
                                                                              "delivery-enablers"], 3.1, 3.4, 4.8),
    ("reaches-an-expert", "roots", "Gets me to someone who knows the answer",
     "How easily do you get to someone who knows the answer?", ["delivery-enablers", "collaboration"], 3.5, 3.6, 4.2),
    ("knows-the-product", "trunk", "Knows the product inside out", "How well do our agents know the product?",
     ["people-development"], 3.9, 3.9, 4.1),
    ("keeps-me-informed", "trunk", "Tells me where my ticket stands", "How well do we keep you informed about your "
     "ticket without your having to ask?", ["transparency-trust", "service-levels"], 2.9, 3.3, 3.8),
    ("puts-it-right", "trunk", "Puts things right when we get it wrong",
     "When we get something wrong, how well do we put it right?", ["service-recovery"], 3.4, 3.5, 3.9),
    ("understands-our-business", "crown", "Understands how we use the product",
     "How well do we understand how your business uses the product?", ["customer-insight", "strategy-vision"],
     3.3, 3.4, 3.3),
    ("feeds-back-to-product", "crown", "Gets our ideas into the product", "How well do we get your ideas and "
     "problems to the product team?", ["continuous-improvement", "collaboration"], 2.6, 2.7, 3.1),
]
CUSTOMER_COMMENTS = {
    "low": ["Logged a call on Monday, was still chasing on Thursday.", "Every time I call I explain the whole "
            "problem again from the start.", "Nobody told us the system was down; we found out from customers.",
            "The same printer fault has been fixed four times this quarter.", "My name is {name} and I have "
            "given up logging tickets for small things."],
    "high": ["The new chat is quick and the agents know their stuff.", "Really impressed with how the outage "
             "last week was handled.", "{name} here: whoever took my call on Tuesday was excellent.",
             "Much better than a year ago."],
}
CUSTOMERS = ["Leeds branch", "Head office finance", "Bristol branch", "Mortgage centre", "Glasgow branch",
             "Treasury desk", "HR shared services", "Cardiff branch", "Risk team", "York branch",
             "Contact centre", "Audit", "Manchester branch", "Legal"]


def driver_tree(folder: Path, tree: list[tuple], columns: dict[str, str] | None = None) -> None:
    """Write the client's own driver tree (and any column mapping) into client.yaml, as a consultant would."""
    def change(doc) -> None:
        customers = block_mapping(doc, "customers")
        customers["acceptable"] = 3.5
        customers["drivers"] = [dict(id=d[0], layer=d[1], name=d[2], question=d[3], dimensions=d[4]) for d in tree]
        if columns:
            customers["columns"] = columns

    edit_client_yaml(folder, change)


def customer_answers(tree: list[tuple], rng: np.random.Generator, per_week: tuple[int, int]):
    """Weekly customer answers: (day, customer, {driver: (performance, importance)}, overall, recommend, mean)."""
    out = []
    for k, week in enumerate(WEEKS):
        share = k / (len(WEEKS) - 1)
        for _ in range(int(rng.integers(per_week[0], per_week[1] + 1))):
            day = week + dt.timedelta(days=int(rng.integers(0, 5)))
            mood = rng.normal(0, 0.45)  # some customers are kinder than others
            ratings = {}
            for did, _, _, _, _, then, later, imp in tree:
                if rng.random() < 0.06:
                    continue  # cannot judge this one
                p = then + (later - then) * share + mood + rng.normal(0, 0.7)
                ratings[did] = (int(np.clip(round(p), 1, 5)), int(np.clip(round(imp + rng.normal(0, 0.6)), 1, 5)))
            mean = float(np.mean([v[0] for v in ratings.values()]))
            overall = int(np.clip(round(mean + rng.normal(0, 0.4)), 1, 5))
            recommend = int(np.clip(round(2.6 * mean - 1.0 + rng.normal(0, 1.2)), 0, 10))
            out.append((day, CUSTOMERS[int(rng.integers(len(CUSTOMERS)))], ratings, overall, recommend, mean))
    return out


def northbank_customers() -> None:
    """Weekly Microsoft Forms exports (.xlsx), with comments; the form's author reworded the first driver's
    questions, so client.yaml maps those two columns."""
    folder = HERE / "northbank-it-service-desk"
    reworded = {"How fast do we get you back to work when IT breaks?": "fixes-it-fast:performance",
                "How much does getting back to work fast matter to you?": "fixes-it-fast:importance"}
    driver_tree(folder, [d for d in NORTHBANK_TREE], reworded)
    rng = np.random.default_rng(20261130)
    names = people(rng, 40)
    header = ["ID", "Start time", "Completion time", "Email", "Name"]
    for did, _, _, question, *_ in NORTHBANK_TREE:
        if did == "fixes-it-fast":
            header += list(reworded)
        else:
            header += [f"[{did}] {question} (1-5)", f"[{did}] How important is this to you? (1-5)"]
    header += ["Overall satisfaction (1-5)", "Likelihood to recommend (0-10)", "Anything else you would like to tell us?"]
    (folder / "customers").mkdir(exist_ok=True)
    answers = customer_answers(NORTHBANK_TREE, rng, (3, 5))
    for week in WEEKS:
        wb = Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        ws.append(header)
        mine = [a for a in answers if week <= a[0] < week + dt.timedelta(days=7)]
        for n, (day, customer, ratings, overall, recommend, mean) in enumerate(mine, start=1):
            name = names[int(rng.integers(len(names)))]
            done = dt.datetime.combine(day, dt.time(9 + int(rng.integers(0, 8)), int(rng.integers(0, 60))))
            comment = ""
            if rng.random() < 0.35:
                pool = CUSTOMER_COMMENTS["low" if mean < 3 else "high"]
                comment = pool[int(rng.integers(len(pool)))]
            signed = "{name}" in comment or rng.random() < 0.5  # who names themselves gives their name
            row = [n, done - dt.timedelta(minutes=4), done, "anonymous", name if signed else ""]
            for did, *_ in NORTHBANK_TREE:
                row += list(ratings.get(did, ("", "")))
            ws.append(row + [overall, recommend, comment.format(name=name.split()[0])])
        wb.save(folder / "customers" / f"Customer pulse {week.isoformat()}.xlsx")


def brightloop_customers() -> None:
    """One long CSV from the survey tool: semicolon-separated, Windows-1252, day-first dates, drivers by name."""
    folder = HERE / "brightloop-customer-support"
    driver_tree(folder, BRIGHTLOOP_TREE)
    rng = np.random.default_rng(20261201)
    companies = ["Café Nordlys AS", "Zürich Réseau AG", "Ørsted Leasing", "Brightwater plc", "Kallio Oy",
                 "Müller Logistik", "Açores Turismo", "Fenwick & Daughters", "Lumière Studios", "Oakridge Health"]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["Date", "Customer", "Driver", "Measure", "Value"])
    for day, _, ratings, overall, recommend, mean in customer_answers(BRIGHTLOOP_TREE, rng, (4, 6)):
        who = companies[int(rng.integers(len(companies)))] + f" #{int(rng.integers(100, 999))}"
        stamp = day.strftime("%d/%m/%Y")
        for did, _, name, *_ in BRIGHTLOOP_TREE:
            if did in ratings:
                w.writerow([stamp, who, name, "Performance", ratings[did][0]])
                w.writerow([stamp, who, name, "Importance", ratings[did][1]])
        w.writerow([stamp, who, "Overall", "", overall])
        w.writerow([stamp, who, "Recommend", "", recommend])
    (folder / "customers").mkdir(exist_ok=True)
    (folder / "customers" / "pulse-survey-export.csv").write_bytes(buf.getvalue().encode("cp1252"))


VISIONS = {
    "northbank-it-service-desk": dict(
        vision=dict(
            statement="Branch and head-office staff get working IT, or a clear answer, within the working day.",
            purpose="Keep every branch able to serve its customers without IT getting in the way.",
            success_story="By the end of 2027 branch managers name the service desk as the internal team they "
                          "trust most; first-line agents fix most calls while the caller is still on the line, "
                          "and the monthly service review with the business takes twenty minutes because the "
                          "figures speak for themselves.",
            targets={"service-levels": {"level": 4, "rationale": "SLAs are the basis of trust with the branches"},
                     "service-recovery": {"level": 3, "rationale": "Outages in branches must be put right fast"}},
            objectives=["Resolve three in four calls at first contact", "Meet the availability and resolution "
                        "targets for every critical service, every month", "Tell branches about disruptions "
                        "before they call"],
            scorecard=[
                dict(id="csat", name="Customer satisfaction", definition="Share of post-call survey answers of 4 "
                     "or 5 on a five-point scale", unit="%", direction="up", baseline=71, target=85,
                     due=dt.date(2027, 12, 31), owner="Head of IT Service Desk", source="Post-call survey",
                     dimensions=["customer-insight"]),
                dict(id="fcr", name="First contact resolution", definition="Calls resolved without hand-off or "
                     "call-back", unit="%", direction="up", baseline=58, target=75, due=dt.date(2027, 12, 31),
                     owner="Team leaders", source="ITSM tool", dimensions=["service-delivery", "delivery-enablers"]),
                dict(id="sla-attainment", name="SLA attainment", definition="Incidents resolved within the agreed "
                     "resolution time", unit="%", direction="up", baseline=82, target=95, due=dt.date(2027, 9, 30),
                     owner="Service level manager", source="ITSM tool", dimensions=["service-levels"]),
                dict(id="mttr", name="Mean time to resolve", definition="Mean hours from logging to resolution of "
                     "priority 2 incidents", unit="hours", direction="down", baseline=14, target=8,
                     due=dt.date(2027, 12, 31), owner="Problem manager", source="ITSM tool",
                     dimensions=["service-delivery"]),
                dict(id="complaint-recovery", name="Satisfaction after a complaint", definition="Complainants "
                     "satisfied with how the complaint was resolved", unit="%", direction="up", baseline=45, target=70,
                     due=dt.date(2027, 12, 31), owner="Customer experience lead", source="Complaint follow-up",
                     dimensions=["service-recovery"]),
                dict(id="employee-engagement", name="Employee engagement", definition="Engagement index of the "
                     "yearly staff survey", unit="index", direction="up", baseline=62, target=72,
                     due=dt.date(2027, 11, 30), owner="HR business partner", source="Staff survey",
                     dimensions=["people-development"])]),
        roadmap=dict(capacity=30, waves=6)),
    "st-aldhelms-facilities": dict(
        vision=dict(
            statement="Wards and clinics can count on clean, safe and working facilities, every shift.",
            purpose="Let clinicians spend their time on patients, not on chasing porters and repairs.",
            success_story="Within two years ward managers report facilities problems once and stop chasing; "
                          "night shifts hear about changes at the same time as day shifts.",
            targets={"delivery-enablers": {"level": 3, "rationale": "Staff lack tools and time today"}},
            objectives=["Answer every helpdesk request within the agreed time", "Close the gap between what "
                        "managers and porters see"],
            scorecard=[
                dict(id="sla-attainment", name="Helpdesk requests within target time", definition="Helpdesk "
                     "requests completed within the agreed time for their priority", unit="%", direction="up",
                     baseline=64, target=90, due=dt.date(2028, 3, 31), owner="Facilities helpdesk manager",
                     source="CAFM system", dimensions=["service-levels"]),
                dict(id="csat", name="Ward satisfaction", definition="Ward managers rating facilities services 4 "
                     "or 5 on a five-point scale", unit="%", direction="up", baseline=55, target=80,
                     due=dt.date(2028, 3, 31), owner="Head of Facilities", source="Quarterly ward survey",
                     dimensions=["customer-insight"]),
                dict(id="repeat-incidents", name="Repeat repairs within 30 days", definition="Repairs to the same "
                     "asset or fault within 30 days of the job being closed", unit="%", direction="down", target=5,
                     due=dt.date(2027, 12, 31), owner="Estates manager", source="CAFM system",
                     dimensions=["service-delivery"]),
                dict(id="staff-turnover", name="Staff turnover", definition="Facilities staff who left in the "
                     "last twelve months, as a share of the average headcount", unit="%", direction="down",
                     baseline=19, target=12, due=dt.date(2028, 3, 31), owner="HR business partner", source="HR system",
                     dimensions=["people-development"]),
                dict(id="employee-engagement", name="Engagement of front-line staff", definition="Engagement "
                     "index of porters, cleaning and maintenance staff in the staff survey", unit="index",
                     direction="up", baseline=51, target=65, due=dt.date(2028, 3, 31),
                     owner="Director of Estates and Facilities",
                     source="Staff survey", dimensions=["leadership-culture", "transparency-trust"])]),
        roadmap=dict(capacity=25, waves=8)),
    "brightloop-customer-support": dict(
        vision=dict(
            statement="Customers solve their problem with us the first time and tell others about it.",
            purpose="Make support the reason customers renew.",
            success_story="A year from now renewals cite support as a reason to stay, and agents spend their "
                          "Fridays improving the product instead of firefighting.",
            targets={"customer-insight": {"level": 4, "rationale": "Support is our product's voice of the customer"},
                     "continuous-improvement": 4},
            objectives=["First contact resolution above 80 %", "Net promoter score among support users above 40"],
            scorecard=[
                dict(id="fcr", name="First contact resolution", definition="Tickets solved in the first reply, "
                     "without escalation or a follow-up from the customer", unit="%", direction="up", baseline=68,
                     target=80, due=dt.date(2027, 9, 30), owner="Support team leads", source="Helpdesk",
                     dimensions=["service-delivery"]),
                dict(id="nps", name="Net promoter score (support users)", definition="Support users who would "
                     "recommend Brightloop minus those who would not, from -100 to +100", unit="points",
                     direction="up", baseline=22, target=40, due=dt.date(2027, 12, 31), owner="VP Customer Success",
                     source="customers:recommend",
                     dimensions=["customer-insight"]),
                dict(id="csat", name="Ticket satisfaction", definition="Solved tickets rated good or great in "
                     "the satisfaction survey", unit="%", direction="up", baseline=84, target=92,
                     due=dt.date(2027, 9, 30), owner="Support team leads", source="Helpdesk survey",
                     dimensions=["service-delivery"]),
                dict(id="response-time", name="First response time", definition="Median business hours from a "
                     "ticket being opened to the first reply by an agent", unit="hours", direction="down",
                     baseline=6, target=2, due=dt.date(2027, 6, 30), owner="Support operations", source="Helpdesk",
                     dimensions=["service-levels"]),
                dict(id="knowledge-reuse", name="Tickets solved with a knowledge article", definition="Solved "
                     "tickets that link a knowledge article used or written to solve them", unit="%", direction="up",
                     baseline=21, target=45, due=dt.date(2027, 12, 31), owner="Knowledge manager",
                     source="Helpdesk", dimensions=["service-delivery"]),
                dict(id="improvement-actions-closed", name="Improvement actions closed per quarter",
                     definition="Actions from the improvement board finished and checked in the quarter",
                     unit="actions", direction="up", baseline=4, target=12, due=dt.date(2027, 12, 31),
                     owner="Head of Support", source="Improvement board", dimensions=["continuous-improvement"]),
                dict(id="employee-engagement", name="Agent engagement", definition="Engagement index of the "
                     "monthly agent pulse survey", unit="index", direction="up", baseline=70, target=78,
                     due=dt.date(2027, 12, 31), owner="Head of Support", source="Pulse survey",
                     dimensions=["people-development"])]),
        # the client's own initiative: the continuous-improvement step the catalogue's chain cannot reach in a year
        roadmap=dict(capacity=20, waves=4, add_initiatives=[dict(
            id="improvement-fridays", title="Give agents one Friday afternoon a fortnight to fix what customers "
            "trip over", description="Agents fix the causes of repeat tickets with the product and documentation "
            "owners.",
            raises=[{"dimension": "continuous-improvement", "from": 3, "to": 4}], effort=4, duration=10,
            kpis=["improvement-actions-closed", "knowledge-reuse"], owner_role="Head of Support")])),
    "harbourside-council-contact-centre": dict(
        vision=dict(
            statement="Residents get their question answered or their problem solved the first time they ask.",
            purpose="Free the council's money and people for the residents who need help the most.",
            success_story="Two years from now most residents use the web for simple requests by choice, phone "
                          "queues are short, and councillors stop hearing about lost complaints.",
            targets={"service-levels": {"level": 4, "rationale": "The council's promise to residents is public"},
                     "service-recovery": 3},
            objectives=["Answer four in five contacts within the published time", "Halve avoidable contact"],
            scorecard=[
                dict(id="sla-attainment", name="Contacts answered within the published time", definition="Calls "
                     "and chats answered within the times the council publishes", unit="%", direction="up",
                     baseline=61, target=80, due=dt.date(2026, 12, 31), owner="Contact centre manager",
                     source="Telephony and chat platform", dimensions=["service-levels"]),
                dict(id="fcr", name="First contact resolution", definition="Contacts resolved without a transfer, "
                     "call-back or second contact within seven days", unit="%", direction="up", baseline=55,
                     target=70, due=dt.date(2027, 6, 30), owner="Team leaders", source="CRM",
                     dimensions=["service-delivery"]),
                dict(id="csat", name="Resident satisfaction", definition="Residents rating the contact 4 or 5 on "
                     "a five-point scale in the post-contact survey", unit="%", direction="up", baseline=68,
                     target=80, due=dt.date(2027, 6, 30), owner="Head of Customer Services",
                     source="Post-contact survey", dimensions=["customer-insight"]),
                dict(id="repeat-incidents", name="Avoidable contact", definition="Sampled contacts that chase or "
                     "repeat an earlier request, or that a working service avoids", unit="%",
                     direction="down", baseline=38, target=25, due=dt.date(2027, 3, 31), owner="Digital services lead",
                     source="Contact sampling", dimensions=["continuous-improvement"]),
                dict(id="complaint-recovery", name="Complaints upheld", definition="Closed complaints found to be "
                     "justified, in whole or in part", unit="%", direction="down", baseline=32, target=20,
                     due=dt.date(2026, 12, 31), owner="Complaints officer", source="Complaints system",
                     dimensions=["service-recovery"]),
                dict(id="staff-turnover", name="Staff absence", definition="Days lost to sickness absence per "
                     "full-time equivalent in the quarter", unit="days per FTE per quarter", direction="down",
                     baseline=7.5, target=4.5, due=dt.date(2027, 3, 31), owner="HR business partner",
                     source="HR system", dimensions=["people-development"])]),
        roadmap=dict(capacity=30, waves=6, start=dt.date(2026, 1, 5))),
}


def envision(folder: Path) -> None:
    """Write the example's vision and roadmap settings through the same path `workbench target` uses."""
    spec = VISIONS[folder.name]

    def change(doc) -> None:
        vision = block_mapping(doc, "vision")
        for key, value in spec["vision"].items():
            vision[key] = value
        roadmap = block_mapping(doc, "roadmap")
        roadmap["start"] = dt.date(2027, 1, 4)
        for key, value in spec["roadmap"].items():
            roadmap[key] = value

    edit_client_yaml(folder, change)


def main() -> None:
    model = load_model("service-management")
    HERE.mkdir(parents=True, exist_ok=True)
    northbank(model)
    st_aldhelms(model)
    brightloop(model)
    harbourside(model)
    for folder in sorted(HERE.iterdir()):
        envision(folder)
    northbank_customers()
    brightloop_customers()
    for folder in sorted(HERE.iterdir()):
        load_engagement(folder)  # what we ship must load
        print(f"wrote {folder}")


if __name__ == "__main__":
    main()
