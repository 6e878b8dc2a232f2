"""RDF assembly, provenance, determinism and a round trip through every format."""
from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Literal
from rdflib.namespace import PROV

from kg.assemble import KG, to_dataset, union_graph
from kg.extract import Pipelines, extract_documents
from kg.ingest import read_document
from kg.store import Format, load_graph, save_graph


@pytest.fixture(scope="module")
def dataset(data_dir):
    docs = [read_document(data_dir / n) for n in ("tiny.zh-Hant.txt", "tiny.zh-Hans.txt", "tiny.en.txt")]
    return to_dataset(extract_documents(docs, pipelines=Pipelines(ner=None)))


def test_assemble_named_graph_per_document_and_union(dataset):
    names = sorted(str(g.identifier) for g in dataset.graphs() if len(g))
    assert [n.rsplit("/", 1)[1] for n in names] == ["tiny.en", "tiny.zh-Hans", "tiny.zh-Hant"]
    assert len(union_graph(dataset)) > 0


def test_assemble_every_relation_is_asserted_and_has_provenance(dataset, data_dir):
    g = union_graph(dataset)
    statements = list(g.subjects(RDF.type, RDF.Statement))
    assert statements
    text = (data_dir / "tiny.zh-Hant.txt").read_text(encoding="utf-8")
    for st in statements:
        s, p, o = g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object)
        assert (s, p, o) in g
        for prop in (KG.evidenceText, KG.startOffset, KG.endOffset, KG.confidence):
            assert g.value(st, prop) is not None
        doc = str(g.value(st, KG.evidenceText))
        if "zh-Hant" in str(g.value(st, PROV.wasDerivedFrom)):
            start, end = int(g.value(st, KG.startOffset)), int(g.value(st, KG.endOffset))
            assert text[start:end] == doc


def test_assemble_scripts_give_the_same_entities(dataset):
    g = union_graph(dataset)
    hant = {str(s) for s, _, d in g.triples((None, KG.mentionedIn, None)) if str(d).endswith("zh-Hant")}
    hans = {str(s) for s, _, d in g.triples((None, KG.mentionedIn, None)) if str(d).endswith("zh-Hans")}
    assert hant and hant == hans


def test_assemble_labels_are_language_tagged(dataset):
    g = union_graph(dataset)
    tencent = next(s for s, _, o in g.triples((None, None, Literal("騰訊", lang="zh-Hant"))))
    langs = {l.language for l in g.objects(tencent, RDFS.label)}
    assert {"en", "zh-Hant", "zh-Hans"} <= langs


def test_assemble_observations_are_decimal_in_base_units(dataset):
    g = union_graph(dataset)
    values = {(str(g.value(o, KG.metric)).rsplit("#")[-1], g.value(o, KG.value).toPython(), str(g.value(o, KG.period)))
              for o in g.subjects(RDF.type, KG.Observation)}
    from decimal import Decimal
    assert ("revenue", Decimal("184500000000.0"), "2025-Q2") in values
    assert ("revenueGrowth", Decimal("0.15"), "2025-Q2") in values


def test_assemble_same_input_gives_identical_ntriples(tmp_path, data_dir):
    out = []
    for i in range(2):
        ds = to_dataset(extract_documents([read_document(data_dir / "tiny.zh-Hant.txt")], pipelines=Pipelines(ner=None)))
        out.append(save_graph(ds, tmp_path / f"g{i}.nt").read_bytes())
    assert out[0] == out[1] and out[0]


@pytest.mark.parametrize("fmt", list(Format))
def test_assemble_round_trip_every_format(tmp_path, dataset, fmt):
    path = save_graph(dataset, tmp_path / f"graph{fmt.suffix}", fmt)
    back = load_graph(path)
    a, b = union_graph(dataset), union_graph(back)
    assert len(a) == len(b)
    assert a.isomorphic(b)
