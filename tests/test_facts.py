"""Numeric facts on sentences written for these tests."""
from __future__ import annotations

import pytest


def facts(doc):
    return {(f.subject.text, f.metric, round(f.value, 6), f.unit, f.period) for f in doc._.kg_facts}


@pytest.mark.parametrize("text,expected", [
    ("2025年第二季度，星河科技營收120.5億元，同比下降8.2%，淨利潤3.1億元。",
     {("星河科技", "revenue", 12_050_000_000, "CNY", "2025-Q2"),
      ("星河科技", "revenueGrowth", -0.082, "ratio", "2025-Q2"),
      ("星河科技", "netProfit", 310_000_000, "CNY", "2025-Q2")}),
    ("小米2024年營收3,659億元，按年增長35%。",
     {("小米", "revenue", 365_900_000_000, "CNY", "2024"), ("小米", "revenueGrowth", 0.35, "ratio", "2024")}),
    ("2025年上半年，星河科技以12.3%的份額位居第三。", {("星河科技", "marketShare", 0.123, "ratio", "2025-H1")}),
    ("台積電第三季營收新台幣九千三百億元。", {("台積電", "revenue", 930_000_000_000, "TWD", "Q3")}),
    ("比亞迪2025年上半年交付量達到214萬輛。", {("比亞迪", "deliveries", 2_140_000, "vehicle", "2025-H1")}),
    # the shares of the others, in brackets after their names or after 佔/占比, carry the clause's metric
    ("2024年，星河科技拿下20%市場份額，僅次於極光科技(41%)和天穹科技(23%)。",
     {("極光科技", "marketShare", 0.41, "ratio", "2024"), ("天穹科技", "marketShare", 0.23, "ratio", "2024")}),
    ("星河科技以48%的市場份額領先；其次極光科技佔比16.4%。", {("極光科技", "marketShare", 0.164, "ratio", None)}),
    # an amount with no currency right after a money metric: in the currency the text last named
    ("星河科技2024年營收12億美元，2025年營收為15億。", {("星河科技", "revenue", 1_500_000_000, "USD", "2025")}),
    # "至於…": a topic marker, not a preposition that keeps the name from being the subject
    ("至於星河科技2024年收入增長12.5%。", {("星河科技", "revenueGrowth", 0.125, "ratio", "2024")}),
])
def test_facts_read(run_text, text, expected):
    from kg.normalise import same_length_convert

    got = facts(run_text(text))
    want = {(same_length_convert(a), *rest) for a, *rest in expected}
    assert want <= got


@pytest.mark.parametrize("text", ["自2020年以來，星河科技累計淨虧損近40億元。", "星河科技成立至今累計融資超過5億元。"])
def test_facts_running_totals_are_no_facts(run_text, text):
    assert not run_text(text)._.kg_facts


def test_facts_topic_is_the_unit_not_its_owner(run_text):
    """``A旗下B公佈…``: the figures of the sentences after are B's."""
    doc = run_text("星河科技旗下極光科技公佈半年業績。期內淨利潤為3.2億元。")
    assert {(f.subject.text, f.metric) for f in doc._.kg_facts} == {("极光科技", "netProfit")}


def test_facts_a_bare_number_is_no_amount_without_a_money_metric(run_text):
    assert not run_text("星河科技擁有員工1.2萬人，用戶達3億。")._.kg_facts


def test_facts_series_spread_over_period_range(run_text):
    doc = run_text("從2024年一季度至2024年四季度，星河科技淨利潤依次為1.1億元、1.2億元、1.3億元、1.4億元。")
    got = sorted((f.period, round(f.value)) for f in doc._.kg_facts if f.metric == "netProfit")
    assert got == [("2024-Q1", 110_000_000), ("2024-Q2", 120_000_000), ("2024-Q3", 130_000_000), ("2024-Q4", 140_000_000)]


def test_facts_unaligned_lists_and_comparisons_are_left_out(run_text):
    doc = run_text("星河科技營收增速從84%、62%一路滑落，毛利率遠低於行業50%的水平。")
    assert not [f for f in doc._.kg_facts if f.value in (0.84, 0.62, 0.5)]


def test_facts_approximate_flag(run_text):
    doc = run_text("2024年，星河科技營收約120億元。")
    (f,) = [f for f in doc._.kg_facts if f.metric == "revenue"]
    assert f.approximate


