from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.ingest import read_document, read_documents


def test_ingest_reads_text_markdown_and_html(tmp_path):
    (tmp_path / "a.txt").write_text("騰訊發布混元。", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 標題\n小米發布SU7。", encoding="utf-8")
    (tmp_path / "c.html").write_text("<html><head><script>var x='騰訊';</script></head>"
                                     "<body><p>華為發布&lt;Mate 70&gt;</p></body></html>", encoding="utf-8")
    docs = {d.id: d for d in read_documents([tmp_path])}
    assert sorted(docs) == ["a", "b", "c"]
    assert docs["c"].text == "華為發布<Mate 70>"
    assert "var x" not in docs["c"].text


def test_ingest_finds_dateline(tmp_path):
    p = tmp_path / "d.txt"
    p.write_text("2025年8月12日 電\n騰訊營收增長。", encoding="utf-8")
    assert read_document(p).date == "2025-08-12"


@pytest.mark.parametrize("content,message,offset", [
    (b"\xe9\xa8\xb0\xe8\xa8\x8a\xff\xfe", "expected UTF-8", 6),
    (b"abc\x00def", "NUL byte", 3),
    (b"   \n", "empty document", None),
])
def test_ingest_bad_input_names_file_and_offset(tmp_path, content, message, offset):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_document(p)
    assert message in str(err.value)
    assert str(p) in str(err.value)
    assert err.value.offset == offset
    if offset is not None:
        assert f"offset {offset}" in str(err.value)


def test_ingest_rejects_unknown_suffix_and_missing_path(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match="expected a file ending in"):
        read_document(tmp_path / "x.pdf")
    with pytest.raises(InputError, match="no such file"):
        list(read_documents([tmp_path / "missing.txt"]))
