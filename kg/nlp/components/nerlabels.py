"""``kg_ner_labels``: the trained NER's labels as the project's.

The model speaks its corpora's labels (``cluener.company``, ``msra.PER`` …);
``kg/training/labels.tsv`` (kind ``project``) maps them. Entities whose label has no use
in the graph (books, films, majors …) are dropped, and so are spans that are ordinary
words (公司, 子公司; ``ontology/lexicon.tsv``) or end in one (``…總部``, ``…合資成立``:
the tail is cut off).

The model reads characters and learnt from Chinese text, so it cuts Latin words it has
not seen (``Vantag`` of ``Vantage``): a span that starts or ends inside a Latin word is
widened to the whole word, and one left without a Chinese character or a capital letter
is dropped. A unit word written right after an organisation (``事業群``, ``研究院``; ``unit_suffix``)
closes its name; a span whose last characters begin a metric or trigger word that runs on past it
(``阿里雲利`` + ``潤``) ends before them. A person must look like one: a common surname first, or a ``·`` between
transliterated names. The model's products are CLUENER's games; one is kept only as a
title the text sets in ``《》``.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from ..text import latin_char

__all__ = ["NerLabels", "make_ner_labels", "KEEP"]

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CAP_BEFORE = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9&\-]* $")
_CAP_AFTER = re.compile(r" [A-Z][A-Za-z0-9&\-]*(?![A-Za-z0-9])")
_PUNCT = set("（）()《》「」『』【】“”\"'，,、。；;：:")  # never inside a name
_TRIM = _PUNCT | {" "}  # nor at its ends

KEEP = ("PERSON", "ORG", "GPE", "LOC", "PRODUCT")


class NerLabels:
    def __init__(self, nlp: Language, name: str, keep: list[str], ontology: str | None) -> None:
        from ...ontology import load_ontology
        from ...training.ner import project_label

        self.name = name
        self.map = project_label
        self.keep = set(keep)
        onto = load_ontology(ontology)
        lex = onto.lexicon
        self.generic = set(lex.get("anaphor_org", ())) | set(lex.get("not_name", ())) | set(lex.get("generic_acronym", ()))
        self.generic |= {w for f in onto.frames_of("title") for w in f.words} | set(lex.get("generic_org", ()))
        self.tails = tuple(sorted(lex.get("name_tail", ()), key=len, reverse=True))
        self.surnames = set(lex.get("surname", ()))
        self.unit_suffixes = tuple(sorted(lex.get("unit_suffix", ()), key=len, reverse=True))
        # words no name ends inside of: metric and trigger words ("阿里雲利" + "潤": the name ends before 利潤)
        self.across: dict[str, list[str]] = {}  # by first character
        for w in {w for m in onto.metrics.values() for w in m.get("words", ())} | {w for f in onto.frames for w in f.words}:
            if len(w) > 1 and _CJK.match(w):
                self.across.setdefault(w[0], []).append(w)

    def _person_like(self, name: str) -> bool:
        return ("·" in name or name[:1] in self.surnames or name[:2] in self.surnames) and \
            re.fullmatch(r"[\u4e00-\u9fff·]{2,}", name) is not None

    def __call__(self, doc: Doc) -> Doc:
        ents = []
        text = doc.text
        for e in doc.ents:
            label = self.map(e.label_)
            if label not in self.keep:
                continue
            start, end = e.start_char, e.end_char
            while start < end and text[start] in _TRIM:
                start += 1
            while end > start and text[end - 1] in _TRIM:
                end -= 1
            if end - start < 1 or any(c in _PUNCT for c in text[start:end]):  # "超微（AMD": across a bracket
                continue
            while start > 0 and latin_char(text[start - 1]) and latin_char(text[start]):
                start -= 1
            while end < len(text) and latin_char(text[end - 1]) and latin_char(text[end]):
                end += 1
            if latin_char(text[start]):  # capitalised words written before it: Vantage Studios
                while (m := _CAP_BEFORE.search(text, max(0, start - 24), start)) is not None:
                    start = m.start()
            if latin_char(text[end - 1]):
                while (m := _CAP_AFTER.match(text, end)) is not None:
                    end = m.end()
            name = text[start:end]
            if name[0].isdigit() or len(name) < 2:  # 560TOPS: a measure; 美: a part of a word
                continue
            if not _CJK.search(name) and not any(c.isupper() for c in name):
                continue
            if label == "PERSON" and not self._person_like(name):
                continue
            if label == "PRODUCT" and not (text[start - 1:start] == "《" and text[end:end + 1] == "》"):
                continue  # the model's products are CLUENER's games: titles the text sets in 《》
            for t in self.tails:
                if text.endswith(t, start, end) and end - len(t) > start + 1:
                    end -= len(t)
                    break
            for k in (1, 2):  # the span's last characters begin a metric or trigger word that runs on past it
                if end - k >= start + 2 and any(len(w) > k and text.startswith(w, end - k)
                                                for w in self.across.get(text[end - k], ())):
                    end -= k
                    break
            if label == "ORG":  # "騰訊互動娛樂" + "事業群": the unit word closes the unit's name
                end += next((len(w) for w in self.unit_suffixes if text.startswith(w, end)), 0)
            span = doc.char_span(start, end, label=label)
            if span is not None and span.text not in self.generic and span.text.lower() not in self.generic:
                ents.append(span)
        doc.ents = filter_spans(ents)
        return doc


@Language.factory("kg_ner_labels", default_config={"keep": list(KEEP), "ontology": None}, requires=["doc.ents"],
                  assigns=["doc.ents"])
def make_ner_labels(nlp: Language, name: str, keep: list[str], ontology: str | None) -> NerLabels:
    return NerLabels(nlp, name, keep, ontology)
