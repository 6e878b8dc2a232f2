"""Readers for the relation corpora (FinRE, DuIE 2.0) and the label table.

Every reader returns :class:`RelInstance` objects: a sentence, the character offsets of
an ordered (head, tail) entity pair in it (``end`` exclusive) and the gold label in the
model's label space (FinRE labels as they are; DuIE company predicates as ``X`` for
subject → object and ``逆:X`` for object → subject; ``unknown`` for no relation).

Neither corpus gives offsets, so :func:`locate_pair` finds the head and tail strings in
the sentence, choosing the closest non-overlapping occurrences.

Datasets and splits:

* ``finre`` — ``finre/{train,valid}.txt`` (``HEAD\\tTAIL\\tRELATION\\tSENTENCE``, blank
  line after each instance); any file in that format via ``read_finre(path)``.
* ``duie`` — ``duie2/train_first5000.json`` is ``train``; ``duie2/train_sample4398.json``
  (disjoint from it) is the held-out split ``test``. Only sentences carrying one of the
  company predicates in :data:`DUIE_PREDICATES` are used.

Nothing heavy is imported here.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
LABELS_TSV = _HERE / "labels.tsv"
NONE_LABEL = "unknown"
REVERSE_PREFIX = "逆:"
DUIE_PREDICATES: tuple[str, ...] = (
    "董事长",
    "创始人",
    "总部地点",
    "简称",
    "成立日期",
    "注册资本",
    "出品公司",
    "代言人",
)
DUIE_FILES = {"train": "train_first5000.json", "test": "train_sample4398.json"}
FINRE_FILES = {"train": "train.txt", "valid": "valid.txt", "test": "test.txt"}
# Entity-pair negatives drawn per DuIE sentence (pairs of annotated strings with no
# company-predicate triple between them), both directions.
DUIE_NEG_PER_SENT = 2


@dataclass(frozen=True)
class RelInstance:
    """One labelled ordered entity pair in a sentence.

    Attributes:
        text: The sentence.
        head: ``(start, end)`` character offsets of the head entity.
        tail: ``(start, end)`` character offsets of the tail entity.
        label: The gold label (model label space).
    """

    text: str
    head: tuple[int, int]
    tail: tuple[int, int]
    label: str


@dataclass(frozen=True)
class LabelInfo:
    """One row of ``labels.tsv``.

    Attributes:
        dataset: ``finre`` or ``duie``.
        label: The model label.
        predicate: The ontology predicate local name, ``""`` for none.
        direction: ``forward``, ``reverse`` or ``""``.
    """

    dataset: str
    label: str
    predicate: str
    direction: str


@lru_cache(maxsize=None)
def label_table(path: Path = LABELS_TSV) -> tuple[LabelInfo, ...]:
    """Read ``labels.tsv`` (comment lines start with ``#``; first other line is a header).

    Args:
        path: The table to read.

    Returns:
        The rows in file order.
    """
    rows: list[LabelInfo] = []
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    for rec in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        rows.append(
            LabelInfo(rec["dataset"], rec["label"], rec["predicate"] or "", rec["direction"] or "")
        )
    return tuple(rows)


def dataset_labels(dataset: str) -> list[str]:
    """Return the labels of ``dataset`` (``finre`` or ``duie``) in table order.

    For ``duie`` the no-relation label ``unknown`` is prepended.

    Args:
        dataset: ``finre`` or ``duie``.

    Returns:
        The label list.
    """
    labels = [r.label for r in label_table() if r.dataset == dataset]
    if dataset == "duie":
        labels = [NONE_LABEL, *labels]
    return labels


def all_labels() -> list[str]:
    """Return every model label (FinRE's then DuIE's), without duplicates."""
    return list(dict.fromkeys(r.label for r in label_table()))


def _occurrences(text: str, s: str) -> list[int]:
    out: list[int] = []
    i = text.find(s)
    while i >= 0:
        out.append(i)
        i = text.find(s, i + 1)
    return out


def locate_pair(text: str, head: str, tail: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Find ``head`` and ``tail`` in ``text``: the closest occurrences that do not overlap.

    Args:
        text: The sentence.
        head: The head string.
        tail: The tail string.

    Returns:
        ``((hs, he), (ts, te))`` or ``None`` if either is absent (or they only overlap).

    >>> locate_pair("甲公司收购乙公司。后来甲公司称", "甲公司", "乙公司")
    ((0, 3), (5, 8))
    """
    if not head or not tail:
        return None
    best: tuple[int, tuple[tuple[int, int], tuple[int, int]]] | None = None
    for hs in _occurrences(text, head):
        he = hs + len(head)
        for ts in _occurrences(text, tail):
            te = ts + len(tail)
            if hs < te and ts < he:
                continue
            dist = ts - he if ts >= he else hs - te
            if best is None or dist < best[0]:
                best = (dist, ((hs, he), (ts, te)))
    return best[1] if best else None


def read_finre(path: Path) -> tuple[list[RelInstance], int]:
    """Read a FinRE-format file.

    Args:
        path: A ``HEAD\\tTAIL\\tRELATION\\tSENTENCE`` file.

    Returns:
        ``(instances, n_skipped)``; instances whose entities cannot be located are skipped.
    """
    out: list[RelInstance] = []
    skipped = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < 4:
                skipped += 1
                continue
            head, tail, rel = parts[0], parts[1], parts[2]
            text = "\t".join(parts[3:])
            loc = locate_pair(text, head, tail)
            if loc is None:
                skipped += 1
                continue
            out.append(RelInstance(text, loc[0], loc[1], rel))
    return out, skipped


def finre_path(data_dir: Path, split: str) -> Path:
    """Return the FinRE file of ``split`` under ``data_dir``."""
    if split not in FINRE_FILES:
        raise ValueError(f"unknown FinRE split {split!r}; expected one of {sorted(FINRE_FILES)}")
    return Path(data_dir) / "finre" / FINRE_FILES[split]


def read_duie(path: Path, *, seed: int = 0) -> tuple[list[RelInstance], int]:
    """Read DuIE 2.0 JSON lines into company-predicate instances.

    Only sentences with at least one triple whose predicate is in
    :data:`DUIE_PREDICATES` are used. Each such triple gives two instances
    (``X`` subject → object, ``逆:X`` object → subject). Negatives (``unknown``) are
    the other triples of those sentences (both directions) and, per sentence, up to
    :data:`DUIE_NEG_PER_SENT` pairs of annotated strings with no triple between them.

    Args:
        path: A DuIE JSON-lines file.
        seed: Seed for the choice of unrelated pairs (deterministic).

    Returns:
        ``(instances, n_skipped)``.
    """
    rng = random.Random(seed)
    out: list[RelInstance] = []
    skipped = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            text = rec["text"]
            spos = rec.get("spo_list", [])
            if not any(s["predicate"] in DUIE_PREDICATES for s in spos):
                continue
            related: set[frozenset[str]] = set()
            strings: list[str] = []
            for s in spos:
                subj, obj = s["subject"], s["object"]["@value"]
                for x in (subj, obj):
                    if x not in strings:
                        strings.append(x)
                related.add(frozenset((subj, obj)))
                loc = locate_pair(text, subj, obj)
                if loc is None:
                    skipped += 1
                    continue
                if s["predicate"] in DUIE_PREDICATES:
                    fwd, rev = s["predicate"], REVERSE_PREFIX + s["predicate"]
                else:
                    fwd = rev = NONE_LABEL
                out.append(RelInstance(text, loc[0], loc[1], fwd))
                out.append(RelInstance(text, loc[1], loc[0], rev))
            cands = [
                (a, b)
                for i, a in enumerate(strings)
                for b in strings[i + 1 :]
                if frozenset((a, b)) not in related and a not in b and b not in a
            ]
            rng.shuffle(cands)
            for a, b in cands[:DUIE_NEG_PER_SENT]:
                loc = locate_pair(text, a, b)
                if loc is None:
                    continue
                out.append(RelInstance(text, loc[0], loc[1], NONE_LABEL))
                out.append(RelInstance(text, loc[1], loc[0], NONE_LABEL))
    return out, skipped


def duie_path(data_dir: Path, split: str) -> Path:
    """Return the DuIE file of ``split`` (``train`` or the held-out ``test``)."""
    if split in ("valid", "heldout", "dev"):
        split = "test"
    if split not in DUIE_FILES:
        raise ValueError(f"unknown DuIE split {split!r}; expected train or test")
    return Path(data_dir) / "duie2" / DUIE_FILES[split]
