"""The English pipeline: spaCy's trained en_core_web_sm under the project's components."""
from __future__ import annotations

import pytest

from kg.nlp import english_model, make_nlp

pytestmark = pytest.mark.skipif(english_model() is None, reason="the English pipeline package is not installed")


@pytest.fixture(scope="module")
def nlp_en():
    return make_nlp("en")


def test_english_pipeline_is_the_trained_one_with_kg_components(nlp_en):
    names = nlp_en.pipe_names
    assert {"tagger", "parser", "ner", "kg_en_labels", "kg_catalogue", "kg_mentions", "kg_read_verbs", "kg_en_relations", "kg_merge"} <= set(names)
    assert names.index("ner") < names.index("kg_en_labels") < names.index("kg_mentions")
    assert nlp_en.meta["version"] == "3.8.0"


def test_english_names_no_catalogue_knows_are_found(nlp_en):
    # invented names: only the trained NER can find them
    doc = nlp_en("Zentrix Systems said on Monday that Maria Delgado will join the company in Portland.")
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Maria Delgado", "PERSON") in ents
    assert ("Portland", "GPE") in ents
    assert any(label == "ORG" and "Zentrix" in text for text, label in ents)
    assert not any(label not in {"PERSON", "ORG", "GPE", "LOC", "PRODUCT"} for _, label in ents)  # no DATE


def test_english_catalogue_names_keep_their_ids(nlp_en):
    doc = nlp_en("Nvidia said its H20 chip is made by TSMC.")
    ids = {e.text: e.kb_id_ for e in doc.ents}
    assert ids.get("Nvidia") and ids.get("TSMC")


def test_english_rules_only_pipeline_has_no_model():
    assert "ner" not in make_nlp("en", ner=None).pipe_names


@pytest.mark.parametrize("text,expected", [
    ("The H20 chip is made by TSMC.", ("H20", "manufacturedBy", "TSMC")),           # a passive, read forwards
    ("Alibaba Cloud, a subsidiary of Alibaba Group, expanded.", ("Alibaba Cloud", "subsidiaryOf", "Alibaba Group")),
    ("Waymo, the self-driving unit of Alphabet, expanded.", ("Waymo", "subsidiaryOf", "Alphabet")),
])
def test_english_readers_take_the_direction_of_the_words(nlp_en, text, expected):
    rels = {(r.subject.text, r.predicate, r.object.text) for r in nlp_en(text)._.kg_relations}
    assert expected in rels
    assert (expected[2], expected[1], expected[0]) not in rels


def test_english_sentences_end_after_a_capitalised_word(nlp_en):
    # "…made by TSMC. Alibaba Cloud offers…" is two sentences: nothing relates across them
    doc = nlp_en("Nvidia said its H20 chip is made by TSMC. Alibaba Cloud offers Qwen models.")
    rels = {(r.subject.text, r.predicate, r.object.text) for r in doc._.kg_relations}
    assert ("H20", "manufacturedBy", "TSMC") in rels
    assert not any("TSMC" in (s, o) and "Alibaba Cloud" in (s, o) for s, _, o in rels)


