"""A trained relation proposer over pairs of mentions: ``kg.model.pairs.v1``.

Every ordered pair of mentions in a sentence (within :data:`MAX_GAP` characters) is a
candidate. Each is described by hashed sparse features: the argument classes and their
order, the words between them (whole when short, character uni- and bigrams otherwise),
the characters around them, the trigger words of the ontology between and around them,
their distance, and which rule readers related the pair and how — the rules are one of
its inputs. One logistic output per predicate (a pair may hold several: 董事長兼CEO)
gives the probability that the text states it.

The model is trained on the real-news corpus (``eval/news/train``): the mentions are the
ones the pipeline finds, a pair is labelled with the gold relations whose names match
its two mentions. ``kg train relations`` rebuilds it from a fixed seed; it ships in
``kg/models/pairs_zh`` (hashed weights of the features seen in training, float16).
"""
from __future__ import annotations

import json
import re
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["MAX_GAP", "MAX_GAP_LATIN", "PairModel", "dep_features", "dep_roots", "pair_features", "candidate_pairs", "default_pairs_model", "default_nameness_model",
           "load_pairs", "train_pairs"]

MAX_GAP = 60  # characters between two mentions for them to be a candidate pair (Chinese)
MAX_GAP_LATIN = 200  # ... in English, whose words are longer than characters
N_BUCKETS = 1 << 20
EXTRACTOR = "kg.model.pairs.v1"


def default_pairs_model(lang: str = "zh") -> Path | None:
    path = Path(__file__).resolve().parent / "models" / f"pairs_{lang}"
    return path if (path / "meta.json").is_file() else None


def default_nameness_model(lang: str = "zh") -> Path | None:
    path = Path(__file__).resolve().parent / "models" / f"nameness_{lang}"
    return path if (path / "meta.json").is_file() else None


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_BUCKETS - 1)


def _dist(n: int) -> str:
    for limit, name in ((0, "0"), (1, "1"), (2, "2"), (5, "3-5"), (10, "6-10"), (20, "11-20"), (40, "21-40")):
        if n <= limit:
            return name
    return "41+"


@dataclass(frozen=True)
class Candidate:
    """An ordered pair of mentions of one sentence, and what the rules said of it."""

    subject: object  # kg.nlp.text.Arg
    object: object
    sentence: tuple[int, int]


def candidate_pairs(sentences: Sequence[tuple[int, int]], args: Sequence, max_gap: int = MAX_GAP) -> list[Candidate]:
    """Ordered pairs of distinct mentions in one sentence, at most ``max_gap`` characters apart.

    Linear in the text: each mention pairs only with the mentions of its sentence that lie
    within the gap.

    >>> from kg.nlp.text import Arg
    >>> a, b, c = Arg(0, 2, "小米", "ORG", "Organization"), Arg(5, 7, "雷军", "PERSON", "Person"), Arg(90, 92, "华为", "ORG", "Organization")
    >>> [(p.subject.text, p.object.text) for p in candidate_pairs([(0, 100)], [a, b, c])]
    [('小米', '雷军'), ('雷军', '小米')]
    """
    out = []
    args = sorted(args, key=lambda a: (a.start, a.end))
    starts = [a.start for a in args]
    for ss, se in sentences:
        inside = [a for a in args[bisect_left(starts, ss):bisect_left(starts, se)] if a.end <= se]
        for i, x in enumerate(inside):
            for y in inside[i + 1:]:
                if y.start - x.end > max_gap:
                    break
                if y.start < x.end:  # overlapping spans are one name read twice
                    continue
                if (x.kb_id and x.kb_id == y.kb_id) or x.text == y.text:  # one entity named twice relates to nothing
                    continue
                out.append(Candidate(x, y, (ss, se)))
                out.append(Candidate(y, x, (ss, se)))
    return out


_CLAUSE = re.compile(r"[，,；;：:。！？!?]")


_WORD = re.compile(r"[A-Za-z][A-Za-z'&.-]*")


