"""SVG chart text laid out a run at a time in the PDF, not a letter at a time.

WeasyPrint (up to 70, the current release) lays out and draws the text of an SVG `<text>` one code point at
a time, so that every letter could take its own position (Kozea/WeasyPrint#2249, still open; PR #2754 proposed
what is done here). A letter costs about as much as a whole run, so a report's charts (3,000 to 4,000 letters
in 300 to 400 runs) cost about 0.7 s of its PDF. Our charts' text (matplotlib with `svg.fonttype: none`) gives
each run one position and no per-letter spacing, rotation or length; such a run is laid out whole here, which
also kerns it as matplotlib measured it. Any run that does position its letters goes the original way.

The original function is called unchanged: it is only given a view of the node whose text iterates as one
piece. `install()` is idempotent and does nothing on a WeasyPrint whose SVG text is not the known function.
"""
from __future__ import annotations

PER_LETTER = ("dx", "dy", "rotate", "letter-spacing", "textLength")


class _OneRun(str):
    """The text of a run that iterates as one piece (the original lays out each item it iterates over)."""

    def __iter__(self):
        yield str(self)


class _WholeRun:
    """A view of an SVG text node whose text is one run; everything else, reads and writes, is the node's."""

    __slots__ = ("_node",)

    def __init__(self, node):
        object.__setattr__(self, "_node", node)

    def __getattr__(self, name):
        return getattr(self._node, name)

    def __setattr__(self, name, value):
        setattr(self._node, name, value)

    @property
    def text(self):
        text = self._node.text
        return _OneRun(text) if text else text


def one_run(attrib) -> bool:
    """A text node whose letters carry no position of their own: one x and one y at most, nothing else."""
    if any(key in attrib for key in PER_LETTER):
        return False
    return all(len(str(attrib.get(key, "")).replace(",", " ").split()) <= 1 for key in ("x", "y"))


def install() -> bool:
    """Lay out single-position SVG text runs whole in WeasyPrint; True when in place."""
    try:
        import weasyprint.svg as svg
    except ImportError:  # pragma: no cover - weasyprint is a dependency
        return False
    original = svg.TAGS.get("text")
    if getattr(original, "whole_run", False):
        return True
    if original is None or getattr(svg, "text", None) is not original or original.__module__ != "weasyprint.svg.text":
        return False  # a WeasyPrint laid out otherwise: leave it as it is

    def text(surface, node, font_size):
        return original(surface, _WholeRun(node) if one_run(node.attrib) else node, font_size)

    text.whole_run = True
    text.original = original
    for tag, handler in list(svg.TAGS.items()):
        if handler is original:
            svg.TAGS[tag] = text
    svg.text = text  # draw_node recognises text nodes by this name (text anchors, bounding boxes)
    return True


def uninstall() -> None:
    """Back to WeasyPrint's own letter-by-letter layout (the test compares the two)."""
    import weasyprint.svg as svg

    current = svg.TAGS.get("text")
    original = getattr(current, "original", None)
    if original is None:
        return
    for tag, handler in list(svg.TAGS.items()):
        if handler is current:
            svg.TAGS[tag] = original
    svg.text = original
