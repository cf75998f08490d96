"""Turning raw answers ("3 - Defined", "3", "2,5", "N/A") into scale values, independent of locale."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessment.model import MaturityModel, Scale
from assessment.text import normalise_text

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_LEADING_NUMBER = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*[-.:)]\s*\S")

# Codes in the `status` column of an answers table.
VALUE, NOT_APPLICABLE, DONT_KNOW, MISSING, INVALID = "value", "not_applicable", "dont_know", "missing", "invalid"
# The `question` of a general comment in an answers table: a respondent's comment or evidence note tied to no one
# question (a survey's "Any other comments?"). Such a row has no answer (status 'missing', value NaN).
NO_QUESTION = ""


def parse_number(text: object) -> float | None:
    """A number written with a decimal point or a decimal comma ('2,5'), or None. Never uses the locale."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return None if isinstance(text, float) and math.isnan(text) else float(text)
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        return None
    if "," in s and "." in s:  # 1.234,5 or 1,234.5: the last separator is the decimal one
        if s.rfind(",") > s.rfind("."):
            s = s.replace(".", "").replace(",", ".")
        else:
            s = s.replace(",", "")
    if not _NUMBER.match(s):
        return None
    return float(s.replace(",", "."))


@dataclass(frozen=True)
class Decoded:
    value: float
    status: str


class ScaleReader:
    """Reads raw answers for one scale: labels, 'value - label', bare values and aliases."""

    def __init__(self, scale: Scale):
        self.scale = scale
        self.tokens: dict[str, Decoded] = {}
        for opt in scale.options:
            decoded = Decoded(opt.value if opt.kind == VALUE else math.nan, opt.kind)
            names = [opt.label, *opt.aliases]
            if opt.kind == VALUE:
                num = f"{opt.value:g}"
                names += [f"{num} - {opt.label}", f"{num}-{opt.label}", f"{num}. {opt.label}",
                          f"{num}: {opt.label}", f"{num} {opt.label}", f"({num}) {opt.label}"]
            for name in names:
                self.tokens.setdefault(normalise_text(name), decoded)
        self.values = np.array([o.value for o in scale.value_options], dtype=float)

    def expected(self) -> str:
        labels = [self.scale.display_label(o) for o in self.scale.options]
        return "one of " + ", ".join(repr(x) for x in labels)

    def decode(self, raw: object) -> Decoded:
        """The value and status of one raw answer; status 'missing' for blank, 'invalid' if off the scale."""
        key = normalise_text(raw)
        if key == "":
            return Decoded(math.nan, MISSING)
        hit = self.tokens.get(key)
        if hit is not None:
            return hit
        num = parse_number(raw)
        if num is None:
            m = _LEADING_NUMBER.match(key)  # '3 - Defined (written down)': a relabelled option
            num = parse_number(m.group(1)) if m else None
        if num is not None:
            close = np.flatnonzero(np.isclose(self.values, num, rtol=0, atol=1e-6))
            if close.size:
                return Decoded(float(self.values[close[0]]), VALUE)
        return Decoded(math.nan, INVALID)


def decode_answers(raw: pd.Series, scales: pd.Series, model: MaturityModel) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised decoding of raw answers, each against its question's scale -> (values, statuses).

    Decodes each distinct (scale, answer) pair once, so a million answers cost little more than a
    thousand distinct ones.
    """
    readers = {sid: ScaleReader(s) for sid, s in model.scales.items()}
    s_codes, s_uniques = pd.factorize(scales.astype(object).to_numpy())
    a_codes, a_uniques = pd.factorize(raw.astype(object).to_numpy())
    key = s_codes.astype(np.int64) * max(len(a_uniques), 1) + a_codes
    pairs, codes = np.unique(key, return_inverse=True)
    vals = np.empty(len(pairs), dtype=float)
    stats = np.empty(len(pairs), dtype=object)
    for i, k in enumerate(pairs):
        sid, answer = s_uniques[k // max(len(a_uniques), 1)], a_uniques[k % max(len(a_uniques), 1)]
        d = readers[sid].decode(answer)
        vals[i], stats[i] = d.value, d.status
    return vals[codes], stats[codes]
