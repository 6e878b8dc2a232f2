"""``kg_read_rankings``: who outperforms whom, from the figures a sentence compares (``kg.ranking.v1``).

When one sentence gives the same measure of two different companies or products (a ``ranking``
frame of ``ontology/triggers.tsv`` names the measures that rank: market share, revenue, unit
sales …), for the same period and in the same unit, the one with the larger figure outperforms
the other: ``星河市佔率為19%，極光為13%`` and ``Xinghe sold 936,000 cars, Aurora 43,000`` both say
that 星河/Xinghe outperforms the other. The facts come from ``kg_facts``, which runs before it.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from .frames import FoundRelation, relation_extensions
from .relations import add_candidates

__all__ = ["RankingReader", "EXTRACTOR"]

EXTRACTOR = "kg.ranking.v1"


class RankingReader:
    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        self.onto = load_ontology(ontology)
        # measure -> (property, which side the larger figure fills, confidence)
        self.frames = {w: (f.property, f.left, f.confidence) for f in self.onto.frames_of("ranking") for w in f.words}
        relation_extensions("kg_facts")

    def __call__(self, doc: Doc) -> Doc:
        by_measure: dict[tuple, list] = {}
        for f in doc._.kg_facts or []:
            if f.metric in self.frames and f.value > 0:
                by_measure.setdefault((f.sentence, f.metric, f.unit, f.period), []).append(f)
        out = []
        for (sentence, metric, _, _), facts in by_measure.items():
            prop, left, conf = self.frames[metric]
            for a in facts:
                for b in facts:
                    if a.value <= b.value or a.subject.start == b.subject.start or \
                            (a.subject.kb_id and a.subject.kb_id == b.subject.kb_id) or a.subject.text == b.subject.text:
                        continue
                    top, other = (a.subject, b.subject) if left == "subject" else (b.subject, a.subject)
                    if self.onto.top_class(top.cls) != self.onto.top_class(other.cls) or not (
                            self.onto.accepts(prop, "subject", top.cls) and self.onto.accepts(prop, "object", other.cls)):
                        continue
                    out.append(FoundRelation(top, prop, other, conf, sentence, EXTRACTOR,
                                             trigger=(min(a.span[0], b.span[0]), max(a.span[1], b.span[1]))))
        add_candidates(doc, out)
        return doc


@Language.factory("kg_read_rankings", default_config={"ontology": None}, requires=["doc._.kg_facts"],
                  assigns=["doc._.kg_candidates"])
def make_rankings(nlp: Language, name: str, ontology: str | None) -> RankingReader:
    return RankingReader(nlp, name, ontology)