@pytest.mark.parametrize("text,expected", [
    ("Microsoft acquired LinkedIn.", ("Microsoft", "acquired", "LinkedIn")),
    ("LinkedIn was acquired by Microsoft.", ("Microsoft", "acquired", "LinkedIn")),   # the agent is the buyer
    ("US chipmaker Nvidia reported results.", ("Nvidia", "headquarteredIn", "US")),   # a place as descriptor
    ("Shenzhen-based BYD reported results.", ("BYD", "headquarteredIn", "Shenzhen")),
    ("Foxconn will build a plant in India.", ("Foxconn", "operatesIn", "India")),     # the object's in-phrase
    # a verb's noun takes its possessor as subject, "its" the organisation named before it
    ("Northwind Group announced its purchase of Bluefield Labs.", ("Northwind Group", "acquired", "Bluefield Labs")),
    ("Microsoft's acquisition of LinkedIn closed in December.", ("Microsoft", "acquired", "LinkedIn")),
    ("Samsung raised its stake in Rainbow Robotics.", ("Samsung", "investedIn", "Rainbow Robotics")),
    # an infinitive takes the subject of the verb it completes, in the passive too
    ("Bluefield Labs agreed to be acquired by Northwind Group.", ("Northwind Group", "acquired", "Bluefield Labs")),
    # a relational noun that includes a list; with no possessor, the organisation named before
    ("Bluefield AI raised new money. Other investors include Northwind and Zentrix.", ("Zentrix", "investedIn", "Bluefield AI")),
    # a participle takes the subject of the clause it hangs on
    ("Backed by Northwind and Zentrix, Bluefield Labs raised more money.", ("Northwind", "investedIn", "Bluefield Labs")),
    ("Bluefield Labs grew fast, competing with Zentrix.", ("Bluefield Labs", "competitorOf", "Zentrix")),
    # the leader of a round invested in the company that raised it
    ("Bluefield Labs raised new money in 2024, led by Northwind Capital.", ("Northwind Capital", "investedIn", "Bluefield Labs")),
    ("Zentrix Power raised new money. Its Series C funding round was led by Northwind Capital.",
     ("Northwind Capital", "investedIn", "Zentrix Power")),
    # a relational noun in apposition, the other name in its of-phrase
    ("Wistron, a key supplier of Dell, grew.", ("Dell", "suppliedBy", "Wistron")),
    ("Foxconn, a primary partner of Apple, will expand in India.", ("Foxconn", "partnerOf", "Apple")),
    # companies that form a company invested in it; "companies including A, B and C" are A, B and C
    ("Companies including Northwind, Zentrix and Bluefield have formed the chipmaker Orbital Silicon.",
     ("Zentrix", "investedIn", "Orbital Silicon")),
    # a joint action of coordinated names relates each pair of them
    ("Northwind and Bluefield announced a partnership on Monday.", ("Northwind", "partnerOf", "Bluefield")),
    ("Zentrix, Northwind and Bluefield will collaborate on chips.", ("Northwind", "partnerOf", "Bluefield")),
    ("The deal expands a joint venture between Zentrix and Bluefield.", ("Zentrix", "partnerOf", "Bluefield")),
    ("Northwind and Zentrix compete fiercely in Europe.", ("Northwind", "competitorOf", "Zentrix")),
    ("Xiaomi overtook Apple to become the second-largest smartphone maker.", ("Xiaomi", "outperforms", "Apple")),
])
def test_english_dependency_and_place_readers(nlp_en, text, expected):
    rels = {(r.subject.text, r.predicate, r.object.text) for r in nlp_en(text)._.kg_relations}
    assert expected in rels, rels


@pytest.mark.parametrize("text,expected", [
    ("Northwind Group's software subsidiary Bluefield Labs lost money.", ("Bluefield Labs", "subsidiaryOf", "Northwind Group")),
    ("Huawei's Mate 60 Pro sold well.", ("Mate 60 Pro", "developedBy", "Huawei")),             # a product: its maker
    ("Northwind Systems's key supplier Foxconn grew.", ("Northwind Systems", "suppliedBy", "Foxconn")),
    ("Northwind Systems's customers include Bluefield Labs.", ("Bluefield Labs", "suppliedBy", "Northwind Systems")),
])
def test_english_possessive_readers(nlp_en, text, expected):
    rels = {(r.subject.text, r.predicate, r.object.text) for r in nlp_en(text)._.kg_relations}
    assert expected in rels, rels


def test_english_possessive_of_an_event_noun_is_no_ownership(nlp_en):
    """``Y's acquisition of X``: X is bought by Y, not named as Y's unit."""
    rels = {(r.subject.text, r.predicate, r.object.text) for r in nlp_en("Microsoft's acquisition of LinkedIn closed in December.")._.kg_relations}
    assert ("LinkedIn", "subsidiaryOf", "Microsoft") not in rels


def _facts(doc):
    return {(f.subject.text, f.metric, round(f.value, 6), f.unit, f.period) for f in doc._.kg_facts}


