"""``kg_ner_labels``: the trained NER's labels as the project's.

The model is trained on finer labels (COMPANY, GOVERNMENT, ORGANIZATION …) than
the pipeline uses; ``kg/training/labels.tsv`` (kind ``project``) maps them. Entities
whose label has no use in the graph (books, films, majors …) are dropped, and so
are spans that are ordinary words (公司, 子公司; ``ontology/lexicon.tsv``) or end in
one (``…總部``, ``…合資成立``: the tail is cut off).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["NerLabels", "make_ner_labels", "KEEP"]

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
        self.generic |= {w for f in onto.frames_of("title") for w in f.words} | {"子公司", "母公司", "公司", "集团"}
        self.tails = tuple(sorted(lex.get("name_tail", ()), key=len, reverse=True))

    def __call__(self, doc: Doc) -> Doc:
        ents = []
        for e in doc.ents:
            label = self.map(e.label_)
            if label not in self.keep:
                continue
            end = e.end_char
            for t in self.tails:
                if doc.text.endswith(t, e.start_char, end) and end - len(t) > e.start_char + 1:
                    end -= len(t)
                    break
            span = doc.char_span(e.start_char, end, label=label)
            if span is not None and span.text not in self.generic and span.text.lower() not in self.generic:
                ents.append(span)
        doc.ents = ents
        return doc


@Language.factory("kg_ner_labels", default_config={"keep": list(KEEP), "ontology": None}, requires=["doc.ents"],
                  assigns=["doc.ents"])
def make_ner_labels(nlp: Language, name: str, keep: list[str], ontology: str | None) -> NerLabels:
    return NerLabels(nlp, name, keep, ontology)
