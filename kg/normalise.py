"""Make the analysis text: Simplified script and half-width forms, with exactly
the same length as the original, so offsets found in it are offsets in the
original text.

>>> from kg.records import Document
>>> doc = normalise(Document(id="d", text="臺積電營收１２億元"))
>>> doc.analysis, doc.script, len(doc.analysis) == len(doc.text)
('台积电营收12亿元', 'Hant', True)
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from .ontology import _converter
from .records import Document

__all__ = ["normalise", "detect_script", "same_length_convert"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _width(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch)
    return out if len(out) == 1 else ch


def same_length_convert(text: str, config: str = "t2s") -> str:
    """Convert with OpenCC, phrase-aware where that keeps the length, else char by char."""
    conv = _converter(config)
    whole = conv.convert(text)
    if len(whole) == len(text):
        return whole
    lines = []
    for line in text.split("\n"):
        out = conv.convert(line)
        if len(out) != len(line):
            out = "".join(c if len(c) == 1 else ch for ch, c in ((ch, conv.convert(ch)) for ch in line))
        lines.append(out)
    return "\n".join(lines)


def detect_script(text: str) -> str:
    """``"Hant"``, ``"Hans"`` or ``"Latn"`` (no Chinese characters)."""
    sample = "".join(_CJK.findall(text[:20000]))
    if len(sample) < max(1, len(text.strip()) // 50):
        return "Latn"
    to_s = sum(a != b for a, b in zip(sample, _converter("t2s").convert(sample)))
    to_t = sum(a != b for a, b in zip(sample, _converter("s2t").convert(sample)))
    return "Hant" if to_s > to_t else "Hans"


def normalise(doc: Document) -> Document:
    """Return ``doc`` with ``analysis``, ``script`` and ``lang`` filled in."""
    script = detect_script(doc.text)
    analysis = same_length_convert(doc.text, "t2s") if script == "Hant" else doc.text
    analysis = "".join(_width(ch) for ch in analysis)
    assert len(analysis) == len(doc.text)
    return replace(doc, analysis=analysis, script=script, lang="en" if script == "Latn" else "zh")
