"""The words of the report's section "In the customers' eyes": sentences that carry their numbers, from the
engagement's CustomerView (workbench.engagement.customers)."""
from __future__ import annotations

import pandas as pd

from assessment.customer_view import MIN_POINT, ROLLING_WEEKS


def _day(x) -> str:
    return f"{pd.Timestamp(x):%-d %B %Y}"


def intro(c) -> str:
    h = c.headline
    text = (f"{h['customers']} customers answered the short survey built from the client's own driver tree between "
            f"{_day(h['first'])} and {_day(h['last'])} ({h['answers']:,} answers).")
    if pd.notna(h["performance"]):
        text += f" Across the drivers they rate performance {h['performance']:.2f} of 5."
    if pd.notna(h["satisfaction"]):
        text += f" Overall satisfaction is {h['satisfaction']:.2f} of 5 ({h['satisfaction_n']} customers)."
    if pd.notna(h["nps"]):
        text += f" The net promoter score is {h['nps']:+.0f} ({h['nps_n']} customers)."
    return text


def weak_roots(c) -> list[str]:
    """One sentence per root below the acceptable level, lowest first."""
    roots = c.weak_roots.sort_values("performance")
    return [f"{r.name}: {r.performance:.1f} of 5 from {r.customers} customers"
            + (f", importance {r.importance:.1f}" if pd.notna(r.importance) else "")
            + f", below the acceptable {c.acceptable:g}." for r in roots.itertuples(index=False)]


def tree_reading(c) -> str:
    below = c.drivers[c.drivers["below"]]
    if below.empty:
        return f"Every driver customers rated is at or above the acceptable {c.acceptable:g} of 5."
    layers = ", ".join(f"{int((below['layer'] == lay).sum())} in the {lay}" for lay in ("roots", "trunk", "crown")
                       if (below["layer"] == lay).any())
    return (f"{len(below)} of {int(c.drivers['performance'].notna().sum())} drivers are below the acceptable "
            f"{c.acceptable:g} of 5 ({layers}). Each box shows the mean rating and the customers behind it; a driver "
            f"with fewer than {MIN_POINT} answers shows no rating.")


def trend_reading(c) -> str:
    line = c.rolling[(c.rolling["series"] == "all") & c.rolling["shown"]]
    if line.empty:
        return f"Too few customers yet for a trend: a point needs {MIN_POINT} or more."
    full = line.iloc[ROLLING_WEEKS - 1:] if len(line) > ROLLING_WEEKS else line  # from the first whole window
    first, last = full.iloc[0], full.iloc[-1]
    hidden = int(((c.rolling["series"] == "all") & ~c.rolling["shown"]).sum())
    move = last["mean"] - first["mean"]
    way = "up" if move >= 0.1 else "down" if move <= -0.1 else "about level"
    text = (f"Over {ROLLING_WEEKS} weeks at a time, performance across the drivers went {way}: from "
            f"{first['mean']:.2f} in the weeks to {_day(first['period'])} ({first['customers']} customers) to "
            f"{last['mean']:.2f} in the weeks to {_day(last['period'])} ({last['customers']} customers).")
    if hidden:
        text += (f" {hidden} week{'s' if hidden != 1 else ''} with fewer than {MIN_POINT} customers behind "
                 f"{'them are' if hidden != 1 else 'it is'} not drawn.")
    return text


def disagreements(c, dimension: str = "dimension") -> list[str]:
    """Where staff and customers disagree by a fifth of the scale or more."""
    out = []
    for r in c.disagreements.itertuples(index=False):
        out.append(f"{r.name}: staff score {r.staff:.2f} ({r.staff_share:.0%} of the scale); customers rate its "
                   f"drivers {r.customers:.2f} of 5 ({r.customers_share:.0%}): {r.verdict}.")
    return out


def quotes(c) -> list[tuple[str, str, str]]:
    """(label, text, attribution) for views.finding: never a name, only the month and the customer's rating."""
    return [("", q.text, f"a customer who rated us {q.rating:.1f} on average, {q.month}")
            for q in c.quotes.itertuples(index=False)]


def kpi_lines(p) -> list[str]:
    """The scorecard KPIs computed from the customers' answers, with their latest monthly value."""
    from workbench.engagement.customers import customer_kpi_measurements

    m = customer_kpi_measurements(p.engagement)
    names = p.kpi_names
    out = []
    for kpi, rows in m.groupby("kpi", sort=False):
        last = rows.iloc[-1]
        out.append(f"{names.get(kpi, kpi)}: {last['value']:g} in {pd.Timestamp(last['date']):%B %Y} "
                   f"({last['note']}); computed from customers/ every month, never typed in.")
    return out
