"""``kg_mentions``: settle the final entity mentions (``doc.ents``).

Precedence, documented in the README: catalogue matches first, then the
product, person and organisation rules (they fire on specific shapes and
contexts), then the trained NER (whatever ``doc.ents`` holds when this runs),
which fills the gaps the others leave. Within one source a longer span wins. A lower-ranked span that
contains a catalogue match and only adds a legal-form suffix (``星河科技控股集團``)
is kept instead, with the catalogue's id.
"""
from __future__ import annotations

from bisect import bisect_left

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...ontology import load_ontology
from ..text import LATIN_GLOSS, find_words

__all__ = ["MentionResolver", "make_mentions"]

_EDITION = r"(?:\s?(?:Pro\+?|Max|Ultra|Plus|mini|Mini|Lite|Air|SE|GT|Turbo|Flash|Preview|App|至尊版|旗舰版|旗艦版|标准版|標準版|青春版|Pro版))"
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_WORDS = re.compile(r"(?: [A-Z][A-Za-z&.\-]*)+")
_MODEL_SUFFIX = re.compile(r"(?:\s?(?:[A-Za-z]{0,3}-?\d[\dA-Za-z\-.]*|V\d[\d.]*)" + _EDITION + r"*|" + _EDITION + r"+)"
                           r"(?: [A-Z][A-Za-z]+)?")  # and a variant name: Claude 4 Sonnet


