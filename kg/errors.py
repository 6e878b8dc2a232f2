"""Errors raised by kg.

Every error derives from :class:`KGError`. Messages say what was expected,
what was found and what to do, and name the file and character offset when
the problem is in an input document.
"""
from __future__ import annotations

__all__ = ["KGError", "InputError", "OntologyError", "QueryError", "UnknownNameError"]


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class InputError(KGError):
    """An input file cannot be read as a document.

    Args:
        path: the file.
        offset: character (or byte, see ``unit``) offset of the problem, if known.
        message: what was expected and what was found.
        unit: ``"character"`` or ``"byte"``.
    """

    def __init__(self, path: str, message: str, *, offset: int | None = None,
                 unit: str = "character") -> None:
        self.path = str(path)
        self.offset = offset
        where = self.path if offset is None else f"{self.path} at {unit} offset {offset}"
        super().__init__(f"{where}: {message}")


class OntologyError(KGError):
    """The ontology data under ``ontology/`` is inconsistent or unreadable."""


class QueryError(KGError):
    """A SPARQL query failed to parse or run."""


class UnknownNameError(KGError, KeyError):
    """A name (format, preset, plug-in) is not one of the known ones."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        self.kind, self.name, self.known = kind, name, sorted(known)
        super().__init__(f"unknown {kind} {name!r}; expected one of: {', '.join(self.known)}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]
