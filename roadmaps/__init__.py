"""Targets, gaps, initiatives, sequencing and scorecards (filled in by the roadmap issue)."""
