"""The filtered, sorted, paginated lists staff read and export: obligations, agreements, documents and
integrity-failure records. Each list is a frozen query object (its filters), a :class:`Sorting` (the sort
keys it offers) and one function building its queryset inside the caller's scope; :func:`page_of` counts,
orders and cuts any of them the same way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar, cast

from tortoise.expressions import Case, Q, Subquery, When
from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.clock import start_of_beijing_day
from app.models import (
    Agreement,
    Document,
    InboxMessage,
    IntegrityFailure,
    Obligation,
    ObligationWarning,
    Organisation,
)
from app.services.scope import within

M = TypeVar("M", bound=Model)

# confidence bands a reader may filter obligations by (the review page marks below 0.7 as uncertain)
CONFIDENCE_BANDS: dict[str, tuple[float | None, float | None]] = {"low": (None, 0.7), "high": (0.7, None)}


@dataclass(frozen=True, slots=True)
class Sorting:
    """The sort keys a list offers → columns. A trailing ``-`` on a key sorts descending, the id breaks
    ties, an unknown key means the default; columns in ``nullable`` put rows without a value last in
    either direction (SQLite and PostgreSQL disagree on where NULL goes)."""

    columns: Mapping[str, str]
    default: str
    nullable: frozenset[str] = frozenset()

    def normalise(self, sort: str) -> str:
        """``sort`` if this list offers it, else the default."""
        return sort if sort.removesuffix("-") in self.columns else self.default

    def order(self, sort: str) -> tuple[str, ...]:
        """``order_by`` arguments for a sort key such as ``due`` or ``days_late-``."""
        sort = self.normalise(sort)
        key, sign = (sort[:-1], "-") if sort.endswith("-") else (sort, "")
        column = self.columns[key]
        first = (f"{column}_missing",) if column in self.nullable else ()
        return *first, f"{sign}{column}", f"{sign}id"

    def annotate(self, query: QuerySet[M], sort: str) -> QuerySet[M]:
        """The query with the ``…_missing`` flag :meth:`order` sorts on, when the key needs one."""
        column = self.columns[self.normalise(sort).removesuffix("-")]
        if column not in self.nullable:
            return query
        return query.annotate(**{f"{column}_missing": Case(When(**{f"{column}__isnull": True}, then="1"), default="0")})


async def page_of(
    query: QuerySet[M], sorting: Sorting, sort: str, limit: int | None, offset: int = 0, related: tuple[str, ...] = ()
) -> tuple[list[M], int]:
    """One page of ``query`` in the order ``sort`` asks for, and how many rows the whole query has."""
    total = await query.count()
    rows = sorting.annotate(query, sort).order_by(*sorting.order(sort)).offset(offset)
    if related:
        rows = rows.prefetch_related(*related)
    if limit is not None:
        rows = rows.limit(limit)
    return list(await rows), total


async def rows_page(
    query: QuerySet[M], order: tuple[str, ...], limit: int, offset: int, columns: tuple[str, ...], **named: str
) -> tuple[list[dict[str, Any]], int]:
    """One page of ``query`` as rows of ``columns`` (and ``named`` related columns; no models built: that was
    most of a 50-row page), and the whole query's row count, in one statement: the count is a scalar sub-query
    of the page's SELECT, as the hand-written reference of ``benchmarks/api.py`` does (each statement is a
    hand-off to aiosqlite's thread or a round trip to PostgreSQL; the count ran as a second statement before).
    Not ``COUNT(*) OVER ()``: it makes PostgreSQL sort every row in the scope before the LIMIT (100,000
    obligations: 51 → 1.5 pages/s in ``benchmarks/api.py``). A page past the end has no row to carry the
    count, so then the count runs alone."""
    page = query.order_by(*order).offset(offset).limit(limit).values(*columns, **named)
    count = query.count()
    for part in (page, count):
        part._choose_db_if_not_chosen()
        part._make_query()
    page.query._select_other(count.query.as_(_TOTAL))  # type: ignore[arg-type]  # a sub-query is a term
    rows = cast(list[dict[str, Any]], await page._execute())  # not .first(): a list
    if not rows:
        return [], await query.count()
    total = int(rows[0][_TOTAL])
    for row in rows:
        del row[_TOTAL]
    return rows, total


_TOTAL = "_rows_in_query"


@dataclass(frozen=True, slots=True)
class ObligationQuery:
    organisation_id: int | None = None  # that organisation's subtree
    agreement_id: int | None = None
    document_id: int | None = None
    agreement_kind: str | None = None
    category: str | None = None
    state: str | None = None
    review_status: str | None = None
    obligor_role: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    states: tuple[str, ...] | None = None  # the states a list is about (``state`` picks one of them)
    review_statuses: tuple[str, ...] | None = None  # likewise for review (an agreement: all but rejected)
    district_id: int | None = None  # a district or town: obligations of bodies under it
    confidence: str | None = None  # a key of CONFIDENCE_BANDS
    warning_within: int | None = None  # only those warned of, with a window of at most this many days
    q: str | None = None  # words in the clause, the action or the obligor's name


@dataclass(frozen=True, slots=True)
class FailureQuery:
    organisation_id: int | None = None  # the recorded body (its subtree)
    kind: str | None = None
    state: str | None = None
    severity: str | None = None
    detected_from: date | None = None
    detected_to: date | None = None
    district_id: int | None = None  # a district or town: records of bodies under it
    q: str | None = None  # words in the clause, the body's name or the obligor's


@dataclass(frozen=True, slots=True)
class AgreementQuery:
    organisation_id: int | None = None  # the owning department (its subtree)
    district_id: int | None = None
    kind: str | None = None
    obligation_state: str | None = None  # agreements holding a confirmed obligation in this state
    signed_from: date | None = None
    signed_to: date | None = None
    q: str | None = None  # words in the title or the document's file name


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    organisation_id: int | None = None  # the uploading organisation (its subtree)
    status: str | None = None
    kind: str | None = None  # the kind given at upload
    uploaded_from: date | None = None
    uploaded_to: date | None = None
    q: str | None = None  # words in the file name


@dataclass(frozen=True, slots=True)
class InboxQuery:
    user_id: int  # a user's own notices: the inbox has no organisation scope
    event: str | None = None  # one of notifications.EVENTS: warning, failure, assignment …
    unread: bool = False
    due_from: date | None = None
    due_to: date | None = None
    q: str | None = None  # words in the subject or the text


FAILURE_SORTING = Sorting(
    {
        "detected": "detected_on",
        "due": "due_date",
        "days_late": "days_late",
        "severity": "severity",
        "amount": "amount_outstanding",
        "state": "state",
        "body": "organisation__name",
    },
    default="detected-",
)
INBOX_SORTING = Sorting(
    {"received": "id", "due": "due_date", "event": "event"}, default="received-", nullable=frozenset({"due_date"})
)
OBLIGATION_SORTING = Sorting(
    {
        "due": "due_date",
        "state": "state",
        "category": "category",
        "confidence": "confidence",
        "amount": "amount",
        "body": "owner__name",
        "agreement": "agreement_id",
    },
    default="due",
    nullable=frozenset({"due_date", "amount"}),
)
AGREEMENT_SORTING = Sorting(
    {
        "id": "id",
        "title": "title",
        "kind": "kind",
        "signed": "signed_on",
        "body": "owning_department__name",
    },
    default="id-",
    nullable=frozenset({"signed_on"}),
)
DOCUMENT_SORTING = Sorting(
    {
        "id": "id",
        "filename": "filename",
        "status": "status",
        "pages": "pages",
        "uploaded": "created_at",
        "body": "organisation__name",
    },
    default="id-",
    nullable=frozenset({"pages"}),
)


async def subtree_path(scope_path: str, organisation_id: int | None) -> str | None:
    """The path to filter by: the caller's scope, or an organisation inside it (None: not visible)."""
    if organisation_id is None:
        return scope_path
    org = await Organisation.get_or_none(id=organisation_id, path__startswith=scope_path)
    return org.path if org else None


