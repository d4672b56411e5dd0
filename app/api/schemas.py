"""Request and response shapes (msgspec structs) and the conversions from models."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import msgspec

from app.api.ids import MAX_ID
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    Document,
    DocumentStatus,
    FailureKind,
    GovernmentPaymentKind,
    IntegrityFailure,
    MilestoneKind,
    Obligation,
    Organisation,
    OrgKind,
    PartyRole,
    PaymentMechanism,
    PPPPhase,
    PPPTag,
    Role,
)
from app.services.documents import outcome
from app.services.obligations import READ_COLUMNS
from app.services.tracking import SuspensionGround
from extractors.model import Category
from trackers import ObligationState, ReviewStatus
from trackers.failures import FailureSource, FailureState, ObjectionReason, Severity
from trackers.ppp import Affordability
from trackers.scoring import Grade


class Page(msgspec.Struct):
    items: list[Any]
    total: int
    limit: int
    offset: int


class DocumentRead(msgspec.Struct):
    id: int
    url: str
    sha256: str
    filename: str
    media_type: str
    size: int
    status: DocumentStatus
    outcome: str  # the status, or "no_obligations" for an extracted document in which none was found
    pages: int | None
    pages_done: int
    progress: float | None
    failure_code: str | None
    failure_reason: str | None
    language: str | None
    ocr: bool
    extractor_version: str | None
    created_at: datetime
    extracted_at: datetime | None
    duplicate: bool = False  # an upload answered with this already uploaded document (the same bytes)


def document_read(d: Document, *, duplicate: bool = False) -> DocumentRead:
    progress = round(d.pages_done / d.pages, 3) if d.pages else None
    return DocumentRead(
        id=d.id,
        url=f"/api/documents/{d.id}",
        sha256=d.sha256,
        filename=d.filename,
        media_type=d.media_type,
        size=d.size,
        status=d.status,
        outcome=outcome(d),
        pages=d.pages,
        pages_done=d.pages_done,
        progress=progress,
        failure_code=d.failure_code,
        failure_reason=d.failure_reason,
        language=d.language,
        ocr=d.ocr,
        extractor_version=d.extractor_version,
        created_at=d.created_at,
        extracted_at=d.extracted_at,
        duplicate=duplicate,
    )


class DeadlineRead(msgspec.Struct):
    kind: str
    text: str | None
    nominal_date: date | None
    due_date: date | None
    provisional: bool
    offset_value: int | None
    offset_unit: str | None
    anchor: str | None
    anchor_text: str | None
    recurrence: str | None


class ObligationRead(msgspec.Struct):
    id: int
    agreement_id: int
    document_id: int
    page: int | None
    start: int
    end: int
    quote: str
    obligor_label: str | None
    obligor_name: str | None
    obligor_role: PartyRole
    responsible: list[str]
    owner_id: int
    owner_name: str | None
    category: str  # a Category value, or one recorded before the closed list (older rows hold e.g. "subsidy")
    action: str
    amount: Decimal | None
    currency: str | None
    amount_text: str | None
    amount_fulfilled: Decimal
    deadline: DeadlineRead
    conditions: list[str]
    penalty: str | None
    confidence: float
    review_status: ReviewStatus
    state: ObligationState
    fulfilled_on: date | None
    version: int
    parent_id: int | None = None
    supersedes_id: int | None = None
    state_reason: str | None = None
    owner_unresolved: bool = False  # no organisation matched the obligor: assign one before confirming
    anchor_event_id: int | None = None


def obligation_read(o: Obligation) -> ObligationRead:
    owner = o.owner if isinstance(o.owner, Organisation) else None
    row = {column: getattr(o, column) for column in READ_COLUMNS}
    return obligation_from_row(row | {"owner_name": owner.name if owner else None})


def obligation_from_row(row: dict[str, Any]) -> ObligationRead:
    """The read of one obligation from its ``READ_COLUMNS`` and ``owner_name`` (a list page's ``.values()``
    row: building 50 models per page was most of the page's time)."""
    return ObligationRead(
        id=row["id"],
        agreement_id=row["agreement_id"],
        document_id=row["document_id"],
        page=row["page"],
        start=row["start"],
        end=row["end"],
        quote=row["quote"],
        obligor_label=row["obligor_label"],
        obligor_name=row["obligor_name"],
        obligor_role=row["obligor_role"],
        responsible=list(row["responsible"] or []),
        owner_id=row["owner_id"],
        owner_name=row["owner_name"],
        category=row["category"],
        action=row["action"],
        amount=row["amount"],
        currency=row["currency"],
        amount_text=row["amount_text"],
        amount_fulfilled=row["amount_fulfilled"],
        deadline=DeadlineRead(
            kind=row["deadline_kind"],
            text=row["deadline_text"],
            nominal_date=row["nominal_date"],
            due_date=row["due_date"],
            provisional=row["due_provisional"],
            offset_value=row["offset_value"],
            offset_unit=row["offset_unit"],
            anchor=row["anchor"],
            anchor_text=row["anchor_text"],
            recurrence=row["recurrence"],
        ),
        conditions=list(row["conditions"] or []),
        penalty=row["penalty"],
        confidence=row["confidence"],
        review_status=row["review_status"],
        state=row["state"],
        fulfilled_on=row["fulfilled_on"],
        version=row["version"],
        parent_id=row["parent_id"],
        supersedes_id=row["supersedes_id"],
        state_reason=row["state_reason"],
        owner_unresolved=row["owner_unresolved"],
        anchor_event_id=row["anchor_event_id"],
    )


class PartyRead(msgspec.Struct):
    label: str | None
    name: str | None
    role: PartyRole
    organisation_id: int | None


def party_read(p: AgreementParty) -> PartyRead:
    return msgspec.convert(p, PartyRead, from_attributes=True)


class AgreementRead(msgspec.Struct):
    id: int
    kind: AgreementKind
    title: str | None
    signed_on: date | None
    document_id: int
    owning_department_id: int
    district_id: int | None
    parties: list[PartyRead]
    obligations: dict[str, int]


def agreement_read(a: Agreement, parties: list[AgreementParty], counts: dict[str, int]) -> AgreementRead:
    return AgreementRead(
        id=a.id,
        kind=a.kind,
        title=a.title,
        signed_on=a.signed_on,
        document_id=a.document_id,
        owning_department_id=a.owning_department_id,
        district_id=a.district_id,
        parties=[party_read(p) for p in parties],
        obligations=counts,
    )


class OrganisationRead(msgspec.Struct):
    id: int
    name: str
    kind: OrgKind
    uscc: str | None
    parent_id: int | None
    path: str


def organisation_read(o: Organisation) -> OrganisationRead:
    return msgspec.convert(o, OrganisationRead, from_attributes=True)


class FailureRead(msgspec.Struct):
    id: int
    kind: FailureKind
    obligation_id: int | None
    organisation_id: int
    obligor_name: str | None
    promised_to: str | None
    state: FailureState
    severity: Severity
    source: FailureSource
    due_date: date
    detected_on: date
    days_late: int
    amount_outstanding: Decimal | None
    clause: str
    rectification_deadline: date | None
    rectification_plan: str | None = None
    rectified_on: date | None = None
    found_on: date | None = None
    objection_reason: ObjectionReason | None = None
    objected_on: date | None = None
    objection_rejected_on: date | None = None
    repaired_on: date | None = None
    published_from: date | None = None
    published_until: date | None = None
    source_reference: str | None = None
    decision_note: str | None = None


def failure_read(f: IntegrityFailure | dict[str, Any]) -> FailureRead:
    return msgspec.convert(f, FailureRead, from_attributes=True)


class PublicFailureRead(msgspec.Struct):
    """What the public sees: no internal notes, no personal data."""

    id: int
    organisation: str
    promised_to: str | None
    severity: Severity
    due_date: date
    days_late: int
    amount_outstanding: Decimal | None
    clause: str
    published_from: date | None
    published_until: date | None


# ---- requests -------------------------------------------------------------------------------------------
#
# Every request body is a ``RequestBody``. Lengths and integer ranges are ``msgspec.Meta`` constraints (they
# show in the OpenAPI document); what Meta cannot express is checked once in ``RequestBody.__post_init__``
# for every field of every body by its type: decimals finite and within their column (and the bounds an
# ``Amount`` or ``Percentage`` declares), dates within ``SANE_DATES``, integers within INTEGER. NUL
# characters and nesting depth are refused earlier, for every body, by ``app.api.guard``.

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID, description="an id")]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
MAX_DECIMAL = Decimal(10) ** 17  # DecimalField(max_digits=20, decimal_places=2) holds less than 10^18
Amount = Annotated[
    Decimal, msgspec.Meta(extra_json_schema={"minimum": 0, "maximum": 10**17}, extra={"bounds": (0, MAX_DECIMAL)})
]
Percentage = Annotated[
    Decimal, msgspec.Meta(extra_json_schema={"minimum": 0, "maximum": 100}, extra={"bounds": (0, Decimal(100))})
]
SANE_DATES = (date(1949, 10, 1), date(2199, 12, 31))


