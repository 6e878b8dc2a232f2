"""``kg_confidence``: calibrated confidence for every relation.

Each reading rule's raw confidence is replaced by the precision that rule was
measured to have on annotated news (``kg/models/calibration.json``, written by
``kg eval calibrate``). When the trained relation classifier is there
(``kg/models/relclass_zh``), it scores each pair the rules related, and its
probability is blended in: agreement raises the confidence, a confident other
answer lowers it. Relations below ``min_confidence`` are dropped (0 keeps all).
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["ConfidenceCalibrator", "make_confidence", "default_calibration"]


def default_calibration() -> Path:
    return Path(__file__).resolve().parents[2] / "models" / "calibration.json"


def default_relclass() -> Path | None:
    path = Path(__file__).resolve().parents[2] / "models" / "relclass_zh"
    return path if (path / "config.cfg").is_file() else None


class ConfidenceCalibrator:
    def __init__(self, nlp: Language, name: str, calibration: str | None, min_confidence: float,
                 classifier_weight: float, relclass: str | None) -> None:
        self.name = name
        path = Path(calibration) if calibration else default_calibration()
        self.table = json.loads(path.read_text(encoding="utf-8"))["extractors"] if path.is_file() else {}
        self.min_confidence = min_confidence
        self.classifier_weight = classifier_weight
        model = default_relclass() if relclass == "default" else (Path(relclass) if relclass else None)
        self.relclass = None
        if model is not None:
            from ...relclass.model import load_relclass

            self.relclass = load_relclass(model)

    def _classifier(self, doc: Doc) -> dict:
        """(predicate, probability) for each pair the rules related."""
        if self.relclass is None:
            return {}
        from ...relclass.model import classify_pairs

        pairs = sorted({(r.subject.start, r.subject.end, r.object.start, r.object.end) for r in doc._.kg_relations})
        return dict(zip(pairs, classify_pairs(self.relclass, doc.text, pairs)))

    def __call__(self, doc: Doc) -> Doc:
        if not doc._.kg_relations:
            return doc
        scores = self._classifier(doc)
        out = []
        for r in doc._.kg_relations:
            conf = self.table.get(r.extractor, {}).get("confidence", r.confidence)
            key = (r.subject.start, r.subject.end, r.object.start, r.object.end)
            if key in scores:
                predicate, prob = scores[key]
                agree = prob if predicate == r.predicate else (1 - prob) * 0.5
                conf = (1 - self.classifier_weight) * conf + self.classifier_weight * agree
            if conf >= self.min_confidence:
                out.append(replace(r, confidence=round(conf, 3)))
        doc._.kg_relations = out
        return doc


@Language.factory("kg_confidence", default_config={"calibration": None, "min_confidence": 0.0,
                                                   "classifier_weight": 0.3, "relclass": "default"},
                  requires=["doc._.kg_relations"], assigns=["doc._.kg_relations"])
def make_confidence(nlp: Language, name: str, calibration: str | None, min_confidence: float,
                    classifier_weight: float, relclass: str | None) -> ConfidenceCalibrator:
    return ConfidenceCalibrator(nlp, name, calibration, min_confidence, classifier_weight, relclass)