def _dated(query: QuerySet[M], column: str, start: date | None, end: date | None) -> QuerySet[M]:
    """Rows whose date ``column`` lies from ``start`` to ``end``, both days included; None leaves that end open."""
    if start:
        query = query.filter(**{f"{column}__gte": start})
    if end:
        query = query.filter(**{f"{column}__lte": end})
    return query


async def obligations(scope_path: str, q: ObligationQuery) -> QuerySet[Obligation]:
    path = await subtree_path(scope_path, q.organisation_id)
    query = Obligation.filter(within("owner", path)) if path is not None else Obligation.filter(id=-1)
    for name, column in (
        ("agreement_id", "agreement_id"),
        ("document_id", "document_id"),
        ("agreement_kind", "agreement__kind"),
        ("category", "category"),
        ("state", "state"),
        ("review_status", "review_status"),
        ("obligor_role", "obligor_role"),
    ):
        value = getattr(q, name)
        if value is not None:
            query = query.filter(**{column: value})
    query = _dated(query, "due_date", q.due_from, q.due_to)
    if q.states is not None:
        query = query.filter(state__in=q.states)
    if q.review_statuses is not None:
        query = query.filter(review_status__in=q.review_statuses)
    if q.district_id is not None:
        query = await _under(query, "owner", scope_path, q.district_id)
    low, high = CONFIDENCE_BANDS.get(q.confidence or "", (None, None))
    if low is not None:
        query = query.filter(confidence__gte=low)
    if high is not None:
        query = query.filter(confidence__lt=high)
    if q.warning_within is not None:
        warned = ObligationWarning.filter(window_days__lte=q.warning_within).values("obligation_id")
        query = query.filter(id__in=Subquery(warned))
    if q.q:
        query = query.filter(Q(quote__icontains=q.q) | Q(action__icontains=q.q) | Q(obligor_name__icontains=q.q))
    return query


async def list_obligations(
    scope_path: str, q: ObligationQuery, limit: int | None, offset: int = 0, sort: str = OBLIGATION_SORTING.default
) -> tuple[list[Obligation], int]:
    query = await obligations(scope_path, q)
    return await page_of(query, OBLIGATION_SORTING, sort, limit, offset, ("owner", "agreement"))


