"""Train and evaluate the ``kg_relclass`` relation classifier.

Training data: FinRE ``train.txt`` (all 44 labels) plus DuIE 2.0 ``train_first5000.json``
company predicates (see :mod:`kg.relclass.data`). Model selection: after every epoch the
model is scored on FinRE ``valid`` (macro F1) and the best epoch is kept. DuIE's held-out
split (``train_sample4398.json``) is never used for training or selection.

Scoring: :func:`evaluate_relclass` restricts the model's argmax to the scored corpus's own
labels (FinRE's 44; DuIE's company predicates in both directions plus ``unknown``).

Nothing heavy is imported at module import time.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from kg.relclass import data as reldata

DEFAULT_DATA_DIR = Path("../shared/data")
BATCH_SIZE = 32
LEARN_RATE = 1e-3
DROPOUT = 0.2
MAX_EPOCHS = 12
PATIENCE = 3
# DuIE instances are weighted by repetition to balance them against FinRE's 13k.
DUIE_REPEAT = 1


def _log(msg: str) -> None:
    print(f"[relclass {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _examples(nlp: Any, instances: list[reldata.RelInstance], labels: list[str]) -> list[Any]:
    from spacy.training import Example

    from kg.relclass.model import marked_doc

    out = []
    for inst in instances:
        doc = marked_doc(nlp.vocab, inst.text, inst.head, inst.tail)
        ref = doc.copy()
        ref.cats = {lab: float(lab == inst.label) for lab in labels}
        out.append(Example(doc, ref))
    return out


def _predict_probs(nlp: Any, instances: list[reldata.RelInstance], batch: int = 256) -> Any:
    """Return an (n, n_labels) numpy array of probabilities (component label order)."""
    import numpy

    from kg.relclass.model import marked_doc

    comp = nlp.get_pipe(_pipe_name(nlp))
    rows = []
    for i in range(0, len(instances), batch):
        docs = [marked_doc(nlp.vocab, x.text, x.head, x.tail) for x in instances[i : i + batch]]
        rows.append(comp.model.ops.to_numpy(comp.predict(docs)))
    if not rows:
        return numpy.zeros((0, len(comp.labels)), dtype="f")
    return numpy.concatenate(rows, axis=0)


def _pipe_name(nlp: Any) -> str:
    for name, proc in nlp.pipeline:
        if hasattr(proc, "pair_outcomes"):
            return name
    raise ValueError("no kg_relclass component in the pipeline")


def score(gold: list[str], pred: list[str], labels: list[str]) -> dict[str, Any]:
    """Accuracy, macro F1 and per-label P/R/F1/support.

    ``macro_f1`` averages F1 over the labels that occur in gold or prediction (sklearn's
    convention); ``macro_f1_no_unknown`` does the same without ``unknown``.

    Args:
        gold: Gold labels.
        pred: Predicted labels (same length).
        labels: The label set to report, in order.

    Returns:
        ``{"n", "accuracy", "macro_f1", "macro_f1_no_unknown", "per_label"}``.

    >>> score(["a", "b"], ["a", "a"], ["a", "b"])["accuracy"]
    0.5
    """
    per: dict[str, dict[str, float]] = {}
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        np_ = sum(1 for p in pred if p == lab)
        ng = sum(1 for g in gold if g == lab)
        prec = tp / np_ if np_ else 0.0
        rec = tp / ng if ng else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": ng}
    present = [lab for lab in labels if lab in set(gold) | set(pred)]
    macro = sum(per[lab]["f1"] for lab in present) / len(present) if present else 0.0
    present_nu = [lab for lab in present if lab != reldata.NONE_LABEL]
    macro_nu = sum(per[lab]["f1"] for lab in present_nu) / len(present_nu) if present_nu else 0.0
    n = len(gold)
    acc = sum(1 for g, p in zip(gold, pred) if g == p) / n if n else 0.0
    return {
        "n": n,
        "accuracy": round(acc, 4),
        "macro_f1": round(macro, 4),
        "macro_f1_no_unknown": round(macro_nu, 4),
        "per_label": per,
    }


def _restricted_argmax(probs: Any, model_labels: list[str], allowed: list[str]) -> list[str]:
    idx = [model_labels.index(lab) for lab in allowed if lab in model_labels]
    if not idx:
        return [reldata.NONE_LABEL] * len(probs)
    sub = probs[:, idx]
    best = sub.argmax(axis=1)
    return [model_labels[idx[int(b)]] for b in best]


def _score_instances(nlp: Any, instances: list[reldata.RelInstance], dataset: str) -> dict[str, Any]:
    labels = reldata.dataset_labels(dataset)
    model_labels = list(nlp.get_pipe(_pipe_name(nlp)).labels)
    probs = _predict_probs(nlp, instances)
    pred = _restricted_argmax(probs, model_labels, labels)
    return score([x.label for x in instances], pred, labels)


def load_instances(dataset: str, split: str, *, data_dir: Path, file: Path | None = None) -> tuple[list[reldata.RelInstance], int]:
    """Load ``dataset``/``split`` (or a FinRE-format ``file``) as instances.

    Args:
        dataset: ``finre`` or ``duie``.
        split: FinRE ``train``/``valid``/``test``; DuIE ``train`` or ``test`` (held out).
        data_dir: The shared data folder.
        file: A FinRE-format file to read instead of ``split``.

    Returns:
        ``(instances, n_skipped)``.
    """
    if dataset == "finre":
        return reldata.read_finre(Path(file) if file else reldata.finre_path(data_dir, split))
    if dataset == "duie":
        return reldata.read_duie(Path(file) if file else reldata.duie_path(data_dir, split))
    raise ValueError(f"unknown dataset {dataset!r}; expected finre or duie")


def _save(nlp: Any, output: Path, meta: dict[str, Any]) -> None:
    tmp = output.with_name(output.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.meta.update(meta)
    nlp.to_disk(tmp)
    if output.exists():
        shutil.rmtree(output)
    tmp.rename(output)


def train_relclass(
    *,
    output: Path,
    data_dir: Path = DEFAULT_DATA_DIR,
    seed: int = 0,
    max_steps: int | None = None,
    max_epochs: int = MAX_EPOCHS,
    finre_train: list[reldata.RelInstance] | None = None,
    duie_train: list[reldata.RelInstance] | None = None,
    dev: list[reldata.RelInstance] | None = None,
    resume: Path | None = None,
    learn_rate: float = LEARN_RATE,
) -> Path:
    """Train the relation classifier and save the best epoch to ``output``.

    Args:
        output: Directory to write the spaCy pipeline to (replaced if present).
        data_dir: The shared data folder (``finre/``, ``duie2/``).
        seed: Random seed (shuffling, initialisation).
        max_steps: Stop after this many updates (``None``: train ``max_epochs`` with
            early stopping on FinRE valid macro F1).
        max_epochs: Upper bound on epochs.
        finre_train: Instances to use instead of FinRE train (tests).
        duie_train: Instances to use instead of DuIE train (tests).
        dev: Instances to select on instead of FinRE valid (tests).
        resume: Continue training this saved model (fresh optimizer state) instead of
            initialising a new one.
        learn_rate: Adam learning rate.

    Returns:
        ``output``.
    """
    import spacy
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import Adam

    from kg.relclass.model import FACTORY, register

    output = Path(output)
    data_dir = Path(data_dir)
    register()
    fix_random_seed(seed)
    rng = random.Random(seed)
    if finre_train is None:
        finre_train, skipped = reldata.read_finre(reldata.finre_path(data_dir, "train"))
        _log(f"FinRE train: {len(finre_train)} instances ({skipped} skipped)")
    if duie_train is None:
        duie_train, skipped = reldata.read_duie(reldata.duie_path(data_dir, "train"), seed=seed)
        _log(f"DuIE train: {len(duie_train)} instances ({skipped} skipped)")
    if dev is None:
        dev, _ = reldata.read_finre(reldata.finre_path(data_dir, "valid"))
    labels = reldata.all_labels()
    if resume is not None:
        from kg.relclass.model import load_relclass

        nlp = load_relclass(resume)
        labels = list(nlp.get_pipe(_pipe_name(nlp)).labels)
        train_examples = _examples(nlp, list(finre_train) + list(duie_train) * DUIE_REPEAT, labels)
        _log(f"resuming from {resume}")
    else:
        nlp = spacy.blank("zh")
        nlp.add_pipe(FACTORY)
        train_examples = _examples(nlp, list(finre_train) + list(duie_train) * DUIE_REPEAT, labels)
        nlp.initialize(lambda: train_examples[:200], sgd=None)
    optimizer = Adam(learn_rate, L2=1e-6, grad_clip=1.0)
    pipe = _pipe_name(nlp)
    step = 0
    best = -1.0
    bad = 0
    t0 = time.time()
    done = False
    epochs_run = 0
    for epoch in range(max_epochs):
        rng.shuffle(train_examples)
        losses: dict[str, float] = {}
        for batch in minibatch(train_examples, size=BATCH_SIZE):
            nlp.update(batch, sgd=optimizer, drop=DROPOUT, losses=losses)
            step += 1
            if step % 200 == 0:
                _log(f"epoch {epoch} step {step} loss {losses.get(pipe, 0.0):.2f} ({time.time() - t0:.0f}s)")
            if max_steps is not None and step >= max_steps:
                done = True
                break
        epochs_run = epoch + 1
        with nlp.select_pipes(enable=[pipe]):
            with optimizer_averages(nlp, optimizer):
                res = _score_instances(nlp, dev, "finre") if dev else {"macro_f1": 0.0, "accuracy": 0.0}
                _log(
                    f"epoch {epoch} done: step {step} loss {losses.get(pipe, 0.0):.1f} "
                    f"dev acc {res['accuracy']:.4f} macro F1 {res['macro_f1']:.4f} ({time.time() - t0:.0f}s)"
                )
                if res["macro_f1"] > best or done and best < 0:
                    best = res["macro_f1"]
                    bad = 0
                    _save(
                        nlp,
                        output,
                        {
                            "name": "relclass_zh",
                            "version": "0.1.0",
                            "description": "kg relation classifier over marked entity pairs (FinRE + DuIE company predicates)",
                            "kg_relclass": {
                                "seed": seed,
                                "resumed_from": str(resume) if resume is not None else None,
                                "learn_rate": learn_rate,
                                "epoch": epoch,
                                "steps": step,
                                "dev_finre_valid_accuracy": res["accuracy"],
                                "dev_finre_valid_macro_f1": res["macro_f1"],
                            },
                        },
                    )
                    _log(f"saved {output}")
                else:
                    bad += 1
        if done or bad >= PATIENCE:
            break
    _log(f"finished after {epochs_run} epochs, {step} steps, best dev macro F1 {best:.4f}")
    return output


class optimizer_averages:
    """Context manager: use the optimizer's parameter averages (if any) while inside."""

    def __init__(self, nlp: Any, optimizer: Any) -> None:
        self.nlp = nlp
        self.optimizer = optimizer
        self.ctx: Any = None

    def __enter__(self) -> None:
        if getattr(self.optimizer, "averages", None):
            self.ctx = self.nlp.use_params(self.optimizer.averages)
            self.ctx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        if self.ctx is not None:
            self.ctx.__exit__(*exc)


