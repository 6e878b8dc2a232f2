"""spaCy components of kg, registered by name when imported."""
from __future__ import annotations

from . import catalogue, facts, mentions, persons, products, relations  # noqa: F401  (registers factories)
