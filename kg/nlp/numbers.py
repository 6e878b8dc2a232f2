"""Numbers, money, percentages and periods as news writes them.

>>> parse_number("1,845.0")
1845.0
>>> parse_number("三〇二点四")
302.4
>>> parse_number("卅一点六")
31.6
>>> parse_number("一千二百三十")
1230.0
>>> [(q.value, q.kind) for q in find_quantities("营收121.75亿元，同比增长百分之十八点五，交付26万辆", {"元": "CNY"}, {"辆": "vehicle"})]
[(12175000000.0, 'money'), (0.185, 'percent'), (260000.0, 'count')]
>>> [p.label for p in find_periods("2025年第二季度与2025年上半年及2024财年")]
['2025-Q2', '2025-H1', 'FY2024']
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["parse_number", "Quantity", "find_quantities", "Period", "find_periods", "expand_period_range"]

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_TENS = {"廿": 20, "卅": 30, "卌": 40}
_MAGNITUDE = {"万亿": 1e12, "萬億": 1e12, "兆": 1e12, "亿": 1e8, "億": 1e8, "千万": 1e7, "千萬": 1e7,
              "百万": 1e6, "百萬": 1e6, "万": 1e4, "萬": 1e4, "trillion": 1e12, "billion": 1e9, "bn": 1e9,
              "million": 1e6, "mn": 1e6, "crore": 1e7, "lakh": 1e5}
_NUM = r"(?:\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[〇○零一二两兩三四五六七八九十百千廿卅卌点點]+"
_TENTHS = re.compile(r"(?<![\d一二两兩三四五六七八九十〇○零])([一二两兩三四五六七八九])成([一二三四五六七八九](?![成倍]))?"
                     r"(?![長长员員立功本為为熟交果績绩品型就])")
_TIMES = re.compile(rf"(增長|增长|成長|成长|增加|上升|提升|升|增|漲|涨|翻)了?\s*(?:近|逾|超過|超过|約|约)?\s*({_NUM})\s*倍")
_NUM_START = r"(?=[\d〇○零一二两兩三四五六七八九十廿卅卌])"
_MAG = "|".join(sorted(map(re.escape, (k for k in _MAGNITUDE if not k.isascii())), key=len, reverse=True))
# English magnitudes in any case ("$250 Mn"); a bare letter only right after the digits ("$4.6m", "$15M")
_MAG += "|(?i:" + "|".join(sorted((k for k in _MAGNITUDE if k.isascii()), key=len, reverse=True)) + r")\b|(?<=\d)[mMbB]\b"
_ABBREVIATED = {"m": 1e6, "b": 1e9}


def parse_number(s: str) -> float:
    """Arabic (with thousands separators) or Chinese numerals to a float."""
    s = s.replace(",", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    s = s.replace("點", "点")
    whole, _, frac = s.partition("点")
    value = 0.0
    if whole and all(c in _CN_DIGITS for c in whole):  # positional: 三〇二
        for c in whole:
            value = value * 10 + _CN_DIGITS[c]
    else:
        section, digit = 0, 0
        for c in whole:
            if c in _CN_DIGITS:
                digit = _CN_DIGITS[c]
            elif c in _CN_TENS:
                section += _CN_TENS[c]
            elif c in _CN_UNITS:
                section += (digit or 1) * _CN_UNITS[c]
                digit = 0
            else:
                raise ValueError(f"not a number: {s!r}")
        value = section + digit
    if frac:
        value += float("0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    return float(value)


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: float
    kind: str  # money, percent, count, number
    unit: str  # ISO currency, "ratio", a count unit, or ""
    low: float | None = None  # for ranges
    high: float | None = None
    times: bool = False  # a multiple ("增長1.1倍"): a growth of that many times, never a level


def find_quantities(text: str, currencies: dict[str, str], count_units: dict[str, str],
                    start: int = 0, end: int | None = None) -> list[Quantity]:
    """Money, percentages and counted quantities in ``text[start:end]``."""
    end = len(text) if end is None else end
    cur = "|".join(sorted(map(re.escape, currencies), key=len, reverse=True))
    cnt = "|".join(sorted(map(re.escape, count_units), key=len, reverse=True))
    out: list[Quantity] = []
    # a number starts with a digit ("点" of 百分点 is no number): 上升0.1个百分点至21.7% is 21.7%, not a range
    pct = re.compile(rf"(?:百分之({_NUM}))|{_NUM_START}({_NUM})(?:\s*[%％]?\s*[-~～至到]\s*{_NUM_START}({_NUM}))?\s*(?:[%％]|(?:percent|per cent|pct)\b)")
    for m in pct.finditer(text, start, end):
        try:
            if m.group(1):
                value, low, high = parse_number(m.group(1)), None, None
            elif m.group(3):
                low, high = parse_number(m.group(2)), parse_number(m.group(3))
                value = (low + high) / 2
            else:
                value, low, high = parse_number(m.group(2)), None, None
        except ValueError:
            continue
        if not re.search(r"\d|[一二三四五六七八九十]", m.group()):
            continue
        out.append(Quantity(m.start(), m.end(), value / 100, "percent", "ratio",
                            low / 100 if low is not None else None, high / 100 if high is not None else None))
    # "四成四", "三成": tenths, as news writes shares; not the 成 of 成長, 成為, 成立 …
    for m in _TENTHS.finditer(text, start, end):
        if any(q.start <= m.start() < q.end for q in out):
            continue
        value = round(_CN_DIGITS[m.group(1)] / 10 + (_CN_DIGITS[m.group(2)] / 100 if m.group(2) else 0), 2)
        out.append(Quantity(m.start(), m.end(), value, "percent", "ratio"))
    # "增長1.01倍", "急增一倍": a growth of that many times the base
    for m in _TIMES.finditer(text, start, end):
        try:
            value = parse_number(m.group(2))
        except ValueError:
            continue
        out.append(Quantity(m.start(2), m.end(), value, "percent", "ratio", times=True))
    compound = re.compile(rf"(?:({cur})\s*)?({_NUM})\s*(兆|万亿|萬億)\s*({_NUM})\s*(亿|億)\s*(?:({cur}))?")
    for m in compound.finditer(text, start, end):
        try:
            value = parse_number(m.group(2)) * 1e12 + parse_number(m.group(4)) * 1e8
        except ValueError:
            continue
        code = currencies.get(m.group(1) or m.group(6) or "")
        out.append(Quantity(m.start(), m.end(), value, "money" if code else "number", code or ""))
    # English may put a few describing words between a count and its unit: "526,409 battery electric vehicles"
    described = r"(?:(?!(?:in|of|the|a|an|to|from|and|or|at|by|for|with|per|than|over|under)\b)[A-Za-z][A-Za-z\-]*\s+){0,3}"
    money = re.compile(rf"(?:({cur})\s*)?({_NUM})\s*({_MAG})?\s*(?:({cur})|(?<=[\d\s]){described}({cnt})\b|({cnt}))?")
    for m in money.finditer(text, start, end):
        if any(q.start <= m.start() < q.end for q in out):
            continue
        num, mag, cur_before, cur_after, unit = m.group(2), m.group(3), m.group(1), m.group(4), m.group(5) or m.group(6)
        if any(q.start <= m.start(2) < q.end for q in out):
            continue
        if not (cur_before or cur_after or unit or mag):
            continue
        if not re.search(r"\d", num) and not mag:
            continue
        if not re.search(r"\d", num) and len(num) == 1 and num not in "十百千":  # 一亿 is fine, 三年 is not money
            pass
        try:
            key = (mag or "").lower()
            if key in _ABBREVIATED and not cur_before:
                continue  # "5m" with no currency before it is a length, not five million
            value = parse_number(num) * (_MAGNITUDE.get(key) or _ABBREVIATED.get(key, 1))
        except ValueError:
            continue
        if cur_before or cur_after:
            code = currencies[cur_before or cur_after]
            out.append(Quantity(m.start(), m.end(), value, "money", code))
        elif unit:
            out.append(Quantity(m.start(), m.end(), value, "count", count_units[unit]))
        else:  # a magnitude with no unit: money if a currency word follows closely, else a bare number
            out.append(Quantity(m.start(), m.end(), value, "number", ""))
    return sorted(out, key=lambda q: q.start)


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    label: str  # 2025-Q2, 2025-H1, 2024, FY2024, or without year: Q2, H1
    year: int | None
    part: str  # "Q2", "H1", "FY", "" (whole year)


_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIOD = re.compile(r"(?:((?:19|20)\d{2})\s*(?:年度?|财年|財年|fiscal year|FY)?\s*)?"
                     r"(?:(?:第?([一二三四1-4])(?:季度|季))|Q([1-4])|([上下]|(?<=年)(?=半年度))半年|(前三季|前3季|前九個月|前九个月|前9個月|前9个月|全年)|(财年|財年))"
                     r"|((?:19|20)\d{2})\s*(财年|財年|年度|年)|FY\s?((?:19|20)?\d{2})")


_QUARTER_END = re.compile(r"截至\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?\s*(?:止)?(?:的)?\s*(?:三个月|三個月|第[一二三四1-4]季|季度)")
_MONTH = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号號])(?!底|末|止)")


_EN_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_EN_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                          "september", "october", "november", "december"), 1)}
_YEAR = r"(?:19|20)\d{2}"
_EN_FISCAL = r"(?:(?:the\s+)?(?P<{}>fiscal(?:\s+year)?|financial\s+year|FY)\s*)?"
_EN_PERIOD = re.compile(
    r"(?i:\b(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter(?:\s+(?:of|in|for))?\s*"
    + _EN_FISCAL.format("qf") + rf"(?P<qy>{_YEAR})?"
    + r"|\b(?P<ql>last|final)[- ]quarter\s+of\s+" + _EN_FISCAL.format("qlf") + rf"(?P<qly>{_YEAR})"
    + r"|\bQ(?P<qn>[1-4])\s*(?:of\s+)?" + _EN_FISCAL.format("qnf") + rf"(?P<qny>{_YEAR})"
    + r"|\b(?:(?P<h>first|second)[- ]half|(?P<hm>first|last)\s+six\s+months)(?:\s+(?:of|in|for))?\s*"
    + _EN_FISCAL.format("hf") + rf"(?P<hy>{_YEAR})?"
    + r"|\bH(?P<hn>[12])\s*" + _EN_FISCAL.format("hnf") + rf"(?P<hny>{_YEAR})"
    + rf"|\b(?:fiscal|financial)\s+year\s+(?:ended|ending)\s+(?:[a-z]+\s+)?(?:\d{{1,2}},?\s+)?(?P<fe>{_YEAR})"
    + rf"|\bfiscal(?:\s+year)?\s+(?P<fy>{_YEAR})"
    + rf"|\byear\s+(?:ended|ending)\s+(?:[a-z]+\s+)?(?:\d{{1,2}},?\s+)?(?P<ye>{_YEAR})"
    + r"|\b(?P<mon>january|february|march|april|may|june|july|august|september|october|november|december)\s+"
    + rf"(?P<my>{_YEAR})"
    + rf"|\b(?:full[- ]year|in|for|during)\s+(?P<y1>{_YEAR})\b(?![-/])"
    + rf"|\b(?P<y2>{_YEAR})\s+(?:full[- ]year|annual))")


def _english_periods(text: str, start: int, end: int) -> list[Period]:
    """Reporting periods written in English: ``third quarter of fiscal 2025``, ``Q2 2025``,
    ``first half of 2024``, ``the first six months of 2025``, ``H1 2025``, ``the last quarter of
    2023``, ``fiscal 2025``, ``the year ended March 2018`` (a fiscal year), ``March 2025``, ``in 2024``.

    >>> [p.label for p in _english_periods("in the third quarter of fiscal 2025, Q2 2025 and the first half", 0, 80)]
    ['FY2025-Q3', '2025-Q2', 'H1']
    >>> [p.label for p in _english_periods("the first six months of 2025; the last quarter of 2023; the year ended March 2018", 0, 90)]
    ['2025-H1', '2023-Q4', 'FY2018']
    """
    out = []
    for m in _EN_PERIOD.finditer(text, start, end):
        g = m.groupdict()
        if g["q"]:
            part, fiscal, year = f"Q{_EN_ORD[g['q'].lower()]}", g["qf"], g["qy"]
        elif g["ql"]:
            part, fiscal, year = "Q4", g["qlf"], g["qly"]
        elif g["qn"]:
            part, fiscal, year = f"Q{g['qn']}", g["qnf"], g["qny"]
        elif g["h"] or g["hm"]:
            first = (g["h"] or g["hm"]).lower() == "first"
            part, fiscal, year = ("H1" if first else "H2"), g["hf"], g["hy"]
        elif g["hn"]:
            part, fiscal, year = f"H{g['hn']}", g["hnf"], g["hny"]
        elif g["fe"] or g["fy"] or g["ye"]:
            y = int(g["fe"] or g["fy"] or g["ye"])
            out.append(Period(m.start(), m.end(), f"FY{y}", y, "FY"))
            continue
        elif g["mon"]:
            y = int(g["my"])
            month = _EN_MONTHS[g["mon"].lower()]
            out.append(Period(m.start(), m.end(), f"{y}-{month:02d}", y, f"M{month:02d}"))
            continue
        else:
            y = int(g["y1"] or g["y2"])
            out.append(Period(m.start(), m.end(), str(y), y, ""))
            continue
        y = int(year) if year else None
        label = (f"FY{y}-{part}" if fiscal else f"{y}-{part}") if y else part
        out.append(Period(m.start(), m.end(), label, y, part))
    return out


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[Period]:
    """Reporting periods in ``text[start:end]``.

    >>> [p.label for p in find_periods("截至2025年6月30日止三個月，2025年9月交付")]
    ['2025-Q2', '2025-09']
    """
    end = len(text) if end is None else end
    out = []
    for m in _QUARTER_END.finditer(text, start, end):
        month = int(m.group(2))
        if month in (3, 6, 9, 12):
            out.append(Period(m.start(), m.end(), f"{m.group(1)}-Q{month // 3}", int(m.group(1)), f"Q{month // 3}"))
    for m in _MONTH.finditer(text, start, end):
        if any(p.start <= m.start() < p.end for p in out):
            continue
        month = int(m.group(2))
        if 1 <= month <= 12:
            out.append(Period(m.start(), m.end(), f"{m.group(1)}-{month:02d}", int(m.group(1)), f"M{month:02d}"))
    for m in _PERIOD.finditer(text, start, end):
        if any(p.start <= m.start() < p.end for p in out):
            continue
        g = m.groups()
        if g[6]:  # bare year / fiscal year
            year = int(g[6])
            fy = g[7] in ("财年", "財年")
            out.append(Period(m.start(), m.end(), f"FY{year}" if fy else str(year), year, "FY" if fy else ""))
            continue
        if g[8]:
            y = int(g[8]) if len(g[8]) == 4 else 2000 + int(g[8])
            out.append(Period(m.start(), m.end(), f"FY{y}", y, "FY"))
            continue
        year = int(g[0]) if g[0] else None
        if g[1] or g[2]:
            part = f"Q{_QUARTER[g[1] or g[2]]}"
        elif g[3] is not None:  # 上半年, 下半年, 半年度 (the first half's report)
            part = "H2" if g[3] == "下" else "H1"
        elif g[4]:
            part = "9M" if g[4].startswith("前") else ""
        else:
            part = "FY"
        if year is None and part in ("", "FY"):
            continue
        fiscal = year is not None and part not in ("", "FY") and re.search(r"财年|財年|fiscal|FY", m.group())
        if part == "FY":
            label = f"FY{year}"
        elif part:
            label = (f"FY{year}-{part}" if fiscal else f"{year}-{part}") if year else part
        else:
            label = str(year)
        out.append(Period(m.start(), m.end(), label, year, part))
    for p in _english_periods(text, start, end):
        overlapping = [o for o in out if o.start < p.end and p.start < o.end]
        if all(p.start <= o.start and o.end <= p.end and p.end - p.start > o.end - o.start for o in overlapping):
            out = [o for o in out if o not in overlapping] + [p]  # "Q2 2025" is more than its "Q2"
    return sorted(out, key=lambda p: p.start)


def expand_period_range(first: Period, last: Period) -> list[str]:
    """Every period from ``first`` to ``last`` inclusive (quarters, halves or years).

    >>> expand_period_range(Period(0, 0, "2023-Q3", 2023, "Q3"), Period(0, 0, "2024-Q2", 2024, "Q2"))
    ['2023-Q3', '2023-Q4', '2024-Q1', '2024-Q2']
    """
    if first.year is None or last.year is None or first.part[:1] != last.part[:1]:
        return []
    if first.part.startswith("Q"):
        a, b = first.year * 4 + int(first.part[1]) - 1, last.year * 4 + int(last.part[1]) - 1
        return [f"{i // 4}-Q{i % 4 + 1}" for i in range(a, b + 1)]
    if first.part.startswith("H"):
        a, b = first.year * 2 + int(first.part[1]) - 1, last.year * 2 + int(last.part[1]) - 1
        return [f"{i // 2}-H{i % 2 + 1}" for i in range(a, b + 1)]
    prefix = "FY" if first.part == "FY" else ""
    return [f"{prefix}{y}" for y in range(first.year, last.year + 1)]
