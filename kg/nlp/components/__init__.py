"""spaCy components of kg, registered by name when imported."""
from __future__ import annotations

from . import catalogue, english, enlabels, facts, mentions, merge, nameness, nerlabels, orgs, pairs, persons, products, rankings, relations  # noqa: F401  (registers factories)
