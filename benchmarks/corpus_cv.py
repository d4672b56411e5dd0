"""Cross-validated extraction score on the project's annotated corpus, split by document source.

    uv run python benchmarks/corpus_cv.py [--corpus extractors/corpus/docs] [--input txt|pdf]
                                          [--scorer ../shared/tools/score_extraction.py] [--out report.json]

The corpus documents come from a few sources (the shared development set, the TD2000 contract forms, the
LawRefBook regulations, the public web pages of investment agreements, PPP texts and policy plans). Each
source is one fold: the learned components of ``extractors`` are trained on the other folds
(``extractors.learn.train``) and the extractor is scored on the held-out fold, so no document is scored by a
model that saw it or its template. Like the shared scorer, it passes the signing date and not the kind: the
extractor detects the kind itself. The rules were written against the development set only, so the
``dev`` fold is where the rules are fitted: its score is reported apart, beside the held-out figure.
``--input pdf`` reads ``<doc_id>.pdf`` instead of the text, as the hidden test sets are given: make the PDFs
with ``benchmarks/make_pdfs.py OUT_DIR`` and pass ``--corpus OUT_DIR``.

Reported, overall and per kind, language and fold: P / R / F1 of obligations, obligor-role, obligor,
deadline-kind, deadline-date and amount accuracy (the shared scorer's matching and definitions), each with
a 95 % bootstrap interval over documents (1,000 resamples, fixed seed). ``--fitted`` also scores with the
models trained on every document, to show the gap. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SCORER = ROOT.parent / "shared" / "tools" / "score_extraction.py"
METRICS = ("f1", "p", "r", "role", "obligor", "dl_kind", "dl_date", "amount")


def source_of(doc_id: str) -> str:
    """The fold of a document: its source or template family."""
    if doc_id.startswith("web_"):
        return "web_" + doc_id.split("_")[1]  # web_ip, web_pol, web_ppp: different sites and templates
    if doc_id.startswith(("c_", "r_", "case_")):
        return doc_id.split("_")[0]
    return "dev"


def in_half(doc_id: str, half: str) -> bool:
    """Whether a document is in the ``inspect`` or the ``untouched`` half of its fold (a stable hash of its id).

    Rule fixes are written from the errors of the ``inspect`` half only (``benchmarks/clause_errors.py``); the
    ``untouched`` half's held-out score is the figure no fix was fitted to."""
    inspect = hashlib.sha256(doc_id.encode("utf-8")).digest()[0] % 2 == 0
    return inspect if half == "inspect" else not inspect


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class DocScore:
    doc_id: str
    kind: str
    language: str
    fold: str
    gold: int = 0
    pred: int = 0
    matched: int = 0
    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    wrong_role: list[dict[str, Any]] = field(default_factory=list)
    wrong_obligor: list[dict[str, Any]] = field(default_factory=list)


def score_document(scorer: ModuleType, gold: dict[str, Any], output: dict[str, Any], fold: str) -> DocScore:
    preds = output.get("obligations") or []
    golds = gold["obligations"]
    details, missed, spurious = scorer.score_doc(preds, golds, [])
    s = DocScore(gold["doc_id"], gold["kind"], gold.get("language", "zh"), fold, len(golds), len(preds))
    s.matched = len(details)
    for d in details:
        for key, flag in (
            ("role", d["role_ok"]),
            ("obligor", d["obligor_ok"]),
            ("dl_kind", d["deadline_kind_ok"]),
            ("dl_date", d["deadline_date_ok"]),
            ("amount", d["amount_ok"]),
        ):
            if flag is not None:
                s.counts[key][0] += int(bool(flag))
                s.counts[key][1] += 1
        g = next(g for g in golds if g["quote"] == d["gold"])
        p = next(p for p in preds if p.get("text") == d["pred"])
        if not d["obligor_ok"]:
            s.wrong_obligor.append(
                {
                    "gold": d["gold"],
                    "gold_obligor": g.get("obligor"),
                    "source": g.get("obligor_source"),
                    "pred_obligor": (p.get("obligor") or {}).get("name"),
                }
            )
        if not d["role_ok"]:
            s.wrong_role.append(
                {
                    "gold": d["gold"],
                    "gold_role": g["obligor_role"],
                    "gold_obligor": g.get("obligor"),
                    "pred_role": (p.get("obligor") or {}).get("role"),
                    "pred_obligor": (p.get("obligor") or {}).get("name"),
                }
            )
    s.missed, s.spurious = missed, [t for t in spurious if t]
    return s


def aggregate(scores: list[DocScore]) -> dict[str, float | None]:
    gold = sum(s.gold for s in scores)
    pred = sum(s.pred for s in scores)
    matched = sum(s.matched for s in scores)
    p = matched / pred if pred else 0.0
    r = matched / gold if gold else 0.0
    out: dict[str, float | None] = {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
    for key in METRICS[3:]:
        ok = sum(s.counts[key][0] for s in scores)
        n = sum(s.counts[key][1] for s in scores)
        out[key] = ok / n if n else None
    return out


def bootstrap(scores: list[DocScore], rounds: int = 1000, seed: int = 0) -> dict[str, tuple[float, float] | None]:
    """95 % percentile intervals from resampling documents with replacement."""
    rng = random.Random(seed)
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        drawn = [scores[rng.randrange(len(scores))] for _ in scores]
        for key, value in aggregate(drawn).items():
            if value is not None:
                samples[key].append(value)
    out: dict[str, tuple[float, float] | None] = {}
    for key in METRICS:
        values = sorted(samples.get(key, []))
        out[key] = (values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]) if values else None
    return out


