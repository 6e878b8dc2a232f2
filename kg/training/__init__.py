"""Training and evaluation of the kg Chinese NER model.

* :mod:`kg.training.corpora` — readers for the corpora in ``shared/data`` and the label
  tables in ``labels.tsv``.
* :mod:`kg.training.charner` — the ``kg_char_ner`` component: a character tagger with one
  output head per corpus.
* :mod:`kg.training.ner` — ``train_ner``, ``evaluate_ner``, ``load_ner`` and ``PROJECT_LABEL``.
"""

from __future__ import annotations