def pair_features(text: str, cand: Candidate, triggers, rules: dict, n_between: int, nearest: bool = True,
                  n_sentence: int = 2, words: bool = False, tagged: Sequence[tuple] | None = None,
                  tagged_starts: Sequence[int] | None = None) -> list[str]:
    """The features of one candidate pair (strings; hashed by the model).

    ``triggers`` is a compiled regex of the ontology's trigger words; ``rules`` maps
    (subject span, object span) to the (predicate, extractor) pairs the rule readers found;
    ``n_between`` counts the mentions between the two, ``nearest`` says that no mention of the
    object's class stands between them, ``n_sentence`` counts the mentions of the sentence (in a
    sentence of many names, any one pair is less likely related); ``words`` adds the Latin words
    between and around the pair (for English, where characters say little); ``tagged`` is the text's
    segmentation into (start, end, word, tag) (:func:`kg.nlp.segment.tagged_words`): the words and
    verbs between the pair and the words around it (``tagged_starts``: their start offsets, computed
    once per text so that each pair costs only its own words).
    """
    s, o = cand.subject, cand.object
    first, second = (s, o) if s.start < o.start else (o, s)
    order = "so" if first is s else "os"
    between = text[first.end:second.start]
    types = f"{s.cls}|{o.cls}|{order}"
    f = ["bias", f"t={types}", f"d={_dist(len(between))}|{order}", f"n={min(n_between, 3)}|{order}",
         f"sl={s.label}", f"ol={o.label}", f"ss={s.text[-2:]}|{s.cls}", f"os={o.text[-2:]}|{o.cls}"]
    slen = cand.sentence[1] - cand.sentence[0]
    f += [f"sm={_dist(n_sentence)}", f"slen={_dist(slen // 10)}"]
    clauses = len(_CLAUSE.findall(between))
    f += [f"cl={min(clauses, 3)}|{types}", f"li={'、' in between}|{types}", f"near={nearest}|{types}"]
    if len(between) <= 10:
        f.append(f"bw={between}|{types}")
    else:
        f.append(f"bh={between[:3]}|{order}")
        f.append(f"bt={between[-3:]}|{order}")
    for i, ch in enumerate(between):
        f.append(f"b1={ch}|{order}")
        if i + 1 < len(between):
            f.append(f"b2={between[i:i + 2]}|{order}")
            f.append(f"tb2={between[i:i + 2]}|{types}")
    if words:
        ws = [w.lower() for w in _WORD.findall(between)]
        f += [f"w={w}|{order}" for w in ws] + [f"tw={w}|{types}" for w in ws]
        f += [f"w2={a}_{b}|{order}" for a, b in zip(ws, ws[1:])]
        f.append(f"wl={'_'.join(w.lower() for w in _WORD.findall(text[max(cand.sentence[0], first.start - 24):first.start])[-2:])}|{types}")
        f.append(f"wr={'_'.join(w.lower() for w in _WORD.findall(text[second.end:second.end + 24])[:2])}|{types}")
    if tagged:
        f += _word_features(tagged, tagged_starts or [w[0] for w in tagged], first, second, order, types)
    left = text[max(cand.sentence[0], first.start - 4):first.start]
    right = text[second.end:min(cand.sentence[1], second.end + 4)]
    f += [f"l1={left[-1:]}|{order}", f"l2={left[-2:]}|{order}", f"r1={right[:1]}|{order}", f"r2={right[:2]}|{order}"]
    if triggers is not None:
        for m in triggers.finditer(between):
            f += [f"tr={m.group()}|{order}", f"trt={m.group()}|{types}"]
        for m in triggers.finditer(left):
            f.append(f"trl={m.group()}|{types}")
        for m in triggers.finditer(right):
            f.append(f"trr={m.group()}|{types}")
    for p, ex in rules.get(((s.start, s.end), (o.start, o.end)), ()):
        f += [f"rule={p}", f"rx={ex}|{p}"]
    for p, ex in rules.get(((o.start, o.end), (s.start, s.end)), ()):
        f.append(f"rrule={p}")
    return f


