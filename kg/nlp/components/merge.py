"""``kg_merge``: the one step that decides on the relations the extractors propose.

Every relation extractor is a peer component that appends candidates, each with its extractor
name, to ``doc._.kg_candidates``: the frame readers (``kg_read_*``), the English dependency
reader (``kg_en_relations``) and the trained pair proposer (``kg_pairs``, ``kg.model.pairs.v1``).
This component only merges them:

* one record per (subject, predicate, object): among the rule readers the surest; the trained
  proposer's record only where no rule reader related the pair by that predicate, either way round
  (``model: add``; ``all`` keeps it beside theirs, for measuring the model alone);
* calibrated: each record's confidence becomes the precision its extractor was measured to have
  for its predicate on annotated news (``kg/models/calibration.json``, written by ``kg eval
  calibrate``; the extractor's overall precision where the predicate was seldom seen), blended
  with the trained relation classifier's opinion of the pair when that model is there;
* kept when its calibrated confidence clears its predicate's threshold (chosen on the same annotated
  news by ``kg eval calibrate``: the one with the predicate's best F1 there; 0 where none was chosen),
  and, blended, ``min_confidence``.

It writes the result to ``doc._.kg_relations``.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from .frames import relation_extensions
from .relations import relation_key, surest

__all__ = ["RelationMerge", "default_calibration", "MODEL_PREFIX"]

MODEL_PREFIX = "kg.model."  # the extractors that are trained models, not rule readers


def default_calibration() -> Path:
    return Path(__file__).resolve().parents[2] / "models" / "calibration.json"


def default_relclass() -> Path | None:
    path = Path(__file__).resolve().parents[2] / "models" / "relclass_zh"
    return path if (path / "config.cfg").is_file() else None


class RelationMerge:
    def __init__(self, nlp: Language, name: str, calibration: str | None, calibrate: bool, min_confidence: float,
                 classifier_weight: float, relclass: str | None, model: str, ontology: str | None) -> None:
        if model not in ("add", "all"):
            raise ValueError(f"kg_merge model {model!r}: expected 'add' or 'all'")
        self.name, self.calibrate, self.model = name, calibrate, model
        path = Path(calibration) if calibration else default_calibration()
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        self.table = data.get("extractors", {})
        self.thresholds = data.get("thresholds", {}) if calibrate else {}
        self.min_confidence = min_confidence
        self.classifier_weight = classifier_weight
        self.symmetric = load_ontology(ontology).symmetric
        path = default_relclass() if relclass == "default" else (Path(relclass) if relclass else None)
        self.relclass = None
        if path is not None and calibrate:
            from ...relclass.model import load_relclass

            self.relclass = load_relclass(path)
        relation_extensions()

    def confidence(self, extractor: str, predicate: str, raw: float) -> float:
        """The measured precision of ``extractor`` for ``predicate`` (or overall), else ``raw``."""
        row = self.table.get(extractor)
        if row is None:
            return raw
        return row.get("predicates", {}).get(predicate, {}).get("confidence", row.get("confidence", raw))

    def _classifier(self, doc: Doc, records) -> dict:
        """(predicate, probability) for each pair of mentions related."""
        if self.relclass is None or not records:
            return {}
        from ...relclass.model import classify_pairs

        pairs = sorted({(r.subject.start, r.subject.end, r.object.start, r.object.end) for r in records})
        return dict(zip(pairs, classify_pairs(self.relclass, doc.text, pairs)))

    def __call__(self, doc: Doc) -> Doc:
        candidates = doc._.kg_candidates or []
        best = surest(r for r in candidates if not r.extractor.startswith(MODEL_PREFIX))
        proposed = [r for r in candidates if r.extractor.startswith(MODEL_PREFIX)]
        merged = list(best.values())
        seen = set(best) if self.model == "add" else set()
        for r in proposed:
            k = relation_key(r)
            back = (r.object.start, r.object.end, r.predicate, r.subject.start, r.subject.end)
            # a rule reader that read the pair the other way round has read its direction: the model's is dropped
            if k in seen or (back in seen and self.model == "add"):
                continue
            seen.add(k)
            merged.append(r)
        scores = self._classifier(doc, merged)
        out = []
        for r in merged:
            conf = self.confidence(r.extractor, r.predicate, r.confidence) if self.calibrate else r.confidence
            if conf < self.thresholds.get(r.predicate, 0.0):
                continue  # measured too seldom right for this predicate to be worth keeping
            pair = (r.subject.start, r.subject.end, r.object.start, r.object.end)
            if pair in scores:
                predicate, prob = scores[pair]
                agree = prob if predicate == r.predicate else (1 - prob) * 0.5
                conf = (1 - self.classifier_weight) * conf + self.classifier_weight * agree
            if conf >= self.min_confidence:
                out.append(replace(r, confidence=round(conf, 3)))
        doc._.kg_relations = sorted(out, key=lambda r: (r.sentence, r.subject.start, r.predicate, r.object.start))
        return doc


@Language.factory("kg_merge", default_config={"calibration": None, "calibrate": True, "min_confidence": 0.0,
                                              "classifier_weight": 0.3, "relclass": "default", "model": "add",
                                              "ontology": None},
                  requires=["doc._.kg_candidates"], assigns=["doc._.kg_relations"])
def make_merge(nlp: Language, name: str, calibration: str | None, calibrate: bool, min_confidence: float,
               classifier_weight: float, relclass: str | None, model: str, ontology: str | None) -> RelationMerge:
    return RelationMerge(nlp, name, calibration, calibrate, min_confidence, classifier_weight, relclass, model,
                         ontology)
