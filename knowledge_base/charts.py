"""Build-time SVG charts (matplotlib), each with the table of figures behind it.

Charts never pick between the compendium's readings silently: each bar is one
stated figure, shown in the table below the chart with its label, date and
footnotes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display; SVG only
import matplotlib.pyplot as plt  # noqa: E402

from .link import KnowledgeBase  # noqa: E402

plt.rcParams.update({"svg.hashsalt": "kb", "font.size": 10, "svg.fonttype": "path"})
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
    plt.close(fig)
    return buffer.getvalue()


def returns_chart(rows: list[ChartRow]) -> str:
    fig, ax = plt.subplots(figsize=(7, 3.2))
    names = [r.country.name for r in rows]
    values = [r.figure.value for r in rows]
    bars = ax.barh(names, values, color="#3f51b5")
    ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3)
    ax.invert_yaxis()
    ax.set_xlabel("people returned or repatriated (largest total the compendium states)")
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def women_children_chart(rows) -> str:
    fig, ax = plt.subplots(figsize=(7, 3.4))
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


def charts(kb: KnowledgeBase) -> dict[str, str]:
    """{file name: SVG} for the charts page."""
    out = {}
    if rows := returns_rows(kb):
        out["returns-by-country.svg"] = returns_chart(rows)
    if rows := women_children_rows(kb):
        out["women-children-by-country.svg"] = women_children_chart(rows)
    if rows := operation_rows(kb):
        out["operations-over-time.svg"] = operations_chart(rows)
    return out


operation_total = _op_total
