"""The live workshop: the session that holds the decisions (session), the ipywidgets panel bound to it (panel),
the panel's live SVG charts (live_charts) and the code-free Voila page of `workbench workshop` (app)."""
from workbench.workshop.session import SavedElsewhere, Workshop, read_log

__all__ = ["SavedElsewhere", "Workshop", "read_log"]
