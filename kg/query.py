"""SPARQL over a built graph, and the preset queries under ``ontology/queries/``.

>>> sorted(presets())[:3]
['competitors', 'executives', 'facts']
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import QueryError, UnknownNameError
from .ontology import ontology_dir

__all__ = ["QueryResult", "run_query", "presets", "preset_query", "format_result", "to_dataframe"]


@dataclass
class QueryResult:
    """Columns and rows of a SELECT (values as strings), or the answer of an ASK."""

    columns: list[str]
    rows: list[list[str | None]]
    boolean: bool | None = None


def presets() -> dict[str, Path]:
    """Preset name → file, from ``ontology/queries/*.rq``."""
    return {p.stem: p for p in sorted((ontology_dir() / "queries").glob("*.rq"))}


def preset_query(name: str) -> str:
    known = presets()
    if name not in known:
        raise UnknownNameError("preset query", name, list(known))
    return known[name].read_text(encoding="utf-8")


def run_query(graph: Graph | Dataset, sparql: str) -> QueryResult:
    """Run a SELECT or ASK query.

    Raises:
        QueryError: the query does not parse or fails; the message has the parser's words.
    """
    try:
        result = graph.query(sparql)
    except Exception as e:  # pyparsing and rdflib raise several types
        raise QueryError(f"the SPARQL query failed: {e}. Check the syntax; prefixes kg:, rdfs:, prov: must be declared") from e
    if result.type == "ASK":
        return QueryResult([], [], bool(result.askAnswer))
    if result.type != "SELECT":
        raise QueryError(f"expected a SELECT or ASK query, found {result.type}")
    cols = [str(v) for v in result.vars]
    rows = [[None if v is None else str(v) for v in row] for row in result]
    return QueryResult(cols, rows)


def format_result(res: QueryResult, fmt: str = "table") -> str:
    """Render as ``table``, ``csv`` or ``json``."""
    if res.boolean is not None:
        return json.dumps({"boolean": res.boolean}) if fmt == "json" else ("true" if res.boolean else "false")
    if fmt == "json":
        return json.dumps([dict(zip(res.columns, r)) for r in res.rows], ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(res.columns)
        w.writerows([["" if v is None else v for v in r] for r in res.rows])
        return buf.getvalue()
    if fmt != "table":
        raise UnknownNameError("output format", fmt, ["table", "csv", "json"])
    from unicodedata import east_asian_width

    def width(s: str) -> int:
        return sum(2 if east_asian_width(c) in "WF" else 1 for c in s)

    cells = [res.columns] + [["" if v is None else (v if len(v) <= 60 else v[:57] + "...") for v in r] for r in res.rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(res.columns))]
    lines = []
    for k, r in enumerate(cells):
        lines.append("  ".join(v + " " * (widths[i] - width(v)) for i, v in enumerate(r)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"({len(res.rows)} rows)")
    return "\n".join(lines)


def to_dataframe(res: QueryResult):
    """A SELECT result as a pandas DataFrame (numbers converted where they parse)."""
    import pandas as pd

    df = pd.DataFrame(res.rows, columns=res.columns)
    for col in df.columns:
        converted = pd.to_numeric(df[col], errors="coerce")
        if converted.notna().sum() == df[col].notna().sum() and df[col].notna().any():
            df[col] = converted
    return df
