"""Train, load and evaluate the kg Chinese NER model.

The shipped pipeline (``kg/models/zh_ner``) is a spaCy pipeline with one ``ner``
component on the ``spacy.blank("zh")`` character tokenizer: the ``kg_char_ner`` tagger of
:mod:`kg.training.charner`, a shared encoder with one output head per training corpus.
Load it with :func:`load_ner` (which registers the component and its layers; installing
the package also registers them through spaCy's entry points)::

    from kg.training.ner import load_ner
    nlp.add_pipe("ner", name="ner", source=load_ner())

Each head keeps its corpus's labels, and entities come out as ``<head>.<label>``
(``msra.PER``, ``cluener.company``). ``PROJECT_LABEL`` (read from ``labels.tsv``) maps
them to project labels (PERSON, ORG, LOC, GPE, TITLE, PRODUCT, WORK, EDU, MAJOR, NORP).

Nothing heavy is imported at module import time.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.training import corpora

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

CONFIG_PATH = Path(__file__).resolve().parent / "configs" / "ner.cfg"
DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "zh_ner"


def __getattr__(name: str) -> Any:
    """Lazily provide ``PROJECT_LABEL`` (model label → project label, from labels.tsv)."""
    if name == "PROJECT_LABEL":
        return corpora.label_map("project")
    raise AttributeError(name)


def project_label(label: str) -> str:
    """Map a model label to the project label (``labels.tsv``, kind ``project``).

    Args:
        label: A label emitted by the model (``doc.ents[i].label_``).

    Returns:
        The project label, or ``label`` unchanged if it has no mapping.
    """
    return corpora.label_map("project").get(label, label)


# --------------------------------------------------------------------------- model


def register() -> None:
    """Register the model's layers and the ``kg_char_ner`` factory with spaCy (idempotent)."""
    from . import charner  # noqa: F401  (importing it registers them)


def load_ner(path: Path | None = None) -> Language:
    """Load the NER pipeline (default: the shipped ``kg/models/zh_ner``) offline.

    Registers the ``kg_char_ner`` component and its layers first, then calls ``spacy.load``. The returned
    pipeline tokenises like ``spacy.blank("zh")`` and its ``ner`` component can be sourced:
    ``nlp.add_pipe("ner", source=load_ner())``.

    Args:
        path: Pipeline directory written by :func:`train_ner`.

    Returns:
        The loaded ``spacy.Language``.
    """
    import spacy

    register()
    return spacy.load(Path(path) if path is not None else DEFAULT_MODEL)


# --------------------------------------------------------------------------- data


def _to_example(nlp: Language, sent: corpora.Sentence, head: str) -> Any:
    """Build a spaCy Example with BILUO tags in ``head``'s labels; missing characters get ``-``."""
    from spacy.training import Example, offsets_to_biluo_tags

    from .charner import HEAD_KEY

    doc = nlp.make_doc(sent.text)
    tags = offsets_to_biluo_tags(doc, sent.spans, missing="O")
    if sent.missing:
        missing = set()
        for lo, hi in sent.missing:
            missing.update(range(lo, hi))
        tags = ["-" if tag == "O" and tok.idx in missing else tag for tok, tag in zip(doc, tags)]
    eg = Example.from_dict(doc, {"entities": tags})
    eg.reference.user_data[HEAD_KEY] = head
    return eg


def _load_config(path: Path | None = None) -> tuple[Any, dict[str, Any]]:
    """Return ``(spacy_config, kg_training_settings)`` from ``path`` (default ``configs/ner.cfg``)."""
    from thinc.api import Config

    cfg = Config().from_disk(path or CONFIG_PATH, interpolate=False)
    settings = dict(cfg.pop("kg_training"))
    return cfg, settings


