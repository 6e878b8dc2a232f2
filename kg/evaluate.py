"""Score extractions against gold files with the shared scorer's rules.

The rules (``../shared/eval/score.py`` defines them; this module implements them
for ``kg eval relations``):

* names are compared after NFKC, Traditional→Simplified, case folding and
  removing spaces and punctuation; a predicted argument matches through its
  label, text or any alias, a gold one through its name or aliases;
* predicates must be equal, or the predicted one a sub-property of the gold one
  (``ceoOf`` states ``executiveOf``); symmetric predicates match either way;
* precision counts distinct predicted (doc, subject label, predicate, object label);
* a fact matches on metric, subject, value within 0.5 % and the period when the gold has one.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .ontology import load_ontology, to_simplified

__all__ = ["norm", "score_relations", "score_facts", "score_entities", "score_products", "load_jsonl", "calibrate",
           "thresholds"]

_PUNCT = re.compile(r"[\s\u3000·•・.,，。、:：;；'\"“”‘’()（）\[\]【】《》<>-]+")
_TYPES = {"PERSON": "Person", "PER": "Person", "ORG": "Organization", "PRODUCT": "Product", "GPE": "Place",
          "LOC": "Place", "Person": "Person", "Organization": "Organization", "Product": "Product", "Place": "Place"}


def norm(name) -> str:
    """The form two names are compared in.

    >>> norm("阿里雲 Cloud") == norm("阿里云cloud")
    True
    """
    if not name:
        return ""
    return _PUNCT.sub("", to_simplified(unicodedata.normalize("NFKC", str(name))).casefold())


def load_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _pred_names(arg) -> set[str]:
    if isinstance(arg, str):
        return {norm(arg)} - {""}
    names = {norm(arg.get("label")), norm(arg.get("text"))} | {norm(a) for a in arg.get("aliases", []) or []}
    return names - {""}


def _gold_names(rec: dict, side: str) -> set[str]:
    return ({norm(rec[side])} | {norm(a) for a in rec.get(side + "_aliases", []) or []}) - {""}


def _doc_tail(doc) -> str:
    tail = re.split(r"[/#]", str(doc).rstrip("/"))[-1]
    return tail


def _same_doc(pred: dict, gold: dict) -> bool:
    if "doc" not in gold or "doc" not in pred:
        return True
    tail = _doc_tail(pred["doc"])
    return tail == gold["doc"] or tail.rsplit(".", 1)[0] == gold["doc"]


def _prf(tp_pred: int, n_pred: int, found: int, n_gold: int) -> dict:
    p = tp_pred / n_pred if n_pred else 0.0
    r = found / n_gold if n_gold else 0.0
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0, "predicted": n_pred, "gold": n_gold}


def score_relations(preds: Iterable[dict], golds: list[dict]) -> dict:
    """Precision, recall and F1 of predicted relations, with false positives and misses."""
    onto = load_ontology()
    implies = {p: {i.super_property} for p, i in onto.properties.items() if i.super_property}
    symmetric = onto.symmetric

    def match(p: dict, g: dict) -> bool:
        if p["predicate"] != g["predicate"] and g["predicate"] not in implies.get(p["predicate"], ()):
            return False
        if not _same_doc(p, g):
            return False
        ps, po = _pred_names(p["subject"]), _pred_names(p["object"])
        gs, go = _gold_names(g, "subject"), _gold_names(g, "object")
        return bool(ps & gs and po & go) or (g["predicate"] in symmetric and bool(ps & go and po & gs))

    distinct: dict[tuple, dict] = {}
    for p in preds:
        if "predicate" in p:
            label = lambda a: norm(a.get("label") if isinstance(a, dict) else a)  # noqa: E731
            distinct.setdefault((p.get("doc"), label(p["subject"]), p["predicate"], label(p["object"])), p)
    tp = [k for k, p in distinct.items() if any(match(p, g) for g in golds)]
    found = [g for g in golds if any(match(p, g) for p in distinct.values())]
    out = _prf(len(tp), len(distinct), len(found), len(golds))
    out["correct"], out["found"] = len(tp), len(found)
    by_pred: dict[str, list[int]] = {}
    for g in golds:
        by_pred.setdefault(g["predicate"], [0, 0])[1] += 1
    for g in found:
        by_pred[g["predicate"]][0] += 1
    out["recall_by_predicate"] = {k: f"{a}/{b}" for k, (a, b) in sorted(by_pred.items())}
    out["false_positives"] = sorted(k[1:] for k in distinct if k not in set(tp))
    out["missed"] = [(g["subject"], g["predicate"], g["object"]) for g in golds if g not in found]
    return out


def score_facts(preds: Iterable[dict], golds: list[dict]) -> dict:
    """Precision, recall and F1 of predicted facts."""
    def match(p: dict, g: dict) -> bool:
        if p.get("metric") != g["metric"] or not _same_doc(p, g):
            return False
        if not _pred_names(p["subject"]) & _gold_names(g, "subject"):
            return False
        try:
            pv, gv = float(p["value"]), float(g["value"])
        except (TypeError, ValueError, KeyError):
            return False
        if abs(pv - gv) > 0.005 * abs(gv) + 1e-12:
            return False
        return not g.get("period") or str(p.get("period", "")) == g["period"]

    preds = [p for p in preds if "metric" in p]
    tp = sum(1 for p in preds if any(match(p, g) for g in golds))
    found = [g for g in golds if any(match(p, g) for p in preds)]
    out = _prf(tp, len(preds), len(found), len(golds))
    out["missed"] = [(g["subject"], g["metric"], g["value"], g.get("period")) for g in golds if g not in found]
    return out


def score_entities(preds: Iterable[dict], golds: list[dict]) -> dict:
    """Precision, recall and F1 of entity mentions (text and type, per document)."""
    def doc_of(rec):
        d = rec.get("doc")
        if d is None:
            return None
        tail = _doc_tail(d)
        return tail.rsplit(".", 1)[0] if "." in tail else tail

    pred = {(doc_of(p), norm(p["mention"]["text"]), _TYPES.get(p["mention"].get("type"))) for p in preds if "mention" in p}
    pred = {k for k in pred if k[2]}
    gold = {(g.get("doc"), norm(g["text"]), g["type"]) for g in golds if g["type"] in set(_TYPES.values())}
    if all(k[0] is None for k in gold):
        pred = {(None,) + k[1:] for k in pred}
    tp = len(pred & gold)
    out = _prf(tp, len(pred), tp, len(gold))
    out["recall_by_type"] = {t: f"{len({k for k in gold if k[2] == t} & pred)}/{len({k for k in gold if k[2] == t})}"
                             for t in ("Person", "Organization", "Product", "Place")}
    out["by_type"] = {}
    for t in ("Person", "Organization", "Product", "Place"):
        pt, gt = {k for k in pred if k[2] == t}, {k for k in gold if k[2] == t}
        hit = len(pt & gt)
        out["by_type"][t] = _prf(hit, len(pt), hit, len(gt))
    out["missed"] = sorted(k[1:] for k in gold - pred)
    return out


def calibrate(preds: list[dict], golds: list[dict], *, prior_weight: float = 5.0) -> dict:
    """Per-extractor and per-(extractor, predicate) precision measured against gold: the table
    ``kg_merge`` reads.

    Each extractor's confidence becomes ``(correct + w·prior) / (predicted + w)``, the
    measured precision shrunk toward the frame's own confidence ``prior`` (the mean of
    its predictions' confidences) with weight ``w``, so a rarely seen extractor keeps
    close to its prior. Each of its predicates is shrunk the same way toward the extractor's
    confidence (``predicates``).
    """
    onto = load_ontology()
    implies = {p: {i.super_property} for p, i in onto.properties.items() if i.super_property}
    symmetric = onto.symmetric
    table: dict[str, dict] = {}
    for p in preds:
        if "predicate" not in p:
            continue
        ok = False
        for g in golds:
            if (p["predicate"] == g["predicate"] or g["predicate"] in implies.get(p["predicate"], ())) and _same_doc(p, g):
                ps, po = _pred_names(p["subject"]), _pred_names(p["object"])
                gs, go = _gold_names(g, "subject"), _gold_names(g, "object")
                if (ps & gs and po & go) or (g["predicate"] in symmetric and ps & go and po & gs):
                    ok = True
                    break
        row = table.setdefault(p.get("extractor", "?"), {"correct": 0, "predicted": 0, "prior_sum": 0.0, "by": {}})
        row["correct"] += ok
        row["predicted"] += 1
        row["prior_sum"] += float(p.get("confidence", 0.5))
        cell = row["by"].setdefault(p["predicate"], [0, 0])
        cell[0] += ok
        cell[1] += 1
    out = {}
    for name, row in sorted(table.items()):
        prior = row["prior_sum"] / row["predicted"]
        conf = (row["correct"] + prior_weight * prior) / (row["predicted"] + prior_weight)
        out[name] = {"correct": row["correct"], "predicted": row["predicted"], "prior": round(prior, 3),
                     "confidence": round(conf, 3),
                     "predicates": {pred: {"correct": c, "predicted": n,
                                           "confidence": round((c + prior_weight * conf) / (n + prior_weight), 3)}
                                    for pred, (c, n) in sorted(row["by"].items())}}
    return out


MIN_DROPPED = 10  # a threshold may drop only what was measured on at least this many relations


def thresholds(table: dict, golds: list[dict], min_dropped: int = MIN_DROPPED) -> dict[str, float]:
    """Per predicate, the calibrated confidence a relation needs to be kept: the one (0 or the confidence
    of one of the table's extractors for it) at which that predicate's F1 over the table's counts is
    highest, the lowest of equals, among those that drop cells measured on ``min_dropped`` relations
    or more (fewer say too little: two wrong of two is no measured precision). A cell right less often
    than about half the predicate's F1 costs more than it brings, and this drops it."""
    n_gold: dict[str, int] = {}
    for g in golds:
        n_gold[g["predicate"]] = n_gold.get(g["predicate"], 0) + 1
    cells: dict[str, list[tuple[float, int, int]]] = {}
    for row in table.values():
        for pred, cell in row.get("predicates", {}).items():
            cells.setdefault(pred, []).append((cell["confidence"], cell["correct"], cell["predicted"]))
    out = {}
    for pred, rows in sorted(cells.items()):
        gold = n_gold.get(pred, 0)
        best, best_f = 0.0, -1.0
        for t in sorted({0.0} | {c for c, _, _ in rows}):
            kept = [(c, n) for conf, c, n in rows if conf >= t]
            if t > 0 and sum(n for conf, _, n in rows if conf < t) < min_dropped:
                continue
            f1 = 2 * sum(c for c, _ in kept) / max(1, sum(n for _, n in kept) + gold)
            if f1 > best_f + 1e-9:
                best, best_f = t, f1
        out[pred] = round(best, 3)
    return out


def score_products(records: list[dict], *, pipelines=None) -> dict:
    """Precision and recall of PRODUCT mentions on sentences annotated with their product names.

    ``records`` are ``{"id", "text", "products": [...]}``; names are compared after :func:`norm`.
    Recall is also given for the names the catalogue does not know.
    """
    from .extract import Pipelines, extract_document
    from .nlp.components.catalogue import catalogue_forms
    from .records import Document

    pipelines = pipelines or Pipelines()
    onto = load_ontology()
    known = {norm(f) for e in onto.catalogue.values() for f in catalogue_forms(e)}
    tp = n_pred = n_gold = unseen = unseen_found = 0
    errors = []
    for rec in records:
        ex = extract_document(Document(id=rec["id"], text=rec["text"]), pipelines)
        pred = {norm(m.text) for m in ex.mentions if m.label == "PRODUCT"}
        gold = {norm(p) for p in rec["products"]}
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
        for g in gold - known:
            unseen += 1
            unseen_found += g in pred
        if pred != gold:
            errors.append({"id": rec["id"], "missed": sorted(gold - pred), "extra": sorted(pred - gold)})
    out = _prf(tp, n_pred, tp, n_gold)
    out["unseen"] = unseen
    out["unseen_recall"] = unseen_found / unseen if unseen else 0.0
    out["errors"] = errors
    return out


def _doc_id(doc) -> str:
    tail = _doc_tail(doc)
    return tail.rsplit(".", 1)[0] if "." in tail else tail


def score_corpus(preds: list[dict], relations: list[dict], facts: list[dict], entities: list[dict],
                 groups: dict[str, str], unions: dict[str, tuple[str, ...]] | None = None) -> dict:
    """Relations, facts and entities scored over all documents and over each group of them.

    ``groups`` maps a document id to its group (a script: ``hant``, ``hans``, ``en``). Each group is
    scored on its own documents only, so its figures are what a set of that group alone would give;
    ``unions`` names further parts made of several groups (``{"zh": ("hant", "hans")}``).
    Relations are also scored per predicate: precision over the predictions of that predicate,
    recall over the gold of that predicate.

    >>> gold = [{"doc": "a", "subject": "魏哲家", "predicate": "ceoOf", "object": "台積電"}]
    >>> pred = [{"doc": "x/a.txt", "subject": {"text": "魏哲家"}, "predicate": "ceoOf", "object": {"text": "台积电"}}]
    >>> r = score_corpus(pred, gold, [], [], {"a": "hant"})
    >>> r["all"]["relations"]["F1"], r["hant"]["relations"]["F1"], r["by_predicate"]["ceoOf"]["F1"]
    (1.0, 1.0, 1.0)
    """
    def part(docs: set[str] | None) -> dict:
        keep = (lambda r: True) if docs is None else (lambda r: _doc_id(r["doc"]) in docs)
        p = [r for r in preds if keep(r)]
        return {"relations": score_relations(p, [g for g in relations if keep(g)]),
                "facts": score_facts(p, [g for g in facts if keep(g)]),
                "entities": score_entities(p, [g for g in entities if keep(g)])}

    out = {"all": part(None)}
    for group in sorted(set(groups.values())):
        out[group] = part({d for d, g in groups.items() if g == group})
    for name, members in (unions or {}).items():
        if any(m in out for m in members):
            out[name] = part({d for d, g in groups.items() if g in members})
    rel_preds = [p for p in preds if "predicate" in p]
    by_pred = {}
    for name in sorted({g["predicate"] for g in relations} | {p["predicate"] for p in rel_preds}):
        prec = score_relations([p for p in rel_preds if p["predicate"] == name], relations)
        rec = score_relations(rel_preds, [g for g in relations if g["predicate"] == name])
        by_pred[name] = _prf(prec["correct"], prec["predicted"], rec["found"], rec["gold"])
    out["by_predicate"] = by_pred
    return out
