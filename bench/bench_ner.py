"""Benchmark the shipped Chinese NER pipeline (kg/models/zh_ner).

Run from the repository root::

    python bench/bench_ner.py [--model PATH] [--data-dir ../shared/data] [--sentences N] [--json]

Text: sentences of ``msra_ner/test.char.bmes`` (People's Daily news). Every measurement runs in
a fresh process (multiprocessing, spawn) with OMP/BLAS threads limited to 1, so load time and
peak memory (``resource.getrusage(...).ru_maxrss``) are per process. Reported, each also as a
ratio against a baseline measured in the same run — the bare ``spacy.blank("zh")`` tokenizer
over the same text:

* throughput in characters/second, one process;
* throughput in characters/second, two processes each taking half of the text (total chars
  over wall time);
* model load time (seconds, after importing spaCy, including one warm-up call);
* peak resident memory of the process (MiB).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def read_sentences(data_dir: Path, limit: int | None) -> list[str]:
    """Return the sentence texts of msra_ner/test.char.bmes (first ``limit`` if given)."""
    sys.path.insert(0, str(ROOT))
    from kg.training.corpora import load_corpus

    texts = [s.text for s in load_corpus("msra", "test", data_dir)]
    return texts[:limit] if limit else texts


def _worker(kind: str, model: str | None, texts: list[str], start_evt, queue) -> None:
    """Load the pipeline, wait for the start signal, process ``texts``; report to ``queue``."""
    import resource

    sys.path.insert(0, str(ROOT))
    import spacy

    from kg.training.ner import load_ner

    t0 = time.perf_counter()  # load time excludes the (shared) library imports
    if kind == "baseline":
        nlp = spacy.blank("zh")
        run = lambda: sum(len(d) for d in nlp.tokenizer.pipe(texts, batch_size=256))  # noqa: E731
    else:
        nlp = load_ner(Path(model) if model else None)
        run = lambda: sum(len(d.ents) for d in nlp.pipe(texts, batch_size=256))  # noqa: E731
    nlp(texts[0])  # warm-up
    load_s = time.perf_counter() - t0
    start_evt.wait()
    t1 = time.perf_counter()
    run()
    elapsed = time.perf_counter() - t1
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"load_s": load_s, "elapsed": elapsed, "chars": sum(map(len, texts)), "peak_mib": peak_mib})


def measure(kind: str, model: str | None, texts: list[str], n_procs: int) -> dict[str, float]:
    """Run ``kind`` (``baseline`` or ``ner``) in ``n_procs`` spawned processes, each over a share of
    ``texts``; the timed work starts only after every worker has loaded."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    barrier = ctx.Barrier(n_procs + 1)
    chunks = [texts[i::n_procs] for i in range(n_procs)]
    procs = [ctx.Process(target=_worker, args=(kind, model, chunk, _BarrierEvent(barrier), queue)) for chunk in chunks]
    for p in procs:
        p.start()
    barrier.wait()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    chars = sum(r["chars"] for r in results)
    wall = max(r["elapsed"] for r in results)
    return {
        "chars_per_s": chars / wall,
        "load_s": max(r["load_s"] for r in results),
        "peak_mib": max(r["peak_mib"] for r in results),
        "chars": chars,
    }


class _BarrierEvent:
    """Adapter giving a multiprocessing Barrier the ``wait()`` interface the worker uses."""

    def __init__(self, barrier) -> None:
        self.barrier = barrier

    def wait(self) -> None:
        self.barrier.wait()


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Run the benchmark and print the table (or JSON)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="pipeline directory (default: kg/models/zh_ner)")
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--sentences", type=int, default=None, help="use only the first N test sentences")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    texts = read_sentences(args.data_dir, args.sentences)
    res = {}
    for kind in ("baseline", "ner"):
        res[f"{kind}_1proc"] = measure(kind, args.model, texts, 1)
        res[f"{kind}_2proc"] = measure(kind, args.model, texts, 2)
    if args.json:
        print(json.dumps(res, indent=1))
        return res
    n_chars = sum(map(len, texts))
    print(f"text: {len(texts)} sentences, {n_chars} chars (msra_ner/test.char.bmes); cpus: {os.cpu_count()}")
    print(f"{'measure':32s} {'ner':>14s} {'baseline':>14s} {'ner/baseline':>13s}")
    rows = [
        ("throughput, 1 process (chars/s)", "1proc", "chars_per_s", "{:14,.0f}"),
        ("throughput, 2 processes (chars/s)", "2proc", "chars_per_s", "{:14,.0f}"),
        ("load time (s)", "1proc", "load_s", "{:14.3f}"),
        ("peak memory, 1 process (MiB)", "1proc", "peak_mib", "{:14.1f}"),
    ]
    for name, procs, key, fmt in rows:
        a, b = res[f"ner_{procs}"][key], res[f"baseline_{procs}"][key]
        print(f"{name:32s} {fmt.format(a)} {fmt.format(b)} {a / b:13.3f}")
    return res


if __name__ == "__main__":
    main()
