"""The domain model. Money is Decimal, deadlines are dates, timestamps are aware UTC datetimes.

Organisations form a hierarchy (city → district → town, with departments under each); ``path`` is a
materialised path (``/1/4/9/``) so "this organisation and everything under it" is one indexed prefix match.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app import labels
from app.fields import CharEnumField, DateField, JSONField
from trackers.failures import FailureSource, FailureState, ObjectionReason, Severity
from trackers.roles import PartyRole as PartyRole  # one definition: the trackers own it
from trackers.states import ObligationState, ReviewStatus


class OrgKind(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"
    DEPARTMENT = "department"
    COMMITTEE = "committee"  # development-zone management committee (管委会)
    OTHER = "other"


class Role(StrEnum):
    ADMIN = "admin"
    INVESTMENT = "investment"
    FINANCE = "finance"
    DEPARTMENT = "department"
    EVALUATOR = "evaluator"


class DocumentStatus(StrEnum):
    QUEUED = "queued"
    EXTRACTING = "extracting"
    EXTRACTED = "extracted"
    FAILED = "failed"


# ``Document.failure_code`` of an extracted document in which no obligation was found (its reason says why)
NO_OBLIGATIONS = "no_obligations"


class AgreementKind(StrEnum):
    INVESTMENT_PROMOTION = "investment_promotion"
    PPP = "ppp"
    POLICY_COMMITMENT = "policy_commitment"
    PROCUREMENT = "procurement"
    OTHER = "other"


class FailureKind(StrEnum):
    GOVERNMENT_BREACH = "government_breach"  # 政务失信: counts against government integrity
    COUNTERPARTY_DEFAULT = "counterparty_default"  # basis for clawing back incentives

    @property
    def label(self) -> str:
        """The type as records, exports and notices name it: 政务失信 or 违约 (a counterparty's default)."""
        return labels.label("fkind", self)


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    parent_id: int | None
    name = fields.CharField(max_length=200)
    kind = CharEnumField(OrgKind, max_length=20)
    uscc = fields.CharField(max_length=18, null=True, unique=True)
    parent: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=255, default="/", db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organisation"
        unique_together = (("parent_id", "name"),)


class Counterparty(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    uscc = fields.CharField(max_length=18, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "counterparty"


class User(Model):
    id = fields.IntField(primary_key=True)
    organisation_id: int
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=100, default="")
    password_hash = fields.CharField(max_length=255)
    role = CharEnumField(Role, max_length=20)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="users", on_delete=fields.RESTRICT
    )
    is_active = fields.BooleanField(default=True)
    # set for accounts an admin (or the bootstrap) created or reset: the user must choose a new password
    # before doing anything else
    must_change_password = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user"


class ApiToken(Model):
    """Bearer tokens for programs. Only the SHA-256 of the token is stored."""

    id = fields.IntField(primary_key=True)
    user_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField("models.User", related_name="tokens")
    name = fields.CharField(max_length=100)
    token_hash = fields.CharField(max_length=64, unique=True)
    read_only = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class UserSession(Model):
    """Browser sessions; the cookie carries a random id whose SHA-256 is stored here."""

    id = fields.IntField(primary_key=True)
    user_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField("models.User", related_name="sessions")
    session_hash = fields.CharField(max_length=64, unique=True)
    csrf_token = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "user_session"


class LoginAttempt(Model):
    """Every password that was actually checked (throttled attempts are counted in ``LoginThrottle``)."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, db_index=True)
    address = fields.CharField(max_length=64, default="", db_index=True)
    succeeded = fields.BooleanField()
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "login_attempt"


class LoginThrottle(Model):
    """One counter per throttled key (a client address, an account at an address, an account), updated
    by single atomic upserts so parallel attempts cannot all read the same old count."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=160, unique=True)
    hits = fields.IntField(default=0)
    window_start = fields.DatetimeField()
    next_allowed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "login_throttle"


class Document(Model):
    id = fields.IntField(primary_key=True)
    organisation_id: int
    uploaded_by_id: int | None
    sha256 = fields.CharField(max_length=64, db_index=True)  # unique per organisation, see Meta
    filename = fields.CharField(max_length=255)
    media_type = fields.CharField(max_length=120)
    size = fields.BigIntField()
    pages = fields.IntField(null=True)
    pages_done = fields.IntField(default=0)
    status = CharEnumField(DocumentStatus, max_length=20, default=DocumentStatus.QUEUED, db_index=True)
    failure_code = fields.CharField(max_length=40, null=True)  # also "no_obligations" on an extracted document
    failure_reason = fields.TextField(null=True)  # one line for the clerk: why it failed or found nothing
    kind_hint = fields.CharField(max_length=30, null=True)
    signed_on_hint = DateField(null=True)
    extractor_version = fields.CharField(max_length=40, null=True)
    language = fields.CharField(max_length=8, null=True)
    ocr = fields.BooleanField(default=False)
    text = fields.TextField(null=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="documents", on_delete=fields.RESTRICT
    )
    uploaded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="documents", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    extracted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "document"
        unique_together = (("organisation", "sha256"),)  # de-duplication never crosses organisations


class Agreement(Model):
    id = fields.IntField(primary_key=True)
    document_id: int
    owning_department_id: int
    district_id: int | None
    kind = CharEnumField(AgreementKind, max_length=30)
    title = fields.CharField(max_length=500, null=True)
    signed_on = DateField(null=True)
    value = fields.DecimalField(max_digits=20, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, default="CNY")
    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "models.Document", related_name="agreements", on_delete=fields.RESTRICT
    )
    extractor_version = fields.CharField(max_length=40)
    owning_department: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="owned_agreements", on_delete=fields.RESTRICT
    )
    district: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="district_agreements", null=True, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agreement"
        unique_together = (("document_id", "extractor_version"),)


