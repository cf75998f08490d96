"""Class 4: CSV quoting that swallows rows. A quote that never closes, or one whose field runs over lines
shaped like rows, is an error naming the row, line and column where it opened; a cell too large for a
spreadsheet is refused by name. Never "OK" for a file that lost rows, never a csv traceback."""
from __future__ import annotations

from hostile_inputs import BRIGHTLOOP, BRIGHTLOOP_CSV, copy_example, csv_lines, set_field, snapshot, workbench

COMMENT = 5  # respondent;role;question_id;answer;importance;comment;evidence


def _write(folder, lines):
    (folder / BRIGHTLOOP_CSV).write_text("\n".join(lines), encoding="utf-8")


def test_a_comment_starting_with_a_stray_quote_is_an_error_not_six_respondents(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    lines = csv_lines(folder)
    lines[300] = set_field(lines[300], COMMENT, '"Mostly fine, but')
    _write(folder, lines)
    before = snapshot(folder)
    r = workbench("validate", folder)
    assert r.returncode == 2 and "OK" not in r.stdout
    assert ("survey-export-2026-09.csv, row 301: a quoted field opens in column 'comment' on line 301 and never "
            "closes: it runs over 1,021 lines to the end of the file, swallowing 1,020 lines shaped like rows") in r.stderr
    assert snapshot(folder) == before
    for command in ("score", "roadmap"):
        assert workbench(command, folder).returncode == 2


def test_a_stray_quote_early_in_a_row_or_closed_by_a_later_quote_is_found_too(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    lines = csv_lines(folder)
    lines[40] = '"' + lines[40]                                   # in the respondent column
    _write(folder, lines)
    r = workbench("validate", folder)
    assert r.returncode == 2 and "row 41: a quoted field opens in column 'respondent' on line 41" in r.stderr

    lines = csv_lines(folder)
    lines[40] = lines[40][1:]
    lines[100] = set_field(lines[100], COMMENT, '"Slow at first')  # ... closed forty lines later
    lines[140] = set_field(lines[140], COMMENT, 'and then it worked"')
    _write(folder, lines)
    r = workbench("validate", folder)
    assert r.returncode == 2
    assert "row 101: a quoted field opens in column 'comment' on line 101 and runs over 41 lines, to line 141, " \
           "swallowing 40 lines shaped like rows" in r.stderr


def test_a_file_cut_inside_a_quoted_comment_is_refused(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    lines = csv_lines(folder)[:800]
    lines[-1] = set_field(lines[-1], COMMENT, '"The export stopped in the middle of this comm')
    _write(folder, lines)
    r = workbench("validate", folder)
    assert r.returncode == 2
    assert "row 800: a quoted field opens in column 'comment' on line 800 and never closes: the file ends inside " \
           "it (was the file cut short?)" in r.stderr


def test_a_one_megabyte_cell_is_refused_by_name_and_a_real_multi_line_comment_is_read(tmp_path):
    folder = copy_example(BRIGHTLOOP, tmp_path / "bl")
    lines = csv_lines(folder)
    original = list(lines)
    lines[5] = set_field(lines[5], COMMENT, "x" * 1_000_000)
    _write(folder, lines)
    r = workbench("validate", folder)
    assert r.returncode == 2 and "_csv.Error" not in r.stderr
    assert ("survey-export-2026-09.csv, row 6: a cell of 1,000,000 characters in column 'comment'; expected at most "
            "32,767 characters") in r.stderr

    lines = list(original)
    lines[5] = set_field(lines[5], COMMENT, '"Line one\nline two; with a semicolon\nline three"')
    _write(folder, lines)
    r = workbench("validate", folder)
    assert r.returncode == 0, r.stderr
    assert "24 respondents, 1,320 answers" in r.stdout  # nothing lost, nothing refused
    from workbench.engagement.folder import assess_engagement

    _, a = assess_engagement(folder)
    assert a.respondents["n_scored"].sum() + a.respondents["n_excluded"].sum() == 1320
