"""``kg_en_relations``: English relation readers over the dependency parse (extractor ``kg.dep.v1``)
and over the words between two names (``kg.en_place.v1``).

Verb frames are the ``dep`` rows of ``ontology/triggers.tsv``: a verb lemma, optionally with the
preposition that introduces the other argument (``invest in``, ``partner with``), and which side of
the property the grammatical subject fills (``left``). The object is the verb's direct object, or
the object of that preposition; in the passive (``was acquired by``) the subject and the agent
change places. Conjoined names (``Sony and Toyota invested``) each take part.

Places: a country or city written as a descriptor of a company (``China's Huawei``,
``Shenzhen-based BYD``, ``US chipmaker Nvidia``: a place, then lowercase words ending in one of the
``en_org_head`` nouns of ``ontology/lexicon.tsv``, then the company), or ``X, based in Y`` /
``headquartered in Y``, states headquarteredIn; a company as the subject of a verb whose ``in``
phrase names a place (``Foxconn will build a plant in India``) states operatesIn.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from ..text import Arg, sentence_spans
from .frames import FoundRelation, doc_args, relation_extensions
from .relations import add_candidates

__all__ = ["EnglishReader"]

_SUBJECTS = {"nsubj"}
_PASSIVE = {"nsubjpass"}


class EnglishReader:
    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        self.onto = load_ontology(ontology)
        # verb lemma -> {preposition ("" for a direct object) -> frames}
        self.frames: dict[str, dict[str, list]] = {}
        for f in self.onto.frames_of("dep"):
            for w in f.words:
                lemma, _, prep = w.partition(" ")
                self.frames.setdefault(lemma.lower(), {}).setdefault(prep.lower(), []).append(f)
        # "Y's NOUN X" (Volkswagen's software subsidiary Cariad, Nvidia's rival AMD): the relational nouns
        # of the noun frames, X standing where the frame's left argument does; with none, the possession frames
        self.nouns = {w.lower(): f for f in self.onto.frames_of("noun") for w in f.words if w.isascii()}
        owned: dict[str, object] = {}  # each property a possession frame gives its possessor, surest frame first
        for f in sorted(self.onto.frames_of("possession"), key=lambda f: -f.confidence):
            if f.left == "object":
                owned.setdefault(f.property, f)
        self.owned = list(owned.values())
        # "A and B announced a partnership", "A, B and C compete": a joint action of coordinated names
        self.joint = {w.lower(): f for f in self.onto.frames_of("joint") for w in f.words if w.isascii()}
        self.round_words = {w.lower() for w in self.onto.lexicon.get("funding_round", ()) if w.isascii()}
        self.lead_frame = next((f for f in self.onto.frames_of("dep") if f.property == "investedIn"), None)
        heads = sorted(self.onto.lexicon.get("en_org_head", ()), key=len, reverse=True)
        self.descriptor = re.compile(r"(?:'s|’s|-based)?\s+(?:[a-z][a-z-]*\s+){0,3}(?:" +
                                     "|".join(map(re.escape, heads)) + r")s?\s+$") if heads else None
        relation_extensions()

    # -- helpers -------------------------------------------------------------
    @staticmethod
    def _at(args: list[Arg], starts: list[int], idx: int) -> Arg | None:
        """The mention holding character ``idx`` (mentions do not overlap; ``starts`` are theirs, sorted)."""
        i = bisect_right(starts, idx) - 1
        return args[i] if i >= 0 and idx < args[i].end else None

    def _arg_of(self, args: list[Arg], starts: list[int], token) -> list[Arg]:
        """The mentions a token stands for: the one holding it (or its compound), with its conjuncts."""
        out = []
        for t in [token, *token.conjuncts]:
            hit = self._at(args, starts, t.idx)
            if hit is None:
                held = [a for c in t.children if c.dep_ in ("compound", "appos")
                        for a in [self._at(args, starts, c.idx)] if a is not None]
                hit = min(held, key=lambda a: a.start) if held else None
            if hit is not None:
                out.append(hit)
            elif t is token:  # "companies including A, B and C", "firms such as A": the names it includes
                for p in t.children:
                    if p.dep_ == "prep" and p.lower_ in ("including", "like", "as"):
                        out += [a for g in p.children if g.dep_ == "pobj"
                                for u in [g, *g.conjuncts] for a in [self._at(args, starts, u.idx)] if a is not None]
        return out

    def _pronoun(self, args: list[Arg], starts: list[int], token) -> list[Arg]:
        """``its``, ``their`` as a possessor: the nearest organisation named before it in its sentence."""
        if token.lower_ not in ("its", "their"):
            return []
        return self._org_before(args, starts, token.idx, floor=token.sent.start_char)

    def _org_before(self, args: list[Arg], starts: list[int], idx: int, floor: int = 0, skip=()) -> list[Arg]:
        """The organisation named last before character ``idx`` (and not before ``floor``), as a list."""
        before = [a for a in args[:bisect_left(starts, idx)] if a.end <= idx and a.start >= floor
                  and self.onto.top_class(a.cls) == "Organization" and a not in skip]
        return before[-1:]

    @staticmethod
    def _sentence_of(sents: list[tuple[int, int]], starts: list[int], token) -> tuple[int, int]:
        """The kg sentence (``sentence_spans``) holding a token; spaCy's own when none does."""
        i = bisect_right(starts, token.idx) - 1
        if i >= 0 and token.idx < sents[i][1]:
            return sents[i]
        return token.sent.start_char, token.sent.end_char

    def _emit(self, out, subjects, prop, objects, frame, sent, extractor):
        for s in subjects:
            for o in objects:
                if s.start == o.start or not (self.onto.accepts(prop, "subject", s.cls) and self.onto.accepts(prop, "object", o.cls)):
                    continue
                out.append(FoundRelation(s, prop, o, frame.confidence if frame else 0.7, sent, extractor))

    # -- readers -------------------------------------------------------------
    def _verbs(self, doc: Doc, args: list[Arg], sents, out) -> None:
        starts = [a.start for a in args]
        sent_starts = [s for s, _ in sents]
        for t in doc:
            if t.pos_ not in ("VERB", "AUX", "NOUN"):
                continue
            lemma = t.lemma_.lower() if t.lemma_ else t.lower_
            noun = t.pos_ == "NOUN"
            subj = [c for c in t.children if c.dep_ in _SUBJECTS]
            passive = [c for c in t.children if c.dep_ in _PASSIVE]
            if t.dep_ in ("acl", "relcl") and not subj and not passive:  # "Zeekr, backed by Geely": the noun it modifies
                (passive if t.tag_ == "VBN" else subj).append(t.head)
            if t.dep_ == "xcomp" and not subj and not passive:  # "X agreed to be acquired by Y", "X plans to buy Y"
                heads = [c for c in t.head.children if c.dep_ in _SUBJECTS | _PASSIVE]
                (passive if any(c.dep_ == "auxpass" for c in t.children) else subj).extend(heads)
            if t.dep_ == "advcl" and t.tag_ in ("VBN", "VBG") and not subj and not passive:
                # "Backed by Y, X raised …", "X grew fast, competing with Y": the participle's subject is the clause's
                heads = [c for c in t.head.children if c.dep_ in _SUBJECTS]
                (passive if t.tag_ == "VBN" else subj).extend(heads)
            if noun:  # "Y's acquisition of X", "its stake in X": the possessor is the verb's subject
                subj = [c for c in t.children if c.dep_ == "poss"] or subj
            preps = {c.lower_: c for c in t.children if c.dep_ in ("prep", "agent", "prt")}
            for prep, frames in self.frames.get(lemma, {}).items():
                if noun and not prep:  # a noun takes its object with "of": "the purchase of X"
                    prep = "of"
                if prep:
                    p = preps.get(prep)
                    if p is None:
                        continue
                    objs = [c for c in t.children if c.dep_ in ("dobj", "attr")] if p.dep_ == "prt" else \
                        [g for g in p.children if g.dep_ == "pobj"]
                else:
                    objs = [c for c in t.children if c.dep_ in ("dobj", "attr")]
                left_tokens = subj
                if passive:  # "X was acquired by Y": X is the verb's object, Y (the agent) its subject
                    agent = preps.get("by")
                    left_tokens = [g for g in agent.children if g.dep_ == "pobj"] if agent is not None else []
                    if not prep:
                        objs = passive
                left = [a for tok in left_tokens for a in (self._arg_of(args, starts, tok) or self._pronoun(args, starts, tok))]
                right = [a for tok in objs for a in self._arg_of(args, starts, tok)]
                if not left or not right:
                    continue
                sent = self._sentence_of(sents, sent_starts, t)
                for f in frames:
                    subjects, objects = (left, right) if f.left == "subject" else (right, left)
                    self._emit(out, subjects, f.property, objects, f, sent, "kg.dep.v1")
            if not passive:
                # "opened stores in Japan", "will build a plant in India": the in-phrase of the verb or of its object
                holders = [t] + [c for c in t.children if c.dep_ in ("dobj", "attr")]
                ins = [c for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "in"]
                places = [a for p in ins for g in p.children if g.dep_ == "pobj"
                          for a in self._arg_of(args, starts, g) if self.onto.top_class(a.cls) == "Place"]
                orgs = [a for tok in subj for a in self._arg_of(args, starts, tok)]
                if places and orgs:
                    sent = self._sentence_of(sents, sent_starts, t)
                    self._emit(out, orgs, "operatesIn", places, None, sent, "kg.dep.v1")

    def _listed(self, doc: Doc, args: list[Arg], sents, out) -> None:
        """``X's investors include A, B and C``, ``Its customers are A and B``: a relational noun (the noun
        frames) as the subject of ``include`` or ``be``, the names after it listed. The other side is the
        noun's possessor, or with none ("Other investors include …") the organisation named last before
        the sentence."""
        starts = [a.start for a in args]
        sent_starts = [s for s, _ in sents]
        for t in doc:
            if t.lemma_.lower() not in ("include", "be", "comprise") or t.pos_ not in ("VERB", "AUX"):
                continue
            subj = [c for c in t.children if c.dep_ == "nsubj" and c.lower_ in self.nouns]
            objs = [c for c in t.children if c.dep_ in ("dobj", "attr")]
            if not subj or not objs:
                continue
            frame = self.nouns[subj[0].lower_]
            listed = [a for tok in objs for a in self._arg_of(args, starts, tok)]
            poss = [c for c in subj[0].children if c.dep_ == "poss"]
            other = [a for tok in poss for a in (self._arg_of(args, starts, tok) or self._pronoun(args, starts, tok))]
            if not poss:
                other = self._org_before(args, starts, t.sent.start_char)
            if not listed or not other:
                continue
            sent = self._sentence_of(sents, sent_starts, t)
            subjects, objects = (listed, other) if frame.left == "subject" else (other, listed)
            self._emit(out, subjects, frame.property, objects, frame, sent, "kg.dep.v1")

    def _appositions(self, doc: Doc, args: list[Arg], sents, out) -> None:
        """``X, a key supplier of Y``, ``X, the main rival of Y``: a relational noun (the noun frames) in
        apposition to a name, with the other name in its of-phrase."""
        starts = [a.start for a in args]
        sent_starts = [s for s, _ in sents]
        for t in doc:
            if t.dep_ != "appos" or t.lower_ not in self.nouns:
                continue
            frame = self.nouns[t.lower_]
            named = self._arg_of(args, starts, t.head)
            other = [a for p in t.children if p.dep_ == "prep" and p.lower_ == "of"
                     for g in p.children if g.dep_ == "pobj" for a in self._arg_of(args, starts, g)]
            if named and other:
                subjects, objects = (named, other) if frame.left == "subject" else (other, named)
                self._emit(out, subjects, frame.property, objects, frame, self._sentence_of(sents, sent_starts, t), "kg.dep.v1")

    def _led_rounds(self, doc: Doc, args: list[Arg], sents, out) -> None:
        """``The round was led by Y``, ``X raised $600 million, led by Y``: the leader of a funding round
        (``funding_round`` in ``ontology/lexicon.tsv``) invested in the company that raised it: the subject of
        the verb the participle hangs on, or the organisation named last before the round."""
        frame = self.lead_frame
        if frame is None:
            return
        starts = [a.start for a in args]
        sent_starts = [s for s, _ in sents]
        for t in doc:
            if t.lemma_.lower() != "lead" or t.tag_ != "VBN":
                continue
            agent = [g for c in t.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            leaders = [a for tok in agent for a in self._arg_of(args, starts, tok)]
            if not leaders:
                continue
            rounds = [c for c in t.children if c.dep_ == "nsubjpass" and c.lower_ in self.round_words]
            if t.dep_ in ("advcl", "acl") and t.head.lemma_.lower() in ("raise", "secure", "close", "complete", "get"):
                raised = [a for c in t.head.children if c.dep_ in _SUBJECTS for a in self._arg_of(args, starts, c)]
            elif rounds or (t.dep_ == "acl" and t.head.lower_ in self.round_words):
                raised = self._org_before(args, starts, (rounds[0] if rounds else t.head).idx, skip=leaders)
            else:
                continue
            sent = self._sentence_of(sents, sent_starts, t)
            self._emit(out, leaders, frame.property, raised, frame, sent, "kg.dep.v1")

    def _joint(self, doc: Doc, args: list[Arg], sents, out) -> None:
        """``A and B announced a partnership``, ``A, B and C will collaborate``, ``a joint venture between A
        and B``: a joint action (the ``joint`` frames: a verb, or the object noun of a verb) whose subject, or
        whose between-phrase, coordinates two names or more relates each pair of them, once."""
        starts = [a.start for a in args]
        sent_starts = [s for s, _ in sents]
        for t in doc:
            frame, groups = None, []
            if t.pos_ in ("VERB", "AUX"):
                frame = self.joint.get(t.lemma_.lower()) or next(
                    (self.joint[c.lemma_.lower()] for c in t.children
                     if c.dep_ in ("dobj", "attr") and c.lemma_.lower() in self.joint), None)
                groups = [c for c in t.children if c.dep_ == "nsubj" and c.conjuncts]
            elif t.pos_ == "NOUN" and t.lemma_.lower() in self.joint:
                frame = self.joint[t.lemma_.lower()]
                groups = [g for p in t.children if p.dep_ == "prep" and p.lower_ == "between"
                          for g in p.children if g.dep_ == "pobj" and g.conjuncts]
            if frame is None or not groups:
                continue
            named = sorted({a for g in groups for a in self._arg_of(args, starts, g)}, key=lambda a: a.start)
            sent = self._sentence_of(sents, sent_starts, t)
            for i, a in enumerate(named):
                self._emit(out, [a], frame.property, named[i + 1:], frame, sent, "kg.dep.v1")

    def _places(self, text: str, args: list[Arg], sents, out) -> None:
        starts = [a.start for a in args]
        for ss, se in sents:
            inside = [a for a in args[bisect_left(starts, ss):bisect_left(starts, se)] if a.end <= se]
            for i, a in enumerate(inside):
                for b in inside[i + 1:i + 3]:
                    between = text[a.end:b.start]
                    if self.onto.top_class(a.cls) == "Place" and self.onto.top_class(b.cls) == "Organization":
                        if between in ("'s ", "’s ", "-based ") or (self.descriptor and self.descriptor.fullmatch(between)):
                            self._emit(out, [b], "headquarteredIn", [a], None, (ss, se), "kg.en_place.v1")
                    if self.onto.top_class(a.cls) == "Organization" and self.onto.top_class(b.cls) == "Place":
                        if re.fullmatch(r",?\s*(?:which is\s+|is\s+)?(?:based|headquartered)\s+in\s+(?:the\s+)?", between):
                            self._emit(out, [a], "headquarteredIn", [b], None, (ss, se), "kg.en_place.v1")

    def _possessives(self, doc: Doc, args: list[Arg], sents, out) -> None:
        """``Y's X`` and ``Y's NOUN X``: an organisation's possessive before another name, with at most
        three lowercase words between (``SoftBank's SB Energy``, ``Huawei's Mate 60 Pro``,
        ``Volkswagen's premium Audi brand``, ``Nvidia's rival AMD``)."""
        starts = [a.start for a in args]
        sent_starts = [s for s, _ in sents]
        for t in doc:
            if t.tag_ != "POS" or t.i == 0:
                continue
            owner = self._at(args, starts, doc[t.i - 1].idx)
            if owner is None or self.onto.top_class(owner.cls) != "Organization":
                continue
            words, named = [], None
            for u in doc[t.i + 1:t.i + 6]:
                named = self._at(args, starts, u.idx)
                if named is None and u.pos_ == "ADP":  # "Y's acquisition of X": a phrase of its own, not Y's X
                    break
                if named is not None or not (u.is_lower or u.is_digit or u.is_punct and u.text == "-"):
                    break
                words.append(u)
            if named is None or named.start == owner.start or len(words) > 3:
                continue
            after = [w for w in doc[t.i + 1:t.i + 8] if w.idx >= named.end][:1]  # "Audi brand": the noun after
            nouns = [self.nouns[w.lower_] for w in words + after if w.lower_ in self.nouns]
            sent = self._sentence_of(sents, sent_starts, t)
            if nouns:
                f = nouns[-1]
                subjects, objects = ([named], [owner]) if f.left == "subject" else ([owner], [named])
                self._emit(out, subjects, f.property, objects, f, sent, "kg.dep.v1")
            else:
                for f in self.owned:
                    self._emit(out, [named], f.property, [owner], f, sent, "kg.dep.v1")

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("DEP"):
            return doc
        args = sorted(doc_args(doc, self.onto), key=lambda a: a.start)
        sents = sentence_spans(doc.text)
        out: list[FoundRelation] = []
        self._verbs(doc, args, sents, out)
        self._places(doc.text, args, sents, out)
        self._possessives(doc, args, sents, out)
        self._listed(doc, args, sents, out)
        self._led_rounds(doc, args, sents, out)
        self._appositions(doc, args, sents, out)
        self._joint(doc, args, sents, out)
        add_candidates(doc, out)
        return doc


@Language.factory("kg_en_relations", default_config={"ontology": None}, requires=["doc.ents"],
                  assigns=["doc._.kg_candidates"])
def make_en_relations(nlp: Language, name: str, ontology: str | None) -> EnglishReader:
    return EnglishReader(nlp, name, ontology)