async def _under(query: QuerySet[M], relation: str, scope_path: str, organisation_id: int) -> QuerySet[M]:
    """``query`` cut to rows whose ``relation`` (an organisation) lies under ``organisation_id`` — nothing
    when that organisation is outside the scope."""
    path = await subtree_path(scope_path, organisation_id)
    return query.filter(within(relation, path)) if path else query.filter(id=-1)


async def agreements(scope_path: str, visible: Q, q: AgreementQuery) -> QuerySet[Agreement]:
    """Agreements the caller sees (``visible``: ``app.services.obligations.visible_agreements``), filtered.
    Visibility goes through a sub-query so the obligation join never repeats a row (no DISTINCT, which
    PostgreSQL will not order by a joined column)."""
    query = Agreement.filter(id__in=Subquery(Agreement.filter(visible).values("id")))
    if q.organisation_id is not None:
        query = await _under(query, "owning_department", scope_path, q.organisation_id)
    if q.district_id is not None:
        query = await _under(query, "owning_department", scope_path, q.district_id)
    if q.kind is not None:
        query = query.filter(kind=q.kind)
    if q.obligation_state is not None:
        holding = Obligation.filter(state=q.obligation_state, review_status="confirmed").values("agreement_id")
        query = query.filter(id__in=Subquery(holding))
    query = _dated(query, "signed_on", q.signed_from, q.signed_to)
    if q.q:
        query = query.filter(Q(title__icontains=q.q) | Q(document__filename__icontains=q.q))
    return query


async def list_agreements(
    scope_path: str,
    visible: Q,
    q: AgreementQuery,
    limit: int | None,
    offset: int = 0,
    sort: str = AGREEMENT_SORTING.default,
) -> tuple[list[Agreement], int]:
    query = await agreements(scope_path, visible, q)
    return await page_of(query, AGREEMENT_SORTING, sort, limit, offset, ("document", "owning_department"))


async def documents(scope_path: str, q: DocumentQuery) -> QuerySet[Document]:
    """Documents uploaded inside the scope (``app.services.documents.visible_documents``), filtered."""
    query = Document.filter(within("organisation", scope_path))
    if q.organisation_id is not None:
        query = await _under(query, "organisation", scope_path, q.organisation_id)
    if q.status is not None:
        query = query.filter(status=q.status)
    if q.kind is not None:
        query = query.filter(kind_hint=q.kind)
    if q.uploaded_from:  # Beijing days, as the pages show them
        query = query.filter(created_at__gte=start_of_beijing_day(q.uploaded_from))
    if q.uploaded_to:
        query = query.filter(created_at__lt=start_of_beijing_day(q.uploaded_to + timedelta(days=1)))
    if q.q:
        query = query.filter(filename__icontains=q.q)
    return query


async def list_documents(
    scope_path: str, q: DocumentQuery, limit: int | None, offset: int = 0, sort: str = DOCUMENT_SORTING.default
) -> tuple[list[Document], int]:
    return await page_of(await documents(scope_path, q), DOCUMENT_SORTING, sort, limit, offset, ("organisation",))


async def failures(scope_path: str, q: FailureQuery) -> QuerySet[IntegrityFailure]:
    path = await subtree_path(scope_path, q.organisation_id)
    query = (
        IntegrityFailure.filter(within("organisation", path)) if path is not None else IntegrityFailure.filter(id=-1)
    )
    for name in ("kind", "state", "severity"):
        value = getattr(q, name)
        if value is not None:
            query = query.filter(**{name: value})
    query = _dated(query, "detected_on", q.detected_from, q.detected_to)
    if q.district_id is not None:
        query = await _under(query, "organisation", scope_path, q.district_id)
    if q.q:
        query = query.filter(
            Q(clause__icontains=q.q) | Q(organisation__name__icontains=q.q) | Q(obligor_name__icontains=q.q)
        )
    return query


async def list_failures(
    scope_path: str, q: FailureQuery, limit: int | None, offset: int = 0, sort: str = FAILURE_SORTING.default
) -> tuple[list[IntegrityFailure], int]:
    query = await failures(scope_path, q)
    return await page_of(query, FAILURE_SORTING, sort, limit, offset, ("organisation",))


def inbox(q: InboxQuery) -> QuerySet[InboxMessage]:
    query = InboxMessage.filter(user_id=q.user_id)
    if q.event is not None:
        query = query.filter(event=q.event)
    if q.unread:
        query = query.filter(read_at__isnull=True)
    query = _dated(query, "due_date", q.due_from, q.due_to)
    if q.q:
        query = query.filter(Q(subject__icontains=q.q) | Q(text__icontains=q.q))
    return query


async def list_inbox(
    q: InboxQuery, limit: int | None, offset: int = 0, sort: str = INBOX_SORTING.default
) -> tuple[list[InboxMessage], int]:
    return await page_of(inbox(q), INBOX_SORTING, sort, limit, offset)
