"""The pair proposer kg.model.pairs.v1: its learner, its features, its component and its training command."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.nlp.text import Arg
from kg.pairs import Candidate, PairModel, candidate_pairs, load_pairs, pair_features, train_pairs


def _toy():
    # "执行长" between a person and an organisation states ceoOf; "表示" states nothing
    ex = []
    for i in range(30):
        ex.append(([f"noise{i}", "bw=执行长|Organization|Person|os"], {"ceoOf"}))
        ex.append(([f"noise{i}", "bw=表示|Organization|Person|os"], set()))
    return ex


def test_pairs_learner_separates_a_toy_problem_and_is_deterministic(tmp_path):
    a = train_pairs(_toy(), ["ceoOf", "chairmanOf"], epochs=8, seed=3)
    b = train_pairs(_toy(), ["ceoOf", "chairmanOf"], epochs=8, seed=3)
    yes, no = a.scores(["noise99", "bw=执行长|Organization|Person|os"]), a.scores(["bw=表示|Organization|Person|os"])
    assert yes[0] > 0.8 and no[0] < 0.2
    assert yes[1] < 0.2  # nothing taught chairmanOf
    assert a.rows.keys() == b.rows.keys() and all(np.array_equal(a.rows[k], b.rows[k]) for k in a.rows)
    a.thresholds = {"ceoOf": 0.4, "chairmanOf": 0.4}
    a.save(tmp_path / "m", {"note": "toy"})
    c = load_pairs(tmp_path / "m")
    assert c.thresholds == a.thresholds and c.predicates == a.predicates
    assert np.allclose(c.scores(["bw=执行长|Organization|Person|os"]), a.scores(["bw=执行长|Organization|Person|os"]), atol=1e-2)
    assert json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))["extractor"] == "kg.model.pairs.v1"


def test_pairs_candidates_stay_in_their_sentence_and_gap():
    args = [Arg(0, 2, "小米", "ORG", "Organization"), Arg(4, 6, "雷军", "PERSON", "Person"),
            Arg(12, 14, "华为", "ORG", "Organization"), Arg(200, 202, "腾讯", "ORG", "Organization")]
    pairs = {(c.subject.text, c.object.text) for c in candidate_pairs([(0, 10), (11, 300)], args)}
    assert pairs == {("小米", "雷军"), ("雷军", "小米"), }  # 华为 is in the next sentence; 腾讯 is too far from it


def test_pairs_features_name_order_words_between_and_rules():
    s, o = Arg(7, 9, "雷军", "PERSON", "Person"), Arg(0, 4, "小米集团", "ORG", "Organization")
    text = "小米集团董事长雷军表示"
    cand = Candidate(s, o, (0, len(text)))
    feats = pair_features(text, cand, None, {((7, 9), (0, 4)): [("chairmanOf", "kg.title.v1")]}, 0)
    assert "t=Person|Organization|os" in feats
    assert "bw=董事长|Person|Organization|os" in feats
    assert "rule=chairmanOf" in feats and "rx=kg.title.v1|chairmanOf" in feats


@pytest.fixture(scope="module")
def nlp_pairs():
    from kg.nlp import make_nlp

    return make_nlp("zh", ner=None, calibrate=False)


def test_pairs_component_adds_only_accepted_new_relations(nlp_pairs):
    assert "kg_pairs" in nlp_pairs.pipe_names
    doc = nlp_pairs("美國晶片大廠輝達執行長黃仁勳表示，公司將在台灣設立新的研發中心。")
    rels = doc._.kg_relations
    keys = [(r.subject.start, r.predicate, r.object.start) for r in rels]
    assert len(keys) == len(set(keys))  # the model never repeats what the rules found
    onto = nlp_pairs.get_pipe("kg_pairs").onto
    for r in rels:
        if r.extractor == "kg.model.pairs.v1":
            assert onto.accepts(r.predicate, "subject", r.subject.cls) and onto.accepts(r.predicate, "object", r.object.cls)


def test_pairs_component_without_a_model_changes_nothing():
    from kg.nlp import make_nlp

    with_model = make_nlp("zh", ner=None, calibrate=False)
    without = make_nlp("zh", ner=None, calibrate=False, pairs=None)
    text = "星河科技董事長周明遠表示，公司旗下的星河雲將在日本設立資料中心。"
    rules = {(r.subject.text, r.predicate, r.object.text) for r in without(text)._.kg_relations}
    both = {(r.subject.text, r.predicate, r.object.text) for r in with_model(text)._.kg_relations}
    assert rules <= both


def test_cli_train_relations_writes_a_model_that_loads(tmp_path):
    root = tmp_path / "news"
    docs = {"train": {"hant-001": "騰訊控股董事會主席兼CEO馬化騰表示，騰訊雲將繼續投入AI。",
                      "hant-002": "小米集團董事長雷軍表示，小米汽車將在北京擴建工廠。"},
            "dev": {"hant-003": "華碩董事長施崇棠表示，公司將在越南設廠。"}}
    gold = {"hant-001": [("馬化騰", "chairmanOf", "騰訊控股"), ("馬化騰", "ceoOf", "騰訊控股")],
            "hant-002": [("雷軍", "chairmanOf", "小米集團")], "hant-003": [("施崇棠", "chairmanOf", "華碩")]}
    for split, items in docs.items():
        (root / split / "docs").mkdir(parents=True)
        rows = []
        for doc, text in items.items():
            (root / split / "docs" / f"{doc}.txt").write_text(text + "\n", encoding="utf-8")
            rows += [{"doc": doc, "subject": s, "predicate": p, "object": o} for s, p, o in gold[doc]]
        (root / split / "relations_gold.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        names = {(r["doc"], r[side]) for r in rows for side in ("subject", "object")}
        (root / split / "entities_gold.jsonl").write_text("".join(
            json.dumps({"doc": d, "text": t, "type": "Person" if len(t) == 3 else "Organization"}, ensure_ascii=False) + "\n"
            for d, t in sorted(names)), encoding="utf-8")
    out = tmp_path / "model"
    res = CliRunner().invoke(app, ["train", "relations", "--root", str(root), "-o", str(out), "--epochs", "3",
                                   "--nameness-output", str(tmp_path / "nameness"), "--english-output", str(tmp_path / "en")])
    assert res.exit_code == 0, res.output
    model = load_pairs(out)
    assert isinstance(model, PairModel) and "chairmanOf" in model.predicates
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["train_positive_pairs"] == 2 and meta["seed"] == 0  # one pair holds both of 馬化騰's roles
    assert (tmp_path / "nameness" / "meta.json").is_file()


def test_cli_train_relations_without_a_corpus_is_a_one_line_error(tmp_path):
    res = CliRunner().invoke(app, ["train", "relations", "--root", str(tmp_path)])
    assert res.exit_code == 2 and "relations_gold.jsonl" in res.output
