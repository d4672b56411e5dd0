"""The registered spaCy components of the extraction pipeline.

Each component class is separate from its ``@Language.factory`` registration, and the factory's
arguments mirror its ``default_config``. Finding and writing are separate steps: the rule modules
(``extractors.rules``, ``deadlines``, ``amounts``, ``parties``) find, the components write labelled
spans to ``doc.spans[key]`` and values to ``Span._`` extensions.

    chengxin_parties      party labels and bodies (PhraseMatcher)        → doc.spans["parties"]
    chengxin_structure    paragraphs with clause numbers, unit notes     → doc.spans["paragraphs"], ["notes"]
    chengxin_obligations  obligation clauses, obligor, responsible units → doc.spans["obligations"],
                                                                           span._.finding
    chengxin_deadlines    Civil-Code deadline of each obligation         → span._.deadline
    chengxin_amounts      money figure of each obligation               → span._.amount
    chengxin_category     obligation category (trained textcat)          → span._.category
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.amounts import find_amount
from extractors.deadlines import resolve_deadline
from extractors.model import Anchor, Category, DocumentKind, Party
from extractors.parties import LABELS, find_parties, role_of_name
from extractors.rules import DocumentMode, Finding, document_mode, find_obligations
from extractors.segment import find_notes, paragraphs, squash, squash_spaces

__all__ = ["DocContext", "register_extensions"]


@dataclass(slots=True)
class DocContext:
    """Per-document inputs (set before the pipeline runs) and document-level results."""

    kind: DocumentKind
    language: str
    signed_on: date | None
    parties: tuple[Party, ...] = ()
    mode: DocumentMode | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def register_extensions() -> None:
    """Register the Doc/Span extensions, only those not yet registered."""
    if not Doc.has_extension("chengxin"):
        Doc.set_extension("chengxin", default=None)
    for name in ("finding", "deadline", "amount", "category", "category_score"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


def _context(doc: Doc) -> DocContext:
    ctx = doc._.chengxin
    if ctx is None:
        ctx = DocContext(kind=DocumentKind.OTHER, language=doc.lang_, signed_on=None)
        doc._.chengxin = ctx
    return ctx  # type: ignore[no-any-return]


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once: spaCy rebuilds it from the tokens on every access."""
    ctx = _context(doc)
    text = ctx.extra.get("text")
    if not isinstance(text, str):
        text = doc.text
        ctx.extra["text"] = text
    return text


def clean_text(doc: Doc) -> tuple[str, list[int]]:
    """The document text without layout artefacts and its offset map (``segment.squash``), built once."""
    ctx = _context(doc)
    cached = ctx.extra.get("clean")
    if cached is None:
        cached = squash(doc_text(doc))
        ctx.extra["clean"] = cached
    return cached


def _char_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    return doc.char_span(start, end, label=label, alignment_mode="expand")


