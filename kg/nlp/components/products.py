"""``kg_products``: product names from their shape and context, not from a list.

Proposes PRODUCT spans in ``doc.spans["kg_products"]`` for:

* model codes: Latin letters with digits (``H20``, ``A800``, ``GPT-4o``, ``DeepSeek-R1``),
  with the Chinese name written right before them (``邃思T30``, ``曦雲C600``);
* names of several Latin words ending in a model number (``Mate 60 Pro``,
  ``Galaxy Z Fold 7``, ``Kimi K3``);
* a Chinese name followed by a model number (``含光800``, ``天垓150``, ``征程7P``);
* a brand followed by a bare number (``阿維塔06``, ``極氪007 GT``);
* a Latin name after a descriptor (``人工智能平臺NOVA``, ``推理服務EAS``) or before a
  product head noun (``PPU AI芯片``), and a rare word before a head noun (``圖靈晶片``).

Descriptor words, head nouns, generic acronyms (AI, GPU, FP8 …) and ordinary words
that are not names are read from ``ontology/lexicon.tsv``.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from ..segment import tagged_words
from ..text import char_spans, find_words

__all__ = ["ProductRecogniser", "make_products", "GROUP"]

GROUP = "kg_products"
_SUFFIX = r"(?:\s?(?:Pro\+?|Max|Ultra|Plus|mini|Mini|Lite|Air|SE|GT|Turbo|Flash|Preview))*"
_CODE = re.compile(r"(?<![A-Za-z0-9\-.])(?=[A-Za-z0-9\-.]*[A-Za-z])(?=[A-Za-z0-9\-.]*\d)[A-Za-z0-9][A-Za-z0-9\-.]*[A-Za-z0-9]"
                   + _SUFFIX + r"(?![A-Za-z0-9])")
_WORDS = re.compile(r"(?<![A-Za-z0-9\-])((?:[A-Z][A-Za-z\-]*\s){1,3})([A-Z]{0,2}\d{1,4}[A-Za-z]{0,2})" + _SUFFIX
                    + r"(?![A-Za-z0-9])")
_NOT_PRODUCT = re.compile(r"(?i)^(Q[1-4]|H[12]|FY\d+|\d{4}[QH][1-4]|\d{4,6}[.\-](?:SZ|SH|HK|TW|KS|BJ|T|US)|.+\s(?:19|20)\d{2}|[A-Z]{3,}(?:19|20)\d{2}|\d+(?:\.\d+)?(?:gwh|mwh|kwh)|\d{1,2}[A-Z]|\d+(?:\.\d+)?(?:bn|mn|tn)|\d+(?:nm|gb|tb|mb|kb|g|k|m|b|w|kw|gw|mw|"
                          r"ghz|mhz|tops|mah|km|kg|mm|cm|s|x|p|k|v|th|st|nd|rd|h)|\d+(?:\.\d+)+|[A-Z]?\d+[-.]\d+)$")
# "16-year", "7-nanometer", "5G-capable": a measure or a quality written with a hyphen, no name
_HYPHEN_ADJECTIVE = re.compile(r"\d+(?:-[a-z]+)+|[A-Za-z0-9]+-[a-z]{4,}")
# what follows a number that measures or counts (50天, 13輛, 15周年, 12吋, 2025 財年): no model name
_MEASURE = "%％年月日天号號亿億万萬千百个個家款元美港台倍财財期季周週次名位人只项項条條吋寸后後辆輛部座级級届屆多余餘几幾"
_CJK_MODEL = re.compile(r"([\u4e00-\u9fff]{2,8})(\d{2,5}[A-Za-z]{0,2}|\d[A-Za-z]{1,2}|\d{1,2}(?=至尊版|旗舰版|旗艦版|标准版|標準版|青春版))"
                        r"(?![A-Za-z\d" + _MEASURE + r"]|\.\d|,\d{3})")
_EDITION = r"(?:\s?(?:Pro\+?|Max|Ultra|Plus|mini|Mini|Lite|Air|SE|GT|Turbo|Flash|Preview|App|至尊版|旗舰版|旗艦版|标准版|標準版|青春版|Pro版))"
_VERSION = re.compile(r"(?:\s?(?:[A-Za-z]{0,3}-?\d[\dA-Za-z\-.]*|V\d[\d.]*)" + _EDITION + r"*|" + _EDITION + r"+)(?![A-Za-z0-9])")
_QUOTED = re.compile(r"\s*[「“\"]([^」”\"]{1,12})[」”\"]")
_BARE_NUMBER = re.compile(r"\d{2,4}(?:\s?[A-Z]{1,3}\b)?" + _SUFFIX)
_BRAND_MODEL = re.compile(r"\s?(?:[A-Za-z]{1,3}\d{1,4}[A-Za-z]?|\d{1,4}[A-Za-z]{1,2})" + _SUFFIX + r"(?![A-Za-z0-9])")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Z]")
_STOP_CHARS = set("的了在和与與及或等将將把被对對为為从從向以于於也都而且并並是年月日季、，,。；;：:（）()「」 ")
_MAX_PREFIX = 4
# word classes that never end a product's name (the segmenter's tags): verbs, adverbs, numerals and
# measure words, pronouns, prepositions, conjunctions, particles, adjectives (担任 + M6, 成立仅 + 50, 一座 + 12)
_NOT_NAME_TAGS = {"v", "vn", "vd", "d", "m", "q", "mq", "r", "p", "c", "u", "uj", "ul", "uz", "ud", "a", "ad", "b", "f"}


class ProductRecogniser:
    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        onto = load_ontology(ontology)
        lex = onto.lexicon
        self.generic = {w.lower() for w in lex.get("generic_acronym", ())}
        self.heads = lex.get("product_head", ())
        self.descriptors = lex.get("product_prefix_head", ())
        self.not_names = {w for m in onto.metrics.values() for w in m.get("words", ())} | set(lex.get("not_name", ()))
        # brands whose models carry the brand in their name (極氪9X, 問界M8): parents of such products
        brand_named = set(lex.get("brand_named", ()))
        self.brands = {e.parent for e in onto.catalogue.values() if e.cls in brand_named and e.parent}
        # a Latin currency written before its amount ("US$", "RM", "Rs"): what follows is money
        latin = sorted((w for w in onto.currencies if re.fullmatch(r"[A-Za-z$.]+", w) and w[:1].isupper()), key=len, reverse=True)
        self.currency = re.compile(r"(?:" + "|".join(map(re.escape, latin)) + r")\s?\d") if latin else re.compile(r"(?!)")
        # a word before a short code that makes it a model (款, 推出, 搭載 …), and the heads after which a
        # rare word is a product's name (圖靈晶片)
        cues = lex.get("model_cue", ())
        self.model_cue = re.compile("(" + "|".join(map(re.escape, cues)) + r")\s*$") if cues else None
        self.rare_name_heads = tuple(lex.get("rare_name_head", ()))
        self.series = tuple(lex.get("series_word", ()))
        # words of a date written before a number ("April 2023", "between April 1"): never a model's name
        self.date_words = {w.lower() for w in lex.get("date_word", ())}
        # words a product name never runs across: triggers, heads, descriptors, ordinary words
        cues = {w for k in ("level", "approximate", "growth", "decline") for w in onto.cues.get(k, ())}
        self.barriers = tuple(sorted({w for f in onto.frames if f.kind != "compound" for w in f.words}
                                     | set(self.heads) | set(self.descriptors) | self.not_names | cues
                                     | set(lex.get("list_end", ())) | set(lex.get("coordinator", ())),
                                     key=len, reverse=True))

    def _ok_code(self, word: str, text: str = "", start: int = 0) -> bool:
        if word.lower() in self.generic or _NOT_PRODUCT.match(word) or word.split()[0].lower() in self.generic:
            return False
        if _HYPHEN_ADJECTIVE.fullmatch(word) or self.currency.match(word):
            return False  # "RM68.5", "Rs 22": an amount in a currency written before it
        if any(w.lower().rstrip(".") in self.date_words for w in word.split()[:-1]):
            return False  # "April 2023", "between April 1": a date, not a model
        if re.fullmatch(r"[A-Z]\d", word):  # G7, P9: a product only where the text says so
            before = text[max(0, start - 4):start]
            after = text[start + len(word):start + len(word) + 4]
            return bool(self.model_cue and self.model_cue.search(before)) or \
                any(after.startswith(h) or after[1:].startswith(h) for h in self.heads)
        return True

    def _with_series(self, text: str, end: int) -> int:
        """``小米15系列``, ``Find X8系列``: the series word glued after a model is part of its name."""
        word = next((w for w in self.series if text.startswith(w, end)), "")
        return end + len(word)

    def _ok_name(self, word: str) -> bool:
        return len(word) >= 2 and word.lower() not in self.generic and not word.isdigit()

    def _name_before(self, text: str, start: int, floor: int, word_end: dict | None = None) -> int:
        """Where a Chinese name written right before ``start`` begins (``start`` if there is none).

        ``word_end`` maps a word's end to its (start, tag) as the segmenter cut the text: a prefix
        that ends in a word of two or more characters of a class no name ends in (a verb, an
        adverb, a numeral …) is not a name."""
        j = start
        while j > floor and start - j < _MAX_PREFIX and "\u4e00" <= text[j - 1] <= "\u9fff" \
                and text[j - 1] not in _STOP_CHARS and not text.endswith(self.barriers, 0, j):
            j -= 1
        if start - j < 2 or text[j:start] in self.not_names:
            return start
        last = (word_end or {}).get(start)
        if last and start - last[0] >= 2 and last[0] >= j and last[1] in _NOT_NAME_TAGS:
            return start
        return j

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        found: dict[tuple[int, int], None] = {}
        known = list(doc.spans.get("kg_catalogue", []))
        floor_at = {}
        for s in known:  # a name never runs back into a known organisation or place: 英偉達 + H20
            if s.label_ == "PRODUCT":  # but a known product family takes its model: 星火 + X2
                continue
            for i in range(s.end_char, min(len(text), s.end_char + _MAX_PREFIX + 1)):
                floor_at[i] = max(floor_at.get(i, 0), s.end_char)
        family_end = {s.end_char: s for s in known if s.label_ == "PRODUCT"}
        words = tagged_words(doc)
        word_end = {we: (ws, tag) for ws, we, _, tag in words}
        for m in _CODE.finditer(text):
            if self._ok_code(m.group(), text, m.start()):
                fam = family_end.get(m.start())
                start = fam.start_char if fam else self._name_before(text, m.start(), floor_at.get(m.start(), 0), word_end)
                found[(start, m.end())] = None
        for m in _WORDS.finditer(text):
            if self._ok_code(m.group(), text, m.start()):
                # one more capitalised word closes the name when Chinese follows: Atlas 950 SuperPoD
                t = re.match(r" [A-Z][A-Za-z]+(?![A-Za-z0-9 ])", text[m.end():m.end() + 20])
                found[(m.start(), m.end() + (t.end() if t and t.group().strip().lower() not in self.generic else 0))] = None
        for m in _CJK_MODEL.finditer(text):
            digits_at = m.start(2)
            start = self._name_before(text, digits_at, max(m.start(1), floor_at.get(digits_at, 0)), word_end)
            if start == digits_at:
                continue
            after = text[m.end():m.end() + 6]
            before = text[max(0, start - 4):start]
            sure = any(after.startswith(h) or after[1:].startswith(h) for h in self.heads) \
                or re.match(r"[、,，和与及]", after) or before.endswith(self.barriers) or before.endswith("的")
            ed = re.match(_EDITION + "*", text[m.end():])
            if sure or (ed and ed.end()):
                found[(start, m.end() + (ed.end() if ed else 0))] = None
        for s in known:  # a product family and its model or edition: 星河大模型2.5, 極光T2, Nova Ultra
            if s.label_ == "PRODUCT":
                m = _VERSION.match(text, s.end_char)
                if m and m.end() > s.end_char and not re.match(r"[\d%％年月日号號亿億万萬个個家元]", text[m.end():m.end() + 1]):
                    found[(s.start_char, m.end())] = None
        for (a, b) in list(found):  # two codes in a row are one name: GB300 NVL72
            nxt = next(((c, d) for (c, d) in found if c == b + 1 and text[b] == " "), None)
            if nxt:
                found[(a, nxt[1])] = None
        for s in known:  # a brand and a bare number: 阿維塔06; a car brand and its model code: 極氪9X
            if s.label_ == "ORG" and s.kb_id_ in self.brands:
                m = _BRAND_MODEL.match(text, s.end_char)
                if m and not _NOT_PRODUCT.match(m.group().strip()) or m and re.fullmatch(r"\s?\d[A-Z]{1,2}", m.group()):
                    found[(s.start_char, m.end())] = None
                    continue
            if s.label_ == "ORG":
                m = _BARE_NUMBER.match(text, s.end_char)
                if m and not re.match(r"\s?[\d" + _MEASURE + r"]|[.,]\d", text[m.end():m.end() + 3]):
                    found[(s.start_char, m.end())] = None
        for ds, de, _ in find_words(text, self.descriptors):
            q = _QUOTED.match(text, de)  # AI助手「星語」
            if q and q.group(1) not in self.not_names:
                found[(q.start(1), q.end(1))] = None
            m = _LATIN_NAME.match(text, de)
            if m and self._ok_name(m.group()) and not any(a <= m.start() < b for a, b in found):
                found[(m.start(), m.end())] = None
        for hs, he, _ in find_words(text, self.heads):
            j = hs
            while j > 0 and text[j - 1] == " ":
                j -= 1
            m = re.search(r"([A-Za-z][A-Za-z0-9\-]*)\s?$", text[max(0, j - 24):j])
            if m and m.group(1).lower() in self.generic:  # one generic acronym between name and head: PPU AI芯片
                k = j - len(m.group(0))
                while k > 0 and text[k - 1] == " ":
                    k -= 1
                m = re.search(r"([A-Za-z][A-Za-z0-9\-]*)$", text[max(0, k - 24):k])
                j = k
            if m and self._ok_name(m.group(1)) and re.fullmatch(r"[A-Z][A-Za-z0-9\-]+", m.group(1)):
                start = j - len(m.group(1))
                for _ in range(2):  # capitalised words before it belong to the name: DRIVE Thor芯片
                    p = re.search(r"(?<![A-Za-z0-9\-])([A-Z][A-Za-z0-9\-]*) $", text[max(0, start - 24):start])
                    if not p or p.group(1).lower() in self.generic:
                        break
                    start -= len(p.group(0))
                found[(start, j)] = None
        for i, (ws, we, w, tag) in enumerate(words[:-1]):  # a rare word before a head noun: 圖靈晶片
            nxt = words[i + 1][2] + (words[i + 2][2] if i + 2 < len(words) else "")
            nxt = re.sub(r"^(?:AI|ai|Ai)\s?", "", nxt) if nxt[:2] in ("AI", "ai", "Ai") else nxt
            if nxt == "" and i + 2 < len(words):
                nxt = words[i + 2][2]
            if tag in ("n", "nz", "nr", "ns", "nrt") and 2 <= len(w) <= 4 and w not in self.not_names \
                    and nxt.startswith(self.rare_name_heads) \
                    and (text[max(0, ws - 1):ws] == "的" or text.endswith(self.barriers, 0, ws)):
                found[(ws, we)] = None
        found = {(a, self._with_series(text, b)): None for a, b in found}
        doc.spans[GROUP] = char_spans(doc, found, "PRODUCT")
        return doc


@Language.factory("kg_products", default_config={"ontology": None}, assigns=["doc.spans"])
def make_products(nlp: Language, name: str, ontology: str | None) -> ProductRecogniser:
    return ProductRecogniser(nlp, name, ontology)
