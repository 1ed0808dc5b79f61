"""Build-time SVG charts (matplotlib), each with the table of figures behind it.

Charts never pick between the compendium's readings silently: each bar is one
stated figure, shown in the table below the chart with its label, date and
footnotes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from .link import KnowledgeBase

CHART_VERSION = "1"  # bump when the drawing code changes, to invalidate cached SVGs


def _pyplot():
    """matplotlib, imported only when a chart is really drawn (the import alone takes ~0.5 s)."""
    import matplotlib

    matplotlib.use("Agg")  # no display; SVG only
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "kb", "font.size": 10, "svg.fonttype": "path"})
    return plt
RETURN_METRICS = ("repatriated", "returned")


@dataclass
class ChartRow:
    country: object
    figure: object  # a Figure, or an Operation for the timeline


def headline(country, group: str):
    """The largest stated total of people repatriated or returned, for one group."""
    candidates = [f for f in country.figures if f.metric in RETURN_METRICS and f.group == group and f.unit == "people"]
    return max(candidates, key=lambda f: f.value, default=None)


def returns_rows(kb: KnowledgeBase) -> list[ChartRow]:
    return [ChartRow(c, f) for c in kb.countries if (f := headline(c, "all"))]


def women_children_rows(kb: KnowledgeBase) -> list[tuple[object, object, object]]:
    rows = []
    for c in kb.countries:
        women, children = headline(c, "women"), headline(c, "children")
        if women or children:
            rows.append((c, women, children))
    return rows


def operation_rows(kb: KnowledgeBase) -> list[ChartRow]:
    rows = [ChartRow(c, op) for c in kb.countries for op in c.operations if op.date and _op_total(op)]
    return sorted(rows, key=lambda r: r.figure.date)


def _op_total(op) -> int | None:
    c = op.counts
    if c.total is not None:
        return c.total
    parts = [v for v in (c.women, c.children, c.men, c.minors) if v is not None]
    return sum(parts) if parts else None


def _svg(fig) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    _pyplot().close(fig)
    return buffer.getvalue()


def returns_chart(rows: list[ChartRow]) -> str:
    fig, ax = _pyplot().subplots(figsize=(7, 3.2))
    names = [r.country.name for r in rows]
    values = [r.figure.value for r in rows]
    bars = ax.barh(names, values, color="#3f51b5")
    ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3)
    ax.invert_yaxis()
    ax.set_xlabel("people returned or repatriated (largest total the compendium states)")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def women_children_chart(rows) -> str:
    fig, ax = _pyplot().subplots(figsize=(7, 3.4))
    names = [c.name for c, _, _ in rows]
    y = range(len(rows))
    women = [w.value if w else 0 for _, w, _ in rows]
    children = [ch.value if ch else 0 for _, _, ch in rows]
    ax.barh([i - 0.2 for i in y], women, height=0.4, label="women", color="#3f51b5")
    ax.barh([i + 0.2 for i in y], children, height=0.4, label="children", color="#ff9800")
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.legend(frameon=False)
    ax.set_xlabel("people")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def operations_chart(rows: list[ChartRow]) -> str:
    import datetime as dt

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    countries = sorted({r.country.name for r in rows})
    colours = dict(zip(countries, plt.get_cmap("tab10").colors))
    for name in countries:
        mine = [r for r in rows if r.country.name == name]
        dates = [dt.date.fromisoformat((r.figure.date + "-01-01")[:10]) for r in mine]
        ax.scatter(dates, [_op_total(r.figure) for r in mine], label=name, color=colours[name], s=40)
    ax.set_ylabel("people brought back")
    ax.legend(frameon=False, fontsize=8, ncols=2)
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    return _svg(fig)


def charts(kb: KnowledgeBase, cache: Path | None = None) -> dict[str, str]:
    """{file name: SVG} for the charts page.

    Drawing is the slow part of a build, so each SVG is cached under `cache`,
    keyed by the data it shows: an edit that changes no charted figure redraws nothing.
    """
    out = {}
    for name, rows, draw in (
        ("returns-by-country.svg", returns_rows(kb), returns_chart),
        ("women-children-by-country.svg", women_children_rows(kb), women_children_chart),
        ("operations-over-time.svg", operation_rows(kb), operations_chart),
    ):
        if rows:
            out[name] = _cached(cache, name, repr(_plain(rows)), lambda: draw(rows))
    return out


def _plain(rows) -> list:
    """What a chart shows, as plain data (its cache key)."""
    plain = []
    for row in rows:
        parts = row if isinstance(row, tuple) else (row.country, row.figure)
        plain.append([p.model_dump() if p is not None else None for p in parts])
    return plain


def _cached(cache: Path | None, name: str, key: str, draw) -> str:
    if cache is None:
        return draw()
    digest = hashlib.sha256((CHART_VERSION + name + key).encode()).hexdigest()[:20]
    path = cache / f"{digest}.svg"
    if path.exists():
        return path.read_text(encoding="utf-8")
    svg = draw()
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(svg, encoding="utf-8")
    return svg


operation_total = _op_total
