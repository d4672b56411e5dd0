"""The extraction pipeline: bytes → pages → document facts → obligations.

Reading (``extractors.reading``) turns bytes into pages; ``annotate`` runs the steps over the joined page
text, each a plain function of the one before:

    parties       the party table of the contract head             ``parties.find_parties``
    mode          the document's kind of text (regulation, plan …)  ``rules.document_mode``
    obligations   obligation clauses, obligor, responsible units    ``rules.find_obligations``
    deadlines     the Civil-Code deadline of each clause            ``deadlines.resolve_deadline``
    amounts       the money figure of each clause                   ``amounts.find_amount``
    categories    the category (a trained spaCy ``textcat``)        ``nlp.categorize``

Only the last step needs spaCy; its model starts loading in a thread while a PDF or Word file is read in
its child process (``nlp.preload``).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Literal

from extractors import learn, nlp
from extractors.amounts import find_amount
from extractors.deadlines import resolve_deadline
from extractors.lexicon import ADDRESSEE_LINE
from extractors.model import (
    EXTRACTOR_VERSION,
    Amount,
    Anchor,
    Category,
    Deadline,
    DocumentInfo,
    DocumentKind,
    ExtractionResult,
    ExtractOptions,
    Obligation,
    Page,
    Party,
)
from extractors.parties import find_parties
from extractors.reading import ProgressCallback, read_pages
from extractors.rules import Finding, document_mode, find_obligations
from extractors.segment import TIME_FIELD, paragraphs, squash, squash_spaces

_KIND_HINTS = (
    (
        DocumentKind.PPP,
        re.compile(
            r"PPP|特许经营|特许权|政府和社会资本合作|社会资本|(?-i:(?<![A-Za-z])(?:BOT|BOOT?|[TR]OT)(?![A-Za-z]))"
            r"|concession|public.private partnership",
            re.I,
        ),
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


#: what only a PPP contract speaks of, besides its name (PPP, 特许经营): the government's implementing agency, the
#: payment mechanisms of a PPP project, the project facilities the project company operates and maintains; read
#: only in a text already known to be an agreement (a plan may name an 实施机构 too)
_PPP_CONTRACT = re.compile(r"实施机构|可行性缺口补助|政府付费|使用者付费|特许期|项目设施|运营维护|运维")


#: what a document calls itself: the last word of its title (合同 / 办法 / 通知 …)
_TITLE_END = (
    (
        DocumentKind.INVESTMENT_PROMOTION,
        re.compile(r"(?:合同|协议|契约|意向|备忘录|agreements?|contracts?|deeds?)书?$", re.I),
    ),
    (
        DocumentKind.POLICY_COMMITMENT,
        re.compile(
            r"(?:条例|办法|规定|细则|规则|方案|通知|意见|要点|决定|规划|计划|(?<!方)法典?|regulations?|rules|measures|acts?)$",
            re.I,
        ),
    ),
)
_TITLE_TRIM = re.compile(
    r"(?:[（(〔\[][^）)〕\]]{0,20}[）)〕\]]|[\s《》“”\"'：:，,。.\-—_＿]|范本|样本|文本|示范|草案|要点)+$"
)
#: words only a contract uses of itself and its parties
_CONTRACT_TALK = re.compile(r"本(?:协议|合同|契约)|项目公司|[甲乙丙]方|\bParty [AB]\b|this (?:Agreement|Contract)")
_PARTY_LINE = re.compile(
    r"^\s*(?:甲方|乙方|发包方|承包方|出租方|承租方|出让方|受让方|贷款方|借款方|供[水电气]方|用[水电气]方|Party\s+[AB])\s*[：:]",
    re.M,
)

#: a line that reads as a sentence, not a title: a clause break inside, or a full stop at its end
_SENTENCE = re.compile(r"[，；]|。\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: a contract word anywhere in a title wins over what the title ends with, except a policy ending
_CONTRACT_WORD = re.compile(r"(?:合同|协议|契约)(?!法)|\b(?:agreements?|contracts?)\b", re.I)
_LAW_TITLE = re.compile(r"\b(?:law|regulations?|measures|rules|provisions)\b|关于", re.I)


def _title_kind(line: str) -> DocumentKind | None:
    trimmed = line.strip()
    if len(trimmed) > (60 if _CJK.search(trimmed) else 150) or _SENTENCE.search(trimmed):
        return None  # a preamble sentence (…特制定本实施方案。) names no kind by its last word
    for _ in range(3):  # （示范文本）（试行）… may stack
        trimmed = _TITLE_TRIM.sub("", trimmed)
    for kind, pattern in _TITLE_END:
        if pattern.search(trimmed):
            return kind
    if _LAW_TITLE.search(trimmed):  # Contract Law of …, Regulations on Contracts for …
        return DocumentKind.POLICY_COMMITMENT
    if _CONTRACT_WORD.search(trimmed):  # 合同 / agreement not last: 施工合同通用条款, AGREEMENT between A and B
        return DocumentKind.INVESTMENT_PROMOTION
    return None


def _ppp(text: str) -> bool:
    """Whether an agreement is a PPP one: it names itself so (PPP, 特许经营) or speaks of what only a PPP
    agreement has."""
    return bool(_KIND_HINTS[0][1].search(text) or _PPP_CONTRACT.search(text))


def detect_kind(text: str) -> DocumentKind:
    """The kind a document calls itself in its title, else what its opening text is about.

    A contract's title ends with 合同/协议/协议书/契约 (agreement, contract) even when its preamble cites a
    regulation; a regulation or plan ends with 条例/办法/方案/通知 … even when it is about contracts."""
    head = text[:3000]
    lines = [line for line in head.splitlines()[:4] if line.strip()]
    title = "\n".join(lines)
    for line in lines:
        kind = _title_kind(line)
        if kind == DocumentKind.INVESTMENT_PROMOTION:
            return DocumentKind.PPP if _ppp(head) else kind
        if kind is not None:
            return kind
    if len(_PARTY_LINE.findall(head)) >= 2:  # 甲方：… 乙方：… at the head: an agreement whatever its title
        return DocumentKind.PPP if _ppp(head) else DocumentKind.INVESTMENT_PROMOTION
    if ADDRESSEE_LINE.search(head[:300]):  # 各区县人民政府，市直各部门： — a notice
        return DocumentKind.POLICY_COMMITMENT
    if len(_CONTRACT_TALK.findall(head)) >= 2:  # an excerpt that talks of its parties (项目公司 应…, 本协议…)
        return DocumentKind.PPP if _ppp(head) else DocumentKind.INVESTMENT_PROMOTION
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


@dataclasses.dataclass(frozen=True, slots=True)
class Found:
    """One obligation clause of an annotated text, with what the later steps read from it."""

    finding: Finding  # offsets into the annotated text
    deadline: Deadline
    amount: Amount | None
    category: Category


def clause_text(text: str, finding: Finding) -> str:
    """The clause text of a finding, without line-wrap spaces between CJK characters, and with a wrapped line of
    English joined by one space (within 20 working\ndays is within 20 working days)."""
    clause = text[finding.start : finding.end]
    clause = re.sub(r"(?<=[\u4e00-\u9fff\d])\s*\n\s*(?=[\u4e00-\u9fff\d])", "", clause)
    clause = re.sub(r"(?<=[A-Za-z0-9,;)])[ \t]*\n[ \t]*(?=[A-Za-z0-9(])", " ", clause)
    return squash_spaces(clause)


def annotate(
    text: str, *, kind: DocumentKind, language: str, signed_on: date | None
) -> tuple[tuple[Party, ...], list[Found]]:
    """The party table and the obligations of ``text``, each with its deadline, amount and category.

    Parties, mode and clauses are read on the text without layout artefacts (``segment.squash``); the
    findings' offsets are mapped back into ``text``."""
    clean, index = squash(text)
    parties = find_parties(clean, str(kind))
    paras = paragraphs(clean)
    mode = document_mode(clean, kind, language, signed_on, paras)
    findings = [
        dataclasses.replace(found, start=index[found.start], end=index[found.end - 1] + 1)
        for found in find_obligations(clean, mode=mode, parties=parties, anchor=signed_on, paras=paras)
    ]
    texts = [clause_text(text, finding) for finding in findings]
    default_anchor: Anchor | None = "signing" if mode.contract else None
    read = functools.partial(
        resolve_deadline,
        anchor=signed_on,
        year=mode.year,
        default_anchor=default_anchor,
        effective_is_signing=mode.effective_is_signing,
    )
    deadlines = []
    for finding, clause in zip(findings, texts, strict=True):
        deadline = read(clause)
        field = TIME_FIELD.search(finding.note) if finding.note else None
        if field is not None and finding.note is not None:
            # a plan's note that states the time (完成时限：2019年9月底) sets the task's deadline
            stated = read(finding.note[field.start() :])
            if stated.kind in ("absolute", "relative", "recurring"):
                deadline = stated
        if deadline.kind == "none" and deadline.text is None and finding.note:
            deadline = read(finding.note)
        deadlines.append(deadline)
    categories = nlp.categorize(texts, english=language == "en")
    found = [
        Found(finding, deadline, find_amount(clause), category)
        for finding, clause, deadline, category in zip(findings, texts, deadlines, categories, strict=True)
    ]
    return parties, found


