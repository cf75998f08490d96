"""Reading user-edited YAML files (model, client.yaml) and turning validation errors into located Problems."""
from __future__ import annotations

import io
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from assessment.problems import InputError, Problem


def load_yaml(text: str, source: str) -> Any:
    """A round-trip YAML tree (keeps line numbers and comments); InputError with the line when malformed."""
    try:
        return YAML(typ="rt").load(io.StringIO(text))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(source, f"not valid YAML: {getattr(exc, 'problem', None) or exc}", line=line)],
                         source) from None


def plain(node: Any) -> Any:
    """The round-trip tree as plain dicts and lists."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def yaml_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top)"


def line_of(raw: Any, loc: tuple) -> int | None:
    """1-based line of a YAML path in the round-trip tree, as near as it can be found."""
    node, line = raw, None
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, dict) and part in node:
                line = lc.key(part)[0] + 1 if lc is not None else line
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                line = lc.item(part)[0] + 1 if lc is not None else line
                node = node[part]
            else:
                break
        except (KeyError, TypeError, AttributeError):
            break
    return line


def validation_problems(exc: ValidationError, raw: Any, source: str, schema_hint: str) -> list[tuple[tuple, str]]:
    """pydantic errors as (location, message) pairs a consultant can act on."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "union["))))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = f"unknown key; check the spelling against {schema_hint}"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif "input" in err and not isinstance(err["input"], (dict, list)):
            msg = f"{msg}; found {err['input']!r}"
        out.append((loc, msg))
    return out


def parse_validated(text: str, source: str, schema, expected: str, schema_hint: str):
    """Load YAML and validate it against a pydantic schema, collecting problems instead of stopping.

    Returns (round-trip tree, validated object or None, ProblemList); the caller adds its own
    cross-reference checks to the list, then calls `raise_if_any()`.
    """
    raw = load_yaml(text, source)
    if not isinstance(raw, dict):
        raise InputError([Problem(source, f"expected a mapping of keys ({expected}), found "
                                          f"{type(raw).__name__}")], source)
    problems = ProblemList(raw, source)
    obj = None
    try:
        obj = schema.model_validate(plain(raw))
    except ValidationError as exc:
        for loc, msg in validation_problems(exc, raw, source, schema_hint):
            problems.add(loc, msg)
    return raw, obj, problems


class ProblemList:
    """Collects located problems once each, in the order found."""

    def __init__(self, raw: Any, source: str):
        self.raw, self.source = raw, source
        self.found: dict[tuple[str, str], Problem] = {}

    def add(self, loc: tuple, message: str) -> None:
        path = yaml_path(loc)
        self.found.setdefault((path, message), Problem(self.source, message, key=path, line=line_of(self.raw, loc)))

    def raise_if_any(self) -> None:
        if self.found:
            raise InputError(list(self.found.values()), self.source)
