"""The real PDFs of the shared development corpus, read-only; skipped where the corpus is absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors import Limits
from extractors.reading import read_pages

CORPUS = Path("/work/shared/corpus")
TEXT_PDFS = sorted(p for p in CORPUS.glob("*.pdf") if not p.name.endswith(".scan.pdf")) if CORPUS.is_dir() else []


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@pytest.mark.skipif(not TEXT_PDFS, reason="the shared corpus is not on this machine")
@pytest.mark.parametrize("pdf", TEXT_PDFS, ids=lambda p: p.stem)
def test_text_pdf_equals_ground_truth(pdf: Path) -> None:
    _, pages = read_pages(pdf.read_bytes(), Limits())
    assert _squeeze("\n".join(p.text for p in pages)) == _squeeze(pdf.with_suffix(".txt").read_text("utf-8"))


SCAN = CORPUS / "pol_gangcheng_2021.scan.pdf"


@pytest.mark.skipif(not SCAN.is_file(), reason="the shared corpus is not on this machine")
def test_scanned_pdf_ocr_character_accuracy() -> None:
    _, pages = read_pages(SCAN.read_bytes(), Limits())
    assert all(p.ocr for p in pages)
    got = _squeeze("\n".join(p.text for p in pages))
    want = _squeeze((CORPUS / "pol_gangcheng_2021.txt").read_text("utf-8"))
    assert 1 - _edit_distance(got, want) / len(want) >= 0.97
