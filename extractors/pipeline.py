"""The extraction pipeline: bytes → pages → document facts → obligations."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from extractors.model import DocumentInfo, DocumentKind, ExtractionResult, ExtractOptions
from extractors.reading import ProgressCallback, read_pages
from extractors.rules import find_obligations, find_parties

EXTRACTOR_VERSION = "rules-0.1"

_KIND_HINTS = (
    (DocumentKind.PPP, re.compile(r"PPP|特许经营|政府和社会资本合作|社会资本|concession", re.I)),
    (DocumentKind.INVESTMENT_PROMOTION, re.compile(r"招商引资|投资合作协议|投资协议|项目投资|入园|落户")),
    (DocumentKind.POLICY_COMMITMENT, re.compile(r"实施方案|工作方案|任务分工|条例|办法|通知|意见|要点")),
)


def detect_kind(text: str) -> DocumentKind:
    head = text[:3000]
    for kind, pattern in _KIND_HINTS:
        if pattern.search(head):
            return kind
    return DocumentKind.OTHER


def detect_language(text: str) -> str:
    sample = text[:5000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    return "zh" if cjk >= max(20, len(sample) // 20) else "en"


def extract(data: bytes, options: ExtractOptions | None = None, progress: ProgressCallback | None = None) -> ExtractionResult:
    options = options or ExtractOptions()
    media_type, pages = read_pages(data, options.limits, progress, ocr=options.ocr)
    text = "\n".join(p.text for p in pages)
    kind = options.kind or detect_kind(text)
    parties = find_parties(text)
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    info = DocumentInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        pages=sum(1 for p in pages if p.number is not None) or 1,
        language="zh" if detect_language(text) == "zh" else "en",
        kind=kind,
        title=title[:200] if title else None,
        signed_on=options.signed_on,
        parties=parties,
        media_type=media_type,
        ocr=any(p.ocr for p in pages),
    )
    obligations = tuple(find_obligations(pages, kind, parties, options.signed_on))
    return ExtractionResult(document=info, obligations=obligations, text=text, extractor_version=EXTRACTOR_VERSION)


def extract_path(path: str | Path, options: ExtractOptions | None = None, progress: ProgressCallback | None = None) -> ExtractionResult:
    path = Path(path)
    options = (options or ExtractOptions()).replace(filename=path.name)
    return extract(path.read_bytes(), options, progress)