def test_facts_metric_word_after_the_amount_and_no_prepositional_subjects(run_text):
    doc = run_text("寧德時代今年在港交所掛牌，集資約356億港元。星河科技完成5,000萬美元新一輪融資。")
    got = {(f.subject.text, f.metric, f.unit) for f in doc._.kg_facts}
    assert got == {("宁德时代", "fundingRaised", "HKD"), ("星河科技", "fundingRaised", "USD")}


def test_facts_latin_metric_word_in_any_case(run_text):
    # Latin metric words match case-insensitively; a capitalised one must name its metric too
    got = facts(run_text("星河科技第二季Net profit為3.1億元。"))
    assert ("星河科技", "netProfit", 310_000_000, "CNY", "Q2") in got


@pytest.mark.parametrize("text,expected", [
    # a loss is a negative profit
    ("星河科技2025年第二季淨虧損2.5億元。", ("星河科技", "netProfit", -250_000_000, "CNY", "2025-Q2")),
    ("星河科技2025年经调整亏损净额为1.2亿元。", ("星河科技", "adjustedProfit", -120_000_000, "CNY", "2025")),
    # Hong Kong wording: 溢利 is profit, 按年升 is growth
    ("星河控股2025年上半年股東應佔溢利3.2億港元，按年升12%。", ("星河控股", "netProfit", 320_000_000, "HKD", "2025-H1")),
    # the currency and the round between the amount and 融资
    ("星河科技宣布完成5亿元人民币B轮融资。", ("星河科技", "fundingRaised", 500_000_000, "CNY", None)),
])
def test_facts_losses_hong_kong_profit_words_and_rounds(run_text, text, expected):
    from kg.normalise import same_length_convert

    got = facts(run_text(text))
    subject, *rest = expected
    assert any(g[0] == same_length_convert(subject) and g[1:4] == tuple(rest[:3]) for g in got), got


@pytest.mark.parametrize("text,expected", [
    # a quarter without a year is of the year the text last named, fiscal if that was a fiscal year
    ("星河科技公佈2026財年第一季度業績。第二季度營收12億元。", {("星河科技", "revenue", 1_200_000_000, "CNY", "FY2026-Q2")}),
    # "2024年同期" is that part of 2024; the report's own period stays 2025-Q3
    ("星河科技2025年第三季度淨利潤為3億元，而2024年同期淨虧損1億元。",
     {("星河科技", "netProfit", 300_000_000, "CNY", "2025-Q3"), ("星河科技", "netProfit", -100_000_000, "CNY", "2024-Q3")}),
    # a multiple after a growth verb is growth; tenths are shares
    ("星河科技營收按年增長1.5倍。", {("星河科技", "revenueGrowth", 1.5, "ratio", None)}),
    ("星河科技的市場份額達到四成四。", {("星河科技", "marketShare", 0.44, "ratio", None)}),
    # one value said of each name, and a list of values after 分別 with the metric after them
    ("極光科技和天穹電子各佔14.2%的份額。", {("極光科技", "marketShare", 0.142, "ratio", None), ("天穹電子", "marketShare", 0.142, "ratio", None)}),
    ("極光科技和天穹電子分別以35%和7%的手機市佔率排名第一和第五。",
     {("極光科技", "marketShare", 0.35, "ratio", None), ("天穹電子", "marketShare", 0.07, "ratio", None)}),
    # a qualified profit is the adjusted one
    ("星河科技按非公認會計準則計的淨利達28億元。", {("星河科技", "adjustedProfit", 2_800_000_000, "CNY", None)}),
    ("星河科技經調整淨利達28億元。", {("星河科技", "adjustedProfit", 2_800_000_000, "CNY", None)}),
])
def test_facts_as_real_news_writes_them(run_text, text, expected):
    from kg.normalise import same_length_convert

    got = facts(run_text(text))
    want = {(same_length_convert(a), *rest) for a, *rest in expected}
    assert want <= got


def test_facts_other_measures_and_per_share_figures_are_no_profit(run_text):
    doc = run_text("星河科技營收100億元，EBITDA為30億元，同比增長2.9%；每股虧損0.08元。")
    got = facts(doc)
    assert ("星河科技", "revenue", 10_000_000_000, "CNY", None) in got
    assert not [f for f in doc._.kg_facts if round(f.value, 3) in (0.029, 3e9, -0.08, 0.08)]


