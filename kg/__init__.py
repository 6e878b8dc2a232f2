"""kg: knowledge graphs from tech and business news in Chinese and English.

The pipeline, one module a stage::

    ingest.read_documents → normalise.normalise → nlp.make_nlp (spaCy components)
    → extract.extract_documents → link.Linker → assemble.to_dataset
    → store / query / render / validate / analytics
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
