"""How the packages may import one another, read from the source with the standard library's ast:
notebooks -> workbench -> roadmaps -> assessment, never back; no module imports another module's private
(underscore) name; no import cycle between modules of a package (an import inside a function, made there to
keep start-up fast, counts too: a cycle is a cycle wherever the import sits)."""
from __future__ import annotations

import ast
import json
from pathlib import Path

from conftest import ROOT

PACKAGES = ("assessment", "roadmaps", "workbench")
MAY_IMPORT = {"assessment": set(), "roadmaps": {"assessment"}, "workbench": {"assessment", "roadmaps"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def imports(path: Path, modules: dict[str, Path]) -> list[tuple[int, str, list[str]]]:
    """(line, module imported, names taken from it) for every import of our own packages in `path`."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] in PACKAGES]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] not in PACKAGES:
                continue
            names = [a.name for a in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in modules]  # `from pkg import module`
            out += [(node.lineno, m, []) for m in submodules]
            out.append((node.lineno, base, [n for n in names if f"{base}.{n}" not in modules]))
    return out


def test_packages_import_only_downwards():
    modules = sources()
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {target}"
             for name, path in modules.items() for line, target, _ in imports(path, modules)
             if target.split(".")[0] not in MAY_IMPORT[name.split(".")[0]] | {name.split(".")[0]}]
    assert not wrong, wrong


def test_no_module_imports_a_private_name_of_another():
    modules = sources()
    wrong = [f"{path.relative_to(ROOT)}:{line} takes {n} from {target}"
             for name, path in modules.items() for line, target, names in imports(path, modules)
             for n in names if n.startswith("_") and target != name]
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):  # the notebooks, our thinnest views, too
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] == "code":
                tree = ast.parse("".join(cell["source"]))
                wrong += [f"{nb.name} takes {a.name} from {n.module}" for n in ast.walk(tree)
                          if isinstance(n, ast.ImportFrom) for a in n.names if a.name.startswith("_")]
    assert not wrong, wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan), each as a sorted list."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports (a package's __init__ counts as a module: a face that re-exports)."""
    modules = sources()
    return {name: {t for _, t, _ in imports(path, modules) if t in modules and t != name}
            for name, path in modules.items()}


def test_no_import_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the check itself works
    assert not cycles(import_graph()), cycles(import_graph())


def test_a_batch_process_starts_without_compiling_the_iri_grammar_and_still_validates_notebooks():
    import subprocess
    import sys

    code = """
import sys, workbench, nbformat
nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
try:
    nbformat.validate({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "a"}]})
except nbformat.ValidationError:
    print("invalid refused")
print("grammar loaded" if sys.modules.get("rfc3987_syntax") else "grammar declined")
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["invalid", "refused", "grammar", "declined"]
