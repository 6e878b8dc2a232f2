from __future__ import annotations

import pytest

from kg.normalise import detect_script, normalise, same_length_convert
from kg.records import Document


@pytest.mark.parametrize("text,script", [
    ("星河雲智能集團董事長兼CEO周明遠", "Hant"),
    ("星河云智能集团董事长兼CEO周明远", "Hans"),
    ("Alibaba Cloud revenue rose 26%.", "Latn"),
])
def test_normalise_detects_script(text, script):
    assert detect_script(text) == script


def test_normalise_keeps_length_and_offsets():
    text = "臺積電（TSMC）營收１，８４５億元，乾坤未定；後來居上。"
    doc = normalise(Document(id="d", text=text))
    assert len(doc.analysis) == len(text)
    i = text.index("營收")
    assert doc.analysis[i:i + 2] == "营收"
    assert "1,845" in doc.analysis


def test_normalise_falls_back_to_characters_when_phrases_change_length():
    # whatever OpenCC does with phrases, the result has the input's length
    for text in ["於是乎", "一隻隻", "著作權", "瞭解了"]:
        assert len(same_length_convert(text)) == len(text)
