#!/usr/bin/env python3
"""Check annotated news snippets and write the eval/news split layout.

    python eval/news/build.py check FILE.jsonl...   check batches of annotated snippets
    python eval/news/build.py add FILE.jsonl...     append checked batches to eval/news/snippets.jsonl
                                                    (new ids, duplicates and over-quota sites left out)
    python eval/news/build.py add --split train B...   the same, every record into train (none from a
                                                    site group already in dev or test)
    python eval/news/build.py split                 give a split to every site group that has none
    python eval/news/build.py build                 eval/news/snippets.jsonl -> split layout + counts
    python eval/news/build.py counts                print the counts the README shows
    python eval/news/build.py agree FIRST SECOND    relation, fact and entity F1 between two annotations
                                                    of the same snippets (FIRST taken as gold)

A snippet record (one JSON object a line):

    {"id": "hant-001", "script": "hant"|"hans"|"en", "site": "udn.com", "source": "https://...",
     "date": "2026-01-15"?, "split": "train"|"dev"|"test" (set by build),
     "text": "...verbatim...",
     "entities":  [{"text", "type"}],
     "relations": [{"subject", "subject_aliases"?, "predicate", "object", "object_aliases"?,
                    "qualifiers"?, "evidence"}],
     "facts":     [{"subject", "subject_aliases"?, "metric", "value", "unit", "period"?, "basis"?,
                    "market"?, "approx"?, "evidence"}]}

GUIDE.md says what to annotate; this script only checks that the records are well formed and that
every name and evidence occurs in the text.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
SNIPPETS = HERE / "snippets.jsonl"
SPLITS = ("train", "dev", "test")
SCRIPTS = ("hant", "hans", "en")
PREDICATES = {
    "executiveOf", "ceoOf", "chairmanOf", "presidentOf", "founderOf", "employeeOf", "subsidiaryOf",
    "acquired", "investedIn", "partnerOf", "competitorOf", "comparedTo", "outperforms", "suppliedBy",
    "developedBy", "manufacturedBy", "integrates", "headquarteredIn", "operatesIn",
}
METRICS = {
    "revenue", "netProfit", "adjustedProfit", "adjustedEBITA", "grossMargin", "marketShare", "marketCap",
    "salesVolume", "deliveries", "fundingRaised", "revenueGrowth", "netProfitGrowth",
    "adjustedProfitGrowth", "salesGrowth",
}
RATIO_METRICS = {"grossMargin", "marketShare", "revenueGrowth", "netProfitGrowth", "adjustedProfitGrowth",
                 "salesGrowth"}
COUNT_METRICS = {"salesVolume", "deliveries"}
CURRENCIES = {"CNY", "USD", "HKD", "TWD", "JPY", "EUR", "KRW", "GBP", "SGD", "INR", "SEK", "CHF", "AUD", "CAD"}
COUNT_UNITS = {"vehicles", "units"}
TYPES = {"Person", "Organization", "Product", "Place"}
PERIOD = re.compile(r"^(FY)?\d{4}(-(Q[1-4]|H[12]|9M|(0[1-9]|1[0-2])))?$")
BASES = {"QoQ", "MoM"}
SENTENCE_END = re.compile(r"[。！？!?]|\.(\s|$)")


def _fold(s: str) -> str:
    """Width, script, case and space folded, with kg's own Traditional-to-Simplified conversion."""
    import unicodedata

    from kg.ontology import to_simplified
    return re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", s)).casefold())


def occurs(name: str, text: str) -> bool:
    """A name occurs in a text when it does after width, script, case and space folding."""
    return bool(name) and _fold(name) in _fold(text)


def site_of(url: str) -> str:
    host = (urlparse(url).hostname or "").rstrip(".")  # "ctwant.com." is ctwant.com
    return host[4:] if host.startswith("www.") else host


