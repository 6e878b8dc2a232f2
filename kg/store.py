"""Read and write graphs, and open them in an embedded SPARQL store.

Formats are a closed set (:class:`Format`); the file suffix picks one when none
is given. ``graph.ttl``/``.nt``/``.jsonld`` hold the union of all documents,
``.trig``/``.nq`` keep one named graph per document.
"""
from __future__ import annotations

import enum
from pathlib import Path

from rdflib import Dataset, Graph

from .errors import InputError, UnknownNameError

__all__ = ["Format", "save_graph", "load_graph", "format_for", "to_oxigraph"]


class Format(str, enum.Enum):
    TURTLE = "turtle"
    TRIG = "trig"
    JSONLD = "json-ld"
    NTRIPLES = "nt"
    NQUADS = "nquads"

    @property
    def suffix(self) -> str:
        return {"turtle": ".ttl", "trig": ".trig", "json-ld": ".jsonld", "nt": ".nt", "nquads": ".nq"}[self.value]

    @property
    def quads(self) -> bool:
        return self in (Format.TRIG, Format.NQUADS)


_BY_SUFFIX = {f.suffix: f for f in Format} | {".json": Format.JSONLD, ".n3": Format.TURTLE}


def format_for(path: str | Path, fmt: str | Format | None = None) -> Format:
    """The format named, or the one the file suffix implies."""
    if fmt is not None:
        try:
            return Format(fmt)
        except ValueError as e:
            raise UnknownNameError("format", str(fmt), [f.value for f in Format]) from e
    suffix = Path(path).suffix.lower()
    if suffix not in _BY_SUFFIX:
        raise UnknownNameError("graph file suffix", suffix or "(none)", list(_BY_SUFFIX))
    return _BY_SUFFIX[suffix]


def save_graph(ds: Dataset, path: str | Path, fmt: str | Format | None = None) -> Path:
    """Write ``ds`` to ``path``; N-Triples are written sorted, so equal graphs give equal files."""
    from .assemble import union_graph

    path = Path(path)
    f = format_for(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if f.quads:
        data = ds.serialize(format=f.value)
    else:
        g = union_graph(ds)
        data = g.serialize(format=f.value, **({"auto_compact": True} if f is Format.JSONLD else {}))
        if f is Format.NTRIPLES:
            data = "".join(sorted(set(data.splitlines(keepends=True))))
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(path)  # never leave a half-written graph in place
    return path


def load_graph(path: str | Path, fmt: str | Format | None = None) -> Dataset:
    """Read a graph file written by :func:`save_graph` (or any RDF file of a known format).

    Raises:
        InputError: the file is missing or not valid RDF; the message has the parser's position.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such graph file; build one with 'kg build'")
    f = format_for(path, fmt)
    ds = Dataset(default_union=True)
    try:
        if f.quads:
            ds.parse(path, format=f.value)
        else:
            ds.default_graph.parse(path, format=f.value)
    except Exception as e:  # rdflib's parsers raise assorted exception types
        raise InputError(str(path), f"expected {f.value} RDF, but it does not parse: {e}") from e
    return ds


def to_oxigraph(ds: Dataset | Graph, path: str | Path | None = None):
    """Load the triples into a pyoxigraph ``Store`` (in memory, or on disk at ``path``)."""
    import pyoxigraph as ox

    store = ox.Store(str(path)) if path else ox.Store()
    data = ds.serialize(format="nquads" if isinstance(ds, Dataset) else "nt")
    store.load(data.encode("utf-8"), format=ox.RdfFormat.N_QUADS if isinstance(ds, Dataset) else ox.RdfFormat.N_TRIPLES)
    return store