def _epoch_batches(
    sizes: dict[str, int], lengths: dict[str, list[int]], weights: dict[str, float], batch_chars: int, seed: int, epoch: int
) -> list[list[tuple[str, int]]]:
    """Deterministic minibatches ``[(dataset, index), ...]`` for one epoch."""
    rng = random.Random(seed * 100003 + epoch)
    items: list[tuple[str, int]] = []
    for ds in sorted(sizes):
        w = float(weights.get(ds, 1.0))
        idx = list(range(sizes[ds]))
        for _ in range(int(w)):
            items.extend((ds, i) for i in idx)
        frac = w - int(w)
        if frac > 0:
            items.extend((ds, i) for i in rng.sample(idx, int(round(frac * len(idx)))))
    rng.shuffle(items)
    batches: list[list[tuple[str, int]]] = []
    cur: list[tuple[str, int]] = []
    n_chars = 0
    for ds, i in items:
        cur.append((ds, i))
        n_chars += lengths[ds][i]
        if n_chars >= batch_chars:
            batches.append(cur)
            cur, n_chars = [], 0
    if cur:
        batches.append(cur)
    return batches


# --------------------------------------------------------------------------- scoring


def score_spans(
    gold: list[list[tuple[int, int, str]]], pred: list[list[tuple[int, int, str]]], labels: list[str]
) -> dict[str, Any]:
    """Score predicted spans against gold spans by exact (start, end, label) match.

    Args:
        gold: Gold spans per sentence.
        pred: Predicted spans per sentence (same order).
        labels: The label set to report (macro F1 averages over these).

    Returns:
        ``{"micro": {precision, recall, f1}, "macro_f1", "per_label": {label: {precision,
        recall, f1, support}}}``.
    """

    def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    counts = {lab: [0, 0, 0] for lab in labels}  # tp, pred, gold
    for g_spans, p_spans in zip(gold, pred, strict=True):
        g, p = set(g_spans), set(p_spans)
        for s in g:
            counts.setdefault(s[2], [0, 0, 0])[2] += 1
        for s in p:
            counts.setdefault(s[2], [0, 0, 0])[1] += 1
        for s in g & p:
            counts[s[2]][0] += 1
    tp = sum(c[0] for c in counts.values())
    n_pred = sum(c[1] for c in counts.values())
    n_gold = sum(c[2] for c in counts.values())
    p, r, f = prf(tp, n_pred, n_gold)
    per_label = {}
    for lab, (t, np_, ng) in counts.items():
        lp, lr, lf = prf(t, np_, ng)
        per_label[lab] = {"precision": lp, "recall": lr, "f1": lf, "support": ng}
    macro = sum(per_label[lab]["f1"] for lab in labels) / len(labels) if labels else 0.0
    return {"micro": {"precision": p, "recall": r, "f1": f}, "macro_f1": macro, "per_label": per_label}


def _predict_corpus_spans(nlp: Language, dataset: str, sents: list[corpora.Sentence]) -> list[list[tuple[int, int, str]]]:
    """Run the model with the head of ``dataset`` (or the heads its ``kind=eval`` rows of
    ``labels.tsv`` name, for a corpus without its own head) and return its spans in the
    corpus's labels."""
    ner = nlp.get_pipe("ner")
    if dataset in ner.heads:
        back = {f"{dataset}.{lab}": lab for lab in ner.heads[dataset]}
    else:
        back = corpora.label_map("eval", dataset)
    heads = list(dict.fromkeys(label.split(".", 1)[0] for label in back))
    saved = ner.cfg["emit"]
    ner.cfg["emit"] = heads
    try:
        out = []
        for doc in nlp.pipe([s.text for s in sents], batch_size=256):
            out.append([(e.start_char, e.end_char, back[e.label_]) for e in doc.ents if e.label_ in back])
    finally:
        ner.cfg["emit"] = saved
    return out


def _score(nlp: Language, dataset: str, sents: list[corpora.Sentence]) -> dict[str, Any]:
    """Score ``nlp`` on sentences of ``dataset`` in the corpus's own label set."""
    pred = _predict_corpus_spans(nlp, dataset, sents)
    return score_spans([s.spans for s in sents], pred, corpora.corpus_labels(dataset))


def _selection_score(dataset: str, scores: dict[str, Any]) -> float:
    """The figure a corpus is judged on: macro F1 for CLUENER, micro F1 otherwise."""
    return scores["macro_f1"] if dataset == "cluener" else scores["micro"]["f1"]


