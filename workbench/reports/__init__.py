"""What people read: the client report as HTML and PDF (report, with templates/), its charts (charts) and the
views the notebooks display (views), the roadmap workbook (workbook), terminal and CSV/JSON output of `score`
and `roadmap` (profile_output, roadmap_output), and the consultancy's portfolio report (portfolio_report)."""