def test_facts_subject_is_not_the_name_in_brackets_or_the_market(run_text):
    doc = run_text("星河科技(Xinghe)首季營收為12億元。天穹電子在全球手機極光市場拿下20%份額。")
    subjects = {(f.subject.text, f.metric) for f in doc._.kg_facts}
    assert {("星河科技", "revenue"), ("天穹电子", "marketShare")} <= subjects


@pytest.mark.parametrize("text,expected", [
    # a 分別 list over a list of periods, a range inside it spread out
    ("星河科技在2022年、2023年和2024年的營收分別為1億元、2億元和3億元。",
     {("星河科技", "revenue", 100_000_000, "CNY", "2022"), ("星河科技", "revenue", 200_000_000, "CNY", "2023"),
      ("星河科技", "revenue", 300_000_000, "CNY", "2024")}),
    ("星河科技的淨虧損在2022年至2023年、2024年前九個月分別為1億元、2億元和3億元。",
     {("星河科技", "netProfit", -100_000_000, "CNY", "2022"), ("星河科技", "netProfit", -200_000_000, "CNY", "2023"),
      ("星河科技", "netProfit", -300_000_000, "CNY", "2024-9M")}),
    # as many names as values, without 分別
    ("極光科技和天穹電子的市值為12億美元和9億美元。",
     {("極光科技", "marketCap", 1_200_000_000, "USD", None), ("天穹電子", "marketCap", 900_000_000, "USD", None)}),
    # the growth of deliveries is sales growth; the metric word after 的
    ("星河汽車10月交付了3654輛，同比增長25%。", {("星河汽車", "salesGrowth", 0.25, "ratio", None)}),
    ("星河科技以4150萬台的出貨量居首。", {("星河科技", "salesVolume", 41_500_000, "unit", None)}),
    # 半年度 is the first half; the next sentence's figure keeps that period
    ("星河科技發布2025年半年度財報。公司實現淨利潤10億元。", {("星河科技", "netProfit", 1_000_000_000, "CNY", "2025-H1")}),
])
def test_facts_lists_periods_and_metric_words(run_text, text, expected):
    from kg.normalise import same_length_convert

    got = facts(run_text(text))
    want = {(same_length_convert(a), *rest) for a, *rest in expected}
    assert want <= got


def test_facts_a_company_figure_is_the_organisations_not_a_products(run_text):
    doc = run_text("星河科技受惠於極光X1出貨暢旺，公告9月營收184億元。")
    assert {f.subject.text for f in doc._.kg_facts if f.metric == "revenue"} == {"星河科技"}


def test_facts_a_list_of_metrics_and_a_list_of_values(run_text):
    doc = run_text("星河科技2024年營收、EBITDA與淨利潤分別為120億元、30億元與11億元，市佔率上升0.1個百分點至21.7%。")
    got = facts(doc)
    assert {("星河科技", "revenue", 12_000_000_000, "CNY", "2024"), ("星河科技", "netProfit", 1_100_000_000, "CNY", "2024"),
            ("星河科技", "marketShare", 0.217, "ratio", "2024")} <= got
    assert not [f for f in doc._.kg_facts if f.value == 3_000_000_000]  # EBITDA is none of the metrics


def test_facts_a_figure_in_a_relative_clause_is_of_the_organisation_it_describes(run_text):
    doc = run_text("極光汽車今年交付約164萬輛，去年交付225萬輛電動車的汽車製造商星河汽車已超越它。")
    from kg.normalise import same_length_convert

    got = {(f.subject.text, f.value) for f in doc._.kg_facts if f.metric == "deliveries"}
    assert (same_length_convert("星河汽車"), 2_250_000) in got


def test_facts_business_lines_and_investors_are_no_subjects(run_text):
    doc = run_text("2025年一季度，星河科技實現總營收1398萬美元；Aurora X9業務營收173萬美元。")
    assert {f.subject.text for f in doc._.kg_facts if f.metric == "revenue"} == {"星河科技"}
    doc = run_text("天穹科技完成了由北辰資本領投的7500萬美元B輪融資。")
    assert {f.subject.text for f in doc._.kg_facts if f.metric == "fundingRaised"} == {"天穹科技"}


def test_facts_forecasts_are_no_facts(run_text):
    # a forecast or target in the figure's clause: no reported fact (the reported one stays)
    got = facts(run_text("星河科技2024年營收120億元，預計2025年營收將達150億元。"))
    assert ("星河科技", "revenue", 12_000_000_000, "CNY", "2024") in got
    assert not {f for f in got if f[2] == 15_000_000_000}