class AgreementParty(Model):
    id = fields.IntField(primary_key=True)
    agreement_id: int
    organisation_id: int | None
    counterparty_id: int | None
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="parties", on_delete=fields.CASCADE
    )
    label = fields.CharField(max_length=50, null=True)
    name = fields.CharField(max_length=300, null=True)
    role = CharEnumField(PartyRole, max_length=20)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="agreement_parties", null=True, on_delete=fields.SET_NULL
    )
    counterparty: fields.ForeignKeyNullableRelation[Counterparty] = fields.ForeignKeyField(
        "models.Counterparty", related_name="agreement_parties", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "agreement_party"
        indexes = (("agreement_id",),)  # "promised to" of a failure record: the other party


class AgreementEvent(Model):
    """An event obligations can be anchored on: signing, land handed over, completion accepted …"""

    id = fields.IntField(primary_key=True)
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="events", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=40)
    description = fields.CharField(max_length=300, default="")
    occurred_on = DateField()
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # the obligations it dated, with the dates they had before (issue 10: undo restores them)
    dated: fields.Field[list[dict[str, object]]] = JSONField(default=list)
    undone_at = fields.DatetimeField(null=True)

    class Meta:
        table = "agreement_event"


class Obligation(Model):
    id = fields.IntField(primary_key=True)
    agreement_id: int
    document_id: int
    owner_id: int
    reviewed_by_id: int | None
    parent_id: int | None
    agreement: fields.ForeignKeyRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="obligations", on_delete=fields.CASCADE
    )
    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "models.Document", related_name="obligations", on_delete=fields.RESTRICT
    )
    ordinal = fields.IntField()  # position in the extraction: (agreement, ordinal) is the idempotency key
    page = fields.IntField(null=True)
    start = fields.IntField()
    end = fields.IntField()
    quote = fields.TextField()
    obligor_label = fields.CharField(max_length=50, null=True)
    obligor_name = fields.CharField(max_length=300, null=True)
    obligor_role = CharEnumField(PartyRole, max_length=20)
    responsible: fields.Field[list[str]] = JSONField(default=list)  # unit names as written, lead first
    owner: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="obligations", on_delete=fields.RESTRICT
    )
    category = fields.CharField(max_length=30, default="other", db_index=True)
    action = fields.TextField(default="")
    amount = fields.DecimalField(max_digits=20, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, null=True)
    amount_text = fields.CharField(max_length=200, null=True)
    deadline_kind = fields.CharField(max_length=12, default="none")
    deadline_text = fields.CharField(max_length=300, null=True)
    nominal_date = DateField(null=True)  # the date the text sets (Civil Code arts. 201-202)
    due_date = DateField(null=True, db_index=True)  # after moving off rest days (art. 203)
    due_provisional = fields.BooleanField(default=False)
    offset_value = fields.IntField(null=True)
    offset_unit = fields.CharField(max_length=10, null=True)
    anchor = fields.CharField(max_length=12, null=True)
    anchor_text = fields.CharField(max_length=300, null=True)
    recurrence = fields.CharField(max_length=100, null=True)
    conditions: fields.Field[list[str]] = JSONField(default=list)
    penalty = fields.TextField(null=True)
    confidence = fields.FloatField(default=0.0)
    review_status = CharEnumField(ReviewStatus, max_length=12, default=ReviewStatus.PROPOSED, db_index=True)
    state = CharEnumField(ObligationState, max_length=24, default=ObligationState.PENDING, db_index=True)
    reviewed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reviewed_obligations", null=True, on_delete=fields.SET_NULL
    )
    reviewed_at = fields.DatetimeField(null=True)
    parent: fields.ForeignKeyNullableRelation[Obligation] = fields.ForeignKeyField(
        "models.Obligation", related_name="instances", null=True, on_delete=fields.CASCADE
    )
    amount_fulfilled = fields.DecimalField(max_digits=20, decimal_places=2, default=0)
    fulfilled_on = DateField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # tracking (issue 4): an amendment by a signed supplement replaces an obligation; the old one is kept
    supersedes: fields.ForeignKeyNullableRelation[Obligation] = fields.ForeignKeyField(
        "models.Obligation", related_name="superseded_by", null=True, on_delete=fields.SET_NULL
    )
    state_reason = fields.TextField(null=True)  # why it was waived / amended / suspended (supplement, notice)
    # review (issue 10): no organisation matched the obligor; ``owner`` is a placeholder until assigned
    owner_unresolved = fields.BooleanField(default=False)
    # the extractor's proposal as first written (None: added by a reviewer) — corrections are its diff
    proposal: fields.Field[dict[str, object] | None] = JSONField(null=True)
    anchor_event_id: int | None
    anchor_event: fields.ForeignKeyNullableRelation[AgreementEvent] = fields.ForeignKeyField(
        "models.AgreementEvent", related_name="anchored", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "obligation"
        unique_together = (("agreement_id", "ordinal"), ("parent_id", "nominal_date"))  # agreement_id leads one
        # a body's own obligations (every scoped list and count reaches them through owner), a document's
        indexes = (("owner_id", "due_date"), ("document_id",))


class FulfilmentEvidence(Model):
    id = fields.IntField(primary_key=True)
    obligation: fields.ForeignKeyRelation[Obligation] = fields.ForeignKeyField(
        "models.Obligation", related_name="evidence", on_delete=fields.CASCADE
    )
    note = fields.TextField(default="")
    fulfilled_on = DateField()
    amount = fields.DecimalField(max_digits=20, decimal_places=2, null=True)
    file_sha256 = fields.CharField(max_length=64, null=True)
    file_name = fields.CharField(max_length=255, null=True)
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="evidence", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "fulfilment_evidence"


class ObligationWarning(Model):
    """An early warning, issued once per obligation and window."""

    id = fields.IntField(primary_key=True)
    obligation: fields.ForeignKeyRelation[Obligation] = fields.ForeignKeyField(
        "models.Obligation", related_name="warnings", on_delete=fields.CASCADE
    )
    window_days = fields.IntField()
    due_date = DateField()
    issued_on = DateField()

    class Meta:
        table = "obligation_warning"
        unique_together = (("obligation_id", "window_days", "due_date"),)


class IntegrityFailure(Model):
    """政务失信记录 (government breach) or counterparty default, created by the sweep or a complaint."""

    id = fields.IntField(primary_key=True)
    obligation_id: int
    organisation_id: int
    kind = CharEnumField(FailureKind, max_length=24)
    obligation: fields.ForeignKeyNullableRelation[Obligation] = fields.ForeignKeyField(
        "models.Obligation", related_name="failures", null=True, on_delete=fields.RESTRICT
    )  # None: recorded by hand from outside (court judgment, penalty, sanction, complaint)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="failures", on_delete=fields.RESTRICT
    )
    obligor_name = fields.CharField(max_length=300, null=True)
    promised_to = fields.CharField(max_length=300, null=True)
    state = CharEnumField(FailureState, max_length=24, default=FailureState.DETECTED, db_index=True)
    severity = CharEnumField(Severity, max_length=12, default=Severity.GENERAL)
    source = CharEnumField(FailureSource, max_length=20, default=FailureSource.SWEEP)
    due_date = DateField()
    detected_on = DateField()
    days_late = fields.IntField(default=0)
    amount_outstanding = fields.DecimalField(max_digits=20, decimal_places=2, null=True)
    clause = fields.TextField()
    rectification_plan = fields.TextField(null=True)
    rectification_deadline = DateField(null=True)
    rectified_on = DateField(null=True)
    published_from = DateField(null=True)
    published_until = DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # the 1103号 workflow (issue 4)
    source_reference = fields.CharField(max_length=200, null=True)  # case number, 12345 ticket, decision no.
    found_on = DateField(null=True)  # 认定
    objection_reason = CharEnumField(ObjectionReason, max_length=30, null=True)
    objection_note = fields.TextField(null=True)
    objected_on = DateField(null=True)
    objection_rejected_on = DateField(null=True)
    repaired_on = DateField(null=True)
    decision_note = fields.TextField(null=True)  # the latest decision's reasons (verification, finding …)
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="recorded_failures", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "integrity_failure"
        unique_together = (("obligation_id", "kind"),)
        indexes = (("organisation_id", "kind", "state"),)  # a body's prior failures (severity, ratings)