def _bounds(annotation: Any) -> tuple[Decimal, Decimal] | None:
    for arg in (annotation, *get_args(annotation)):
        if get_origin(arg) is Annotated:
            for meta in get_args(arg)[1:]:
                if isinstance(meta, msgspec.Meta) and meta.extra and "bounds" in meta.extra:
                    low, high = meta.extra["bounds"]
                    return Decimal(low), Decimal(high)
    return None


@functools.cache
def _field_bounds(cls: type) -> dict[str, tuple[Decimal, Decimal] | None]:
    hints = get_type_hints(cls, include_extras=True)
    return {name: _bounds(hints[name]) for name in cls.__struct_fields__}  # type: ignore[attr-defined]


def _check_value(name: str, value: Any, bounds: tuple[Decimal, Decimal] | None) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        low, high = bounds or (-MAX_DECIMAL, MAX_DECIMAL)
        if not value.is_finite():
            return "must be a finite number"
        if not low <= value <= high:
            return f"must be between {low} and {high}"
    elif isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
        return f"must be between {-MAX_ID} and {MAX_ID}"
    elif isinstance(value, date) and not SANE_DATES[0] <= value <= SANE_DATES[1]:
        return f"must be a date between {SANE_DATES[0]} and {SANE_DATES[1]}"
    elif isinstance(value, list):
        for item in value:
            problem = _check_value(name, item, bounds)
            if problem:
                return problem
    return None


