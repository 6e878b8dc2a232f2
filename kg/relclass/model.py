"""The relation-classifier spaCy component ``kg_relclass``.

The classifier reads a sentence in which the head and tail entities are wrapped in
marker characters (head ``⦅…⦆``, tail ``⦃…⦄``), one token per character, and predicts one
label of ``labels.tsv`` (FinRE's 44 labels plus the DuIE company predicates, ``unknown``
meaning no relation). Its model (``kg.RelPairClassifier.v1``) is a hashed character
embedding with a CNN encoder; the token vectors at the four markers plus a max-pool over
the sentence go through a Maxout layer into a softmax.

The component subclasses spaCy's exclusive ``textcat`` (so it trains with
``nlp.update`` on marked docs), but when called on a document it does relation
classification: for every pair of ``doc.ents`` in the same sentence it scores both orders
and writes ``doc._.kg_relclass``, a list of ``(head_span, tail_span, predicate,
probability)`` where ``predicate`` is an ontology predicate read from ``head`` to
``tail`` (reverse labels such as ``被收购`` are turned around).

Use::

    from kg.relclass.model import load_relclass, classify_pairs
    rel = load_relclass()                       # kg/models/relclass_zh
    classify_pairs(rel, "腾讯收购了搜狗。", [(0, 2, 5, 7)])   # [("acquired", 0.9…)]

or source the component into a pipeline whose NER sets ``doc.ents``::

    nlp.add_pipe("kg_relclass", source=load_relclass())

Nothing heavy is imported at module import time; the factory and the architecture are
registered by :func:`register` (called by :func:`load_relclass` and the trainer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.relclass.data import label_table

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab
    from thinc.api import Model

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "relclass_zh"
FACTORY = "kg_relclass"
ARCH = "kg.RelPairClassifier.v1"
HEAD_OPEN, HEAD_CLOSE, TAIL_OPEN, TAIL_CLOSE = "⦅", "⦆", "⦃", "⦄"
MARKERS = (HEAD_OPEN, HEAD_CLOSE, TAIL_OPEN, TAIL_CLOSE)
# Context kept either side of the pair, in characters.
CONTEXT = 50
# Default minimum probability for a predicate to be written to doc._.kg_relclass.
THRESHOLD = 0.5
# Ontology predicates that hold in both directions.
SYMMETRIC = frozenset({"partnerOf", "competitorOf", "comparedTo"})
_SENT_END = re.compile(r"[。！？!?；;\n]")
_REGISTERED = False

DEFAULT_CONFIG = """
[model]
@architectures = "kg.RelPairClassifier.v1"
hidden_width = 256
dropout = 0.1
nO = null

