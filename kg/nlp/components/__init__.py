"""spaCy components of kg, registered by name when imported."""
from __future__ import annotations

from . import catalogue, confidence, english, enlabels, facts, mentions, nameness, nerlabels, orgs, pairs, persons, products, relations  # noqa: F401  (registers factories)
