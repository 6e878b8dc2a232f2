"""Entity recognisers and the mention resolver, on sentences written for these tests."""
from __future__ import annotations

import pytest


def ents(doc):
    return [(e.text, e.label_) for e in doc.ents]


@pytest.mark.parametrize("text,expected", [
    ("騰訊雲與華為雲在政企市場競爭", [("腾讯云", "ORG"), ("华为云", "ORG")]),
    ("輝達執行長黃仁勳訪問台北", [("辉达", "ORG"), ("黄仁勋", "PERSON"), ("台北", "GPE")]),
])
def test_nlp_catalogue_marks_known_names_with_ids(run_text, text, expected):
    doc = run_text(text)
    assert ents(doc) == expected
    assert all(e.kb_id_ for e in doc.ents)


@pytest.mark.parametrize("text,product", [
    ("燧原科技推出的T20芯片開始量產", "T20"),
    ("這家公司發布了Xeon 6處理器", "Xeon 6"),
    ("新款晶片ZX-9000將於明年上市", "ZX-9000"),
    ("公司自研的推理服務QuickServe已經上線", "QuickServe"),
    ("星河科技的Nebula AI芯片", "Nebula"),
    ("星河科技發布北斗880、天樞770等芯片", "天枢770"),
    ("星河科技發布北斗880系列手機", "北斗880系列"),   # the series word glued after a model is its name's
])
def test_nlp_products_from_shape_and_context(run_text, text, product):
    assert (product, "PRODUCT") in ents(run_text(text))


@pytest.mark.parametrize("text", ["2025年營收120.5億元", "全球40個區域", "市場份額達12.3%", "採用5nm製程", "第Q2季度",
                                  "星河科技(688999.SH)公告", "年產能達30GWh", "2025H1業績", "據Omdia2022年數據",
                                  # a verb, adverb or numeral before a number is no model's name; nor is a count
                                  "這家成立僅50天的公司", "他將擔任M6項目負責人", "唯一一名80後工程師", "興建一座12吋晶圓廠",
                                  "星河科技（2330-TW）股價", "極光科技15周年發布會"])
def test_nlp_products_leave_numbers_alone(run_text, text):
    assert not [e for e in run_text(text).ents if e.label_ == "PRODUCT"]


@pytest.mark.parametrize("text,org", [
    ("星河科技宣布完成新一輪融資", "星河科技"),
    ("長鑫存儲擴大產能", "长鑫存储"),
])
def test_nlp_orgs_from_head_words(run_text, text, org):
    assert (org, "ORG") in ents(run_text(text))


def test_nlp_persons_need_context(run_text):
    doc = run_text("星河科技董事長周明遠表示，公司會擴大投資。")
    assert ("周明远", "PERSON") in ents(doc)


def test_nlp_mentions_prefer_catalogue_and_take_legal_suffix(run_text):
    doc = run_text("騰訊控股集團宣布重組")
    assert ents(doc)[0] == ("腾讯控股集团", "ORG")
    assert doc.ents[0].kb_id_ == "tencent"


def test_nlp_list_closed_by_product_head_is_products(run_text):
    doc = run_text("平台集成了DeepSeek、Llama等開源大模型")
    assert ("DeepSeek", "PRODUCT") in ents(doc)


def test_nlp_offsets_point_into_original_text():
    from kg.extract import Pipelines, extract_document
    from kg.records import Document

    text = "據報導，臺積電董事長魏哲家表示，先進製程需求強勁。"
    ex = extract_document(Document(id="d", text=text), Pipelines(ner=None))
    assert ex.mentions
    for m in ex.mentions:
        assert text[m.start:m.end] == m.text


