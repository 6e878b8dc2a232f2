"""Read the ontology data under ``ontology/``: classes, properties, trigger
frames, lexicon, metrics, units and the entity catalogue.

Everything the extractors know about words lives in those files; this module
only parses them. Adding a relation, a trigger or an alias is a change there.

>>> onto = load_ontology()
>>> onto.properties["ceoOf"].super_property
'executiveOf'
>>> "comparedTo" in onto.symmetric
True
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .errors import OntologyError

__all__ = ["Ontology", "PropertyInfo", "Frame", "CatalogueEntry", "ontology_dir", "load_ontology", "label_maps", "ner_label",
           "to_simplified", "KG_NS", "ENTITY_NS", "DOC_NS"]

KG_NS = "https://w3id.org/kg-news/ontology#"
ENTITY_NS = "https://w3id.org/kg-news/entity/"
DOC_NS = "https://w3id.org/kg-news/doc/"

# entity classes as the NER labels them
TOP_CLASSES = ("Person", "Organization", "Product", "Place")


def ontology_dir() -> Path:
    """Where the ontology files are: ``$KG_ONTOLOGY``, the copy inside an
    installed wheel, or ``ontology/`` at the top of a source checkout."""
    env = os.environ.get("KG_ONTOLOGY")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for cand in (here / "ontology", here.parent / "ontology"):
        if (cand / "kg.ttl").is_file():
            return cand
    raise OntologyError(f"no ontology found next to {here}; expected {here.parent / 'ontology' / 'kg.ttl'}. "
                        "Set KG_ONTOLOGY to the folder holding kg.ttl.")


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified with OpenCC (phrase-aware; may change length)."""
    return _converter("t2s").convert(text)


@dataclass(frozen=True)
class PropertyInfo:
    name: str
    domain: tuple[str, ...]
    range: tuple[str, ...]
    symmetric: bool = False
    super_property: str | None = None
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Frame:
    """One way a property shows in text: a frame kind, trigger words, and which
    argument of the property the entity on the left of the trigger fills."""

    property: str
    kind: str  # title, verb, noun, possession, adjacent, compound, locative, order
    left: str  # "subject", "object" or "-"
    confidence: float
    words: tuple[str, ...]  # Simplified and English forms, longest first


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    cls: str
    en: str
    zh_hant: str
    zh_hans: str
    aliases: tuple[str, ...]
    parent: str = ""  # parent organisation (organisations) or developer (products)


@dataclass
class Ontology:
    directory: Path
    classes: dict[str, str | None] = field(default_factory=dict)  # class -> parent class
    properties: dict[str, PropertyInfo] = field(default_factory=dict)
    metrics: dict[str, dict] = field(default_factory=dict)
    frames: list[Frame] = field(default_factory=list)
    lexicon: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    currencies: dict[str, str] = field(default_factory=dict)  # word -> ISO code
    count_units: dict[str, str] = field(default_factory=dict)  # word -> unit name
    catalogue: dict[str, CatalogueEntry] = field(default_factory=dict)
    label_to_class: dict[str, str] = field(default_factory=dict)  # NER label -> top class (labels.tsv)
    class_to_label: dict[str, str] = field(default_factory=dict)  # class -> NER label

    @property
    def symmetric(self) -> set[str]:
        return {p.name for p in self.properties.values() if p.symmetric}

    def top_class(self, cls: str) -> str:
        """The top-level class (Person, Organization, Product, Place) of ``cls``."""
        seen = cls
        while seen and seen not in TOP_CLASSES:
            seen = self.classes.get(seen)
        if not seen:
            raise OntologyError(f"class {cls!r} is not under one of {TOP_CLASSES} in kg.ttl")
        return seen

    def frames_of(self, kind: str) -> list[Frame]:
        return [f for f in self.frames if f.kind == kind]

    def accepts(self, prop: str, side: str, cls: str) -> bool:
        """True when an entity of class ``cls`` may fill ``side`` of ``prop``."""
        info = self.properties[prop]
        allowed = info.domain if side == "subject" else info.range
        top = self.top_class(cls) if cls in self.classes else cls
        return top in allowed or cls in allowed


def _words(*cells: str) -> tuple[str, ...]:
    out: set[str] = set()
    for cell in cells:
        for w in (cell or "").split("|"):
            w = w.strip()
            if w:
                out.add(w)
                out.add(to_simplified(w))
    return tuple(sorted(out, key=lambda w: (-len(w), w)))


