"""The Board report as a file: a workbook with native charts (XlsxWriter's), or one HTML page with SVG charts.

The figures' definitions are written under them in both.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from bot.domain.board_report import DEFINITIONS, MonthFigures, Spread, duration


def _title(f: MonthFigures) -> str:
    return f"Media log: {f.month:%B %Y}"


def _summary(f: MonthFigures) -> list[tuple[str, str]]:
    share = f"{f.met_share:.0%} ({f.deadlines_met} of {f.deadlines_met + f.deadlines_missed})" \
        if f.met_share is not None else "– (no deadline fell due)"

    def spread(s: Spread) -> str:
        return f"median {duration(s.median)}, 90th percentile {duration(s.p90)} ({s.count} cases)" if s.count else "–"

    return [
        ("Cases", str(f.total)),
        *((f"  {kind.replace('_', ' ')}", str(n)) for kind, n in sorted(f.by_kind.items())),
        ("Deadlines met", share),
        ("Time to claim", spread(f.to_claim)),
        ("Time to sign-off", spread(f.to_sign_off)),
        ("Time to issue", spread(f.to_issue)),
        ("Out of hours", str(f.out_of_hours)),
        ("Crises", str(f.crises)),
        ("Crisis to holding line", spread(f.crisis_to_line)),
        ("Press releases issued", str(f.releases_issued)),
        ("Written answers to newspapers", str(f.written_to_newspapers)),
    ]


def _tables(f: MonthFigures) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """(title, what is counted, rows) for each chart."""
    def rows(counts: Counter[Any], label: Any = str) -> list[tuple[str, int]]:
        return [(label(k), n) for k, n in sorted(counts.items())]

    return [("Cases by kind", "Cases", rows(f.by_kind, lambda k: k.replace("_", " "))),
            ("Enquiries by outlet type", "Enquiries", rows(f.by_outlet_type)),
            ("Enquiries by week", "Enquiries", rows(f.by_week, lambda d: f"w/c {d:%d %b}"))]


def write_xlsx(f: MonthFigures, out: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out))
    try:
        bold, wrapped = book.add_format({"bold": True}), book.add_format({"text_wrap": True, "valign": "top"})
        sheet = book.add_worksheet("Summary")
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 90)
        sheet.write_string(0, 0, _title(f), book.add_format({"bold": True, "font_size": 14}))
        summary = _summary(f)
        for row, (label, value) in enumerate(summary, start=2):
            sheet.write_string(row, 0, label)
            sheet.write_string(row, 1, value)
        below = 2 + len(summary) + 1  # a blank row, then the definitions
        sheet.write_string(below, 0, "What the figures mean", bold)
        for row, (term, meaning) in enumerate(DEFINITIONS, start=below + 1):
            sheet.write_string(row, 0, term)
            sheet.write_string(row, 1, meaning, wrapped)
        for title, counted, rows in _tables(f):
            tab = book.add_worksheet(title.replace("Enquiries by ", "By ").replace("Cases by ", "By "))
            tab.set_column(0, 0, 18)
            tab.write_row(0, 0, (title.split(" by ")[1].capitalize(), counted))
            for number, pair in enumerate(rows, start=1):
                tab.write_row(number, 0, pair)
            if rows:
                chart = book.add_chart({"type": "column"})
                chart.add_series({"name": [tab.name, 0, 1], "categories": [tab.name, 1, 0, len(rows), 0],
                                  "values": [tab.name, 1, 1, len(rows), 1]})
                chart.set_title({"name": title})
                chart.set_y_axis({"name": counted})
                chart.set_legend({"none": True})
                tab.insert_chart("D2", chart)
    finally:
        book.close()


def write_html(f: MonthFigures, out: Path) -> None:
    summary = "".join(f"<tr><th scope=\"row\">{escape(label)}</th><td>{escape(value)}</td></tr>"
                      for label, value in _summary(f))
    charts = "".join(f"<section><h2>{escape(title)}</h2>{_svg(title, rows)}{_table(rows, counted)}</section>"
                     for title, counted, rows in _tables(f))
    meanings = "".join(f"<dt>{escape(term)}</dt><dd>{escape(meaning)}</dd>" for term, meaning in DEFINITIONS)
    out.write_text(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(_title(f))}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#212b32}}
table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}th,td{{text-align:left;padding:.25rem .75rem;
border-bottom:1px solid #d8dde0}}dt{{font-weight:bold;margin-top:.5rem}}</style></head>
<body><h1>{escape(_title(f))}</h1>
<table class="summary">{summary}</table>
{charts}
<h2>What the figures mean</h2><dl>{meanings}</dl>
</body></html>
""", encoding="utf-8")


def _table(rows: list[tuple[str, int]], counted: str) -> str:
    body = "".join(f"<tr><td>{escape(label)}</td><td>{n}</td></tr>" for label, n in rows)
    return f"<table><tr><th>&nbsp;</th><th>{escape(counted)}</th></tr>{body}</table>"


def _svg(title: str, rows: list[tuple[str, int]]) -> str:
    """A horizontal bar chart, drawn as SVG (no plotting library needed for a few bars)."""
    if not rows:
        return "<p>None this month.</p>"
    most = max(n for _, n in rows) or 1
    bar, gap, left, width = 22, 8, 130, 360
    height = len(rows) * (bar + gap) + gap
    shapes = []
    for i, (label, n) in enumerate(rows):
        y = gap + i * (bar + gap)
        length = max(round(width * n / most), 1)
        shapes.append(f'<text x="{left - 8}" y="{y + bar * 0.7:.0f}" text-anchor="end">{escape(label)}</text>'
                      f'<rect x="{left}" y="{y}" width="{length}" height="{bar}" fill="#005eb8">'
                      f"<title>{escape(label)}: {n}</title></rect>"
                      f'<text x="{left + length + 6}" y="{y + bar * 0.7:.0f}">{n}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
            f'width="{left + width + 60}" height="{height}" font-size="13">{"".join(shapes)}</svg>')
