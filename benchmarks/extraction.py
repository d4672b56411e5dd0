"""Extraction benchmark: pages per second of the whole pipeline against bare pdfplumber, and peak memory.

    uv run python benchmarks/extraction.py [--pages 300] [--corpus /work/shared/corpus]

* ``ours``: ``extractors.extract`` (sandboxed reading + cleanup + NLP), wall time per document, child
  process start included;
* ``reference``: bare pdfplumber, ``page.extract_text()`` over every page, in this process;
* both over the same PDFs in the same run: the corpus text PDFs (when present) and a PDF of ``--pages``
  pages generated here with reportlab (CID font STSong-Light, no font file needed; every tenth page
  carries a ruled task-division table);
* ``peak_rss_mb``: peak resident memory of this process plus the largest peak of its parsing children,
  taken right after ``extract`` has read the generated PDF (and before bare pdfplumber reads it here).

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import time
from pathlib import Path

SAMPLE = [
    "为加快推进政府职能转变，打造市场化、法治化、国际化的一流营商环境，根据上级有关文件要求，结合我区实际，制定本方案。",
    "一、推进简政放权，释放发展活力",
    "（一）规范精简审批，进一步提高行政效能。",
    "1.及时承接落实国务院和省、市政府取消、下放和改变管理方式的行政权力事项。对省、市调整下放的行政权力事项，"
    "组织开展评估工作，保障各承接事项有效落实。（牵头单位：区政府办公室；责任单位：区政府有关部门）",
    "2.严格落实行政许可设定审查制度，开展行政许可实施情况监督，实施行政许可案卷评查，"
    "2021年12月底前完成。（牵头单位：区司法局；责任单位：区行政审批服务局）",
    "第十条 甲方应当自本合同签订之日起30日内向乙方交付项目用地，并协助乙方办理土地使用权登记手续。",
    "第十一条 乙方应当于2022年3月31日前开工建设，开工后24个月内竣工投产，项目总投资不低于6.5亿元。",
]
TABLE = [
    ["序号", "工作任务", "责任单位", "完成时限"],
    ["1", "建立政务诚信监督机制，定期开展督导检查", "市发展改革局", "2021年12月底前"],
    ["2", "编制并公布行政备案事项清单", "区司法局", "2021年6月底前"],
    ["3", "完善企业开办全程网上办理，压缩开办时间", "区行政审批服务局", "2021年9月底前"],
]


def paragraphs(corpus: Path | None) -> list[str]:
    if corpus is not None:
        texts = [p.read_text("utf-8") for p in sorted(corpus.glob("*.txt"))]
        lines = [line.strip() for text in texts for line in text.splitlines() if line.strip()]
        if lines:
            return lines
    return SAMPLE


def generate_pdf(pages: int, corpus: Path | None) -> bytes:
    """A Chinese policy-style PDF of exactly ``pages`` pages, a ruled table on every tenth page."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK")
    source = paragraphs(corpus)
    story: list[object] = []
    position = 0
    for page in range(pages):
        if page % 10 == 9:
            table = Table([[Paragraph(c, style) for c in row] for row in TABLE], colWidths=[40, 200, 120, 100])
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.8, colors.black)]))
            story += [Paragraph("附件：重点任务分工表", style), table]
        else:
            written = 0
            while written < 900:  # about a page of text
                text = source[position % len(source)]
                position += 1
                story.append(Paragraph(text, style))
                written += len(text) + 40
        story.append(PageBreak())
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=(595, 842), invariant=1).build(story)
    return buffer.getvalue()


def peak_rss_kb() -> int:
    """An upper bound of the process tree's peak: this process's peak resident memory plus the largest
    peak of any finished child (``getrusage``: free, exact, and no sampler thread to slow the run)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return int(own + children)


def bare_pdfplumber(data: bytes) -> tuple[int, float]:
    import pdfplumber

    started = time.perf_counter()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        count = 0
        for page in pdf.pages:
            page.extract_text()
            count += 1
    return count, time.perf_counter() - started


def ours(data: bytes) -> tuple[int, float]:
    from extractors import ExtractOptions, extract

    started = time.perf_counter()
    result = extract(data, ExtractOptions())
    return result.document.pages, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus"))
    args = parser.parse_args()
    corpus = args.corpus if args.corpus.is_dir() else None

    documents: list[tuple[str, bytes]] = []
    if corpus is not None:
        documents += [(p.name, p.read_bytes()) for p in sorted(corpus.glob("*.pdf")) if ".scan." not in p.name]
    started = time.perf_counter()
    big = generate_pdf(args.pages, corpus)
    print(f"generated {args.pages}-page PDF ({len(big) // 1024} KB) in {time.perf_counter() - started:.1f} s")
    documents.append((f"generated-{args.pages}p.pdf", big))

    totals = {"ours": [0, 0.0], "reference": [0, 0.0]}
    peak_kb = 0
    big_rates: dict[str, float] = {}
    for name, data in documents:
        pages, ours_seconds = ours(data)
        if name.startswith("generated"):
            peak_kb = peak_rss_kb()  # before bare pdfplumber, which keeps every page, runs in this process
        ref_pages, ref_seconds = bare_pdfplumber(data)
        for key, (n, seconds) in (("ours", (pages, ours_seconds)), ("reference", (ref_pages, ref_seconds))):
            totals[key][0] += n
            totals[key][1] += seconds
        if name.startswith("generated"):
            big_rates = {"ours": pages / ours_seconds, "reference": ref_pages / ref_seconds}
        print(
            f"{name:32} {pages:4d} pages  ours {pages / ours_seconds:7.1f} p/s  "
            f"pdfplumber {ref_pages / ref_seconds:7.1f} p/s",
            flush=True,
        )
    ours_rate = totals["ours"][0] / totals["ours"][1]
    reference_rate = totals["reference"][0] / totals["reference"][1]
    summary = {
        "ours": round(ours_rate, 2),
        "reference": round(reference_rate, 2),
        "ratio": round(ours_rate / reference_rate, 3),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "pages": totals["ours"][0],
        "documents": len(documents),
        "generated_pages": args.pages,
        "generated_ours": round(big_rates["ours"], 2),
        "generated_reference": round(big_rates["reference"], 2),
        "generated_ratio": round(big_rates["ours"] / big_rates["reference"], 3),
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    sys.exit(main())
