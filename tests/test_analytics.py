from __future__ import annotations

from rdflib import Graph

from kg.analytics import graph_stats, to_networkx, top_entities

TTL = """@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:a> a kg:Organization ; rdfs:label "甲"@zh-Hant . <urn:b> a kg:Organization ; rdfs:label "乙"@zh-Hant .
<urn:c> a kg:Chip ; rdfs:label "丙"@zh-Hant . <urn:d> a kg:Person ; rdfs:label "丁"@zh-Hant .
<urn:b> kg:subsidiaryOf <urn:a> . <urn:c> kg:developedBy <urn:a> . <urn:d> kg:ceoOf <urn:a> ."""


def test_analytics_networkx_graph_and_pagerank():
    g = Graph().parse(data=TTL, format="turtle")
    G = to_networkx(g)
    assert G.number_of_nodes() == 4 and G.number_of_edges() == 3
    assert G.nodes["urn:c"]["cls"] == "Product"
    top = top_entities(g, 2)
    assert top[0]["entity"] == "甲" and top[0]["degree"] == 3


def test_analytics_stats_count_by_class_and_property():
    stats = graph_stats(Graph().parse(data=TTL, format="turtle"))
    assert stats["entities_by_class"] == {"Organization": 2, "Person": 1, "Product": 1}
    assert stats["relations_by_property"] == {"ceoOf": 1, "developedBy": 1, "subsidiaryOf": 1}