@pytest.mark.parametrize("text,product", [
    ("沐曦推出曦雲C600芯片", "曦云C600"),
    ("榮耀推出折疊屏手機Magic V6", "Magic V6"),
    ("三星發布Galaxy Z Fold 7", "Galaxy Z Fold 7"),
    ("極氪發布純電轎車極氪007 GT，續航很長。", "极氪007 GT"),
    ("科大訊飛發布星火X2大模型", "星火X2"),
    # a car brand keeps its model code; several Latin words make one name
    ("極氪發布新款SUV極氪9X", "极氪9X"),
    ("問界M7與問界M9同場亮相", "问界M9"),
    ("理想i8將與特斯拉Model Y競爭", "Model Y"),  # a company and its model's name: two mentions
    ("新車搭載輝達DRIVE Orin晶片", "DRIVE Orin"),
    ("華為發布Atlas 900 SuperCluster集群", "Atlas 900 SuperCluster"),
    ("新模型接近Claude 3 Opus的水平", "Claude 3 Opus"),
    ("DeepSeek-V3開源後下載量大增", "DeepSeek-V3"),
])
def test_nlp_products_names_with_their_model_numbers(run_text, text, product):
    assert (product, "PRODUCT") in ents(run_text(text))


def test_nlp_products_do_not_swallow_words_before_them(run_text):
    doc = run_text("算力達到1000TOPS，並採用Wi-Fi 7與FP8格式。")
    assert not [e for e in doc.ents if e.label_ == "PRODUCT"]


@pytest.mark.parametrize("text,expected", [
    ("這款晶片比肩英偉達H20", [("英伟达", "ORG"), ("H20", "PRODUCT")]),
    ("將與華為麒麟9020正面競爭", [("华为", "ORG"), ("麒麟9020", "PRODUCT")]),
    ("字節跳動發布豆包大模型3.2", [("字节跳动", "ORG"), ("豆包大模型3.2", "PRODUCT")]),
    ("星河科技旗下AI助手「北辰」上線", [("星河科技", "ORG"), ("北辰", "PRODUCT")]),
    ("搭載新晶片的HX500 NVL36伺服器", [("HX500 NVL36", "PRODUCT")]),
])
def test_nlp_products_makers_versions_and_quoted_names(run_text, text, expected):
    assert ents(run_text(text)) == expected


def test_nlp_a_name_found_once_is_found_where_it_repeats(run_text):
    doc = run_text("星河科技推出Nova晶片。業界認為Nova的能效領先。")
    assert [e.text for e in doc.ents if e.label_ == "PRODUCT"] == ["Nova", "Nova"]


def test_nlp_a_name_keeps_its_best_reading_everywhere(run_text):
    # the quoted product name is a product wherever it comes back, not a person
    doc = run_text("星河科技旗下AI助手「北辰」上線。周明遠表示，北辰將與豆包競爭。")
    assert {e.label_ for e in doc.ents if e.text == "北辰"} == {"PRODUCT"}


def test_nlp_ner_labels_mend_what_the_model_cuts():
    """kg_ner_labels on entities set by hand, as the character model may write them."""
    import spacy

    import kg.nlp.components  # noqa: F401  (registers the factories)

    nlp = spacy.blank("zh")
    component = nlp.add_pipe("kg_ner_labels")
    text = "騰訊投資Vantage Studios，王小明與蘋果出席，《原神》與列OLED熱賣。"
    doc = nlp.make_doc(text)

    def span(part, label, cut=0):
        at = text.index(part)
        return doc.char_span(at + cut, at + len(part), label=label)

    doc.ents = [span("Vantage Studios", "cluener.company", cut=4),  # "age Studios": inside a Latin word
                span("王小明", "cluener.name"), span("蘋果", "cluener.name"),  # a person needs a surname
                span("原神", "cluener.game"), span("列OLED", "cluener.game")]  # a game is a 《title》
    got = [(e.text, e.label_) for e in component(doc).ents]
    assert got == [("Vantage Studios", "ORG"), ("王小明", "PERSON"), ("原神", "PRODUCT")]


