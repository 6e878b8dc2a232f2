"""``kg_relations``: relations from the trigger frames in ``ontology/triggers.tsv``.

Each frame kind is one general reading rule; which words trigger it, which
property it gives and which argument stands on the left come from the data:

* ``title``: ``ORG TITLE PERSON`` chains (``阿里巴巴集團CEO、阿里雲董事長兼CEO吳泳銘``),
  ``時任/前`` giving a former role, and ``PERSON 出任/接任 ORG TITLE`` successions;
* ``verb``: ``LEFT trigger RIGHT`` with typed arguments, coordinated lists on the
  right, passive or ``由``/``與`` forms taking the other argument from before;
* ``noun``: ``LIST 等 trigger`` (``火山引擎等競爭對手``) related to the clause topic;
* ``possession``: ``A 旗下 (的) B``; ``adjacent``: ``ORG`` glued to ``ORG/PRODUCT``
  (``字節跳動抖音``, ``英偉達H20``); ``compound``: a name made of another entity's
  name and a unit word (``騰訊雲`` → ``騰訊``).

Pronouns and demonstratives (``其``, ``它``, ``這款芯片``) are resolved to the
sentence topic or the nearest earlier entity of the class the property needs.
Results go to ``doc._.kg_relations`` as :class:`FoundRelation`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import Frame, Ontology, label_maps, load_ontology
from ..text import Arg, clause_spans, find_words, sentence_spans
from .catalogue import catalogue_forms

__all__ = ["FoundRelation", "RelationExtractor", "make_relations", "doc_args"]

_NEGATION = re.compile(r"(未|没有|並未|并未|不會|不会|否认|否認|無意|无意|尚未)\S{0,3}$")
_DATE = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月)?")
MAX_LEFT_GAP, MAX_RIGHT_GAP, MAX_NOUN_GAP = 15, 12, 5


_BRACKETED = re.compile(r"[（(][^（）()]{1,40}[）)]")
_QUOTES = re.compile(r"[「」『』“”]")


def _mask(text: str, args: list[Arg]) -> str:
    """Blank out (same length) what stands between words without taking part in them:
    a bracket right after a name (``陳立武（Lip-Bu Tan）``, ``騰訊控股（0700）``) and
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
class _Sentence:
    start: int
    end: int
    units: list[Arg]  # entities and anaphors, brand prefixes folded into their product
    brands: dict[int, Arg] = field(default_factory=dict)  # product start -> brand ORG glued before it