class MentionResolver:
    def __init__(self, nlp: Language, name: str, sources: list[str], ontology: str | None) -> None:
        self.name = name
        self.sources = sources
        onto = load_ontology(ontology)
        self.suffixes = set(onto.lexicon.get("org_suffix", ()))
        self.titles = tuple(w for f in onto.frames_of("title") for w in f.words)
        self.coordinators = set(onto.lexicon.get("coordinator", ()))
        self.legal_forms = set(onto.lexicon.get("legal_form", ()))
        self.heads = tuple(onto.lexicon.get("product_head", ()))
        # words naming organisations: a list closed by 平台企業 or 晶片廠商 is a list of organisations
        self.org_words = tuple(onto.lexicon.get("org_head", ()) + onto.lexicon.get("org_suffix", ())
                               + onto.lexicon.get("en_org_head", ()) + onto.lexicon.get("org_noun", ()))

    def _trim_title(self, doc: Doc, span: Span, text: str) -> Span | None:
        """Drop a job title glued to the end of an ORG span ("…集团CEO")."""
        if span.label_ != "ORG":
            return span
        for s, e, _ in find_words(text, self.titles, span.start_char, span.end_char):
            if e == span.end_char and s > span.start_char:
                return doc.char_span(span.start_char, s, label=span.label_, kb_id=span.kb_id_)
        return span

    def _extend_suffix(self, doc: Doc, span: Span, text: str) -> Span:
        """A catalogue ORG followed by a legal-form suffix takes it in ("阿里巴巴" + "控股集团")."""
        if not span.kb_id_ or span.label_ != "ORG":
            return span
        for suffix in sorted(self.suffixes, key=len, reverse=True):
            if text.startswith(suffix, span.end_char) and not suffix.isascii():
                ext = doc.char_span(span.start_char, span.end_char + len(suffix), label=span.label_, kb_id=span.kb_id_)
                return ext or span
        return span

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text  # (spaCy rebuilds Doc.text at every access: read it once)
        ranked: list[tuple[int, Span]] = []
        for rank, source in enumerate(self.sources):
            spans = list(doc.ents) if source == "ner" else list(doc.spans.get(source, []))
            for span in spans:
                span = self._trim_title(doc, span, text)
                if span is not None and len(span):
                    ranked.append((rank, span))
        ranked = [(r, self._extend_suffix(doc, s, text)) for r, s in ranked]
        catalogue = sorted((s for r, s in ranked if s.kb_id_), key=lambda c: c.start_char)
        starts = [c.start_char for c in catalogue]
        promoted = []
        for rank, span in ranked:
            if span.kb_id_:
                promoted.append((rank, span))
                continue
            # the catalogue mentions inside this span (found by bisection: linear in the document)
            within = catalogue[bisect_left(starts, span.start_char):bisect_left(starts, span.end_char)]
            inner = [c for c in within if c.start_char == span.start_char and c.end_char < span.end_char
                     and text[c.end_char:span.end_char] in self.suffixes and c.label_ == span.label_]
            model = [c for c in within if c.start_char == span.start_char and c.end_char < span.end_char
                     and span.label_ == "PRODUCT" and c.label_ in ("PRODUCT", "ORG")
                     and _MODEL_SUFFIX.fullmatch(text[c.end_char:span.end_char])]
            dotted = [c for c in within if c.end_char <= span.end_char
                      and len(c) < len(span) and c.label_ == span.label_ == "PERSON" and "·" in span.text]
            # the NER reads a longer organisation than the catalogue's name it begins with ("上汽投資" for
            # 上汽, "聯想創投" for 聯想): another organisation, often the catalogued one's unit
            longer = [c for c in within if c.start_char == span.start_char and c.end_char < span.end_char
                      and span.label_ == c.label_ == "ORG" and self.sources[rank] == "ner"
                      and span.end_char - c.end_char >= 2 and text[c.end_char:span.end_char] not in self.suffixes
                      # not 微軟Azure (a brand and its product); Latin words are capitalised ones after a space
                      # ("Hyundai Motor Group", "Taiwan Semiconductor Manufacturing Co")
                      and (_CJK_WORD.fullmatch(text[c.end_char:span.end_char])
                           or _LATIN_WORDS.fullmatch(text[c.end_char:span.end_char]))
                      and not set(text[c.end_char:span.end_char].split()) <= self.legal_forms  # Nvidia Corp: Nvidia
                      and not any(o.start_char >= c.end_char or o.end_char >= span.end_char for o in within)]
            if model:  # a product family in the catalogue, a model of it in the text: "Xeon" → "Xeon 6"
                promoted.append((-1, span))
            elif longer and not inner:
                promoted.append((-1, span))
            elif dotted:  # the whole transliterated name, not the part the catalogue lists: 艾倫·沃克
                promoted.append((-1, Span(doc, span.start, span.end, label=span.label_, kb_id=dotted[0].kb_id_)))
            elif inner:
                c = max(inner, key=len)
                span = Span(doc, span.start, span.end, label=c.label_, kb_id=c.kb_id_)
                promoted.append((-1, span))
            else:
                promoted.append((rank, span))
        promoted.sort(key=lambda rs: (rs[0], -len(rs[1]), rs[1].start))
        taken = [False] * len(doc)
        final = []
        typed: dict[str, tuple[int, Span]] = {}  # the best-ranked reading of each name
        for rank, span in promoted:
            typed.setdefault(span.text, (rank, span))
        for rank, span in promoted:
            if any(taken[span.start:span.end]):
                continue
            known_rank, known = typed[span.text]
            if known_rank < rank and known.label_ != span.label_:
                # "元寶" is a product where the text says so; a weaker PERSON reading elsewhere yields
                span = Span(doc, span.start, span.end, label=known.label_, kb_id=known.kb_id_)
            for i in range(span.start, span.end):
                taken[i] = True
            final.append(span)
        final = [self._with_legal_form(doc, s, taken) for s in final]
        final += self._glosses(doc, text, final, taken)
        final += self._repeats(doc, text, final, taken)
        doc.ents = self._type_lists(doc, text, sorted(final, key=lambda s: s.start))
        return doc

    def _with_legal_form(self, doc: Doc, span: Span, taken: list[bool]) -> Span:
        """An organisation's name with the legal form written after it (``Nvidia Corp``, ``Nokia Oyj``:
        ``legal_form`` in ``ontology/lexicon.tsv``), as the text names it; the entity stays the same."""
        end = span.end
        while span.label_ == "ORG" and end < len(doc) and not taken[end] and doc[end - 1].whitespace_ \
                and doc[end].text in self.legal_forms:
            end += 1
        if end == span.end:
            return span
        for i in range(span.end, end):
            taken[i] = True
        return Span(doc, span.start, end, label=span.label_, kb_id=span.kb_id_)

    @staticmethod
    def _glosses(doc: Doc, text: str, found: list[Span], taken: list[bool]) -> list[Span]:
        """A Latin name in brackets right after a name is the same entity written in
        another language: ``星河（Galaxy）``, ``周明遠（Ming-Yuan Chou）``."""
        out = []
        for span in found:
            m = LATIN_GLOSS.match(text, span.end_char)
            if m is None or span.label_ not in ("ORG", "PERSON", "PRODUCT"):
                continue
            new = doc.char_span(m.start(1), m.end(1), label=span.label_, kb_id=span.kb_id_)
            if new is not None and not any(taken[new.start:new.end]):
                for i in range(new.start, new.end):
                    taken[i] = True
                out.append(new)
        return out

    @staticmethod
    def _repeats(doc: Doc, text: str, found: list[Span], taken: list[bool]) -> list[Span]:
        """A name recognised once is the same name where the text repeats it (one sense per
        document): ``育碧`` found in one sentence is found in the others too."""
        names = {}
        for span in found:
            if len(span.text) >= 2 and span.label_ in ("ORG", "PERSON", "PRODUCT"):
                names.setdefault(span.text, span)
        # every occurrence of every name, found in one pass over the text (by first character), then
        # taken longest name first, as if each name were searched for in turn
        order = {name: k for k, name in enumerate(sorted(names, key=len, reverse=True))}
        by_first: dict[str, list[str]] = {}
        for name in order:
            by_first.setdefault(name[0], []).append(name)
        found_at = [(order[name], at, name) for at, ch in enumerate(text) for name in by_first.get(ch, ())
                    if text.startswith(name, at)]
        out = []
        for _, at, name in sorted(found_at):
            span = names[name]
            end = at + len(name)
            latin_cut = (name[0].isascii() and at > 0 and text[at - 1].isascii() and text[at - 1].isalnum()) or \
                (name[-1].isascii() and end < len(text) and text[end].isascii() and text[end].isalnum())
            new = doc.char_span(at, end, label=span.label_, kb_id=span.kb_id_)
            if new is not None and not latin_cut and not any(taken[new.start:new.end]):
                for i in range(new.start, new.end):
                    taken[i] = True
                out.append(new)
        return out

    def _type_lists(self, doc: Doc, text: str, ents: list[Span]) -> list[Span]:
        """A list closed by a product head noun is a list of products: in
        ``通義、DeepSeek、Llama等開源大模型`` the company name DeepSeek stands for its model."""
        out = list(ents)
        i = 0
        while i < len(out):
            j = i
            while j + 1 < len(out) and text[out[j].end_char:out[j + 1].start_char].strip() in self.coordinators:
                j += 1
            tail = text[out[j].end_char:out[j].end_char + 8]
            heads = [tail.find(h) for h in self.heads if h in tail]
            last_head = max(heads) if heads else -1
            if j > i and tail.startswith("等") and last_head >= 0 and \
                    not any(tail.find(w, last_head + 1) > last_head for w in self.org_words):
                for k in range(i, j + 1):
                    if out[k].label_ == "ORG":
                        out[k] = Span(doc, out[k].start, out[k].end, label="PRODUCT")
            i = j + 1
        return out


@Language.factory("kg_mentions", default_config={"sources": ["kg_catalogue", "kg_products", "kg_persons", "ner", "kg_orgs"],
                                                 "ontology": None}, assigns=["doc.ents"])
def make_mentions(nlp: Language, name: str, sources: list[str], ontology: str | None) -> MentionResolver:
    return MentionResolver(nlp, name, sources, ontology)
