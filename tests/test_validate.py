from __future__ import annotations

import re

from rdflib import Graph

from kg.ontology import load_ontology, ontology_dir
from kg.validate import validate_graph

HEAD = """@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def test_validate_accepts_well_typed_relations():
    g = Graph().parse(data=HEAD + """<urn:c> a kg:Chip ; rdfs:label "Nova100" . <urn:o> a kg:Organization .
        <urn:c> kg:developedBy <urn:o> .""", format="turtle")
    assert validate_graph(g).conforms


def test_validate_reports_wrong_argument_class():
    g = Graph().parse(data=HEAD + """<urn:p> a kg:Person . <urn:o> a kg:Organization .
        <urn:o> kg:ceoOf <urn:p> .""", format="turtle")
    report = validate_graph(g)
    assert not report.conforms
    assert {v["focus"] for v in report.violations} >= {"urn:o"}


def test_validate_shapes_cover_every_relation_of_the_ontology():
    onto = load_ontology()
    shapes = (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8")
    targets = set(re.findall(r"sh:targetSubjectsOf kg:(\w+)", shapes)) - {"mentionedIn"}
    relations = {p for p, info in onto.properties.items() if info.domain and p not in ("subject", "metric", "mentionedIn")}
    assert relations == targets


def test_validate_namespace_is_closed_and_matches_the_ontology():
    import pytest

    from kg.namespace import KG, _generate

    assert _generate() == sorted(n for n in KG.__annotations__)
    with pytest.raises(AttributeError):
        KG.ceoof
