"""Draw the graph as one self-contained interactive HTML page (pyvis + vis.js inline).

Nodes are entities coloured by class, with a legend; edges are relations with
their names as labels; tooltips give labels in three scripts, facts, and the
evidence sentences. Every text is data handed to vis.js as JSON (never parsed
as HTML), so names or sentences containing markup are shown, not run.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from .namespace import KG
from .ontology import load_ontology

__all__ = ["render_html", "graph_to_network", "notebook_view", "CLASS_COLOURS"]

CLASS_COLOURS = {"Person": "#e4572e", "Organization": "#2e86ab", "Product": "#76b041", "Place": "#f3a712",
                 "Entity": "#999999"}


def _label(g: Graph, node, prefer=("zh-Hant", "en", "zh-Hans", "")) -> str:
    labels = {l.language or "": str(l) for l in g.objects(node, RDFS.label)}
    for lang in prefer:
        if labels.get(lang):
            return labels[lang]
    return str(node).rsplit("/", 1)[-1]


def graph_to_network(g: Graph, *, max_evidence: int = 3):
    """A pyvis ``Network`` of the entities and relations in ``g``."""
    from pyvis.network import Network

    onto = load_ontology()
    net = Network(height="780px", width="100%", directed=True, cdn_resources="in_line")
    entities = {}
    for cls in onto.classes:
        if cls in ("Document", "Extractor", "Observation", "Metric", "Entity"):
            continue
        for node in g.subjects(RDF.type, KG[cls]):
            entities[node] = onto.top_class(cls)
    facts = defaultdict(list)
    for obs in g.subjects(RDF.type, KG.Observation):
        s = g.value(obs, KG.subject)
        metric = str(g.value(obs, KG.metric)).rsplit("#", 1)[-1]
        facts[s].append(f"{metric} {g.value(obs, KG.period) or ''}: {g.value(obs, KG.value)} {g.value(obs, KG.unit)}")
    evidence = defaultdict(list)
    for st in g.subjects(RDF.type, RDF.Statement):
        key = (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
        evidence[key].append(str(g.value(st, KG.evidenceText) or ""))
    for node, top in sorted(entities.items()):
        labels = sorted(f"{l.language or '-'}: {l}" for l in g.objects(node, RDFS.label))
        alts = sorted({str(a) for a in g.objects(node, SKOS.altLabel)})[:12]
        tip = "\n".join([f"{_label(g, node)}  [{top}]", *labels, "also: " + "、".join(alts) if alts else "",
                         *sorted(facts.get(node, []))[:12], str(node)])
        degree = sum(1 for _ in g.predicate_objects(node)) + sum(1 for _ in g.subject_predicates(node))
        net.add_node(str(node), label=_label(g, node), title=tip, color=CLASS_COLOURS.get(top, "#999"),
                     size=10 + min(30, degree ** 0.5 * 3))
    props = set(onto.properties) - {"mentionedIn", "subject", "metric"}
    for s, p, o in sorted(g.triples((None, None, None))):
        if not isinstance(p, URIRef) or not str(p).startswith(str(KG)) or str(p)[len(str(KG)):] not in props:
            continue
        if s not in entities or o not in entities:
            continue
        name = str(p)[len(str(KG)):]
        ev = evidence.get((s, p, o), [])[:max_evidence]
        tip = f"{_label(g, s)} {name} {_label(g, o)}\n" + "\n".join(f"“{e}”" for e in ev)
        net.add_edge(str(s), str(o), label=name, title=tip, arrows="to")
    return net


def render_html(g: Graph, path: str | Path, *, title: str = "kg knowledge graph") -> Path:
    """Write the interactive page for ``g`` to ``path`` (no network needed to view it)."""
    import jinja2
    import pyvis

    net = graph_to_network(g)
    nodes, edges, _, height, _, _ = net.get_network_data()
    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True)
    options = {"physics": {"solver": "forceAtlas2Based", "stabilization": {"iterations": 200}},
               "edges": {"font": {"size": 10, "align": "middle"}, "smooth": {"type": "dynamic"}},
               "nodes": {"shape": "dot", "font": {"size": 14}}, "interaction": {"hover": True, "tooltipDelay": 150}}
    classes = sorted({n.get("color") for n in nodes})
    legend = [{"name": name, "color": colour} for name, colour in CLASS_COLOURS.items() if colour in classes]
    html = env.get_template("graph.html").render(
        title=title, subtitle=f"{len(nodes)} entities, {len(edges)} relations", height=height, nodes=nodes,
        edges=edges, options=options, legend=legend,
        vis_js=(lib / "vis-network.min.js").read_text(encoding="utf-8"),
        vis_css=(lib / "vis-network.css").read_text(encoding="utf-8"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def notebook_view(g: Graph, *, height: int = 600, title: str = "kg knowledge graph"):
    """The interactive page for ``g`` as an IPython object to show inline in Jupyter."""
    import html
    import tempfile

    from IPython.display import HTML

    with tempfile.TemporaryDirectory() as tmp:
        page = render_html(g, Path(tmp) / "graph.html", title=title).read_text(encoding="utf-8")
    return HTML(f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:{height}px;border:0"></iframe>')
