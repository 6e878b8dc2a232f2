"""Push to and query a real SPARQL server (Oxigraph's, from PyPI), started on loopback for the test."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KGError
from kg.remote import query_endpoint

runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.skip("the oxigraph server (PyPI package 'oxigraph', a test extra) is not installed")
    port = _free_port()
    proc = subprocess.Popen([exe, "serve", "--location", str(tmp_path_factory.mktemp("oxi")),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("oxigraph did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_remote_push_then_query(server, data_dir, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(data_dir / "tiny.zh-Hant.txt"), "-o", str(out), "--format", "trig",
                               "--rules-only"]).exit_code == 0
    res = runner.invoke(app, ["push", str(out / "graph.trig"), "--store", server + "/store"])
    assert res.exit_code == 0 and "pushed 1 named graph" in res.output
    ask = ('PREFIX kg: <https://w3id.org/kg-news/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
           'ASK { ?p kg:chairmanOf ?o . ?p rdfs:label "馬化騰"@zh-Hant }')
    res = runner.invoke(app, ["query", server + "/query", ask])
    assert res.output.strip() == "true"
    # pushing again replaces the document's graph instead of doubling it
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = query_endpoint(server + "/query", count).rows[0][0]
    runner.invoke(app, ["push", str(out / "graph.trig"), "--store", server + "/store"])
    assert query_endpoint(server + "/query", count).rows[0][0] == before


def test_remote_unreachable_server_is_a_clear_error():
    with pytest.raises(KGError, match="is the SPARQL server running"):
        query_endpoint(f"http://127.0.0.1:{_free_port()}/query", "ASK {}", timeout=2)