def test_nlp_a_latin_gloss_in_brackets_is_the_same_entity(run_text):
    doc = run_text("月之暗面（Moonshot AI）完成融資，英特爾執行長陳立武（Lip-Bu Tan）出席。")
    got = {(e.text, e.label_) for e in doc.ents}
    assert {("Moonshot AI", "ORG"), ("Lip-Bu Tan", "PERSON")} <= got


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pipeline_is_the_declared_one_with_peer_extractors_and_one_merge(lang):
    from kg.nlp import make_nlp, pipeline_config

    nlp = make_nlp(lang)
    declared = pipeline_config(lang)["components"]
    ours = [n for n in nlp.pipe_names if n.startswith("kg_") or n == "ner" and lang == "zh"]
    assert ours == declared  # every declared component, in the declared order, and nothing else
    analysis = nlp.analyze_pipes()
    assert not any(analysis["problems"].values()), analysis["problems"]
    writers = {n for n, meta in analysis["summary"].items() if "doc._.kg_relations" in meta["assigns"]}
    assert writers == {"kg_merge"}
    peers = {n for n, meta in analysis["summary"].items() if "doc._.kg_candidates" in meta["assigns"]}
    assert {"kg_read_titles", "kg_read_verbs", "kg_pairs"} <= peers and "kg_merge" not in peers
    assert ("kg_en_relations" in peers) == (lang == "en")


def test_pipeline_leaves_out_what_is_switched_off():
    from kg.nlp import make_nlp

    names = make_nlp("zh", ner=None, pairs=None, nameness=None).pipe_names
    assert not {"ner", "kg_ner_labels", "kg_pairs", "kg_nameness"} & set(names)
    assert "kg_merge" in names and "kg_read_verbs" in names


def test_every_candidate_carries_its_extractor_and_merge_keeps_one_record_a_relation():
    from kg.nlp import make_nlp

    nlp = make_nlp("zh", ner=None)
    doc = nlp("星河科技董事長兼CEO周明遠表示，星河科技旗下的星河雲將在日本設立資料中心。")
    assert doc._.kg_candidates and all(r.extractor.startswith("kg.") for r in doc._.kg_candidates)
    keys = [(r.subject.start, r.predicate, r.object.start) for r in doc._.kg_relations]
    assert len(keys) == len(set(keys))
    assert {(r.subject.text, r.predicate, r.object.text) for r in doc._.kg_relations} >= {
        ("周明遠", "chairmanOf", "星河科技"), ("周明遠", "ceoOf", "星河科技")}


def test_merge_drops_the_models_reading_of_a_pair_the_rules_read_the_other_way():
    from kg.nlp import make_nlp
    from kg.nlp.components.frames import FoundRelation
    from kg.nlp.text import Arg

    nlp = make_nlp("zh", ner=None)
    doc = nlp.make_doc("星河科技持有極光集團三成股權。")
    a, b = Arg(0, 4, "星河科技", "ORG", "Organization"), Arg(6, 10, "極光集團", "ORG", "Organization")
    doc._.kg_candidates = [FoundRelation(a, "investedIn", b, 0.8, (0, 15), "kg.verb.v1"),
                           FoundRelation(b, "investedIn", a, 0.9, (0, 15), "kg.model.pairs.v1"),
                           FoundRelation(b, "partnerOf", a, 0.9, (0, 15), "kg.model.pairs.v1")]
    got = {(r.subject.text, r.predicate, r.object.text) for r in nlp.get_pipe("kg_merge")(doc)._.kg_relations}
    assert ("星河科技", "investedIn", "極光集團") in got and ("極光集團", "investedIn", "星河科技") not in got


@pytest.mark.parametrize("text,span,expected", [
    ("星河雲利潤增長三成", (0, 4), "星河雲"),          # the span's last character begins a metric word (利潤)
    ("星河互動娛樂事業群推出新遊戲", (0, 6), "星河互動娛樂事業群"),  # a unit word after it closes the name
])
def test_nlp_ner_spans_end_where_the_name_does(text, span, expected):
    from kg.nlp import make_nlp

    nlp = make_nlp("zh", pairs=None, nameness=None)
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(*span, label="news.ORG")]
    doc = nlp.get_pipe("kg_ner_labels")(doc)
    assert [e.text for e in doc.ents] == [expected]
