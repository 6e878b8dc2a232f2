"""Relation classification over entity pairs (FinRE + DuIE company predicates).

Public API (imported lazily, nothing heavy at import time):

* :func:`train_relclass`, :func:`evaluate_relclass` (``kg.relclass.train``)
* :func:`load_relclass`, :func:`classify_pairs` (``kg.relclass.model``), and the spaCy
  factory ``kg_relclass`` (registered by ``kg.relclass.model.register()``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["train_relclass", "evaluate_relclass", "load_relclass", "classify_pairs", "register"]


def __getattr__(name: str) -> Any:
    """Lazily import the public functions."""
    if name in ("train_relclass", "evaluate_relclass"):
        from kg.relclass import train

        return getattr(train, name)
    if name in ("load_relclass", "classify_pairs", "register"):
        from kg.relclass import model

        return getattr(model, name)
    raise AttributeError(name)
