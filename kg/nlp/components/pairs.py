"""``kg_pairs``: the trained pair proposer (``kg.model.pairs.v1``) as a peer of the rule readers.

It scores every candidate pair of mentions in each sentence (:mod:`kg.pairs`) and adds the
relations whose probability clears the predicate's threshold (measured on ``eval/news/dev``
when the model was trained) and whose argument classes the ontology accepts. A relation the
rules also found keeps the rules' record; the model only adds what they missed (mode ``add``;
mode ``all`` proposes every pair it believes, for measuring the model alone).
"""
from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from ...pairs import EXTRACTOR, MAX_GAP, candidate_pairs, dep_features, dep_roots, default_pairs_model, load_pairs, pair_features
from ..segment import tagged_words
from ..text import sentence_spans, word_regex
from .frames import FoundRelation, doc_args, mask

__all__ = ["PairProposer"]


class PairProposer:
    def __init__(self, nlp: Language, name: str, ontology: str | None, model: str | None, threshold: float | None,
                 mode: str = "add") -> None:
        if mode not in ("add", "all"):
            raise ValueError(f"kg_pairs mode {mode!r}: expected 'add' or 'all'")
        self.name, self.mode = name, mode
        self.onto = load_ontology(ontology)
        # the trigger words of the rule readers (verb, noun, possession and title frames), as features
        self.triggers = word_regex(tuple(w for kind in ("verb", "noun", "possession", "title")
                                         for f in self.onto.frames_of(kind) for w in f.words))
        path = default_pairs_model() if model == "default" else (Path(model) if model else None)
        self.model = load_pairs(path) if path is not None else None
        self.threshold = threshold
        if not Doc.has_extension("kg_relations"):
            Doc.set_extension("kg_relations", default=None)

    def featurize(self, doc: Doc, words: bool | None = None, tagged: bool | None = None, deps: bool | None = None,
                  max_gap: int | None = None):
        """(candidate, features) for every candidate pair of ``doc`` (``words``: add the Latin words;
        ``tagged``: add the segmented words; ``deps``: add the dependency path; ``max_gap``: how far
        apart a pair's mentions may be; by default as the model was trained)."""
        words = (self.model.words if self.model is not None else False) if words is None else words
        tagged = (self.model.tagged if self.model is not None else False) if tagged is None else tagged
        deps = (self.model.deps if self.model is not None else False) if deps is None else deps
        max_gap = (self.model.max_gap if self.model is not None else MAX_GAP) if max_gap is None else max_gap
        segmentation = tagged_words(doc) if tagged else None
        seg_starts = [w[0] for w in segmentation] if segmentation else None
        args = doc_args(doc, self.onto)
        text = mask(doc.text, args)
        args = [a for a in args if text[a.start:a.end].strip()]
        rules: dict = {}
        for r in doc._.kg_relations or []:
            rules.setdefault(((r.subject.start, r.subject.end), (r.object.start, r.object.end)), []).append(
                (r.predicate, r.extractor))
        cands = candidate_pairs(sentence_spans(text), args, max_gap)
        roots = dep_roots(doc, args) if deps and doc.has_annotation("DEP") else None
        args = sorted(args, key=lambda a: a.start)
        starts = [a.start for a in args]
        out = []
        for c in cands:
            lo, hi = (c.subject.end, c.object.start) if c.subject.start < c.object.start else (c.object.end, c.subject.start)
            inside = [a for a in args[bisect_left(starts, lo):bisect_left(starts, hi)] if a.end <= hi]
            nearest = not any(a.cls == c.object.cls for a in inside)
            ss, se = c.sentence
            n_sentence = bisect_left(starts, se) - bisect_left(starts, ss)
            feats = pair_features(text, c, self.triggers, rules, len(inside), nearest, n_sentence, words,
                                  segmentation, seg_starts)
            if roots is not None:
                feats += dep_features(roots, c, f"{c.subject.cls}|{c.object.cls}")
            out.append((c, feats))
        return out

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            return doc
        have = {(r.subject.start, r.subject.end, r.predicate, r.object.start, r.object.end)
                for r in doc._.kg_relations or []} if self.mode == "add" else set()
        added = []
        for cand, feats in self.featurize(doc):
            probs = self.model.scores(feats)
            s, o = cand.subject, cand.object
            for p, prob in zip(self.model.predicates, probs):
                limit = self.threshold if self.threshold is not None else self.model.thresholds.get(p, 0.5)
                if prob < limit or not (self.onto.accepts(p, "subject", s.cls) and self.onto.accepts(p, "object", o.cls)):
                    continue
                if p in self.onto.symmetric and o.start < s.start:
                    continue  # a symmetric relation is proposed once, from the earlier mention
                if (s.start, s.end, p, o.start, o.end) in have or \
                        (p in self.onto.symmetric and (o.start, o.end, p, s.start, s.end) in have):
                    continue
                added.append(FoundRelation(s, p, o, round(float(prob), 3), cand.sentence, EXTRACTOR))
        if added:
            doc._.kg_relations = sorted(list(doc._.kg_relations or []) + added,
                                        key=lambda r: (r.sentence, r.subject.start, r.predicate, r.object.start))
        return doc


@Language.factory("kg_pairs", default_config={"ontology": None, "model": "default", "threshold": None, "mode": "add"},
                  requires=["doc.ents", "doc._.kg_relations"], assigns=["doc._.kg_relations"])
def make_pairs(nlp: Language, name: str, ontology: str | None, model: str | None, threshold: float | None,
               mode: str) -> PairProposer:
    return PairProposer(nlp, name, ontology, model, threshold, mode)
