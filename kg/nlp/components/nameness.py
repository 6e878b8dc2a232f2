"""``kg_nameness``: a trained check that a mention is a name, not a generic noun, fragment or measure.

The recognisers (catalogue, rules, the NER) propose mentions; on real news some are not names
at all (``研究機構``, ``市政府``, ``年報``, ``March 2024``, ``80TOPS``). This component
scores each person, organisation and place mention the catalogue does not know with a logistic model over hashed features of
its characters, its shape, its label and the characters around it (:mod:`kg.pairs`' learner
with one output), trained on the mentions the pipeline finds in ``eval/news/train`` labelled by
that split's entity gold (``kg train relations`` trains it with the pair proposer), and drops
those below the threshold of their label chosen on ``eval/news/dev``. Catalogue matches are always
kept, and a name is judged once per document (kept wherever one of its mentions reads as a name).
"""
from __future__ import annotations

import re
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ...pairs import default_nameness_model, load_pairs
from ..segment import tagged_words

__all__ = ["NamenessFilter", "mention_features", "word_bounds"]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[A-Za-z]")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’&.-]*|\d+")


def _shape(text: str) -> str:
    out = []
    for ch in text:
        c = "d" if ch.isdigit() else "A" if ch.isupper() else "a" if ch.isascii() and ch.isalpha() else \
            " " if ch.isspace() else "c" if "\u4e00" <= ch <= "\u9fff" else "p"
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:8]


def _lexicon() -> dict[str, tuple[str, ...]]:
    global _LEX
    if _LEX is None:
        from ...ontology import load_ontology

        lex = load_ontology().lexicon
        _LEX = {k: tuple(lex.get(k, ())) for k in ("org_suffix", "org_head", "surname", "not_name")}
    return _LEX


_LEX: dict[str, tuple[str, ...]] | None = None


def word_bounds(doc: Doc) -> set[int] | None:
    """The offsets where the segmented words of a Chinese text begin or end (None for a text with no
    Chinese characters, whose words are its tokens)."""
    if not _CJK.search(doc.text):
        return None
    return {b for w in tagged_words(doc) for b in (w[0], w[1])}


def mention_features(text: str, start: int, end: int, label: str, bounds: set[int] | None = None) -> list[str]:
    """Features of the mention ``text[start:end]`` with its label, and what the ontology's word
    lists say of it (ends with an organisation suffix or head word, starts with a surname, is a
    listed non-name): those carry over to names the training text never had. With ``bounds``
    (:func:`word_bounds`), whether the mention begins and ends where segmented words do: a span that
    cuts words on both sides (``前往北辰市`` read as ``往北辰``) is seldom a name.

    >>> f = mention_features("那家星河公司表示", 2, 6, "ORG")
    >>> "last2=公司|ORG" in f, "head=True|ORG" in f
    (True, True)
    """
    m = text[start:end]
    lex = _lexicon()
    head = any(m.endswith(w) and len(m) > len(w) for w in lex["org_suffix"] + lex["org_head"])
    f = ["bias", f"label={label}", f"len={min(len(m), 12)}|{label}", f"shape={_shape(m)}|{label}",
         f"first={m[:1]}|{label}", f"last={m[-1:]}|{label}", f"first2={m[:2]}|{label}", f"last2={m[-2:]}|{label}",
         f"whole={m}|{label}", f"left={text[max(0, start - 1):start]}|{label}", f"right={text[end:end + 1]}|{label}",
         f"left2={text[max(0, start - 2):start]}", f"right2={text[end:end + 2]}",
         f"digit={bool(_DIGIT.search(m))}|{label}", f"latin={bool(_LATIN.search(m))}|{label}",
         f"head={head}|{label}", f"surname={m[:1] in lex['surname']}|{label}|{min(len(m), 5)}",
         f"notname={m in lex['not_name']}|{label}"]
    f += [f"c={ch}|{label}" for ch in set(m)]
    f += [f"b={m[i:i + 2]}" for i in range(len(m) - 1)]
    if _LATIN.match(m[:1]):  # an English name: the words around it ("giant Naver", "Naver said")
        before = _WORDS.findall(text[max(0, start - 30):start])
        after = _WORDS.findall(text[end:end + 30])
        f += [f"wl={before[-1].lower() if before else ''}|{label}", f"wr={after[0].lower() if after else ''}|{label}",
              f"wl2={'_'.join(w.lower() for w in before[-2:])}", f"wr2={'_'.join(w.lower() for w in after[:2])}"]
    if bounds is not None:
        f.append(f"cut={start not in bounds}|{end not in bounds}|{label}")
    return f


# Products are not judged: they come from the catalogue and from shape rules, and the real-news
# corpus holds too few uncatalogued ones (about fifty in dev) to tell a rare model code from noise.
JUDGED = ("PERSON", "ORG", "GPE", "LOC")


class NamenessFilter:
    def __init__(self, nlp: Language, name: str, model: str | None, threshold: float | None) -> None:
        self.name = name
        path = default_nameness_model() if model == "default" else (Path(model) if model else None)
        self.model = load_pairs(path) if path is not None else None
        self.threshold = threshold  # None: the model's own threshold for each label

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None or not doc.ents:
            return doc
        # a name is judged once per document: it stays wherever one of its mentions reads as a name
        best: dict[tuple[str, str], float] = {}
        text = doc.text  # (rebuilt by spaCy at every access)
        bounds = word_bounds(doc) if self.model.tagged else None
        for ent in doc.ents:
            if ent.kb_id_ or ent.label_ not in JUDGED:
                continue
            p = float(self.model.scores(mention_features(text, ent.start_char, ent.end_char, ent.label_, bounds))[0])
            key = (ent.text, ent.label_)
            best[key] = max(best.get(key, 0.0), p)

        def limit(label: str) -> float:
            return self.threshold if self.threshold is not None else self.model.thresholds.get(label, 0.0)

        keep = [ent for ent in doc.ents
                if (ent.text, ent.label_) not in best or best[(ent.text, ent.label_)] >= limit(ent.label_)]
        if len(keep) != len(doc.ents):
            doc.ents = keep
        return doc


@Language.factory("kg_nameness", default_config={"model": "default", "threshold": None},
                  requires=["doc.ents"], assigns=["doc.ents"])
def make_nameness(nlp: Language, name: str, model: str | None, threshold: float | None) -> NamenessFilter:
    return NamenessFilter(nlp, name, model, threshold)