def extract(
    data: bytes, options: ExtractOptions | None = None, progress: ProgressCallback | None = None
) -> ExtractionResult:
    options = options or ExtractOptions()
    if b"%PDF-" in data[:1024] or data.startswith(b"PK"):  # a PDF or Word file: parsed in a child process
        nlp.preload()  # spaCy loads on the other core meanwhile
    media_type, pages = read_pages(data, options.limits, progress, ocr=options.ocr, filename=options.filename)
    text = "\n".join(p.text for p in pages)
    language = detect_language(text)
    kind = options.kind or detect_kind(squash_spaces(text))
    starts = [p.start for p in pages]
    obligations: list[Obligation] = []
    parties = None
    for offset, piece in pieces(text, options.piece_chars):  # one piece unless the text is very long
        piece_parties, found = annotate(piece, kind=kind, language=language, signed_on=options.signed_on)
        if parties is None:
            parties = piece_parties  # the parties are named in the preamble, at the start
        for item in found:
            finding = item.finding
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
                    category=item.category,
                    action=_action(clause, finding),
                    deadline=item.deadline,
                    amount=item.amount,
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
    result = ExtractionResult(
        document=info, obligations=tuple(obligations), text=text, extractor_version=EXTRACTOR_VERSION
    )
    if options.learned:
        models = learn.load(options.models or learn.DEFAULT_MODELS)
        if models is not None:
            result = correct(result, models, pages)
    return result


def correct(result: ExtractionResult, models: learn.LearnedModels, pages: list[Page] | None = None) -> ExtractionResult:
    """The rules' result corrected by the learned clause and role models (``extractors.learn``)."""
    info = result.document
    corrected = learn.apply(
        result.obligations,
        result.text,
        kind=info.kind,
        parties=info.parties,
        signed_on=info.signed_on,
        models=models,
        english=info.language == "en",
    )
    starts = [p.start for p in pages or []]
    obligations = tuple(o if o.page is not None or not pages else _with_page(o, pages, starts) for o in corrected)
    return dataclasses.replace(result, obligations=obligations)


def _with_page(ob: Obligation, pages: list[Page], starts: list[int]) -> Obligation:
    """An obligation the learned clause model added: its page and its category by keyword."""
    return dataclasses.replace(
        ob,
        page=_page_of(pages, starts, ob.start),
        category=nlp.keyword_category(ob.text),
        action=re.split(r"[，。；,;]", ob.text.strip(), maxsplit=1)[0][:60],
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
