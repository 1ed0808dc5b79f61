"""Judged relevance: how well both searches answer the queries a researcher types.

benchmarks/judged_queries.yaml lists queries drawn from the compendium, each with its relevant records
graded 3 (the record that is the answer), 2 (strongly relevant) or 1 (mentions it). This module reads
it and scores a ranking:

- nDCG@10: the graded gain of the first ten results (2^grade - 1, discounted by log2 of the rank),
  over the gain of the best possible order;
- MRR: 1 / the rank of the first answer (grade 3; the best grade the query has if none is 3);
- recall@20: the share of the relevant records (any grade) among the first twenty, the search page's
  first page.

The command line's rankings come from knowledge_base.search; the website's from its search page in a
browser (site_ranking), so that both are measured as a reader meets them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from urllib.parse import urlencode

import yaml

JUDGED = Path(__file__).resolve().parent.parent / "benchmarks" / "judged_queries.yaml"
DEPTH = 20  # results read of each ranking: the search page's first page


@dataclass
class Judged:
    query: str
    grades: dict[str, int]
    filters: dict[str, str] = field(default_factory=dict)
    why: str = ""


def load_judged(path: Path = JUDGED, known_ids: set[str] | None = None) -> list[Judged]:
    """The judged queries; with `known_ids`, only the records the knowledge base has, and only the
    queries left with one (the set is about the compendium's records: another knowledge base lacks them)."""
    out = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]:
        grades = {rid: int(grade) for grade, ids in item["relevant"].items() for rid in ids}
        if known_ids is not None:
            grades = {rid: g for rid, g in grades.items() if rid in known_ids}
        if grades:
            out.append(Judged(item["query"], grades, item.get("filters") or {}, item.get("why", "")))
    return out


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    gain = sum((2 ** grades.get(rid, 0) - 1) / math.log2(i + 2) for i, rid in enumerate(ranked[:k]))
    ideal = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(sorted(grades.values(), reverse=True)[:k]))
    return gain / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[str], grades: dict[str, int]) -> float:
    best = max(grades.values())
    return next((1 / (i + 1) for i, rid in enumerate(ranked) if grades.get(rid) == best), 0.0)


def recall(ranked: list[str], grades: dict[str, int], k: int = DEPTH) -> float:
    return len(set(ranked[:k]) & set(grades)) / len(grades)


def scores(rankings: dict[str, list[str]], judged: list[Judged]) -> dict:
    """Mean nDCG@10, MRR and recall@20 over the judged queries, and each query's own scores."""
    per_query = {j.query: {"ndcg@10": ndcg(rankings[j.query], j.grades), "mrr": reciprocal_rank(rankings[j.query], j.grades),
                           "recall@20": recall(rankings[j.query], j.grades)} for j in judged}
    summary = {name: round(mean(q[name] for q in per_query.values()), 4) for name in ("ndcg@10", "mrr", "recall@20")}
    return {**summary, "queries": len(judged), "per_query": per_query}


def cli_ranking(folder: Path, judged: Judged) -> list[str]:
    """The command line's first results for a judged query (the index at `folder`)."""
    from .search import search

    result = search(folder, judged.query, limit=DEPTH, **{k: v for k, v in judged.filters.items()
                                                           if k in ("kind", "country", "practice")})
    return [hit.id for hit in result.hits]


def site_ranking(page, server: str, judged: Judged, timeout: float = 15000) -> list[str]:
    """The website's first results for a judged query, read off its search page in a browser (a
    Playwright page; `server` serves the built site)."""
    page.goto(f"{server}/search.html?{urlencode({'q': judged.query, **judged.filters})}")
    page.locator("#kb-search[data-state=done]").wait_for(state="attached", timeout=timeout)
    ids = page.locator(".kb-search-result").evaluate_all("els => els.map(e => e.dataset.id)")
    return ids[:DEPTH]
