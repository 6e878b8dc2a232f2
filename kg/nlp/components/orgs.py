"""``kg_orgs``: organisation names no list contains, from their shape.

A name word (as the segmenter cuts it) followed by an organisation head word
(``科技``, ``集團``, ``銀行``, ``半導體`` …; ``ontology/lexicon.tsv``, kind
``org_head``) is proposed as ORG: ``星河科技``, ``壁仞科技``, ``長鑫存儲``.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from ..segment import tagged_words
from ..text import char_spans

__all__ = ["OrgRecogniser", "make_orgs", "GROUP"]

GROUP = "kg_orgs"
_NAME_TAGS = {"nz", "nr", "nrt", "ns", "nt", "n", "j", "eng", "nrfg", "vn", "b", "ng"}
_COMMON = 1000  # a word the segmenter has seen this often is a common word, not a name
_STOP = set("的了在是和与及或等将把被对为从向以于也都而且并")


class OrgRecogniser:
    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        onto = load_ontology(ontology)
        self.heads = set(onto.lexicon.get("org_head", ()))
        self.not_names = set(onto.lexicon.get("generic_acronym", ())) | set(onto.lexicon.get("anaphor_org", ()))
        self.not_names |= {w for m in onto.metrics.values() for w in m.get("words", ())}
        self.not_names |= set(onto.lexicon.get("not_name", ()))

    def _name_like(self, word: str, tag: str) -> bool:
        import jieba

        return (tag in _NAME_TAGS and word not in self.not_names and not any(c in _STOP for c in word)
                and not word.isdigit() and any(c.isalpha() for c in word)
                and jieba.dt.FREQ.get(word, 0) <= _COMMON and word[-1] not in "级化性类型式")

    def __call__(self, doc: Doc) -> Doc:
        words = tagged_words(doc)
        spans = []
        for i, (s, e, w, tag) in enumerate(words):
            if w not in self.heads or i == 0:
                continue
            j = i - 1
            ps, pe, pw, ptag = words[j]
            if ptag == "eng" and pw.lower() in {x.lower() for x in self.not_names}:
                continue
            if len(pw) == 1 and j > 0:  # a one-character word ends a longer name: 長 + 鑫 + 存儲
                qs, qe, qw, qtag = words[j - 1]
                if len(qw) <= 2 and (qtag in _NAME_TAGS or qtag == "a") and not any(c in _STOP for c in qw + pw) \
                        and "\u4e00" <= qw[0] <= "\u9fff" and "\u4e00" <= pw <= "\u9fff":
                    ps = qs
                else:
                    continue
            elif not self._name_like(pw, ptag):
                continue
            if pw in self.heads:
                continue
            spans.append((ps, e))
        doc.spans[GROUP] = char_spans(doc, spans, "ORG")
        return doc


@Language.factory("kg_orgs", default_config={"ontology": None}, assigns=["doc.spans"])
def make_orgs(nlp: Language, name: str, ontology: str | None) -> OrgRecogniser:
    return OrgRecogniser(nlp, name, ontology)
