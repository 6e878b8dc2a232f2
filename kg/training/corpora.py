"""Readers for the annotated Chinese NER corpora in ``shared/data``.

Every reader returns :class:`Sentence` objects: the raw text plus entity spans as
``(start, end, label)`` character offsets (``end`` exclusive) in the corpus's own label
set. Because ``spacy.blank("zh")`` segments one token per character, character offsets
are token offsets too.

Supported datasets and splits:

* ``resume``  — ``resume_ner/{train,dev,test}.char.bmes`` (BMES).
* ``msra``    — ``msra_ner/train.char.bmes`` (BMES). The corpus has no dev split, so
  ``train`` / ``dev`` are a fixed carve of it (every 20th sentence is dev); ``test`` is
  ``test.char.bmes``.
* ``cluener`` — ``cluener2020/{train,dev}.json`` (JSONL, inclusive end offsets).
* ``cfsc``    — ``cfsc_ner/{val,test}.json`` (evaluation only, no train split).
* ``news``    — the project's real-news corpus, ``eval/news/{train,dev,test}`` (the snippets with
  their entity gold, each gold name marked wherever its text occurs in the snippet; read from
  :data:`NEWS_ROOT`, not from ``data_dir``). Its ``test`` split is for scoring only.

The label tables (each corpus's labels, the model's labels → project labels) live in
``labels.tsv`` next to this module; this module only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATASETS: tuple[str, ...] = ("resume", "msra", "cluener", "cfsc", "news")
TRAIN_DATASETS: tuple[str, ...] = ("resume", "msra", "cluener", "news")
NEWS_ROOT = Path("eval/news")  # the real-news corpus, relative to the checkout the training runs in
_NEWS_LABELS = {"Person": "PER", "Organization": "ORG", "Place": "LOC", "Product": "PRODUCT"}
MSRA_DEV_EVERY = 20
_HERE = Path(__file__).resolve().parent
LABELS_TSV = _HERE / "labels.tsv"

Span = tuple[int, int, str]


@dataclass
class Sentence:
    """One annotated sentence.

    Attributes:
        text: The sentence text (Simplified Chinese).
        spans: Entity spans ``(start, end, label)``, ``end`` exclusive.
        missing: Character ranges ``(start, end)`` whose annotation is unknown.
    """

    text: str
    spans: list[Span]
    missing: list[tuple[int, int]] = field(default_factory=list)


def _split_file(dataset: str, split: str, data_dir: Path) -> Path:
    """Return the file holding ``dataset``/``split`` under ``data_dir``."""
    files = {
        ("resume", "train"): "resume_ner/train.char.bmes",
        ("resume", "dev"): "resume_ner/dev.char.bmes",
        ("resume", "test"): "resume_ner/test.char.bmes",
        ("msra", "train"): "msra_ner/train.char.bmes",
        ("msra", "dev"): "msra_ner/train.char.bmes",
        ("msra", "test"): "msra_ner/test.char.bmes",
        ("cluener", "train"): "cluener2020/train.json",
        ("cluener", "dev"): "cluener2020/dev.json",
        ("cfsc", "dev"): "cfsc_ner/val.json",
        ("cfsc", "val"): "cfsc_ner/val.json",
        ("cfsc", "test"): "cfsc_ner/test.json",
    }
    try:
        return Path(data_dir) / files[(dataset, split)]
    except KeyError:
        raise ValueError(f"unknown dataset/split: {dataset}/{split}") from None


def parse_bmes(lines: list[str]) -> list[Sentence]:
    """Parse ``CHAR TAG`` lines (BMES or BIO/BIOES tags, blank line between sentences).

    Malformed tag sequences are repaired leniently: an ``M``/``I``/``E`` tag that does not
    continue an open entity of the same label starts a new one.

    Args:
        lines: Lines of the file, with or without trailing newlines.

    Returns:
        The sentences, in file order.
    """
    sentences: list[Sentence] = []
    chars: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if chars:
            sentences.append(Sentence("".join(chars), tags_to_spans(tags)))
        chars.clear()
        tags.clear()

    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            flush()
            continue
        parts = line.split()
        if len(parts) == 1:  # a whitespace character carrying a tag is not expected here
            char, tag = " ", parts[0]
        else:
            char, tag = parts[0], parts[-1]
        chars.append(char)
        tags.append(tag)
    flush()
    return sentences


def tags_to_spans(tags: list[str]) -> list[Span]:
    """Convert per-character BMES/BIOES/BIO tags to spans.

    Args:
        tags: One tag per character (``O``, ``B-X``, ``M-X``, ``I-X``, ``E-X``, ``S-X``).

    Returns:
        Spans ``(start, end, label)`` with exclusive ``end``.
    """
    spans: list[Span] = []
    start: int | None = None
    label = ""
    for i, tag in enumerate(tags):
        prefix, _, lab = tag.partition("-")
        if prefix == "O" or not lab:
            if start is not None:
                spans.append((start, i, label))
            start = None
            continue
        if prefix in ("B", "S") or start is None or lab != label:
            if start is not None:
                spans.append((start, i, label))
            start, label = i, lab
        if prefix in ("E", "S"):
            spans.append((start, i + 1, label))
            start = None
    if start is not None:
        spans.append((start, len(tags), label))
    return spans


def parse_cluener(lines: list[str]) -> list[Sentence]:
    """Parse CLUENER2020 JSON lines (``label`` offsets have an inclusive end).

    Args:
        lines: JSON lines.

    Returns:
        Sentences with spans sorted by start (unlabelled records give no spans).
    """
    out: list[Sentence] = []
    for line in lines:
        if not line.strip():
            continue
        rec = json.loads(line)
        spans: set[Span] = set()
        for label, ents in (rec.get("label") or {}).items():
            for offsets in ents.values():
                for start, end in offsets:
                    spans.add((start, end + 1, label))
        out.append(Sentence(rec["text"], sorted(spans)))
    return out


def parse_cfsc(text: str) -> list[Sentence]:
    """Parse a CFSC-NER JSON array (``from``/``to`` offsets, ``to`` exclusive).

    Args:
        text: The whole JSON file content.

    Returns:
        The sentences.
    """
    out: list[Sentence] = []
    for rec in json.loads(text):
        spans = {(lab["from"], lab["to"], lab["Level 1 Aspect"]) for lab in rec.get("labels", [])}
        out.append(Sentence(rec["text"], sorted(spans)))
    return out


def load_corpus(dataset: str, split: str, data_dir: Path = Path("../shared/data")) -> list[Sentence]:
    """Load one split of a corpus in the corpus's own label set.

    Args:
        dataset: ``resume``, ``msra``, ``cluener`` or ``cfsc``.
        split: ``train``, ``dev`` or ``test`` (``cfsc`` also accepts ``val``).
        data_dir: Directory holding the corpus folders (read-only).

    Returns:
        The sentences, overlapping spans removed (the longer, earlier one is kept).

    Raises:
        ValueError: For an unknown dataset/split.
        FileNotFoundError: If the corpus file is missing.
    """
    if dataset == "news":
        return load_news(split)
    path = _split_file(dataset, split, data_dir)
    if dataset == "cluener":
        sents = parse_cluener(path.read_text(encoding="utf-8").splitlines())
    elif dataset == "cfsc":
        sents = parse_cfsc(path.read_text(encoding="utf-8"))
    else:
        sents = parse_bmes(path.read_text(encoding="utf-8").splitlines())
        if dataset == "msra" and split in ("train", "dev"):
            keep_dev = split == "dev"
            sents = [s for i, s in enumerate(sents) if (i % MSRA_DEV_EVERY == MSRA_DEV_EVERY - 1) == keep_dev]
    for s in sents:
        s.spans = _drop_overlaps(s.spans)
    return sents


def load_news(split: str, root: Path | None = None, scripts: tuple[str, ...] = ("hant", "hans")) -> list[Sentence]:
    """The Chinese snippets of one split of the real-news corpus, in the form the pipeline's NER
    reads them (the normalised, Simplified text: same length as the original), each gold entity
    marked at every place its text occurs (longest names first, no overlaps)."""
    from ..ingest import read_document
    from ..normalise import normalise

    root = Path(root or NEWS_ROOT) / split
    if split not in ("train", "dev", "test") or not (root / "entities_gold.jsonl").is_file():
        raise FileNotFoundError(f"{root / 'entities_gold.jsonl'}: no such file (the real-news corpus, eval/news)")
    gold: dict[str, list[tuple[str, str]]] = {}
    for line in (root / "entities_gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            g = json.loads(line)
            if g["type"] in _NEWS_LABELS:
                gold.setdefault(g["doc"], []).append((g["text"], _NEWS_LABELS[g["type"]]))
    out = []
    for path in sorted((root / "docs").glob("*.txt")):
        if not path.stem.startswith(scripts):
            continue
        doc = normalise(read_document(path))
        spans = []
        for name, label in gold.get(path.stem, []):
            start = doc.text.find(name)
            while name and start >= 0:
                spans.append((start, start + len(name), label))
                start = doc.text.find(name, start + len(name))
        out.append(Sentence(doc.analysis, _drop_overlaps(spans)))
    return out


def _drop_overlaps(spans: list[Span]) -> list[Span]:
    """Keep a non-overlapping subset of spans, preferring longer then earlier spans."""
    chosen: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        rng = set(range(span[0], span[1]))
        if span[1] > span[0] and not rng & taken:
            chosen.append(span)
            taken |= rng
    return sorted(chosen)


def _read_tsv(path: Path) -> list[list[str]]:
    """Read a tab-separated file, skipping ``#`` comments, blank lines and the header row."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows[1:]


@lru_cache(maxsize=None)
def label_table(path: Path = LABELS_TSV) -> tuple[tuple[str, str, str, str], ...]:
    """Return all rows ``(kind, dataset, from, to)`` of ``labels.tsv``."""
    return tuple((r[0], r[1], r[2], r[3]) for r in _read_tsv(path))


def label_map(kind: str, dataset: str = "*") -> dict[str, str]:
    """Return the ``from → to`` mapping of one ``kind``/``dataset`` from ``labels.tsv``.

    Args:
        kind: ``corpus``, ``train``, ``eval``, ``unannotated`` or ``project``.
        dataset: The dataset (``*`` for project labels).

    Returns:
        The mapping, in file order.
    """
    return {a: b for k, d, a, b in label_table() if k == kind and d == dataset}


def corpus_labels(dataset: str) -> list[str]:
    """Return the label set ``dataset`` is scored in, in report order."""
    return list(label_map("corpus", dataset))
