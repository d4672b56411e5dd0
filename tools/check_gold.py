"""Check gold annotation files against the corpus conventions (schema, quotes, dates) and count them.

    uv run python tools/check_gold.py [extractors/corpus/docs] [--second extractors/corpus/second]

For every ``<doc_id>.gold.json`` in the folder: the ``<doc_id>.txt`` beside it (or, for a second annotation,
in the primary folder) must exist; every quote must be an exact substring of it and at most 200 characters;
roles, deadline kinds, units and anchors must come from the convention's vocabularies; dates must parse; a
relative deadline anchored at signing with a day/month/year offset must carry the date the Civil Code gives.
Exit status 1 when any file has an error. Only the standard library is used, so annotators can run it anywhere.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

ROLES = {"government", "counterparty", "other"}
KINDS = {"investment_promotion", "ppp", "policy_commitment"}
DEADLINE_KINDS = {"absolute", "relative", "recurring", "none"}
UNITS = {"day", "workday", "week", "month", "year"}
ANCHORS = {"signing", "other", None}
#: a template's blank date: underscores, or 年月日 with the figures left out (20  年  月  日)
_BLANK_DATE = re.compile(r"[_＿]|(?<!\d)年\s*(?:\d{1,2}\s*)?月\s*日|(?<!\d)月\s*日")


def expected_date(signed_on: date, value: int, unit: str) -> date | None:
    """Civil Code arts. 201-203 without the rest-day shift (the convention's gold dates)."""
    if unit == "day":
        return signed_on + timedelta(days=value)
    if unit == "week":
        return signed_on + timedelta(days=7 * value)
    if unit == "month":
        return signed_on + relativedelta(months=value)
    if unit == "year":
        return signed_on + relativedelta(years=value)
    return None


def check_file(path: Path, text_dir: Path) -> tuple[list[str], int]:
    errors: list[str] = []
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"unreadable JSON: {exc}"], 0
    doc_id = path.name.removesuffix(".gold.json")
    if gold.get("doc_id") != doc_id:
        errors.append(f"doc_id {gold.get('doc_id')!r} differs from the file name")
    txt = text_dir / f"{doc_id}.txt"
    if not txt.exists():
        return [*errors, f"no text file {txt}"], 0
    text = txt.read_text(encoding="utf-8")
    if gold.get("kind") not in KINDS:
        errors.append(f"kind {gold.get('kind')!r} not in {sorted(KINDS)}")
    if gold.get("language") not in {"zh", "en"}:
        errors.append("language must be zh or en")
    try:
        signed_on = date.fromisoformat(gold["signed_on"])
    except (KeyError, TypeError, ValueError):
        return [*errors, "signed_on missing or not YYYY-MM-DD"], 0
    if not gold.get("signed_on_note"):
        errors.append("signed_on_note missing (from text (...) | chosen: ...)")
    obligations = gold.get("obligations")
    if not isinstance(obligations, list):
        return [*errors, "obligations must be a list"], 0
    seen: set[str] = set()
    for i, ob in enumerate(obligations):
        where = f"#{i} {str(ob.get('quote'))[:30]!r}"
        quote = ob.get("quote")
        if not isinstance(quote, str) or not quote:
            errors.append(f"{where}: quote missing")
            continue
        if quote not in text:
            errors.append(f"{where}: quote is not an exact substring of {txt.name}")
        if len(quote) > 200:
            errors.append(f"{where}: quote longer than 200 characters ({len(quote)})")
        if quote in seen:
            errors.append(f"{where}: duplicate quote")
        seen.add(quote)
        if ob.get("obligor_role") not in ROLES:
            errors.append(f"{where}: obligor_role {ob.get('obligor_role')!r}")
        if ob.get("obligor") is not None and not isinstance(ob.get("obligor"), str):
            errors.append(f"{where}: obligor must be a string or null")
        resp = ob.get("responsible", [])
        if not isinstance(resp, list) or not all(isinstance(r, str) for r in resp):
            errors.append(f"{where}: responsible must be a list of strings")
        errors += [f"{where}: {e}" for e in _check_deadline(ob.get("deadline"), signed_on)]
        amount = ob.get("amount")
        if amount is not None and (
            not isinstance(amount, dict)
            or not isinstance(amount.get("value"), int | float)
            or not amount.get("currency")
        ):
            errors.append(f"{where}: amount must be null or {{value: number, currency}}")
    return errors, len(obligations)


def _check_deadline(dl: object, signed_on: date) -> list[str]:
    if not isinstance(dl, dict):
        return ["deadline missing"]
    errors = []
    kind = dl.get("kind")
    if kind not in DEADLINE_KINDS:
        errors.append(f"deadline kind {kind!r}")
    if dl.get("anchor") not in ANCHORS:
        errors.append(f"deadline anchor {dl.get('anchor')!r}")
    parsed = None
    if dl.get("date") is not None:
        try:
            parsed = date.fromisoformat(dl["date"])
        except (TypeError, ValueError):
            errors.append(f"deadline date {dl.get('date')!r}")
    offset = dl.get("offset")
    if offset is not None:
        if not isinstance(offset, dict) or offset.get("unit") not in UNITS or not isinstance(offset.get("value"), int):
            errors.append(f"deadline offset {offset!r}")
        elif kind == "relative" and dl.get("anchor") == "signing" and offset["unit"] != "workday":
            want = expected_date(signed_on, offset["value"], offset["unit"])
            if parsed != want:
                errors.append(f"relative to signing: date should be {want} (signed_on + offset), is {parsed}")
    if kind == "none" and (parsed or offset):
        errors.append("kind none carries no date or offset")
    if kind == "absolute" and parsed is None and not _BLANK_DATE.search(str(dl.get("text"))):
        errors.append("absolute deadline without a date (only a template blank may leave it null)")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="extractors/corpus/docs", type=Path)
    parser.add_argument("--second", type=Path, help="folder of second, independent annotations")
    args = parser.parse_args(argv)
    failed = False
    for folder, text_dir in [(args.folder, args.folder)] + ([(args.second, args.folder)] if args.second else []):
        total = docs = 0
        for path in sorted(folder.glob("*.gold.json")):
            errors, n = check_file(path, text_dir)
            docs += 1
            total += n
            for e in errors:
                print(f"{path.name}: {e}")
            failed |= bool(errors)
        print(f"{folder}: {docs} documents, {total} obligations")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
