"""Run the NLP stage over documents and turn its output into plain records.

``extract_documents`` is the entry: documents in, one
:class:`~kg.records.Extraction` per document out, with mentions, relations and
facts whose offsets point into the original text.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .normalise import normalise
from .records import Document, Evidence, Extraction, Fact, Mention, Relation

__all__ = ["extract_documents", "Pipelines", "to_jsonl_records", "write_jsonl"]


class Pipelines:
    """One spaCy pipeline per language, built on first use."""

    def __init__(self, *, ner: str | Path | None = "default", ontology: str | None = None,
                 calibrate: bool = True, pairs: str | Path | None = "default", pairs_mode: str = "add",
                 nameness: str | Path | None = "default") -> None:
        self.ner, self.ontology, self.calibrate = ner, ontology, calibrate
        self.pairs, self.pairs_mode, self.nameness = pairs, pairs_mode, nameness
        self._built: dict[str, Any] = {}

    def __getitem__(self, lang: str):
        if lang not in self._built:
            from .nlp import make_nlp

            self._built[lang] = make_nlp(lang, ner=self.ner, ontology=self.ontology, calibrate=self.calibrate,
                                         pairs=self.pairs, pairs_mode=self.pairs_mode, nameness=self.nameness)
        return self._built[lang]


def _mention(doc: Document, arg, source: str = "") -> Mention:
    return Mention(text=doc.text[arg.start:arg.end], start=arg.start, end=arg.end, label=arg.label,
                   source=source, kb_id=arg.kb_id)


def _evidence(doc: Document, sentence: tuple[int, int]) -> Evidence:
    s, e = sentence
    return Evidence(text=doc.text[s:e], start=s, end=e, sentence_start=s)


def extract_document(doc: Document, pipelines: Pipelines) -> Extraction:
    """Extract mentions, relations and facts from one document."""
    doc = normalise(doc) if not doc.analysis else doc
    nlp = pipelines[doc.lang]
    sdoc = nlp.make_doc(doc.analysis)
    if doc.date:
        sdoc.user_data["kg_date"] = doc.date
    for _, proc in nlp.pipeline:
        sdoc = proc(sdoc)
    out = Extraction(document=doc)
    for ent in sdoc.ents:
        out.mentions.append(Mention(text=doc.text[ent.start_char:ent.end_char], start=ent.start_char,
                                    end=ent.end_char, label=ent.label_, kb_id=ent.kb_id_,
                                    source="catalogue" if ent.kb_id_ else "model-or-rules"))
    for r in sdoc._.kg_relations or []:
        out.relations.append(Relation(doc=doc.id, subject=_mention(doc, r.subject), predicate=r.predicate,
                                      object=_mention(doc, r.object), confidence=r.confidence,
                                      evidence=_evidence(doc, r.sentence), extractor=r.extractor,
                                      qualifiers=r.qualifiers))
    for f in sdoc._.kg_facts or []:
        out.facts.append(Fact(doc=doc.id, subject=_mention(doc, f.subject), metric=f.metric,
                              value=float(f"{f.value:.12g}"), unit=f.unit, evidence=_evidence(doc, f.sentence),
                              extractor=f.extractor, period=f.period, market=f.market, basis=f.basis,
                              approximate=f.approximate, confidence=f.confidence))
    return out


def extract_documents(documents: Iterable[Document], *, pipelines: Pipelines | None = None,
                      link: bool = True) -> Iterator[Extraction]:
    """Yield one :class:`Extraction` per document, linked to entity IRIs unless ``link=False``."""
    from .link import Linker

    pipelines = pipelines or Pipelines()
    linker = Linker(ontology=pipelines.ontology) if link else None
    for doc in documents:
        ex = extract_document(doc, pipelines)
        yield linker.link(ex) if linker else ex


def _arg_record(ex: Extraction, m: Mention) -> dict:
    ent = ex.entity_of(m)
    rec = {"label": ent.label if ent else m.text, "text": m.text, "type": ent.cls if ent else m.label}
    if ent:
        rec["iri"] = ent.iri
        rec["aliases"] = sorted(set(ent.aliases) - {ent.label})
    return rec


def to_jsonl_records(ex: Extraction) -> Iterator[dict]:
    """The records ``kg extract --format jsonl`` writes (the scorer's format)."""
    doc = ex.document.id
    for m in ex.mentions:
        ent = ex.entity_of(m)
        yield {"doc": doc, "mention": {"text": m.text, "type": m.label, "start": m.start, "end": m.end,
                                       "iri": ent.iri if ent else None}}
    for r in ex.relations:
        rec = {"doc": doc, "subject": _arg_record(ex, r.subject), "predicate": r.predicate,
               "object": _arg_record(ex, r.object), "confidence": r.confidence,
               "evidence": {"text": r.evidence.text, "start": r.evidence.start, "end": r.evidence.end},
               "extractor": r.extractor}
        if r.qualifiers:
            rec["qualifiers"] = dict(r.qualifiers)
        yield rec
    for f in ex.facts:
        rec = {"doc": doc, "subject": _arg_record(ex, f.subject), "metric": f.metric, "value": f.value,
               "unit": f.unit, "period": f.period, "confidence": f.confidence,
               "evidence": {"text": f.evidence.text, "start": f.evidence.start, "end": f.evidence.end},
               "extractor": f.extractor}
        for key in ("market", "basis"):
            if getattr(f, key):
                rec[key] = getattr(f, key)
        if f.approximate:
            rec["approximate"] = True
        yield rec


def write_jsonl(extractions: Iterable[Extraction], fh) -> int:
    """Write every record of every extraction as one JSON line; return the count."""
    n = 0
    for ex in extractions:
        for rec in to_jsonl_records(ex):
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n