def load(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise SystemExit(f"{path}:{n}: not JSON: {err}")
    return out


def check_record(rec: dict) -> list[str]:
    """The problems of one snippet record (empty when it is well formed)."""
    errs = []
    sid = rec.get("id", "?")
    text = rec.get("text", "")
    for key in ("id", "script", "source", "text"):
        if not rec.get(key):
            errs.append(f"{sid}: no {key}")
    if rec.get("script") not in SCRIPTS:
        errs.append(f"{sid}: script {rec.get('script')!r} is not one of {SCRIPTS}")
    if not 40 <= len(text) <= 400:
        errs.append(f"{sid}: text has {len(text)} characters (40-400)")
    if text != text.strip():
        errs.append(f"{sid}: text has leading or trailing space")
    if len(SENTENCE_END.findall(text)) > 6:
        errs.append(f"{sid}: text looks longer than 4 sentences")
    if not rec.get("relations") and not rec.get("facts"):
        errs.append(f"{sid}: states no relation and no figure")
    ents = rec.get("entities", [])
    seen = set()
    for e in ents:
        if e.get("type") not in TYPES:
            errs.append(f"{sid}: entity {e} has type {e.get('type')!r}")
        if not occurs(e.get("text", ""), text):
            errs.append(f"{sid}: entity {e.get('text')!r} is not in the text")
        key = (_fold(e.get("text", "")), e.get("type"))
        if key in seen:
            errs.append(f"{sid}: entity {e.get('text')!r} listed twice")
        seen.add(key)
    ent_names = {_fold(e.get("text", "")) for e in ents}

    def named(rec_, side):
        names = [rec_.get(side, "")] + list(rec_.get(side + "_aliases", []) or [])
        return names

    def arg_ok(r, side, what):
        names = named(r, side)
        if not any(occurs(n, text) for n in names):
            errs.append(f"{sid}: {what} {side} {r.get(side)!r} (or an alias) is not in the text")
        if not any(_fold(n) in ent_names for n in names):
            errs.append(f"{sid}: {what} {side} {r.get(side)!r} has no entity row")

    rel_keys = set()
    for r in rec.get("relations", []):
        if r.get("predicate") not in PREDICATES:
            errs.append(f"{sid}: predicate {r.get('predicate')!r} is not in the ontology")
        arg_ok(r, "subject", "relation")
        arg_ok(r, "object", "relation")
        if _fold(r.get("subject", "")) == _fold(r.get("object", "")):
            errs.append(f"{sid}: relation {r} relates a name to itself")
        if not r.get("evidence") or r["evidence"] not in text:
            errs.append(f"{sid}: evidence {r.get('evidence')!r} is not a substring of the text")
        key = (_fold(r.get("subject", "")), r.get("predicate"), _fold(r.get("object", "")))
        if key in rel_keys:
            errs.append(f"{sid}: relation {key} listed twice")
        rel_keys.add(key)
        q = r.get("qualifiers", {})
        if not isinstance(q, dict):
            errs.append(f"{sid}: qualifiers must be an object")
    for f in rec.get("facts", []):
        m = f.get("metric")
        if m not in METRICS:
            errs.append(f"{sid}: metric {m!r} is not in ontology/metrics.tsv")
        arg_ok(f, "subject", "fact")
        if not isinstance(f.get("value"), (int, float)) or isinstance(f.get("value"), bool):
            errs.append(f"{sid}: fact value {f.get('value')!r} is not a number")
        unit = f.get("unit")
        if m in RATIO_METRICS and unit != "ratio":
            errs.append(f"{sid}: {m} needs unit ratio, not {unit!r}")
        elif m in COUNT_METRICS and unit not in COUNT_UNITS:
            errs.append(f"{sid}: {m} needs a count unit {sorted(COUNT_UNITS)}, not {unit!r}")
        elif m not in RATIO_METRICS | COUNT_METRICS and m in METRICS and unit not in CURRENCIES:
            errs.append(f"{sid}: {m} needs a currency code, not {unit!r}")
        limit = 1 if m in ("grossMargin", "marketShare") else 50
        if m in RATIO_METRICS and isinstance(f.get("value"), (int, float)) and abs(f["value"]) > limit:
            errs.append(f"{sid}: ratio {f['value']} looks like a percentage, not a fraction")
        if m in ("revenue", "netProfit", "fundingRaised", "marketCap") and isinstance(f.get("value"), (int, float)) \
                and 0 < abs(f["value"]) < 1e5:
            errs.append(f"{sid}: {m} {f['value']} looks unscaled (base units: 億 = 1e8)")
        if "period" in f and not PERIOD.match(str(f["period"])):
            errs.append(f"{sid}: period {f['period']!r} is not YYYY, YYYY-Qn, YYYY-Hn, YYYY-9M or YYYY-MM")
        if f.get("basis") and f["basis"] not in BASES:
            errs.append(f"{sid}: basis {f['basis']!r} is not one of {sorted(BASES)}")
        if not f.get("evidence") or f["evidence"] not in text:
            errs.append(f"{sid}: fact evidence {f.get('evidence')!r} is not a substring of the text")
    return errs


def check(paths: list[Path]) -> int:
    recs, errs = [], []
    for p in paths:
        recs += load(p)
    ids = Counter(r.get("id") for r in recs)
    errs += [f"{i}: id used {n} times" for i, n in ids.items() if n > 1]
    texts = Counter(r.get("text") for r in recs)
    errs += [f"text used {n} times: {t[:30]}…" for t, n in texts.items() if n > 1]
    for r in recs:
        errs += check_record(r)
    for e in errs:
        print(e)
    sites = Counter(r.get("site") or site_of(r.get("source", "")) for r in recs)
    n_rel = sum(len(r.get("relations", [])) for r in recs)
    n_fact = sum(len(r.get("facts", [])) for r in recs)
    print(f"{len(recs)} snippets, {len(sites)} sites, {n_rel} relations, {n_fact} facts, "
          f"{len(errs)} problems", file=sys.stderr)
    return 1 if errs else 0


def gold_rows(rec: dict) -> tuple[list, list, list]:
    doc = rec["id"]
    rels, facts, ents = [], [], []
    for i, r in enumerate(rec.get("relations", []), 1):
        rels.append({"doc": doc, "id": f"{doc}-r{i:02d}", **r})
    for i, f in enumerate(rec.get("facts", []), 1):
        facts.append({"doc": doc, "id": f"{doc}-f{i:02d}", **f})
    for e in rec.get("entities", []):
        ents.append({"doc": doc, "text": e["text"], "type": e["type"]})
    return rels, facts, ents


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def build() -> int:
    recs = load(SNIPPETS)
    if check([SNIPPETS]):
        return 1
    for split in SPLITS:
        d = HERE / split / "docs"
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("*.txt"):
            old.unlink()
        chosen = [r for r in recs if r["split"] == split]
        rels, facts, ents = [], [], []
        for r in chosen:
            (d / f"{r['id']}.txt").write_text(r["text"] + "\n", encoding="utf-8")
            a, b, c = gold_rows(r)
            rels += a
            facts += b
            ents += c
        _write_jsonl(HERE / split / "relations_gold.jsonl", rels)
        _write_jsonl(HERE / split / "facts_gold.jsonl", facts)
        _write_jsonl(HERE / split / "entities_gold.jsonl", ents)
    lines = ["doc\tsplit\tscript\tsite\tsource\tdate"]
    for r in sorted(recs, key=lambda r: r["id"]):
        lines.append("\t".join([r["id"], r["split"], r["script"], r["site"], r["source"], r.get("date", "")]))
    (HERE / "sources.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    readme = HERE / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        start, end = text.find(COUNTS_START), text.find(COUNTS_END)
        if 0 <= start < end:
            text = text[:start + len(COUNTS_START)] + "\n" + counts(recs) + "\n" + text[end:]
            readme.write_text(text, encoding="utf-8")
    print(counts(recs))
    return 0


COUNTS_START, COUNTS_END = "<!-- counts: written by build.py -->", "<!-- /counts -->"


def counts(recs: list[dict]) -> str:
    """Markdown tables of the corpus counts, by split and script, predicate and metric."""
    by = defaultdict(Counter)
    for r in recs:
        for key in ((r["split"], r["script"]), (r["split"], "all"), ("all", r["script"]), ("all", "all")):
            by[key]["snippets"] += 1
            by[key]["relations"] += len(r.get("relations", []))
            by[key]["facts"] += len(r.get("facts", []))
            by[key]["entities"] += len(r.get("entities", []))
    sites = defaultdict(set)
    for r in recs:
        for key in ((r["split"], r["script"]), (r["split"], "all"), ("all", r["script"]), ("all", "all")):
            sites[key].add(r["site"])
    out = ["| split | script | snippets | sites | relations | facts | entities |", "|---|---|---|---|---|---|---|"]
    for split in SPLITS + ("all",):
        for script in SCRIPTS + ("all",):
            c = by[(split, script)]
            out.append(f"| {split} | {script} | {c['snippets']} | {len(sites[(split, script)])} | {c['relations']} "
                       f"| {c['facts']} | {c['entities']} |")
    pred = defaultdict(Counter)
    metric = defaultdict(Counter)
    etype = defaultdict(Counter)
    for r in recs:
        for x in r.get("relations", []):
            pred[x["predicate"]][r["split"]] += 1
        for x in r.get("facts", []):
            metric[x["metric"]][r["split"]] += 1
        for x in r.get("entities", []):
            etype[x["type"]][r["split"]] += 1

    def table(title, data):
        rows = [f"\n| {title} | train | dev | test | all |", "|---|---|---|---|---|"]
        for k in sorted(data, key=lambda k: -sum(data[k].values())):
            c = data[k]
            rows.append(f"| {k} | {c['train']} | {c['dev']} | {c['test']} | {sum(c.values())} |")
        return rows

    out += table("predicate", pred) + table("metric", metric) + table("entity type", etype)
    return "\n".join(out)


SECOND_LEVEL = {"com", "net", "org", "gov", "edu", "co", "ac", "or", "ne", "go"}
TARGET = {"train": 0.6, "dev": 0.2, "test": 0.2}
MAX_SITE_SHARE = 0.05


def site_group(site: str) -> str:
    """The registrable domain a site belongs to: sites of one group always share a split.

    >>> site_group("money.udn.com"), site_group("tw.news.yahoo.com"), site_group("ec.ltn.com.tw")
    ('udn.com', 'yahoo.com', 'ltn.com.tw')
    """
    parts = site.split(".")
    if len(parts) >= 3 and parts[-2] in SECOND_LEVEL and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def add(paths: list[Path], to_split: str | None = None) -> int:
    """Append the records of checked batches to snippets.jsonl under new ids ``<script>-NNN``.

    A record is left out when its text (or its page and first sentence) is already there, or when
    its site already holds its share of the corpus; every batch must pass ``check`` first.
    ``to_split`` (``--split train``) puts every record in that split, leaving out those whose site
    group is already in another one: training text added later never touches dev or test."""
    if any(check([p]) for p in paths):
        return 1
    old = load(SNIPPETS) if SNIPPETS.exists() else []
    group_split = {site_group(r["site"]): r["split"] for r in old if r.get("split")}
    new = [r for p in paths for r in load(p)]
    total = len(old) + len(new)
    per_site = Counter(r["site"] for r in old)
    texts = {r["text"] for r in old}
    heads = {(r["source"], r["text"][:20]) for r in old}
    next_n = Counter()
    for r in old:
        script, n = r["id"].rsplit("-", 1)
        next_n[script] = max(next_n[script], int(n))
    cap = max(1, int(MAX_SITE_SHARE * total))
    kept, dropped = [], Counter()
    for r in new:
        r = dict(r)
        r["site"] = r.get("site") or site_of(r["source"])
        if r["text"] in texts or (r["source"], r["text"][:20]) in heads:
            dropped["duplicate"] += 1
            continue
        if per_site[r["site"]] >= cap:
            dropped[f"site over {cap}"] += 1
            continue
        if to_split and group_split.get(site_group(r["site"]), to_split) != to_split:
            dropped[f"site group in {group_split[site_group(r['site'])]}"] += 1
            continue
        if to_split:
            r["split"] = to_split
        next_n[r["script"]] += 1
        r["batch_id"] = r.pop("id")
        r = {"id": f"{r['script']}-{next_n[r['script']]:03d}", **r}
        per_site[r["site"]] += 1
        texts.add(r["text"])
        heads.add((r["source"], r["text"][:20]))
        kept.append(r)
    with open(SNIPPETS, "a", encoding="utf-8") as fh:
        for r in kept:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"added {len(kept)} snippets; left out {dict(dropped)}", file=sys.stderr)
    return 0


def split() -> int:
    """Give a split to every site group without one, greedily toward 60/20/20 within each script.

    Groups are taken largest first; each goes to the split furthest below its target, weighing
    each script by its share of the group. Groups that already have a split keep it, so adding
    snippets never moves a site from one split to another."""
    recs = load(SNIPPETS)
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        groups[site_group(r["site"])].append(r)
    total = Counter(r["script"] for r in recs)
    cur = {s: Counter() for s in SPLITS}
    fixed = {}
    for g, rs in groups.items():
        known = {r["split"] for r in rs if r.get("split")}
        if len(known) > 1:
            raise SystemExit(f"site group {g} is in several splits: {sorted(known)}")
        if known:
            fixed[g] = known.pop()
            for r in rs:
                cur[fixed[g]][r["script"]] += 1
    for g in sorted((g for g in groups if g not in fixed), key=lambda g: (-len(groups[g]), g)):
        n = Counter(r["script"] for r in groups[g])

        def deficit(sp):
            return sum(n[s] * (TARGET[sp] * total[s] - cur[sp][s]) / total[s] for s in n)
        best = max(SPLITS, key=deficit)
        fixed[g] = best
        for s, k in n.items():
            cur[best][s] += k
    for r in recs:
        r["split"] = fixed[site_group(r["site"])]
    SNIPPETS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    for sp in SPLITS:
        print(sp, dict(cur[sp]), file=sys.stderr)
    return 0


def shared_scorer():
    """The shared scorer ``../shared/eval/score.py``, imported from its file."""
    import importlib.util
    path = HERE.parents[2] / "shared" / "eval" / "score.py"
    spec = importlib.util.spec_from_file_location("shared_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def as_predictions(rec: dict, doc: str) -> list[dict]:
    """One annotation written as the predictions `kg extract --format jsonl` would give."""
    def arg(r, side):
        return {"label": r[side], "text": r[side], "aliases": list(r.get(side + "_aliases", []) or [])}
    out = [{"doc": doc, "subject": arg(r, "subject"), "predicate": r["predicate"], "object": arg(r, "object")}
           for r in rec.get("relations", [])]
    out += [{"doc": doc, "subject": arg(f, "subject"), **{k: f[k] for k in ("metric", "value", "unit")},
             **({"period": f["period"]} if "period" in f else {})} for f in rec.get("facts", [])]
    out += [{"doc": doc, "mention": {"text": e["text"], "type": {"Person": "PERSON", "Organization": "ORG",
                                                                 "Product": "PRODUCT", "Place": "LOC"}[e["type"]]}}
            for e in rec.get("entities", [])]
    return out


def agree(first: Path, second: Path) -> dict:
    """F1 of the second annotation against the first, matched as score.py matches (by text key)."""
    score = shared_scorer()
    a = {r["text"]: r for r in load(first)}
    b = {r["text"]: r for r in load(second)}
    common = sorted(set(a) & set(b))
    preds, rels, facts, ents = [], [], [], []
    for i, t in enumerate(common):
        doc = f"d{i:03d}"
        preds += as_predictions(b[t], doc)
        r, f, e = gold_rows({**a[t], "id": doc})
        rels += r
        facts += f
        ents += e
    out = {"snippets": len(common),
           "relations": score.score_relations(preds, rels),
           "facts": score.score_facts(preds, facts),
           "entities": score.score_entities(preds, ents)}
    return out


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if argv[0] == "check":
        return check([Path(p) for p in argv[1:]])
    if argv[0] == "add":
        args = argv[1:]
        to_split = None
        if "--split" in args:
            k = args.index("--split")
            to_split = args[k + 1]
            if to_split not in SPLITS:
                raise SystemExit(f"--split {to_split}: expected one of {', '.join(SPLITS)}")
            args = args[:k] + args[k + 2:]
        return add([Path(p) for p in args], to_split)
    if argv[0] == "agree":
        rep = agree(Path(argv[1]), Path(argv[2]))
        if "--json" in argv:
            print(json.dumps(rep, ensure_ascii=False, indent=1))
        print(f"{rep['snippets']} snippets annotated twice")
        for kind in ("relations", "facts", "entities"):
            r = rep[kind]
            print(f"{kind:9} P={r['P']:.3f} R={r['R']:.3f} F1={r['F1']:.3f} ({r['predicted']} second, {r['gold']} first)")
        return 0
    if argv[0] == "split":
        return split()
    if argv[0] == "build":
        return build()
    if argv[0] == "counts":
        print(counts(load(SNIPPETS)))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
