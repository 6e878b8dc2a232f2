"""Read input files into :class:`~kg.records.Document` records.

Plain text (``.txt``), Markdown (``.md``) and HTML (``.html``/``.htm``) files are
read as UTF-8; folders are walked in sorted order. Offsets of everything found
later are offsets into ``Document.text``: the file's text for .txt and .md, the
visible text for HTML.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError
from .records import Document

__all__ = ["read_documents", "read_document", "SUFFIXES"]

SUFFIXES = (".txt", ".md", ".html", ".htm")
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "title"}
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _html_text(raw: str) -> str:
    parser = _TextExtractor()
    parser.feed(raw)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def _publication_date(text: str) -> str | None:
    """A date in the first lines (a dateline), as ISO ``YYYY-MM-DD``."""
    m = _DATE.search(text[:300])
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    if 1 <= mo <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def read_document(path: str | Path) -> Document:
    """Read one file.

    Raises:
        InputError: the file is missing, not UTF-8 (the byte offset is given),
            binary, of an unsupported type, or holds no text.
    """
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(str(path), f"expected a file ending in {', '.join(SUFFIXES)}, found {path.suffix or 'no suffix'}; "
                         "convert it to text or rename it")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(str(path), f"cannot be read ({e.strerror}); check the path") from e
    if b"\x00" in raw:
        raise InputError(str(path), "expected text, found a NUL byte (binary file?)", offset=raw.index(b"\x00"), unit="byte")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"expected UTF-8 text, found byte 0x{raw[e.start]:02x} that is not valid UTF-8; "
                         "re-save the file as UTF-8 (e.g. iconv -f big5 -t utf-8)", offset=e.start, unit="byte") from e
    if path.suffix.lower() in (".html", ".htm"):
        text = _html_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(str(path), "expected some text, found an empty document")
    return Document(id=path.stem, text=text, path=str(path), date=_publication_date(text))


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
            if not files:
                raise InputError(str(p), f"expected a folder holding {', '.join(SUFFIXES)} files, found none")
            yield from files
        elif p.exists():
            yield p
        else:
            raise InputError(str(p), "no such file or folder")


def read_documents(paths: Iterable[str | Path]) -> Iterator[Document]:
    """Yield a :class:`Document` for every file named, or found in the folders named.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.txt").write_text("騰訊發布混元。", encoding="utf-8")
    >>> [doc.id for doc in read_documents([d])]
    ['a']
    """
    for path in _expand(paths):
        yield read_document(path)
