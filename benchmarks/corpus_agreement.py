"""Inter-annotator agreement on the doubly annotated documents of the corpus: the ceiling for any extractor.

    uv run python benchmarks/corpus_agreement.py [--corpus extractors/corpus]
                                                 [--scorer ../shared/tools/score_extraction.py]

Each ``second/<doc_id>.gold.json`` is an independent annotation of ``docs/<doc_id>.txt``; it is scored against the
primary ``docs/<doc_id>.gold.json`` exactly as the extractor is (the shared scorer's matching and definitions),
so clause F1, obligor role and obligor agreement read on the same scale as the extractor's figures. Documents
whose primary annotation is missing are skipped. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_cv import DEFAULT_SCORER, METRICS, ROOT, load_scorer, score_document, source_of, summary


def _as_prediction(gold: dict) -> dict:
    """A second annotation in the shape of the extractor's JSON output."""
    return {
        "obligations": [
            {
                "text": o["quote"],
                "obligor": {"name": o.get("obligor"), "role": o["obligor_role"]},
                "responsible": o.get("responsible", []),
                "deadline": o.get("deadline") or {"kind": "none"},
                "amount": o.get("amount"),
            }
            for o in gold["obligations"]
        ]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "extractors" / "corpus")
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument("--rounds", type=int, default=1000)
    args = parser.parse_args(argv)
    scorer = load_scorer(args.scorer)
    scores = []
    for second in sorted((args.corpus / "second").glob("*.gold.json")):
        primary = args.corpus / "docs" / second.name
        if not primary.exists():
            continue
        gold = json.loads(primary.read_text("utf-8"))
        other = json.loads(second.read_text("utf-8"))
        scores.append(score_document(scorer, gold, _as_prediction(other), source_of(gold["doc_id"])))
    report = {"agreement": summary(scores, args.rounds)}
    report["per_fold"] = {
        f: summary([s for s in scores if s.fold == f], args.rounds) for f in sorted({s.fold for s in scores})
    }
    r = report["agreement"]
    print(f"agreement docs={r['docs']} gold={r['gold']} " + " ".join(f"{k}={r[k]}" for k in METRICS))
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
