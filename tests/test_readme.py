"""The README's walkthrough runs as written: the commands a consultant copies must work."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

from conftest import EXAMPLES, ROOT


def walkthrough_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = text.split("## A consultant's day", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [ln.split("  #")[0].strip() for ln in block.splitlines() if ln.startswith("workbench ")]


def test_the_consultants_day_in_the_readme_runs(tmp_path):
    commands = walkthrough_commands()
    assert [c.split()[1] for c in commands] == ["init-client", "models", "questionnaire", "target", "customer-survey",
                                                "validate",
                                                "score", "score", "score", "score", "roadmap", "run", "run", "portfolio",
                                                "export", "forget"]
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    outputs = {}
    for cmd in commands:
        if " validate " in f" {cmd} ":  # step 3 of the walkthrough: the returns arrive
            for f in (EXAMPLES / "northbank-it-service-desk" / "responses").iterdir():
                shutil.copy(f, tmp_path / "engagements" / "acme" / "responses")
        if cmd.startswith("workbench run --all"):  # step 10: a year on, a second round of answers
            responses = tmp_path / "engagements" / "acme" / "responses"
            (responses / "2025-Q4").mkdir()
            for f in list(responses.glob("*.xlsx")):
                shutil.move(f, responses / "2025-Q4" / f.name)
            shutil.copytree(responses / "2025-Q4", responses / "2026-Q3")
        p = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert p.returncode == 0, (cmd, p.stderr)
        outputs[cmd] = p.stdout
    assert (tmp_path / "engagements" / "acme" / "acme-questionnaire.xlsx").is_file()
    assert (tmp_path / "engagements" / "acme" / "customer-survey.xlsx").is_file()
    assert "[keeps-promises]" in (tmp_path / "engagements" / "acme" / "customer-survey-form-columns.csv").read_text()
    assert "18 respondents" in outputs["workbench validate engagements/acme"]
    assert "Acme IT Service Desk" in outputs["workbench score engagements/acme"]
    assert (tmp_path / "profile.csv").read_text().startswith("client_id,model_id,model_version")
    assert '"service-management"' in (tmp_path / "profile.json").read_text()
    csv_all = next(v for k, v in outputs.items() if "*/" in k)
    assert re.search(r"^acme-it-service-desk,", csv_all, re.M)
    assert "service-recovery: {level: 3, rationale: Workshop of 23 Nov}" in \
        (tmp_path / "engagements" / "acme" / "client.yaml").read_text()
    roadmap = next(v for k, v in outputs.items() if k.startswith("workbench roadmap"))
    assert "RANKED GAPS" in roadmap and "Wave 1" in roadmap
    assert (tmp_path / "engagements" / "acme" / "roadmap.xlsx").is_file()
    assert (tmp_path / "reports" / "acme-it-service-desk" / "report.html").is_file()
    assert (tmp_path / "reports" / "index.html").is_file()
    assert (tmp_path / "reports" / "acme-it-service-desk" / "04_progress_review.ipynb").is_file()
    assert "Acme IT Service Desk" in (tmp_path / "reports" / "portfolio.html").read_text()
    assert (tmp_path / "acme-export.zip").is_file()
    assert "Removed acme-it-service-desk (2 rounds)" in outputs["workbench forget acme-it-service-desk --store reports"]
