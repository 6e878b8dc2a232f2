"""Check a graph against the SHACL shapes in ``ontology/shapes.ttl``.

The ontology (``kg.ttl``) is loaded alongside, so ``sh:class`` accepts
subclasses (a ``kg:Chip`` is a ``kg:Product``).
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from .ontology import ontology_dir

__all__ = ["ValidationReport", "validate_graph"]


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[dict]  # focus node, path, message
    text: str


def validate_graph(g: Graph) -> ValidationReport:
    """Run pyshacl; return whether the graph conforms and each violation."""
    import pyshacl
    from rdflib.namespace import SH

    d = ontology_dir()
    shapes = Graph().parse(d / "shapes.ttl", format="turtle")
    onto = Graph().parse(d / "kg.ttl", format="turtle")
    conforms, report, text = pyshacl.validate(g, shacl_graph=shapes, ont_graph=onto, inference="rdfs",
                                              allow_warnings=True)
    violations = []
    for r in report.subjects(SH.resultSeverity, SH.Violation):
        violations.append({"focus": str(report.value(r, SH.focusNode)), "path": str(report.value(r, SH.resultPath)),
                           "message": str(report.value(r, SH.resultMessage))})
    return ValidationReport(bool(conforms), sorted(violations, key=lambda v: (v["focus"], v["path"])), text)