def evaluate_relclass(
    *,
    dataset: str = "finre",
    split: str = "valid",
    file: Path | None = None,
    model: Path | None = None,
    data_dir: Path = DEFAULT_DATA_DIR,
) -> dict:
    """Score the relation classifier on a corpus split.

    Args:
        dataset: ``finre`` (scored over FinRE's own 44 labels) or ``duie`` (the
            company predicates, both directions, plus ``unknown``; the held-out split is
            ``test`` = ``train_sample4398.json``, also accepted as ``valid``/``heldout``).
        split: The split (FinRE ``valid``/``train``/``test``; DuIE ``test``/``train``).
        file: Score this file instead (FinRE format for ``finre``, DuIE JSON lines for
            ``duie``).
        model: Model directory (default ``kg/models/relclass_zh``).
        data_dir: The shared data folder.

    Returns:
        ``{"dataset", "split", "n", "accuracy", "macro_f1", "per_label": {label:
        {"precision", "recall", "f1", "support"}}, ...}``; also ``macro_f1_no_unknown``,
        ``skipped`` (instances whose entities were not found in the sentence) and ``model``.
    """
    from kg.relclass.model import DEFAULT_MODEL, load_relclass

    if dataset == "duie" and split == "valid" and file is None:
        split = "test"
    instances, skipped = load_instances(dataset, split, data_dir=Path(data_dir), file=file)
    model_path = Path(model) if model is not None else DEFAULT_MODEL
    nlp = load_relclass(model_path)
    res = _score_instances(nlp, instances, dataset)
    out: dict[str, Any] = {
        "dataset": dataset,
        "split": str(file) if file else split,
        "n": res["n"],
        "accuracy": res["accuracy"],
        "macro_f1": res["macro_f1"],
        "macro_f1_no_unknown": res["macro_f1_no_unknown"],
        "per_label": res["per_label"],
        "skipped": skipped,
        "model": str(model_path),
    }
    if dataset == "duie":
        # Per company predicate, both reading directions pooled (X and 逆:X).
        per_pred: dict[str, dict[str, float]] = {}
        gold = [x.label for x in instances]
        model_labels = list(nlp.get_pipe(_pipe_name(nlp)).labels)
        pred = _restricted_argmax(_predict_probs(nlp, instances), model_labels, reldata.dataset_labels("duie"))
        for p in reldata.DUIE_PREDICATES:
            group = {p, reldata.REVERSE_PREFIX + p}
            tp = sum(1 for g, q in zip(gold, pred) if g in group and g == q)
            npred = sum(1 for q in pred if q in group)
            ng = sum(1 for g in gold if g in group)
            pr = tp / npred if npred else 0.0
            rc = tp / ng if ng else 0.0
            f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
            per_pred[p] = {"precision": round(pr, 4), "recall": round(rc, 4), "f1": round(f1, 4), "support": ng}
        out["per_predicate"] = per_pred
        out["macro_f1_predicates"] = round(sum(v["f1"] for v in per_pred.values()) / len(per_pred), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    """Minimal command line: ``python -m kg.relclass.train train|eval ...``."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m kg.relclass.train")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--output", type=Path, required=True)
    t.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--max-steps", type=int, default=None)
    t.add_argument("--max-epochs", type=int, default=MAX_EPOCHS)
    t.add_argument("--resume", type=Path, default=None)
    t.add_argument("--learn-rate", type=float, default=LEARN_RATE)
    e = sub.add_parser("eval")
    e.add_argument("--dataset", default="finre")
    e.add_argument("--split", default="valid")
    e.add_argument("--file", type=Path, default=None)
    e.add_argument("--model", type=Path, default=None)
    e.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    e.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.cmd == "train":
        train_relclass(
            output=args.output,
            data_dir=args.data_dir,
            seed=args.seed,
            max_steps=args.max_steps,
            max_epochs=args.max_epochs,
            resume=args.resume,
            learn_rate=args.learn_rate,
        )
        return 0
    res = evaluate_relclass(
        dataset=args.dataset, split=args.split, file=args.file, model=args.model, data_dir=args.data_dir
    )
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
    else:
        print(f"{res['dataset']} {res['split']}: n={res['n']} accuracy={res['accuracy']:.4f} macro_f1={res['macro_f1']:.4f}")
        rows = res.get("per_predicate") or res["per_label"]
        for lab, v in rows.items():
            print(f"  {lab}\tP={v['precision']:.3f}\tR={v['recall']:.3f}\tF1={v['f1']:.3f}\tn={v['support']}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
