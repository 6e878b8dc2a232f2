"""Graph analytics with networkx: the entity graph, degree and PageRank.

>>> import rdflib
>>> g = rdflib.Graph()
>>> _ = g.parse(data='''@prefix kg: <https://w3id.org/kg-news/ontology#> .
... <urn:a> a kg:Person . <urn:b> a kg:Organization . <urn:a> kg:ceoOf <urn:b> .''', format="turtle")
>>> sorted(to_networkx(g).edges(data="predicate"))
[('urn:a', 'urn:b', 'ceoOf')]
"""
from __future__ import annotations

from rdflib import RDF, RDFS, Graph

from .namespace import KG
from .ontology import load_ontology

__all__ = ["to_networkx", "top_entities", "graph_stats", "metric_series"]


def to_networkx(g: Graph):
    """A ``networkx.MultiDiGraph`` of entities (nodes, with ``label`` and ``cls``) and relations (edges)."""
    import networkx as nx

    onto = load_ontology()
    out = nx.MultiDiGraph()
    for cls in onto.classes:
        if cls in ("Document", "Extractor", "Observation", "Metric", "Entity"):
            continue
        for node in g.subjects(RDF.type, KG[cls]):
            labels = {l.language or "": str(l) for l in g.objects(node, RDFS.label)}
            label = labels.get("zh-Hant") or labels.get("en") or next(iter(labels.values()), str(node))
            out.add_node(str(node), label=label, cls=onto.top_class(cls))
    props = {str(KG[p]): p for p in onto.properties if p not in ("mentionedIn", "subject", "metric")}
    for s, p, o in g.triples((None, None, None)):
        if str(p) in props and str(s) in out and str(o) in out:
            out.add_edge(str(s), str(o), key=props[str(p)], predicate=props[str(p)])
    return out


def top_entities(g: Graph, n: int = 10) -> list[dict]:
    """The ``n`` entities with highest PageRank, with their degree."""
    import networkx as nx

    G = to_networkx(g)
    if not len(G):
        return []
    rank = nx.pagerank(nx.DiGraph(G))
    rows = [{"entity": G.nodes[v]["label"], "class": G.nodes[v]["cls"], "degree": G.degree(v),
             "pagerank": round(r, 4), "iri": v} for v, r in rank.items()]
    return sorted(rows, key=lambda r: (-r["pagerank"], r["entity"]))[:n]


def graph_stats(g: Graph) -> dict:
    """Counts: triples, entities by class, relations by property, observations by metric."""
    G = to_networkx(g)
    by_class: dict[str, int] = {}
    for _, cls in G.nodes(data="cls"):
        by_class[cls] = by_class.get(cls, 0) + 1
    by_prop: dict[str, int] = {}
    for _, _, p in G.edges(data="predicate"):
        by_prop[p] = by_prop.get(p, 0) + 1
    by_metric: dict[str, int] = {}
    for obs in g.subjects(RDF.type, KG.Observation):
        m = str(g.value(obs, KG.metric)).rsplit("#", 1)[-1]
        by_metric[m] = by_metric.get(m, 0) + 1
    docs = len(set(g.subjects(RDF.type, KG.Document)))
    return {"triples": len(g), "documents": docs, "entities": G.number_of_nodes(), "relations": G.number_of_edges(),
            "entities_by_class": dict(sorted(by_class.items())), "relations_by_property": dict(sorted(by_prop.items())),
            "observations_by_metric": dict(sorted(by_metric.items()))}


def metric_series(g: Graph, metric: str) -> list[dict]:
    """Every observation of ``metric``: subject label, period, value, unit; sorted by subject and period."""
    rows = []
    for obs in g.subjects(KG.metric, KG[metric]):
        s = g.value(obs, KG.subject)
        labels = {l.language or "": str(l) for l in g.objects(s, RDFS.label)}
        rows.append({"subject": labels.get("zh-Hant") or labels.get("en") or str(s),
                     "period": str(g.value(obs, KG.period) or ""), "value": float(g.value(obs, KG.value)),
                     "unit": str(g.value(obs, KG.unit))})
    return sorted({tuple(r.items()): r for r in rows}.values(), key=lambda r: (r["subject"], r["period"]))
