"""Train, load and evaluate the kg Chinese NER model.

The shipped pipeline (``kg/models/zh_ner``) is a spaCy pipeline with one ``ner``
component on the ``spacy.blank("zh")`` character tokenizer. Its tok2vec is embedded in
the ner model, using the character/bigram embedding ``kg.CharBigramEmbed.v1`` defined
here, so load it with :func:`load_ner` (which registers that layer) rather than a bare
``spacy.load``::

    from kg.training.ner import load_ner
    nlp.add_pipe("ner", name="ner", source=load_ner())

The model emits *fine* labels (PERSON, COMPANY, GOVERNMENT, ORGANIZATION, LOC, SCENE,
CONT, TITLE, EDU, PRO, RACE, BOOK, MOVIE, GAME); ``PROJECT_LABEL`` (read from
``labels.tsv``) maps them to project labels (PERSON, ORG, LOC, GPE, TITLE, PRODUCT, WORK,
EDU, MAJOR, NORP).

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
    from spacy.tokens import Doc
    from thinc.api import Model

CONFIG_PATH = Path(__file__).resolve().parent / "configs" / "ner.cfg"
DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "zh_ner"
EMBED_ARCH = "kg.CharBigramEmbed.v1"
_BOS = 0x2F6B1D3A5C7E9F01
_EOS = 0x1B3D5F7092A4C6E8
_MULT = 0x9E3779B97F4A7C15


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


# --------------------------------------------------------------------------- model layer


def _char_features_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Any], Any]:
    """Per token: NORM, SHAPE, hash(prev NORM, NORM), hash(NORM, next NORM) as uint64."""
    import numpy
    from spacy.attrs import NORM, SHAPE

    mult = numpy.uint64(_MULT)
    out = []
    for doc in docs:
        arr = numpy.asarray(doc.to_array([NORM, SHAPE]), dtype="uint64").reshape((len(doc), 2))
        norm = arr[:, 0]
        prev = numpy.empty_like(norm)
        nxt = numpy.empty_like(norm)
        if len(norm):
            prev[0] = _BOS
            prev[1:] = norm[:-1]
            nxt[-1] = _EOS
            nxt[:-1] = norm[1:]
        with numpy.errstate(over="ignore"):
            left = prev * mult + norm
            right = norm * mult + nxt
        feats = numpy.stack([norm, arr[:, 1], left, right], axis=1).astype("uint64")
        out.append(model.ops.asarray2i(feats, dtype="uint64"))
    return out, lambda d_features: []


def char_bigram_embed(width: int, unigram_rows: int, bigram_rows: int, shape_rows: int = 64) -> Model:
    """Build the character + character-bigram hash embedding (``kg.CharBigramEmbed.v1``).

    Each character token is embedded from four hashed features — the character (NORM), its
    SHAPE, the bigram with the previous character and the bigram with the next one — and
    the concatenation is mixed by a Maxout layer, as in spaCy's MultiHashEmbed.

    Args:
        width: Output width.
        unigram_rows: Rows of the character table.
        bigram_rows: Rows of each bigram table.
        shape_rows: Rows of the shape table.

    Returns:
        A thinc model ``List[Doc] -> List[Floats2d]``.
    """
    from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array

    embeddings = [
        HashEmbed(width, unigram_rows, column=0, seed=11, dropout=0.0),
        HashEmbed(width, shape_rows, column=1, seed=12, dropout=0.0),
        HashEmbed(width, bigram_rows, column=2, seed=13, dropout=0.0),
        HashEmbed(width, bigram_rows, column=3, seed=14, dropout=0.0),
    ]
    max_out = Maxout(width, width * len(embeddings), nP=3, dropout=0.0, normalize=True)
    features: Model = Model("kg_char_features", _char_features_forward)
    return chain(features, list2ragged(), with_array(concatenate(*embeddings)), with_array(max_out), ragged2list())


def register() -> None:
    """Register ``kg.CharBigramEmbed.v1`` in spaCy's architecture registry (idempotent)."""
    from spacy.util import registry

    registry.architectures.register(EMBED_ARCH, func=char_bigram_embed)