class AuditLog(Model):
    """Append-only: every state change, who made it, when, before and after. Hash-chained
    (``app.services.audit``): ``hash`` is SHA-256 over the entry's canonical form including ``prev_hash``,
    the ``hash`` of the entry before it; unique ``prev_hash`` means two writers cannot fork the chain."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=100)
    action = fields.CharField(max_length=60)
    entity = fields.CharField(max_length=40)
    entity_id = fields.IntField(null=True)
    before: fields.Field[dict[str, object] | None] = JSONField(null=True)
    after: fields.Field[dict[str, object] | None] = JSONField(null=True)
    prev_hash = fields.CharField(max_length=64, null=True, unique=True)  # null: written before the chain
    hash = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "audit_log"
        indexes = (("entity", "entity_id"),)


class FileGrant(Model):
    """Lets evaluators download original files (they see statistics, records and clause text without it):
    every user of ``organisation``, or one ``user``. Exactly one of the two is set; granted by an admin."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyNullableRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="file_grants", null=True, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="file_grants", null=True, on_delete=fields.CASCADE
    )
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="file_grants_given", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "file_grant"


# ---- PPP milestones and money (issue 4) ---------------------------------------------------------------


class PPPPhase(StrEnum):
    IDENTIFICATION = "identification"  # 识别
    PREPARATION = "preparation"  # 准备
    PROCUREMENT = "procurement"  # 采购
    EXECUTION = "execution"  # 执行
    HANDOVER = "handover"  # 移交


