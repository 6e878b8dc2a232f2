"""Remote SPARQL: push a built graph to a Graph Store endpoint, query a SPARQL endpoint.

Standard protocols only (SPARQL 1.1 Protocol and Graph Store HTTP Protocol), over
``urllib``: any conforming server works (the tests use Oxigraph's server).
Each document's named graph is sent with ``PUT ?graph=<doc IRI>``, so pushing a
rebuilt document replaces its old statements instead of adding to them.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from rdflib import Dataset, Graph

from .errors import KGError, QueryError
from .query import QueryResult

__all__ = ["push_dataset", "query_endpoint", "is_endpoint"]


def is_endpoint(location: str) -> bool:
    return str(location).startswith(("http://", "https://"))


def _request(req: urllib.request.Request, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace")[:300]
        raise KGError(f"{req.full_url}: the server answered {e.code} {e.reason}: {body}") from e
    except (urllib.error.URLError, OSError) as e:
        raise KGError(f"cannot reach {req.full_url} ({getattr(e, 'reason', e)}); is the SPARQL server running?") from e


def push_dataset(ds: Dataset, store_url: str, *, timeout: float = 60) -> int:
    """PUT every non-empty named graph of ``ds`` to a Graph Store endpoint; return how many."""
    n = 0
    for g in ds.graphs():
        if not len(g) or g.identifier == ds.default_graph.identifier:
            continue
        body = Graph(namespace_manager=ds.namespace_manager)
        for t in g:
            body.add(t)
        url = f"{store_url}?{urllib.parse.urlencode({'graph': str(g.identifier)})}"
        req = urllib.request.Request(url, data=body.serialize(format="turtle").encode("utf-8"), method="PUT",
                                     headers={"Content-Type": "text/turtle; charset=utf-8"})
        _request(req, timeout)
        n += 1
    return n


def query_endpoint(url: str, sparql: str, *, timeout: float = 60) -> QueryResult:
    """Run a SELECT or ASK query on a SPARQL endpoint."""
    req = urllib.request.Request(url, data=sparql.encode("utf-8"), method="POST",
                                 headers={"Content-Type": "application/sparql-query; charset=utf-8",
                                          "Accept": "application/sparql-results+json"})
    try:
        data = json.loads(_request(req, timeout))
    except KGError as e:
        raise QueryError(str(e)) from e
    if "boolean" in data:
        return QueryResult([], [], bool(data["boolean"]))
    cols = data["head"].get("vars", [])
    rows = [[b.get(c, {}).get("value") for c in cols] for b in data["results"]["bindings"]]
    return QueryResult(cols, rows)
