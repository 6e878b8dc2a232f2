"""Tests for the relation classifier (kg.relclass)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.relclass import data as reldata

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
MODEL = ROOT / "kg" / "models" / "relclass_zh"
ONTOLOGY_PREDICATES = {
    "ceoOf", "chairmanOf", "presidentOf", "founderOf", "executiveOf", "employeeOf",
    "subsidiaryOf", "acquired", "investedIn", "partnerOf", "competitorOf", "comparedTo",
    "suppliedBy", "developedBy", "manufacturedBy", "integrates", "outperforms",
    "headquarteredIn", "operatesIn",
}
FINRE_LABELS = (
    "unknown 注资 拥有 纠纷 自己 增持 重组 买资 签约 持股 交易 入股 转让 成立 分析 合作 帮助 发行 商讨 合并 竞争 "
    "订单 减持 合资 收购 借壳 欠款 被发行 被转让 被成立 被注资 被持股 被拥有 被收购 被帮助 被借壳 被买资 被欠款 "
    "被增持 拟收购 被减持 被分析 被入股 被拟收购"
).split()


def test_label_table_covers_finre() -> None:
    table = reldata.label_table()
    finre = [r.label for r in table if r.dataset == "finre"]
    assert sorted(finre) == sorted(FINRE_LABELS)
    assert len(finre) == 44
    for r in table:
        assert r.predicate == "" or r.predicate in ONTOLOGY_PREDICATES, r
        assert (r.predicate == "") == (r.direction == ""), r
        assert r.direction in ("", "forward", "reverse"), r
    by = {r.label: r for r in table}
    assert (by["收购"].predicate, by["收购"].direction) == ("acquired", "forward")
    assert (by["被收购"].predicate, by["被收购"].direction) == ("acquired", "reverse")
    assert by["unknown"].predicate == "" and by["自己"].predicate == ""


@pytest.mark.skipif(not (SHARED / "finre" / "relation2id.txt").is_file(), reason="shared data absent")
def test_label_table_matches_relation2id() -> None:
    text = (SHARED / "finre" / "relation2id.txt").read_text(encoding="utf-8")
    labels = [ln.split()[0] for ln in text.splitlines() if ln.strip()]
    assert sorted(labels) == sorted(reldata.dataset_labels("finre"))


def test_locate_and_mark() -> None:
    from kg.relclass.model import mark

    assert reldata.locate_pair("甲公司与乙公司合作", "乙公司", "甲公司") == ((4, 7), (0, 3))
    assert reldata.locate_pair("甲公司", "甲公司", "乙") is None
    assert mark("甲收购乙", (3, 4), (0, 1)) == "⦃甲⦄收购⦅乙⦆"
    # nested spans are still marked
    assert mark("中国联通公司", (0, 6), (0, 4)) == "⦅⦃中国联通⦄公司⦆"


def _toy_instances() -> list[reldata.RelInstance]:
    out = []
    for a, b in [("甲公司", "乙公司"), ("丙集团", "丁科技"), ("戊银行", "己证券"), ("庚汽车", "辛电子")]:
        t1 = f"{a}宣布收购{b}全部股权。"
        loc = reldata.locate_pair(t1, a, b)
        out.append(reldata.RelInstance(t1, loc[0], loc[1], "收购"))
        out.append(reldata.RelInstance(t1, loc[1], loc[0], "被收购"))
        t2 = f"{a}与{b}签署战略合作协议。"
        loc = reldata.locate_pair(t2, a, b)
        out.append(reldata.RelInstance(t2, loc[0], loc[1], "合作"))
        out.append(reldata.RelInstance(t2, loc[1], loc[0], "合作"))
        t3 = f"{a}和{b}今天都发布了公告。"
        loc = reldata.locate_pair(t3, a, b)
        out.append(reldata.RelInstance(t3, loc[0], loc[1], "unknown"))
    return out


@pytest.mark.slow
def test_train_smoke(tmp_path: Path) -> None:
    import spacy

    from kg.relclass.model import classify_labels, classify_pairs, load_relclass
    from kg.relclass.train import train_relclass

    toy = _toy_instances()
    out = train_relclass(
        output=tmp_path / "rel", max_steps=6, max_epochs=6, finre_train=toy, duie_train=[], dev=toy
    )
    nlp = load_relclass(out)
    assert nlp.pipe_names == ["kg_relclass"]
    text = "甲公司宣布收购乙公司全部股权。"
    res = classify_pairs(nlp, text, [(0, 3, 7, 10), (7, 10, 0, 3)])
    assert len(res) == 2
    for pred, prob in res:
        assert pred == "" or pred in ONTOLOGY_PREDICATES
        assert 0.0 <= prob <= 1.0
    labels = classify_labels(nlp, text, [(0, 3, 7, 10)])
    assert labels[0][0] in reldata.all_labels()

    # the component annotates doc.ents pairs
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(0, 3, label="ORG"), doc.char_span(7, 10, label="ORG")]
    doc = nlp(doc)
    assert isinstance(doc._.kg_relclass, list)
    for head, tail, pred, prob in doc._.kg_relclass:
        assert pred in ONTOLOGY_PREDICATES and prob >= 0.5
        assert head.text in ("甲公司", "乙公司") and tail.text in ("甲公司", "乙公司")

    # sourcing into another blank zh pipeline works
    other = spacy.blank("zh")
    other.add_pipe("kg_relclass", source=nlp)
    assert "kg_relclass" in other.pipe_names


@pytest.mark.slow
@pytest.mark.skipif(not (MODEL / "meta.json").is_file(), reason="shipped relclass model absent")
def test_shipped_model_deterministic() -> None:
    from kg.relclass.model import classify_pairs, load_relclass

    text = "阿里巴巴宣布收购饿了么全部股权,腾讯与京东签署战略合作协议。"
    pairs = [(0, 4, 8, 11), (8, 11, 0, 4), (20, 22, 23, 25)]
    first = classify_pairs(load_relclass(MODEL), text, pairs)
    second = classify_pairs(load_relclass(MODEL), text, pairs)
    assert [p for p, _ in first] == [p for p, _ in second]
    assert all(abs(a[1] - b[1]) < 1e-6 for a, b in zip(first, second))
    assert first[0][0] == "acquired"
    assert first[1][0] == ""
    assert first[2][0] == "partnerOf"
    size = sum(f.stat().st_size for f in MODEL.rglob("*") if f.is_file())
    assert size <= 15 * 1024 * 1024