def load_ner(path: Path | None = None) -> Language:
    """Load the NER pipeline (default: the shipped ``kg/models/zh_ner``) offline.

    Registers the custom embedding layer first, then calls ``spacy.load``. The returned
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


def _to_example(nlp: Language, sent: corpora.Sentence) -> Any:
    """Build a spaCy Example with BILUO tags; missing characters get ``-`` (no supervision)."""
    from spacy.training import Example, offsets_to_biluo_tags

    doc = nlp.make_doc(sent.text)
    tags = offsets_to_biluo_tags(doc, sent.spans, missing="O")
    if sent.missing:
        missing = set()
        for lo, hi in sent.missing:
            missing.update(range(lo, hi))
        tags = ["-" if tag == "O" and tok.idx in missing else tag for tok, tag in zip(doc, tags)]
    return Example.from_dict(doc, {"entities": tags})


def _load_config() -> tuple[Any, dict[str, Any]]:
    """Return ``(spacy_config, kg_training_settings)`` from ``configs/ner.cfg``."""
    from thinc.api import Config

    cfg = Config().from_disk(CONFIG_PATH, interpolate=False)
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
    """Run the model and map its labels to ``dataset``'s labels (``kind=eval`` rows)."""
    back = corpora.label_map("eval", dataset)
    out = []
    for doc in nlp.pipe([s.text for s in sents], batch_size=256):
        out.append(
            [(e.start_char, e.end_char, back[e.label_]) for e in doc.ents if e.label_ in back]
        )
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
) -> dict[str, Any]:
    """Evaluate a NER pipeline on one corpus split, in that corpus's own label set.

    Model labels are mapped back to the corpus labels with the ``kind=eval`` rows of
    ``labels.tsv``; spans are matched exactly (start, end, label).

    Args:
        dataset: ``resume``, ``msra``, ``cluener`` (or ``cfsc``, COMPANY vs Corporate only).
        split: ``dev`` or ``test`` (MSRA dev is the fixed carve of its train file).
        model: Pipeline directory (default: the shipped ``kg/models/zh_ner``).
        data_dir: Directory holding the corpora.

    Returns:
        ``{"dataset", "split", "micro": {"precision", "recall", "f1"}, "macro_f1",
        "per_label": {label: {"precision", "recall", "f1", "support"}}, "n_sentences",
        "seconds"}``.
    """
    nlp = load_ner(model)
    sents = corpora.load_corpus(dataset, split, Path(data_dir))
    t0 = time.perf_counter()
    result = _score(nlp, dataset, sents)
    return {
        "dataset": dataset,
        "split": split,
        **result,
        "n_sentences": len(sents),
        "seconds": round(time.perf_counter() - t0, 2),
    }


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
    log: Any = print,
) -> Path:
    """Train the multi-corpus Chinese NER pipeline and write it to ``output``.

    All corpora are mapped to one fine label scheme (``labels.tsv``); text a corpus leaves
    unannotated by design is marked missing (see :func:`corpora.mark_unannotated`).
    Minibatches mix the corpora with the weights of ``[kg_training]`` in ``ner.cfg``. Every
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
    cfg, settings = _load_config()
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
        train[ds] = corpora.to_model_labels(ds, corpora.load_corpus(ds, "train", data_dir))
        try:
            dev[ds] = corpora.load_corpus(ds, "dev", data_dir)[: int(settings["eval_max_sentences"])]
        except FileNotFoundError:
            log(f"no dev split for {ds}; not used for model selection")
    corpora.mark_unannotated(train)

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
    examples = {ds: [_to_example(nlp, s) for s in train[ds]] for ds in datasets}
    lengths = {ds: [len(s.text) for s in train[ds]] for ds in datasets}
    sizes = {ds: len(v) for ds, v in examples.items()}
    if not resume:
        all_examples = [ex for ds in datasets for ex in examples[ds]]
        nlp.initialize(lambda: all_examples)
    log(f"train sentences: {sizes}; labels: {sorted(nlp.get_pipe('ner').labels)}")

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
    final.meta["description"] = "kg Chinese NER (char tokens; Resume+MSRA+CLUENER2020); load with kg.training.ner.load_ner"
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
    e = sub.add_parser("eval")
    e.add_argument("--dataset", required=True)
    e.add_argument("--split", required=True)
    e.add_argument("--model", type=Path)
    e.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    e.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.cmd == "train":
        overrides: dict[str, Any] = {}
        if args.max_minutes:
            overrides["max_minutes"] = args.max_minutes
        if args.stop_step:
            overrides["stop_step"] = args.stop_step
        out = train_ner(output=args.output, data_dir=args.data_dir, seed=args.seed, max_steps=args.max_steps,
                        datasets=args.datasets, checkpoint_dir=args.checkpoint_dir, resume=args.resume,
                        overrides=overrides, log=lambda s: print(s, flush=True))
        print(out)
    else:
        res = evaluate_ner(dataset=args.dataset, split=args.split, model=args.model, data_dir=args.data_dir)
        if args.json:
            print(json.dumps(res, indent=1, ensure_ascii=False))
        else:
            print(f"{res['dataset']}/{res['split']}: micro P {res['micro']['precision']:.4f} "
                  f"R {res['micro']['recall']:.4f} F1 {res['micro']['f1']:.4f}; macro F1 {res['macro_f1']:.4f}")
            for lab, s in res["per_label"].items():
                print(f"  {lab:14s} P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f} n={s['support']}")


if __name__ == "__main__":
    _cli()
