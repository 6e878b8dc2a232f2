"""The ontology's terms as a closed namespace (generated from ontology/kg.ttl).

A misspelt term raises instead of minting a new IRI:

>>> KG.ceoOf
rdflib.term.URIRef('https://w3id.org/kg-news/ontology#ceoOf')
>>> KG.ceoof  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
AttributeError: ...

After editing kg.ttl add the new terms here;
a test checks the two agree.
"""
from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["KG"]


class KG(DefinedNamespace):
    _NS = Namespace("https://w3id.org/kg-news/ontology#")
    _fail = True

    AIModel: URIRef
    Car: URIRef
    Chip: URIRef
    City: URIRef
    CloudService: URIRef
    Country: URIRef
    Document: URIRef
    Entity: URIRef
    Extractor: URIRef
    Metric: URIRef
    Observation: URIRef
    OperatingSystem: URIRef
    Organization: URIRef
    Person: URIRef
    Phone: URIRef
    Place: URIRef
    Product: URIRef
    Region: URIRef
    Software: URIRef
    acquired: URIRef
    adjustedEBITA: URIRef
    adjustedProfit: URIRef
    adjustedProfitGrowth: URIRef
    approximate: URIRef
    basis: URIRef
    catalogueId: URIRef
    ceoOf: URIRef
    chairmanOf: URIRef
    comparedTo: URIRef
    competitorOf: URIRef
    confidence: URIRef
    deliveries: URIRef
    developedBy: URIRef
    domainIncludes: URIRef
    employeeOf: URIRef
    endDate: URIRef
    endOffset: URIRef
    evidenceText: URIRef
    executiveOf: URIRef
    former: URIRef
    founderOf: URIRef
    fundingRaised: URIRef
    grossMargin: URIRef
    headquarteredIn: URIRef
    integrates: URIRef
    investedIn: URIRef
    manufacturedBy: URIRef
    market: URIRef
    marketCap: URIRef
    marketShare: URIRef
    mentionedIn: URIRef
    metric: URIRef
    netProfit: URIRef
    netProfitGrowth: URIRef
    operatesIn: URIRef
    outperforms: URIRef
    partnerOf: URIRef
    period: URIRef
    presidentOf: URIRef
    rangeIncludes: URIRef
    revenue: URIRef
    revenueGrowth: URIRef
    salesGrowth: URIRef
    salesVolume: URIRef
    startDate: URIRef
    startOffset: URIRef
    subject: URIRef
    subsidiaryOf: URIRef
    suppliedBy: URIRef
    unit: URIRef
    value: URIRef


def _generate() -> str:
    """The source of this module, from the current kg.ttl."""
    import rdflib

    from .ontology import ontology_dir

    g = rdflib.Graph().parse(ontology_dir() / "kg.ttl")
    ns = str(KG._NS)
    return sorted({str(t)[len(ns):] for t in g.all_nodes()
                   if isinstance(t, rdflib.URIRef) and str(t).startswith(ns) and str(t) != ns})
