"""First rule-based obligation finder: sentences with a modal or commitment word, their obligor, deadline
and amount. Deliberately simple; the extraction issue replaces it behind the same ``extract`` API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from extractors.deadlines import resolve_deadline
from extractors.model import Amount, Category, DocumentKind, Obligation, Page, Party

MODAL = re.compile(r"应当|应|须|必须|负责|承诺|保证|确保|不得|给予|同意|将|shall|must|undertakes?|agrees? to", re.I)
NOT_DUTY = re.compile(r"有权|可以|may\b|is entitled", re.I)
PARTY_DEF = re.compile(r"^\s*(甲方|乙方|丙方)\s*[（(]?[^：:\n]{0,10}[）)]?\s*[：:]\s*(?P<name>[^\n，,；;]{2,60})", re.M)
GOV_WORDS = re.compile(r"政府|管委会|管理委员会|委员会|局|厅|办公室|实施机构|招商|财政|Government|Authority|Agency")
SENTENCE = re.compile(r"[^。；;\n!?！？]+[。；;!?！？]?")
AMOUNT = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)")
RESPONSIBLE = re.compile(r"[（(]([^（）()]{2,80}?)(?:牵头|按职责分工分别)?负责[）)]")


def find_parties(text: str) -> tuple[Party, ...]:
    parties: dict[str, Party] = {}
    for m in PARTY_DEF.finditer(text[:5000]):
        name = m["name"].strip()
        role = "government" if GOV_WORDS.search(name) else "counterparty"
        parties.setdefault(m[1], Party(label=m[1], name=name, role=role))
    return tuple(parties.values())


def find_obligations(
    pages: list[Page], kind: DocumentKind, parties: tuple[Party, ...], anchor: date | None
) -> Iterator[Obligation]:
    by_label = {p.label: p for p in parties if p.label}
    for page in pages:
        for m in SENTENCE.finditer(page.text):
            sentence = m.group(0).strip()
            modal = MODAL.search(sentence)
            if len(sentence) < 6 or not modal or NOT_DUTY.search(sentence[: modal.start()]):
                continue
            start = page.start + m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            before = sentence[: modal.start()]
            obligor = _obligor(before, by_label)
            responsible = tuple(_responsible(sentence))
            if responsible and obligor.name is None:
                obligor = Party(label=None, name=responsible[0], role="government")
            yield Obligation(
                text=sentence,
                page=page.number,
                start=start,
                end=start + len(sentence),
                obligor=obligor,
                responsible=responsible,
                category=Category.OTHER,
                action=sentence[modal.start() :][:60],
                deadline=resolve_deadline(sentence, anchor),
                amount=_amount(sentence),
                confidence=0.4,
            )


def _obligor(before: str, by_label: dict[str, Party]) -> Party:
    for label, party in by_label.items():
        if label in before:
            return party
    for label in ("甲方", "乙方", "丙方", "项目公司"):
        if label in before:
            role = "counterparty" if label == "项目公司" else "unknown"
            return Party(label=label, name=None, role=role)  # type: ignore[arg-type]
    if GOV_WORDS.search(before):
        return Party(label=None, name=None, role="government")
    return Party(label=None, name=None, role="unknown")


def _responsible(sentence: str) -> list[str]:
    m = RESPONSIBLE.search(sentence)
    if not m:
        return []
    return [u.strip() for u in re.split(r"[、，,]", m[1]) if u.strip()]


def _amount(sentence: str) -> Amount | None:
    m = AMOUNT.search(sentence)
    if not m:
        return None
    factor = {"亿元": 1e8, "万元": 1e4, "元": 1.0}[m["unit"]]
    return Amount(value=float(m["num"]) * factor, currency="CNY", text=m.group(0))
