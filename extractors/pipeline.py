"""The extraction pipeline: bytes → pages → document facts → obligations.

Reading (``extractors.reading``) turns bytes into pages; the spaCy pipeline (``extractors.nlp``) finds
parties, structure, obligations, deadlines, amounts and categories over the joined page text.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from pathlib import Path
from typing import Literal

from extractors.model import (
    Category,
    DocumentInfo,
    DocumentKind,
    ExtractionResult,
    ExtractOptions,
    Obligation,
    Page,
)
from extractors.nlp import annotate
from extractors.reading import ProgressCallback, read_pages
from extractors.rules import Finding
from extractors.segment import squash_spaces

EXTRACTOR_VERSION = "spacy-rules-0.2"

_KIND_HINTS = (
    (
        DocumentKind.PPP,
        re.compile(r"PPP|特许经营|政府和社会资本合作|社会资本|concession|public.private partnership", re.I),
    ),
    (
        DocumentKind.INVESTMENT_PROMOTION,
        re.compile(r"招商引资|投资合作协议|投资协议|项目投资|合作投资|入园|落户|投资合同|investment agreement", re.I),
    ),
    (
        DocumentKind.POLICY_COMMITMENT,
        re.compile(
            r"实施方案|工作方案|任务分工|条例|办法|通知|意见|要点|规定|细则|\bregulations?\b|\bmeasures\b",
            re.I,
        ),
    ),
)


def detect_kind(text: str) -> DocumentKind:
    head = text[:3000]
    title = "\n".join(line for line in head.splitlines()[:4] if line.strip())
    for kind, pattern in _KIND_HINTS:  # the title decides first, then the opening text
        if pattern.search(title):
            return kind
    for kind, pattern in _KIND_HINTS:
        if pattern.search(head):
            return kind
    return DocumentKind.OTHER


def detect_language(text: str) -> Literal["zh", "en"]:
    sample = text[:5000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    return "zh" if cjk >= max(20, len(sample) // 20) else "en"


def _action(text: str, finding: Finding) -> str:
    """A short verb phrase: what follows the modal, or the clause start for bare tasks."""
    start = 0
    if finding.modal and finding.modal in text and finding.basis == "modal":
        start = text.index(finding.modal) + len(finding.modal)
    if re.search(r"[\u4e00-\u9fff]", text):
        action = re.split(r"[，。；,;]", text[start:].strip(), maxsplit=1)[0].strip()
    else:  # English: commas enclose asides (shall, by written notice, inform …)
        rest = re.sub(r"^\s*,[^,]{0,60},", "", text[start:])
        action = re.split(r"[.;]\s", rest.strip(" ,"), maxsplit=1)[0].strip()
    if not action:
        action = re.split(r"[，。；,;]", text.strip(), maxsplit=1)[0]
    return action[:60]


_PENALTY = re.compile(
    r"(?:逾期|未按|未能|未如期|违反|否则|如[^，。；]{0,6}未)[^。；\n]{0,80}?"
    r"(?:违约金|赔偿|罚款|滞纳金|收回|解除|无偿收回|承担[^，。；]{0,10}责任)[^。；\n]*"
    r"|\b(?:failing which|in case of (?:delay|default)|shall be liable)\b[^.;\n]*",
    re.I,
)


def _penalty(text: str, start: int, end: int) -> str | None:
    """The consequence of breaking an obligation (逾期…支付违约金), in its clause or right after it."""
    first_break = re.search(r"[，,]", text[start:end])
    inside = text[start + first_break.end() : end] if first_break else ""
    stop = text.find("\n", end)
    window = inside + "\n" + text[end : stop if stop >= 0 else len(text)][:240]
    m = _PENALTY.search(window)
    return m.group(0).strip("，,；; ") if m else None


def extract(
    data: bytes, options: ExtractOptions | None = None, progress: ProgressCallback | None = None
) -> ExtractionResult:
    options = options or ExtractOptions()
    media_type, pages = read_pages(data, options.limits, progress, ocr=options.ocr)
    text = "\n".join(p.text for p in pages)
    language = detect_language(text)
    kind = options.kind or detect_kind(squash_spaces(text))
    starts = [p.start for p in pages]
    obligations: list[Obligation] = []
    parties = None
    for offset, piece in pieces(
        text, options.piece_chars
    ):  # one piece unless the text is longer than spaCy takes at once
        doc = annotate(piece, kind=kind, language=language, signed_on=options.signed_on)
        if parties is None:
            parties = doc._.chengxin.parties  # the parties are named in the preamble, at the start
        for span in doc.spans["obligations"]:
            finding: Finding = span._.finding
            start, end = finding.start + offset, finding.end + offset
            clause = text[start:end]
            obligations.append(
                Obligation(
                    text=clause,
                    page=_page_of(pages, starts, start),
                    start=start,
                    end=end,
                    obligor=finding.obligor,
                    responsible=finding.responsible,
                    category=span._.category or Category.OTHER,
                    action=_action(clause, finding),
                    deadline=span._.deadline,
                    amount=span._.amount,
                    conditions=finding.conditions,
                    penalty=_penalty(text, start, end),
                    confidence=finding.confidence,
                )
            )
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    info = DocumentInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        pages=sum(1 for p in pages if p.number is not None) or 1,
        language=language,
        kind=kind,
        title=title[:200] if title else None,
        signed_on=options.signed_on,
        parties=parties or (),
        media_type=media_type,
        ocr=any(p.ocr for p in pages),
    )
    return ExtractionResult(
        document=info, obligations=tuple(obligations), text=text, extractor_version=EXTRACTOR_VERSION
    )


def pieces(text: str, size: int) -> list[tuple[int, str]]:
    """``(offset, piece)`` splits of ``text`` at line breaks, each at most ``size`` characters (a line longer
    than that is cut where it must); the whole text as one piece when it fits, so that normal documents are
    annotated exactly as before."""
    if len(text) <= size:
        return [(0, text)]
    out = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def _page_of(pages: list[Page], starts: list[int], offset: int) -> int | None:
    index = bisect.bisect_right(starts, offset) - 1
    return pages[max(0, index)].number if pages else None


def extract_path(
    path: str | Path, options: ExtractOptions | None = None, progress: ProgressCallback | None = None
) -> ExtractionResult:
    path = Path(path)
    options = (options or ExtractOptions()).replace(filename=path.name)
    return extract(path.read_bytes(), options, progress)
