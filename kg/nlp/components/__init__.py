"""spaCy components of kg, registered by name when imported."""
from __future__ import annotations

from . import catalogue, confidence, facts, mentions, nerlabels, orgs, persons, products, relations  # noqa: F401  (registers factories)
