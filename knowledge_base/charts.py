"""How many people each state repatriated, one population at a time: the charts, the home page's
headlines and the key facts all read these counts, so no two views can disagree.

A chart counts one population (women and children; children; women; everyone) repatriated by the state.
Each country's count for it is, in this order:

1. stated: the figure the profile marks as its total (`total: true`) for that metric and group, of
   its own territory (never a figure with an `area`, such as Europe);
2. summed: for women and children, the stated totals of women and of children, added up;
3. from operations: the sum of what the country's operations count of that population, shown as a
   lower bound ("≥") when some of its operations count none of it;
4. none: the knowledge base holds no count of that population for the country.

Every count says how it was reached and for when, and cites the footnotes of what it sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .link import KnowledgeBase


@dataclass(frozen=True)
class Population:
    id: str
    title: str
    noun: str  # what a bar counts, in the plural: "women and children"
    group: str  # the figures' `group`


POPULATIONS = [
    Population("women-and-children", "Women and children repatriated by the state", "women and children",
               "women_and_children"),
    Population("children", "Children repatriated by the state", "children", "children"),
    Population("women", "Women repatriated by the state", "women", "women"),
    Population("everyone", "Everyone repatriated by the state", "people", "all"),
]
BY_ID = {p.id: p for p in POPULATIONS}
HOW = {"stated": "stated", "summed": "sum of stated totals", "operations": "from operations", None: "no figure"}


@dataclass
class Count:
    """One country's count of one population, and how it was reached."""

    country: object
    population: Population
    kind: str | None = None  # "stated", "summed", "operations" or None (no figure)
    value: int | float | None = None
    value_max: int | float | None = None
    bound: str = "exact"  # "lower": at least this many
    approximate: bool = False
    how: str = ""  # in words: "188 women + 497 children, both stated totals"
    as_of: str = ""  # the date, the span of dates, or why there is none
    cited: list = field(default_factory=list)  # the `cites` lists of what it counts (the records' own lists)
    figure: object | None = None  # the stated figure, when kind == "stated"
    operations: list = field(default_factory=list)  # the operations summed, when kind == "operations"

    @property
    def text(self) -> str:
        if self.kind is None:
            return "no figure"
        number = f"{self.value:,}" + (f"–{self.value_max:,}" if self.value_max is not None else "")
        return {"lower": "≥ ", "upper": "≤ "}.get(self.bound, "") + ("about " if self.approximate else "") + number

    @property
    def cites(self) -> list:
        return [loc for cites in self.cited for loc in cites]

    @property
    def when(self) -> str:
        """The date in a few words, for the bar's line (the table under the chart says it in full)."""
        if self.kind == "operations":
            years = sorted({op.date[:4] for op in self.operations if op.date})
            return (years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}") if years else "undated"
        return self.as_of if self.as_of[:1].isdigit() else "undated"

    @property
    def top(self) -> float:
        return (self.value_max or self.value or 0) if self.kind else 0


def stated_total(country, group: str, metric: str = "repatriated"):
    """The figure a country profile marks as its own total for a metric and group."""
    return next((f for f in country.figures if f.total and f.metric == metric and f.group == group
                 and f.area is None), None)


def operation_count(op, group: str) -> int | None:
    """How many of a population an operation brought back, from the counts it states (None: it counts none).
    Children are its children (or, where it gives none, its orphans) and its minors."""
    c = op.counts
    children = None
    if c.children is not None or c.orphans is not None or c.minors is not None:
        children = (c.children if c.children is not None else c.orphans or 0) + (c.minors or 0)
    if group == "children":
        return children
    if group == "women":
        return c.women
    if group == "women_and_children":
        return None if c.women is None and children is None else (c.women or 0) + (children or 0)
    return operation_total(op)


def operation_total(op) -> int | None:
    c = op.counts
    if c.total is not None:
        return c.total
    parts = [v for v in (c.women, c.children, c.men, c.minors) if v is not None]
    return sum(parts) if parts else None


def _undated(source_names: list[str]) -> str:
    return "not dated in " + " and ".join(source_names) if source_names else "not dated"


def count(kb: KnowledgeBase, country, population: Population) -> Count:
    out = Count(country, population)
    figure = stated_total(country, population.group)
    if figure:
        out.kind, out.figure, out.value, out.value_max = "stated", figure, figure.value, figure.value_max
        out.bound, out.approximate = figure.bound, figure.approximate and figure.bound == "exact"
        out.cited = [figure.cites]
        out.how = f"stated total: {figure.label}"
        out.as_of = str(figure.as_of) if figure.as_of else _undated(_source_names(kb, figure.cites, country))
        return out
    if population.group == "women_and_children":
        women, children = stated_total(country, "women"), stated_total(country, "children")
        if women and children and women.value_max is None and children.value_max is None:
            out.kind, out.value = "summed", women.value + children.value
            out.bound = "lower" if "lower" in (women.bound, children.bound) else "exact"
            out.cited = [women.cites, children.cites]
            out.how = f"{women.value:,} women + {children.value:,} children, both stated totals"
            dates = sorted({str(f.as_of) for f in (women, children) if f.as_of})
            out.as_of = " and ".join(dates) or _undated(_source_names(kb, out.cites, country))
            return out
    counted = [(op, n) for op in country.operations if (n := operation_count(op, population.group)) is not None]
    if counted:
        out.kind, out.value, out.operations = "operations", sum(n for _, n in counted), [op for op, _ in counted]
        out.bound = "lower" if len(counted) < len(country.operations) else "exact"
        out.cited = [op.cites for op, _ in counted if op.cites]
        if out.bound == "lower":
            of = f"what {len(counted)} of its {len(country.operations)} operations count"
        else:
            of = "what its one operation counts" if len(counted) == 1 else f"what its {len(counted)} operations count"
        out.how = f"{of}: " + " + ".join(f"{n:,}" for _, n in counted)
        dated = sorted(op.date for op, _ in counted if op.date)
        undated = [op.date_text for op, _ in counted if not op.date and op.date_text]
        span = (dated[0] if len(dated) == 1 or dated[0] == dated[-1] else f"{dated[0]} to {dated[-1]}") if dated else ""
        out.as_of = "; ".join(filter(None, [span, *undated])) or "operations not dated"
    return out


