"""Shared fixtures.

* ``data_dir``: the tiny committed fixtures (tests/data).
* ``shared``: the read-only shared folder beside the checkout (corpus, eval, data);
  tests that need it skip when it is absent.
* ``nlp_rules``: the Chinese pipeline without the trained NER (rules and catalogue
  only), built once per session.
* ``run_text``: run a text through a pipeline and return the spaCy Doc.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def shared() -> Path:
    path = ROOT.parent / "shared"
    if not (path / "eval" / "score.py").is_file():
        pytest.skip("../shared is not beside the checkout")
    return path


@pytest.fixture(scope="session")
def nlp_rules():
    """The rule readers alone: no trained NER, nameness check or pair proposer (the tests' names are
    invented, and what the trained parts make of them is measured on eval/news, not here)."""
    from kg.nlp import make_nlp

    return make_nlp("zh", ner=None, nameness=None, pairs=None)


@pytest.fixture(scope="session")
def run_text(nlp_rules):
    from kg.normalise import normalise
    from kg.records import Document

    def run(text: str):
        doc = normalise(Document(id="t", text=text))
        return nlp_rules(doc.analysis)

    return run