@pytest.mark.parametrize("text,expected", [
    ("Nvidia reported revenue of $35.1 billion in the third quarter of fiscal 2025.",
     ("Nvidia", "revenue", 35_100_000_000, "USD", "FY2025-Q3")),                       # the period after the figure
    ("Xiaomi revenue rose 26 percent year on year to RMB 24.76 billion in Q2 2025.",
     ("Xiaomi", "revenueGrowth", 0.26, "ratio", "2025-Q2")),                           # "percent", "Q2 2025"
    ("TSMC net income was NT$374.68 billion in the second quarter of 2025.",
     ("TSMC", "netProfit", 374_680_000_000, "TWD", "2025-Q2")),
    ("BYD delivered 466,140 EVs in March 2025.", ("BYD", "deliveries", 466_140, "vehicle", "2025-03")),
    ("Infosys reported a net profit of Rs 6,921 crore in 2024.",                     # Indian units and grouping
     ("Infosys", "netProfit", 69_210_000_000, "INR", "2024")),
    ("Infosys revenue was ₹1,23,936 crore in 2024.", ("Infosys", "revenue", 1_239_360_000_000, "INR", "2024")),
    ("Lenovo generated $44 million in quarterly revenue in 2024.",                  # the metric after "in"
     ("Lenovo", "revenue", 44_000_000, "USD", "2024")),
    ("Toyota's global sales rose 1.4 percent to 4.8 million vehicles in 2024.",     # sales counted in units
     ("Toyota", "salesGrowth", 0.014, "ratio", "2024")),
    ("Zentrix Labs raised $15M in a Series B round in 2024.",                       # abbreviated magnitudes
     ("Zentrix Labs", "fundingRaised", 15_000_000, "USD", "2024")),
    ("Northwind posted net income of $4.6m in 2023.", ("Northwind", "netProfit", 4_600_000, "USD", "2023")),
    ("Bluefield Motor reported a net profit of 1.8 trillion Korean won in 2024.",   # the currency with its country
     ("Bluefield Motor", "netProfit", 1_800_000_000_000, "KRW", "2024")),
    ("Northwind reported a 12.3 percent year-on-year decline in revenue in 2024.",  # a decline is negative growth
     ("Northwind", "revenueGrowth", -0.123, "ratio", "2024")),
    ("Zentrix lost $49.8 million in 2024.", ("Zentrix", "netProfit", -49_800_000, "USD", "2024")),  # a loss as a verb
    ("Northwind has a 31% market share.", ("Northwind", "marketShare", 0.31, "ratio", None)),  # the metric after
    ("Trailing Zentrix in market share were Northwind (15.5%) and Bluefield (6.9%).",  # a share in brackets after a name
     ("Bluefield", "marketShare", 0.069, "ratio", None)),
    ("Northwind leads with a 31% market share, followed by Bluefield Labs with a 22% share.",  # glued beats the clause subject
     ("Bluefield Labs", "marketShare", 0.22, "ratio", None)),
    # a round after the amount, its owner glued to the amount by a possessive
    ("Zentrix Labs' $23 million Series C round was led by Northwind.",
     ("Zentrix Labs", "fundingRaised", 23_000_000, "USD", None)),
    ("Bluefield announced a $30 million seed round in January 2024.",
     ("Bluefield", "fundingRaised", 30_000_000, "USD", "2024-01")),
    # the change before the figure, the metric in the in-phrase after it
    ("Zentrix reported an increase of 32 percent in revenues in 2024.", ("Zentrix", "revenueGrowth", 0.32, "ratio", "2024")),
    ("Zentrix posted a 38 per cent jump in third quarter net profit.", ("Zentrix", "netProfitGrowth", 0.38, "ratio", "Q3")),
    ("Zentrix smartphone shipments plunge 31 percent in 2024.", ("Zentrix", "salesGrowth", -0.31, "ratio", "2024")),
    ("Zentrix sold 552,076 NEVs in the first quarter.", ("Zentrix", "salesVolume", 552_076, "vehicle", "Q1")),
    # money an investor puts in a company is what the company raised
    ("Northwind invested $1.61 billion in Zentrix Motors in 2023.",
     ("Zentrix Motors", "fundingRaised", 1_610_000_000, "USD", "2023")),
    ("Bluefield led, followed by Zentrix with USD 2.21 billion in revenue.", ("Zentrix", "revenue", 2_210_000_000, "USD", None)),
])
def test_english_facts_as_english_news_writes_them(nlp_en, text, expected):
    assert expected in _facts(nlp_en(text))


