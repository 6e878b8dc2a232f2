"""Benchmark the trained components on real news: what ``kg_nameness`` and ``kg_pairs`` cost, and
that their cost grows linearly with the length of a document.

Run from the repository root::

    python bench/bench_trained.py [--json]

Text: the Chinese snippets of ``eval/news/train``. Reported, as ratios against baselines run in the
same process:

* throughput of the whole Chinese pipeline in characters/second: with the trained components, without
  the trained relation extractor ``kg.model.pairs.v1`` (``make_nlp(pairs=None)``), without any trained
  component (``make_nlp(pairs=None, nameness=None)``), and of the bare tokenizer (``nlp.make_doc``),
  each as a ratio to the bare tokenizer, and the extractor's share (with / without it: at least 0.5
  means it costs at most half the throughput);
* the time of ``kg_pairs`` alone on one document made of the snippets joined, at 1×, 2× and 4× its
  length, each as a ratio to the 1× time (linear cost gives about 2 and 4).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _news import news_texts, print_report  # noqa: E402


def _texts() -> list[str]:
    return news_texts("zh")


def _throughput(nlp, texts: list[str]) -> float:
    nlp(texts[0])  # warm-up
    t0 = time.perf_counter()
    for t in texts:
        nlp(t)
    return sum(map(len, texts)) / (time.perf_counter() - t0)


def _tokenizer_throughput(nlp, texts: list[str]) -> float:
    """The bare tokenizer of the same pipeline: the baseline every throughput is a ratio to."""
    t0 = time.perf_counter()
    for t in texts:
        nlp.make_doc(t)
    return sum(map(len, texts)) / (time.perf_counter() - t0)


def _pairs_time(nlp, text: str, repeat: int = 3) -> float:
    pairs = nlp.get_pipe("kg_pairs")
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "kg_pairs":
            break
        doc = proc(doc)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        pairs(doc)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args()
    from kg.nlp import make_nlp

    texts = _texts()
    full = make_nlp("zh")
    no_extractor = make_nlp("zh", pairs=None)
    bare = make_nlp("zh", pairs=None, nameness=None)
    with_trained, without = _throughput(full, texts), _throughput(bare, texts)
    without_extractor = _throughput(no_extractor, texts)
    tokenizer = _tokenizer_throughput(full, texts)
    joined = "".join(texts[:60])
    base = _pairs_time(full, joined)
    scaling = {f"{k}x": round(_pairs_time(full, joined * k) / base, 2) for k in (2, 4)}
    report = {"chars": sum(map(len, texts)), "chars_per_s_tokenizer": round(tokenizer),
              "chars_per_s_with_trained": round(with_trained),
              "chars_per_s_without_extractor": round(without_extractor),
              "chars_per_s_without": round(without), "ratio": round(with_trained / without, 3),
              "extractor_ratio": round(with_trained / without_extractor, 3),
              "vs_tokenizer": {"with_trained": round(with_trained / tokenizer, 4),
                               "without_extractor": round(without_extractor / tokenizer, 4),
                               "without": round(without / tokenizer, 4)},
              "kg_pairs_seconds_1x": round(base, 4), "kg_pairs_time_ratio": scaling}
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
