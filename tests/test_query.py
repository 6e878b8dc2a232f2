from __future__ import annotations

import json

import pytest
from rdflib import Graph

from kg.errors import QueryError, UnknownNameError
from kg.query import format_result, preset_query, presets, run_query

TTL = """@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:p> a kg:Person ; rdfs:label "周明遠"@zh-Hant, "Zhou Mingyuan"@en .
<urn:o> a kg:Organization ; rdfs:label "星河科技"@zh-Hant, "Xinghe Tech"@en .
<urn:p> kg:ceoOf <urn:o> ."""


@pytest.fixture()
def graph():
    return Graph().parse(data=TTL, format="turtle")


def test_query_select_and_ask(graph):
    res = run_query(graph, "PREFIX kg: <https://w3id.org/kg-news/ontology#> SELECT ?p WHERE { ?p kg:ceoOf ?o }")
    assert res.columns == ["p"] and res.rows == [["urn:p"]]
    ask = run_query(graph, 'PREFIX kg: <https://w3id.org/kg-news/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
                           'ASK { ?p rdfs:label "周明遠"@zh-Hant ; kg:ceoOf ?o . ?o rdfs:label "星河科技"@zh-Hant }')
    assert ask.boolean is True


@pytest.mark.parametrize("fmt,check", [
    ("json", lambda out: json.loads(out) == [{"p": "urn:p"}]),
    ("csv", lambda out: out.splitlines() == ["p", "urn:p"]),
    ("table", lambda out: "urn:p" in out and "(1 rows)" in out),
])
def test_query_output_formats(graph, fmt, check):
    res = run_query(graph, "PREFIX kg: <https://w3id.org/kg-news/ontology#> SELECT ?p WHERE { ?p kg:ceoOf ?o }")
    assert check(format_result(res, fmt))


def test_query_presets_run_on_a_graph(graph):
    assert {"executives", "relations", "facts", "subsidiaries", "products", "competitors"} <= set(presets())
    res = run_query(graph, preset_query("executives"))
    assert res.rows == [["周明遠", "ceoOf", "星河科技", None]]


def test_query_errors_say_what_went_wrong(graph):
    with pytest.raises(QueryError, match="SPARQL query failed"):
        run_query(graph, "SELECT WHERE {")
    with pytest.raises(UnknownNameError) as err:
        preset_query("nope")
    assert "executives" in str(err.value)
