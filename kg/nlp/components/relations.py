"""``kg_relations``: relations from the trigger frames in ``ontology/triggers.tsv``.

Each frame kind is one general reading rule; which words trigger it, which
property it gives and which argument stands on the left come from the data:

* ``title``: ``ORG TITLE PERSON`` chains (``星河集團CEO、星河雲董事長兼CEO周明遠``),
  ``時任/前`` giving a former role, and ``PERSON 出任/接任 ORG TITLE`` successions;
* ``verb``: ``LEFT trigger RIGHT`` with typed arguments, coordinated lists on the
  right, passive or ``由``/``與`` forms taking the other argument from before;
* ``noun``: ``LIST 等 trigger`` (``極光等競爭對手``) related to the clause topic;
* ``possession``: ``A 旗下 (的) B``; ``adjacent``: ``ORG`` glued to ``ORG/PRODUCT``
  (``字節跳動抖音``, ``英偉達H20``); ``compound``: a name made of another entity's
  name and a unit word (``騰訊雲`` → ``騰訊``).

Pronouns and demonstratives (``其``, ``它``, ``這款芯片``) are resolved to the
sentence topic or the nearest earlier entity of the class the property needs.
Each reader is its own component (``kg_read_titles``, ``kg_read_verbs`` …, :data:`READERS`): a
peer of the other extractors, it appends :class:`FoundRelation` records, each with its extractor
name, to ``doc._.kg_candidates``; ``kg_merge`` decides on them.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..text import Arg, clause_spans, find_words, latin_char, sentence_spans
from .catalogue import catalogue_forms
from .frames import (MAX_LEFT_GAP, MAX_NOUN_GAP, MAX_RIGHT_GAP, FoundRelation, FrameContext, Sentence, frame_context,
                     relation_extensions,
                     doc_args, mask)
from .titles import read_titles

__all__ = ["FoundRelation", "FrameReader", "READERS", "add_candidates", "doc_args", "frame_view", "relation_key", "surest"]


def read_verbs(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], out: list[FoundRelation]) -> None:
    """``LEFT trigger RIGHT`` with typed arguments (``verb`` frames)."""
    for frame in ctx.frames["verb"]:
        right_side = "object" if frame.left == "subject" else "subject"
        carried: tuple[int, list[Arg]] | None = None  # (clause, other argument) of this frame's last reading
        for ci, (cs, ce) in enumerate(clause_spans(text, sent.start, sent.end)):
            for ts, te, _ in ctx.triggers(text, frame.words, cs, ce, sent):
                if any(u.start < te and ts < u.end for u in sent.units) or ctx.negated(text[cs:ts]):
                    continue
                lefts, rights = verb_args(ctx, text, sent, prev, frame, right_side, cs, ce, ts, te)
                if lefts and not rights and carried and carried[0] == ci - 1:
                    # "由星河領投，極光、天穹跟投": the next clause shares the other argument
                    rights = [r for r in carried[1] if r not in lefts]
                if lefts and rights:
                    carried = (ci, rights)
                subjects, objects = (lefts, rights) if frame.left == "subject" else (rights, lefts)
                ctx.emit(out, subjects, frame.property, objects, frame, sent, "kg.verb.v1", (ts, te))

def verb_args(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], frame, right_side: str,
              cs: int, ce: int, ts: int, te: int) -> tuple[list[Arg], list[Arg]]:
    """The left and right arguments of one verb trigger at ``ts:te`` in the clause ``cs:ce``."""
    prop = frame.property
    before = [u for u in sent.units if cs <= ctx.start_of(sent, u) and u.end <= ts and ts - u.end <= MAX_LEFT_GAP]
    after = [u for u in sent.units if te <= ctx.start_of(sent, u) < ce and ctx.start_of(sent, u) - te <= MAX_RIGHT_GAP]
    left_u = before[-1] if before else None
    located: list[Arg] = []
    if left_u is not None and not ctx.fits(prop, frame.left, left_u) and ctx.fits(prop, right_side, left_u) \
            and ctx.after_locative(text[cs:ctx.start_of(sent, left_u)]):
        # "星河在日本大阪府堺市興建工廠": the place before the verb is its object
        located = [left_u]
        earlier = [u for u in before if u.end <= left_u.start and ctx.fits(prop, frame.left, u)]
        left_u = earlier[-1] if earlier else ctx.topic(sent, cs, prop, frame.left, prev, text)
    if left_u is None:  # the clause has no subject of its own: the sentence topic
        left_u = ctx.topic(sent, cs, prop, frame.left, prev, text)
        if left_u is None:  # "星河發布X9系列，搭載…": what the clause before introduced
            earlier = [u for u in sent.units if u.end <= cs and u.label != "ANAPHOR" and ctx.fits(prop, frame.left, u)]
            left_u = earlier[-1] if earlier else None
    lefts = ctx.side(sent, prev, left_u, prop, frame.left, text, group=frame.left == "subject")
    if not lefts and ctx.self_made_re is not None and \
            any(te + 2 - cs - m.end() <= 2 for m in ctx.self_made_re.finditer(text[cs:te + 2])) and \
            ctx.onto.accepts(prop, frame.left, "Organization"):
        # "新車型S7搭載自研的北辰晶片": made by the organisation the text is about
        topic = ctx.topic_org(sent, prev, ts, text)
        lefts = [topic] if topic is not None else []
    if located:
        return lefts, located
    right_u = after[0] if after else None
    if right_u is not None and not ctx.fits(prop, right_side, right_u) and right_u.label != "ANAPHOR":
        # "搭載由星河半導體設計的北辰5晶片": skip a relative clause ending in 的
        later = [u for u in after[1:] if ctx.fits(prop, right_side, u) and text[:ctx.start_of(sent, u)].endswith("的")]
        if not later and ctx.onto.top_class(right_u.cls) == "Place":
            # "收購德國零件製造商極光集團": a place describing the name that follows it
            later = [u for u in after[1:2] if ctx.fits(prop, right_side, u)
                     and not re.search(r"[，,；;。、和与與及]", text[right_u.end:ctx.start_of(sent, u)])]
        right_u = later[0] if later else right_u
    rights = ctx.side(sent, prev, right_u, prop, right_side, text, group=True)
    if rights and not before and right_u is not None:
        # "搭載該晶片的X100伺服器", "收購X的Y": a relative clause; the noun after 的 is the left argument
        tail = max(u.end for u in (ctx.group(sent, right_u, text) if right_u.label != "ANAPHOR" else [right_u]))
        head = [u for u in sent.units if ctx.start_of(sent, u) >= tail and text[tail:ctx.start_of(sent, u)] == "的"]
        if head and ctx.fits(prop, frame.left, head[0]):
            return [head[0]], rights
    group_start = None
    if left_u is not None:
        lgroup = ctx.group(sent, left_u, text) if left_u.label != "ANAPHOR" else [left_u]
        group_start = min(ctx.start_of(sent, u) for u in lgroup)
    if lefts and left_u is not None:
        benefactive = "(" + "|".join(map(re.escape, ctx.benefactive)) + r")\s*$"
        group = lgroup
        prep = re.search(benefactive, text[cs:group_start])
        if not prep and left_u.label != "ANAPHOR":  # "為星河與極光供應": after 為, 與 joins a list
            group = ctx.group(sent, left_u, text, comitative=True)
            prep = re.search(benefactive, text[cs:min(ctx.start_of(sent, u) for u in group)])
        if prep:
            # "天穹能源為星河、極光汽車供應電池": the group after 為 is the other argument (and
            # what follows the verb is the goods: "鴻海向輝達出貨GB300")
            earlier = [u for u in sent.units if cs <= ctx.start_of(sent, u) and u.end <= cs + prep.start()
                       and ctx.fits(prop, frame.left, u)]
            # "…天穹精密將在高雄擴產，主要為星河與極光供應…": the subject of the clause before
            earlier = earlier or [u for u in sent.units if u.end <= cs and u.label != "ANAPHOR" and ctx.fits(prop, frame.left, u)]
            swapped = ctx.side(sent, prev, earlier[-1] if earlier else None, prop, frame.left, text, group=False)
            others = [u for u in group if ctx.fits(prop, right_side, u)]
            if swapped and others:
                return swapped, others
    if lefts and not rights and left_u is not None:
        # "B 被 A 收購", "B 由 A 代工", "A 與 B 合作": the other argument stands before
        earlier = [u for u in sent.units if u.end <= group_start
                   and ctx.links_back(text[u.end:group_start], prop in ctx.onto.symmetric)]
        for u in reversed(earlier):
            rights = ctx.side(sent, prev, u, prop, right_side, text, group=True)
            if rights:
                break
        if not rights and text.startswith("的", te) and ctx.copula_re is not None:
            # "X9晶片是星河科技推出的", "X9是星河在去年推出的一款晶片": the copula's subject is the verb's object
            for u in reversed([u for u in sent.units if cs <= u.start and u.end <= group_start]):
                gap = text[u.end:group_start]
                m = ctx.copula_re.search(gap)
                if m and m.end() == len(gap.rstrip()) and ctx.describes(gap[:m.start()]):
                    rights = ctx.side(sent, prev, u, prop, right_side, text, group=True)
                    break
        if not rights and prop in ctx.onto.symmetric and text[cs:group_start].rstrip().endswith(ctx.comitative_only):
            # "北辰5…，將與極光X2正面競爭": the other side is what the sentence is about
            for u in sent.units:
                if u.end > group_start:
                    break
                if u.label == "ANAPHOR" and u.start == sent.start:  # "公司董事長…表示，…與X競爭": the company
                    rights = [r for r in ctx.side(sent, prev, u, prop, right_side, text, group=False) if r not in lefts]
                    if rights:
                        break
                if u.label != "ANAPHOR" and u not in lefts and ctx.fits(prop, right_side, u) and \
                        ctx.onto.top_class(u.cls) == ctx.onto.top_class(lefts[0].cls):
                    rights = [u]
                    break
        if not rights and ctx.agent is not None and left_u.label != "ANAPHOR":
            lefts, rights = agent_args(ctx, text, sent, prev, frame, right_side, cs, ts, lefts)
    if not lefts and not rights and before and not after and ctx.fits(prop, right_side, before[-1]) \
            and ctx.onto.accepts(prop, frame.left, "Organization") and not text[before[-1].end:ts].lstrip().startswith("等") \
            and re.match(r"\s*(了|的)?\s*([，,。；;！!]|$)", text[te:ce + 1]):
        # "北辰7將於明年推出": the product comes first, made by the organisation the text is about
        topic = ctx.topic_org(sent, prev, ctx.start_of(sent, before[-1]), text)
        if topic is not None and ctx.fits(prop, frame.left, topic):
            return [topic], [u for u in ctx.group(sent, before[-1], text) if ctx.fits(prop, right_side, u)]
    if rights and not lefts:
        last = max(r.end for r in rights)
        later = [u for u in sent.units if u.start >= last and u.start < ce]
        lefts = ctx.side(sent, prev, later[0] if later else None, prop, frame.left, text, group=False)
    return lefts, rights

def agent_args(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], frame, right_side: str,
               cs: int, ts: int, lefts: list[Arg]) -> tuple[list[Arg], list[Arg]]:
    """``(B) 由 A 與 A' VERB``, ``B 獲 A、A' 聯合領投``: the entities between an agent marker
    and the verb are its left argument; the other one is the clause's own earlier entity,
    else the sentence topic."""
    prop = frame.property
    units = [u for u in sent.units if u.label != "ANAPHOR"]
    for m in reversed(list(ctx.agent.finditer(text, cs, ts))):
        inner = [u for u in units if m.end() <= ctx.start_of(sent, u) and u.end <= ts]
        if not inner:
            continue
        between = text[m.end():ts]
        loose = len(between) - sum(u.end - ctx.start_of(sent, u) for u in inner)
        if loose > 12 or re.search(r"[，,；;：:]", between):
            break
        agents = [u for u in inner if ctx.fits(prop, frame.left, u)]
        # "…整機則交由天穹組裝": the clause's own subject; "完成募資，由星河領投": the topic
        own = [u for u in units if cs <= ctx.start_of(sent, u) and u.end <= m.start() and ctx.fits(prop, right_side, u)]
        target = own[-1] if own else ctx.topic(sent, sent.end, prop, right_side, prev, text)
        if target is None:  # "總部位於杭州的宇樹科技完成融資，由…領投": the first that fits
            target = next((u for u in units if u.end <= m.start() and ctx.fits(prop, right_side, u)), None)
        others = [r for r in ctx.side(sent, prev, target, prop, right_side, text, group=False) if r not in agents]
        if agents and others:
            return agents, others
        break
    return lefts, []


# 的, then at most a few words that are no name and no punctuation (主要, 前5大, 首批2奈米), then the noun;
# or an English possessive and at most three lowercase words (Apple's key supplier)
_POSSESSED = re.compile(r"\s*的[^，,；;。、的\s]{0,6}\s*|['’]s(?:\s+[a-z][a-z-]*){0,3}\s+")


def copula_noun(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], frame, other_side: str,
                ts: int, te: int, out: list[FoundRelation]) -> bool:
    """``A 是 B(、C) 的 noun``: A is the noun (星河是極光X9系列屏幕的供應商之一), the
    names between the copula and 的 are the other side. True when it read the trigger."""
    if ctx.copula_re is None:
        return False
    of = text.rfind("的", sent.start, ts)  # "是極光的供應商", "是極光的首批2奈米客戶": 的, a few modifiers, the noun
    if of < 0 or not _POSSESSED.fullmatch(text, of, ts) or any(of < u.start < ts for u in sent.units):
        return False
    cs = next((a for a, b in clause_spans(text, sent.start, sent.end) if a <= ts < b), sent.start)
    copulas = ctx.copula_re.finditer(text[cs:ts])
    free = [m for m in copulas if not any(u.start < cs + m.end() and cs + m.start() < u.end for u in sent.units)]
    for m in reversed(free):  # (not the 為 of 華為)
        at, after = cs + m.start(), cs + m.end()
        head = [u for u in sent.units if u.end <= at and at - u.end <= 2 and ctx.start_of(sent, u) >= cs]
        named = [u for u in sent.units if after <= ctx.start_of(sent, u) and u.end <= ts]
        named = [b for u in named if (b := sent.brands.get(u.start)) is not None] + named  # 極光 of 極光X9
        others = [u for u in named if ctx.fits(frame.property, other_side, u)]
        if head and others:
            listed = ctx.side(sent, prev, head[-1], frame.property, frame.left, text, group=True)
            if listed:
                subjects, objects = (listed, others) if frame.left == "subject" else (others, listed)
                ctx.emit(out, subjects, frame.property, objects, frame, sent, "kg.noun.v1", (ts, te))
                return True
        break
    return False


def read_nouns(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], out: list[FoundRelation]) -> None:
    """``LIST 等 noun`` or ``noun NAME``, related to the sentence topic (``noun`` frames)."""
    for frame in ctx.frames["noun"]:
        other_side = "object" if frame.left == "subject" else "subject"
        for ts, te, _ in ctx.triggers(text, frame.words, sent.start, sent.end, sent):
            if any(u.start < te and ts < u.end for u in sent.units):
                continue
            if copula_noun(ctx, text, sent, prev, frame, other_side, ts, te, out):
                continue
            near = [u for u in sent.units if u.end <= ts and ts - u.end <= MAX_NOUN_GAP
                    and not re.search(r"[，,；;。]", text[u.end:ts])]
            # "星河的主要客戶包括極光", "星河前5大客戶分別為極光": the noun's owner is the other side, and
            # its names come after it
            named_after = any(text.startswith(w, te) or text.startswith(w, te + 1) for w in ctx.include)
            owner = [u for u in near if _POSSESSED.fullmatch(text, u.end, ts)
                     or (named_after and not text[u.end:ts].strip().startswith(ctx.list_end))]
            if owner:
                near = []
            listing = False
            if not near:  # "主要競爭對手極光", "主要客戶包括星河、天穹與北辰": the names after the noun
                verb = next((w for w in ctx.include if text.startswith(w, te) or text.startswith(w, te + 1)), "")
                at = text.index(verb, te) + len(verb) if verb else te
                listing = bool(verb)
                near = [u for u in sent.units if at <= ctx.start_of(sent, u) <= at + 1][:1]
            if not near:
                continue
            listed = ctx.side(sent, prev, near[-1], frame.property, frame.left, text, group=True, comitative=listing)
            if not listed:
                continue
            if owner:
                others = ctx.side(sent, prev, owner[-1], frame.property, other_side, text, group=False)
                subjects, objects = (listed, others) if frame.left == "subject" else (others, listed)
                ctx.emit(out, subjects, frame.property, objects, frame, sent, "kg.noun.v1", (ts, te))
                continue
            first = min(ctx.start_of(sent, u) for u in listed + [Arg(ts, te, "", "", "")])
            others = []
            for u in reversed([u for u in sent.units if u.end <= first]):
                others = ctx.side(sent, prev, u, frame.property, other_side, text, group=False)
                if others:
                    break
            if not others:
                for u in [u for u in sent.units if u.start >= te and u not in listed]:
                    others = ctx.side(sent, prev, u, frame.property, other_side, text, group=False)
                    if others:
                        break
            if not others and ctx.onto.accepts(frame.property, other_side, "Organization"):
                topic = ctx.topic_org(sent, prev, ts, text)  # "…用於匈牙利工廠建設": the company the text is about
                others = [topic] if topic is not None and topic not in listed else []
            subjects, objects = (listed, others) if frame.left == "subject" else (others, listed)
            ctx.emit(out, subjects, frame.property, objects, frame, sent, "kg.noun.v1", (ts, te))

def read_possession(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], out: list[FoundRelation]) -> None:
    """``A 旗下 (的) B`` (``possession`` frames)."""
    frames = [f for f in ctx.frames["possession"] if f.left != "subject"]
    _read_owned_by(ctx, text, sent, prev, out)
    words = tuple({w for f in frames for w in f.words})
    for ts, te, w in ctx.triggers(text, words, sent.start, sent.end, sent):
        owner = [u for u in sent.units if u.end <= ts and ts - u.end <= 1]
        folded = False
        # "旗下的B", "旗下子品牌B", "子公司日本B": a few descriptive words (a place among them) may stand between
        takes = {f.property for f in frames if w in f.words}
        owned = [u for u in sent.units if ctx.start_of(sent, u) >= te and ctx.start_of(sent, u) - te <= 6
                 and not re.search(r"[，,；;。、和与與及]", text[te:ctx.start_of(sent, u)])
                 and any(ctx.onto.accepts(p, "subject", u.cls) for p in takes)][:1]
        if not owner and len(w) > 1:  # "A間接全資持股子公司B", "A旗下日本子公司B": modifiers of the noun between
            near = [u for u in sent.units if u.end <= ts and 0 < ts - u.end <= 6 and u.label != "ANAPHOR"
                    and not re.search(r"[，,；;。、和与與及的是為为]|\s", text[u.end:ts])
                    and any(ctx.onto.accepts(p, "object", u.cls) for p in takes)][-1:]
            between = [v for v in sent.units if near and near[0].end <= v.start and v.end <= ts]
            if near and owned and all(v.cls == "Place" or ctx.onto.top_class(v.cls) == "Place" for v in between):
                owner = near
        for u in sent.units:  # "OpenAI的GPT-5": the maker was folded into its product
            brand = sent.brands.get(u.start)
            if brand is not None and brand.end <= ts and te <= u.start and u.start - te <= 1:
                owner, owned, folded = [brand], [u], True
        if not owner and len(w) > 1:  # "星河新成立的子公司X": a short description and 的 between
            owner = [u for u in sent.units if u.end <= ts and re.fullmatch(r"[^，,；;。、和与與及]{1,5}的", text[u.end:ts])][-1:]
        if not owner and owned and len(w) > 1:  # "旗下星河超市…": the organisation the sentence is about
            topic = ctx.topic_org(sent, prev, ts, text)
            owner = [topic] if topic is not None else []
        if not owner:
            continue
        if not owned:  # "B 是 A 的子公司"
            owned = [u for u in sent.units if u.end <= owner[-1].start and owner[-1].start - u.end <= 3]
            owned = owned[-1:]
        for frame in frames:
            if w not in frame.words or not owned:
                continue
            parents = ctx.side(sent, prev, owner[-1], frame.property, "object", text, group=False)
            children = ctx.side(sent, prev, owned[0], frame.property, "subject", text, group=not folded)
            ctx.emit(out, children, frame.property, parents, frame, sent, "kg.possession.v1", (ts, te))

def _read_owned_by(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], out: list[FoundRelation]) -> None:
    """``A, a subsidiary of B``, ``A is a unit of B`` (possession frames whose left side is the subject):
    the name before the words is the one owned, the name right after them its owner."""
    for frame in (f for f in ctx.frames["possession"] if f.left == "subject"):
        for ts, te, _ in ctx.triggers(text, frame.words, sent.start, sent.end, sent):
            before = [u for u in sent.units if u.end <= ts and re.fullmatch(_APPOSITION, text[u.end:ts])][-1:]
            after = [u for u in sent.units if ctx.start_of(sent, u) >= te and
                     re.fullmatch(r"\s*(?:the\s+)?", text[te:ctx.start_of(sent, u)])][:1]
            if before and after:
                children = ctx.side(sent, prev, before[0], frame.property, "subject", text, group=False)
                parents = ctx.side(sent, prev, after[0], frame.property, "object", text, group=False)
                ctx.emit(out, children, frame.property, parents, frame, sent, "kg.possession.v1", (ts, te))


# between a name and "subsidiary of": ", a", " is a", ", the wholly owned", " was majority"
_APPOSITION = r"\s*(?:,|is|was|,\s*which is|is now|has become|became)?\s*(?:a|an|the)?\s*(?:[A-Za-z-]+\s+){0,2}"


def read_rounds(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], out: list[FoundRelation]) -> None:
    """``(本輪融資)由A、B聯合領投，C、D跟投`` (``round`` frames): the organisations listed in the clause
    before the word invested in the company the round is about: the sentence's first other
    organisation before them, else the first of the sentence before that names one."""
    found = []  # (frame, investors, trigger)
    first_noun = None  # where the first round noun a list of investors follows stands
    for frame in ctx.frames["round"]:
        for cs, ce in clause_spans(text, sent.start, sent.end):
            for ts, te, _ in find_words(text, frame.words, cs, ce):
                if any(u.start < te and ts < u.end for u in sent.units):
                    continue
                investors = [u for u in sent.units if cs <= ctx.start_of(sent, u) and u.end <= ts and u.label == "ORG"]
                if investors:
                    found.append((frame, investors, (ts, te)))
        # "本輪融資的投資方包括A、B及C": the organisations a round's investors are said to include
        for rs, re_, _ in find_words(text, ctx.round_nouns, sent.start, sent.end):
            for cs, ce in clause_spans(text, re_, sent.end):
                hit = next(iter(find_words(text, ctx.include, cs, ce)), None)
                if hit is None:
                    continue
                investors = [u for u in sent.units if hit[1] <= u.start and u.end <= ce and u.label == "ORG"]
                if investors and not any(f[1] == investors for f in found):
                    found.append((frame, investors, (hit[0], hit[1])))
                    first_noun = min(rs, first_noun) if first_noun is not None else rs
                break
    if not found:
        return
    taken = {(u.start, u.end) for _, investors, _ in found for u in investors}
    first = min(ctx.start_of(sent, u) for _, investors, _ in found for u in investors)
    if first_noun is not None:  # the company a round noun refers to is named before that noun
        first = min(first, first_noun)
    candidates = [u for u in sent.units if u.end <= first and u.label == "ORG" and (u.start, u.end) not in taken]
    for p in reversed(prev):
        if candidates:
            break
        candidates = [u for u in p.units if u.label == "ORG"]
    if not candidates:
        return
    target = candidates[0]
    for frame, investors, trigger in found:
        subjects = [a for u in investors for a in ctx.side(sent, prev, u, frame.property, "subject", text, group=False)]
        objects = ctx.side(sent, prev, target, frame.property, "object", text, group=False)
        ctx.emit(out, subjects, frame.property, objects, frame, sent, "kg.round.v1", trigger)


def read_orders(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], out: list[FoundRelation]) -> None:
    """``(X) 拿下 Y(的)(AI伺服器)訂單``, ``打入 Y 供應鏈`` (``order`` frames): Y, named right before
    the noun, is the customer; the supplier is the clause's subject, else the sentence's."""
    for frame in ctx.frames["order"]:
        other_side = "object" if frame.left == "subject" else "subject"
        for cs, ce in clause_spans(text, sent.start, sent.end):
            for ts, te, _ in find_words(text, frame.words, cs, ce):
                if any(u.start < te and ts < u.end for u in sent.units):
                    continue
                named = [u for u in sent.units if cs <= ctx.start_of(sent, u) and u.end <= ts
                         and re.fullmatch(r"的?[^，,；;。、和与與及的]{0,6}", text[u.end:ts])]
                customers = [b for u in named[-1:] if (b := sent.brands.get(u.start)) is not None] + named[-1:]
                customers = [c for c in customers if ctx.fits(frame.property, frame.left, c)][:1]
                if not customers:
                    continue
                first = min(ctx.start_of(sent, u) for u in named[-1:])
                own = [u for u in sent.units if cs <= ctx.start_of(sent, u) and u.end <= first
                       and ctx.fits(frame.property, other_side, u)]
                earlier = [u for u in sent.units if u.end <= cs and ctx.fits(frame.property, other_side, u)]
                supplier = own[:1] or earlier[:1]
                subjects, objects = (customers, supplier) if frame.left == "subject" else (supplier, customers)
                ctx.emit(out, subjects, frame.property, objects, frame, sent, "kg.order.v1", (ts, te))


def read_locative(ctx: FrameContext, text: str, sent: Sentence, prev: list[Sentence], out: list[FoundRelation]) -> None:
    """``ORG … 在 PLACE、PLACE …``: an organisation active in those places."""
    for frame in ctx.frames["locative"]:
        for cs, ce in clause_spans(text, sent.start, sent.end):
            for ts, te, _ in find_words(text, frame.words, cs, ce):
                if any(u.start < te and ts < u.end for u in sent.units):
                    continue
                first = [u for u in sent.units if u.start == te and u.label != "ANAPHOR"]
                if not first or not ctx.fits(frame.property, "object", first[0]):
                    continue
                places = [u for u in ctx.group(sent, first[0], text, comitative=True) if ctx.fits(frame.property, "object", u)]
                while True:  # 在日本大阪府堺市: the most specific of places written one after another
                    nxt = [u for u in sent.units if u.start == places[-1].end and ctx.fits(frame.property, "object", u)]
                    if not nxt or len(places) > 1:
                        break
                    places = nxt
                if text[places[-1].end:].lstrip().startswith(ctx.exclusion) or text.startswith(ctx.actors, places[-1].end):
                    continue  # "在美國以外", "在中國企業出海的賽道上": not where the subject is
                who = [u for u in sent.units if cs <= u.start and u.end <= ts and ts - u.end <= MAX_LEFT_GAP]
                subject = next((u for u in reversed(who) if ctx.fits(frame.property, "subject", u)), None)
                if subject is None and not who:
                    subject = ctx.topic_org(sent, prev, ts, text)
                if subject is not None:
                    ctx.emit(out, [subject], frame.property, places, frame, sent, "kg.locative.v1", (ts, te))

def read_adjacent(ctx: FrameContext, text: str, sent: Sentence, args: list[Arg], out: list[FoundRelation]) -> None:
    """Names glued together: ``ORG`` then ``ORG/PRODUCT``, or an organisation's site in a place."""
    inside = [a for a in args if sent.start <= a.start and a.end <= sent.end]
    frames = [f for f in ctx.frames["noun"] if f.property == "operatesIn"]
    for a, b in zip(inside, inside[1:]):
        # "星河大阪廠", "極光位於上海嘉定的汽車工廠": an organisation's site in a place
        if frames and a.label == "ORG" and (a.end == b.start or ctx.locative_re is not None and ctx.locative_re.fullmatch(text, a.end, b.start)) \
                and ctx.fits("operatesIn", "object", b) \
                and any(text.startswith(f, b.end) or text.startswith(f, b.end + 1) or text.startswith(f, b.end + 3)
                        for f in ctx.facility):
            ctx.emit(out, [a], "operatesIn", [b], frames[0], sent, "kg.adjacent.v1", (a.start, b.end))
        if a.label != "ORG":
            continue
        # "星河T30", and "星河全新AI晶片T30": only the product's head nouns and modifiers between
        if text[a.end:b.start].strip() and not (b.label == "PRODUCT" and ctx.describes(text[a.end:b.start])):
            continue
        for frame in ctx.frames["adjacent"]:
            if ctx.fits(frame.property, "subject", b) and ctx.fits(frame.property, "object", a):
                ctx.emit(out, [b], frame.property, [a], frame, sent, "kg.adjacent.v1", (a.start, b.end))
                break

