"""Reading user-edited YAML files (model, client.yaml) and turning validation errors into located Problems."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError

from assessment.problems import InputError, Problem
from assessment.textfile import Text, read_text

MAX_YAML_BYTES = 1024 * 1024  # the largest real model is about 50 kB; parsing 1 MB takes a few seconds
MAX_NODES = 200_000           # values in the document once every alias is expanded
MAX_DEPTH = 60                # levels of nesting


class _Constructor(RoundTripConstructor):
    """Round-trip construction that leaves a malformed date or explicitly tagged number as its text, so the
    schema reports it with its key and line (ruamel would raise a bare ValueError without either)."""

    def _or_text(self, construct, node, *args):
        try:
            return construct(self, node, *args)
        except (ValueError, TypeError, KeyError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_timestamp(self, node, values=None):
        return self._or_text(RoundTripConstructor.construct_yaml_timestamp, node, values)

    def construct_yaml_int(self, node):
        return self._or_text(RoundTripConstructor.construct_yaml_int, node)

    def construct_yaml_float(self, node):
        return self._or_text(RoundTripConstructor.construct_yaml_float, node)

    def construct_yaml_bool(self, node):
        return self._or_text(RoundTripConstructor.construct_yaml_bool, node)


for _tag, _fn in (("timestamp", _Constructor.construct_yaml_timestamp), ("int", _Constructor.construct_yaml_int),
                  ("float", _Constructor.construct_yaml_float), ("bool", _Constructor.construct_yaml_bool)):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _fn)


def round_trip_yaml() -> YAML:
    """The YAML reader for every file a user edits: keeps comments, order and line numbers."""
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    return y


def read_yaml_text(path: Path, source: str, expected: str) -> Text:
    """The text of a YAML file in any common encoding (see assessment/textfile.py), at most MAX_YAML_BYTES."""
    return read_text(path, source, MAX_YAML_BYTES, expected)


def load_yaml(text: str, source: str, yaml: YAML | None = None) -> Any:
    """A round-trip YAML tree (keeps line numbers and comments); InputError with the line when malformed, and
    when the document is too large or expands too far through aliases (a "billion laughs" bomb)."""
    if len(text) > MAX_YAML_BYTES:
        raise InputError([Problem(source, f"the document is {len(text):,} characters long; expected at most "
                                          f"{MAX_YAML_BYTES:,}")], source)
    if _flow_depth(text) > MAX_DEPTH:  # the parser slows down and then overflows the stack on deep brackets
        raise InputError([Problem(source, f"nested more than {MAX_DEPTH} levels deep; expected a flatter "
                                          "document")], source)
    try:
        tree = (yaml or round_trip_yaml()).load(io.StringIO(text))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(source, f"not valid YAML: {getattr(exc, 'problem', None) or exc}", line=line)],
                         source) from None
    except RecursionError:
        raise InputError([Problem(source, f"not valid YAML here: nested too deeply; expected at most {MAX_DEPTH} "
                                          "levels")], source) from None
    except Exception as exc:  # the YAML library's own failures on odd input (tags, keys) are about the input
        raise InputError([Problem(source, f"not valid YAML: {type(exc).__name__}: {exc}")], source) from None
    _check_expansion(tree, source)
    return tree


_FLOW = re.compile(r"""[\[\]{}]|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|#[^\n]*""")


def _flow_depth(text: str) -> int:
    """The deepest nesting of [ ] and { } outside quotes and comments (an upper bound of the flow depth)."""
    depth = deepest = 0
    for m in _FLOW.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(depth - 1, 0)
    return deepest


def _check_expansion(tree: Any, source: str) -> None:
    """Refuse a tree that would hold more than MAX_NODES values once aliases are expanded, nests deeper than
    MAX_DEPTH, or refers to itself. Counts each shared node once per reference without expanding it."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def fail(message: str) -> None:
        raise InputError([Problem(source, message)], source)

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, (dict, list, tuple, set)):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            fail("an alias (*name) refers to a node that contains it; expected a document without cycles")
        if depth > MAX_DEPTH:
            fail(f"nested more than {MAX_DEPTH} levels deep; expected a flatter document")
        open_.add(key)
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else list(node)
        total = 1 + sum(size(c, depth + 1) for c in children)
        open_.discard(key)
        if total > MAX_NODES:
            fail(f"the document expands to more than {MAX_NODES:,} values (its aliases repeat their anchors' "
                 "content); expected a document that spells out its values, with aliases used sparingly")
        sizes[key] = total
        return total

    size(tree, 0)


EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def _plausible(day: dt.date) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"date {day.isoformat()} is outside {EARLIEST.year}-{LATEST.year}; expected a date in the "
                         "engagement's lifetime")
    return day


# A date in a user's file: years such as 9999 would overflow the roadmap's arithmetic, and are typing slips.
PlausibleDate = Annotated[dt.date, AfterValidator(_plausible)]


def plain(node: Any) -> Any:
    """The round-trip tree as plain dicts and lists (tagged scalars as their text)."""
    if isinstance(node, dict):
        return {plain(k) if isinstance(k, (list, tuple)) else k: plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [plain(v) for v in node] if isinstance(node, list) else tuple(plain(v) for v in node)
    if isinstance(node, TaggedScalar):
        return node.value
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
