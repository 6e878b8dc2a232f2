"""The snippets of ``eval/news/train`` the benchmarks run on, as the NLP stage reads them."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def news_texts(lang: str) -> list[str]:
    """The normalised text of every train snippet in ``lang`` (``zh``: either script, or ``en``)."""
    from kg.ingest import read_document
    from kg.normalise import normalise

    out = []
    for path in sorted((ROOT / "eval" / "news" / "train" / "docs").glob("*.txt")):
        doc = normalise(read_document(path))
        if doc.lang == lang:
            out.append(doc.analysis)
    return out


def print_report(report: dict, as_json: bool) -> None:
    """Print a benchmark's report: as JSON, or one ``key value`` line each."""
    import json

    if as_json:
        print(json.dumps(report, indent=1))
        return
    for k, v in report.items():
        print(f"{k:28} {v}")
