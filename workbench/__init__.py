"""Engagements on disk, the CLI, batch runs, reports, the workshop and the portfolio store.

One start-up cost is declined here, before anything imports jsonschema: when `rfc3987_syntax` is installed
(JupyterLab's jupyter-events brings it through `jsonschema[format-nongpl]`), jsonschema imports it and it
compiles an Earley grammar at import, 2-5 s in every process that imports nbformat or papermill (the batch
coordinator, each worker, each fork server; jsonschema issue #1428). It serves only the "iri" string format,
which no notebook schema uses. Marking the module absent makes jsonschema skip that one check, as it does
whenever the package is not installed. Measured by benchmarks/bench_startup.py.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)
