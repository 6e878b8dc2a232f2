"""``kg_pairs``: the trained pair proposer (``kg.model.pairs.v1``) as a peer of the rule readers.

It scores every candidate pair of mentions in each sentence (:mod:`kg.pairs`), with what the
rule readers before it proposed (``doc._.kg_candidates``) among its features, and proposes the
relations whose probability clears the predicate's threshold (chosen when the model was trained)
and whose argument classes the ontology accepts, as candidates beside the readers'. ``kg_merge``
decides: by default the model only adds what the rules missed.
"""
from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ...pairs import EXTRACTOR, MAX_GAP, candidate_pairs, dep_features, dep_roots, default_pairs_model, load_pairs, pair_features
from ..segment import tagged_words
from ..text import sentence_spans, word_regex
from .frames import FoundRelation, frame_context, relation_extensions
from .relations import add_candidates, frame_view, surest

__all__ = ["PairProposer"]


class PairProposer:
    def __init__(self, nlp: Language, name: str, ontology: str | None, model: str | None, threshold: float | None) -> None:
        self.name = name
        self.ctx = frame_context(ontology)
        self.onto = self.ctx.onto
        # the trigger words of the rule readers (verb, noun, possession and title frames), as features
        self.triggers = word_regex(tuple(w for kind in ("verb", "noun", "possession", "title")
                                         for f in self.onto.frames_of(kind) for w in f.words))
        path = default_pairs_model() if model == "default" else (Path(model) if model else None)
        self.model = load_pairs(path) if path is not None else None
        self.threshold = threshold
        relation_extensions()

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
        args, text, _ = frame_view(doc, self.ctx)  # the mentions and masked text the readers read
        rules: dict = {}
        # the rule readers' surest record of each relation, as kg_merge will keep it
        for r in surest(r for r in doc._.kg_candidates or [] if r.extractor != EXTRACTOR).values():
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
                added.append(FoundRelation(s, p, o, round(float(prob), 3), cand.sentence, EXTRACTOR))
        add_candidates(doc, added)
        return doc


@Language.factory("kg_pairs", default_config={"ontology": None, "model": "default", "threshold": None},
                  requires=["doc.ents", "doc._.kg_candidates"], assigns=["doc._.kg_candidates"])
def make_pairs(nlp: Language, name: str, ontology: str | None, model: str | None, threshold: float | None) -> PairProposer:
    return PairProposer(nlp, name, ontology, model, threshold)