def read_compound(ctx: FrameContext, text: str, args: list[Arg], sentences: list[Sentence],
                  out: list[FoundRelation]) -> None:
    """A name that starts with another entity's name: ``騰訊雲`` (a unit word after the
    parent's name, or closing the name: ``星河自動駕駛事業部``) or ``英偉達H20`` (any product name
    after its maker's)."""
    prefixes = ctx.org_prefixes
    seen = set()
    for frame in ctx.frames["compound"]:
        for a in args:
            if not ctx.fits(frame.property, "subject", a):
                continue
            heads = [f for f in prefixes if a.text.startswith(f) and len(a.text) > len(f)
                     and prefixes[f] != a.kb_id and not (latin_char(f[-1]) and latin_char(a.text[len(f)]))]  # not Intel|ligence
            if not heads:
                continue
            f = max(heads, key=len)
            rest = a.text[len(f):].strip()
            own = catalogue_forms(ctx.onto.catalogue[a.kb_id]) if a.kb_id in ctx.onto.catalogue else set()
            # the unit word right after the parent's name (騰訊雲) or closing the name (百度自動駕駛事業部)
            if "*" not in frame.words and not rest.startswith(tuple(frame.words)) and \
                    not rest.endswith(tuple(frame.words)) and rest not in own:
                continue
            kb = prefixes[f]
            parent = Arg(a.start, a.start + len(f), f, "ORG", ctx.onto.catalogue[kb].cls, kb)
            key = (a.kb_id or a.text, frame.property, kb)
            sent = next((s for s in sentences if s.start <= a.start < s.end), None)
            if key in seen or sent is None or not ctx.fits(frame.property, "object", parent):
                continue
            seen.add(key)
            ctx.emit(out, [a], frame.property, [parent], frame, sent, "kg.compound.v1", (a.start, a.end))
    # "理想汽車 … 理想i8": a model named after its maker (the catalogue's parent), the maker named in the text
    makers = {m.kb_id: m for m in args if m.kb_id and m.label == "ORG"}
    for frame in ctx.frames["compound"]:
        if "*" not in frame.words:
            continue
        for a in args:
            entry = ctx.onto.catalogue.get(a.kb_id) if a.kb_id else None
            maker = makers.get(entry.parent) if entry is not None and entry.parent else None
            sent = next((s for s in sentences if s.start <= a.start < s.end), None)
            if maker is None or sent is None or not ctx.fits(frame.property, "subject", a) \
                    or not ctx.fits(frame.property, "object", maker) or a.text[:2] != maker.text[:2]:
                continue
            key = (a.kb_id, frame.property, maker.kb_id)
            if key not in seen:
                seen.add(key)
                ctx.emit(out, [a], frame.property, [maker], frame, sent, "kg.compound.v1", (a.start, a.end))