def summary(scores: list[DocScore], rounds: int) -> dict[str, Any]:
    point = aggregate(scores)
    interval = bootstrap(scores, rounds) if scores else {}
    return {
        "docs": len(scores),
        "gold": sum(s.gold for s in scores),
        **{k: None if point[k] is None else round(point[k], 3) for k in METRICS},
        "ci95": {k: None if v is None else [round(v[0], 3), round(v[1], 3)] for k, v in interval.items()},
    }


def run(
    corpus: Path,
    scorer: ModuleType,
    input_kind: str,
    rounds: int,
    fitted: bool,
    verbose: bool,
    rules_only: bool = False,
    seed: int = 0,
) -> dict[str, Any]:
    from extractors import learn
    from extractors.pipeline import correct

    golds = {p.name.removesuffix(".gold.json"): json.loads(p.read_text("utf-8")) for p in corpus.glob("*.gold.json")}
    folds: dict[str, list[str]] = defaultdict(list)
    for doc_id in sorted(golds):
        folds[source_of(doc_id)].append(doc_id)

    # the rules do not learn: their output on each document is computed once and corrected per fold
    ids = sorted(golds)
    rules = dict(zip(ids, learn.rules_results([(corpus / f"{d}.{input_kind}", golds[d]) for d in ids]), strict=True))
    examples = {d: learn.examples(*rules[d]) for d in ids}

    def score_with(model_dir: Path | None, doc_ids: list[str], fold: str) -> list[DocScore]:
        models = learn.load(model_dir) if model_dir is not None else None
        out = []
        for doc_id in doc_ids:
            result, gold = rules[doc_id]
            if models is not None:
                result = correct(result, models)
            out.append(score_document(scorer, gold, result.to_dict(), fold))
        return out

    held_out: list[DocScore] = []
    fitted_scores: list[DocScore] = []
    with tempfile.TemporaryDirectory() as tmp:
        for fold, doc_ids in sorted(folds.items()):
            train_ids = [d for d in sorted(golds) if source_of(d) != fold]
            model_dir = (
                learn.train([examples[d] for d in train_ids], Path(tmp) / fold, seed=seed)
                if train_ids and not rules_only
                else None
            )
            held_out += score_with(model_dir, doc_ids, fold)
            print(f"fold {fold}: {len(doc_ids)} documents held out, trained on {len(train_ids)}", file=sys.stderr)
        if fitted and not rules_only:
            model_dir = learn.train([examples[d] for d in ids], Path(tmp) / "all", seed=seed)
            for fold, doc_ids in sorted(folds.items()):
                fitted_scores += score_with(model_dir, doc_ids, fold)

    report: dict[str, Any] = {
        "input": input_kind,
        "cross_validated": summary([s for s in held_out if s.fold != "dev"], rounds),
        "dev_fold": summary([s for s in held_out if s.fold == "dev"], rounds),
        "untouched_half": summary([s for s in held_out if s.fold != "dev" and in_half(s.doc_id, "untouched")], rounds),
        "inspected_half": summary([s for s in held_out if s.fold != "dev" and in_half(s.doc_id, "inspect")], rounds),
        "all_folds": summary(held_out, rounds),
        "per_fold": {f: summary([s for s in held_out if s.fold == f], rounds) for f in sorted(folds)},
        "per_kind": {
            k: summary([s for s in held_out if s.kind == k], rounds) for k in sorted({s.kind for s in held_out})
        },
        "per_language": {
            lang: summary([s for s in held_out if s.language == lang], rounds)
            for lang in sorted({s.language for s in held_out})
        },
    }
    if fitted:
        report["fitted"] = summary([s for s in fitted_scores if s.fold != "dev"], rounds)
    if verbose:
        report["documents"] = [
            {
                "doc_id": s.doc_id,
                "fold": s.fold,
                "gold": s.gold,
                "pred": s.pred,
                "matched": s.matched,
                "missed": s.missed,
                "spurious": s.spurious,
                "wrong_role": s.wrong_role,
                "wrong_obligor": s.wrong_obligor,
            }
            for s in held_out
        ]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "extractors" / "corpus" / "docs")
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument(
        "--input", choices=("txt", "pdf"), default="txt", help="read each document's <doc_id>.txt or <doc_id>.pdf"
    )
    parser.add_argument("--rounds", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--fitted", action="store_true", help="also score the models trained on every document")
    parser.add_argument("--rules-only", action="store_true", help="score the rules without the learned models")
    parser.add_argument("--out", type=Path, help="write the full report (with per-document errors) here")
    args = parser.parse_args(argv)
    scorer = load_scorer(args.scorer)
    report = run(
        args.corpus,
        scorer,
        args.input,
        args.rounds,
        args.fitted,
        verbose=args.out is not None,
        rules_only=args.rules_only,
    )
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
        report.pop("documents", None)
    for name in ("cross_validated", "untouched_half", "inspected_half", "dev_fold", "fitted"):
        if name in report:
            r = report[name]
            print(f"{name:16} docs={r['docs']:3} gold={r['gold']:5} " + " ".join(f"{k}={r[k]}" for k in METRICS))
    for name, r in report["per_fold"].items():
        print(f"  fold {name:11} docs={r['docs']:3} gold={r['gold']:5} " + " ".join(f"{k}={r[k]}" for k in METRICS))
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
