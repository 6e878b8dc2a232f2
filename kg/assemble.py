"""Turn linked extractions into RDF.

Model (see README, "The graph"):

* each document is a named graph ``<doc/ID>``; it holds the plain triples
  ``subject property object`` and, for each, an ``rdf:Statement`` node carrying
  provenance: ``prov:wasDerivedFrom`` the document, ``kg:evidenceText`` (the
  sentence), ``kg:startOffset``/``kg:endOffset`` (characters in the original
  text), ``kg:confidence``, ``prov:wasAttributedTo`` the extractor, and
  qualifiers such as ``kg:former``;
* numeric facts are ``kg:Observation`` nodes with ``kg:subject``, ``kg:metric``,
  ``kg:value`` (xsd:decimal, base units), ``kg:unit``, ``kg:period`` and the
  same provenance;
* entities carry ``rdfs:label`` in en / zh-Hant / zh-Hans, ``skos:altLabel``
  for every surface form, and ``kg:mentionedIn`` their documents.

Node IRIs are derived from content, so the same input always gives the same
triples.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SKOS

from .namespace import KG
from .ontology import DOC_NS, ENTITY_NS
from .records import Entity, Extraction

__all__ = ["to_dataset", "union_graph", "EXTRACTOR_NS"]

EXTRACTOR_NS = "https://w3id.org/kg-news/extractor/"


def _doc_iri(doc_id: str) -> URIRef:
    return URIRef(DOC_NS + quote(doc_id, safe=""))


def _node(doc_iri: URIRef, kind: str, *parts) -> URIRef:
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{doc_iri}#{kind}-{digest}")


def _decimal(value: float) -> Literal:
    d = Decimal(repr(float(value)))
    text = format(d.normalize(), "f")
    if "." not in text:  # the canonical form Turtle writes back
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def _add_entity(g: Graph, ent: Entity, doc_iri: URIRef) -> URIRef:
    node = URIRef(ent.iri)
    g.add((node, RDF.type, KG[ent.cls]))
    for lang, text in ent.labels:
        if text:
            g.add((node, RDFS.label, Literal(text, lang=lang)))
    if not ent.labels:
        g.add((node, RDFS.label, Literal(ent.label)))
    for alias in ent.aliases:
        g.add((node, SKOS.altLabel, Literal(alias)))
    g.add((node, KG.mentionedIn, doc_iri))
    local = ent.iri[len(ENTITY_NS):]
    if "/" not in local:  # catalogue entities are ENTITY_NS + catalogue id
        g.add((node, KG.catalogueId, Literal(local)))
    return node


def _provenance(g: Graph, node: URIRef, doc_iri: URIRef, evidence, confidence: float, extractor: str) -> None:
    g.add((node, PROV.wasDerivedFrom, doc_iri))
    g.add((node, KG.evidenceText, Literal(evidence.text)))
    g.add((node, KG.startOffset, Literal(evidence.start, datatype=XSD.integer)))
    g.add((node, KG.endOffset, Literal(evidence.end, datatype=XSD.integer)))
    g.add((node, KG.confidence, _decimal(confidence)))
    g.add((node, PROV.wasAttributedTo, URIRef(EXTRACTOR_NS + extractor)))


def add_extraction(ds: Dataset, ex: Extraction) -> Graph:
    """Add one document's named graph to ``ds`` and return it."""
    doc = ex.document
    doc_iri = _doc_iri(doc.id)
    g = ds.graph(doc_iri)
    g.add((doc_iri, RDF.type, KG.Document))
    g.add((doc_iri, RDFS.label, Literal(doc.id)))
    if doc.date:
        g.add((doc_iri, KG.startDate, Literal(doc.date, datatype=XSD.date)))
    nodes = {}
    for span, ent in ex.entities.items():
        nodes[span] = _add_entity(g, ent, doc_iri)
    for r in ex.relations:
        s, o = nodes.get((r.subject.start, r.subject.end)), nodes.get((r.object.start, r.object.end))
        if s is None or o is None or s == o:
            continue
        p = KG[r.predicate]
        g.add((s, p, o))
        st = _node(doc_iri, "rel", s, p, o, r.evidence.start, r.extractor)
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        _provenance(g, st, doc_iri, r.evidence, r.confidence, r.extractor)
        for key, value in r.qualifiers:
            if key == "former":
                g.add((st, KG.former, Literal(value == "true", datatype=XSD.boolean)))
            elif key in ("startDate", "endDate"):
                g.add((st, KG[key], Literal(value)))
    for f in ex.facts:
        s = nodes.get((f.subject.start, f.subject.end))
        if s is None:
            continue
        obs = _node(doc_iri, "obs", s, f.metric, f.value, f.period, f.evidence.start)
        g.add((obs, RDF.type, KG.Observation))
        g.add((obs, KG.subject, s))
        g.add((obs, KG.metric, KG[f.metric]))
        g.add((KG[f.metric], RDF.type, KG.Metric))
        g.add((obs, KG.value, _decimal(f.value)))
        g.add((obs, KG.unit, Literal(f.unit)))
        if f.period:
            g.add((obs, KG.period, Literal(f.period)))
        if f.market:
            g.add((obs, KG.market, Literal(f.market)))
        if f.basis:
            g.add((obs, KG.basis, Literal(f.basis)))
        if f.approximate:
            g.add((obs, KG.approximate, Literal(True)))
        _provenance(g, obs, doc_iri, f.evidence, f.confidence, f.extractor)
    return g


def to_dataset(extractions: Iterable[Extraction], dataset: Dataset | None = None) -> Dataset:
    """Build (or extend) an RDF dataset with one named graph per document."""
    ds = dataset if dataset is not None else Dataset()
    ds.bind("kg", KG)
    ds.bind("prov", PROV)
    ds.bind("skos", SKOS)
    ds.bind("ent", Namespace(ENTITY_NS))
    ds.bind("doc", Namespace(DOC_NS))
    for ex in extractions:
        add_extraction(ds, ex)
    return ds


def union_graph(ds: Dataset) -> Graph:
    """All triples of all documents in one graph (what ``graph.ttl`` holds)."""
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
