"""Voila as `workbench workshop` starts it: `python -m workbench.workshop.voila_server ARGS` is `python -m voila
ARGS` in a process that imported `workbench` first, so the start-up cost `workbench/__init__.py` declines (the
IRI grammar jsonschema would compile, 1.5-2 s on 2 cores) is declined in the server too, before the first page."""
import sys

from voila.app import main

if __name__ == "__main__":
    sys.exit(main())
