"""What notebooks show: charts as images and tables and text as HTML, with every piece of client text escaped.

Notebooks call these and nothing else for display, so the same escaping and layout hold in JupyterLab,
in the executed notebooks and in the reports.
"""
from __future__ import annotations

import datetime as dt
import html
import math
import os
from typing import Iterable

import pandas as pd
from IPython.display import HTML, display

from workbench.reports.charts import svg_text


def esc(value) -> str:
    """Escaped text of any value: '<script>' in a client name shows as text, never runs."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:.2f}"
    return html.escape(str(value))


def show_chart(fig) -> None:
    """The chart as SVG, with its title as the plain-text alternative and as the image's alt text."""
    titles = ([ax.get_title() for ax in fig.axes if ax.get_title()] + [t.get_text() for t in fig.texts]
              + [t.get_text() for ax in fig.axes for t in ax.texts] + ["chart"])
    display({"image/svg+xml": svg_text(fig), "text/plain": f"[chart: {titles[0]}]"},
            metadata={"image/svg+xml": {"alt": f"Chart: {titles[0]}"}}, raw=True)


def heading(text: str, level: int = 2) -> None:
    display(HTML(f"<h{level}>{esc(text)}</h{level}>"))


def paragraph(text: str) -> None:
    display(HTML(f"<p>{esc(text)}</p>"))


def callout(title: str, text: str) -> None:
    display(HTML(f'<div class="wb-callout"><div class="wb-callout-title">{esc(title)}</div>'
                 f"<div>{esc(text) or '<em>not written yet</em>'}</div></div>"))


def bullets(items: Iterable[str], empty: str = "None.") -> None:
    items = list(items)
    if not items:
        paragraph(empty)
        return
    display(HTML("<ul>" + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>"))


def score(value, digits: int = 2) -> str:
    """A score for reading: 'no score' where nobody gave an answer that counts."""
    return "no score" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def level(row: dict) -> str:
    """'2 Repeatable' from a profile row; 'no score' where it has none."""
    lv = row.get("level")
    return "no score" if lv is None or pd.isna(lv) else f"{int(lv)} {row.get('level_name') or ''}".strip()


def facts(pairs: list[tuple[str, object]]) -> None:
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in pairs)
    display(HTML(f'<table class="wb-facts">{rows}</table>'))


def table(df: pd.DataFrame, columns: dict[str, str], formats: dict[str, str] | None = None,
          empty: str = "Nothing to show.") -> None:
    """A table of the chosen columns under readable headers; numbers formatted, text escaped."""
    display(HTML(table_html(df, columns, formats, empty)))


def table_html(df: pd.DataFrame, columns: dict[str, str], formats: dict[str, str] | None = None,
               empty: str = "Nothing to show.") -> str:
    if df.empty:
        return f"<p>{esc(empty)}</p>"
    formats = formats or {}
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
    body = []
    for row in df[list(columns)].itertuples(index=False):
        cells = []
        for col, v in zip(columns, row):
            fmt = formats.get(col)
            if isinstance(v, bool):
                text = "yes" if v else ""
            elif fmt and v is not None and not (isinstance(v, float) and math.isnan(v)):
                text = html.escape(fmt.format(v))
            else:
                text = esc(v)
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            cells.append(f'<td class="{"num" if num else "txt"}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="wb-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def interactive() -> bool:
    """False inside a batch run (the batch sets WORKBENCH_BATCH): workshop panels are for people, not reports."""
    return not os.environ.get("WORKBENCH_BATCH")