def frame_view(doc: Doc, ctx: FrameContext) -> tuple[list[Arg], str, list[Sentence]]:
    """What every frame reader reads: the mentions, the masked text and its sentences with their units
    (entities and anaphors, a maker written before its product set apart as its brand). Computed once
    per document and kept in ``doc.user_data`` for the readers that follow."""
    cached = doc.user_data.get("kg_frame_view")
    if cached is not None:
        return cached
    args = doc_args(doc, ctx.onto)
    text = mask(doc.text, args)
    args = [a for a in args if text[a.start:a.end].strip()]  # a gloss in brackets is its name again
    longest = {(s, e) for s, e, _ in find_words(text, ctx.all_triggers)}
    units_all = sorted(args + ctx.anaphors(text, args), key=lambda a: a.start)
    sentences = []
    for ss, se in sentence_spans(text):
        inside = [u for u in units_all if ss <= u.start and u.end <= se]
        brands, units = {}, []
        for u in inside:
            # "英偉達H20", "OpenAI的GPT-5": the maker stands before its product as a modifier
            if units and units[-1].label == "ORG" and u.label == "PRODUCT" and \
                    text[units[-1].end:u.start] in ("", "的"):
                brands[u.start] = units.pop()
            units.append(u)
        sentences.append(Sentence(ss, se, units, brands, longest))
    doc.user_data["kg_frame_view"] = (args, text, sentences)
    return args, text, sentences


