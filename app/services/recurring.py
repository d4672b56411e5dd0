"""Recurring obligations: the child obligations (``parent`` set), one per nominal due date, each tracked on
its own. Review (``app.services.obligations``) creates them on confirmation, the sweep extends them."""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.functions import Max

from app.models import Agreement, Obligation
from app.services import audit
from extractors.recurrence import schedule_rrule
from trackers import ObligationState, ReviewStatus
from trackers.calendar import effective_due
from trackers.recurrence import instances, parse_rrule


async def next_ordinal(agreement_id: int) -> int:
    row = await Obligation.filter(agreement_id=agreement_id).annotate(m=Max("ordinal")).first().values("m")
    return int(row["m"] if row and row["m"] is not None else -1) + 1


async def generate_instances(parent: Obligation, until: date) -> int:
    """Child obligations (``parent`` set) for each nominal due date of a recurring obligation up to
    ``until``, each tracked on its own. Idempotent: existing instances are kept (unique parent + date)."""
    # rows stored before schedules were RRULEs hold the extractor's word (每年, yearly): read with its phrase
    rule = parse_rrule(schedule_rrule(parent.recurrence, parent.deadline_text))
    if rule is None or parent.review_status != ReviewStatus.CONFIRMED or parent.parent_id is not None:
        return 0
    agreement = await Agreement.get(id=parent.agreement_id)
    start = agreement.signed_on or parent.created_at.date()
    wanted = instances(rule, start, until)
    if not wanted:
        return 0
    existing = set(await Obligation.filter(parent_id=parent.id).values_list("nominal_date", flat=True))
    missing = [d for d in wanted if d not in existing]
    if not missing:
        return 0
    first = await next_ordinal(agreement.id)
    rows = []
    for i, nominal in enumerate(missing):
        due = effective_due(nominal)
        rows.append(
            Obligation(
                agreement_id=agreement.id,
                document_id=parent.document_id,
                ordinal=first + i,
                page=parent.page,
                start=parent.start,
                end=parent.end,
                quote=parent.quote,
                obligor_label=parent.obligor_label,
                obligor_name=parent.obligor_name,
                obligor_role=parent.obligor_role,
                responsible=parent.responsible,
                owner_id=parent.owner_id,
                category=parent.category,
                action=parent.action,
                amount=parent.amount,
                currency=parent.currency,
                amount_text=parent.amount_text,
                deadline_kind="absolute",
                deadline_text=parent.deadline_text,
                nominal_date=nominal,
                due_date=due.date,
                due_provisional=due.provisional,
                conditions=parent.conditions,
                penalty=parent.penalty,
                confidence=parent.confidence,
                review_status=ReviewStatus.CONFIRMED,
                state=ObligationState.PENDING,
                reviewed_by_id=parent.reviewed_by_id,
                parent_id=parent.id,
            )
        )
    await Obligation.bulk_create(rows)
    await audit.record(
        None, "obligation.instances", "obligation", parent.id, None, {"created": [d.isoformat() for d in missing]}
    )
    return len(rows)


async def generate_all_instances(as_of: date, horizon_days: int = 366) -> int:
    """Instances for every confirmed recurring obligation, up to ``as_of + horizon_days`` (the sweep calls
    this; recurring parents are few, each gets one bulk insert)."""
    until = as_of + timedelta(days=horizon_days)
    created = 0
    parents = await Obligation.filter(
        review_status=ReviewStatus.CONFIRMED, recurrence__isnull=False, parent_id__isnull=True
    ).exclude(state__in=[ObligationState.WAIVED, ObligationState.AMENDED, ObligationState.SUSPENDED])
    for parent in parents:
        created += await generate_instances(parent, until)
    return created
