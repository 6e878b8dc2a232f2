"""The HTML page: self-contained, escaped, and drawn by a real headless browser."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from rdflib import Graph

from kg.render import render_html

EVIL = '<img src=x onerror="document.title=\'pwned\'">'
TTL = f"""@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
<urn:a> a kg:Organization ; rdfs:label "星河科技"@zh-Hant .
<urn:b> a kg:Person ; rdfs:label "</script><script>document.title='pwned'</script>"@zh-Hant .
<urn:c> a kg:Chip ; rdfs:label "{EVIL.replace('"', '&quot;')}"@zh-Hant .
<urn:b> kg:ceoOf <urn:a> . <urn:c> kg:developedBy <urn:a> .
<urn:st> a rdf:Statement ; rdf:subject <urn:b> ; rdf:predicate kg:ceoOf ; rdf:object <urn:a> ;
    kg:evidenceText "周明遠<b>出任</b>星河科技CEO" .
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    g = Graph().parse(data=TTL, format="turtle")
    return render_html(g, tmp_path_factory.mktemp("html") / "graph.html", title="test graph")


def test_render_page_is_self_contained(page):
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", html)
    assert "vis.Network" in html and len(html) > 200_000  # vis.js is inline


def test_render_legend_labels_and_edges(page):
    html = page.read_text(encoding="utf-8")
    for name in ("Person", "Organization", "Product"):
        assert f"</span>{name}</div>" in html
    assert '"label": "ceoOf"' in html and "\\u003cb\\u003e" in html  # evidence in the tooltip, escaped


def test_render_markup_in_names_is_escaped(page):
    html = page.read_text(encoding="utf-8")
    assert "</script><script>document.title" not in html
    assert "<img src=x" not in html


@pytest.mark.slow
def test_render_draws_in_headless_chromium(page, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (tests/setup_services.sh installs it)")
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=4000"]
    dom = subprocess.run(cmd + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "<title>test graph</title>" in dom  # the injected script did not rename the page
    assert "<canvas" in dom  # vis.js ran and drew
    shot = tmp_path / "shot.png"
    subprocess.run(cmd + [f"--screenshot={shot}", "--window-size=1000,800", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 10_000