def evaluate_ner(
    *,
    dataset: str,
    split: str,
    model: Path | None = None,
    data_dir: Path = Path("../shared/data"),
    script: str = "hans",
) -> dict[str, Any]:
    """Evaluate a NER pipeline on one corpus split, in that corpus's own label set.

    A corpus the model has a head for is scored with that head alone, so its labels are
    the corpus's own; another corpus goes through the ``kind=eval`` rows of ``labels.tsv``.
    Spans are matched exactly (start, end, label).

    Args:
        dataset: ``resume``, ``msra``, ``cluener`` (or ``cfsc``: CLUENER's company vs Corporate only).
        split: ``dev`` or ``test`` (MSRA dev is the fixed carve of its train file).
        model: Pipeline directory (default: the shipped ``kg/models/zh_ner``).
        data_dir: Directory holding the corpora.
        script: ``hans`` (the corpus as it is, Simplified) or ``hant`` (converted to
            Traditional and read the way ``kg`` reads Traditional text).

    Returns:
        ``{"dataset", "split", "micro": {"precision", "recall", "f1"}, "macro_f1",
        "per_label": {label: {"precision", "recall", "f1", "support"}}, "n_sentences",
        "seconds"}``.
    """
    nlp = load_ner(model)
    sents = corpora.load_corpus(dataset, split, Path(data_dir))
    if script == "hant":
        sents = _as_traditional(sents)
    t0 = time.perf_counter()
    result = _score(nlp, dataset, sents)
    return {
        "dataset": dataset,
        "split": split,
        "script": script,
        **result,
        "n_sentences": len(sents),
        "seconds": round(time.perf_counter() - t0, 2),
    }


def _as_traditional(sents: list[corpora.Sentence]) -> list[corpora.Sentence]:
    """The sentences as a reader of Traditional text gives them to the model: converted to
    Traditional, then back the way ``kg`` reads Traditional text. Both directions use the
    pipeline's length-keeping conversion (:func:`kg.normalise.same_length_convert`), so the
    offsets of the spans still hold."""
    from ..normalise import same_length_convert

    return [corpora.Sentence(same_length_convert(same_length_convert(s.text, "s2t")), s.spans, list(s.missing))
            for s in sents]


# --------------------------------------------------------------------------- training


