"""``kg_products``: product names from their shape and context, not from a list.

Proposes PRODUCT spans in ``doc.spans["kg_products"]`` for:

* model codes: Latin letters with digits (``H20``, ``A800``, ``GPT-4o``,
  ``DeepSeek-R1``, ``Mate 60 Pro``);
* a Chinese name followed by a model number (``含光800``, ``昇騰910B``);
* a Latin name after a descriptor (``人工智能平臺PAI``, ``推理服務EAS``) or
  before a product head noun (``PPU AI芯片``).

Descriptor words, head nouns and generic acronyms (AI, GPU, IaaS …) are read
from ``ontology/lexicon.tsv``.
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from ..segment import tagged_words
from ..text import find_words

__all__ = ["ProductRecogniser", "make_products", "GROUP"]

GROUP = "kg_products"
_SUFFIX = r"(?:\s?(?:Pro\+?|Max|Ultra|Plus|mini|Mini|Lite|Air|SE|Turbo|Flash|Preview))*"
_CODE = re.compile(r"(?<![A-Za-z0-9\-.])(?=[A-Za-z0-9\-.]*[A-Za-z])(?=[A-Za-z0-9\-.]*\d)[A-Za-z0-9][A-Za-z0-9\-.]*[A-Za-z0-9]" + _SUFFIX + r"(?![A-Za-z0-9])")
_SPACED = re.compile(r"(?<![A-Za-z0-9])[A-Z][a-z]+ \d{1,4}[A-Za-z]?" + _SUFFIX + r"(?![A-Za-z0-9])")
_NOT_PRODUCT = re.compile(r"(?i)^(Q[1-4]|H[12]|FY\d+|\d{4}Q[1-4]|\d{1,2}[A-Z]|\d+(?:nm|gb|tb|mb|kb|g|k|m|b|w|kw|gw|mw|ghz|mhz|tops|mah|km|kg|mm|cm|s|x|p|k|v|th|st|nd|rd|h)|\d+(?:\.\d+)+|[A-Z]?\d+[-.]\d+)$")
_CJK_MODEL = re.compile(r"([\u4e00-\u9fff]{2,8})(\d{2,5}[A-Za-z]{0,2})(?![\d%％年月日号號亿億万萬个個家款元美港台倍财財期季周次名位人只项項条條]|\.\d|,\d{3})")
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Z]")
_NAME_TAGS = {"n", "nz", "nr", "nrt", "ns", "nt", "j", "x", "eng", "nrfg", "vn", "an"}
_SURE_TAGS = {"nz", "nr", "nrt", "nt", "j", "nrfg"}


class ProductRecogniser:
    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        onto = load_ontology(ontology)
        self.generic = {w.lower() for w in onto.lexicon.get("generic_acronym", ())}
        self.heads = onto.lexicon.get("product_head", ())
        self.descriptors = onto.lexicon.get("product_prefix_head", ())
        self.not_names = {w for m in onto.metrics.values() for w in m.get("words", ())}
        self.not_names |= set(onto.lexicon.get("not_name", ()))
        self.launch = tuple(w for f in onto.frames_of("verb") if f.property == "developedBy" for w in f.words)

    def _ok_code(self, word: str, text: str = "", start: int = 0) -> bool:
        if word.lower() in self.generic or _NOT_PRODUCT.match(word):
            return False
        if re.fullmatch(r"[A-Z]\d", word):  # G7, P9: a product only where the text says so
            before = text[max(0, start - 4):start]
            after = text[start + len(word):start + len(word) + 4]
            return bool(re.search(r"(款|型|新|推出|发布|上市|于|於|搭载)\s*$", before)) or \
                any(after.startswith(h) or after[1:].startswith(h) for h in self.heads)
        return True

    def _ok_name(self, word: str) -> bool:
        return len(word) >= 2 and word.lower() not in self.generic and not word.isdigit()

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        found: dict[tuple[int, int], None] = {}
        words = tagged_words(doc)
        word_at_end = {w[1]: w for w in words}
        for rx in (_CODE, _SPACED):
            for m in rx.finditer(text):
                if self._ok_code(m.group(), text, m.start()):
                    start = m.start()
                    prev = word_at_end.get(start)
                    # a Chinese name glued before a model code: 神璣NX9031
                    if prev and 2 <= len(prev[2]) <= 3 and all("\u4e00" <= c <= "\u9fff" for c in prev[2]) \
                            and prev[3] in _NAME_TAGS and prev[2] not in self.not_names and not prev[3].startswith("v") \
                            and prev[2] not in self.heads and prev[2] not in self.descriptors:
                        start = prev[0]
                    found[(start, m.end())] = None
        # a rare word named as a product by its head noun: 圖靈晶片, 北極星芯片
        for i, (ws, we, w, tag) in enumerate(words[:-1]):
            nxt = words[i + 1][2]
            if tag in ("n", "nz", "nr", "ns", "nrt") and 2 <= len(w) <= 4 and w not in self.not_names \
                    and any(nxt.startswith(h) or (nxt + words[i + 2][2] if i + 2 < len(words) else nxt).startswith(h)
                            for h in ("芯片", "晶片", "大模型", "处理器")) \
                    and (text[max(0, ws - 1):ws] == "的" or text[:ws].endswith(self.launch)):
                found[(ws, we)] = None
        for m in _CJK_MODEL.finditer(text):
            digits_at = m.start(2)
            # the product name is the last word before the digits
            name = [w for w in words if w[1] == digits_at and w[0] >= m.start(1)]
            if not name:
                continue
            ws, we, w, tag = name[0]
            # a common noun before a number is a name only where a product head follows ("含光800芯片")
            # or the name is not an ordinary word the segmenter knows as such
            after = text[m.end():m.end() + 6]
            sure = tag in _SURE_TAGS or any(after.startswith(h) or after[1:].startswith(h) for h in self.heads) \
                or re.match(r"[、,，和与及]", after)
            if 2 <= len(w) <= 4 and tag in _NAME_TAGS and w not in self.not_names and sure:
                found[(ws, m.end())] = None
        for ds, de, _ in find_words(text, self.descriptors):
            m = _LATIN_NAME.match(text, de)
            if m and self._ok_name(m.group()):
                found[(m.start(), m.end())] = None
        for hs, he, _ in find_words(text, self.heads):
            j = hs
            while j > 0 and text[j - 1] == " ":
                j -= 1
            # skip one generic acronym between name and head ("PPU AI芯片")
            m = re.search(r"([A-Za-z][A-Za-z0-9\-]*)\s?$", text[max(0, j - 24):j])
            if m and m.group(1).lower() in self.generic:
                k = j - len(m.group(0))
                while k > 0 and text[k - 1] == " ":
                    k -= 1
                m = re.search(r"([A-Za-z][A-Za-z0-9\-]*)$", text[max(0, k - 24):k])
                j = k
            if m and self._ok_name(m.group(1)) and re.fullmatch(r"[A-Z][A-Za-z0-9\-]+", m.group(1)):
                found[(j - len(m.group(1)), j)] = None
        spans = []
        for start, end in found:
            span = doc.char_span(start, end, label="PRODUCT", alignment_mode="contract")
            if span is not None and len(span):
                spans.append(span)
        doc.spans[GROUP] = spans
        return doc


@Language.factory("kg_products", default_config={"ontology": None}, assigns=["doc.spans"])
def make_products(nlp: Language, name: str, ontology: str | None) -> ProductRecogniser:
    return ProductRecogniser(nlp, name, ontology)
