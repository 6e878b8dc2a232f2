"""``kg_facts``: numeric facts (revenue, growth, market share …) with value,
unit, period and subject.

Metric words, growth and decline cues, currencies and count units come from
``ontology/metrics.tsv``, ``cues.tsv`` and ``units.tsv``. For each money,
percentage or counted amount the reader takes the nearest metric word (after
the number, as in ``以49.2%的份額``, else before it), the entity the sentence
says it is about, and the period; ``依次``/``分別`` with a period range spreads a
list of values over the periods. Lists it cannot align are left out.
Results go to ``doc._.kg_facts`` as :class:`FoundFact`.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ...ontology import load_ontology
from ..numbers import Period, Quantity, expand_period_range, find_periods, find_quantities
from ..text import Arg, WordTable, find_words, sentence_spans, word_regex

_CJK = re.compile(r"[\u3400-\u9fff]")
from .relations import doc_args

__all__ = ["FoundFact", "FactExtractor", "make_facts"]

MAX_METRIC_GAP = 60
_CJK_MAGNITUDE = re.compile(r"[億亿萬万兆]")
_COPULA_TAIL = re.compile(r"(?:為|为|達|达|是|約|约|近|超過|超过|逾)?\s*$")
_CLAUSE = re.compile(r"[，,；;：:]")
def _clause_start(text: str, ss: int, at: int) -> int:
    """Where the clause holding offset ``at`` begins (its sentence starts at ``ss``)."""
    start = ss
    for m in _CLAUSE.finditer(text, ss, at):
        start = m.end()
    return start


_EN_ROUND = re.compile(r"(?:[-\s]*(?:Series|series)\s+[A-H]\d?\+?|[-\s]*(?:seed|pre-seed|pre-IPO|pre-Series|growth|"
                       r"strategic|venture|equity|funding|financing|investment)\b)*[-\s]*(round|financing|funding)\b")
_IN_METRIC = re.compile(r"\s*in\s+((?:[A-Za-z0-9-]+\s+){0,2}[A-Za-z])")  # an English amount "in" its metric
_RELATIVE = re.compile(r"[^，,。；;：:、()（）的]{0,8}的[^，,。；;：:、()（）的]{0,12}")  # …的 (descriptor) NAME
# after a share: the rest of a list of shares and a qualifier ("35%和 7% 左右的"), before the metric word
_AFTER = re.compile(r"(?:\s*[和、及与與,，]\s*(?:超|约|約|近|逾)?\s*\d+(?:\.\d+)?\s*[%％])*\s*(?:左右|以上|上下)?\s*的?\s*")


def _value_run(text: str, quantities, after: int) -> list[int]:
    """Indexes of the list of values (``21%、17%和9%``) that starts first after offset ``after``."""
    values = [i for i, q in enumerate(quantities) if q.start >= after]
    run = values[:1]
    for i in values[1:]:
        if re.fullmatch(r"\s*[、,，和及与與]\s*", text[quantities[run[-1]].end:quantities[i].start]):
            run.append(i)
        else:
            break
    return run


def _name_list(text: str, args, before: int) -> list[Arg]:
    """The list of names (``星河、極光和天穹``) that ends last before offset ``before``."""
    names = [a for a in args if a.end <= before and a.label in ("ORG", "PRODUCT")]
    group = names[-1:]
    for a in reversed(names[:-1]):
        if re.fullmatch(r"\s*[、,，和及与與]\s*", text[a.end:group[0].start]):
            group.insert(0, a)
        else:
            break
    return group


def _resolved(periods: list[Period], last: Period | None) -> list[Period]:
    """The periods of a sentence with the year a yearless one takes (from the period before it, else
    from ``last``, the text's last dated period)."""
    out, year = [], last.year if last else None
    for p in periods:
        if p.year is None and year is not None and p.part not in ("", "FY"):
            p = Period(p.start, p.end, f"{year}-{p.part}", year, p.part)
        year = p.year if p.year is not None else year
        out.append(p)
    return out


def _period_chain(text: str, periods: list[Period]) -> list[str]:
    """The periods a 分別 list runs over: the chain of periods ending last, joined by 、 or 和 (each one)
    or by 至 (every period of the range): ``2021年至2023年、2024年前三季`` gives four."""
    labels: list[str] = []
    i = len(periods) - 1
    while i >= 0:
        p = periods[i]
        joint = text[periods[i - 1].end:p.start] if i > 0 else None
        if joint is not None and re.fullmatch(r"\s*[至到~～—-]\s*", joint):
            span = expand_period_range(periods[i - 1], p)
            if not span:
                return []
            labels[:0] = span
            i -= 2
            joint = text[periods[i].end:periods[i + 1].start] if i >= 0 else None
        else:
            labels.insert(0, p.label)
            i -= 1
        if joint is None or not re.fullmatch(r"\s*[、,，和及与與]\s*", joint):
            break
    return labels


def _bracketed(text: str, a: Arg, args) -> bool:
    """True when ``a`` stands in brackets right after another name: ``星河(Xinghe)``,
    ``星河(上市編號:XH)`` — another name of that entity or a note on it, not a second subject."""
    lo = max(0, a.start - 25)
    opened = max(text.rfind("(", lo, a.start), text.rfind("（", lo, a.start))
    if opened < 0 or re.search(r"[)）]", text[opened:a.start]):
        return False
    before = text[:opened].rstrip()
    return any(b.end == len(before) for b in args if b is not a)


@dataclass(frozen=True)
class FoundFact:
    subject: Arg
    metric: str
    value: float
    unit: str
    period: str | None
    sentence: tuple[int, int]
    span: tuple[int, int]  # the number
    market: str | None = None
    basis: str | None = None
    approximate: bool = False
    confidence: float = 0.8
    extractor: str = "kg.facts.v1"


class FactExtractor:
    def __init__(self, nlp: Language, name: str, ontology: str | None) -> None:
        self.name = name
        self.onto = onto = load_ontology(ontology)
        self.loss_words = tuple(sorted(onto.cues.get("loss", ()), key=len, reverse=True))
        self.metric_words = WordTable((w, m) for m, info in onto.metrics.items() for w in info.get("words", ()))
        self.growth_of = {b: m for m, info in onto.metrics.items() for b in info.get("base") or ()}
        self.cues = onto.cues
        self.series = onto.lexicon.get("series", ())
        self.pronouns = tuple(onto.lexicon.get("anaphor_org", ()))
        self.speech = {w.lower() for w in onto.lexicon.get("speech", ()) if w.isascii()}  # "said": who reports
        self.segments = tuple(onto.lexicon.get("segment", ()))
        self.source_cues = tuple(onto.lexicon.get("source_cue", ()))
        self.sources = tuple(onto.lexicon.get("source_marker", ()))
        self.respectively = tuple(onto.lexicon.get("respectively", ()))
        self.each = tuple(onto.lexicon.get("each", ()))
        # "星河的42%", "星河以12%": the words that glue a name to its figure; "在星河…": a name after
        # a preposition is not what a figure is about; "遠低於": a figure given for comparison
        self.glue = re.compile(r"\s*(" + "|".join(map(re.escape, sorted(onto.lexicon.get("figure_glue", ()), key=len, reverse=True))) + r")?\s*")
        self.preposition = word_regex(onto.lexicon.get("figure_preposition", ()))
        self.comparison = word_regex(onto.lexicon.get("comparison", ()))
        self.same_period = tuple(onto.lexicon.get("same_period", ()))
        self.other_measures = tuple(onto.lexicon.get("other_measure", ()))
        self.unit_sales = tuple(onto.lexicon.get("unit_sales_word", ()))
        self.forecasts = tuple(onto.lexicon.get("forecast", ()))
        self.cumulative = tuple(onto.lexicon.get("cumulative", ()))
        # a name followed by a possession word (旗下, 母企 …), a bracketed code between at most
        owned = "|".join(sorted({re.escape(w) for f in onto.frames_of("possession") for w in f.words if not w.isascii()},
                                key=len, reverse=True)) or "(?!)"
        self.owner_of = re.compile(r"\s*(?:[(（][^)）]{1,12}[)）])?\s*(?:" + owned + ")")
        self.money_words = tuple(w for w, m in self.metric_words.items() if onto.metrics[m]["kind"] == "money")
        self.adjusted = tuple(onto.lexicon.get("adjusted_qualifier", ()))
        self.standards = tuple(onto.lexicon.get("accounting_standard", ()))  # 會計準則: adjusted after 非
        self.non = tuple(onto.lexicon.get("non_prefix", ()))
        self.market_nouns = tuple(onto.lexicon.get("market_noun", ()))
        self.market_scope = tuple(onto.lexicon.get("market_scope", ()))
        self.topic_markers = tuple(onto.lexicon.get("topic_marker", ()))
        self.invest_verbs = tuple(w for w in onto.lexicon.get("invest_verb", ()) if w.isascii())
        self.round_words = tuple(w for f in onto.frames_of("round") for w in f.words)
        if not Doc.has_extension("kg_facts"):
            Doc.set_extension("kg_facts", default=None)

    def _later_topic(self, text: str, orgs: list[Arg], ss: int, q: Quantity) -> Arg | None:
        """Before the text has named any organisation: the first one it names after the figure, unless the
        figure's clause speaks of a whole market (``全球出貨量``, ``industry sales``: a market's total)."""
        if find_words(text, self.market_scope, _clause_start(text, ss, q.start), q.start):
            return None
        i = bisect_left(orgs, q.end, key=lambda a: a.start)  # orgs are sorted by start
        return orgs[i] if i < len(orgs) else None

    def _glued(self, text, args, q: Quantity) -> Arg | None:
        """An entity right before the number ("亞馬遜AWS的42.1%", "Bluefield with a 22% share") is its subject."""
        glued = [a for a in args if a.end <= q.start and self.glue.fullmatch(text[a.end:q.start])
                 and a.label in ("ORG", "PRODUCT")]
        return glued[-1] if glued else None

    def _subject(self, text, args, ss, q: Quantity, anchor: int, prev_topic: Arg | None,
                 money: bool = False) -> Arg | None:
        """The entity a figure is about. ``money``: a company's figure (revenue, profit), so an
        organisation of the sentence is preferred to a product named nearer the number."""
        cands = [a for a in args if ss <= a.start and a.end <= anchor and a.label in ("ORG", "PRODUCT")
                 and not self._is_source(text, a) and not self._after_preposition(text, a, ss)
                 and not _bracketed(text, a, args)
                 and not self._names_market(text, a)
                 and not self._invests(text, a)]
        # "星河Robotaxi業務營收": a business line's figure is the company's (the guide), when the sentence names it
        lines = [a for a in cands if any(text.startswith(w, a.end) for w in self.segments)]
        if lines and len(lines) < len(cands):
            cands = [a for a in cands if a not in lines]
        # (a name glued to the figure was tried before: __call__ asks _glued first)
        # "去年交付225萬輛的汽車製造商星河": the figure describes the organisation its clause leads to
        described = [a for a in args if a.start > q.end and a.label == "ORG"
                     and _RELATIVE.fullmatch(text, q.end, a.start)]
        if described:
            return described[0]
        if money and any(a.label == "ORG" for a in cands):
            cands = [a for a in cands if a.label == "ORG"]
        if cands:
            # a pronoun after the last name ("…阿里雲…，其經調整EBITA") points back to the sentence topic
            return cands[0] if find_words(text, self.pronouns, cands[-1].end, anchor) else cands[-1]
        return prev_topic

    def _grammatical_subject(self, doc: Doc, args, q: Quantity) -> Arg | None:
        """English: the organisation or product that is the grammatical subject of the verb a figure
        depends on (``Pegatron, an assembler of Apple's phones, reported a 12% decline``: Pegatron),
        or the possessor of that subject (``TSMC's revenue came in at``); a pronoun subject
        (``told Reuters it had raised``) passes to the verb above, a relative one (``X, which sold``) to
        the noun its clause describes, a reported clause (``net income was …, X said``) to the one who
        reports it. None without a parse or a match."""
        if not doc.has_annotation("DEP"):
            return None
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None:
            return None
        named = [a for a in args if a.label in ("ORG", "PRODUCT")]
        for verb in [span.root, *span.root.ancestors]:
            if verb.pos_ not in ("VERB", "AUX"):
                continue
            for subj in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
                heads = [subj] + [c for c in subj.children if c.dep_ in ("poss", "compound", "appos")]
                for t in heads:
                    hit = next((a for a in named if a.start <= t.idx < a.end), None)
                    if hit is not None:
                        return hit
                if subj.pos_ != "PRON":
                    if verb.dep_ in ("ccomp", "parataxis") and verb.head.lower_ in self.speech:
                        break  # "net income was $82.8 million, Bluefield said": the one who reports it
                    return None
                if verb.dep_ == "relcl":  # "Volkswagen, which sold …": the noun the clause describes
                    hit = next((a for a in named if a.start <= verb.head.idx < a.end), None)
                    if hit is not None:
                        return hit
        return None

    def _parallel(self, text: str, args, q: Quantity, ss: int, metric: tuple[str, int]) -> tuple[str, int] | None:
        """``星河的銷量為93萬輛，極光僅有4萬輛``: a clause that names another company or product and gives a
        figure of the same kind, with no metric word of its own, carries the metric of the clause before."""
        name, at = metric
        if self.onto.metrics[name]["kind"] != q.kind:
            return None
        start = _clause_start(text, ss, q.start)
        if start <= at:
            return None  # the metric word stands in this very clause
        own = [a for a in args if start <= a.start and a.end <= q.start and a.label in ("ORG", "PRODUCT")]
        return (name, q.start) if own else None

    def _counted_sales(self, text: str, anchor: int, q: Quantity, quantities: list[Quantity], i: int) -> bool:
        """The metric word at ``anchor`` is a sales word (``unit_sales_word``) and the figure is a count,
        or a percentage its clause carries on to a count (``rose 1.4 percent to 4.80 million vehicles``)."""
        if "salesVolume" not in self.onto.metrics or not any(text.startswith(w, anchor) for w in self.unit_sales):
            return False
        if q.kind == "count":
            return True
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        return q.kind == "percent" and nxt is not None and nxt.kind == "count" and nxt.start - q.end <= 12 \
            and not _CLAUSE.search(text, q.end, nxt.start)

    def _bare_money(self, text: str, ss: int, q: Quantity, currency: str) -> Quantity | None:
        """``淨收入10462億``: a number with a Chinese magnitude right after a money metric word (a copula or
        an approximation between at most) is an amount in the currency the text last named."""
        if not _CJK_MAGNITUDE.search(text, q.start, q.end):
            return None
        head = _COPULA_TAIL.sub("", text[max(ss, q.start - 16):q.start])
        return Quantity(q.start, q.end, q.value, "money", currency) if head.endswith(self.money_words) else None

    def _cumulative(self, text: str, ss: int, se: int, q: Quantity) -> bool:
        """A total over the years (``累計``, ``to date``; ``cumulative`` in ``ontology/lexicon.tsv``) in the
        figure's clause: no figure of a period."""
        end = _CLAUSE.search(text, q.end, se)
        return bool(self.cumulative) and bool(find_words(text, self.cumulative, _clause_start(text, ss, q.start),
                                                         end.start() if end else se))

    def _forecast(self, text: str, ss: int, q: Quantity) -> bool:
        """A forecast word (``forecast`` in ``ontology/lexicon.tsv``) in the figure's clause, before it."""
        return bool(self.forecasts) and bool(find_words(text, self.forecasts, _clause_start(text, ss, q.start), q.start))

    def _measure_after(self, text: str, q: Quantity, se: int) -> bool:
        """An ``other_measure`` word right after an amount, in its clause (``$61.5 billion post-money
        valuation``, ``30億美元估值``)."""
        found = find_words(text, self.other_measures, q.end, min(se, q.end + 24))
        if not found or found[0][0] - q.end > 14 or _CLAUSE.search(text, q.end, found[0][0]):
            return False
        # "raised $6.6bn in a round valuing the company at …": a preposition between opens another phrase
        return self.preposition is None or not self.preposition.search(text, q.end, found[0][0])

    def _trailing_change(self, text: str, q: Quantity, se: int) -> str:
        """The English change words right after a percentage (``12.3 percent year-on-year decline``,
        ``38.8% year on year``), up to the last of them; "" when there are none."""
        if q.kind != "percent" or _CJK.search(text, q.end, min(se, q.end + 3)):
            return ""
        window = text[q.end:min(se, q.end + 32)]
        window = re.split(r"[,;:(]", window)[0]
        found = [m for k in ("growth", "decline", "yoy", "qoq") for m in find_words(window, self.cues[k])
                 if not _CJK.search(m[2])]
        if not found or min(m[0] for m in found) > 12:
            return ""
        return window[:max(m[1] for m in found)]

    def _invested_in(self, text: str, args, ss: int, q: Quantity) -> Arg | None:
        """``X invested $1.61 billion in Y``: an amount an invest verb (``invest_verb``) puts "in" a named
        organisation is what that organisation raised (the guide); the organisation, else None."""
        if q.kind != "money" or "fundingRaised" not in self.onto.metrics or not self.invest_verbs:
            return None
        if not find_words(text, self.invest_verbs, max(_clause_start(text, ss, q.start), q.start - 24), q.start):
            return None
        into = re.match(r"\s*(?:in|into)\s+(?:the\s+)?", text[q.end:q.end + 12])
        if not into:
            return None
        return next((a for a in args if a.start == q.end + into.end() and a.label == "ORG"), None)

    def _change_then_metric(self, text: str, ss: int, q: Quantity) -> tuple[tuple[str, int] | None, str]:
        """English: a change word just before a percentage (``an increase of 32 percent``) and a metric word
        in the in-phrase after it (``in revenues``): (metric, its start), and the change words; else (None, "")."""
        if q.kind != "percent" or _CJK.search(text, max(ss, q.start - 3), q.start):
            return None, ""
        head = text[max(ss, q.start - 24):q.start]
        cues = [m for k in ("growth", "decline") for m in find_words(head, self.cues[k]) if not _CJK.search(m[2])]
        if not cues or len(head) - max(m[1] for m in cues) > 6:
            return None, ""
        found = self._in_phrase_metric(text, q, ("money", "count"))
        return (found, head[min(m[0] for m in cues):]) if found else (None, "")

    def _in_phrase_metric(self, text: str, q: Quantity, kinds: tuple[str, ...]) -> tuple[str, int] | None:
        """English: a metric word of one of ``kinds`` in the in-phrase right after a figure, at most two
        words in (``$44m in sales``, ``32 percent in third quarter net profit``): (metric, its start)."""
        tail = _IN_METRIC.match(text, q.end, min(len(text), q.end + 40))
        if not tail:
            return None
        words = [tail.start(1) + m.end() for m in re.finditer(r"[A-Za-z0-9-]+\s+", tail.group(1))]
        for k in [tail.start(1)] + words[:2]:
            for w, m in self.metric_words.items():
                if self.onto.metrics[m]["kind"] in kinds and re.match(rf"{re.escape(w)}\b", text[k:k + len(w) + 1]):
                    return m, k
        return None

    def _after_preposition(self, text: str, a: Arg, ss: int) -> bool:
        before = text[max(ss, a.start - 3):a.start]
        if before.rstrip().endswith(self.topic_markers):
            return False  # "至於星河…": what the clause is about, not a place or a party
        return self.preposition is not None and any(m.end() == len(before) for m in self.preposition.finditer(before))

    def _invests(self, text: str, a: Arg) -> bool:
        """``由天穹資本領投的7500萬美元融資``: an investor named with its round word raised nothing."""
        return any(text.startswith(w, k) for w in self.round_words for k in (a.end, a.end + 1))

    def _names_market(self, text: str, a: Arg) -> bool:
        """``在全球手機極光市場拿下20%``: a name that qualifies a market is not what the figure is about
        (but ``星河的市場份額`` is: there the market word begins a metric word)."""
        k = a.end + (1 if text[a.end:a.end + 1] == " " else 0)
        return any(text.startswith(w, k) for w in self.market_nouns) and \
            not any(text.startswith(w, k) for w in self.metric_words)

    def _is_source(self, text: str, a: Arg) -> bool:
        """``Canalys數據顯示``, ``根據IDC``: who reports a figure is not its subject."""
        return any(text.startswith(c, a.end) for c in self.source_cues) or \
            any(text.endswith(m, 0, a.start) for m in self.sources)

    def _metric_for(self, text, ss, q: Quantity, wide: bool = False) -> tuple[str, int] | None:
        after = _AFTER.match(text, q.end, min(len(text), q.end + 30))
        if after and q.kind == "percent" and not q.times:
            tail = text[after.end():after.end() + 24]  # room for an English metric ("market share")
            for w, m in self.metric_words.items():
                if self.onto.metrics[m]["kind"] == "ratio" and (tail.startswith(w) or re.match(
                        rf"[^\s，,。；;、的]{{1,4}}{re.escape(w)}", tail)):
                    return m, q.end
        if q.kind in ("money", "count") and text.startswith("的", q.end):  # "以120萬台的出貨量"
            for w, m in self.metric_words.items():
                if self.onto.metrics[m]["kind"] == q.kind and text.startswith(w, q.end + 1):
                    return m, q.end
        if q.kind == "money":  # "generated $44m in sales", "USD 198.9 billion in preliminary revenue"
            found_in = self._in_phrase_metric(text, q, ("money",))
            if found_in:
                return found_in
        lo = max(ss, q.start - MAX_METRIC_GAP)
        if not wide:  # the metric word of a number stands in its own clause
            cut = [m.end() for m in _CLAUSE.finditer(text, lo, q.start) if not (text[m.start() - 1:m.start()].isdigit() and text[m.end():m.end() + 1].isdigit())]
            lo = cut[-1] if cut else lo
        found = find_words(text, tuple(self.metric_words), lo, q.start)
        if not found and q.kind == "money":
            # "完成3億元B輪融資": the metric word right after the amount
            tail = re.match(r"(?:的|[(（][^()（）]{0,24}[)）]|新一[轮輪]|(?:Pre-)?[A-E]\+?[轮輪]|战略|戰略|股权|股權|首[轮輪]|[天种種]子[轮輪]|人民币|人民幣|\s)*",
                            text[q.end:q.end + 14])
            k = q.end + (tail.end() if tail else 0)
            for w, m in self.metric_words.items():
                if text.startswith(w, k) and self.onto.metrics[m]["kind"] == "money":
                    return m, k
            # "a $30 million seed round", "Grab's US$2.5b Series G round": an English round after the amount
            rnd = _EN_ROUND.match(text, q.end, min(len(text), q.end + 40))
            if rnd and "fundingRaised" in self.onto.metrics:
                return "fundingRaised", rnd.start(1)
        if not found and not wide and lo > ss:
            # "營收2476億元，同比微增2%": a clause of growth words continues the metric before it
            head = text[lo:q.start]
            if any(find_words(head, self.cues[k]) for k in ("yoy", "qoq", "growth", "decline")):
                return self._metric_for(text, ss, q, wide=True)
        if not found:
            return None
        s, e, w = found[-1]
        if text.startswith("率", e) and self.onto.metrics[self.metric_words[w]]["kind"] != "ratio":
            return None  # "淨利潤率": a margin that is none of the metrics
        # "EBITDA為1,408億元", "每股盈利0.52元": a measure that is none of the metrics stands closer
        for os_, oe, _ in find_words(text, self.other_measures, lo, q.start):
            if os_ >= s or oe >= e or (s - oe <= 3 and not _CLAUSE.search(text, oe, s)):
                return None
        metric = self.metric_words[w]
        # "經調整淨利", "按非…會計準則計的淨利": a profit qualified as adjusted, or by a standard it is not
        # reported under, is the adjusted one
        if metric == "netProfit" and "adjustedProfit" in self.onto.metrics and self._qualified(text, max(lo, s - 30), s):
            metric = "adjustedProfit"
        return metric, s

    def _qualified(self, text: str, start: int, end: int) -> bool:
        if find_words(text, self.adjusted, start, end):
            return True
        return any(any(text.startswith(n, k) for n in self.non for k in range(max(start, a - 8), a))
                   for a, _, _ in find_words(text, self.standards, start, end))

    def _kind_ok(self, metric: str, q: Quantity, between: str) -> tuple[str, float] | None:
        """The metric and signed value a quantity gives, or None."""
        kind = self.onto.metrics[metric]["kind"]
        grows = find_words(between, self.cues["growth"])
        falls = find_words(between, self.cues["decline"])
        yoy = find_words(between, self.cues["yoy"]) or find_words(between, self.cues["qoq"])
        ends = len(between.rstrip())
        level = any(e == ends for _, e, _ in find_words(between, self.cues["level"]))  # "增至", "rose to"
        if q.kind == "percent":
            if q.times and not (kind in ("money", "count") and (grows or yoy) and metric in self.growth_of):
                return None
            if kind == "ratio":
                return (metric, q.value) if not (grows or falls) or level else None
            if kind in ("money", "count") and (grows or falls or yoy) and metric in self.growth_of:
                sign = -1 if falls and not level and (not grows or falls[-1][0] > grows[-1][0]) else 1
                return self.growth_of[metric], sign * q.value
            return None
        if q.kind == "money" and kind == "money":
            return metric, q.value
        if q.kind == "count" and kind == "count":
            return metric, q.value
        return None

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        args = doc_args(doc, self.onto)
        doc_year = int(doc.user_data["kg_date"][:4]) if doc.user_data.get("kg_date") else None
        out: list[FoundFact] = []
        prev_topic: Arg | None = None
        last_currency = "CNY"  # the currency the text last named: an amount written without one is in it
        last_period: str | None = None
        last_dated: Period | None = None  # the dated period the text last named: a quarter without a year is of its year
        last_part: str | None = None  # the part of a year the text last named ("2024年同期": that part of 2024)
        args = sorted(args, key=lambda a: a.start)
        starts = [a.start for a in args]
        # "Revenue reached … . The company delivered …, setting X on track": before any organisation is
        # named, a figure without a subject of its own is of the first one a later sentence names (one
        # named later in the figure's own sentence is more often a share of the market it totals)
        orgs = [a for a in args if a.label == "ORG" and not self._is_source(text, a) and not self._invests(text, a)]
        for ss, se in sentence_spans(text):
            # the names of this sentence (by bisection: each sentence costs its own length, not the text's)
            sargs = [a for a in args[bisect_left(starts, ss):bisect_left(starts, se)] if a.end <= se]
            quantities = find_quantities(text, self.onto.currencies, self.onto.count_units, ss, se)
            periods = find_periods(text, ss, se)
            in_list = self._lists(text, quantities)
            series, runs = self._series(text, ss, quantities, periods)
            owners = self._respectively(text, sargs, quantities, ss, se)
            shared = self._each(text, sargs, quantities, ss, se)
            listed = self._metric_list(text, quantities, ss, se)
            series_metric, series_run = None, None
            sentence_metric = None
            for i, q in enumerate(quantities):
                if q.kind == "number":
                    q = self._bare_money(text, ss, q, last_currency)
                    if q is None:
                        continue
                    quantities[i] = q
                elif q.kind == "money":
                    last_currency = q.unit
                glued = any(self.glue.fullmatch(text[a.end:q.start]) for a in sargs if a.end <= q.start)
                mk = self._metric_for(text, ss, q, wide=glued or i in owners or i in series)
                trailing = self._trailing_change(text, q, se)
                if trailing and (mk is None or mk[1] < q.start - MAX_METRIC_GAP // 2):
                    # "an 11.4% increase in revenue": English names the change, then the metric, after the figure
                    after = find_words(text, tuple(self.metric_words), q.end, q.end + len(trailing) + 32)
                    mk = (self.metric_words[after[0][2]], after[0][0]) if after else \
                        (mk or self._metric_for(text, ss, q, wide=True) or sentence_metric)
                if mk is None and not trailing:
                    # "an increase of 32 percent in revenues": the change before the figure, the metric after "in"
                    mk, trailing = self._change_then_metric(text, ss, q)
                receiver = self._invested_in(text, sargs, ss, q)
                if receiver is not None:
                    mk = ("fundingRaised", q.start)  # "Stellantis invested $1.61 billion in Leapmotor": what Leapmotor raised
                if i in listed:  # "營收、EBITDA與稅後純益分別為A、B與C": the metric at the value's place
                    if listed[i] is None:
                        continue
                    mk = listed[i]
                if i in series and runs[i] != series_run:  # a new list: its own metric word
                    series_metric, series_run = None, runs[i]
                if i in series and series_metric is not None:
                    mk = series_metric
                if mk is None and sentence_metric is not None:
                    mk = self._parallel(text, sargs, q, ss, sentence_metric)
                if mk is None:
                    continue
                if i in series and series_metric is None:
                    series_metric = mk
                sentence_metric = mk  # "revenue of …, an 11.4% increase … and up 16.3%": one metric, several changes
                metric, anchor = mk
                if q.kind == "money" and self._measure_after(text, q, se):
                    continue  # "at a $45bn valuation": the amount is of a measure that is none of the metrics
                if self._forecast(text, ss, q):
                    continue  # "預計全年營收…", "expects revenue of …": a forecast, not a reported figure
                if self._cumulative(text, ss, se, q):
                    continue  # "累計營收超過5億元", "has raised $90 million to date": a running total
                if not glued and self.comparison is not None and self.comparison.search(text, anchor, max(anchor, q.start)):
                    continue  # a figure given for comparison, of no named entity
                if self._counted_sales(text, anchor, q, quantities, i):
                    # "sales rose 1.4 percent to 4.80 million vehicles": sales counted in units, not money
                    metric = "salesVolume"
                between = (text[anchor:q.start] if anchor < q.start else "") + (" " + trailing if trailing else "")
                got = self._kind_ok(metric, q, between)
                if got is None:
                    continue
                metric, value = got
                if anchor < q.start and value > 0 and self.onto.metrics[metric]["kind"] == "money" and \
                        any(text.startswith(w, anchor) for w in self.loss_words):
                    value = -value  # "淨虧損1.5億元": a loss is a negative profit
                subject = receiver or owners.get(i) or self._glued(text, sargs, q) or self._grammatical_subject(doc, sargs, q) or \
                    self._subject(text, sargs, ss, q, min(anchor, q.start), prev_topic or self._later_topic(text, orgs, ss, q),
                                  money=self.onto.metrics[metric]["kind"] == "money")
                if subject is None:
                    continue
                if i in series:
                    period = series[i]
                elif i in in_list and i not in owners and i not in listed:
                    continue
                else:
                    period = self._period(text, periods, q, last_dated, doc_year, last_part)
                    if period == "":
                        continue
                    if period is None and not any(p.end <= q.start for p in periods):
                        period = last_period  # "期內…": the period the text has been speaking of
                approx = bool(re.search("(" + "|".join(map(re.escape, self.cues["approximate"])) + r")\s*$",
                                        text[max(ss, q.start - 3):q.start])) or q.low is not None
                market = None
                mm = re.search(r"([^\s，,。的在]{2,14}市场)", text[subject.end:max(subject.end, min(anchor, q.start) + 4)])
                if mm:
                    market = mm.group(1)
                basis = "QoQ" if find_words(between, self.cues["qoq"]) else ("YoY" if find_words(between, self.cues["yoy"]) else None)
                for who in shared.get(i, [subject]):
                    out.append(FoundFact(who, metric, value, q.unit, period, (ss, se), (q.start, q.end), market,
                                         basis, approx))
            # the sentence's first organisation is its topic, unless it is named as another's owner or unit
            # ("阿里巴巴旗下阿里健康公佈…", "HKTVmall母企X公佈…": the one after the possession word)
            firsts = [a for a in sargs if a.label == "ORG" and not self._is_source(text, a)
                      and not self.owner_of.match(text, a.end, a.end + 20)]
            if firsts:
                prev_topic = firsts[0]
            # the period the text reports on (not a "2024年同期" it compares with)
            dated = [p for p in _resolved(periods, last_dated) if p.year is not None
                     and not any(text.startswith(w, p.end) for w in self.same_period)]
            if dated:
                last_period, last_dated = dated[-1].label, dated[-1]
            parted = [p for p in periods if p.part not in ("", "FY")]
            if parted:
                last_part = parted[-1].part
        doc._.kg_facts = out
        return doc

    def _respectively(self, text, args, quantities, ss: int, se: int) -> dict[int, Arg]:
        """``星河、極光和天穹分別以21%、17%和9%``: pair a list of names with a list of values (of the
        sentence ``ss:se``; ``args`` are its names)."""
        out: dict[int, Arg] = {}
        for s, e, _ in find_words(text, self.respectively, ss, se):
            run = _value_run(text, quantities, e)
            group = _name_list(text, args, s)
            if run and len(group) == len(run) and (not group or s - group[-1].end <= 2):
                out.update(zip(run, group))
        # "星河和極光的市值為12億美元和9億美元": as many names as values, in one clause, without 分別
        for i in range(len(quantities) - 1):
            run = [i]
            while run[-1] + 1 < len(quantities) and re.fullmatch(
                    r"\s*[、和及与與]\s*", text[quantities[run[-1]].end:quantities[run[-1] + 1].start]):
                run.append(run[-1] + 1)
            if len(run) < 2 or any(j in out for j in run) or (i > 0 and i - 1 in run):
                continue
            q0 = quantities[i]
            group = _name_list(text, [a for a in args if a.end <= q0.start], q0.start)
            if len(group) == len(run) and not _CLAUSE.search(text, group[0].start, q0.start) and \
                    not any(q.start < q0.start and q.start > group[-1].end for q in quantities):
                out.update(zip(run, group))
        return out

    def _metric_list(self, text, quantities, ss: int, se: int) -> dict[int, tuple[str, int] | None]:
        """``營收、EBITDA與稅後純益分別為A、B與C``: a list of metric words before 分別 and as many values
        after it; each value takes the metric at its place (None where the word is another measure)."""
        out: dict[int, tuple[str, int] | None] = {}
        for s, e, _ in find_words(text, self.series + self.respectively, ss, se):
            run = _value_run(text, quantities, e)
            cut = [m.end() for m in _CLAUSE.finditer(text, ss, s)]
            lo = cut[-1] if cut else ss
            words = sorted([(a, b, self.metric_words[w]) for a, b, w in find_words(text, tuple(self.metric_words), lo, s)]
                           + [(a, b, None) for a, b, _ in find_words(text, self.other_measures, lo, s)])
            items = []
            for a, b, m in words:  # an other measure that overlaps a metric word is that measure
                if items and a < items[-1][1]:
                    if m is None:
                        items[-1] = (items[-1][0], b, None)
                    continue
                items.append((a, b, m))
            if len(run) >= 2 and len(items) == len(run):
                out.update((i, (m, a) if m is not None else None) for i, (a, b, m) in zip(run, items))
        return out

    def _each(self, text, args, quantities, ss: int, se: int) -> dict[int, list[Arg]]:
        """``星河和極光各佔14%``: one value said of each name of a list (of the sentence ``ss:se``)."""
        out: dict[int, list[Arg]] = {}
        for s, e, _ in find_words(text, self.each, ss, se):
            after = [i for i, q in enumerate(quantities) if q.start >= e and q.start - e <= 4]
            group = _name_list(text, args, s)
            if after and len(group) >= 2 and s - group[-1].end <= 2:
                out[after[0]] = group
        return out

    @staticmethod
    def _lists(text: str, quantities: list[Quantity]) -> set[int]:
        """Indexes of quantities in a 、-separated list of two or more."""
        out = set()
        for i in range(len(quantities) - 1):
            if re.fullmatch(r"\s*[、,，]\s*", text[quantities[i].end:quantities[i + 1].start]):
                out |= {i, i + 1}
        return out

    def _series(self, text, ss, quantities, periods) -> tuple[dict[int, str], dict[int, int]]:
        """依次/分別: spread a list of values over a period range. Returns the period of each value
        and the list (its cue's offset) it belongs to."""
        out: dict[int, str] = {}
        runs: dict[int, int] = {}
        for s, e, _ in find_words(text, self.series, ss, quantities[-1].start if quantities else ss):
            vals = [i for i, q in enumerate(quantities) if q.start >= e]
            run = [vals[0]] if vals else []
            for i in vals[1:]:
                if re.fullmatch(r"\s*[、,，和及]\s*", text[quantities[run[-1]].end:quantities[i].start]):
                    run.append(i)
                else:
                    break
            labels = _period_chain(text, [p for p in periods if p.end <= s])
            if len(labels) >= 2 and len(labels) == len(run):
                out.update(zip(run, labels))
                runs.update((i, s) for i in run)
        return out, runs

    def _period(self, text: str, periods: list[Period], q: Quantity, last_dated: Period | None = None,
                doc_year: int | None = None, last_part: str | None = None) -> str | None:
        """The period a quantity belongs to; "" when it is ambiguous (a range). A quarter without a year
        is of the year of the sentence, else of ``last_dated`` (the period the text last named, a fiscal
        year making it fiscal), else of ``doc_year``; ``last_part`` is the part of a year that
        "2024年同期" means."""
        before = [p for p in periods if p.end <= q.start]
        if not before:
            # English puts the period after the figure ("$35.1 billion in the third quarter of 2025")
            after = [p for p in periods if p.start >= q.end and len(text[q.end:p.start]) <= 40
                     and not _CJK.search(text[q.end:p.start])]
            if not after:
                return None
            before = after[:1]
        p = before[-1]
        if len(before) >= 2 and before[-2].end <= p.start and re.fullmatch(r"\s*[至到~-]\s*", text[before[-2].end:p.start]):
            return ""  # a range of periods with a single value
        if p.part == "" and p.year is not None and any(text.startswith(w, p.end) for w in self.same_period):
            parts = [b.part for b in periods if b.part not in ("", "FY")] or ([last_part] if last_part else [])
            return f"{p.year}-{parts[0]}" if parts else p.label
        if p.year is None:
            years = [b for b in before if b.year is not None] or ([last_dated] if last_dated else [])
            year = years[-1].year if years else doc_year
            if year is None:
                return p.label
            fiscal = "FY" if years and years[-1].label.startswith("FY") else ""
            return f"{fiscal}{year}-{p.part}" if p.part not in ("", "FY") else f"{fiscal}{year}"
        return p.label


@Language.factory("kg_facts", default_config={"ontology": None}, requires=["doc.ents"], assigns=["doc._.kg_facts"])
def make_facts(nlp: Language, name: str, ontology: str | None) -> FactExtractor:
    return FactExtractor(nlp, name, ontology)
