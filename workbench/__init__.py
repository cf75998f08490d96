"""Engagements on disk, the CLI, and (later) batch runs, reports, widgets and the store."""
