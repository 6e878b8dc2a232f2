"""Text structure shared by the rule components: word finders, sentences,
clauses and coordinated lists. Everything works on character offsets of the
analysis text (which equal offsets in the original text)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["word_regex", "find_words", "sentence_spans", "clause_spans", "char_spans", "Arg", "is_latin", "latin_char",
           "LATIN_GLOSS"]

_SENT_END = re.compile(r"[。！？!?\n]+|(?<=[A-Za-z0-9\)%”\"’'])\.\s+(?=[A-Z“\"])")
# a period after one of these (or after an initial, or inside "U.S.") does not end an English sentence
_ABBREVIATIONS = {"inc", "corp", "co", "ltd", "plc", "llc", "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "no",
                  "vs", "gov", "sen", "rep", "gen", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                  "oct", "nov", "dec", "dept", "est", "approx", "fig"}
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")
_CLAUSE_END = re.compile(r"[，,；;：:]")


# a Latin name in brackets right after a name: 星河（Galaxy）, 周明遠（Ming-Yuan Chou）
LATIN_GLOSS = re.compile(r"\s*[（(]\s*([A-Za-z][A-Za-z0-9 .,&'\-]{1,40}?)\s*[）)]")


def is_latin(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9 .&+\-']+", word))


def latin_char(ch: str) -> bool:
    """True for an ASCII letter or digit: a character of a Latin word."""
    return ch.isascii() and ch.isalnum()


@lru_cache(maxsize=256)
class WordTable(dict):
    """A table keyed by words, looked up as :func:`word_regex` matches them: Latin words in any case.

    >>> WordTable({"CEO": "ceoOf", "董事長": "chairmanOf"})["ceo"]
    'ceoOf'
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._folded = {k.casefold(): v for k, v in self.items() if is_latin(k)}

    def __missing__(self, key: str):
        return self._folded[key.casefold()]


def word_regex(words: tuple[str, ...]) -> re.Pattern | None:
    """A regex matching any of ``words`` (longest first); Latin words only at
    word boundaries and case-insensitively."""
    if not words:
        return None
    parts = []
    for w in sorted(set(words), key=lambda w: (-len(w), w)):
        esc = re.escape(w)
        if is_latin(w):
            esc = rf"(?i:(?<![A-Za-z]){esc}(?![A-Za-z]))"
        parts.append(esc)
    return re.compile("|".join(parts))


def find_words(text: str, words: Iterable[str], start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``words`` in ``text[start:end]`` as (start, end, word)."""
    rx = word_regex(tuple(words))
    if rx is None:
        return []
    end = len(text) if end is None else end
    return [(m.start(), m.end(), m.group()) for m in rx.finditer(text, start, end)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without the closing punctuation or blank space."""
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        if m.group()[0] == "." and _abbreviation(text, m.start()):
            continue
        if text[pos:m.start()].strip():
            out.append(_strip(text, pos, m.start() + (1 if m.group()[0] in "。！？!?" else 0)))
        pos = m.end()
    if text[pos:].strip():
        out.append(_strip(text, pos, len(text)))
    return out


def _abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence.

    >>> [text[s:e] for text in ["Chips are made by TSMC. Apple buys them."] for s, e in sentence_spans(text)]
    ['Chips are made by TSMC', 'Apple buys them.']
    >>> len(sentence_spans("C.C. Wei of TSMC met U.S. officials and Apple Inc. executives."))
    1
    """
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1)
    return len(word) == 1 or "." in word or word.lower() in _ABBREVIATIONS


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clauses of the sentence ``text[start:end]``, split at commas, semicolons and colons."""
    out, pos = [], start
    for m in _CLAUSE_END.finditer(text, start, end):
        # a comma inside a number (1,845.0) does not end a clause
        if m.group() == "," and 0 < m.start() < len(text) - 1 and text[m.start() - 1].isdigit() and text[m.start() + 1].isdigit():
            continue
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [c for c in out if c[1] > c[0]]


@dataclass(frozen=True)
class Arg:
    """An entity mention as the rule components see it."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, PRODUCT, GPE, LOC, ANAPHOR
    cls: str  # ontology class: Person, Organization, Product, Place, or a subclass
    kb_id: str = ""
    anaphor: str = ""  # for ANAPHOR: which lexicon kinds it may stand for, e.g. "org,product"


def char_spans(doc, offsets, label: str) -> list:
    """spaCy spans for (start, end) character offsets, skipping any that do not align with tokens."""
    out = []
    for start, end in offsets:
        span = doc.char_span(start, end, label=label, alignment_mode="contract")
        if span is not None and len(span):
            out.append(span)
    return out
