"""The rules' errors on the annotated corpus, per held-out fold: what to read before fixing a class of errors.

    uv run python benchmarks/clause_errors.py [--input txt|pdf] [--fold c] [--half inspect|untouched|all]
                                              [--what missed,spurious,...]

Lists per document the gold clauses the rules missed, the clauses they found that no gold matches, and over
matched pairs the deadline-kind, deadline-date and amount mismatches (gold value, predicted value, quote).

``--half`` splits every fold's documents in two by a stable hash of the document id. Read the errors of the
``inspect`` half only; ``corpus_cv.py --half untouched`` then scores documents no fix was written from, which
keeps the held-out figure honest while rules are being fixed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_cv import DEFAULT_SCORER, in_half, load_scorer, source_of  # noqa: E402

KINDS = ("missed", "spurious", "deadline", "date", "amount")


def errors(scorer: Any, gold: dict[str, Any], output: dict[str, Any]) -> dict[str, list[str]]:
    preds = output.get("obligations") or []
    golds = gold["obligations"]
    details, missed, spurious = scorer.score_doc(preds, golds, [])
    out: dict[str, list[str]] = {"missed": missed, "spurious": [t for t in spurious if t]}
    out.update({k: [] for k in KINDS[2:]})
    for d in details:
        g = next(g for g in golds if g["quote"] == d["gold"])
        p = next(p for p in preds if p.get("text") == d["pred"])
        gdl, pdl = g.get("deadline") or {}, p.get("deadline") or {}
        if not d["deadline_kind_ok"]:
            gold_dl = f"gold {gdl.get('kind')} {gdl.get('text')!r}"
            out["deadline"].append(f"{gold_dl} | pred {pdl.get('kind')} {pdl.get('text')!r} | {g['quote']}")
        if d["deadline_date_ok"] is False:
            out["date"].append(f"gold {gdl.get('date')} | pred {pdl.get('date')} {pdl.get('text')!r} | {g['quote']}")
        if d["amount_ok"] is False:
            out["amount"].append(f"gold {g.get('amount')} | pred {p.get('amount')} | {g['quote']}")
    return out


def main(argv: list[str] | None = None) -> int:
    import json

    from extractors import learn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "extractors" / "corpus" / "docs")
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument("--input", choices=("txt", "pdf"), default="txt", help="read <doc_id>.txt or <doc_id>.pdf")
    parser.add_argument("--fold", action="append", help="only these folds (c, r, web_ip, web_pol, web_ppp, dev)")
    parser.add_argument("--half", choices=("inspect", "untouched", "all"), default="inspect")
    parser.add_argument("--what", default=",".join(KINDS), help="comma-separated: " + ", ".join(KINDS))
    args = parser.parse_args(argv)
    scorer = load_scorer(args.scorer)
    wanted = [w for w in args.what.split(",") if w]
    golds = {
        p.name.removesuffix(".gold.json"): json.loads(p.read_text("utf-8")) for p in args.corpus.glob("*.gold.json")
    }
    ids = [
        d
        for d in sorted(golds)
        if (not args.fold or source_of(d) in args.fold) and (args.half == "all" or in_half(d, args.half))
    ]
    totals = dict.fromkeys(wanted, 0)
    for (result, gold), doc_id in zip(
        learn.rules_results([(args.corpus / f"{d}.{args.input}", golds[d]) for d in ids]), ids, strict=True
    ):
        found = errors(scorer, gold, result.to_dict())
        lines = [(w, item) for w in wanted for item in found[w]]
        for w in wanted:
            totals[w] += len(found[w])
        if lines:
            print(f"## {doc_id} ({source_of(doc_id)})")
            for w, item in lines:
                print(f"  {w:8} {item.replace(chr(10), ' / ')}")
    print("# totals " + " ".join(f"{w}={n}" for w, n in totals.items()), f"docs={len(ids)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
