"""Plain records passed between pipeline stages.

``ingest`` makes :class:`Document`; ``nlp`` finds :class:`Mention`,
:class:`Relation` and :class:`Fact`; ``link`` gives mentions an
:class:`Entity`; ``assemble`` turns the lot into RDF.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

__all__ = ["Document", "Evidence", "Mention", "Entity", "Relation", "Fact", "Extraction", "replace"]


@dataclass(frozen=True)
class Document:
    """One input document.

    ``text`` is the original text; ``analysis`` is the text the NLP stage reads
    (Simplified script, normalised width) and has exactly the same length, so
    every offset into ``analysis`` is an offset into ``text``.
    """

    id: str
    text: str
    path: str = ""
    analysis: str = ""
    lang: str = "zh"
    script: str = "Hans"  # "Hant", "Hans" or "Latn"
    date: str | None = None  # ISO date of publication when known


@dataclass(frozen=True)
class Evidence:
    """Where a record was read: sentence and character span in the original text."""

    text: str
    start: int
    end: int
    sentence_start: int = 0


@dataclass(frozen=True)
class Mention:
    """A named thing in a document, with offsets into the original text."""

    text: str
    start: int
    end: int
    label: str  # PERSON, ORG, PRODUCT, GPE, LOC, TITLE, ...
    source: str = ""  # which component found it
    kb_id: str = ""  # catalogue id when the catalogue knows it


@dataclass(frozen=True)
class Entity:
    """A real-world thing with one IRI."""

    iri: str
    label: str  # preferred label, original script of the catalogue or first mention
    cls: str  # ontology class local name: Person, Organization, Chip, ...
    labels: tuple[tuple[str, str], ...] = ()  # (language tag, text)
    aliases: tuple[str, ...] = ()  # every surface form seen or catalogued


@dataclass(frozen=True)
class Relation:
    """``subject predicate object`` with its provenance."""

    doc: str
    subject: Mention
    predicate: str
    object: Mention
    confidence: float
    evidence: Evidence
    extractor: str
    qualifiers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Fact:
    """A numeric observation about an entity."""

    doc: str
    subject: Mention
    metric: str
    value: float
    unit: str
    evidence: Evidence
    extractor: str
    period: str | None = None
    market: str | None = None
    basis: str | None = None  # "YoY" or "QoQ"
    approximate: bool = False
    confidence: float = 0.8


@dataclass
class Extraction:
    """Everything found in one document, before and after linking."""

    document: Document
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    entities: dict[tuple[int, int], Entity] = field(default_factory=dict)  # mention span -> entity
    merges: list[str] = field(default_factory=list)  # why mentions were merged

    def entity_of(self, mention: Mention) -> Entity | None:
        return self.entities.get((mention.start, mention.end))
