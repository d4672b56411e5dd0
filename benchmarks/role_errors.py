"""The obligor-role and obligor errors of a cross-validation report, per fold and document, by class.

    uv run python benchmarks/corpus_cv.py --rules-only --out /tmp/cv.json
    uv run python benchmarks/role_errors.py /tmp/cv.json [--fold web_ppp] [--doc DOC] [--limit 20]

Each error is printed as ``gold role → predicted role`` (or the obligors) with the start of the gold quote,
so that an error class (a subject the rules missed, a party with the wrong role) can be read off a fold
before it is fixed. It reads the report only; nothing is scored here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def _line(error: dict[str, Any], key: str) -> str:
    quote = " ".join(str(error["gold"]).split())[:70]
    if key == "wrong_role":
        return (
            f"  role {error['gold_role']}→{error['pred_role']}  "
            f"[{error.get('gold_obligor')} | {error.get('pred_obligor')}]  {quote}"
        )
    return f"  obligor [{error.get('gold_obligor')} ({error.get('source')}) | {error.get('pred_obligor')}]  {quote}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="a corpus_cv.py --out report")
    parser.add_argument("--fold", help="only this fold")
    parser.add_argument("--doc", help="only this document")
    parser.add_argument("--limit", type=int, default=1000, help="errors printed per document and kind")
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text("utf-8"))
    classes: Counter[tuple[str, str]] = Counter()
    for doc in report.get("documents", []):
        if (args.fold and doc["fold"] != args.fold) or (args.doc and doc["doc_id"] != args.doc):
            continue
        roles, obligors = doc["wrong_role"], doc["wrong_obligor"]
        for e in roles:
            classes[(doc["fold"], f"{e['gold_role']}→{e['pred_role']}")] += 1
        if not roles and not obligors:
            continue
        print(
            f"{doc['fold']} {doc['doc_id']}: matched {doc['matched']}, role errors {len(roles)}, "
            f"obligor errors {len(obligors)}"
        )
        for key, errors in (("wrong_role", roles), ("wrong_obligor", obligors)):
            for e in errors[: args.limit]:
                print(_line(e, key))
    print("\nrole error classes:")
    for (fold, cls), n in sorted(classes.items(), key=lambda kv: (kv[0][0], -kv[1])):
        print(f"  {fold:8} {cls:28} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