class RequestBody(msgspec.Struct, forbid_unknown_fields=True):
    def __post_init__(self) -> None:
        for name, bounds in _field_bounds(type(self)).items():
            problem = _check_value(name, getattr(self, name), bounds)
            if problem:  # msgspec turns this into a ValidationError; Litestar reads the field from "at `$.x`"
                raise ValueError(f"{name} {problem} - at `$.{name}`")


class LoginRequest(RequestBody):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]  # User.username's column
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class LoginResponse(msgspec.Struct):
    username: str
    role: Role
    organisation_id: int
    csrf_token: str


class TokenRequest(RequestBody):
    name: NonEmpty
    read_only: bool = True
    days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = None


class TokenResponse(msgspec.Struct):
    token: str
    read_only: bool


class ReviewRequest(RequestBody):
    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=1000)]
    decision: ReviewStatus


class ObligationPatch(RequestBody, omit_defaults=True):
    obligor_name: Annotated[str, msgspec.Meta(max_length=300)] | msgspec.UnsetType | None = msgspec.UNSET
    obligor_role: PartyRole | msgspec.UnsetType = msgspec.UNSET
    category: Category | msgspec.UnsetType = msgspec.UNSET
    action: Annotated[str, msgspec.Meta(max_length=2000)] | msgspec.UnsetType = msgspec.UNSET
    amount: Amount | msgspec.UnsetType | None = msgspec.UNSET
    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] | msgspec.UnsetType = msgspec.UNSET
    nominal_date: date | msgspec.UnsetType | None = msgspec.UNSET
    owner_id: Id | msgspec.UnsetType = msgspec.UNSET
    review_status: ReviewStatus | msgspec.UnsetType = msgspec.UNSET


class FulfilmentRequest(RequestBody):
    fulfilled_on: date
    note: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    amount: Amount | None = None


class EventRequest(RequestBody):
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    occurred_on: date
    description: Annotated[str, msgspec.Meta(max_length=300)] = ""
    anchor_texts: list[Annotated[str, msgspec.Meta(max_length=100)]] = []


class EventResponse(msgspec.Struct):
    id: int
    kind: str
    occurred_on: date
    resolved_obligations: int


class SweepRequest(RequestBody):
    as_of: date


class OrganisationCreate(RequestBody):
    name: NonEmpty
    kind: OrgKind
    parent_id: Id | None = None
    uscc: Annotated[str, msgspec.Meta(max_length=18)] | None = None


STATES = [s.value for s in ObligationState]


# ---- tracking (issue 4) ---------------------------------------------------------------------------------

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=5000)]


class ReasonRequest(RequestBody):
    reason: Reason


class SuspendRequest(RequestBody):
    ground: SuspensionGround
    note: Note = ""


class ResumeRequest(RequestBody):
    note: Note = ""
    nominal_date: date | None = None  # a new deadline, e.g. extended by the force-majeure period


class AmendRequest(RequestBody):
    supplement: Reason  # the signed supplement: title / number and date
    action: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    quote: Annotated[str, msgspec.Meta(max_length=5000)] | None = None
    amount: Amount | None = None
    nominal_date: date | None = None
    clear_deadline: bool = False


