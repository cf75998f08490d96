"""Where a client stands among its peers, anonymised: a percentile per dimension, never a peer's value.

The peers are the other clients of the same sector and model in the portfolio store (their latest round).
With fewer than MIN_PEERS of them no comparison is made at all: a percentile among two or three clients
would let a reader work out a peer's score.
"""
from __future__ import annotations

import bisect

import pandas as pd

MIN_PEERS = 5


def percentile_rank(value: float, peers: list[float]) -> float:
    """Share of peers below `value` (ties count half), in percent. `peers` must be sorted."""
    below = bisect.bisect_left(peers, value)
    equal = bisect.bisect_right(peers, value) - below
    return 100.0 * (below + 0.5 * equal) / len(peers)


def _sector_phrase(sector: str) -> str:
    """'Banking' -> 'the Banking sector'; 'Public sector' -> 'the public sector', not 'the Public sector sector'."""
    s = sector.strip()
    return f"the {s[0].lower()}{s[1:]}" if s.lower().endswith("sector") else f"the {s} sector"


def peer_standing(dimensions: pd.DataFrame, peers: dict[str, list[float]], sector: str) -> tuple[pd.DataFrame, str]:
    """Per dimension (columns dimension, name, current): the client's percentile among peers, and a sentence
    for the reader. An empty table, and a sentence saying why, when there are too few peers."""
    counts = [len(peers.get(d, [])) for d in dimensions["dimension"]]
    n = max(counts, default=0)
    where = f"in {_sector_phrase(sector)}" if sector else "without a sector"
    if n < MIN_PEERS:
        return (pd.DataFrame(columns=["dimension", "name", "percentile", "peers"]),
                f"No peer comparison: the portfolio holds fewer than {MIN_PEERS} other clients {where}, too few "
                "to compare without revealing a peer's scores.")
    rows = []
    for d, name, current, k in zip(dimensions["dimension"], dimensions["name"], dimensions["current"], counts):
        if k >= MIN_PEERS and pd.notna(current):
            rows.append({"dimension": d, "name": name, "percentile": round(percentile_rank(float(current), peers[d])),
                         "peers": k})
    return (pd.DataFrame(rows, columns=["dimension", "name", "percentile", "peers"]),
            f"Compared with {n} other clients {where} in the portfolio (their latest assessment). A percentile "
            "of 70 means the score is higher than that of 70 % of them. No peer is named and no peer's score shown.")