# --------------------------------------------------------------------------------------------- parties
class PartyTagger:
    """Marks party labels (甲方, the Concessionaire …) and defines the document's parties."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str, labels: list[str]) -> None:
        self.name = name
        self.spans_key = spans_key
        self.matcher = PhraseMatcher(nlp.vocab)
        self.matcher.add("PARTY", [nlp.make_doc(label) for label in labels])

    def __call__(self, doc: Doc) -> Doc:
        ctx = _context(doc)
        if not ctx.parties:
            ctx.parties = find_parties(clean_text(doc)[0], str(ctx.kind))
        spans = []
        for _, start, end in self.matcher(doc):
            span = doc[start:end]
            role = role_of_name(span.text, ctx.parties) or "unknown"
            spans.append(Span(doc, start, end, label=role))
        doc.spans[self.spans_key] = filter_spans(spans)
        return doc


@Language.factory(
    "chengxin_parties",
    default_config={"spans_key": "parties", "labels": list(LABELS)},
)
def make_party_tagger(nlp: Language, name: str, spans_key: str, labels: list[str]) -> PartyTagger:
    return PartyTagger(nlp, name, spans_key=spans_key, labels=labels)


# --------------------------------------------------------------------------------------------- structure
class StructureTagger:
    """Paragraphs labelled by their clause-number level, and responsible-unit notes."""

    def __init__(self, name: str, *, spans_key: str, notes_key: str) -> None:
        self.name = name
        self.spans_key = spans_key
        self.notes_key = notes_key

    def __call__(self, doc: Doc) -> Doc:
        ctx = _context(doc)
        ctx.mode = document_mode(clean_text(doc)[0], ctx.kind, ctx.language, ctx.signed_on)
        paras, notes = [], []
        for p in paragraphs(doc_text(doc)):
            span = _char_span(doc, p.line_start, p.end, p.level or "body")
            if span is not None:
                paras.append(span)
            for note in find_notes(doc_text(doc), p.start, p.end):
                nspan = _char_span(doc, note.start, note.end, "NOTE")
                if nspan is not None:
                    notes.append(nspan)
        doc.spans[self.spans_key] = paras
        doc.spans[self.notes_key] = notes
        return doc


@Language.factory("chengxin_structure", default_config={"spans_key": "paragraphs", "notes_key": "notes"})
def make_structure_tagger(nlp: Language, name: str, spans_key: str, notes_key: str) -> StructureTagger:
    return StructureTagger(name, spans_key=spans_key, notes_key=notes_key)


# --------------------------------------------------------------------------------------------- obligations
class ObligationFinder:
    """Obligation clauses with obligor and responsible units (``span._.finding``)."""

    def __init__(self, name: str, *, spans_key: str) -> None:
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        ctx = _context(doc)
        clean, index = clean_text(doc)
        mode = ctx.mode or document_mode(clean, ctx.kind, ctx.language, ctx.signed_on)
        spans = []
        for found in find_obligations(clean, mode=mode, parties=ctx.parties, anchor=ctx.signed_on):
            # offsets back into the document text
            finding = dataclasses.replace(found, start=index[found.start], end=index[found.end - 1] + 1)
            span = _char_span(doc, finding.start, finding.end, finding.obligor.role)
            if span is None:
                continue
            span._.finding = finding
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("chengxin_obligations", default_config={"spans_key": "obligations"})
def make_obligation_finder(nlp: Language, name: str, spans_key: str) -> ObligationFinder:
    return ObligationFinder(name, spans_key=spans_key)


def finding_text(doc: Doc, span: Span) -> str:
    """The clause text of an obligation span, without line-wrap spaces between CJK characters."""
    finding: Finding | None = span._.finding
    text = doc_text(doc)[finding.start : finding.end] if finding else span.text
    return squash_spaces(re.sub(r"(?<=[\u4e00-\u9fff\d])\s*\n\s*(?=[\u4e00-\u9fff\d])", "", text))


# --------------------------------------------------------------------------------------------- deadlines
class DeadlineNormalizer:
    """The deadline of each obligation, counted by the Civil Code (``span._.deadline``)."""

    def __init__(self, name: str, *, spans_key: str) -> None:
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        ctx = _context(doc)
        year = ctx.mode.year if ctx.mode else None
        default_anchor: Anchor | None = "signing" if ctx.mode is None or ctx.mode.contract else None
        for span in doc.spans.get(self.spans_key, []):
            deadline = resolve_deadline(
                finding_text(doc, span), ctx.signed_on, year=year, default_anchor=default_anchor
            )
            finding: Finding | None = span._.finding
            if deadline.kind == "none" and deadline.text is None and finding is not None and finding.note:
                deadline = resolve_deadline(finding.note, ctx.signed_on, year=year, default_anchor=default_anchor)
            span._.deadline = deadline
        return doc


@Language.factory("chengxin_deadlines", default_config={"spans_key": "obligations"})
def make_deadline_normalizer(nlp: Language, name: str, spans_key: str) -> DeadlineNormalizer:
    return DeadlineNormalizer(name, spans_key=spans_key)


# --------------------------------------------------------------------------------------------- amounts
class AmountNormalizer:
    """The money figure attached to each obligation, in yuan or the stated currency (``span._.amount``)."""

    def __init__(self, name: str, *, spans_key: str) -> None:
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        for span in doc.spans.get(self.spans_key, []):
            span._.amount = find_amount(finding_text(doc, span))
        return doc


@Language.factory("chengxin_amounts", default_config={"spans_key": "obligations"})
def make_amount_normalizer(nlp: Language, name: str, spans_key: str) -> AmountNormalizer:
    return AmountNormalizer(name, spans_key=spans_key)


# --------------------------------------------------------------------------------------------- category
_KEYWORD_CATEGORIES: tuple[tuple[Category, re.Pattern[str]], ...] = (
    (
        Category.COMPLIANCE,
        re.compile(r"^[^，。]{0,30}(?:不得|严禁|禁止)|遵守|保密|\bshall not\b|comply|confidential", re.I),
    ),
    (
        Category.PAYMENT,
        re.compile(r"支付|付款|付清|返还|补贴|奖励|费用|款项|利息|\bpa(?:y|id|yable|yment)\b|\bfee\b|damages", re.I),
    ),
    (Category.LAND, re.compile(r"土地|用地|厂房|出让|地块|\bland\b|\bsite\b", re.I)),
    (Category.INVESTMENT, re.compile(r"投资|注册资本|资本金|融资|到位|financial close|equity", re.I)),
    (Category.APPROVAL, re.compile(r"审批|许可|报批|备案|登记|注册|户籍|证照|approval|permit|regist", re.I)),
    (Category.CONSTRUCTION, re.compile(r"建设|开工|竣工|施工|工程|construct|complet", re.I)),
    (
        Category.REPORTING,
        re.compile(r"报告|公开|公示|通报|告知|反馈|汇报|notify|notice|inform|report|submit", re.I),
    ),
    (Category.HANDOVER, re.compile(r"移交|handover|hand over|transfer of", re.I)),
    (Category.OPERATION, re.compile(r"运营|维护|运行|operation|maintenance", re.I)),
    (Category.GOVERNANCE, re.compile(r"机制|制度|监督|考核|评价|督导|体系|责任制|检查|supervis", re.I)),
    (Category.SERVICE, re.compile(r"协助|配合|服务|协调|提供|assist|cooperat", re.I)),
)


def keyword_category(text: str) -> Category:
    for category, pattern in _KEYWORD_CATEGORIES:
        if pattern.search(text):
            return category
    return Category.OTHER


class CategoryClassifier:
    """Obligation category from a small trained spaCy ``textcat`` (shipped weights), keywords as fallback."""

    def __init__(self, name: str, *, spans_key: str, model: str, threshold: float) -> None:
        self.name = name
        self.spans_key = spans_key
        self.threshold = threshold
        path = Path(model) if Path(model).is_absolute() else Path(__file__).parent / model
        self.model: Language | None = None
        if (path / "config.cfg").exists():
            import spacy

            self.model = spacy.load(path)

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get(self.spans_key, []))
        texts = [finding_text(doc, span) for span in spans]
        if self.model is not None and texts and doc.lang_ != "en":
            for span, text, cat_doc in zip(spans, texts, self.model.pipe(texts), strict=True):
                label, score = max(cat_doc.cats.items(), key=lambda kv: kv[1])
                category = Category(label)
                if score < self.threshold and keyword_category(text) != Category.OTHER:
                    category = keyword_category(text)  # the model is unsure: the keywords decide
                span._.category = category
                span._.category_score = float(score)
        else:
            # English: few training clauses, so the keyword rules decide
            for span, text in zip(spans, texts, strict=True):
                span._.category = keyword_category(text)
                span._.category_score = None
        return doc


@Language.factory(
    "chengxin_category",
    default_config={"spans_key": "obligations", "model": "category_model", "threshold": 0.5},
)
def make_category_classifier(
    nlp: Language, name: str, spans_key: str, model: str, threshold: float
) -> CategoryClassifier:
    return CategoryClassifier(name, spans_key=spans_key, model=model, threshold=threshold)


register_extensions()
