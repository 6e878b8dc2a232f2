"""Word segmentation with part-of-speech tags (jieba), computed once per Doc.

The rule recognisers use it to find where a name ends; the trained NER does
not depend on it.
"""
from __future__ import annotations

from spacy.tokens import Doc

__all__ = ["tagged_words"]


def tagged_words(doc: Doc) -> list[tuple[int, int, str, str]]:
    """(start, end, word, tag) for the whole text, cached in ``doc.user_data``."""
    cached = doc.user_data.get("kg_words")
    if cached is None:
        import logging

        import jieba
        import jieba.posseg as pseg

        jieba.setLogLevel(logging.WARNING)
        cached, pos = [], 0
        for pair in pseg.cut(doc.text, HMM=True):
            w, flag = pair.word, pair.flag
            cached.append((pos, pos + len(w), w, flag))
            pos += len(w)
        doc.user_data["kg_words"] = cached
    return cached
