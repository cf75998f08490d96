"""How text from other people's files is compared: headers, question texts, role names, answer labels and
KPI ids match whatever case, spacing, Unicode form or typographic dashes and quotes a survey tool used."""
from __future__ import annotations

import math
import unicodedata

import numpy as np
import pandas as pd

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")


def normalise_text(text: object) -> str:
    """Case-folded, NFKC-normalised, single-spaced text with typographic dashes made plain."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    s = unicodedata.normalize("NFKC", str(text)).translate(_DASHES)
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(s.split()).casefold()


def header_key(text: object) -> str:
    """How headers and question texts are compared: normalised, without trailing '?', '.', ':' or quotes."""
    return normalise_text(text).strip(" ?.:!*\"'")


def normalise_each(values: pd.Series) -> pd.Series:
    """normalise_text over a column, computed once per distinct value."""
    codes, uniques = pd.factorize(values.fillna("").astype(str))
    return pd.Series(np.array([normalise_text(u) for u in uniques], dtype=object)[codes]
                     if len(uniques) else np.array([], dtype=object), index=values.index)
