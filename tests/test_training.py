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


def test_label_tables_come_from_tsv():
    assert corpora.corpus_labels("resume") == ["NAME", "ORG", "TITLE", "CONT", "EDU", "PRO", "RACE", "LOC"]
    assert corpora.corpus_labels("msra") == ["PER", "LOC", "ORG"]
    assert len(corpora.corpus_labels("cluener")) == 10
    project = corpora.label_map("project")
    # every label of every training corpus's head has a project label
    for ds in corpora.TRAIN_DATASETS:
        for lab in corpora.corpus_labels(ds):
            assert f"{ds}.{lab}" in project
    assert project_label("cluener.company") == "ORG"
    assert project_label("msra.PER") == "PERSON"
    assert set(project.values()) >= {"PERSON", "ORG", "GPE", "LOC", "TITLE", "PRODUCT"}
    assert corpora.label_map("eval", "cfsc") == {"cluener.company": "Corporate"}


def _tagger(heads, emit):
    """An untrained kg_char_ner component with the given heads (for decoding tests)."""
    import spacy

    from kg.training.ner import _load_config, register

    register()
    cfg, _ = _load_config()
    nlp = spacy.util.load_model_from_config(cfg, auto_fill=True)
    ner = nlp.get_pipe("ner")
    ner.set_heads(heads)
    ner.cfg["emit"] = emit
    return nlp, ner


def test_char_tagger_decodes_valid_spans_and_merges_heads():
    import numpy

    from kg.training.charner import head_tags

    nlp, ner = _tagger({"a": ["PER"], "b": ["ORG", "PER"]}, ["a", "b"])
    doc = nlp.make_doc("张三在华为")
    tags_a, tags_b = head_tags(["PER"]), head_tags(["ORG", "PER"])
    scores = numpy.full((5, len(tags_a) + len(tags_b)), -5.0, dtype="float32")

    def want(i, head_tags_, tag, offset):
        scores[i, offset + head_tags_.index(tag)] = 5.0

    # head a: 张三 PER; an invalid I-PER after O at 4 must not become an entity on its own
    for i, t in enumerate(["B-PER", "L-PER", "O", "O", "I-PER"]):
        want(i, tags_a, t, 0)
    # head b: 张三 as ORG (overlaps head a: dropped), 华为 ORG (kept)
    for i, t in enumerate(["B-ORG", "L-ORG", "O", "B-ORG", "L-ORG"]):
        want(i, tags_b, t, len(tags_a))
    ner.set_annotations([doc], [scores])
    assert [(e.text, e.label_) for e in doc.ents] == [("张三", "a.PER"), ("华为", "b.ORG")]
    assert ner.labels == ("a.PER", "b.ORG", "b.PER")
    ner.cfg["emit"] = ["b"]
    ner.set_annotations([doc], [scores])
    assert [(e.text, e.label_) for e in doc.ents] == [("张三", "b.ORG"), ("华为", "b.ORG")]


def test_viterbi_finds_the_best_valid_sequence():
    import itertools

    import numpy

    from kg.training.charner import _transitions, head_tags, viterbi

    tags = head_tags(["X", "Y"])
    trans, start, end = _transitions(tuple(tags))
    rng = numpy.random.default_rng(0)
    cases = [rng.normal(size=(n, len(tags))).astype("float32") for n in (1, 2, 3, 4, 4, 4, 5, 5)]
    for sc, got in zip(cases, viterbi(cases, 2)):
        best, best_score = None, -numpy.inf
        for seq in itertools.product(range(len(tags)), repeat=len(sc)):
            if start[seq[0]] and end[seq[-1]] and all(trans[a, b] for a, b in zip(seq, seq[1:])):
                total = sum(sc[i, t] for i, t in enumerate(seq))
                if total > best_score:
                    best, best_score = list(seq), total
        assert got == best


def test_word_features_follow_jieba_words():
    from kg.training.charner import word_features

    hashes, pos = word_features("腾讯发布混元")
    assert len(hashes) == len(pos) == 6
    assert set(pos.tolist()) <= {1, 2, 3, 4}
    assert pos[0] == 1  # a word starts the text


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
    assert {"resume.NAME", "resume.ORG", "resume.TITLE"} <= set(nlp.get_pipe("ner").labels)
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
    # the same sentences written in Traditional and read back the way kg reads them
    hant = evaluate_ner(dataset="resume", split="test", model=out, data_dir=tmp_path / "data", script="hant")
    assert hant["script"] == "hant" and hant["micro"] == res["micro"]


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
    assert {"msra.PER", "msra.LOC", "cluener.company", "resume.TITLE", "news.ORG", "news.PER"} <= labels
    assert shipped.get_pipe("ner").cfg["emit"] == ["news", "msra", "cluener"]


@needs_model
def test_shipped_model_offline_deterministic(shipped):
    first = [_ents(d) for d in shipped.pipe(_SENTENCES)]
    second = [_ents(shipped(t)) for t in _SENTENCES]
    assert first == second
    again = [_ents(d) for d in load_ner().pipe(_SENTENCES)]
    assert again == first
    found = {(t[a:b], project_label(lab)) for t, ents in zip(_SENTENCES, first) for a, b, lab in ents}
    assert {("马云", "PERSON"), ("杭州", "LOC"), ("微软", "ORG"), ("特朗普", "PERSON")} <= found


@needs_model
def test_shipped_model_heads_keep_their_corpus_conventions():
    nlp = load_ner()
    ner = nlp.get_pipe("ner")
    ner.cfg["emit"] = ["msra"]  # People's Daily marks the city and the building apart
    found = {(e.text, e.label_) for t in _SENTENCES for e in nlp(t).ents}
    assert {("北京", "msra.LOC"), ("人民大会堂", "msra.LOC"), ("马云", "msra.PER")} <= found
    ner.cfg["emit"] = ["cluener"]  # CLUENER2020 marks the whole address
    found = {(e.text, e.label_) for t in _SENTENCES for e in nlp(t).ents}
    assert ("北京人民大会堂", "cluener.address") in found


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


def test_cli_train_ner_takes_a_config_and_a_time_limit(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.training.ner import CONFIG_PATH

    data = tmp_path / "data" / "resume_ner"
    data.mkdir(parents=True)
    for split in ("train", "dev"):
        _write_bmes(data / f"{split}.char.bmes", _TOY)
    cfg = CONFIG_PATH.read_text().replace("eval_every = 500", "eval_every = 2").replace("batch_chars = 2500", "batch_chars = 40")
    (tmp_path / "toy.cfg").write_text(cfg)
    res = CliRunner().invoke(app, ["train", "ner", "-o", str(tmp_path / "m"), "--data-dir", str(tmp_path / "data"),
                                   "--dataset", "resume",
                                   "--max-steps", "2", "--max-minutes", "5", "--config", str(tmp_path / "toy.cfg"),
                                   "--checkpoint-dir", str(tmp_path / "ck")])
    assert res.exit_code == 0, res.output
    assert '"step": 2' in res.output and (tmp_path / "m" / "meta.json").exists()
