"""Tests for kg.training: corpus readers, label mappings, scoring, the training workflow and
the shipped Chinese NER model (kg/models/zh_ner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.training import corpora
from kg.training.ner import DEFAULT_MODEL, evaluate_ner, load_ner, project_label, score_spans, train_ner

# --------------------------------------------------------------------------- readers


def test_tags_to_spans_bmes_and_repairs():
    tags = ["B-NAME", "E-NAME", "O", "S-LOC", "B-ORG", "M-ORG", "M-ORG", "E-ORG", "M-TITLE", "E-TITLE"]
    assert corpora.tags_to_spans(tags) == [(0, 2, "NAME"), (3, 4, "LOC"), (4, 8, "ORG"), (8, 10, "TITLE")]
    # BIO input, and an entity running to the end of the sentence
    assert corpora.tags_to_spans(["B-PER", "I-PER", "O", "B-LOC", "I-LOC"]) == [(0, 2, "PER"), (3, 5, "LOC")]


def test_parse_bmes_sentences():
    lines = ["高 B-NAME", "勇 E-NAME", "： O", "", "中 B-CONT", "国 E-CONT", ""]
    sents = corpora.parse_bmes(lines)
    assert [s.text for s in sents] == ["高勇：", "中国"]
    assert sents[0].spans == [(0, 2, "NAME")]
    assert sents[1].spans == [(0, 2, "CONT")]


def test_parse_cluener_inclusive_end():
    line = json.dumps(
        {"text": "浙商银行企业信贷部叶老桂博士", "label": {"name": {"叶老桂": [[9, 11]]}, "company": {"浙商银行": [[0, 3]]}}},
        ensure_ascii=False,
    )
    (sent,) = corpora.parse_cluener([line])
    assert sent.spans == [(0, 4, "company"), (9, 12, "name")]
    assert [sent.text[a:b] for a, b, _ in sent.spans] == ["浙商银行", "叶老桂"]


def test_label_mappings_come_from_tsv():
    assert corpora.corpus_labels("resume") == ["NAME", "ORG", "TITLE", "CONT", "EDU", "PRO", "RACE", "LOC"]
    assert corpora.corpus_labels("msra") == ["PER", "LOC", "ORG"]
    assert len(corpora.corpus_labels("cluener")) == 10
    project = corpora.label_map("project")
    # every model label a corpus is trained into has a project label and maps back for scoring
    for ds in corpora.TRAIN_DATASETS:
        for target in corpora.label_map("train", ds).values():
            labels = ["COMPANY", "GOVERNMENT", "ORGANIZATION"] if target == "ORG*" else [target]
            for lab in labels:
                assert lab in project
                assert corpora.label_map("eval", ds)[lab] in corpora.corpus_labels(ds)
    assert project_label("COMPANY") == "ORG"
    assert project_label("PERSON") == "PERSON"
    assert set(project.values()) >= {"PERSON", "ORG", "GPE", "LOC", "TITLE", "PRODUCT"}


def test_org_typing_and_model_labels():
    assert corpora.type_org("阿里巴巴集团控股有限公司") == "COMPANY"
    assert corpora.type_org("外交部") == "GOVERNMENT"
    assert corpora.type_org("新华社") == "ORGANIZATION"
    sent = corpora.Sentence("新华社记者报道外交部", [(0, 3, "ORG"), (7, 10, "ORG")])
    (mapped,) = corpora.to_model_labels("msra", [sent])
    assert mapped.spans == [(0, 3, "ORGANIZATION"), (7, 10, "GOVERNMENT")]


def test_mark_unannotated_uses_other_corpora():
    msra = [corpora.Sentence("新华社记者张三报道《人民日报》", [(0, 3, "ORGANIZATION"), (5, 7, "PERSON")])]
    cluener = [corpora.Sentence("记者李四", [(0, 2, "TITLE"), (2, 4, "PERSON")])]
    corpora.mark_unannotated({"msra": msra, "cluener": cluener})
    # MSRA never annotates titles or book names: they become missing, annotated spans stay
    assert msra[0].missing == [(3, 5), (9, 15)]
    assert cluener[0].missing == []


def test_score_spans_exact_match():
    gold = [[(0, 2, "PER"), (3, 5, "LOC")], [(0, 3, "ORG")]]
    pred = [[(0, 2, "PER"), (3, 6, "LOC")], [(0, 3, "ORG"), (4, 5, "PER")]]
    res = score_spans(gold, pred, ["PER", "LOC", "ORG"])
    assert res["micro"]["precision"] == pytest.approx(2 / 4)
    assert res["micro"]["recall"] == pytest.approx(2 / 3)
    assert res["per_label"]["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert res["per_label"]["ORG"]["f1"] == 1.0
    assert res["macro_f1"] == pytest.approx((2 / 3 + 0 + 1) / 3)


# --------------------------------------------------------------------------- training workflow

_TOY = [
    ("张三，男，汉族，现任阿里巴巴公司董事长。", [(0, 2, "NAME"), (5, 7, "RACE"), (10, 16, "ORG"), (16, 19, "TITLE")]),
    ("李四，女，中国国籍，本科学历，曾任腾讯公司总经理。", [(0, 2, "NAME"), (5, 9, "CONT"), (10, 12, "EDU"), (17, 21, "ORG"), (21, 24, "TITLE")]),
    ("王五现任华为公司副总裁。", [(0, 2, "NAME"), (4, 8, "ORG"), (8, 11, "TITLE")]),
    ("赵六，硕士，曾任百度公司工程师。", [(0, 2, "NAME"), (3, 5, "EDU"), (8, 12, "ORG"), (12, 15, "TITLE")]),
]


def _write_bmes(path: Path, items: list[tuple[str, list[tuple[int, int, str]]]]) -> None:
    lines = []
    for text, spans in items:
        tags = ["O"] * len(text)
        for start, end, lab in spans:
            if end - start == 1:
                tags[start] = f"S-{lab}"
            else:
                tags[start] = f"B-{lab}"
                tags[start + 1 : end - 1] = [f"M-{lab}"] * (end - start - 2)
                tags[end - 1] = f"E-{lab}"
        lines += [f"{c} {t}" for c, t in zip(text, tags)] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_train_smoke_end_to_end(tmp_path):
    data = tmp_path / "data" / "resume_ner"
    data.mkdir(parents=True)
    for split in ("train", "dev", "test"):
        _write_bmes(data / f"{split}.char.bmes", _TOY)
    common = dict(data_dir=tmp_path / "data", seed=1, datasets=["resume"], checkpoint_dir=tmp_path / "ckpt",
                  overrides={"eval_every": 3, "batch_chars": 40}, log=lambda _: None)
    out = train_ner(output=tmp_path / "model", max_steps=6, **common)
    assert out == tmp_path / "model"
    assert (tmp_path / "ckpt" / "best" / "meta.json").exists()
    state = json.loads((tmp_path / "ckpt" / "state.json").read_text())
    assert state["step"] == 6 and [h["step"] for h in state["history"]] == [3, 6]

    nlp = load_ner(out)
    assert nlp.pipe_names == ["ner"]
    assert {"PERSON", "COMPANY", "TITLE"} <= set(nlp.get_pipe("ner").labels)
    doc = nlp("王五现任华为公司副总裁。")
    assert [t.text for t in doc][:3] == ["王", "五", "现"]  # one token per character

    # resume continues from the last checkpoint to the new step budget
    train_ner(output=tmp_path / "model2", max_steps=9, resume=True, **common)
    state = json.loads((tmp_path / "ckpt" / "state.json").read_text())
    assert [h["step"] for h in state["history"]] == [3, 6, 9]

    res = evaluate_ner(dataset="resume", split="test", model=out, data_dir=tmp_path / "data")
    assert res["dataset"] == "resume" and res["split"] == "test"
    assert set(res["micro"]) == {"precision", "recall", "f1"}
    assert set(res["per_label"]) >= set(corpora.corpus_labels("resume"))
    assert res["per_label"]["NAME"]["support"] == 4


# --------------------------------------------------------------------------- shipped model

_SENTENCES = [
    "阿里巴巴集团董事局主席马云今天在杭州宣布，公司将与微软合作。",
    "国家主席习近平在北京人民大会堂会见了美国总统特朗普。",
]

needs_model = pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="shipped model not built")


@pytest.fixture(scope="module")
def shipped():
    return load_ner()


def _ents(doc) -> list[tuple[int, int, str]]:
    return [(e.start_char, e.end_char, e.label_) for e in doc.ents]


@needs_model
def test_shipped_model_size_and_labels(shipped):
    size = sum(p.stat().st_size for p in DEFAULT_MODEL.rglob("*") if p.is_file())
    assert size <= 40 * 1024 * 1024
    labels = set(shipped.get_pipe("ner").labels)
    assert labels <= set(corpora.label_map("project"))
    assert {"PERSON", "COMPANY", "LOC", "TITLE"} <= labels


@needs_model
def test_shipped_model_offline_deterministic(shipped):
    first = [_ents(d) for d in shipped.pipe(_SENTENCES)]
    second = [_ents(shipped(t)) for t in _SENTENCES]
    assert first == second
    again = [_ents(d) for d in load_ner().pipe(_SENTENCES)]
    assert again == first
    found = {(t[a:b], lab) for t, ents in zip(_SENTENCES, first) for a, b, lab in ents}
    assert {("阿里巴巴集团", "COMPANY"), ("马云", "PERSON"), ("杭州", "LOC"), ("特朗普", "PERSON"), ("北京", "LOC")} <= found


@needs_model
def test_shipped_ner_can_be_sourced(shipped):
    import spacy

    nlp = spacy.blank("zh")
    nlp.add_pipe("ner", name="ner", source=shipped)
    assert [_ents(d) for d in nlp.pipe(_SENTENCES)] == [_ents(d) for d in shipped.pipe(_SENTENCES)]


@needs_model
def test_traditional_converted_gives_same_entities(shipped):
    import opencc

    traditional = "阿里巴巴集團董事局主席馬雲今天在杭州宣佈，公司將與微軟合作。"
    simplified = opencc.OpenCC("t2s").convert(traditional)
    assert len(simplified) == len(traditional)
    assert simplified == _SENTENCES[0]
    assert _ents(shipped(simplified)) == _ents(shipped(_SENTENCES[0]))
    assert _ents(shipped(simplified))


def test_train_is_reproducible_from_seed(tmp_path):
    data = tmp_path / "data" / "resume_ner"
    data.mkdir(parents=True)
    for split in ("train", "dev"):
        _write_bmes(data / f"{split}.char.bmes", _TOY)
    params = []
    for run in ("a", "b"):
        out = train_ner(
            output=tmp_path / run,
            data_dir=tmp_path / "data",
            seed=3,
            max_steps=4,
            datasets=["resume"],
            overrides={"eval_every": 4, "batch_chars": 40},
            log=lambda _: None,
        )
        params.append(load_ner(out).get_pipe("ner").model.to_bytes())
    assert params[0] == params[1]
