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
import shutil
from pathlib import Path

import numpy as np
from openpyxl import Workbook, load_workbook

from assessment.model import load_model
from assessment.questionnaire import COL, HEADERS
from workbench.engagement import CLIENT_FILE, init_client, load_engagement

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
    (folder / CLIENT_FILE).write_text(text.replace('scope: ""', f"scope: {extra!r}".replace("'", '"'), 1),
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


def main() -> None:
    model = load_model("service-management")
    HERE.mkdir(parents=True, exist_ok=True)
    northbank(model)
    st_aldhelms(model)
    brightloop(model)
    for folder in sorted(HERE.iterdir()):
        load_engagement(folder)  # what we ship must load
        print(f"wrote {folder}")


if __name__ == "__main__":
    main()