def test_english_figure_belongs_to_the_grammatical_subject(nlp_en):
    # invented names: the company named nearer the figure is not the one reporting it
    got = _facts(nlp_en("Zentrix Systems, a key supplier of Orbital Motors, reported revenue of $2.5 billion in 2024."))
    assert ("Zentrix Systems", "revenue", 2_500_000_000, "USD", "2024") in got
    assert not {f for f in got if f[0] == "Orbital Motors"}
    got = _facts(nlp_en("Orbital Motors beat Zentrix Systems, which sold 8.3 million vehicles in 2024."))
    assert ("Zentrix Systems", "salesVolume", 8_300_000, "vehicle", "2024") in got, got


def test_english_valuation_is_no_funding(nlp_en):
    got = _facts(nlp_en("Northwind Labs raised $300 million at a $4.1 billion valuation in 2024."))
    assert ("Northwind Labs", "fundingRaised", 300_000_000, "USD", "2024") in got
    assert not {f for f in got if f[2] == 4_100_000_000}


def test_english_figure_subject_named_after_it(nlp_en):
    # invented names: the reporter of a reported clause, and the company the text names only later
    got = _facts(nlp_en("First-quarter net income was $82.8 million, reversing a loss, Bluefield said."))
    assert ("Bluefield", "netProfit", 82_800_000, "USD", "Q1") in got
    assert not _facts(nlp_en("Revenue reached 116 billion yuan in 2024."))  # no organisation named: no subject
    got = _facts(nlp_en("Revenue reached 116 billion yuan in 2024. The figure puts Zentrix ahead of its rivals."))
    assert ("Zentrix", "revenue", 116_000_000_000, "CNY", "2024") in got
    # a figure of the whole market is no company's, even when one is named later
    got = _facts(nlp_en("Global shipments reached 300 million units in 2024. Zentrix led the market."))
    assert not {f for f in got if f[2] == 300_000_000}


def test_english_round_valuing_the_company_is_still_funding(nlp_en):
    got = _facts(nlp_en("In May, Northwind raised $6.6bn in a round valuing the company at $157bn."))
    assert ("Northwind", "fundingRaised", 6_600_000_000, "USD", None) in got
    assert not {f for f in got if f[2] == 157_000_000_000}
    assert ("Bluefield Labs", "salesVolume", 35_900_000, "unit", "2024") in \
        _facts(nlp_en("Bluefield Labs shipped 35.9 million laptops in 2024."))  # laptops are counted units


def test_english_change_named_after_the_figure():
    from kg.extract import Pipelines, extract_document
    from kg.records import Document

    doc = Document(id="t", text="Xinghe Corp reported revenue of NT$41.5 billion, an 11.4% increase from the "
                                "previous quarter and up 16.3% from a year earlier.", lang="en")
    ex = extract_document(doc, Pipelines())
    got = {(f.metric, round(f.value, 3)) for f in ex.facts}
    assert {("revenue", 41_500_000_000), ("revenueGrowth", 0.114), ("revenueGrowth", 0.163)} <= got


def test_english_dates_before_a_number_are_no_products():
    from kg.nlp import make_nlp

    doc = make_nlp("en")("In April 2023, Xinghe launched the Aurora X9 phone, sold between April 1 and June 30.")
    products = {e.text for e in doc.ents if e.label_ == "PRODUCT"}
    assert "Aurora X9" in products and not {p for p in products if "April" in p or "June" in p}


def test_english_pair_features_follow_the_dependency_path(nlp_en):
    from kg.nlp.components.frames import doc_args
    from kg.nlp.text import sentence_spans
    from kg.pairs import MAX_GAP_LATIN, candidate_pairs, dep_features, dep_roots

    # invented names; the two companies stand far apart in characters but two arcs apart in the parse
    text = "Northwind Systems, the storage maker founded in a garage three decades ago, acquired Bluefield Labs."
    doc = nlp_en(text)
    onto = nlp_en.get_pipe("kg_pairs").onto
    args = doc_args(doc, onto)
    names = {a.text for a in args}
    assert {"Northwind Systems", "Bluefield Labs"} <= names
    pairs = candidate_pairs(sentence_spans(text), args, MAX_GAP_LATIN)
    cand = next(c for c in pairs if c.subject.text == "Northwind Systems" and c.object.text == "Bluefield Labs")
    assert cand.object.start - cand.subject.end > 60  # beyond the Chinese gap, inside the English one
    feats = dep_features(dep_roots(doc, args), cand, "x")
    assert "dp=nsubj^_acquire_vdobj|x" in feats and "dlca=acquire|x" in feats
    back = next(c for c in pairs if c.subject.text == "Bluefield Labs" and c.object.text == "Northwind Systems")
    assert "dp=dobj^_acquire_vnsubj|x" in dep_features(dep_roots(doc, args), back, "x")


