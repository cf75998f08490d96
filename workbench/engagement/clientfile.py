"""Saving decisions back into client.yaml: the consultant's comments and key order survive, the result is
validated before it is written, and the write is atomic."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from assessment.model import MaturityModel
from assessment.problems import InputError, Problem
from assessment.yamlfile import load_yaml, read_yaml_text, round_trip_yaml
from workbench import atomic
from workbench.engagement.config import CLIENT_FILE
from workbench.engagement.folder import Engagement, engagement_from_text


def _yaml() -> YAML:
    y = round_trip_yaml()
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)  # the layout init-client writes
    y.width = 110
    return y


def edit_client_yaml(folder: Path, change: Callable[[CommentedMap], None]) -> Engagement:
    """Apply `change` to the round-trip tree of client.yaml, validate the result, then replace the file."""
    path = Path(folder) / CLIENT_FILE
    y = _yaml()
    doc = load_yaml(read_yaml_text(path, str(path), "an engagement's client.yaml").text, str(path), y)
    change(doc)
    buf = io.StringIO()
    y.dump(doc, buf)
    text = buf.getvalue()
    engagement = engagement_from_text(text, Path(folder))  # never write what would not load
    atomic.write_text(path, text)
    return engagement


def block_mapping(parent: CommentedMap, key: str) -> CommentedMap:
    """parent[key] as a mapping written in block style (an empty `{}` becomes an indented block)."""
    node = parent.get(key)
    if not isinstance(node, CommentedMap):
        node = CommentedMap()
        parent[key] = node
    node.fa.set_block_style()
    return node


def parse_target_args(pairs: list[str], model: MaturityModel, source: str = "command line") -> dict[str, int]:
    """['service-levels=4', 'service-recovery=Defined'] -> {dimension: level}; every problem at once."""
    dims = {d.id for d in model.dimensions}
    by_name = {lv.name.casefold(): lv.value for lv in model.levels}
    values = {lv.value for lv in model.levels}
    out, problems = {}, []
    for arg in pairs:
        dim, sep, level = arg.partition("=")
        dim, level = dim.strip(), level.strip()
        if not sep or not dim or not level:
            problems.append(Problem(source, f"{arg!r}: expected DIMENSION=LEVEL, e.g. service-levels=4"))
            continue
        if dim not in dims:
            problems.append(Problem(source, f"{arg!r}: unknown dimension {dim!r}; expected one of: "
                                            + ", ".join(d.id for d in model.dimensions)))
            continue
        lv = int(level) if level.lstrip("-").isdigit() else by_name.get(level.casefold())
        if lv not in values:
            problems.append(Problem(source, f"{arg!r}: level {level!r} is not a level of model {model.id!r}; "
                                            "expected " + ", ".join(f"{x.value} ({x.name})" for x in model.levels)))
            continue
        out[dim] = lv
    if problems:
        raise InputError(problems, "the targets")
    return out


def set_targets(folder: Path, targets: dict[str, int], rationale: str | None = None) -> Engagement:
    """Write target levels into `vision: targets:`, keeping an existing rationale unless a new one is given."""
    def change(doc: CommentedMap) -> None:
        vision = block_mapping(doc, "vision")
        node = block_mapping(vision, "targets")
        for dim, level in targets.items():
            old = node.get(dim)
            if isinstance(old, dict):
                old["level"] = level
                if rationale is not None:
                    old["rationale"] = rationale
            elif rationale:
                entry = CommentedMap([("level", level), ("rationale", rationale)])
                entry.fa.set_flow_style()
                node[dim] = entry
            else:
                node[dim] = level
    return edit_client_yaml(folder, change)
