"""A character tagger for Chinese NER with one output layer per corpus.

The corpora the model learns from annotate names differently: MSRA's ``ORG`` is CLUENER's
``company``, ``government`` and ``organization`` together, Resume's ``LOC`` is a birthplace,
CLUENER's ``address`` a street address. Forcing them into one label scheme teaches the model
contradictions. Here every corpus keeps its own label set: a shared encoder (character,
character-bigram and word-boundary features, then a CNN) feeds one BILUO softmax *head* per
corpus, and each training sentence is scored only by its own corpus's head.

At prediction time the component decodes the heads listed in ``emit`` (its config) with a
Viterbi search restricted to valid BILUO sequences, and writes the entities to ``doc.ents``
with labels ``<head>.<label>`` (``msra.PER``, ``cluener.company``). An ``emit`` entry is a
head (all its labels) or ``<head>.<label>`` (that label only); earlier entries have
precedence, and entities of later ones are added where they overlap nothing. Scoring a corpus
uses only that corpus's head, so the figures are in the corpus's own label set.

Importing the module registers the layers ``kg.CharWordEmbed.v1`` and ``kg.CharTagger.v1``
and the factory ``kg_char_ner`` (installing the package also declares them as spaCy entry
points, so a bare ``spacy.load`` finds them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import numpy
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.attrs import ENT_IOB, ENT_TYPE, NORM, ORTH, SHAPE
from spacy.tokens import Doc

from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab
from thinc.api import Model, Optimizer, set_dropout_rate

__all__ = ["CharNER", "char_word_embed", "build_char_tagger", "make_char_ner", "head_tags", "viterbi", "EMBED_ARCH", "FACTORY"]

EMBED_ARCH = "kg.CharWordEmbed.v1"
FACTORY = "kg_char_ner"
_BOS = numpy.uint64(0x2F6B1D3A5C7E9F01)
_EOS = numpy.uint64(0x1B3D5F7092A4C6E8)
_MULT = numpy.uint64(0x9E3779B97F4A7C15)
_GOLD_KEY = "kg_gold_tags"
_ATTRS = [NORM, SHAPE]
HEAD_KEY = "kg_head"


# --------------------------------------------------------------------------- features


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """The jieba module, quietened once (it is asked for every Doc)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def word_features(text: str) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Per character: a hash of the jieba word holding it and its position in that word.

    Segmentation is jieba's default dictionary with its HMM for unknown words, so a name
    the dictionary lacks still tends to come out as one word: that boundary is the cue.

    Returns:
        ``(word_hash, position)`` arrays of length ``len(text)``; position is 1–4 for
        B, M, E, S (a one-character word).

    Example:
        >>> h, pos = word_features("雷军说")
        >>> pos.tolist()
        [1, 3, 4]
        >>> bool(h[0] == h[1]) and bool(h[1] != h[2])
        True
    """
    from spacy.strings import hash_string

    hashes: list[int] = []
    pos: list[int] = []
    for word, start, end in _jieba().tokenize(text, HMM=True):
        size = end - start
        hashes += [hash_string(word)] * size
        pos += [4] if size == 1 else [1] + [2] * (size - 2) + [3]
    return numpy.array(hashes, dtype="uint64"), numpy.array(pos, dtype="uint64")


def _features(doc: Doc, words: bool) -> numpy.ndarray:
    """The hashed feature columns of one Doc (one row per character token)."""
    n = len(doc)
    out = numpy.empty((n, 6 if words else 4), dtype="uint64")
    out[:, :2] = doc.to_array(_ATTRS).reshape((n, 2))
    norm = out[:, 0]
    if n:
        with numpy.errstate(over="ignore"):
            out[0, 2] = _BOS * _MULT + norm[0]
            out[1:, 2] = norm[:-1] * _MULT + norm[1:]
            out[:-1, 3] = norm[:-1] * _MULT + norm[1:]
            out[-1, 3] = norm[-1] * _MULT + _EOS
            if words:
                cached = doc.user_data.get("kg_word_features")
                if cached is None or len(cached[0]) != n:
                    text = doc.text
                    if n == len(text):  # one token per character
                        cached = word_features(text)
                    else:  # not one token per character: the tokens stand for the words
                        cached = (doc.to_array(ORTH).astype("uint64"), numpy.full(n, 4, dtype="uint64"))
                    doc.user_data["kg_word_features"] = cached
                w_hash, w_pos = cached
                out[:, 4] = w_hash * _MULT + w_pos
                out[:, 5] = norm * _MULT + w_pos
    return out


def char_word_embed(
    width: int, table_width: int, unigram_rows: int, bigram_rows: int, word_rows: int, shape_rows: int = 64,
    words: bool = True,
) -> Model:
    """Embed each character token from hashed features, mixed by a Maxout layer.

    Features: the character (NORM), its SHAPE, the bigrams with the previous and with the
    next character, and (``words=True``) the jieba word holding the character with the
    character's position in it, and the character with that position.

    Args:
        width: Output width (the encoder's width).
        table_width: Width of each hash table.
        unigram_rows: Rows of the character table (also used for character+position).
        bigram_rows: Rows of each bigram table.
        word_rows: Rows of the word table.
        shape_rows: Rows of the shape table.
        words: Use the word-boundary features.

    Returns:
        A thinc model ``List[Doc] -> List[Floats2d]``.
    """
    from thinc.api import HashEmbed, Maxout, chain, concatenate, list2ragged, ragged2list, with_array

    tables = [
        HashEmbed(table_width, unigram_rows, column=0, seed=21, dropout=0.0),
        HashEmbed(table_width, shape_rows, column=1, seed=22, dropout=0.0),
        HashEmbed(table_width, bigram_rows, column=2, seed=23, dropout=0.0),
        HashEmbed(table_width, bigram_rows, column=3, seed=24, dropout=0.0),
    ]
    if words:
        tables += [
            HashEmbed(table_width, word_rows, column=4, seed=25, dropout=0.0),
            HashEmbed(table_width, unigram_rows, column=5, seed=26, dropout=0.0),
        ]

    def forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Any], Callable]:
        return [model.ops.asarray2i(_features(doc, words), dtype="uint64") for doc in docs], lambda d: []

    feats: Model = Model("kg_char_word_features", forward)
    mix = Maxout(width, table_width * len(tables), nP=3, dropout=0.0, normalize=True)
    return chain(feats, list2ragged(), with_array(concatenate(*tables)), with_array(mix), ragged2list())


# --------------------------------------------------------------------------- tags and decoding


def head_tags(labels: Iterable[str]) -> list[str]:
    """The BILUO tag list of one head: ``O`` first, then B/I/L/U for each label.

    Example:
        >>> head_tags(["PER"])
        ['O', 'B-PER', 'I-PER', 'L-PER', 'U-PER']
    """
    return ["O"] + [f"{p}-{lab}" for lab in labels for p in "BILU"]


@lru_cache(maxsize=32)
def _transitions(tags: tuple[str, ...]) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
    """(transition, start, end) as booleans: True where BILUO allows the move."""
    n = len(tags)
    trans = numpy.zeros((n, n), dtype=bool)
    start = numpy.zeros(n, dtype=bool)
    end = numpy.zeros(n, dtype=bool)
    for j, t in enumerate(tags):
        start[j] = t == "O" or t[0] in "BU"
        end[j] = t == "O" or t[0] in "LU"
        for i, s in enumerate(tags):
            if s == "O" or s[0] in "LU":
                trans[i, j] = t == "O" or t[0] in "BU"
            else:
                trans[i, j] = t[0] in "IL" and t[2:] == s[2:]
    return trans, start, end


def viterbi(scores: list[numpy.ndarray], n_labels: int) -> list[list[int]]:
    """The best valid BILUO tag sequence of each score matrix (T×K, tags as :func:`head_tags`).

    Scores may be logits: a constant added at a position changes no path's rank. Where
    the best tag of every position already forms a valid sequence it is the answer; the
    other sequences are searched together, one step for all of them at a time, using the
    shape of BILUO: O, B and U follow the best "outside" tag (O, L or U), I and L the
    best B or I of the same label.

    Example:
        >>> tags = head_tags(["X"])
        >>> p = numpy.array([[.1, .5, .4, .0, .0], [.1, .0, .3, .2, .4]], dtype="float32")  # best: B-X, U-X
        >>> [tags[i] for i in viterbi([numpy.log(p + 1e-9)], 1)[0]]  # B must close with L
        ['B-X', 'L-X']
    """
    tags = head_tags([str(i) for i in range(n_labels)])
    trans, start, end = _transitions(tuple(tags))
    out: list[list[int] | None] = []
    todo = []
    for i, sc in enumerate(scores):
        greedy = sc.argmax(axis=1) if len(sc) else numpy.zeros(0, dtype=int)
        if not len(greedy) or (start[greedy[0]] and end[greedy[-1]] and trans[greedy[:-1], greedy[1:]].all()):
            out.append(greedy.tolist())
        else:
            out.append(None)
            todo.append(i)
    if not todo:
        return out  # type: ignore[return-value]
    b_ix = 1 + 4 * numpy.arange(n_labels)
    i_ix, l_ix, u_ix = b_ix + 1, b_ix + 2, b_ix + 3
    outside = numpy.concatenate([[0], l_ix, u_ix])  # the tags O, B and U may follow
    lengths = numpy.array([len(scores[i]) for i in todo])
    n, k = len(todo), len(tags)
    lp = numpy.full((n, int(lengths.max()), k), 0.0, dtype="float32")
    for row, i in enumerate(todo):
        lp[row, : lengths[row]] = scores[i]
    score = numpy.where(start, lp[:, 0], -numpy.inf)
    back = numpy.zeros(lp.shape, dtype="int32")
    rows = numpy.arange(n)
    for t in range(1, lp.shape[1]):
        o_arg = outside[score[:, outside].argmax(axis=1)]
        o_best = score[rows, o_arg]
        from_b = score[:, b_ix] >= score[:, i_ix]
        in_arg = numpy.where(from_b, b_ix, i_ix)
        in_best = numpy.where(from_b, score[:, b_ix], score[:, i_ix])
        new = numpy.empty_like(score)
        new[:, 0] = o_best + lp[:, t, 0]
        new[:, b_ix] = o_best[:, None] + lp[:, t, b_ix]
        new[:, u_ix] = o_best[:, None] + lp[:, t, u_ix]
        new[:, i_ix] = in_best + lp[:, t, i_ix]
        new[:, l_ix] = in_best + lp[:, t, l_ix]
        back[:, t, 0] = o_arg
        back[:, t, b_ix] = o_arg[:, None]
        back[:, t, u_ix] = o_arg[:, None]
        back[:, t, i_ix] = in_arg
        back[:, t, l_ix] = in_arg
        live = t < lengths
        score = numpy.where(live[:, None], new, score)
    score = numpy.where(end, score, -numpy.inf)
    for row, i in enumerate(todo):
        best = [int(score[row].argmax())]
        for t in range(int(lengths[row]) - 1, 0, -1):
            best.append(int(back[row, t, best[-1]]))
        out[i] = best[::-1]
    return out  # type: ignore[return-value]


def _spans(tags: list[str], seq: list[int]) -> list[tuple[int, int, str]]:
    """Token spans ``(start, end, label)`` of a valid BILUO index sequence."""
    out, begin = [], 0
    for i, k in enumerate(seq):
        t = tags[k]
        if t[0] == "B":
            begin = i
        elif t[0] == "L":
            out.append((begin, i + 1, t[2:]))
        elif t[0] == "U":
            out.append((i, i + 1, t[2:]))
    return out


def _log_softmax(z: numpy.ndarray) -> numpy.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - numpy.log(numpy.exp(z).sum(axis=1, keepdims=True))


# --------------------------------------------------------------------------- component


class CharNER(TrainablePipe):
    """Multi-head BILUO character tagger; writes ``doc.ents`` (see the module docstring).

    ``cfg["heads"]`` maps each head (a corpus name) to its labels, in order; ``cfg["emit"]``
    lists the heads decoded into ``doc.ents``, first one first.
    """

    def __init__(self, vocab: Vocab, model: Model, name: str = "ner", *, emit: list[str] | None = None) -> None:
        self.vocab = vocab
        self.model = model
        self.name = name
        self.cfg: dict[str, Any] = {"heads": {}, "emit": list(emit or [])}

    # -- label bookkeeping
    @property
    def heads(self) -> dict[str, list[str]]:
        return self.cfg["heads"]

    @property
    def labels(self) -> tuple[str, ...]:
        """Every ``<head>.<label>`` this component can emit."""
        return tuple(f"{h}.{lab}" for h, labs in self.heads.items() for lab in labs)

    def set_heads(self, heads: dict[str, list[str]]) -> None:
        """Declare the heads and their labels (before ``initialize``)."""
        self.cfg["heads"] = {h: list(labs) for h, labs in heads.items()}
        if not self.cfg["emit"]:
            self.cfg["emit"] = list(heads)

    def _layout(self) -> dict[str, tuple[int, list[str]]]:
        """head -> (column offset in the output layer, tag list)."""
        out, off = {}, 0
        for h, labs in self.heads.items():
            tags = head_tags(labs)
            out[h] = (off, tags)
            off += len(tags)
        return out

    def _n_out(self) -> int:
        return sum(len(head_tags(labs)) for labs in self.heads.values())

    # -- prediction
    def predict(self, docs: Iterable[Doc]) -> list[numpy.ndarray]:
        docs = list(docs)
        if not any(len(d) for d in docs):
            return [numpy.zeros((len(d), self._n_out()), dtype="float32") for d in docs]
        return [self.model.ops.to_numpy(s) for s in self.model.predict(docs)]

    def decode(self, scores: list[numpy.ndarray], head: str) -> list[list[tuple[int, int, str]]]:
        """Token spans ``(start, end, label)`` of each Doc's scores under ``head``."""
        layout = self._layout()
        if head not in layout:
            raise ValueError(f"unknown NER head {head!r}; this model has {sorted(layout)}")
        off, tags = layout[head]
        seqs = viterbi([numpy.asarray(sc[:, off : off + len(tags)], dtype="float32") for sc in scores], len(self.heads[head]))
        return [_spans(tags, seq) for seq in seqs]

    def set_annotations(self, docs: Iterable[Doc], scores: list[numpy.ndarray]) -> None:
        docs = list(docs)
        decoded: dict[str, list[list[tuple[int, int, str]]]] = {}
        for entry in self.cfg["emit"]:  # "msra" (every label of a head) or "msra.LOC" (one label)
            head = entry.partition(".")[0]
            if head not in decoded:
                decoded[head] = self.decode(scores, head)
        strings = self.vocab.strings
        for d, doc in enumerate(docs):
            # written as IOB columns in one call: faster than making a Span per entity
            iob = numpy.zeros((len(doc), 2), dtype="uint64")
            iob[:, 0] = 2  # O
            for entry in self.cfg["emit"]:
                head, _, only = entry.partition(".")
                for s, e, lab in decoded[head][d]:
                    if (not only or lab == only) and not (iob[s:e, 0] != 2).any():
                        iob[s, 0] = 3  # B
                        iob[s + 1 : e, 0] = 1  # I
                        iob[s:e, 1] = strings.add(f"{head}.{lab}")
            doc.from_array([ENT_IOB, ENT_TYPE], iob)

    # -- training
    def _gold(self, eg: Example) -> tuple[str, numpy.ndarray]:
        """(head, tag index per token; -1 where the annotation is missing), cached on the reference."""
        ref = eg.reference
        head = ref.user_data.get(HEAD_KEY)
        if head is None:
            raise ValueError("training Doc without a head: set example.reference.user_data['kg_head']")
        cached = ref.user_data.get(_GOLD_KEY)
        if cached is None:
            off, tags = self._layout()[head]
            index = {t: i for i, t in enumerate(tags)}
            cached = numpy.asarray([index.get(t, -1) if t not in (None, "-") else -1 for t in eg.get_aligned_ner()], dtype="int32")
            ref.user_data[_GOLD_KEY] = cached
        return head, cached

    def get_loss(self, examples: Iterable[Example], scores: list[Any]) -> tuple[float, list[Any]]:
        layout = self._layout()
        loss, grads = 0.0, []
        for eg, z in zip(examples, scores, strict=True):
            head, gold = self._gold(eg)
            off, tags = layout[head]
            z_np = self.model.ops.to_numpy(z)
            logp = _log_softmax(z_np[:, off : off + len(tags)])
            known = gold >= 0
            rows = numpy.nonzero(known)[0]
            d = numpy.zeros_like(z_np)
            p = numpy.exp(logp)
            p[~known] = 0.0
            p[rows, gold[rows]] -= 1.0
            d[:, off : off + len(tags)] = p
            loss -= float(logp[rows, gold[rows]].sum())
            grads.append(self.model.ops.asarray2f(d))
        return loss, grads

    def update(
        self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optimizer | None = None,
        losses: dict[str, float] | None = None,
    ) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        if not examples:
            return losses
        set_dropout_rate(self.model, drop)
        scores, backprop = self.model.begin_update([eg.predicted for eg in examples])
        loss, d_scores = self.get_loss(examples, scores)
        backprop(d_scores)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None,
                   heads: dict[str, list[str]] | None = None) -> None:
        if heads:
            self.set_heads(heads)
        if not self.heads:
            raise ValueError("kg_char_ner needs its heads (corpus -> labels) before initialize")
        sample = [eg.predicted for _, eg in zip(range(10), get_examples())]
        self.model.get_ref("output").set_dim("nO", self._n_out())
        self.model.initialize(X=sample)

    def add_label(self, label: str) -> int:
        raise NotImplementedError("kg_char_ner takes its labels per head: use set_heads()")


@registry.architectures("kg.CharTagger.v1")
def build_char_tagger(tok2vec: Model, nO: int | None = None) -> Model:
    """``tok2vec`` then one linear layer whose outputs hold every head's tag scores."""
    from thinc.api import Linear, chain, with_array

    output = Linear(nO=nO)
    model = chain(tok2vec, with_array(output))
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("output", output)
    return model


registry.architectures(EMBED_ARCH, func=char_word_embed)


@Language.factory(FACTORY, default_config={"emit": []}, assigns=["doc.ents"])
def make_char_ner(nlp: Language, name: str, model: Model, emit: list[str]) -> CharNER:
    """The ``kg_char_ner`` factory."""
    return CharNER(nlp.vocab, model, name, emit=emit)
