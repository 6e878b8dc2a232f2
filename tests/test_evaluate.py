"""kg.evaluate follows the shared scorer's rules; checked on hand-made cases and against the scorer itself."""
from __future__ import annotations

import importlib.util

import pytest

from kg.evaluate import norm, score_entities, score_facts, score_relations

GOLD = [{"doc": "a", "subject": "吳泳銘", "predicate": "ceoOf", "object": "阿里巴巴集團", "object_aliases": ["阿里"]},
        {"doc": "a", "subject": "華為", "predicate": "competitorOf", "object": "小米"},
        {"doc": "a", "subject": "馬化騰", "predicate": "executiveOf", "object": "騰訊"}]
PREDS = [
    {"doc": "a", "subject": {"label": "吴泳铭"}, "predicate": "ceoOf", "object": {"label": "阿里"}},       # script, alias
    {"doc": "a", "subject": {"label": "小米"}, "predicate": "competitorOf", "object": {"label": "華為"}},  # symmetric
    {"doc": "a", "subject": {"label": "馬化騰"}, "predicate": "chairmanOf", "object": {"label": "騰訊"}},  # sub-property
    {"doc": "a", "subject": {"label": "馬化騰"}, "predicate": "ceoOf", "object": {"label": "微信"}},      # wrong
    {"doc": "b", "subject": {"label": "吳泳銘"}, "predicate": "ceoOf", "object": {"label": "阿里巴巴"}},  # other doc
]


def test_evaluate_relations_rules():
    r = score_relations(PREDS, GOLD)
    assert r["R"] == 1.0
    assert r["P"] == pytest.approx(3 / 5)
    assert len(r["false_positives"]) == 2


def test_evaluate_facts_tolerance_and_period():
    gold = [{"subject": "星河", "metric": "revenue", "value": 1e9, "period": "2025-Q2"}]
    preds = [{"subject": {"label": "星河"}, "metric": "revenue", "value": 1.004e9, "period": "2025-Q2"},
             {"subject": {"label": "星河"}, "metric": "revenue", "value": 1.01e9, "period": "2025-Q2"},
             {"subject": {"label": "星河"}, "metric": "revenue", "value": 1e9, "period": "2025-Q1"}]
    f = score_facts(preds, gold)
    assert (f["P"], f["R"]) == (pytest.approx(1 / 3), 1.0)


def test_evaluate_entities_by_type():
    gold = [{"text": "騰訊", "type": "Organization"}, {"text": "馬化騰", "type": "Person"}]
    preds = [{"mention": {"text": "腾讯", "type": "ORG"}}, {"mention": {"text": "馬化騰", "type": "ORG"}},
             {"mention": {"text": "2025年", "type": "DATE"}}]
    e = score_entities(preds, gold)
    assert (e["P"], e["R"]) == (0.5, 0.5)
    # both predictions are organisations, one right; the person is missed
    org, person = e["by_type"]["Organization"], e["by_type"]["Person"]
    assert (org["P"], org["R"], org["predicted"], org["gold"]) == (0.5, 1.0, 2, 1)
    assert (person["P"], person["R"], person["predicted"], person["gold"]) == (0.0, 0.0, 0, 1)


def test_evaluate_agrees_with_the_shared_scorer(shared):
    spec = importlib.util.spec_from_file_location("shared_score", shared / "eval" / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    ours, theirs = score_relations(PREDS, GOLD), score.score_relations(PREDS, GOLD)
    assert (ours["P"], ours["R"]) == (theirs["P"], theirs["R"])
    assert norm("ＡＷＳ 雲") == score.norm("ＡＷＳ 雲")


def test_evaluate_calibrate_shrinks_measured_precision_toward_the_prior():
    from kg.evaluate import calibrate

    preds = [dict(p, extractor="kg.verb.v1", confidence=0.8) for p in PREDS[:4]]
    table = calibrate(preds, GOLD, prior_weight=4)
    row = table["kg.verb.v1"]
    assert (row["correct"], row["predicted"]) == (3, 4)
    assert row["confidence"] == pytest.approx((3 + 4 * 0.8) / (4 + 4), abs=1e-3)


def test_evaluate_thresholds_drop_a_cell_only_when_enough_was_measured():
    from kg.evaluate import thresholds

    # a rule right 2 times in 20 beside one right 18 times in 20, for 40 gold relations
    table = {"a": {"predicates": {"ceoOf": {"correct": 18, "predicted": 20, "confidence": 0.88}}},
             "b": {"predicates": {"ceoOf": {"correct": 2, "predicted": 20, "confidence": 0.15}}}}
    golds = [{"predicate": "ceoOf"}] * 40
    # keeping b: F1 = 2*20/(40+40) = 0.5; dropping it: 2*18/(20+40) = 0.6
    assert thresholds(table, golds) == {"ceoOf": 0.88}
    assert thresholds(table, golds, min_dropped=21) == {"ceoOf": 0.0}  # 20 relations say too little here


def test_evaluate_calibrate_measures_each_predicate_of_an_extractor():
    from kg.evaluate import calibrate

    preds = [dict(p, extractor="kg.verb.v1", confidence=0.8) for p in PREDS[:4]]
    row = calibrate(preds, GOLD, prior_weight=4)["kg.verb.v1"]
    cells = row["predicates"]
    assert sum(c["predicted"] for c in cells.values()) == row["predicted"]
    assert sum(c["correct"] for c in cells.values()) == row["correct"]
    for c in cells.values():  # shrunk toward the extractor's own confidence
        assert c["confidence"] == pytest.approx((c["correct"] + 4 * row["confidence"]) / (c["predicted"] + 4), abs=1e-3)


def test_evaluate_confidence_component_reads_the_table(tmp_path):
    import json

    from kg.nlp import make_nlp

    table = tmp_path / "calibration.json"
    table.write_text(json.dumps({"extractors": {"kg.title.v1": {"confidence": 0.42}}}), encoding="utf-8")
    nlp = make_nlp(ner=None)
    nlp.replace_pipe("kg_merge", "kg_merge", config={"calibration": str(table), "relclass": None})
    doc = nlp("星河科技董事长周明远表示")
    assert [r.confidence for r in doc._.kg_relations if r.extractor == "kg.title.v1"] == [0.42]