def train_ner(
    *,
    output: Path,
    data_dir: Path = Path("../shared/data"),
    seed: int = 0,
    max_steps: int | None = None,
    datasets: list[str] | None = None,
    checkpoint_dir: Path | None = None,
    resume: bool = False,
    overrides: dict[str, Any] | None = None,
    config: Path | None = None,
    log: Any = print,
) -> Path:
    """Train the multi-corpus Chinese NER pipeline and write it to ``output``.

    Each corpus keeps its own labels and trains its own output head of the shared encoder
    (:mod:`kg.training.charner`); the shipped model decodes the heads of ``emit`` in
    ``[kg_training]``. Minibatches mix the corpora with the weights of ``[kg_training]`` in ``ner.cfg``. Every
    ``eval_every`` steps the averaged parameters are scored on the dev splits (MSRA: a
    carve of train); the mean of the corpus figures selects the best model. ``best/`` and
    ``last/`` pipelines plus ``state.json`` are written to ``checkpoint_dir``; with
    ``resume=True`` training continues from ``last/`` at the recorded step and batch
    (the Adam moments and parameter averages restart).

    Args:
        output: Directory to write the best pipeline to (replaced if present).
        data_dir: Directory holding the corpora (read-only).
        seed: Random seed; the same seed, data and step budget give the same model.
        max_steps: Stop after this many updates (default: ``max_steps`` of the config).
        datasets: Training corpora (default ``["resume", "msra", "cluener"]``).
        checkpoint_dir: Where checkpoints go (default: a temporary directory, no resume).
        resume: Continue from ``checkpoint_dir/last``.
        overrides: Overrides of ``[kg_training]`` settings, e.g. ``{"max_minutes": 60}`` or
            ``{"stop_step": 11031}`` (stop there; the LR schedule still follows ``max_steps``).
        config: Another config file in the format of ``configs/ner.cfg``.
        log: Callable receiving progress lines.

    Returns:
        ``output``.

    Raises:
        ValueError: If ``resume`` is set without a usable checkpoint.
    """
    import spacy
    from spacy.util import fix_random_seed, load_model_from_config
    from thinc.api import Adam

    register()
    output = Path(output)
    data_dir = Path(data_dir)
    datasets = list(datasets or corpora.TRAIN_DATASETS)
    cfg, settings = _load_config(config)
    settings.update(overrides or {})
    if max_steps is not None:
        settings["max_steps"] = int(max_steps)
    tmp_ckpt = None
    if checkpoint_dir is None:
        if resume:
            raise ValueError("resume=True needs checkpoint_dir")
        tmp_ckpt = tempfile.mkdtemp(prefix="kg_ner_ckpt_")
        checkpoint_dir = Path(tmp_ckpt)
    checkpoint_dir = Path(checkpoint_dir)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    state_path = checkpoint_dir / "state.json"

    # data
    train: dict[str, list[corpora.Sentence]] = {}
    dev: dict[str, list[corpora.Sentence]] = {}
    for ds in datasets:
        train[ds] = corpora.load_corpus(ds, "train", data_dir)
        try:
            dev[ds] = corpora.load_corpus(ds, "dev", data_dir)[: int(settings["eval_max_sentences"])]
        except FileNotFoundError:
            log(f"no dev split for {ds}; not used for model selection")

    fix_random_seed(seed)
    state: dict[str, Any] = {"step": 0, "epoch": 0, "batch": 0, "best_score": -1.0, "history": []}
    if resume:
        if not state_path.exists() or not (checkpoint_dir / "last").exists():
            raise ValueError(f"no checkpoint to resume in {checkpoint_dir}")
        state = json.loads(state_path.read_text())
        nlp = spacy.load(checkpoint_dir / "last")
        fix_random_seed(seed + state["step"])
        log(f"resumed at step {state['step']} (epoch {state['epoch']}, batch {state['batch']})")
    else:
        nlp = load_model_from_config(cfg, auto_fill=True, validate=True)
    ner = nlp.get_pipe("ner")
    if not resume:
        ner.set_heads({ds: corpora.corpus_labels(ds) for ds in datasets})
        ner.cfg["emit"] = [h for h in settings.get("emit", datasets) if h.partition(".")[0] in datasets] or list(datasets)
    examples = {ds: [_to_example(nlp, s, ds) for s in train[ds]] for ds in datasets}
    lengths = {ds: [len(s.text) for s in train[ds]] for ds in datasets}
    sizes = {ds: len(v) for ds, v in examples.items()}
    if not resume:
        all_examples = [ex for ds in datasets for ex in examples[ds]]
        nlp.initialize(lambda: all_examples)
    log(f"train sentences: {sizes}; heads: {ner.heads}; emit: {ner.cfg['emit']}")

    max_steps_total = int(settings["max_steps"])
    base_lr = float(settings["learn_rate"])
    warmup = max(int(settings["warmup_steps"]), 1)

    def learn_rate(i: int) -> float:
        """Linear warm-up, then linear decay to 20% of the base rate at max_steps."""
        if i < warmup:
            return base_lr * (i + 1) / warmup
        frac = min(1.0, (i - warmup) / max(max_steps_total - warmup, 1))
        return base_lr * (1.0 - 0.8 * frac)

    optimizer = Adam(
        learn_rate=base_lr,
        L2=float(settings["L2"]),
        grad_clip=float(settings["grad_clip"]),
        use_averages=True,
    )
    eval_every = int(settings["eval_every"])
    patience = int(settings["patience"])
    max_minutes = settings.get("max_minutes")
    stop_step = settings.get("stop_step")  # stop early at this step without changing the LR schedule
    dropout = float(settings["dropout"])
    t_start = time.time()
    losses: dict[str, float] = {}
    bad_evals = 0
    step, epoch, batch_i = int(state["step"]), int(state["epoch"]), int(state["batch"])
    done = step >= max_steps_total

    def evaluate_and_checkpoint() -> None:
        nonlocal bad_evals
        with nlp.use_params(optimizer.averages):
            scores = {ds: _selection_score(ds, _score(nlp, ds, sents)) for ds, sents in dev.items()}
            score = sum(scores.values()) / len(scores) if scores else float(step)
            improved = score > state["best_score"]
            if improved:
                state["best_score"] = float(score)
                state["best_step"] = step
                _save(nlp, checkpoint_dir / "best")
            _save(nlp, checkpoint_dir / "last")
        bad_evals = 0 if improved else bad_evals + 1
        state.update(step=step, epoch=epoch, batch=batch_i)
        entry = {"step": step, "epoch": epoch, "loss": round(float(losses.get("ner", 0.0)), 2), "score": round(float(score), 4),
                 **{ds: round(float(v), 4) for ds, v in scores.items()}, "minutes": round((time.time() - t_start) / 60, 1)}
        state["history"].append(entry)
        state_path.write_text(json.dumps(state, indent=1))
        log(json.dumps(entry) + (" *best*" if improved else ""))
        losses.clear()

    while not done:
        batches = _epoch_batches(sizes, lengths, settings["weights"], int(settings["batch_chars"]), seed, epoch)
        while batch_i < len(batches):
            batch = [examples[ds][i] for ds, i in batches[batch_i]]
            optimizer.learn_rate = learn_rate(step)
            nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
            step += 1
            batch_i += 1
            out_of_time = max_minutes is not None and (time.time() - t_start) / 60 >= float(max_minutes)
            out_of_time = out_of_time or (stop_step is not None and step >= int(stop_step))
            if step % eval_every == 0 or step >= max_steps_total or out_of_time:
                evaluate_and_checkpoint()
                if step >= max_steps_total or out_of_time or bad_evals >= patience:
                    done = True
                    break
        if not done:
            epoch += 1
            batch_i = 0
    best = checkpoint_dir / "best"
    final = spacy.load(best if best.exists() else checkpoint_dir / "last")
    final.meta["name"] = "kg_zh_ner"
    final.meta["description"] = "kg Chinese NER (character tagger, one head per corpus: Resume, MSRA, CLUENER2020, eval/news); load with kg.training.ner.load_ner"
    final.meta["kg_training"] = {"seed": seed, "datasets": datasets, "best_step": state.get("best_step"),
                                 "best_dev_score": state["best_score"], "history": state["history"][-5:]}
    if output.exists():
        shutil.rmtree(output)
    final.to_disk(output)
    if tmp_ckpt:
        shutil.rmtree(tmp_ckpt, ignore_errors=True)
    return output


