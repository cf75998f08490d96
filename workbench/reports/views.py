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
    from workbench.reports.charts import svg_text  # matplotlib: only where a chart is shown (not in the workshop)

    display({"image/svg+xml": svg_text(fig), "text/plain": f"[chart: {titles[0]}]"},
            metadata={"image/svg+xml": {"alt": f"Chart: {titles[0]}"}}, raw=True)


def heading(text: str, level: int = 2) -> None:
    display(HTML(f"<h{level}>{esc(text)}</h{level}>"))


def paragraph(text: str) -> None:
    """A paragraph of text; nothing at all when the text is empty (a section with nothing to add)."""
    if text:
        display(HTML(f"<p>{esc(text)}</p>"))


def callout(title: str, text: str) -> None:
    display(HTML(f'<div class="wb-callout"><div class="wb-callout-title">{esc(title)}</div>'
                 f"<div>{esc(text) or '<em>not written yet</em>'}</div></div>"))


def callout_list(title: str, items: Iterable[str], empty: str = "") -> None:
    """A callout whose body is a list; `empty` as a plain line when there are no items (nothing when empty)."""
    items = list(items)
    if not items:
        paragraph(empty)
        return
    display(HTML(f'<div class="wb-callout"><div class="wb-callout-title">{esc(title)}</div><ul>'
                 + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul></div>"))


# The report's stylesheet (report.css) keeps every notebook output on one page (right for a chart or a short
# table). A long finding or table marked wb-flow may break between lines and rows instead, so it starts where
# the page has room rather than leaving half a page empty; a finding's heading stays with its first lines and
# a quote stays whole. A reference table marked wb-small prints at SMALL_TABLE_PT, its rows set close.
SMALL_TABLE_PT = 8.0


def grouped_table(df: pd.DataFrame, by: str, columns: dict[str, str], formats: dict[str, str] | None = None,
                  widths: dict[str, str] | None = None, heading: str = "", text: str = "", small: bool = False,
                  empty: str = "Nothing to show.") -> None:
    """One table with a heading row before each group of rows (the values of column `by`, in order of first
    appearance), under an optional section `heading` and `text`. Print breaks it between any two rows (it
    flows, see wb-flow above) and repeats the column headings on each page, but never right after a heading.
    `small`: at SMALL_TABLE_PT, for reference material."""
    top = (f"<h2>{esc(heading)}</h2>" if heading else "") + (f'<p style="break-after: avoid">{esc(text)}</p>'
                                                             if text else "")
    if df.empty:
        display(HTML(top + f"<p>{esc(empty)}</p>"))
        return
    parts = [table_html(part, columns, formats, empty, widths) for _, part in df.groupby(by, sort=False, dropna=False)]
    head = parts[0][:parts[0].index("<tbody>")]
    rows = "".join(f'<tr style="break-after: avoid"><td class="txt" colspan="{len(columns)}"><strong>{esc(key)}'
                   f"</strong></td></tr>" + part[part.index("<tbody>") + 7:part.index("</tbody>")]
                   for key, part in zip(dict.fromkeys(df[by]), parts))
    display(HTML(f'<div class="{_flow(small)}">{top}{head}<tbody>{rows}'
                 "</tbody></table></div>"))


def quote_html(text: str, attribution: str, label: str = "") -> str:
    """Someone's own words in a blockquote: “text” — attribution, with an optional lead-in ('Evidence:')."""
    lead = f'<span class="muted">{esc(label)}</span> ' if label else ""
    return (f"<blockquote>{lead}\u201c{esc(text)}\u201d "
            f'<span class="muted">\u2014\u00a0{esc(attribution)}</span></blockquote>')


def finding(title: str, text: str, quotes: Iterable[tuple[str, str, str]] = (), note: str = "") -> None:
    """One finding: a heading (with a short `note` beside it), the text, and the quotes given as (label, text,
    attribution); no quote area when there are none. In print it flows (.wb-flow in the report's stylesheet)."""
    aside = f' <span class="muted">{esc(note)}</span>' if note else ""
    # the text in a div, not a p: the full width of the page (a p stops at 48em), a tenth shorter in print
    display(HTML(f'<div class="wb-flow"><h3>{esc(title)}{aside}</h3><div>{esc(text)}</div>'
                 + "".join(quote_html(t, who, label) for label, t, who in quotes) + "</div>"))


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
          empty: str = "Nothing to show.", widths: dict[str, str] | None = None, small: bool = False) -> None:
    """A table of the chosen columns under readable headers; numbers formatted, text escaped; `widths` fixes
    the share of the width of some columns ({"title": "40%"}), the others share the rest. In print it may break
    between rows, the column headings repeated (wb-flow); `small`: set close, for reference material."""
    display(HTML(f'<div class="{_flow(small)}">{table_html(df, columns, formats, empty, widths)}</div>'))


def _flow(small: bool) -> str:
    return "wb-flow wb-small" if small else "wb-flow"


def table_in_parts(df: pd.DataFrame, columns: dict[str, str], formats: dict[str, str] | None = None,
                   empty: str = "Nothing to show.", widths: dict[str, str] | None = None, by: str | None = None,
                   rows: int | None = None, titles: dict | None = None, small: bool = False) -> None:
    """The table as one table per value of column `by` (e.g. per wave) or in parts of at most `rows` rows (all of
    about the same length), each with the header, the same column widths and the part's title from `titles` if
    it has one. In print a part starts wherever the page has room and may break between rows (wb-flow), instead
    of the whole table moving to the next page and leaving a gap behind. `small` as for `table`."""
    if df.empty:
        table(df, columns, formats, empty, widths, small)
        return
    size = math.ceil(len(df) / math.ceil(len(df) / rows)) if rows and len(df) else max(len(df), 1)  # parts alike
    keys = df[by] if by else pd.Series(range(len(df)), index=df.index) // size
    for key, part in df.groupby(keys, sort=False, dropna=False):
        title = (titles or {}).get(key)
        display(HTML(f'<div class="{_flow(small)}">' + (f'<p class="part-title"><strong>{esc(title)}</strong></p>' if title
                                                else "") + table_html(part, columns, formats, empty, widths) + "</div>"))


def table_html(df: pd.DataFrame, columns: dict[str, str], formats: dict[str, str] | None = None,
               empty: str = "Nothing to show.", widths: dict[str, str] | None = None,
               marked: tuple[str, list[str]] | None = None) -> str:
    """The table as HTML; `marked` (a column and one colour name per row: 'green', 'amber', 'red', 'grey') puts
    a dot of that colour before the column's text, on a pale ground of the same colour."""
    if df.empty:
        return f"<p>{esc(empty)}</p>"
    formats = formats or {}
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
    if widths:
        head = "".join(f'<th style="width: {esc(widths[c])}">{esc(h)}</th>' if c in widths else f"<th>{esc(h)}</th>"
                       for c, h in columns.items())
    body = []
    colours = iter(marked[1]) if marked else None
    for row in df[list(columns)].itertuples(index=False):
        cells = []
        colour = next(colours) if colours is not None else None
        for col, v in zip(columns, row):
            fmt = formats.get(col)
            if isinstance(v, bool):
                text = "yes" if v else ""
            elif fmt and v is not None and not (isinstance(v, float) and math.isnan(v)):
                text = html.escape(fmt.format(v))
            else:
                text = esc(v)
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            ground = ""
            if marked and col == marked[0]:
                dot, pale = RAG_COLOURS.get(str(colour), RAG_COLOURS["grey"])
                ground = f'style="background: {pale}" '
                text = f'<span style="color: {dot}" aria-hidden="true">\u25cf</span>\u00a0' + text
            cells.append(f'<td {ground}class="{"num" if num else "txt"}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    fixed = ' style="table-layout: fixed"' if widths else ""
    return f'<table class="wb-table"{fixed}><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


# A steering group's red, amber, green (and grey for a decision such as dropping): a dot in the colour and the word
# beside it on a pale ground, so the state reads in print, in black and white and without telling colours apart.
RAG_COLOURS = {"green": ("#009E73", "#DDF1EA"), "amber": ("#E69F00", "#FBEBC8"), "red": ("#D55E00", "#F8DCCB"),
               "grey": ("#999999", "#EDEDED")}


def rag_table(df: pd.DataFrame, columns: dict[str, str], rag: str, marked: str,
              formats: dict[str, str] | None = None, widths: dict[str, str] | None = None, empty: str = "Nothing to show.",
              small: bool = False) -> None:
    """A table (as `table`) whose column `marked` shows each row's colour from column `rag` ('green', 'amber',
    'red', 'grey'): a coloured dot before the text, on a pale ground of the same colour."""
    html_text = table_html(df, columns, formats, empty, widths, marked=(marked, list(df[rag])))
    display(HTML(f'<div class="{_flow(small)}">{html_text}</div>'))


def interactive() -> bool:
    """False inside a batch run (the batch sets WORKBENCH_BATCH): workshop panels are for people, not reports."""
    return not os.environ.get("WORKBENCH_BATCH")