class PPPTag(StrEnum):
    STOCK = "stock"  # 存量项目
    NEW_MECHANISM = "new_mechanism"  # 2023 new mechanism: user-pays concession without fiscal cost subsidy


class PaymentMechanism(StrEnum):
    GOVERNMENT_PAY = "government_pay"  # 政府付费
    VIABILITY_GAP = "viability_gap"  # 可行性缺口补助
    USER_PAY = "user_pay"  # 使用者付费


class MilestoneKind(StrEnum):
    FINANCIAL_CLOSE = "financial_close"
    CONSTRUCTION_START = "construction_start"
    COMPLETION_ACCEPTANCE = "completion_acceptance"
    COMMERCIAL_OPERATION = "commercial_operation"
    HANDOVER = "handover"


class GovernmentPaymentKind(StrEnum):
    AVAILABILITY = "availability"  # 可用性服务费
    VIABILITY_GAP = "viability_gap"  # 可行性缺口补助
    OM_PERFORMANCE = "om_performance"  # 运维绩效服务费


class PPPProject(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=300)
    agreement: fields.ForeignKeyNullableRelation[Agreement] = fields.ForeignKeyField(
        "models.Agreement", related_name="ppp_projects", null=True, on_delete=fields.SET_NULL
    )
    district: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="ppp_projects", on_delete=fields.RESTRICT
    )  # the government level whose budget carries the expenditure
    phase = CharEnumField(PPPPhase, max_length=20, default=PPPPhase.IDENTIFICATION)
    tag = CharEnumField(PPPTag, max_length=20, default=PPPTag.STOCK)
    payment_mechanism = CharEnumField(PaymentMechanism, max_length=20)
    milestones: fields.ReverseRelation[PPPMilestone]
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "ppp_project"


class PPPMilestone(Model):
    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[PPPProject] = fields.ForeignKeyField(
        "models.PPPProject", related_name="milestones", on_delete=fields.CASCADE
    )
    kind = CharEnumField(MilestoneKind, max_length=30)
    planned_on = DateField(null=True)
    actual_on = DateField(null=True)

    class Meta:
        table = "ppp_milestone"
        unique_together = (("project_id", "kind"),)


