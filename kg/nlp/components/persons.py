"""``kg_persons``: person names from surname, word segmentation and context.

A word the segmenter tags as a personal name whose first character is a
common surname (``ontology/lexicon.tsv``, kind ``surname``) is proposed as a
PERSON when a job title stands right before it, a speech verb (表示, 指出 …)
right after it, or the same name is used twice in the document.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from ..segment import tagged_words
from ..text import char_spans, find_words

__all__ = ["PersonRecogniser", "make_persons", "GROUP"]

GROUP = "kg_persons"
_DOTTED = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{1,6}(?:·[\u4e00-\u9fff]{1,8})+")


class PersonRecogniser:
    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        onto = load_ontology(ontology)
        self.surnames = set(onto.lexicon.get("surname", ()))
        self.titles = tuple(w for f in onto.frames_of("title") for w in f.words)
        self.speech = onto.lexicon.get("speech", ())
        self.succession = onto.lexicon.get("succession", ()) + onto.lexicon.get("former", ())
        self.boundaries = onto.lexicon.get("name_boundary", ())  # words a transliterated name never runs into
        self.appoint = onto.lexicon.get("appoint", ())

    def _has_surname(self, word: str) -> bool:
        return word[:1] in self.surnames or word[:2] in self.surnames

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        words = tagged_words(doc)
        candidates: list[tuple[int, int]] = []
        for i, (s, e, w, tag) in enumerate(words):
            if tag.startswith("nr") and len(w) == 1 and w in self.surnames and i + 1 < len(words):
                ns, ne, nw, ntag = words[i + 1]
                if 1 <= len(nw) <= 2 and ntag[:1] in ("n", "v", "a") and "\u4e00" <= nw[0] <= "\u9fff":
                    candidates.append((s, ne))
            elif tag.startswith("nr") and 2 <= len(w) <= 3 and self._has_surname(w):
                candidates.append((s, e))
        for m in _DOTTED.finditer(text):  # 艾倫·沃克, 瑪麗亞·德爾加多
            end = m.end()
            last = m.group().rfind("·") + m.start() + 1
            for w in self.speech + self.succession + self.boundaries:
                k = text.find(w, last, end)
                if k > last:
                    end = min(end, k)
            candidates.append((m.start(), end))
        title_ends = {e for _, e, _ in find_words(text, self.titles)}
        title_ends |= {e + 1 for e in title_ends if e < len(text) and text[e] == "的"}
        speech_starts = {s for s, _, _ in find_words(text, self.speech + self.succession)}
        title_ends |= {e for _, e, _ in find_words(text, self.appoint)}  # 任命李健為…
        counts: dict[str, int] = {}
        for s, e in candidates:
            counts[text[s:e]] = counts.get(text[s:e], 0) + 1
        doc.spans[GROUP] = char_spans(doc, [(s, e) for s, e in candidates
                                            if s in title_ends or e in speech_starts or counts[text[s:e]] >= 2],
                                      "PERSON")
        return doc


@Language.factory("kg_persons", default_config={"ontology": None}, assigns=["doc.spans"])
def make_persons(nlp: Language, name: str, ontology: str | None) -> PersonRecogniser:
    return PersonRecogniser(nlp, name, ontology)
