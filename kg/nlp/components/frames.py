"""What the relation readers share: the sentences of a document with their entity
units, coordinated groups, anaphora resolution, sentence topics and the typed
emission of a relation (:class:`FrameContext`).

The readers themselves are in ``relations.py`` (verbs, nouns, possession, place,
names) and ``titles.py`` (job titles); each is a function of a
:class:`FrameContext`, a :class:`Sentence` and the list the results go to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from functools import lru_cache

from ...ontology import Frame, Ontology, label_maps, load_ontology
from ..text import Arg, WordTable, find_words, word_regex

__all__ = ["FoundRelation", "FrameContext", "Sentence", "doc_args", "mask", "relation_extensions", "frame_context", "DATE",
           "MAX_LEFT_GAP", "MAX_RIGHT_GAP", "MAX_NOUN_GAP"]

DATE = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月)?")
MAX_LEFT_GAP, MAX_RIGHT_GAP, MAX_NOUN_GAP = 15, 12, 5
_ANAPHOR_CLASS = {"org": "Organization", "product": "Product", "person": "Person"}  # what an anaphor may stand for


_BRACKETED = re.compile(r"[（(][^（）()]{1,40}[）)]")
_QUOTES = re.compile(r"[「」『』“”]")


def mask(text: str, args: list[Arg]) -> str:
    """Blank out (same length) what stands between words without taking part in them:
    a bracket right after a name (``周明遠（Ming-Yuan Chou）``, ``星河控股（1234）``) and
    quotation marks (``「元寶」``)."""
    chars = list(text)
    ends = {a.end for a in args}
    for m in _BRACKETED.finditer(text):
        if m.start() in ends:
            chars[m.start():m.end()] = " " * (m.end() - m.start())
    for m in _QUOTES.finditer(text):
        chars[m.start()] = " "
    return "".join(chars)


@dataclass(frozen=True)
class FoundRelation:
    subject: Arg
    predicate: str
    object: Arg
    confidence: float
    sentence: tuple[int, int]
    extractor: str
    qualifiers: tuple[tuple[str, str], ...] = ()
    trigger: tuple[int, int] = (0, 0)


def relation_extensions(*names: str) -> None:
    """Register the Doc extensions the relation components read and write (``kg_candidates``: every
    extractor's proposals; ``kg_relations``: what ``kg_merge`` keeps), and any others named."""
    for ext in ("kg_candidates", "kg_relations", *names):
        if not Doc.has_extension(ext):
            Doc.set_extension(ext, default=None)


def doc_args(doc: Doc, onto: Ontology) -> list[Arg]:
    """The entity mentions of ``doc`` as :class:`Arg`, with their ontology class."""
    label_to_class, _ = label_maps(onto)
    out = []
    for ent in doc.ents:
        if ent.label_ not in label_to_class:
            continue
        cls = label_to_class[ent.label_]
        if ent.kb_id_ and ent.kb_id_ in onto.catalogue:
            cls = onto.catalogue[ent.kb_id_].cls
        out.append(Arg(ent.start_char, ent.end_char, ent.text, ent.label_, cls, ent.kb_id_))
    return out


@dataclass
class Sentence:
    start: int
    end: int
    units: list[Arg]  # entities and anaphors, brand prefixes folded into their product
    brands: dict[int, Arg] = field(default_factory=dict)  # product start -> its maker written before it
    longest: set[tuple[int, int]] = field(default_factory=set)  # spans of the longest trigger words


@lru_cache(maxsize=4)
def frame_context(ontology: str | None = None) -> "FrameContext":
    """The readers' shared context for an ontology folder, built once (every reader component uses it)."""
    return FrameContext(load_ontology(ontology))


class FrameContext:
    """The ontology's frames and lexicon, and the helpers every reader uses."""

    def __init__(self, onto: Ontology) -> None:
        from .catalogue import catalogue_forms

        self.onto = onto
        # every written form of a known organisation: the names other names may start with
        self.org_prefixes: dict[str, str] = {}
        for entry in onto.catalogue.values():
            if onto.top_class(entry.cls) == "Organization":
                for f in catalogue_forms(entry):
                    if len(f) >= 2:
                        self.org_prefixes.setdefault(f, entry.id)
        self.lex = onto.lexicon
        self.frames = {k: onto.frames_of(k) for k in ("title", "verb", "noun", "possession", "adjacent", "compound", "locative",
                                                       "order", "round")}
        self.title_words = WordTable((w, f) for f in self.frames["title"] for w in f.words)
        self.all_triggers = tuple({w for k in ("verb", "noun", "possession") for f in self.frames[k] for w in f.words})
        self.coordinators = set(self.lex.get("coordinator", ()))
        self.list_end = tuple(self.lex.get("list_end", ()))  # 等: what closes a list before its noun
        # 與/跟/同 join the two sides of a symmetric relation far more often than a list
        self.comitative_only = tuple(self.lex.get("comitative", ()))  # 與, 跟, 同: never a list's joiner
        self.comitative = set(self.comitative_only) | (self.coordinators & {"和"})
        self.list_joiners = self.coordinators - set(self.comitative_only)
        self.fillers = tuple(self.lex.get("product_head", ()) + self.lex.get("product_prefix_head", ())
                             + self.lex.get("series_word", ()))
        self.demonstratives = tuple(self.lex.get("demonstrative", ()))
        self.product_words = sorted(set(self.lex.get("product_head", ()) + self.lex.get("product_modifier", ())),
                                    key=len, reverse=True)
        self.locative_re = word_regex(self.lex.get("locative_prep", ()))
        self.self_made_re = word_regex(self.lex.get("self_made", ()))
        self.exclusion = tuple(self.lex.get("exclusion", ()))
        negation = "|".join(map(re.escape, sorted(self.lex.get("negation", ()), key=len, reverse=True)))
        self.negation_re = re.compile(r"(" + negation + r")\S{0,3}$") if negation else None  # "並未投資"
        title_copula = "|".join(map(re.escape, self.lex.get("title_copula", ())))
        title_new = "|".join(map(re.escape, sorted(self.lex.get("title_new", ()), key=len, reverse=True)))
        # "任命周明遠為新任CTO": the copula (and a word for a new holder) before an appointed title
        self.appointed_as = re.compile(rf"({title_copula})\s*({title_new})?\s*$") if title_copula else None

        self.anaphor_kinds = {k: set(self.lex.get(f"anaphor_{k}", ())) for k in ("org", "product", "person")}
        self.former = set(self.lex.get("former", ()))
        self.succession = set(self.lex.get("succession", ()))
        self.passive = tuple(self.lex.get("passive", ()))
        # "由星河與極光組裝", "獲天穹投資": the agent of a verb whose object came earlier
        # (not 由於 "because", 自由, 理由, 經由)
        agents = "|".join(map(re.escape, sorted(self.lex.get("agent", ()), key=len, reverse=True)))
        self.agent = re.compile(r"(?<![自理经經缘緣])(" + agents + r")(?![于於此利奖獎])") if agents else None
        self.copula = set(self.lex.get("copula", ()))
        self.copula_re = re.compile("|".join(map(re.escape, sorted(self.copula, key=len, reverse=True)))) if self.copula else None
        self.appoint = tuple(self.lex.get("appoint", ()))
        self.benefactive = tuple(self.lex.get("benefactive", ()))
        self.facility = tuple(self.lex.get("facility", ()))
        self.sources = tuple(self.lex.get("source_marker", ()))
        self.include = tuple(sorted(self.lex.get("include", ()), key=len, reverse=True))
        self.round_nouns = tuple(self.lex.get("round_noun", ()))  # 本輪融資, 投資方: what a list of investors follows
        self.actors = tuple(self.lex.get("actor_noun", ()))
        self.title_mods = tuple(sorted(self.lex.get("title_modifier", ()), key=len, reverse=True))  # 中國企業: a place naming a group, not a site

    def negated(self, before: str) -> bool:
        """True when a negation stands at the end of ``before`` (a few characters of slack)."""
        return self.negation_re is not None and self.negation_re.search(before) is not None

    def after_locative(self, before: str) -> bool:
        """``在日本大阪府``: a locative preposition a few characters before the end of ``before``."""
        return self.locative_re is not None and any(len(before) - m.end() <= 4 for m in self.locative_re.finditer(before))

    def fits(self, prop: str, side: str, arg: Arg) -> bool:
        return arg.label != "ANAPHOR" and self.onto.accepts(prop, side, arg.cls)

    def anaphors(self, text: str, taken: list[Arg]) -> list[Arg]:
        words = set().union(*self.anaphor_kinds.values())
        spans = {(a.start, a.end) for a in taken}
        out = []
        for s, e, w in find_words(text, words):
            if any(a.start < e and s < a.end for a in taken) or (s, e) in spans:
                continue
            kinds = ",".join(k for k, ws in self.anaphor_kinds.items() if w in ws)
            out.append(Arg(s, e, w, "ANAPHOR", "", anaphor=kinds))
        return out

    def describes(self, gap: str) -> bool:
        """True when ``gap`` is only a product's head nouns and modifiers (``全新AI晶片``)."""
        rest = gap.strip()
        for w in self.product_words:
            rest = rest.replace(w, "")
        return not rest.strip()

    def is_filler_gap(self, gap: str) -> bool:
        """True when ``gap`` is only head nouns / descriptors around one coordinator."""
        rest = gap.strip()
        for w in sorted(self.fillers, key=len, reverse=True):
            rest = rest.replace(w, "")
        rest = rest.strip()
        return rest in self.list_joiners

    def group(self, sent: Sentence, unit: Arg, text: str, *, comitative: bool = False) -> list[Arg]:
        """``unit`` and the entities coordinated with it (``A、B和C``; with ``comitative``,
        also ``A與B``, as in a list of places)."""
        units = [u for u in sent.units if u.label != "ANAPHOR"]
        if unit not in units:
            return [unit]
        joins = (lambda gap: self.is_filler_gap(gap) or gap.strip() in self.comitative) if comitative else self.is_filler_gap
        i = units.index(unit)
        lo = hi = i
        while lo > 0 and joins(text[units[lo - 1].end:self.start_of(sent, units[lo])]):
            lo -= 1
        while hi + 1 < len(units) and joins(text[units[hi].end:self.start_of(sent, units[hi + 1])]):
            hi += 1
        return units[lo:hi + 1]

    @staticmethod
    def start_of(sent: Sentence, unit: Arg) -> int:
        brand = sent.brands.get(unit.start)
        return brand.start if brand else unit.start

    def resolve(self, sent: Sentence, prev: list[Sentence], anaphor: Arg, prop: str, side: str, text: str) -> list[Arg]:
        """Antecedents of ``anaphor`` that fit ``side`` of ``prop``."""
        demonstrative = len(anaphor.text) > 1 and anaphor.text.startswith(self.demonstratives)
        pool = [u for u in sent.units if u.end <= anaphor.start and u.label != "ANAPHOR"]
        if demonstrative:
            candidates = list(reversed(pool)) + [u for s in reversed(prev) for u in reversed(s.units) if u.label != "ANAPHOR"]
        else:
            candidates = pool + [u for s in reversed(prev) for u in s.units if u.label != "ANAPHOR"]
        kinds = {_ANAPHOR_CLASS[k] for k in anaphor.anaphor.split(",") if k in _ANAPHOR_CLASS}
        for c in candidates:
            if self.fits(prop, side, c) and (not kinds or self.onto.top_class(c.cls) in kinds):
                owner = sent if c in sent.units else next(s for s in prev if c in s.units)
                return [g for g in self.group(owner, c, text) if self.fits(prop, side, g)]
        return []

    def side(self, sent, prev, unit, prop, side, text, *, group: bool, comitative: bool = False) -> list[Arg]:
        if unit is None:
            return []
        if unit.label == "ANAPHOR":
            return self.resolve(sent, prev, unit, prop, side, text)
        if not self.fits(prop, side, unit):
            return []
        members = self.group(sent, unit, text, comitative=comitative) if group else [unit]
        return [m for m in members if self.fits(prop, side, m)]

    def links_back(self, gap: str, symmetric: bool) -> bool:
        """True when ``gap`` (between an earlier entity and the left one) is a passive
        marker or a coordinator, so the earlier entity is the other argument."""
        gap = gap.strip()
        if not gap or len(gap) > 8:
            return False
        return gap.startswith(self.passive) or gap.endswith(self.passive) or \
            (symmetric and (gap in self.comitative or gap[-1:] in self.comitative))

    def topic(self, sent: Sentence, before: int, prop: str, side: str, prev, text) -> Arg | None:
        """The sentence topic: the first entity before ``before`` that fits, skipping sources (根據IDC)."""
        for u in sent.units:
            if u.end > before:
                break
            if any(text.endswith(m, sent.start, self.start_of(sent, u)) for m in self.sources):
                continue
            return u if self.side(sent, prev, u, prop, side, text, group=False) else None
        return None

    def topic_org(self, sent: Sentence, prev: list[Sentence], before: int, text: str) -> Arg | None:
        """The organisation a sentence is about: its first (non-source) ORG before ``before``,
        else the first ORG of the nearest sentence before it that has one (the document's
        first sentence is among ``prev``)."""
        for candidates in ([u for u in sent.units if u.end <= before], *[s.units for s in reversed(prev)]):
            for u in candidates:
                if u.label == "ORG" and not any(text.endswith(m, 0, self.start_of(sent, u)) for m in self.sources):
                    return u
        return None

    def same_class_needed(self, prop: str) -> bool:
        info = self.onto.properties[prop]
        return set(info.domain) == set(info.range) and len(info.domain) > 1

    def emit(self, out, subjects, prop, objects, frame: Frame, sent, extractor, trigger, qualifiers=(), penalty=0.0):
        for s in subjects:
            for o in objects:
                if (s.start, s.end) == (o.start, o.end) or (s.kb_id and s.kb_id == o.kb_id) or s.text == o.text:
                    continue
                if self.same_class_needed(prop) and self.onto.top_class(s.cls) != self.onto.top_class(o.cls):
                    continue
                out.append(FoundRelation(s, prop, o, round(frame.confidence - penalty, 3), (sent.start, sent.end),
                                         extractor, tuple(qualifiers), trigger))

    def triggers(self, text: str, words, start: int, end: int, sent: Sentence) -> list[tuple[int, int, str]]:
        """Matches of ``words`` that are also the longest trigger at their place
        (``競爭`` inside ``競爭對手`` is not a verb)."""
        return [m for m in find_words(text, words, start, end) if (m[0], m[1]) in sent.longest]