class AmendResponse(msgspec.Struct):
    amended: ObligationRead
    replacement: ObligationRead


class WarningRead(msgspec.Struct):
    id: int
    obligation_id: int
    window_days: int
    due_date: date
    issued_on: date
    obligor_name: str | None
    category: str
    state: ObligationState
    quote: str


class NoteRequest(RequestBody):
    note: Note = ""


class RectificationOrder(RequestBody):
    plan: Reason
    deadline: date


class RectifyRequest(RequestBody):
    note: Note = ""
    rectified_on: date | None = None


class ObjectionRequest(RequestBody):
    reason: ObjectionReason
    note: Note = ""


class ManualFailureRequest(RequestBody):
    organisation_id: Id
    source: FailureSource
    clause: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    due_date: date
    source_reference: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    promised_to: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    amount_outstanding: Amount | None = None
    severity: Severity | None = None
    obligation_id: Id | None = None


class ProjectCreate(RequestBody):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    district_id: Id
    payment_mechanism: PaymentMechanism
    phase: PPPPhase = PPPPhase.IDENTIFICATION
    tag: PPPTag = PPPTag.STOCK
    agreement_id: Id | None = None


class PhaseRequest(RequestBody):
    phase: PPPPhase


class MilestoneRequest(RequestBody):
    planned_on: date | None = None
    actual_on: date | None = None


PPP_YEARS = (1990, 2100)  # the years a PPP payment (and, on the finance page, a budget) can be entered for


class PaymentRequest(RequestBody):
    year: Annotated[int, msgspec.Meta(ge=PPP_YEARS[0], le=PPP_YEARS[1])]
    kind: GovernmentPaymentKind
    amount_planned: Amount
    performance_score: Percentage | None = None
    amount_paid: Amount | None = None
    paid_on: date | None = None


class BudgetRequest(RequestBody):
    general_expenditure: Amount


class MilestoneRead(msgspec.Struct):
    kind: MilestoneKind
    planned_on: date | None
    actual_on: date | None


class PaymentRead(msgspec.Struct):
    year: int
    kind: GovernmentPaymentKind
    amount_planned: Decimal
    performance_score: Decimal | None
    amount_payable: Decimal
    amount_paid: Decimal
    paid_on: date | None


class ProjectRead(msgspec.Struct):
    id: int
    name: str
    district_id: int
    agreement_id: int | None
    phase: PPPPhase
    tag: PPPTag
    payment_mechanism: PaymentMechanism
    milestones: list[MilestoneRead]
    payments: list[PaymentRead]


class BudgetRead(msgspec.Struct):
    district_id: int
    year: int
    general_expenditure: Decimal


class AffordabilityRead(msgspec.Struct):
    district_id: int
    district: str
    year: int
    expenditure: Decimal
    budget: Decimal | None
    share: Decimal | None
    status: Affordability
    new_ppp_allowed: bool
    new_government_pay_allowed: bool
    projects: int
    red_line: Decimal
    government_pay_limit: Decimal


class SnapshotRead(msgspec.Struct):
    period_start: date
    period_end: date
    due: int
    fulfilled_on_time: int
    fulfilled_late: int
    overdue: int
    breached: int
    rectified: int
    repaired: int
    amount_promised: Decimal
    amount_delivered: Decimal
    score: Decimal
    grade: Grade


# ---- review (issue 10): owners, events ------------------------------------------------------------------


class AssignOwnerRequest(RequestBody):
    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]
    organisation_id: Id
    outside_scope: bool = False  # the explicit decision an organisation outside the caller's scope needs


class ConfirmRequest(RequestBody):
    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=500)]


class ConfirmResult(msgspec.Struct):
    """Confirmed obligations and those of them already overdue (the next sweep turns them into failures)."""

    obligations: list[ObligationRead]
    overdue_on_confirmation: list[int]


class AnchorRead(msgspec.Struct):
    anchor_text: str
    obligation_ids: list[int]


class EventPreviewRequest(msgspec.Struct, forbid_unknown_fields=True):
    anchor_texts: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=300)]], msgspec.Meta(min_length=1)
    ]
    occurred_on: date


class DatedRead(msgspec.Struct):
    obligation_id: int
    quote: str
    anchor_text: str | None
    due_date: date


class EventPreview(msgspec.Struct):
    summary: str  # "dates N obligations: …"
    obligations: list[DatedRead]


class AnchorRequest(RequestBody):
    event_id: Id