def _per_sentence(read):
    """A reader of one sentence (with the sentences before it) as a reader of the document."""
    def over_document(ctx, text, args, sentences, out):
        for i, sent in enumerate(sentences):
            prev = sentences[:1] * (i > 2) + sentences[max(0, i - 2):i]  # the first sentence names the topic
            read(ctx, text, sent, prev, out)
    return over_document


def _adjacent(ctx, text, args, sentences, out):
    for sent in sentences:
        read_adjacent(ctx, text, sent, args, out)


def _compound(ctx, text, args, sentences, out):
    read_compound(ctx, text, args, sentences, out)


# each frame reader, by the component that runs it
READERS = {"titles": _per_sentence(read_titles), "verbs": _per_sentence(read_verbs),
           "nouns": _per_sentence(read_nouns), "possession": _per_sentence(read_possession),
           "locative": _per_sentence(read_locative), "orders": _per_sentence(read_orders),
           "rounds": _per_sentence(read_rounds), "adjacent": _adjacent, "compound": _compound}


def add_candidates(doc: Doc, found: list[FoundRelation]) -> None:
    """Append a reader's relations to ``doc._.kg_candidates``, where ``kg_merge`` decides on them."""
    if found:
        doc._.kg_candidates = list(doc._.kg_candidates or []) + list(found)


