"""Print a gold file's obligations as an extractor's output (the scorer's ``--cmd`` contract), so a corpus
export can be scored against itself: ``python tests/corpus_predictions.py <doc_id>.gold.json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def as_prediction(gold: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": gold["quote"],
        "obligor": {"name": gold["obligor"], "role": gold["obligor_role"]},
        "responsible": gold["responsible"],
        "deadline": gold["deadline"],
        "amount": gold["amount"],
    }


def main(path: str) -> None:
    gold = json.loads(Path(path).read_text(encoding="utf-8"))
    json.dump({"document": {}, "obligations": [as_prediction(g) for g in gold["obligations"]]}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