def _word_features(tagged: Sequence[tuple], starts: Sequence[int], first, second, order: str, types: str) -> list[str]:
    """The segmented words between two mentions (each, and the verbs among them: the first and the
    last one), and the word just before the first and just after the second."""
    lo, hi = bisect_left(starts, first.end), bisect_left(starts, second.start)
    inside = [w for w in tagged[lo:hi] if w[1] <= second.start and w[2].strip()]
    f = [f"jw={w[2]}|{order}" for w in inside]
    verbs = [w[2] for w in inside if w[3].startswith("v")]
    f += [f"jv={v}|{types}" for v in verbs]
    if verbs:
        f += [f"jvf={verbs[0]}|{order}", f"jvl={verbs[-1]}|{types}"]
    else:
        f.append(f"jnov|{types}")
    k = bisect_left(starts, first.start) - 1
    if k >= 0:
        f.append(f"jwl={tagged[k][2]}|{types}")
    k = bisect_left(starts, second.end)
    if k < len(tagged):
        f.append(f"jwr={tagged[k][2]}|{types}")
    return f


def dep_roots(doc, args: Sequence) -> dict[tuple[int, int], object]:
    """The syntactic head token of each mention (by its character span), for :func:`dep_features`."""
    out = {}
    for a in args:
        span = doc.char_span(a.start, a.end, alignment_mode="expand")
        if span is not None and len(span):
            out[(a.start, a.end)] = span.root
    return out


def dep_features(roots: dict, cand: Candidate, types: str, limit: int = 6) -> list[str]:
    """The dependency path between the head tokens of a pair's two mentions: the relations up from the
    subject to their lowest common head, that head's lemma, and the relations down to the object (the
    words of the path too when it is short). Empty when a mention has no token or the path is long."""
    s, o = roots.get((cand.subject.start, cand.subject.end)), roots.get((cand.object.start, cand.object.end))
    if s is None or o is None or s.i == o.i or s.sent.start != o.sent.start:
        return []
    up_s = [s, *s.ancestors][:limit + 1]
    idx = {t.i: k for k, t in enumerate(up_s)}
    down = []
    for t in [o, *o.ancestors][:limit + 1]:
        if t.i in idx:
            up = up_s[:idx[t.i]]
            lca = t
            break
        down.append(t)
    else:
        return [f"dpno|{types}"]
    def rel(t):
        return t.dep_ + (":" + t.lower_ if t.dep_ in ("prep", "agent") else "")
    path = [f"{rel(t)}^" for t in up] + [lca.lemma_.lower()] + [f"v{rel(t)}" for t in reversed(down)]
    deps = [f"{rel(t)}^" for t in up] + ["*"] + [f"v{rel(t)}" for t in reversed(down)]
    f = [f"dpl={min(len(up) + len(down), limit)}|{types}", f"dlca={lca.lemma_.lower()}|{types}",
         f"dpd={'_'.join(deps)}|{types}", f"dpd={'_'.join(deps)}|{lca.pos_}"]
    if len(up) + len(down) <= 4:
        f.append(f"dp={'_'.join(path)}|{types}")
    for t in up[1:] + down[1:]:
        f.append(f"dpw={t.lemma_.lower()}|{types}")
    return f