def relation_key(r: FoundRelation) -> tuple:
    """What makes two records one relation: the two mentions' spans and the predicate."""
    return r.subject.start, r.subject.end, r.predicate, r.object.start, r.object.end


def surest(records) -> dict[tuple, FoundRelation]:
    """The surest record of each relation (:func:`relation_key`), the first of equals."""
    best: dict[tuple, FoundRelation] = {}
    for r in records:
        k = relation_key(r)
        if k not in best or r.confidence > best[k].confidence:
            best[k] = r
    return best


class FrameReader:
    """One frame reader of ``ontology/triggers.tsv`` as a peer component: it writes what it reads, each
    relation with its extractor name, to ``doc._.kg_candidates``."""

    def __init__(self, nlp: Language, name: str, ontology: str | None, reader: str) -> None:
        if reader not in READERS:
            raise ValueError(f"{name}: unknown reader {reader!r}; expected one of {', '.join(READERS)}")
        self.name = name
        self.read = READERS[reader]
        self.ctx = frame_context(ontology)
        relation_extensions()

    def __call__(self, doc: Doc) -> Doc:
        args, text, sentences = frame_view(doc, self.ctx)
        out: list[FoundRelation] = []
        self.read(self.ctx, text, args, sentences, out)
        add_candidates(doc, out)
        return doc


def _factory(reader: str, doc: str):
    def make(nlp: Language, name: str, ontology: str | None) -> FrameReader:
        return FrameReader(nlp, name, ontology, reader)
    make.__doc__ = doc
    return Language.factory(f"kg_read_{reader}", default_config={"ontology": None}, requires=["doc.ents"],
                            assigns=["doc._.kg_candidates"])(make)


for _reader, _doc in (("titles", "job titles (kg.title.v1)"), ("verbs", "verb frames (kg.verb.v1)"),
                      ("nouns", "relational nouns (kg.noun.v1)"), ("possession", "possession (kg.possession.v1)"),
                      ("locative", "a company in a place (kg.locative.v1)"), ("orders", "orders (kg.order.v1)"),
                      ("rounds", "funding rounds (kg.round.v1)"), ("adjacent", "names glued to owners (kg.adjacent.v1)"),
                      ("compound", "names made of an owner's name (kg.compound.v1)")):
    _factory(_reader, _doc)
