"""Give every mention one entity IRI, within and across documents.

Rules, in order (each merge is written to ``Extraction.merges``):

1. a catalogue match links to its catalogue entry;
2. a name that differs from a catalogue form only by script, width, case or a
   legal-form suffix (``控股集團``, ``Inc.``) links to that entry;
3. a name the document also uses in a longer form of the same type
   (``寒武紀`` beside ``寒武紀科技``) links to the longer form;
4. a person written in Latin letters whose name is the pinyin of a person a document has
   named in Chinese (``Lei Jun``, ``Jun Lei`` and ``雷軍``), or the other way round, is that
   person: one IRI across languages (the linker remembers the people of earlier documents);
5. anything else gets an IRI made from its class and its Simplified, case-folded name,
   so the same name in another document (in either script) gets the same IRI.

English labels come from the catalogue, from the name itself when it is written
in Latin letters, or for a person's Chinese name from its pinyin (``吳泳銘`` →
``Wu Yongming``). An English document's entities take their English label as their
main label.

>>> from kg.records import Document, Extraction, Mention
>>> ex = Extraction(Document(id="d", text="吳泳銘"), mentions=[Mention("吳泳銘", 0, 3, "PERSON")])
>>> ent = Linker().link(ex).entities[(0, 3)]
>>> ent.cls, dict(ent.labels)["en"]
('Person', 'Wu Yongming')
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from .nlp.text import LATIN_GLOSS
from .normalise import same_length_convert
from .ontology import ENTITY_NS, label_maps, load_ontology, to_simplified
from dataclasses import replace

from .records import Entity, Extraction, Mention

__all__ = ["Linker", "entity_key", "pinyin_name"]

_DEFINED = re.compile(r"\s*[（(]\s*(?:以下|下文)?(?:简称|簡稱|下称|下稱|称|稱)\s*[「“\"]?([^」”\"）)]{1,20})[」”\"]?\s*[）)]")


def _glosses(text: str, end: int) -> list[str]:
    """A Latin name in brackets right after a mention: 康寧（Corning）."""
    m = LATIN_GLOSS.match(text, end)
    return [m.group(1).strip()] if m and not re.fullmatch(r"\d+", m.group(1)) else []

_PUNCT = re.compile(r"[\s\u3000·•・.,，。、:：;；'\"“”‘’()（）\[\]【】《》<>\-]+")


def entity_key(name: str) -> str:
    """Script-, width- and case-independent key of a name.

    >>> entity_key("阿里雲 ") == entity_key("阿里云")
    True
    """
    s = unicodedata.normalize("NFKC", name)
    return _PUNCT.sub("", to_simplified(s).casefold())


def pinyin_name(name: str, surnames: set[str]) -> str:
    """A Chinese personal name in pinyin, surname first (``吳泳銘`` → ``Wu Yongming``)."""
    from pypinyin import Style, lazy_pinyin

    simple = to_simplified(name)
    cut = 2 if simple[:2] in surnames and len(simple) > 2 else 1
    sur = "".join(lazy_pinyin(simple[:cut], style=Style.NORMAL))
    given = "".join(lazy_pinyin(simple[cut:], style=Style.NORMAL))
    return f"{sur.capitalize()} {given.capitalize()}".strip()


class Linker:
    """Links the mentions of successive documents; keeps what it learnt across them."""

    def __init__(self, *, ontology: str | None = None) -> None:
        self.onto = load_ontology(ontology)
        self.label_to_class, _ = label_maps(self.onto)
        self.suffixes = sorted((entity_key(s) for s in self.onto.lexicon.get("org_suffix", ())), key=len, reverse=True)
        self.surnames = set(self.onto.lexicon.get("surname", ()))
        self.by_form: dict[tuple[str, str], str] = {}  # (top class, key) -> catalogue id
        # the people named so far, by the pinyin of their name (Chinese) or their letters (Latin):
        # key -> (IRI, the name it was first seen as, whether that was written in Chinese)
        self.people: dict[str, tuple[str, str, bool]] = {}
        from .nlp.components.catalogue import catalogue_forms  # spaCy only when a linker is made

        self._forms_of = catalogue_forms
        for entry in self.onto.catalogue.values():
            top = self.onto.top_class(entry.cls)
            for f in catalogue_forms(entry):
                self.by_form.setdefault((top, entity_key(f)), entry.id)

    def _catalogue_entity(self, kb: str, surface: set[str], lang: str = "zh") -> Entity:
        e = self.onto.catalogue[kb]
        hant = e.zh_hant or (same_length_convert(e.zh_hans, "s2t") if e.zh_hans else "")
        labels = [("en", e.en)] if e.en else []
        labels += [("zh-Hant", hant)] if hant else []
        labels += [("zh-Hans", e.zh_hans)] if e.zh_hans else []
        aliases = set(self._forms_of(e)) | set(e.aliases) | surface | {e.en, hant, e.zh_hans}
        main = (e.en or hant) if lang == "en" else (hant or e.en)
        return Entity(iri=ENTITY_NS + kb, label=main, cls=e.cls, labels=tuple(labels),
                      aliases=tuple(sorted(a for a in aliases if a)))

    @staticmethod
    def _latin_keys(name: str) -> list[str]:
        """A Latin personal name as pinyin keys, in both orders (``Lei Jun``, ``Jun Lei`` → ``leijun``,
        ``junlei``); hyphens and case do not count (``Wu Yong-ming``)."""
        parts = [p for p in re.split(r"[\s.]+", name.replace("-", "").casefold()) if p]
        if not 2 <= len(parts) <= 3 or not all(p.isalpha() and p.isascii() for p in parts):
            return []
        return list(dict.fromkeys(["".join(parts), "".join(parts[-1:] + parts[:-1])]))

    def _person_iri(self, ent: Entity, ex: Extraction) -> Entity:
        """The same person across languages: the IRI of the person whose Chinese name's pinyin is
        this Latin name, or whose Latin name is this Chinese name's pinyin (rule 4)."""
        name = ent.label
        chinese = not re.fullmatch(r"[\x00-\x7f]+", name)
        if chinese and not 2 <= len(to_simplified(name)) <= 4:
            return ent
        keys = [entity_key(pinyin_name(name, self.surnames))] if chinese else self._latin_keys(name)
        for k in keys:
            seen = self.people.get(k)
            if seen is not None and seen[2] != chinese:
                if seen[0] != ent.iri:
                    ex.merges.append(f"{name!r}: the same person as {seen[1]!r} ({'its pinyin' if chinese else 'the pinyin of that name'})")
                    labels = dict(ent.labels)
                    if not chinese:
                        labels.pop("en", None)  # the Chinese-named entity's labels stand; the Latin name joins its aliases
                    ent = replace(ent, iri=seen[0], aliases=tuple(sorted(set(ent.aliases) | {seen[1]})))
                return ent
        for k in keys:  # a Latin name under both orders: surname first or last
            self.people.setdefault(k, (ent.iri, name, chinese))
        return ent

    def _new_entity(self, top: str, key: str, texts: set[str]) -> Entity:
        first = sorted(texts, key=lambda t: (-len(t), t))[0]
        hans = to_simplified(first)
        hant = same_length_convert(hans, "s2t")
        if re.fullmatch(r"[\x00-\x7f]+", first):
            en = first
        elif top == "Person":
            en = pinyin_name(first, self.surnames)
        else:
            en = ""
        labels = ([("en", en)] if en else []) + [("zh-Hant", hant), ("zh-Hans", hans)]
        if re.fullmatch(r"[\x00-\x7f]+", first):
            labels = [("en", en)]
        return Entity(iri=f"{ENTITY_NS}{top.lower()}/{quote(key, safe='')}", label=first, cls=top,
                      labels=tuple(labels), aliases=tuple(sorted(texts)))

    def _strip_suffix(self, key: str) -> str:
        for s in self.suffixes:
            if key.endswith(s) and len(key) - len(s) >= 2:
                return key[: -len(s)]
        return key

    def link(self, ex: Extraction) -> Extraction:
        """Fill ``ex.entities`` (mention span → :class:`Entity`) and ``ex.merges``."""
        args: dict[tuple[int, int], Mention] = {(m.start, m.end): m for m in ex.mentions}
        for r in ex.relations:
            for m in (r.subject, r.object):
                args.setdefault((m.start, m.end), m)
        for f in ex.facts:
            args.setdefault((f.subject.start, f.subject.end), f.subject)
        groups: dict[tuple[str, str], list[Mention]] = {}
        for m in args.values():
            top = self.label_to_class.get(m.label)
            if top is None:
                continue
            key = entity_key(m.text)
            kb = m.kb_id if m.kb_id in self.onto.catalogue else ""
            if not kb:
                kb = self.by_form.get((top, key)) or ""
                stripped = self._strip_suffix(key) if top == "Organization" else key
                if not kb and stripped != key:
                    kb = self.by_form.get((top, stripped)) or ""
                    if kb:
                        ex.merges.append(f"{m.text!r} at {m.start}: same as catalogue {kb!r} without its legal-form suffix")
                    else:
                        key = stripped
            groups.setdefault(("kb", kb) if kb else (top, key), []).append(m)
        # a short form the document sets up: 寒武紀 beside 寒武紀科技
        unknown = {k: v for k, v in groups.items() if k[0] != "kb"}
        for (top, key), ms in sorted(unknown.items(), key=lambda kv: len(kv[0][1])):
            longer = [k for k in groups if k != (top, key) and k[0] in (top, "kb") and len(key) >= 2
                      and any(entity_key(m.text).startswith(key) and len(entity_key(m.text)) > len(key)
                              and (k[0] != "kb" or self.onto.top_class(self.onto.catalogue[k[1]].cls) == top)
                              for m in groups[k])]
            if len(longer) == 1:
                target = longer[0]
                groups[target].extend(ms)
                del groups[(top, key)]
                ex.merges.append(f"{ms[0].text!r}: short form of {groups[target][0].text!r} in document {ex.document.id}")
        self._defined_short_forms(ex, groups)
        text = ex.document.text
        self._gloss_mentions(text, groups, ex)
        for gkey, ms in groups.items():
            texts = {m.text for m in ms}
            glossed = {g for m in ms for g in _glosses(text, m.end)}
            if gkey[0] == "kb":
                ent = self._catalogue_entity(gkey[1], texts | glossed, ex.document.lang)
            else:
                ent = self._new_entity(gkey[0], gkey[1], texts)
                if gkey[0] == "Person":
                    ent = self._person_iri(ent, ex)
                if glossed:
                    en = sorted(g for g in glossed if re.fullmatch(r"[\x00-\x7f]+", g))
                    labels = dict(ent.labels)
                    if en:  # the text's own English name beats a transliteration
                        labels = {**labels, "en": en[0]}
                    ent = replace(ent, labels=tuple(labels.items()), aliases=tuple(sorted(set(ent.aliases) | glossed)))
                    ex.merges.append(f"{ms[0].text!r}: also called {', '.join(sorted(glossed))} (in brackets after it)")
            for m in ms:
                ex.entities[(m.start, m.end)] = ent
        return ex

    @staticmethod
    def _gloss_mentions(text: str, groups: dict, ex: Extraction) -> None:
        """A mention that is the bracketed Latin gloss of another (``康寧（Corning）``) joins
        that mention's entity."""
        where = {(m.start, m.end): k for k, ms in groups.items() for m in ms}
        for key in list(groups):
            for m in list(groups.get(key, ())):
                g = LATIN_GLOSS.match(text, m.end)
                other = where.get((g.start(1), g.start(1) + len(g.group(1).strip()))) if g else None
                if other is not None and other != key and other in groups and key in groups:
                    moved = groups.pop(other)
                    groups[key].extend(moved)
                    for mm in moved:
                        where[(mm.start, mm.end)] = key
                    ex.merges.append(f"{moved[0].text!r}: the gloss in brackets after {m.text!r}")

    def _defined_short_forms(self, ex: Extraction, groups: dict) -> None:
        """``星河科技股份有限公司（以下簡稱「星河」）``: later uses of the short form are the same entity."""
        text = ex.document.text
        where = {k: ms for k, ms in groups.items()}
        for key, ms in list(where.items()):
            for m in ms:
                mm = _DEFINED.match(text, m.end)
                if not mm:
                    continue
                short = entity_key(mm.group(1))
                for other, oms in list(groups.items()):
                    if other != key and other[1] == short and other in groups:
                        groups[key].extend(groups.pop(other))
                        ex.merges.append(f"{mm.group(1)!r}: the short form {m.text!r} defines at {m.end}")
