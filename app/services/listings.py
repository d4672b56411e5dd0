"""The filtered, paginated lists evaluators read and export: obligations and integrity-failure records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.models import IntegrityFailure, Obligation, Organisation
from app.services.scope import within


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


# sort keys a list may ask for → columns (a trailing ``-`` on the key: descending); the id breaks ties
FAILURE_SORTS: dict[str, str] = {
    "detected": "detected_on",
    "due": "due_date",
    "days_late": "days_late",
    "severity": "severity",
    "amount": "amount_outstanding",
    "state": "state",
    "body": "organisation__name",
}
DEFAULT_FAILURE_SORT = "detected-"


def failure_order(sort: str) -> tuple[str, str]:
    """``order_by`` arguments for a sort key such as ``due`` or ``days_late-``; unknown → newest first."""
    key, descending = (sort[:-1], True) if sort.endswith("-") else (sort, False)
    if key not in FAILURE_SORTS:
        return failure_order(DEFAULT_FAILURE_SORT)
    sign = "-" if descending else ""
    return f"{sign}{FAILURE_SORTS[key]}", f"{sign}id"


async def subtree_path(scope_path: str, organisation_id: int | None) -> str | None:
    """The path to filter by: the caller's scope, or an organisation inside it (None: not visible)."""
    if organisation_id is None:
        return scope_path
    org = await Organisation.get_or_none(id=organisation_id, path__startswith=scope_path)
    return org.path if org else None


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
    if q.due_from:
        query = query.filter(due_date__gte=q.due_from)
    if q.due_to:
        query = query.filter(due_date__lte=q.due_to)
    return query


async def list_obligations(
    scope_path: str, q: ObligationQuery, limit: int | None, offset: int = 0
) -> tuple[list[Obligation], int]:
    query = await obligations(scope_path, q)
    total = await query.count()
    page = query.order_by("due_date", "id").offset(offset).prefetch_related("owner", "agreement")
    if limit is not None:
        page = page.limit(limit)
    return list(await page), total


async def failures(scope_path: str, q: FailureQuery) -> QuerySet[IntegrityFailure]:
    path = await subtree_path(scope_path, q.organisation_id)
    query = (
        IntegrityFailure.filter(within("organisation", path)) if path is not None else IntegrityFailure.filter(id=-1)
    )
    for name in ("kind", "state", "severity"):
        value = getattr(q, name)
        if value is not None:
            query = query.filter(**{name: value})
    if q.detected_from:
        query = query.filter(detected_on__gte=q.detected_from)
    if q.detected_to:
        query = query.filter(detected_on__lte=q.detected_to)
    if q.district_id is not None:
        district = await subtree_path(scope_path, q.district_id)
        query = query.filter(organisation__path__startswith=district) if district else query.filter(id=-1)
    if q.q:
        query = query.filter(
            Q(clause__icontains=q.q) | Q(organisation__name__icontains=q.q) | Q(obligor_name__icontains=q.q)
        )
    return query


async def list_failures(
    scope_path: str, q: FailureQuery, limit: int | None, offset: int = 0, sort: str = DEFAULT_FAILURE_SORT
) -> tuple[list[IntegrityFailure], int]:
    query = await failures(scope_path, q)
    total = await query.count()
    page = query.order_by(*failure_order(sort)).offset(offset).prefetch_related("organisation")
    if limit is not None:
        page = page.limit(limit)
    return list(await page), total
