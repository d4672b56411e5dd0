"""Lay out the corpus texts as PDFs, the way the shared development PDFs were made, to score PDF input.

    uv run python benchmarks/make_pdfs.py OUT_DIR [--corpus extractors/corpus/docs]
    uv run python benchmarks/corpus_cv.py --rules-only --corpus OUT_DIR --input pdf

Needs LibreOffice (``soffice``) and the fonts ``Noto Serif CJK SC`` and ``Liberation Serif``
(Debian: ``apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-liberation``).

Per document, as ``../shared/corpus/README.md`` describes its PDFs: a DOCX written with python-docx (A4,
12 pt, Noto Serif CJK SC for Chinese, Liberation Serif for English, the first line centred and bold, one
paragraph per line of the text), converted by ``soffice --headless --convert-to pdf``. The margins (26 mm
left and right, 25 mm top and bottom) and no space after a paragraph reproduce the shared PDFs' lines and
pages: every line of the 8 shared text PDFs comes out the same, page breaks in 6 of them. Beside each PDF go
the ``.gold.json`` and the ``.txt``, so that OUT_DIR is a corpus folder for ``corpus_cv.py`` and for the
shared scorer (``--dir OUT_DIR --ext pdf``). OUT_DIR must be outside the repository.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = {"zh": "Noto Serif CJK SC", "en": "Liberation Serif"}
BATCH = 20  # documents per soffice run


def write_docx(text: str, language: str, out: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    font = FONTS.get(language, FONTS["zh"])
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(26)
    section.top_margin = section.bottom_margin = Mm(25)
    style = document.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(12)
    style.paragraph_format.space_after = Pt(0)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        run.font.name = font
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
        if index == 0:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = True
    document.save(str(out))


def make_pdfs(corpus: Path, out: Path) -> list[str]:
    """Write ``<doc_id>.pdf`` (with its gold and text) to ``out`` for every annotated document of ``corpus``."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice (LibreOffice) is not installed")
    out.mkdir(parents=True, exist_ok=True)
    done = []
    with tempfile.TemporaryDirectory() as tmp:
        docx_paths = []
        for gold_path in sorted(corpus.glob("*.gold.json")):
            doc_id = gold_path.name.removesuffix(".gold.json")
            gold = json.loads(gold_path.read_text("utf-8"))
            text_path = corpus / f"{doc_id}.txt"
            docx_path = Path(tmp) / f"{doc_id}.docx"
            write_docx(text_path.read_text("utf-8"), gold.get("language", "zh"), docx_path)
            docx_paths.append(docx_path)
            shutil.copy(gold_path, out / gold_path.name)
            shutil.copy(text_path, out / text_path.name)
            done.append(doc_id)
        profile = (Path(tmp) / "profile").as_uri()  # a LibreOffice profile of its own: no clash with a running one
        for start in range(0, len(docx_paths), BATCH):
            subprocess.run(
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out)]
                + [str(p) for p in docx_paths[start : start + BATCH]],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
    missing = [d for d in done if not (out / f"{d}.pdf").is_file()]
    if missing:
        raise SystemExit(f"soffice wrote no PDF for {', '.join(missing)}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PDFs, outside the repository")
    parser.add_argument("--corpus", type=Path, default=ROOT / "extractors" / "corpus" / "docs")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out.is_relative_to(ROOT):
        raise SystemExit(f"{out} is inside the repository: write the PDFs elsewhere (e.g. /tmp)")
    done = make_pdfs(args.corpus, out)
    print(f"{len(done)} PDFs in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
