"""Training and evaluation of the kg Chinese NER model.

* :mod:`kg.training.corpora` — readers for the corpora in ``shared/data`` and the label
  mappings in ``labels.tsv`` / ``org_keywords.tsv``.
* :mod:`kg.training.ner` — ``train_ner``, ``evaluate_ner``, ``load_ner`` and ``PROJECT_LABEL``.
"""

from __future__ import annotations
