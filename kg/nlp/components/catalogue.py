"""``kg_catalogue``: mark every surface form of a catalogue entity.

Reads the catalogue under ``ontology/catalogue/`` and proposes candidate
mentions in ``doc.spans["kg_catalogue"]`` with the entity's id as ``kb_id``.
``kg_mentions`` later decides between these and the other recognisers.
"""
from __future__ import annotations

import re

import unicodedata
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ...ontology import load_ontology, ner_label, to_simplified
from ..text import is_latin

__all__ = ["CatalogueRecogniser", "make_catalogue", "catalogue_forms", "CANDIDATES"]

CANDIDATES = "kg_catalogue"


@lru_cache(maxsize=None)
def catalogue_forms(entry) -> frozenset[str]:
    """Every surface form of a catalogue entry, in the analysis script (Simplified, NFKC).

    Cached: the recogniser, the relation readers and the linker all ask for them."""
    forms = {entry.zh_hant, entry.zh_hans, entry.en, *entry.aliases}
    out = set()
    for f in forms:
        f = unicodedata.normalize("NFKC", f or "").strip()
        if f:
            out.add(f)
            out.add(to_simplified(f))
    return frozenset(out)


class CatalogueRecogniser:
    """Phrase matcher over catalogue labels and aliases.

    Latin forms of up to four letters match case-sensitively (``Arm`` is not
    ``arm``), longer ones case-insensitively, and never inside a longer Latin word.
    """

    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        onto = load_ontology(ontology)
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[str, str] = {}
        # a product written with its maker's name before it (星河X1, 極光Model Q) is two
        # mentions, except where a brand and a model code make one name (問界M8, 極氪9X: the
        # classes of lexicon kind brand_named, when a code follows the brand)
        self.maker_forms: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.brand_named: set[str] = set()
        brand_named = set(onto.lexicon.get("brand_named", ()))
        for entry in onto.catalogue.values():
            if entry.parent in onto.catalogue and ner_label(onto, entry.cls) == "PRODUCT":
                forms = tuple(sorted((f for f in catalogue_forms(onto.catalogue[entry.parent]) if len(f) >= 2),
                                     key=len, reverse=True))
                self.maker_forms[entry.id] = (entry.parent, forms)
                if entry.cls in brand_named:
                    self.brand_named.add(entry.id)
        for entry in onto.catalogue.values():
            label = ner_label(onto, entry.cls)
            self.labels[entry.id] = label
            exact, folded = [], []
            for form in catalogue_forms(entry):
                (folded if is_latin(form) and len(form) > 4 else exact).append(nlp.make_doc(form))
            if exact:
                self.exact.add(entry.id, exact)
            if folded:
                self.folded.add(entry.id, folded)

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get(CANDIDATES, []))
        text = doc.text
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                a, b = span.start_char, span.end_char
                if (text[a].isascii() and text[a].isalnum() and a > 0 and text[a - 1].isascii() and text[a - 1].isalnum()) or \
                   (text[b - 1].isascii() and text[b - 1].isalnum() and b < len(text) and text[b].isascii() and text[b].isalnum()):
                    continue
                kb = doc.vocab.strings[match_id]
                maker = self.maker_forms.get(kb)
                # ... but a hyphen binds the two into one name (DeepSeek-R1)
                form = next((f for f in maker[1] if text.startswith(f, a) and b - a - len(f) >= 2
                             and text[a + len(f)] != "-"), None) if maker else None
                if form and kb in self.brand_named and not re.match(r"\s?[A-Za-z]{3,} ", text[a + len(form):b]):
                    form = None
                if form:
                    cut = a + len(form)
                    while cut < b and text[cut] == " ":
                        cut += 1
                    maker_span = doc.char_span(a, a + len(form), label=self.labels[maker[0]], kb_id=maker[0])
                    product_span = doc.char_span(cut, b, label=self.labels[kb], kb_id=kb)
                    if maker_span is not None and product_span is not None:
                        spans += [maker_span, product_span]
                        continue
                spans.append(Span(doc, start, end, label=self.labels[kb], kb_id=kb))
        doc.spans[CANDIDATES] = spans
        return doc


@Language.factory("kg_catalogue", default_config={"ontology": None})
def make_catalogue(nlp: Language, name: str, ontology: str | None) -> CatalogueRecogniser:
    return CatalogueRecogniser(nlp, name, ontology)