def _save(nlp: Language, path: Path) -> None:
    """Write ``nlp`` to ``path`` atomically (write to a sibling, then rename)."""
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    if path.exists():
        shutil.rmtree(path)
    tmp.rename(path)


def _cli(argv: list[str] | None = None) -> None:
    """Minimal command line: ``python -m kg.training.ner train|eval ...`` (the kg CLI wraps this)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m kg.training.ner")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--output", type=Path, default=DEFAULT_MODEL)
    t.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--max-steps", type=int)
    t.add_argument("--max-minutes", type=float)
    t.add_argument("--stop-step", type=int, help="stop at this step (the LR schedule still follows --max-steps)")
    t.add_argument("--datasets", nargs="*")
    t.add_argument("--checkpoint-dir", type=Path)
    t.add_argument("--resume", action="store_true")
    t.add_argument("--config", type=Path, help="config file (default: kg/training/configs/ner.cfg)")
    e = sub.add_parser("eval")
    e.add_argument("--dataset", required=True)
    e.add_argument("--split", required=True)
    e.add_argument("--model", type=Path)
    e.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    e.add_argument("--json", action="store_true")
    e.add_argument("--script", choices=["hans", "hant"], default="hans")
    args = ap.parse_args(argv)
    if args.cmd == "train":
        overrides: dict[str, Any] = {}
        if args.max_minutes:
            overrides["max_minutes"] = args.max_minutes
        if args.stop_step:
            overrides["stop_step"] = args.stop_step
        out = train_ner(output=args.output, data_dir=args.data_dir, seed=args.seed, max_steps=args.max_steps,
                        datasets=args.datasets, checkpoint_dir=args.checkpoint_dir, resume=args.resume,
                        overrides=overrides, config=args.config, log=lambda s: print(s, flush=True))
        print(out)
    else:
        res = evaluate_ner(dataset=args.dataset, split=args.split, model=args.model, data_dir=args.data_dir,
                           script=args.script)
        if args.json:
            print(json.dumps(res, indent=1, ensure_ascii=False))
        else:
            print(f"{res['dataset']}/{res['split']}: micro P {res['micro']['precision']:.4f} "
                  f"R {res['micro']['recall']:.4f} F1 {res['micro']['f1']:.4f}; macro F1 {res['macro_f1']:.4f}")
            for lab, s in res["per_label"].items():
                print(f"  {lab:14s} P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f} n={s['support']}")


if __name__ == "__main__":
    _cli()