class GovernmentPayment(Model):
    """The government's payment obligation of one PPP project for one year and kind; the performance
    assessment score (0–100) scales it: payable = planned × score / 100 (no score yet: planned)."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation[PPPProject] = fields.ForeignKeyField(
        "models.PPPProject", related_name="payments", on_delete=fields.CASCADE
    )
    year = fields.IntField()
    kind = CharEnumField(GovernmentPaymentKind, max_length=20)
    amount_planned = fields.DecimalField(max_digits=20, decimal_places=2)
    performance_score = fields.DecimalField(max_digits=5, decimal_places=2, null=True)
    amount_paid = fields.DecimalField(max_digits=20, decimal_places=2, default=0)
    paid_on = DateField(null=True)

    class Meta:
        table = "government_payment"
        unique_together = (("project_id", "year", "kind"),)


class FiscalBudget(Model):
    """General public budget expenditure (一般公共预算支出) of one government level for a year."""

    id = fields.IntField(primary_key=True)
    district: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="budgets", on_delete=fields.RESTRICT
    )
    year = fields.IntField()
    general_expenditure = fields.DecimalField(max_digits=20, decimal_places=2)
    entered_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="budgets", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "fiscal_budget"
        unique_together = (("district_id", "year"),)


class IntegritySnapshot(Model):
    """Monthly integrity figures of an organisation and everything under it (rolled up by path)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="snapshots", on_delete=fields.CASCADE
    )
    period_start = DateField()  # first day of the month
    period_end = DateField()  # last day of the month
    due = fields.IntField(default=0)
    fulfilled_on_time = fields.IntField(default=0)
    fulfilled_late = fields.IntField(default=0)
    overdue = fields.IntField(default=0)
    breached = fields.IntField(default=0)
    rectified = fields.IntField(default=0)
    repaired = fields.IntField(default=0)
    amount_promised = fields.DecimalField(max_digits=20, decimal_places=2, default=0)
    amount_delivered = fields.DecimalField(max_digits=20, decimal_places=2, default=0)
    score = fields.DecimalField(max_digits=5, decimal_places=1)
    grade = fields.CharField(max_length=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "integrity_snapshot"
        unique_together = (("organisation_id", "period_start"),)


class WebhookKind(StrEnum):
    JSON = "json"  # plain JSON, signed with HMAC-SHA256
    WECOM = "wecom"  # WeCom (企业微信) group robot
    DINGTALK = "dingtalk"  # DingTalk (钉钉) group robot


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookSubscription(Model):
    """An endpoint that receives notifications about an organisation and everything under it."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="webhook_subscriptions", on_delete=fields.CASCADE
    )
    kind = CharEnumField(WebhookKind, max_length=12, default=WebhookKind.JSON)
    url = fields.CharField(max_length=1000)
    secret = fields.CharField(max_length=200, null=True)
    events: fields.JSONField[list[str]] = JSONField(default=list)  # event kinds; empty: all
    is_active = fields.BooleanField(default=True)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="webhook_subscriptions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_subscription"


class NotificationDelivery(Model):
    """One notification to one subscription; retried with exponential backoff until delivered or failed."""

    id = fields.BigIntField(primary_key=True)
    subscription: fields.ForeignKeyRelation[WebhookSubscription] = fields.ForeignKeyField(
        "models.WebhookSubscription", related_name="deliveries", on_delete=fields.CASCADE
    )
    event = fields.CharField(max_length=40)
    dedupe_key = fields.CharField(max_length=120)
    payload: fields.JSONField[dict[str, object]] = JSONField()
    attempts = fields.IntField(default=0)
    status = CharEnumField(DeliveryStatus, max_length=12, default=DeliveryStatus.PENDING, db_index=True)
    next_attempt = fields.DatetimeField(null=True, db_index=True)
    last_error = fields.TextField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notification_delivery"
        unique_together = (("subscription_id", "dedupe_key"),)


class InboxMessage(Model):
    """One notice in one user's in-app inbox (the bell): a warning, an assignment, a rectification order, a
    decision on a failure record. Written by ``app.services.notifications.notify_many`` — the same dispatch
    point as the webhooks — once per (user, dedupe key); ``read_at`` None = unread."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="inbox", on_delete=fields.CASCADE
    )
    event = fields.CharField(max_length=40)  # notifications.EVENTS
    step = fields.CharField(max_length=40, default="")  # e.g. the failure step: found, rectification_ordered …
    dedupe_key = fields.CharField(max_length=120)
    link = fields.CharField(max_length=300)  # a page path on this site
    subject = fields.CharField(max_length=300, default="")  # the body or obligor the notice is about
    text = fields.TextField(default="")  # the clause or action, shortened
    due_date = DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbox_message"
        unique_together = (("user_id", "dedupe_key"),)
        indexes = (("user_id", "read_at"),)
