"""Texts longer than spaCy takes at once are annotated in pieces cut at line breaks; a text that fits is one
piece, so normal documents come out exactly as before."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.model import ExtractOptions
from extractors.pipeline import extract, pieces
from tests.reading_builders import docx_file

CLAUSE = "第{}条 甲方应当于2025年12月31日前向乙方支付补助资金{}万元。\n"
PREAMBLE = "投资合作协议\n甲方：佛山市南海区人民政府\n乙方：佛山市某某科技有限公司\n"


def _contract(clauses: int) -> str:
    return PREAMBLE + "".join(CLAUSE.format(i, i + 1) for i in range(clauses))


@pytest.mark.parametrize("size", [1, 7, 40, 1000])
def test_pieces_cover_the_text_in_order(size: int) -> None:
    text = "一二三\n四五六七八九十\n\n甲乙丙丁戊己庚辛壬癸子丑寅卯\n末"
    cut = pieces(text, size)
    assert "".join(piece for _, piece in cut) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in cut)
    assert all(len(piece) <= size for _, piece in cut)
    if size >= len(text):
        assert cut == [(0, text)]


def test_pieces_end_at_line_breaks_when_they_can() -> None:
    assert [piece for _, piece in pieces("aaaa\nbbbb\ncccc\n", 11)] == ["aaaa\nbbbb\n", "cccc\n"]


def test_a_long_text_in_pieces_finds_every_obligation_where_it_is() -> None:
    text = _contract(60)
    whole = extract(text.encode())
    cut = extract(text.encode(), ExtractOptions(piece_chars=400))
    assert len(pieces(whole.text, 400)) > 5
    assert len(cut.obligations) == len(whole.obligations) == 60
    for a, b in zip(whole.obligations, cut.obligations, strict=True):
        assert (b.start, b.end, b.text, b.category, b.amount, b.deadline) == (
            a.start,
            a.end,
            a.text,
            a.category,
            a.amount,
            a.deadline,
        )
        assert cut.text[b.start : b.end] == b.text
    assert cut.document.parties == whole.document.parties


def _run_cli(path: Path) -> tuple[int, str, str]:
    from extractors.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(path), "--json"])
    return code, out.getvalue(), err.getvalue()


LAST = "第九千条 甲方应当于2026年3月31日前向乙方返还履约保证金50万元。"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "build"),
    [
        pytest.param(
            "lines.txt", lambda: (PREAMBLE + "".join(f"{i}\n" for i in range(1_000_000)) + LAST).encode(), id="1M-lines"
        ),
        pytest.param(
            "paragraphs.docx",
            lambda: docx_file([*PREAMBLE.splitlines(), *(f"段落{i}" for i in range(50_000)), LAST]),
            id="50k-paragraphs",
        ),
    ],
)
def test_a_million_lines_and_fifty_thousand_paragraphs_are_read_in_pieces(
    tmp_path: Path, name: str, build: Callable[[], bytes]
) -> None:
    path = tmp_path / name
    path.write_bytes(build())
    code, out, err = _run_cli(path)
    assert code == 0, err[:500]
    result = json.loads(out)
    assert [p["name"] for p in result["document"]["parties"]] == ["佛山市南海区人民政府", "佛山市某某科技有限公司"]
    if name.endswith(".docx"):  # a million digit lines read as English, so the Chinese clause is not sought there
        last = [ob for ob in result["obligations"] if "履约保证金" in ob["text"]]
        assert len(last) == 1, out[:500]
        assert last[0]["text"] in LAST