[model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 128
attrs = ["NORM", "SHAPE"]
rows = [8000, 100]
include_static_vectors = false

[model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 128
window_size = 1
maxout_pieces = 3
depth = 3
"""


# --------------------------------------------------------------------------- marking


def mark(text: str, head: tuple[int, int], tail: tuple[int, int], context: int = CONTEXT) -> str:
    """Wrap head and tail in marker characters and crop to ``context`` chars either side.

    Marker characters already in the text are replaced by spaces. Overlapping/nested
    spans are marked too (outer span opens first).

    Args:
        text: The sentence.
        head: ``(start, end)`` of the head.
        tail: ``(start, end)`` of the tail.
        context: Characters kept before the first and after the last entity character.

    Returns:
        The marked (cropped) text.

    >>> mark("甲收购乙", (0, 1), (3, 4))
    '⦅甲⦆收购⦃乙⦄'
    """
    for m in MARKERS:
        if m in text:
            text = text.replace(m, " ")
    lo = max(0, min(head[0], tail[0]) - context)
    hi = min(len(text), max(head[1], tail[1]) + context)
    # (position, order, marker): at one position closes come first (inner before outer),
    # then opens (outer before inner).
    ins = [
        (head[0], 1, -(head[1] - head[0]), HEAD_OPEN),
        (tail[0], 1, -(tail[1] - tail[0]), TAIL_OPEN),
        (head[1], 0, head[1] - head[0], HEAD_CLOSE),
        (tail[1], 0, tail[1] - tail[0], TAIL_CLOSE),
    ]
    ins.sort(key=lambda x: (x[0], x[1], x[2]))
    out: list[str] = []
    pos = lo
    for p, _, _, m in ins:
        out.append(text[pos:p])
        out.append(m)
        pos = p
    out.append(text[pos:hi])
    return "".join(out)


def marked_doc(vocab: Vocab, text: str, head: tuple[int, int], tail: tuple[int, int]) -> Doc:
    """Return the marked pair as a one-token-per-character Doc (see :func:`mark`)."""
    from spacy.tokens import Doc

    marked = mark(text, head, tail)
    chars = [c for c in marked if not c.isspace()] or [" "]
    return Doc(vocab, words=chars, spaces=[False] * len(chars))


# --------------------------------------------------------------------------- model layer


def _pair_pool_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Any, Any]:
    """Vectors at the 4 markers plus a max-pool over the doc, concatenated per doc."""
    tok2vec = model.layers[0]
    Xs, bp_tok = tok2vec(docs, is_train)
    ops = model.ops
    xp = ops.xp
    width = Xs[0].shape[1] if Xs else model.get_dim("nI")
    marker_ids = [docs[0].vocab.strings.add(m) for m in MARKERS] if docs else []
    from spacy.attrs import ORTH

    idxs = []
    argmaxes = []
    rows = []
    for doc, X in zip(docs, Xs):
        orth = doc.to_array([ORTH]).reshape(-1)
        ix = []
        for mid in marker_ids:
            hit = (orth == mid).nonzero()[0]
            ix.append(int(hit[0]) if len(hit) else 0)
        ix_arr = xp.asarray(ix, dtype="i")
        am = X.argmax(axis=0)
        idxs.append(ix_arr)
        argmaxes.append(am)
        rows.append(xp.concatenate([X[ix_arr].reshape(-1), X.max(axis=0)]))
    Y = xp.stack(rows) if rows else ops.alloc2f(0, 5 * width)
    cols = xp.arange(width)

    def backprop(dY: Any) -> Any:
        dXs = []
        for X, ix_arr, am, d in zip(Xs, idxs, argmaxes, dY):
            dX = ops.alloc2f(*X.shape)
            dsel = d[: 4 * width].reshape(4, width)
            xp.add.at(dX, ix_arr, dsel)
            xp.add.at(dX, (am, cols), d[4 * width :])
            dXs.append(dX)
        return bp_tok(dXs)

    return Y, backprop


def _pair_pool_init(model: Model, X: Any = None, Y: Any = None) -> None:
    model.layers[0].initialize(X=X)


def build_rel_pair_classifier(
    tok2vec: Model, hidden_width: int = 256, dropout: float = 0.1, nO: int | None = None
) -> Model:
    """Build the ``kg.RelPairClassifier.v1`` model: docs → label probabilities.

    Args:
        tok2vec: The token encoder (its output width is read with ``get_dim("nO")``).
        hidden_width: Width of the Maxout layer.
        dropout: Dropout after the Maxout layer.
        nO: Number of labels (inferred at initialisation when ``None``).

    Returns:
        The thinc model.
    """
    from thinc.api import Maxout, Model, Softmax, chain

    width = tok2vec.get_dim("nO")
    pool = Model(
        "rel_pair_pool",
        _pair_pool_forward,
        init=_pair_pool_init,
        layers=[tok2vec],
        dims={"nO": 5 * width, "nI": width},
    )
    output = Softmax(nO=nO)
    model = chain(
        pool,
        Maxout(nO=hidden_width, nI=5 * width, nP=3, dropout=dropout, normalize=True),
        output,
    )
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("output_layer", output)
    return model


# --------------------------------------------------------------------------- component


def _make_component_class() -> type:
    from spacy.pipeline.textcat import TextCategorizer

    class RelClassifier(TextCategorizer):
        """Exclusive classifier over marked entity pairs (see the module docstring)."""

        def __init__(self, vocab: Vocab, model: Model, name: str, *, threshold: float) -> None:
            super().__init__(vocab, model, name, threshold=0.0)
            self.cfg["rel_threshold"] = threshold

        # -- inference on raw docs ------------------------------------------------
        def score_pairs(
            self, text: str, pairs: Sequence[tuple[int, int, int, int]]
        ) -> list[dict[str, float]]:
            """Return label → probability for each ``(hs, he, ts, te)`` pair of ``text``."""
            if not pairs:
                return []
            docs = [marked_doc(self.vocab, text, (p[0], p[1]), (p[2], p[3])) for p in pairs]
            scores = self.model.ops.to_numpy(self.predict(docs))
            labels = self.labels
            return [{lab: float(row[j]) for j, lab in enumerate(labels)} for row in scores]

        def pair_outcomes(
            self, text: str, pairs: Sequence[tuple[int, int, int, int]]
        ) -> list[dict[tuple[str, int], float]]:
            """Outcome distribution per pair from scoring both orders.

            Keys are ``(predicate, +1)`` for ``head P tail``, ``(predicate, -1)`` for
            ``tail P head`` (symmetric predicates only use ``+1``) and ``("", 0)`` for no
            mapped relation. ``head P tail`` gets the mean of the mass of P's forward
            labels in the (head, tail) order and of P's reverse labels in the (tail,
            head) order; the values sum to 1.
            """
            if not pairs:
                return []
            both = [p for pair in pairs for p in (pair, (pair[2], pair[3], pair[0], pair[1]))]
            scored = self.score_pairs(text, both)
            out: list[dict[tuple[str, int], float]] = []
            for i in range(len(pairs)):
                ht, th = scored[2 * i], scored[2 * i + 1]
                dist: dict[tuple[str, int], float] = {}
                for probs, flip in ((ht, 1), (th, -1)):
                    for lab, pr in probs.items():
                        pred, sign = _LABEL_OUTCOME.get(lab, ("", 0))
                        if pred in SYMMETRIC:
                            key = (pred, 1)
                        else:
                            key = (pred, sign * flip)
                        dist[key] = dist.get(key, 0.0) + pr / 2
                out.append(dist)
            return out

        def predicates(
            self, text: str, pairs: Sequence[tuple[int, int, int, int]]
        ) -> list[tuple[str, float]]:
            """Ontology predicate holding head → tail (``""`` for none) and its probability.

            The most probable outcome of :meth:`pair_outcomes` is taken; if it is a
            relation from head to tail, that predicate and its probability are returned,
            otherwise ``""`` and the probability that no predicate holds head → tail.
            """
            out: list[tuple[str, float]] = []
            for dist in self.pair_outcomes(text, pairs):
                best = max(dist, key=lambda k: (dist[k], k[0] == ""))
                if best[0] and best[1] == 1:
                    out.append((best[0], dist[best]))
                else:
                    fwd = sum(v for k, v in dist.items() if k[0] and k[1] == 1)
                    out.append(("", 1.0 - fwd))
            return out

        def __call__(self, doc: Doc) -> Doc:
            """Classify every ordered pair of ``doc.ents`` in the same sentence."""
            pairs: list[tuple[Span, Span]] = []
            ents = list(doc.ents)
            sent_of = _sentence_ids(doc)
            for i, a in enumerate(ents):
                for b in ents[i + 1 :]:
                    if sent_of[a.start_char] == sent_of[b.start_char]:
                        pairs.append((a, b))
            results: list[tuple[Any, Any, str, float]] = []
            if pairs:
                offs = [(a.start_char, a.end_char, b.start_char, b.end_char) for a, b in pairs]
                thr = float(self.cfg.get("rel_threshold", THRESHOLD))
                for (a, b), dist in zip(pairs, self.pair_outcomes(doc.text, offs)):
                    best = max(dist, key=lambda k: (dist[k], k[0] == ""))
                    pred, sign = best
                    if not pred or dist[best] < thr:
                        continue
                    results.append((a, b, pred, dist[best]) if sign == 1 else (b, a, pred, dist[best]))
            doc._.kg_relclass = results
            return doc

        def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
            for doc in stream:
                yield self(doc)

    return RelClassifier


_COMPONENT_CLASS: type | None = None


def _label_outcomes() -> dict[str, tuple[str, int]]:
    """Model label → (predicate, +1 forward / -1 reverse), from ``labels.tsv``."""
    return {
        r.label: (r.predicate, -1 if r.direction == "reverse" else 1) if r.predicate else ("", 0)
        for r in label_table()
    }


_LABEL_OUTCOME: dict[str, tuple[str, int]] = _label_outcomes()


def _sentence_ids(doc: Doc) -> list[int]:
    """Sentence index of every character of ``doc.text``."""
    ids = [0] * (len(doc.text) + 1)
    if doc.has_annotation("SENT_START"):
        for k, sent in enumerate(doc.sents):
            for c in range(sent.start_char, sent.end_char + 1):
                ids[c] = k
        return ids
    k = 0
    for c, ch in enumerate(doc.text):
        ids[c] = k
        if _SENT_END.match(ch):
            k += 1
    ids[len(doc.text)] = k
    return ids


def register() -> None:
    """Register the architecture, the ``kg_relclass`` factory and ``Doc._.kg_relclass``."""
    global _REGISTERED, _COMPONENT_CLASS
    if _REGISTERED:
        return
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.util import registry
    from thinc.api import Config

    if ARCH not in registry.architectures:
        registry.architectures.register(ARCH, func=build_rel_pair_classifier)
    if not Doc.has_extension("kg_relclass"):
        Doc.set_extension("kg_relclass", default=None)
    _COMPONENT_CLASS = _make_component_class()
    if not Language.has_factory(FACTORY):
        cls = _COMPONENT_CLASS

        def make_relclass(nlp: Language, name: str, model: Model, threshold: float) -> Any:
            return cls(nlp.vocab, model, name, threshold=threshold)

        Language.factory(
            FACTORY,
            default_config={"threshold": THRESHOLD, "model": Config().from_str(DEFAULT_CONFIG)["model"]},
            assigns=["doc._.kg_relclass"],
        )(make_relclass)
    _REGISTERED = True


def load_relclass(path: Path | str | None = None) -> Language:
    """Load the trained relation classifier pipeline (offline).

    Args:
        path: Model directory; defaults to ``kg/models/relclass_zh``.

    Returns:
        A ``spacy.blank("zh")``-style pipeline whose only component is ``kg_relclass``.
    """
    import spacy

    register()
    return spacy.load(Path(path) if path is not None else DEFAULT_MODEL)


def _component(nlp_rel: Language) -> Any:
    for name, proc in nlp_rel.pipeline:
        if hasattr(proc, "predicates"):
            return proc
    raise ValueError("pipeline has no kg_relclass component")


def classify_pairs(
    nlp_rel: Language, text: str, pairs: list[tuple[int, int, int, int]]
) -> list[tuple[str, float]]:
    """Classify ordered entity pairs of one text.

    Args:
        nlp_rel: A pipeline from :func:`load_relclass`.
        text: The text (Simplified Chinese); the pairs should be in one sentence.
        pairs: ``(head_start, head_end, tail_start, tail_end)`` character offsets.

    Returns:
        For each pair ``(predicate, probability)``: the ontology predicate that holds
        from head to tail (reverse labels such as ``被收购`` already turned around), or
        ``""`` when the most probable outcome is no mapped relation.
    """
    return _component(nlp_rel).predicates(text, pairs)


def classify_labels(
    nlp_rel: Language, text: str, pairs: list[tuple[int, int, int, int]]
) -> list[tuple[str, float]]:
    """Like :func:`classify_pairs` but return the raw model label (FinRE/DuIE) and its probability."""
    out = []
    for probs in _component(nlp_rel).score_pairs(text, pairs):
        best = max(probs, key=probs.__getitem__)
        out.append((best, probs[best]))
    return out
