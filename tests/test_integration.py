"""The sample article end to end: build, score with the shared scorer, query.

The figures asserted are the first issue's acceptance levels; the scorer and the
gold are the shared ones, read from ../shared, not copies.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg.assemble import to_dataset, union_graph
from kg.extract import Pipelines, extract_documents, write_jsonl
from kg.ingest import read_document
from kg.query import run_query

ASK = """PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK {{ ?s kg:{p} ?o . ?s rdfs:label|<http://www.w3.org/2004/02/skos/core#altLabel> ?sl .
       ?o rdfs:label|<http://www.w3.org/2004/02/skos/core#altLabel> ?ol .
       FILTER(STR(?sl) = "{s}" && STR(?ol) = "{o}") }}"""


@pytest.fixture(scope="module")
def sample(shared, tmp_path_factory):
    doc = read_document(shared / "corpus" / "alibaba-cloud-2025.zh-Hant.txt")
    exs = list(extract_documents([doc], pipelines=Pipelines()))
    out = tmp_path_factory.mktemp("sample") / "extract.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        write_jsonl(exs, fh)
    return exs, out


def test_integration_sample_scores(shared, sample):
    _, path = sample
    res = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), str(path),
                          str(shared / "eval" / "seed_gold.jsonl"), "--facts",
                          str(shared / "eval" / "seed_facts_gold.jsonl"), "--json"],
                         capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(res.stdout[: res.stdout.rstrip().rfind("\n")])  # the last line is the summary
    rel, facts = report["relations"], report["facts"]
    assert rel["P"] >= 0.8 and rel["R"] >= 0.8, rel
    assert facts["F1"] >= 0.8, facts


@pytest.mark.parametrize("s,p,o", [("吳泳銘", "ceoOf", "阿里巴巴集團"), ("PPU", "comparedTo", "H20")])
def test_integration_sample_sparql_ask(sample, s, p, o):
    exs, _ = sample
    g = union_graph(to_dataset(exs))
    assert run_query(g, ASK.format(s=s, p=p, o=o)).boolean is True
