"""The installed Maturity Workbench's version, for the report's footer and the store's record of a run (a module
of its own: the coordinator of a run needs it without importing the report)."""
from __future__ import annotations

from importlib import metadata


def version() -> str:
    try:
        return metadata.version("maturity-workbench")
    except metadata.PackageNotFoundError:
        return "unknown"
