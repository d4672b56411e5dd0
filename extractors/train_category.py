"""Train the obligation-category classifier (a spaCy ``textcat``) and ship its weights in the package.

    uv run python -m extractors.train_category [--data extractors/data/category_train.jsonl]
                                               [--out extractors/nlp/category_model] [--epochs 25]

The data are hand-written clauses labelled with a ``Category`` (one JSON object a line: ``text``,
``label``). Training is reproducible: fixed seed, fixed order, one command. The model is a bag-of-
ngrams over the per-character tokens of ``spacy.blank("zh")`` (English clauses become character
n-grams too), small enough to commit (about a megabyte).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.training import Example
from thinc.api import fix_random_seed

from extractors.model import Category

__all__ = ["evaluate", "load_examples", "train"]

PACKAGE = Path(__file__).parent
DATA = PACKAGE / "data" / "category_train.jsonl"
MODEL = PACKAGE / "nlp" / "category_model"
LABELS = [c.value for c in Category]
TEXTCAT_MODEL = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 3,
    "no_output_layer": False,
    "length": 2**14,
}


def load_examples(path: Path) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if row["label"] not in LABELS:
                    raise ValueError(f"unknown category {row['label']!r} in {path}")
                rows.append((row["text"], row["label"]))
    return rows


def _examples(nlp: Language, rows: list[tuple[str, str]]) -> list[Example]:
    return [
        Example.from_dict(nlp.make_doc(text), {"cats": {label: float(label == gold) for label in LABELS}})
        for text, gold in rows
    ]


def evaluate(nlp: Language, rows: list[tuple[str, str]]) -> float:
    """Share of ``rows`` whose top category is the gold one."""
    if not rows:
        return 0.0
    docs = nlp.pipe([text for text, _ in rows])
    hits = sum(max(doc.cats, key=doc.cats.__getitem__) == gold for doc, (_, gold) in zip(docs, rows, strict=True))
    return hits / len(rows)


def train(data: Path = DATA, out: Path = MODEL, *, epochs: int = 25, seed: int = 0, holdout: float = 0.1) -> float:
    """Train, report held-out accuracy, then retrain on everything and save to ``out``."""
    rows = load_examples(data)
    rng = random.Random(seed)
    shuffled = rows[:]
    rng.shuffle(shuffled)
    cut = int(len(shuffled) * holdout)
    accuracy = evaluate(_fit(shuffled[cut:], epochs, seed), shuffled[:cut])
    nlp = _fit(shuffled, epochs, seed)
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return accuracy


def _fit(rows: list[tuple[str, str]], epochs: int, seed: int) -> Language:
    fix_random_seed(seed)
    nlp = spacy.blank("zh")
    textcat: Any = nlp.add_pipe("textcat", config={"model": TEXTCAT_MODEL})
    for label in LABELS:
        textcat.add_label(label)
    examples = _examples(nlp, rows)
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for i in range(0, len(examples), 16):
            batch = examples[i : i + 16]
            nlp.update(batch, sgd=optimizer, losses=losses)
    return nlp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractors.train_category", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    accuracy = train(args.data, args.out, epochs=args.epochs, seed=args.seed)
    print(f"held-out accuracy {accuracy:.3f}; model written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
