from __future__ import annotations

import pytest

from kg.nlp.numbers import expand_period_range, find_periods, find_quantities, parse_number
from kg.ontology import load_ontology


@pytest.fixture(scope="module")
def units():
    onto = load_ontology()
    return onto.currencies, onto.count_units


@pytest.mark.parametrize("text,value", [
    ("1,845.0", 1845.0), ("333.98", 333.98), ("三〇二點四", 302.4), ("三○二点四", 302.4),
    ("卅一點六", 31.6), ("十八點五", 18.5), ("一百二十", 120.0), ("廿", 20.0),
])
def test_numbers_parse(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text,value,kind,unit", [
    ("營收1,845.0億元", 184_500_000_000, "money", "CNY"),
    ("收入333.98億元", 33_398_000_000, "money", "CNY"),
    ("營收三〇二點四億美元", 30_240_000_000, "money", "USD"),
    ("淨利卅一點六億港元", 3_160_000_000, "money", "HKD"),
    ("市值1.055兆元", 1_055_000_000_000, "money", "CNY"),
    ("增長百分之十八點五", 0.185, "percent", "ratio"),
    ("增長26%", 0.26, "percent", "ratio"),
    ("交付26萬輛", 260_000, "count", "vehicle"),
    ("營收新台幣9,337億元", 933_700_000_000, "money", "TWD"),
    # English may describe what it counts between the number and the unit word
    ("sold 412,305 battery electric vehicles", 412_305, "count", "vehicle"),
    ("shipped 3.2 million smartphones", 3_200_000, "count", "unit"),
])
def test_numbers_quantities(units, text, value, kind, unit):
    from kg.normalise import same_length_convert

    qs = find_quantities(same_length_convert(text), *units)
    assert len(qs) == 1
    assert qs[0].value == pytest.approx(value)
    assert (qs[0].kind, qs[0].unit) == (kind, unit)


@pytest.mark.parametrize("text", ["spent $3 billion on the cars", "3 billion of the vehicles"])
def test_numbers_describing_words_are_no_function_words(units, text):
    """A count's describing words never run across a preposition or an article."""
    assert all(q.kind != "count" for q in find_quantities(text, *units))


def test_numbers_ranges_are_midpoints_with_bounds(units):
    (q,) = find_quantities("毛利率10-15%", *units)
    assert (q.low, q.high, q.value) == (pytest.approx(0.10), pytest.approx(0.15), pytest.approx(0.125))


@pytest.mark.parametrize("text,labels", [
    ("2026年第二季度", ["2026-Q2"]), ("2025年二季度", ["2025-Q2"]), ("2025年上半年", ["2025-H1"]),
    ("2024年", ["2024"]), ("2024财年", ["FY2024"]), ("第三季度", ["Q3"]), ("2025年Q1", ["2025-Q1"]),
])
def test_numbers_periods(text, labels):
    assert [p.label for p in find_periods(text)] == labels


def test_numbers_period_range_expands_quarters():
    a, b = find_periods("从2021年三季度至2023年二季度")
    assert expand_period_range(a, b) == ["2021-Q3", "2021-Q4", "2022-Q1", "2022-Q2", "2022-Q3",
                                         "2022-Q4", "2023-Q1", "2023-Q2"]


@pytest.mark.parametrize("text,value", [("市佔率四成四", 0.44), ("拿下三成", 0.3), ("跌至兩成一", 0.21)])
def test_numbers_tenths_are_shares(units, text, value):
    (q,) = find_quantities(text, *units)
    assert (q.kind, q.value, q.times) == ("percent", pytest.approx(value), False)


@pytest.mark.parametrize("text", ["完成融資", "成長迅速", "三成立公司"])
def test_numbers_cheng_in_words_is_no_share(units, text):
    assert find_quantities(text, *units) == []


def test_numbers_multiples_after_a_growth_verb(units):
    (a,), (b,) = find_quantities("按年增長1.35倍", *units), find_quantities("銷量急增一倍", *units)
    assert (a.value, a.times, b.value, b.times) == (pytest.approx(1.35), True, pytest.approx(1.0), True)
    assert find_quantities("規模是去年的3倍", *units) == []


def test_numbers_fiscal_quarters_and_nine_months():
    assert [p.label for p in find_periods("2019财年第二季度")] == ["FY2019-Q2"]
    assert [p.label for p in find_periods("2024年前3季")] == ["2024-9M"]


def test_a_bare_letter_magnitude_needs_a_currency_before_it():
    usd = {"$": "USD"}
    assert [(q.value, q.unit) for q in find_quantities("it raised $250 Mn and then $4.6m", usd, {})] == \
        [(250_000_000, "USD"), (4_600_000, "USD")]
    assert find_quantities("a 5m tall tower", usd, {}) == []