class PairModel:
    """One logistic output per predicate over hashed sparse features."""

    def __init__(self, predicates: Sequence[str], rows: dict[int, np.ndarray] | None = None,
                 bias: np.ndarray | None = None, thresholds: dict[str, float] | None = None,
                 words: bool = False, tagged: bool = False, deps: bool = False, max_gap: int = MAX_GAP) -> None:
        self.predicates = list(predicates)
        self.words = words  # whether its features include the Latin words (pair_features(words=True))
        self.tagged = tagged  # ... and the segmented words (pair_features(tagged=...))
        self.deps = deps  # ... and the dependency path between the two (dep_features)
        self.max_gap = max_gap  # the farthest apart two mentions of a candidate pair may be
        self.rows = rows or {}
        self.bias = bias if bias is not None else np.zeros(len(self.predicates), dtype=np.float32)
        self.thresholds = thresholds or {}
        self._zero = np.zeros(len(self.predicates), dtype=np.float32)

    def scores(self, features: Iterable[str]) -> np.ndarray:
        z = self.bias.astype(np.float32).copy()
        for b in {_bucket(x) for x in features}:
            row = self.rows.get(b)
            if row is not None:
                z += row
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: Path, meta: dict | None = None) -> None:
        path.mkdir(parents=True, exist_ok=True)
        keys = np.array(sorted(self.rows), dtype=np.int64)
        values = np.stack([self.rows[k] for k in keys]).astype(np.float16) if len(keys) else \
            np.zeros((0, len(self.predicates)), dtype=np.float16)
        np.savez_compressed(path / "weights.npz", keys=keys, values=values, bias=self.bias.astype(np.float32))
        (path / "meta.json").write_text(json.dumps({"extractor": EXTRACTOR, "predicates": self.predicates,
                                                    "thresholds": self.thresholds, "max_gap": self.max_gap,
                                                    "words": self.words, "tagged": self.tagged, "deps": self.deps,
                                                    "buckets": N_BUCKETS, **(meta or {})},
                                                   ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_pairs(path: str | Path) -> PairModel:
    path = Path(path)
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    data = np.load(path / "weights.npz")
    rows = {int(k): v.astype(np.float32) for k, v in zip(data["keys"], data["values"])}
    return PairModel(meta["predicates"], rows, data["bias"].astype(np.float32), meta.get("thresholds", {}),
                     meta.get("words", False), meta.get("tagged", False), meta.get("deps", False),
                     meta.get("max_gap", MAX_GAP))


def train_pairs(examples: list[tuple[list[str], set[str]]], predicates: Sequence[str], *, epochs: int = 12,
                lr: float = 0.2, l2: float = 1e-6, seed: int = 0, positive_weight: float = 3.0,
                weights: Sequence[float] | None = None) -> PairModel:
    """Fit the per-predicate logistic outputs with AdaGrad on (features, gold predicates) examples.

    ``weights`` scales each example's gradient (examples from other corpora may count less)."""
    rng = np.random.default_rng(seed)
    n_pred = len(predicates)
    encoded = [(np.array(sorted({_bucket(x) for x in feats}), dtype=np.int64),
                np.array([1.0 if p in gold else 0.0 for p in predicates], dtype=np.float32)) for feats, gold in examples]
    keys = np.unique(np.concatenate([e[0] for e in encoded])) if encoded else np.zeros(0, dtype=np.int64)
    slot = {int(k): i for i, k in enumerate(keys)}
    W = np.zeros((len(keys), n_pred), dtype=np.float32)
    G = np.full((len(keys), n_pred), 1e-6, dtype=np.float32)
    b = np.zeros(n_pred, dtype=np.float32)
    gb = np.full(n_pred, 1e-6, dtype=np.float32)
    rows = [np.array([slot[int(k)] for k in e[0]], dtype=np.int64) for e in encoded]
    for _ in range(epochs):
        for i in rng.permutation(len(encoded)):
            r, y = rows[i], encoded[i][1]
            z = W[r].sum(axis=0) + b
            with np.errstate(over="ignore"):  # exp(-z) of a very negative score is inf: p is 0, as it should be
                p = 1.0 / (1.0 + np.exp(-z))
            g = (p - y) * np.where(y > 0, positive_weight, 1.0) * (1.0 if weights is None else weights[i])
            grad = g[None, :] + l2 * W[r]
            G[r] += grad * grad
            W[r] -= lr * grad / np.sqrt(G[r])
            gb += g * g
            b -= lr * g / np.sqrt(gb)
    nz = np.abs(W).max(axis=1) > 1e-3
    return PairModel(predicates, {int(k): W[i] for i, k in enumerate(keys) if nz[i]}, b)
