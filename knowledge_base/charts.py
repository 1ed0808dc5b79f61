"""Charts of the figures: accessible inline SVG, drawn by a template, one metric per chart.

Each chart compares like with like: the figure a country profile marks as its total (`total: true`)
for one metric and group (people repatriated by the state; women; children), never a figure of
another area (`area`, e.g. Europe) or another metric. A lower bound is drawn and labelled as one
("≥ 800"); a country with no such figure is listed as "no figure", not dropped. The table under each
chart gives every figure with its date and footnotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .link import KnowledgeBase

# (chart id, title, metric, group, what a bar counts)
CHARTS = [
    ("repatriated", "People repatriated by the state", "repatriated", "all", "people repatriated"),
    ("women", "Women repatriated", "repatriated", "women", "women repatriated"),
    ("children", "Children repatriated", "repatriated", "children", "children repatriated"),
]
WIDTH, ROW, LEFT, RIGHT = 640, 28, 130, 110  # the SVG's geometry, in its own units (it scales to the page)


@dataclass
class Bar:
    country: object
    figure: object | None  # None: the country states no comparable figure

    @property
    def text(self) -> str:
        f = self.figure
        if f is None:
            return "no figure"
        number = f"{f.value:,}" + (f"–{f.value_max:,}" if f.value_max is not None else "")
        return {"lower": "≥ ", "upper": "≤ "}.get(f.bound, "") + ("about " if f.approximate and f.bound == "exact" else "") + number


@dataclass
class Chart:
    id: str
    title: str
    counts: str
    bars: list[Bar]

    @property
    def description(self) -> str:
        return "; ".join(f"{b.country.name}: {b.text}" for b in self.bars) + "."

    @property
    def height(self) -> int:
        return ROW * len(self.bars) + 40

    def geometry(self) -> list[dict]:
        """Where each bar and label goes (the template draws them)."""
        top = max((b.figure.value_max or b.figure.value for b in self.bars if b.figure), default=1)
        span = WIDTH - LEFT - RIGHT
        rows = []
        for i, bar in enumerate(self.bars):
            value = (bar.figure.value_max or bar.figure.value) if bar.figure else 0
            length = round(span * value / top, 1) if top else 0
            rows.append({"bar": bar, "y": 10 + i * ROW, "width": length, "label_x": LEFT + length + 6,
                         "lower": bool(bar.figure and bar.figure.bound == "lower")})
        return rows


def total_figure(country, metric: str, group: str):
    """The figure a country profile marks as its total for a metric and group (and its own area)."""
    return next((f for f in country.figures if f.total and f.metric == metric and f.group == group
                 and f.area is None), None)


def charts(kb: KnowledgeBase) -> list[Chart]:
    out = []
    for chart_id, title, metric, group, counts in CHARTS:
        bars = [Bar(c, total_figure(c, metric, group)) for c in kb.countries]
        if any(b.figure for b in bars):
            out.append(Chart(chart_id, title, counts, bars))
    return out


def operation_total(op) -> int | None:
    c = op.counts
    if c.total is not None:
        return c.total
    parts = [v for v in (c.women, c.children, c.men, c.minors) if v is not None]
    return sum(parts) if parts else None


def operation_rows(kb: KnowledgeBase) -> list[tuple]:
    rows = [(c, op) for c in kb.countries for op in c.operations if op.date and operation_total(op)]
    return sorted(rows, key=lambda r: r[1].date)