class RelationExtractor:
    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        self.onto = onto = load_ontology(ontology)
        self.lex = onto.lexicon
        self.frames = {k: onto.frames_of(k) for k in ("title", "verb", "noun", "possession", "adjacent", "compound", "locative")}
        self.title_words = {w: f for f in self.frames["title"] for w in f.words}
        self.all_triggers = tuple({w for k in ("verb", "noun", "possession") for f in self.frames[k] for w in f.words})
        self.coordinators = set(self.lex.get("coordinator", ()))
        # 與/跟/同 join the two sides of a symmetric relation far more often than a list
        self.comitative = {"与", "與", "跟", "同", "和"}
        self.list_joiners = self.coordinators - {"与", "與", "跟", "同"}
        self.fillers = tuple(self.lex.get("product_head", ()) + self.lex.get("product_prefix_head", ()) + ("系列",))
        self.anaphor_kinds = {k: set(self.lex.get(f"anaphor_{k}", ())) for k in ("org", "product", "person")}
        self.former = set(self.lex.get("former", ()))
        self.succession = set(self.lex.get("succession", ()))
        self.passive = tuple(self.lex.get("passive", ()))
        self.copula = set(self.lex.get("copula", ()))
        self.appoint = tuple(self.lex.get("appoint", ()))
        self.benefactive = tuple(self.lex.get("benefactive", ()))
        self.facility = tuple(self.lex.get("facility", ()))
        self.sources = tuple(self.lex.get("source_marker", ()))
        if not Doc.has_extension("kg_relations"):
            Doc.set_extension("kg_relations", default=None)

    # ------------------------------------------------------------ helpers
    def _fits(self, prop: str, side: str, arg: Arg) -> bool:
        return arg.label != "ANAPHOR" and self.onto.accepts(prop, side, arg.cls)

    def _anaphors(self, text: str, taken: list[Arg]) -> list[Arg]:
        words = set().union(*self.anaphor_kinds.values())
        spans = {(a.start, a.end) for a in taken}
        out = []
        for s, e, w in find_words(text, words):
            if any(a.start < e and s < a.end for a in taken) or (s, e) in spans:
                continue
            kinds = ",".join(k for k, ws in self.anaphor_kinds.items() if w in ws)
            out.append(Arg(s, e, w, "ANAPHOR", "", anaphor=kinds))
        return out

    def _is_filler_gap(self, gap: str) -> bool:
        """True when ``gap`` is only head nouns / descriptors around one coordinator."""
        rest = gap.strip()
        for w in sorted(self.fillers, key=len, reverse=True):
            rest = rest.replace(w, "")
        rest = rest.strip()
        return rest in self.list_joiners

    def _group(self, sent: _Sentence, unit: Arg, text: str) -> list[Arg]:
        """``unit`` and the entities coordinated with it (``A、B和C``)."""
        units = [u for u in sent.units if u.label != "ANAPHOR"]
        if unit not in units:
            return [unit]
        i = units.index(unit)
        lo = hi = i
        while lo > 0 and self._is_filler_gap(text[units[lo - 1].end:self._start(sent, units[lo])]):
            lo -= 1
        while hi + 1 < len(units) and self._is_filler_gap(text[units[hi].end:self._start(sent, units[hi + 1])]):
            hi += 1
        return units[lo:hi + 1]

    @staticmethod
    def _start(sent: _Sentence, unit: Arg) -> int:
        brand = sent.brands.get(unit.start)
        return brand.start if brand else unit.start

    def _resolve(self, sent: _Sentence, prev: list[_Sentence], anaphor: Arg, prop: str, side: str, text: str) -> list[Arg]:
        """Antecedents of ``anaphor`` that fit ``side`` of ``prop``."""
        demonstrative = len(anaphor.text) > 1 and anaphor.text[0] in "这該该這此本"
        pool = [u for u in sent.units if u.end <= anaphor.start and u.label != "ANAPHOR"]
        if demonstrative:
            candidates = list(reversed(pool)) + [u for s in reversed(prev) for u in reversed(s.units) if u.label != "ANAPHOR"]
        else:
            candidates = pool + [u for s in reversed(prev) for u in s.units if u.label != "ANAPHOR"]
        for c in candidates:
            if self._fits(prop, side, c):
                owner = sent if c in sent.units else next(s for s in prev if c in s.units)
                return [g for g in self._group(owner, c, text) if self._fits(prop, side, g)]
        return []

    def _side(self, sent, prev, unit, prop, side, text, *, group: bool) -> list[Arg]:
        if unit is None:
            return []
        if unit.label == "ANAPHOR":
            return self._resolve(sent, prev, unit, prop, side, text)
        if not self._fits(prop, side, unit):
            return []
        members = self._group(sent, unit, text) if group else [unit]
        return [m for m in members if self._fits(prop, side, m)]

    def _links_back(self, gap: str, symmetric: bool) -> bool:
        """True when ``gap`` (between an earlier entity and the left one) is a passive
        marker or a coordinator, so the earlier entity is the other argument."""
        gap = gap.strip()
        if not gap or len(gap) > 8:
            return False
        return gap.startswith(self.passive) or gap.endswith(self.passive) or \
            (symmetric and (gap in self.comitative or gap[-1:] in self.comitative))

    def _topic(self, sent: _Sentence, before: int, prop: str, side: str, prev, text) -> Arg | None:
        """The sentence topic: the first entity before ``before`` that fits, skipping sources (根據IDC)."""
        for u in sent.units:
            if u.end > before:
                break
            if any(text.endswith(m, sent.start, self._start(sent, u)) for m in self.sources):
                continue
            return u if self._side(sent, prev, u, prop, side, text, group=False) else None
        return None

    def _topic_org(self, sent: _Sentence, prev: list[_Sentence], before: int, text: str) -> Arg | None:
        """The organisation a sentence is about: its first (non-source) ORG before ``before``,
        else the first ORG of the sentences before it."""
        for candidates in ([u for u in sent.units if u.end <= before], *[s.units for s in prev[-1:]]):
            for u in candidates:
                if u.label == "ORG" and not any(text.endswith(m, 0, self._start(sent, u)) for m in self.sources):
                    return u
        return None

    def _same_class_needed(self, prop: str) -> bool:
        info = self.onto.properties[prop]
        return set(info.domain) == set(info.range) and len(info.domain) > 1

    def _emit(self, out, subjects, prop, objects, frame: Frame, sent, extractor, trigger, qualifiers=(), penalty=0.0):
        for s in subjects:
            for o in objects:
                if (s.start, s.end) == (o.start, o.end) or (s.kb_id and s.kb_id == o.kb_id) or s.text == o.text:
                    continue
                if self._same_class_needed(prop) and self.onto.top_class(s.cls) != self.onto.top_class(o.cls):
                    continue
                out.append(FoundRelation(s, prop, o, round(frame.confidence - penalty, 3), (sent.start, sent.end),
                                         extractor, tuple(qualifiers), trigger))

    # ------------------------------------------------------------ frames
    def _triggers(self, text, words, start, end):
        """Matches of ``words`` that are also the longest trigger at their place
        (``競爭`` inside ``競爭對手`` is not a verb)."""
        return [m for m in find_words(text, words, start, end) if (m[0], m[1]) in self._longest]

    def _verb(self, text, sent, prev, out):
        for frame in self.frames["verb"]:
            right_side = "object" if frame.left == "subject" else "subject"
            carried: tuple[int, list[Arg]] | None = None  # (clause, other argument) of this frame's last reading
            for ci, (cs, ce) in enumerate(clause_spans(text, sent.start, sent.end)):
                for ts, te, _ in self._triggers(text, frame.words, cs, ce):
                    if any(u.start < te and ts < u.end for u in sent.units) or _NEGATION.search(text[cs:ts]):
                        continue
                    lefts, rights = self._verb_args(text, sent, prev, frame, right_side, cs, ce, ts, te)
                    if lefts and not rights and carried and carried[0] == ci - 1:
                        # "由鴻海領投，高通、緯創跟投": the next clause shares the other argument
                        rights = [r for r in carried[1] if r not in lefts]
                    if lefts and rights:
                        carried = (ci, rights)
                    subjects, objects = (lefts, rights) if frame.left == "subject" else (rights, lefts)
                    self._emit(out, subjects, frame.property, objects, frame, sent, "kg.verb.v1", (ts, te))

    def _verb_args(self, text, sent, prev, frame, right_side, cs, ce, ts, te):
        prop = frame.property
        before = [u for u in sent.units if cs <= self._start(sent, u) and u.end <= ts and ts - u.end <= MAX_LEFT_GAP]
        after = [u for u in sent.units if te <= self._start(sent, u) < ce and self._start(sent, u) - te <= MAX_RIGHT_GAP]
        left_u = before[-1] if before else None
        located: list[Arg] = []
        if left_u is not None and not self._fits(prop, frame.left, left_u) and self._fits(prop, right_side, left_u) \
                and re.search(r"(在|于|於|位于|位於)\S{0,4}$", text[cs:self._start(sent, left_u)]):
            # "鴻海在美國德州休士頓興建工廠": the place before the verb is its object
            located = [left_u]
            earlier = [u for u in before if u.end <= left_u.start and self._fits(prop, frame.left, u)]
            left_u = earlier[-1] if earlier else self._topic(sent, cs, prop, frame.left, prev, text)
        if left_u is None:  # the clause has no subject of its own: the sentence topic
            left_u = self._topic(sent, cs, prop, frame.left, prev, text)
        lefts = self._side(sent, prev, left_u, prop, frame.left, text, group=frame.left == "subject")
        if not lefts and re.search(r"(自研|自主研发|自主研發|自家)\S{0,2}$", text[cs:te + 2]) and \
                self.onto.accepts(prop, frame.left, "Organization"):
            # "旗艦車型ET9搭載自研的神璣晶片": made by the organisation the text is about
            topic = self._topic_org(sent, prev, ts, text)
            lefts = [topic] if topic is not None else []
        if located:
            return lefts, located
        right_u = after[0] if after else None
        rights = self._side(sent, prev, right_u, prop, right_side, text, group=True)
        group_start = None
        if left_u is not None:
            lgroup = self._group(sent, left_u, text) if left_u.label != "ANAPHOR" else [left_u]
            group_start = min(self._start(sent, u) for u in lgroup)
        if lefts and left_u is not None:
            prep = re.search("(" + "|".join(map(re.escape, self.benefactive)) + r")\s*$", text[cs:group_start])
            if prep and not rights:
                # "寧德時代為特斯拉、理想汽車供應電池": the group after 為 is the other argument
                earlier = [u for u in sent.units if cs <= self._start(sent, u) and u.end <= cs + prep.start()]
                swapped = self._side(sent, prev, earlier[-1] if earlier else None, prop, frame.left, text, group=False)
                others = [u for u in self._group(sent, left_u, text) if self._fits(prop, right_side, u)]
                if swapped and others:
                    return swapped, others
        if lefts and not rights and left_u is not None:
            # "B 被 A 收購", "B 由 A 代工", "A 與 B 合作": the other argument stands before
            earlier = [u for u in sent.units if u.end <= group_start
                       and self._links_back(text[u.end:group_start], prop in self.onto.symmetric)]
            for u in reversed(earlier):
                rights = self._side(sent, prev, u, prop, right_side, text, group=True)
                if rights:
                    break
            if not rights and prop in self.onto.symmetric and re.search(r"(与|與|跟|同)\s*$", text[cs:group_start]):
                # "天璣9400…，將與驍龍8至尊版正面競爭": the other side is what the sentence is about
                for u in sent.units:
                    if u.end > group_start:
                        break
                    if u.label != "ANAPHOR" and u not in lefts and self._fits(prop, right_side, u) and \
                            self.onto.top_class(u.cls) == self.onto.top_class(lefts[0].cls):
                        rights = [u]
                        break
            if not rights and re.search(r"由\s*$", text[cs:self._start(sent, left_u)]):
                # "…完成募資，由鴻海領投": the agent after 由 acts on the sentence topic
                topic = self._topic(sent, sent.end, prop, right_side, prev, text)
                rights = self._side(sent, prev, topic, prop, right_side, text, group=False)
        if rights and not lefts:
            last = max(r.end for r in rights)
            later = [u for u in sent.units if u.start >= last and u.start < ce]
            lefts = self._side(sent, prev, later[0] if later else None, prop, frame.left, text, group=False)
        return lefts, rights

    def _noun(self, text, sent, prev, out):
        for frame in self.frames["noun"]:
            other_side = "object" if frame.left == "subject" else "subject"
            for ts, te, _ in self._triggers(text, frame.words, sent.start, sent.end):
                if any(u.start < te and ts < u.end for u in sent.units):
                    continue
                near = [u for u in sent.units if u.end <= ts and ts - u.end <= MAX_NOUN_GAP
                        and not re.search(r"[，,；;。]", text[u.end:ts])]
                if not near:  # "主要競爭對手SK海力士": the name right after the noun
                    near = [u for u in sent.units if te <= self._start(sent, u) <= te + 1][:1]
                if not near:
                    continue
                listed = self._side(sent, prev, near[-1], frame.property, frame.left, text, group=True)
                if not listed:
                    continue
                first = min(self._start(sent, u) for u in listed + [Arg(ts, te, "", "", "")])
                others = []
                for u in reversed([u for u in sent.units if u.end <= first]):
                    others = self._side(sent, prev, u, frame.property, other_side, text, group=False)
                    if others:
                        break
                if not others:
                    for u in [u for u in sent.units if u.start >= te]:
                        others = self._side(sent, prev, u, frame.property, other_side, text, group=False)
                        if others:
                            break
                subjects, objects = (listed, others) if frame.left == "subject" else (others, listed)
                self._emit(out, subjects, frame.property, objects, frame, sent, "kg.noun.v1", (ts, te))

    def _possession(self, text, sent, prev, out):
        frames = self.frames["possession"]
        words = tuple({w for f in frames for w in f.words})
        for ts, te, w in self._triggers(text, words, sent.start, sent.end):
            owner = [u for u in sent.units if u.end <= ts and ts - u.end <= 1]
            owned = [u for u in sent.units if self._start(sent, u) >= te and self._start(sent, u) - te <= 2]
            if not owner and owned and len(w) > 1:  # "旗下七鮮超市…": the organisation the sentence is about
                topic = self._topic_org(sent, prev, ts, text)
                owner = [topic] if topic is not None else []
            if not owner:
                continue
            if not owned:  # "B 是 A 的子公司"
                owned = [u for u in sent.units if u.end <= owner[-1].start and owner[-1].start - u.end <= 3]
                owned = owned[-1:]
            for frame in frames:
                if w not in frame.words or not owned:
                    continue
                parents = self._side(sent, prev, owner[-1], frame.property, "object", text, group=False)
                children = self._side(sent, prev, owned[0], frame.property, "subject", text, group=True)
                self._emit(out, children, frame.property, parents, frame, sent, "kg.possession.v1", (ts, te))

    def _locative(self, text, sent, prev, out):
        """``ORG … 在 PLACE、PLACE …``: an organisation active in those places."""
        for frame in self.frames["locative"]:
            for cs, ce in clause_spans(text, sent.start, sent.end):
                for ts, te, _ in find_words(text, frame.words, cs, ce):
                    if any(u.start < te and ts < u.end for u in sent.units):
                        continue
                    first = [u for u in sent.units if u.start == te and u.label != "ANAPHOR"]
                    if not first or not self._fits(frame.property, "object", first[0]):
                        continue
                    places = [u for u in self._group(sent, first[0], text) if self._fits(frame.property, "object", u)]
                    while True:  # 在美國德州休士頓: the most specific of places written one after another
                        nxt = [u for u in sent.units if u.start == places[-1].end and self._fits(frame.property, "object", u)]
                        if not nxt or len(places) > 1:
                            break
                        places = nxt
                    if re.match(r"\s*(以外|之外|以外的)", text[places[-1].end:]):
                        continue
                    who = [u for u in sent.units if cs <= u.start and u.end <= ts and ts - u.end <= MAX_LEFT_GAP]
                    subject = next((u for u in reversed(who) if self._fits(frame.property, "subject", u)), None)
                    if subject is None and not who:
                        subject = self._topic_org(sent, prev, ts, text)
                    if subject is not None:
                        self._emit(out, [subject], frame.property, places, frame, sent, "kg.locative.v1", (ts, te))

    def _adjacent(self, text, sent, args, out):
        inside = [a for a in args if sent.start <= a.start and a.end <= sent.end]
        frames = [f for f in self.frames["noun"] if f.property == "operatesIn"]
        for a, b in zip(inside, inside[1:]):
            # "台積電亞利桑那州廠", "小米位於北京亦莊的汽車工廠": an organisation's site in a place
            if frames and a.label == "ORG" and re.fullmatch(r"(位于|位於|在)?", text[a.end:b.start]) \
                    and self._fits("operatesIn", "object", b) \
                    and any(text.startswith(f, b.end) or text.startswith(f, b.end + 1) or text.startswith(f, b.end + 3)
                            for f in self.facility):
                self._emit(out, [a], "operatesIn", [b], frames[0], sent, "kg.adjacent.v1", (a.start, b.end))
            if a.label != "ORG" or text[a.end:b.start].strip():
                continue
            for frame in self.frames["adjacent"]:
                if self._fits(frame.property, "subject", b) and self._fits(frame.property, "object", a):
                    self._emit(out, [b], frame.property, [a], frame, sent, "kg.adjacent.v1", (a.start, b.end))
                    break

    def _compound(self, text, args, sentences, out):
        """A name that starts with another entity's name: ``騰訊雲`` (unit word after the
        parent's name) or ``英偉達H20`` (any product name after its maker's)."""
        prefixes: dict[str, str] = {}
        for entry in self.onto.catalogue.values():
            if self.onto.top_class(entry.cls) == "Organization":
                for f in catalogue_forms(entry):
                    if len(f) >= 2:
                        prefixes.setdefault(f, entry.id)
        seen = set()
        for frame in self.frames["compound"]:
            for a in args:
                if not self._fits(frame.property, "subject", a):
                    continue
                heads = [f for f in prefixes if a.text.startswith(f) and len(a.text) > len(f)
                         and prefixes[f] != a.kb_id]
                if not heads:
                    continue
                f = max(heads, key=len)
                rest = a.text[len(f):].strip()
                own = catalogue_forms(self.onto.catalogue[a.kb_id]) if a.kb_id in self.onto.catalogue else set()
                if "*" not in frame.words and not rest.startswith(tuple(frame.words)) and rest not in own:
                    continue
                kb = prefixes[f]
                parent = Arg(a.start, a.start + len(f), f, "ORG", self.onto.catalogue[kb].cls, kb)
                key = (a.kb_id or a.text, frame.property, kb)
                sent = next((s for s in sentences if s.start <= a.start < s.end), None)
                if key in seen or sent is None or not self._fits(frame.property, "object", parent):
                    continue
                seen.add(key)
                self._emit(out, [a], frame.property, [parent], frame, sent, "kg.compound.v1", (a.start, a.end))

    def _titles(self, text, sent, prev, out):
        persons = [u for u in sent.units if u.label == "PERSON"]
        titles = find_words(text, tuple(self.title_words), sent.start, sent.end)
        titles = [t for t in titles if not any(u.start < t[1] and t[0] < u.end for u in sent.units)]
        title_at_end = {e: (s, w) for s, e, w in titles}
        orgs_at_end = {u.end: u for u in sent.units if u.label == "ORG"}
        anaphors_at_end = {u.end: u for u in sent.units if u.label == "ANAPHOR" and "org" in u.anaphor}
        former_words = tuple(sorted(self.former, key=len, reverse=True))
        used_titles = set()
        for p in persons:
            j, chain = p.start, []
            if j > sent.start and text[j - 1] == "的":
                j -= 1
            while j > sent.start:
                while j > sent.start and text[j - 1] == " ":
                    j -= 1
                if j in title_at_end:
                    s, w = title_at_end[j]
                    chain.append(("title", w, s))
                    j = s
                elif j in orgs_at_end:
                    chain.append(("org", orgs_at_end[j]))
                    j = orgs_at_end[j].start
                elif text[j - 1] in self.coordinators or text[j - 1] == "&":
                    chain.append(("coord",))
                    j -= 1
                elif text[j - 1] == "的" and chain and chain[-1][0] == "title":
                    j -= 1
                else:
                    fw = next((w for w in former_words if text.endswith(w, sent.start, j)), None)
                    if fw and chain:
                        chain.append(("former",))
                        j -= len(fw)
                    else:
                        break
            org, former = None, False
            if chain and not any(item[0] == "org" for item in chain) and any(item[0] == "title" for item in chain):
                start = min(item[2] for item in chain if item[0] == "title")
                org = self._topic_org(sent, prev, start, text)
                if org is not None:
                    chain.append(("org", org, "topic"))
            for item in reversed(chain):
                if item[0] == "org":
                    org = item[1]
                elif item[0] == "former":
                    former = True
                elif item[0] == "title" and org is not None:
                    used_titles.add(item[2])
                    frame = self.title_words[item[1]]
                    quals = (("former", "true"),) if former else ()
                    implicit = any(i[0] == "org" and len(i) > 2 for i in chain)
                    self._emit(out, [p], frame.property, [org], frame, sent, "kg.title.v1",
                               (item[2], item[2] + len(item[1])), quals, penalty=0.15 if implicit else 0.0)
        # ORG 任命 PERSON 為 TITLE
        for s, e, w in titles:
            mod = re.search(r"(为|為)\s*(新任|首任|候任|代理|临时|臨時|新一任)?\s*$", text[max(sent.start, s - 6):s])
            if s in used_titles or not mod:
                continue
            who = [u for u in persons if u.end == s - len(mod.group())]
            if not who:
                continue
            k = who[0].start
            if not any(text.endswith(a, sent.start, k) for a in self.appoint):
                continue
            orgs = [u for u in sent.units if u.label == "ORG" and u.end <= k]
            if orgs:
                used_titles.add(s)
                frame = self.title_words[w]
                self._emit(out, who, frame.property, [orgs[-1]], frame, sent, "kg.title.v1", (s, e))
        # PERSON 出任/接任/卸任/是 ORG (的) TITLE
        for s, e, w in titles:
            if s in used_titles:
                continue
            org = orgs_at_end.get(s) or (orgs_at_end.get(s - 1) if text[s - 1:s] == "的" else None)
            if org is None:
                pron = anaphors_at_end.get(s)
                k = pron.start if pron else s  # "擔任公司總裁", "已於2021年卸任CEO"
                org = self._topic_org(sent, prev, k, text)
                if org is None:
                    continue
            else:
                k = org.start
            verb = next((v for v in sorted(self.succession | self.former | self.copula, key=len, reverse=True)
                         if text.endswith(v, sent.start, k)), None)
            if verb is None:
                continue
            who = [u for u in persons if u.end <= k - len(verb) and k - len(verb) - u.end <= 20]
            if not who:
                continue
            frame = self.title_words[w]
            quals = [("former", "true")] if verb in self.former else []
            m = None
            for m in _DATE.finditer(text, sent.start, k):
                pass
            if m:
                date = m.group(1) + (f"-{int(m.group(2)):02d}" if m.group(2) else "")
                quals.append(("endDate" if verb in self.former else "startDate", date))
            self._emit(out, [who[-1]], frame.property, [org], frame, sent, "kg.title.v1", (s, e), quals)
            j = e  # "擔任公司總裁兼CEO": the titles joined to it
            while True:
                nxt = next(((ts2, te2, w2) for ts2, te2, w2 in titles if ts2 > j and text[j:ts2].strip() in self.coordinators), None)
                if nxt is None:
                    break
                used_titles.add(nxt[0])
                frame2 = self.title_words[nxt[2]]
                self._emit(out, [who[-1]], frame2.property, [org], frame2, sent, "kg.title.v1", nxt[:2], quals)
                j = nxt[1]

    # ------------------------------------------------------------ entry
    def __call__(self, doc: Doc) -> Doc:
        text = _mask(doc.text, doc_args(doc, self.onto))
        self._longest = {(s, e) for s, e, _ in find_words(text, self.all_triggers)}
        args = doc_args(doc, self.onto)
        units_all = sorted(args + self._anaphors(text, args), key=lambda a: a.start)
        sentences = []
        for ss, se in sentence_spans(text):
            inside = [u for u in units_all if ss <= u.start and u.end <= se]
            brands, units = {}, []
            for u in inside:
                if units and units[-1].label == "ORG" and u.label == "PRODUCT" and units[-1].end == u.start:
                    brands[u.start] = units.pop()
                units.append(u)
            sentences.append(_Sentence(ss, se, units, brands))
        out: list[FoundRelation] = []
        for i, sent in enumerate(sentences):
            prev = sentences[max(0, i - 2):i]
            self._titles(text, sent, prev, out)
            self._verb(text, sent, prev, out)
            self._noun(text, sent, prev, out)
            self._possession(text, sent, prev, out)
            self._locative(text, sent, prev, out)
            self._adjacent(text, sent, args, out)
        self._compound(text, args, sentences, out)
        best: dict[tuple, FoundRelation] = {}
        for r in out:
            key = (r.subject.start, r.subject.end, r.predicate, r.object.start, r.object.end)
            if key not in best or r.confidence > best[key].confidence:
                best[key] = r
        doc._.kg_relations = sorted(best.values(), key=lambda r: (r.sentence, r.subject.start, r.predicate, r.object.start))
        return doc


@Language.factory("kg_relations", default_config={"ontology": None}, requires=["doc.ents"], assigns=["doc._.kg_relations"])
def make_relations(nlp: Language, name: str, ontology: str | None) -> RelationExtractor:
    return RelationExtractor(nlp, name, ontology)
