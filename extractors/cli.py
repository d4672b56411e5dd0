"""Command line: ``python -m extractors PATH [--signed-on D] [--kind K] --json`` and
``python -m extractors deadline "PHRASE" [--anchor D] --json``.

``main(argv)`` returns the exit code so the product CLI can reuse it: 0 on success, 1 when the document
cannot be read (the one-line reason goes to stderr), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from extractors.deadlines import resolve_deadline
from extractors.errors import ExtractionError
from extractors.model import DocumentKind, ExtractOptions
from extractors.pipeline import extract_path

__all__ = ["main"]

_KINDS = ("auto", *(k.value for k in DocumentKind))


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from exc


def _extract_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m extractors", description="Extract obligations from a document.")
    parser.add_argument("path", help="PDF, DOCX or text file")
    parser.add_argument("--signed-on", type=_date, default=None, help="signing date, anchor of relative deadlines")
    parser.add_argument("--kind", choices=_KINDS, default="auto", help="document kind (default: detect)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _deadline_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m extractors deadline", description="Resolve one deadline phrase.")
    parser.add_argument("phrase")
    parser.add_argument("--anchor", type=_date, default=None, help="signing date the phrase counts from")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _print(payload: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(payload, ensure_ascii=False))
    else:
        for key, value in payload.items():
            print(f"{key}: {value}")


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "deadline":
        dargs = _deadline_parser().parse_args(args_list[1:])
        deadline = resolve_deadline(dargs.phrase, dargs.anchor)
        _print(deadline.to_dict(), dargs.json)
        return 0
    args = _extract_parser().parse_args(args_list)
    kind = None if args.kind == "auto" else DocumentKind(args.kind)
    try:
        result = extract_path(args.path, ExtractOptions(signed_on=args.signed_on, kind=kind))
    except ExtractionError as exc:
        print(exc.reason, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法打开文件 (cannot open file): {exc.strerror or exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        for ob in result.obligations:
            when = ob.deadline.date or ob.deadline.text or ""
            print(f"[{ob.obligor.role}] {ob.obligor.name or '-'}: {ob.text} {when}")
    return 0
