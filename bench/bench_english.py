"""Benchmark the English pipeline on real news: its throughput against spaCy's own pipeline, and that
its cost grows linearly with the number and the length of documents.

Run from the repository root::

    python bench/bench_english.py [--json]

Text: the English snippets of ``eval/news/train``. Reported, as ratios against baselines run in the
same process (never as absolute times, which depend on the machine):

* throughput of the whole English pipeline (``make_nlp("en")``: spaCy's ``en_core_web_sm`` and kg's
  components after it) in characters/second, of ``en_core_web_sm`` alone on the same texts, and their
  ratio: what kg's own components cost on top of the tagger, parser and NER;
* the time of the whole pipeline on the snippets at 2× and 4× their number, as ratios to 1× (linear
  cost gives about 2 and 4);
* the time of one document made of the snippets joined, at 2× and 4× its length, as ratios to 1×.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _news import news_texts, print_report  # noqa: E402


def _texts() -> list[str]:
    return news_texts("en")


def _seconds(nlp, texts: list[str], repeat: int = 2) -> float:
    nlp(texts[0])  # warm-up
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            nlp(t)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--limit", type=int, default=80, help="snippets to use (default 80)")
    args = ap.parse_args()
    import spacy

    from kg.nlp import ENGLISH_MODEL, make_nlp

    texts = _texts()[: args.limit]
    chars = sum(map(len, texts))
    full = make_nlp("en")
    bare = spacy.load(ENGLISH_MODEL)
    t_full, t_bare = _seconds(full, texts), _seconds(bare, texts)
    more = {f"{k}x": round(_seconds(full, texts * k, repeat=1) / t_full, 2) for k in (2, 4)}
    joined = " ".join(texts[:20])
    t_one = _seconds(full, [joined])
    longer = {f"{k}x": round(_seconds(full, [" ".join([joined] * k)]) / t_one, 2) for k in (2, 4)}
    report = {"snippets": len(texts), "chars": chars,
              "chars_per_s_kg": round(chars / t_full), "chars_per_s_spacy_alone": round(chars / t_bare),
              "ratio_kg_to_spacy": round(t_bare / t_full, 3),
              "time_ratio_more_documents": more, "time_ratio_longer_document": longer}
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