def _read_tsv(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as e:
        raise OntologyError(f"cannot read {path}: {e}") from e
    for i, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise OntologyError(f"{path}:{i}: expected {len(rows[0])} tab-separated columns")
    return rows


def _read_owl(onto: Ontology) -> None:
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    g = rdflib.Graph()
    path = onto.directory / "kg.ttl"
    try:
        g.parse(path, format="turtle")
    except Exception as e:  # rdflib raises many parser error types
        raise OntologyError(f"{path}: not valid Turtle: {e}") from e
    kg = rdflib.Namespace(KG_NS)

    def local(term) -> str:
        return str(term)[len(KG_NS):]

    for cls in g.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(KG_NS):
            parent = g.value(cls, RDFS.subClassOf)
            onto.classes[local(cls)] = local(parent) if parent is not None and str(parent).startswith(KG_NS) else None
    for prop in g.subjects(RDF.type, OWL.ObjectProperty):
        name = local(prop)
        sup = g.value(prop, RDFS.subPropertyOf)
        onto.properties[name] = PropertyInfo(
            name=name,
            domain=tuple(sorted(local(c) for c in g.objects(prop, kg.domainIncludes))),
            range=tuple(sorted(local(c) for c in g.objects(prop, kg.rangeIncludes))),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in g,
            super_property=local(sup) if sup is not None else None,
            labels=tuple(sorted((lbl.language or "", str(lbl)) for lbl in g.objects(prop, RDFS.label))),
        )
    for m in g.subjects(RDF.type, kg.Metric):
        onto.metrics[local(m)] = {"labels": {lbl.language: str(lbl) for lbl in g.objects(m, RDFS.label)}}


def _read_catalogue(onto: Ontology) -> None:
    folder = onto.directory / "catalogue"
    specs = {"organizations.tsv": "parent", "products.tsv": "developer", "people.tsv": None, "places.tsv": None}
    for name, parent_col in specs.items():
        path = folder / name
        if not path.is_file():
            continue
        for i, row in enumerate(_read_tsv(path), start=2):
            cls = row.get("class") or "Person"
            if cls not in onto.classes:
                raise OntologyError(f"{path}:{i}: class {cls!r} is not defined in kg.ttl")
            if row["id"] in onto.catalogue:
                raise OntologyError(f"{path}:{i}: id {row['id']!r} is used twice in the catalogue")
            onto.catalogue[row["id"]] = CatalogueEntry(
                id=row["id"], cls=cls, en=row.get("en", ""), zh_hant=row.get("zh_hant", ""),
                zh_hans=row.get("zh_hans", "") or (to_simplified(row.get("zh_hant", "")) if row.get("zh_hant") else ""),
                aliases=tuple(a for a in (row.get("aliases") or "").split("|") if a),
                parent=(row.get(parent_col) or "") if parent_col else "")
    # a product is also named with its developer before it: 星河X1, 星河 X1, Northwind X1
    for entry in list(onto.catalogue.values()):
        maker = onto.catalogue.get(entry.parent) if entry.cls != "Organization" else None
        if maker is None:
            continue
        own = {entry.zh_hant, entry.zh_hans, entry.en, *entry.aliases} - {""}
        makers = {maker.zh_hant, maker.zh_hans, maker.en} - {""}
        named = {m + sep + n for m in makers for n in own if not n.startswith(m)
                 for sep in ((" ",) if (m + n).isascii() else ("", " "))}
        onto.catalogue[entry.id] = replace(entry, aliases=entry.aliases + tuple(sorted(named - own)))


@lru_cache(maxsize=4)
def load_ontology(directory: str | None = None) -> Ontology:
    """Parse the ontology folder (cached per folder).

    Args:
        directory: the folder; by default :func:`ontology_dir`.

    Raises:
        OntologyError: a file is missing, malformed or names an undefined term.
    """
    onto = Ontology(directory=Path(directory) if directory else ontology_dir())
    _read_owl(onto)
    d = onto.directory
    for row in _read_tsv(d / "triggers.tsv"):
        if row["property"] not in onto.properties:
            raise OntologyError(f"{d / 'triggers.tsv'}: property {row['property']!r} is not in kg.ttl")
        onto.frames.append(Frame(row["property"], row["frame"], row["left"], float(row["confidence"]),
                                 _words(row["zh_hant"], row["zh_hans"], row["en"])))
    for row in _read_tsv(d / "lexicon.tsv"):
        onto.lexicon[row["kind"]] = _words(row["zh_hant"], row["zh_hans"], row["en"])
    for row in _read_tsv(d / "cues.tsv"):
        onto.cues[row["kind"]] = _words(row["zh_hant"], row["zh_hans"], row["en"])
    for row in _read_tsv(d / "metrics.tsv"):
        if row["metric"] not in onto.metrics:
            raise OntologyError(f"{d / 'metrics.tsv'}: metric {row['metric']!r} is not a kg:Metric in kg.ttl")
        # base: the metric(s) a growth metric is the growth of ("salesVolume|deliveries")
        onto.metrics[row["metric"]].update(kind=row["kind"], base=tuple(row["base"].split("|")) if row["base"] != "-" else None,
                                           words=_words(row["zh_hant"], row["zh_hans"], row["en"]))
    for row in _read_tsv(d / "units.tsv"):
        target = onto.currencies if row["kind"] == "currency" else onto.count_units
        for w in _words(row["zh_hant"], row["zh_hans"], row["en"]):
            target[w] = row["code"]
    for row in _read_tsv(d / "labels.tsv"):
        onto.label_to_class.setdefault(row["label"], onto.top_class(row["class"]))
        onto.class_to_label.setdefault(row["class"], row["label"])
    _read_catalogue(onto)
    return onto


def label_maps(onto: Ontology) -> tuple[dict[str, str], dict[str, str]]:
    """(NER label → top class, class → NER label), as read from ``ontology/labels.tsv``."""
    return onto.label_to_class, onto.class_to_label


def ner_label(onto: Ontology, cls: str) -> str:
    """The NER label of an ontology class (a subclass takes its nearest listed ancestor's)."""
    _, class_to_label = label_maps(onto)
    seen: str | None = cls
    while seen and seen not in class_to_label:
        seen = onto.classes.get(seen)
    if not seen:
        raise OntologyError(f"class {cls!r} has no NER label in labels.tsv")
    return class_to_label[seen]