def _source_names(kb: KnowledgeBase, cites, country) -> list[str]:
    """The sources of what a count cites, or, when it cites nothing, of its country's profile."""
    ids = [loc.source for loc in cites] or [b.source for b in country.based_on]
    names = [kb.sources[i].short_title for i in ids if i in kb.sources]
    return sorted(set(names))


@dataclass
class Chart:
    population: Population
    counts: list[Count]

    @property
    def id(self) -> str:
        return self.population.id

    @property
    def title(self) -> str:
        return self.population.title

    @property
    def description(self) -> str:
        return "; ".join(f"{c.country.name}: {c.text} ({HOW[c.kind]})" for c in self.counts) + "."

    def axis(self) -> list[dict]:
        """Round ticks from 0 to the largest count, each at its share of the bars' span."""
        top = max((c.top for c in self.counts), default=0) or 1
        step = _nice_step(top / 4)
        ticks = [step * i for i in range(int(top // step) + 1)]
        return [{"value": t, "x": round(SPAN * t / top, 2)} for t in ticks]

    def bars(self) -> list[dict]:
        top = max((c.top for c in self.counts), default=0) or 1
        return [{"count": c, "width": round(SPAN * c.top / top, 2)} for c in self.counts]


SPAN = 72  # percent of the chart's width the longest bar takes: the rest holds its label


def _nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten: ticks a reader can read."""
    power = 10 ** math.floor(math.log10(rough)) if rough > 0 else 1
    return next(power * m for m in (1, 2, 5, 10) if power * m >= rough)


def counts(kb: KnowledgeBase, population: Population) -> list[Count]:
    return [count(kb, c, population) for c in kb.countries]


def charts(kb: KnowledgeBase) -> list[Chart]:
    """A chart for each population some country has a count of."""
    out = [Chart(p, counts(kb, p)) for p in POPULATIONS]
    return [chart for chart in out if any(c.kind for c in chart.counts)]


def headline(kb: KnowledgeBase, country) -> Count | None:
    """The count a home card leads with: women and children where the sources allow (stated, summed, or from
    operations that all count them); otherwise the stated total of everyone; otherwise any count there is."""
    first = count(kb, country, BY_ID["women-and-children"])
    if first.kind and first.bound == "exact":
        return first
    everyone = count(kb, country, BY_ID["everyone"])
    if everyone.kind == "stated":
        return everyone
    return next((c for c in (first, everyone) if c.kind), None)


CSV_COLUMNS = ["country", "country_name", "population", "count", "value", "value_max", "bound", "how", "method", "as_of",
               "sources"]


def csv_rows(kb: KnowledgeBase, chart: Chart) -> list[dict]:
    """The chart's data, one row per country, as its CSV download holds it."""
    return [{"country": c.country.id, "country_name": c.country.name, "population": chart.population.noun,
             "count": c.text, "value": c.value, "value_max": c.value_max, "bound": c.bound if c.kind else None,
             "how": HOW[c.kind], "method": c.how, "as_of": c.as_of,
             "sources": "; ".join(dict.fromkeys(  # each once: two summed totals may cite the same note
                 f"{kb.sources[loc.source].short_title}, footnote {loc.note}" if loc.note is not None
                 else kb.sources[loc.source].short_title for loc in c.cites))}
            for c in chart.counts]


GROUP_NOUNS = {"all": "people", "women_and_children": "women and children"}


def stated_totals(country) -> list[dict]:
    """The totals a profile states, by metric: the total of everyone with the totals of its parts ("722
    people, including 497 children, 188 women and 37 men"), or the parts alone where no whole is stated."""
    by_metric: dict[str, dict] = {}
    for f in country.figures:
        if f.total and f.area is None:
            entry = by_metric.setdefault(f.metric, {"metric": f.metric, "whole": None, "parts": []})
            if f.group == "all" and entry["whole"] is None:
                entry["whole"] = f
            else:
                entry["parts"].append(f)
    return list(by_metric.values())


def operation_rows(kb: KnowledgeBase) -> list[tuple]:
    rows = [(c, op) for c in kb.countries for op in c.operations if op.date and operation_total(op)]
    return sorted(rows, key=lambda r: r[1].date)