def test_english_names_keep_their_legal_form_and_amounts_are_no_products(nlp_en):
    doc = nlp_en("Shares of Nvidia Corp and Nokia Oyj rose after the 16-year-old firm raised $6.6bn, "
                 "or RM68.5 billion, for its 7-nanometer line.")
    ents = {(e.text, e.label_, e.kb_id_) for e in doc.ents}
    assert ("Nvidia Corp", "ORG", "nvidia") in ents and ("Nokia Oyj", "ORG", "nokia") in ents
    assert not {e for e in ents if e[1] == "PRODUCT"}, ents


def test_english_ner_is_the_one_fine_tuned_on_news(nlp_en):
    """make_nlp("en") puts the NER of kg/models/en_ner (kg train en-ner) in place of the base one."""
    import spacy

    from kg.nlp import pipeline_config

    tuned = pipeline_config("en")["tuned_ner"]
    path = __import__("pathlib").Path(__file__).resolve().parent.parent / "kg" / "models" / tuned
    if not (path / "config.cfg").is_file():
        pytest.skip("no fine-tuned English NER shipped")
    base = spacy.load(english_model())
    ours, theirs = nlp_en.get_pipe("ner").model.to_bytes(), base.get_pipe("ner").model.to_bytes()
    assert ours != theirs
    assert nlp_en.get_pipe("ner").labels == base.get_pipe("ner").labels
    assert nlp_en.pipe_names.index("ner") < nlp_en.pipe_names.index("kg_en_labels")


def test_english_ner_fine_tuning_runs_from_a_small_corpus(tmp_path):
    """kg.training.en_ner on two snippets: a loadable one-component pipeline that keeps the base's labels."""
    import json

    import spacy

    from kg.training.en_ner import train_en_ner

    docs = tmp_path / "train" / "docs"
    docs.mkdir(parents=True)
    (docs / "en-001.txt").write_text("Zentrix Systems hired Maria Delgado as chief executive in Portland.", encoding="utf-8")
    (docs / "en-002.txt").write_text("Bluefield Labs raised $20 million from Northwind Capital on Monday.", encoding="utf-8")
    rows = [("en-001", "Zentrix Systems", "Organization"), ("en-001", "Maria Delgado", "Person"), ("en-001", "Portland", "Place"),
            ("en-002", "Bluefield Labs", "Organization"), ("en-002", "Northwind Capital", "Organization")]
    (tmp_path / "train" / "entities_gold.jsonl").write_text(
        "".join(json.dumps({"doc": d, "text": t, "type": ty}) + "\n" for d, t, ty in rows), encoding="utf-8")
    meta = train_en_ner(tmp_path, tmp_path / "out", epochs=1, log=lambda _: None)
    assert meta["snippets"] == 2
    nlp = spacy.load(tmp_path / "out")
    assert nlp.pipe_names == ["ner"]
    assert {"ORG", "PERSON", "GPE", "DATE", "MONEY"} <= set(nlp.get_pipe("ner").labels)


def test_english_amounts_are_no_names_whatever_the_ner_says(nlp_en):
    from spacy.tokens import Span

    doc = nlp_en.make_doc("Revenue rose to NT$567.8 billion at Zentrix Systems, the maker of the H20.")
    money = doc.char_span(16, 32, label="ORG")
    name = doc.char_span(36, 51, label="ORG")
    product = doc.char_span(70, 73, label="PRODUCT")
    doc.ents = [money, name, product]
    doc = nlp_en.get_pipe("kg_en_labels")(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("Zentrix Systems", "ORG"), ("H20", "PRODUCT")]
    assert isinstance(money, Span) and money.text == "NT$567.8 billion"
