"""Notifications: early warnings, assignments, new integrity-failure records, rectification orders and
deadlines, decisions on records — to each concerned user's in-app inbox and to subscribed endpoints.

``notify`` / ``notify_many`` are the one dispatch point: they write one ``InboxMessage`` per user whose own
organisation covers the notice's (the body, the bureaus and governments above it; evaluators get none) and
one ``NotificationDelivery`` per matching subscription (an organisation's subscription covers everything
under it), and hand the new deliveries to the job queue; ``deliver`` sends one
delivery and answers how long to wait before the next attempt (exponential backoff) or ``None`` when it
is done. The arq job turns that into ``Retry(defer=…)``; the in-process queue sleeps. No request ever
waits for a webhook. A delivery is unique per (subscription, dedupe key), so repeating a sweep never
notifies twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from tortoise.transactions import in_transaction

from app.models import (
    DeliveryStatus,
    FailureKind,
    InboxMessage,
    IntegrityFailure,
    NotificationDelivery,
    Obligation,
    ObligationWarning,
    Organisation,
    Role,
    User,
    WebhookSubscription,
)
from app.security import Principal
from app.services import audit, egress
from app.services.webhook_formats import accepted, build_request
from app.settings import Settings


class JobQueue(Protocol):
    """What notifications need of the job queue (``app.jobs.JobQueue`` is one; this module does not
    import it, so that the queue may import the services whose jobs it runs)."""

    async def enqueue_notification(self, delivery_id: int, defer_s: float = 0.0) -> bool: ...


log = logging.getLogger("chengxin.notify")

EVENTS = ("warning", "failure", "rectification_deadline", "assignment", "decision")
RECTIFICATION_REMINDER_DAYS = (7, 1)
FAILURE_FIELDS = (
    "id",
    "kind",
    "organisation_id",
    "organisation__name",
    "obligation_id",
    "obligor_name",
    "promised_to",
    "severity",
    "due_date",
    "days_late",
    "amount_outstanding",
    "clause",
)  # what a failure notice carries

_queue: JobQueue | None = None


def use_queue(queue: JobQueue | None) -> None:
    """The queue new deliveries go to (set by ``make_queue`` and the worker). Without one, deliveries wait
    for the worker's ``deliver_pending_notifications`` cron job."""
    global _queue
    _queue = queue


@dataclass(frozen=True, slots=True)
class Notice:
    organisation_id: int
    payload: dict[str, Any]
    dedupe_key: str


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


async def notify(
    event_kind: str, payload: dict[str, Any], organisation_id: int, *, dedupe_key: str | None = None
) -> list[int]:
    """Notify every subscription covering ``organisation_id``; returns the new delivery ids."""
    key = dedupe_key or f"{event_kind}:{time.time_ns()}"
    return await notify_many(event_kind, [Notice(organisation_id, payload, key)])


async def notify_many(event_kind: str, notices: Sequence[Notice]) -> list[int]:
    if event_kind not in EVENTS:
        raise ValueError(f"unknown event kind {event_kind!r}")
    if not notices:
        return []
    await fill_inboxes(event_kind, notices)
    subscriptions = await WebhookSubscription.filter(is_active=True).select_related("organisation")
    wanted = [s for s in subscriptions if not s.events or event_kind in s.events]
    if not wanted:
        return []
    org_ids = {n.organisation_id for n in notices}
    paths = dict(await Organisation.filter(id__in=org_ids).values_list("id", "path"))
    now = datetime.now(UTC)
    rows = [
        NotificationDelivery(
            subscription_id=sub.id,
            event=event_kind,
            dedupe_key=n.dedupe_key[:120],
            payload={k: _jsonable(v) for k, v in n.payload.items()},
            status=DeliveryStatus.PENDING,
            next_attempt=now,
        )
        for n in notices
        for sub in wanted
        if str(paths.get(n.organisation_id, "\0")).startswith(sub.organisation.path)
    ]
    if not rows:
        return []
    await NotificationDelivery.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    keys = {r.dedupe_key for r in rows}
    ids: list[int] = list(
        await NotificationDelivery.filter(
            event=event_kind,
            dedupe_key__in=keys,
            subscription_id__in=[s.id for s in wanted],
            attempts=0,
            status=DeliveryStatus.PENDING,
        ).values_list("id", flat=True)  # type: ignore[arg-type]
    )
    await dispatch(ids)
    return ids


def inbox_link(event_kind: str, payload: dict[str, Any]) -> str:
    """The page a notice leads to: the failure record, or the obligation (in its agreement)."""
    if payload.get("failure_id"):
        return f"/failures/{int(payload['failure_id'])}"
    if payload.get("obligation_id"):
        return f"/obligations/{int(payload['obligation_id'])}"
    return "/"


async def fill_inboxes(event_kind: str, notices: Sequence[Notice]) -> int:
    """One inbox message per concerned user and notice (once per dedupe key): the active users, evaluators
    excepted, whose own organisation is the notice's or above it."""
    org_ids = {n.organisation_id for n in notices}
    paths = dict(await Organisation.filter(id__in=org_ids).values_list("id", "path"))
    users = await User.filter(is_active=True).exclude(role=Role.EVALUATOR).values_list("id", "organisation__path")
    rows = []
    for n in notices:
        path = str(paths.get(n.organisation_id, "\0"))
        p = n.payload
        for user_id, user_path in users:
            if not path.startswith(str(user_path)):
                continue
            due = p.get("rectification_deadline") or p.get("due_date")
            due_date = due if isinstance(due, date) else date.fromisoformat(due) if isinstance(due, str) else None
            rows.append(
                InboxMessage(
                    user_id=user_id,
                    event=event_kind,
                    step=str(p.get("step") or ""),
                    dedupe_key=n.dedupe_key[:120],
                    link=inbox_link(event_kind, p),
                    subject=str(p.get("organisation") or p.get("obligor_name") or "")[:300],
                    text=str(p.get("action") or p.get("clause") or "")[:500],
                    due_date=due_date,
                )
            )
    if rows:
        await InboxMessage.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


async def dispatch(ids: Iterable[int]) -> None:
    if _queue is None:
        return
    for delivery_id in ids:
        await _queue.enqueue_notification(delivery_id)


def subscription_snapshot(sub: WebhookSubscription) -> dict[str, Any]:
    """What the audit log keeps of a subscription: never its secret, nor the URL's query (robot URLs carry
    their access token there)."""
    parts = urlsplit(sub.url)
    return {
        "organisation_id": sub.organisation_id,  # type: ignore[attr-defined]
        "kind": str(sub.kind),
        "url": f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}",
        "events": list(sub.events or []),
        "signed": bool(sub.secret),
        "is_active": sub.is_active,
    }


async def create_subscription(
    principal: Principal,
    organisation: Organisation,
    kind: str,
    url: str,
    secret: str | None,
    events: Sequence[str],
) -> WebhookSubscription:
    """A new subscription and its audit entry (the URL was checked by the caller)."""
    async with in_transaction():
        sub = await WebhookSubscription.create(
            organisation=organisation,
            kind=kind,
            url=url,
            secret=secret or None,
            events=sorted(set(events)),
            created_by_id=principal.user_id,
        )
        await audit.record(
            principal, "webhook.create", "webhook_subscription", sub.id, None, subscription_snapshot(sub)
        )
    return sub


async def delete_subscription(principal: Principal, sub: WebhookSubscription) -> None:
    async with in_transaction():
        await audit.record(principal, "webhook.delete", "webhook_subscription", sub.id, subscription_snapshot(sub))
        await sub.delete()


def backoff(settings: Settings, attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: base, 2·base, 4·base, …"""
    return float(settings.notify_backoff_s * (2 ** max(0, attempts - 1)))


async def deliver(
    delivery_id: int,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    resolve: egress.Resolver = egress.system_resolve,
) -> float | None:
    """Send one delivery. Returns the delay before a retry, or ``None`` when delivered, failed for good or
    already done (so running it twice is harmless).

    The target is checked again now (``egress.check_target``) and the connection goes to the address that
    was checked; redirects are not followed. What is kept of the answer is its status code (and a robot's
    numeric ``errcode``); a connection that fails for any reason is "unreachable", so the record never
    tells an open port from a closed one."""
    delivery = await NotificationDelivery.get_or_none(id=delivery_id).select_related("subscription")
    if delivery is None or delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        return None
    sub = delivery.subscription
    request = build_request(
        str(sub.kind), sub.url, sub.secret, delivery.event, dict(delivery.payload), delivery.id, time.time()
    )
    error: str | None
    refused = False
    try:
        target = await egress.check_target(request.url, egress.EgressPolicy.from_settings(settings), resolve)
    except egress.Unresolvable:
        ok, error = False, UNREACHABLE
    except egress.EgressError as exc:
        ok, error, refused = False, f"refused: {exc.reason}", True
    else:
        ok, error = await _post(target, request.body, request.headers, str(sub.kind), settings, transport)
    attempts = delivery.attempts + 1
    now = datetime.now(UTC)
    if ok:
        await NotificationDelivery.filter(id=delivery.id).update(
            attempts=attempts, status=DeliveryStatus.DELIVERED, delivered_at=now, last_error=None, next_attempt=None
        )
        return None
    if refused or attempts >= settings.notify_max_attempts:
        await NotificationDelivery.filter(id=delivery.id).update(
            attempts=attempts, status=DeliveryStatus.FAILED, last_error=error, next_attempt=None
        )
        log.warning("notification %s failed for good: %s", delivery.id, error)
        return None
    delay = backoff(settings, attempts)
    await NotificationDelivery.filter(id=delivery.id).update(
        attempts=attempts,
        status=DeliveryStatus.RETRYING,
        last_error=error,
        next_attempt=now + timedelta(seconds=delay),
    )
    return delay


UNREACHABLE = "unreachable"
ANSWER_LIMIT = 4096  # bytes of a robot's answer read to find its errcode; the rest is never read


async def _post(
    target: egress.Target,
    body: bytes,
    headers: dict[str, str],
    kind: str,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None,
) -> tuple[bool, str | None]:
    try:
        async with (
            httpx.AsyncClient(
                timeout=settings.notify_timeout_s, transport=transport, follow_redirects=False, trust_env=False
            ) as http,
            http.stream(
                "POST",
                target.pinned_url,
                content=body,
                headers={**headers, "Host": target.host_header},
                extensions=target.extensions,
            ) as response,
        ):
            answer = b""
            if kind in ("wecom", "dingtalk") and 200 <= response.status_code < 300:
                async for chunk in response.aiter_bytes():
                    answer += chunk
                    if len(answer) >= ANSWER_LIMIT:
                        break
            return accepted(kind, response.status_code, answer[:ANSWER_LIMIT])
    except httpx.HTTPError:
        return False, UNREACHABLE


async def due_deliveries(limit: int = 1000) -> list[int]:
    """Deliveries waiting for an attempt (e.g. queued while no worker queue was configured)."""
    now = datetime.now(UTC)
    ids: list[int] = list(
        await NotificationDelivery.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], next_attempt__lte=now
        )
        .order_by("next_attempt")
        .limit(limit)
        .values_list("id", flat=True)  # type: ignore[arg-type]
    )
    return ids


async def resume_pending(queue: JobQueue) -> int:
    """Hand every undelivered delivery back to ``queue`` with what is left of its backoff (at start-up of
    the in-process queue, whose tasks do not survive a restart)."""
    now = datetime.now(UTC)
    rows = await NotificationDelivery.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]).values_list(
        "id", "next_attempt"
    )
    for delivery_id, next_attempt in rows:
        delay = max(0.0, (next_attempt - now).total_seconds()) if next_attempt else 0.0
        await queue.enqueue_notification(int(delivery_id), delay)
    return len(rows)


# ---- what the sweep reports ------------------------------------------------------------------------------


async def notify_after_sweep(as_of: date, warnings_after: int, failures_after: int) -> dict[str, int]:
    """Notifications for the warnings and failure records the sweep just inserted (ids above the marks
    taken before it) and for rectification deadlines 7 and 1 days ahead — each one query."""
    warnings = await ObligationWarning.filter(id__gt=warnings_after).values(
        "id",
        "window_days",
        "due_date",
        "obligation_id",
        "obligation__owner_id",
        "obligation__owner__name",
        "obligation__obligor_name",
        "obligation__action",
        "obligation__quote",
    )
    warning_ids = await notify_many(
        "warning",
        [
            Notice(
                w["obligation__owner_id"],
                {
                    "obligation_id": w["obligation_id"],
                    "organisation_id": w["obligation__owner_id"],
                    "organisation": w["obligation__owner__name"],
                    "obligor_name": w["obligation__obligor_name"],
                    "action": w["obligation__action"] or w["obligation__quote"],
                    "due_date": w["due_date"],
                    "window_days": w["window_days"],
                },
                f"warning:{w['obligation_id']}:{w['window_days']}:{w['due_date']}",
            )
            for w in warnings
        ],
    )
    failures = await IntegrityFailure.filter(id__gt=failures_after).values(*FAILURE_FIELDS)
    failure_ids = await notify_many("failure", [_failure_notice(f, f"failure:{f['id']}") for f in failures])
    reminder_dates = [as_of + timedelta(days=d) for d in RECTIFICATION_REMINDER_DAYS]
    due = await IntegrityFailure.filter(
        state="rectification_ordered", rectification_deadline__in=reminder_dates
    ).values(*FAILURE_FIELDS, "rectification_deadline")
    reminder_ids = await notify_many(
        "rectification_deadline",
        [_failure_notice(f, f"rectification:{f['id']}:{f['rectification_deadline']}:{as_of}") for f in due],
    )
    return {"warning": len(warning_ids), "failure": len(failure_ids), "rectification_deadline": len(reminder_ids)}


def _failure_notice(f: dict[str, Any], key: str) -> Notice:
    payload = {
        "failure_id": f["id"],
        "kind": str(f["kind"]),
        "kind_label": FailureKind(f["kind"]).label,  # 政务失信 or 违约: a notice always says which
        "organisation_id": f["organisation_id"],
        "organisation": f["organisation__name"],
        "obligation_id": f["obligation_id"],
        "obligor_name": f["obligor_name"],
        "promised_to": f["promised_to"],
        "severity": f["severity"],
        "due_date": f["due_date"],
        "days_late": f["days_late"],
        "amount_outstanding": f["amount_outstanding"],
        "clause": f["clause"],
    }
    if "rectification_deadline" in f:
        payload["rectification_deadline"] = f["rectification_deadline"]
    return Notice(f["organisation_id"], payload, key)


FAILURE_STEPS = ("recorded", "found")


async def notify_failure_step(failure_id: int, step: str) -> list[int]:
    """Notifications for one step of the failure workflow, called after its transaction commits:
    ``recorded`` (a record made by hand) and ``found`` (a finding, 认定) go out as ``failure`` events,
    ``rectification_ordered`` as a ``rectification_deadline`` event carrying the plan's deadline, every other
    step (verification, dismissal, rectification reported, objection and its decision, repair) as a
    ``decision``. The step name is in the payload and the dedupe key, so each step notifies once."""
    fields = (*FAILURE_FIELDS, "state", "rectification_deadline")
    rows = await IntegrityFailure.filter(id=failure_id).values(*fields)
    if not rows:
        return []
    f = rows[0]
    kind = (
        "rectification_deadline"
        if step == "rectification_ordered"
        else "failure"
        if step in FAILURE_STEPS
        else "decision"
    )
    key = f"{kind}:{f['id']}:{step}"
    if kind == "rectification_deadline":
        key += f":{f['rectification_deadline']}"
    else:
        f.pop("rectification_deadline")
    notice = _failure_notice(f, key)
    notice.payload.update(step=step, state=str(f["state"]))
    return await notify_many(kind, [notice])


async def notify_assignments(obligation_ids: Sequence[int]) -> list[int]:
    """An obligation became a body's to perform (confirmed for it, or given to it): one ``assignment``
    notice to the owner, once per (obligation, owner)."""
    if not obligation_ids:
        return []
    rows = await Obligation.filter(id__in=list(obligation_ids), owner_id__isnull=False).values(
        "id", "owner_id", "owner__name", "obligor_name", "action", "quote", "due_date"
    )
    notices = [
        Notice(
            r["owner_id"],
            {
                "obligation_id": r["id"],
                "organisation_id": r["owner_id"],
                "organisation": r["owner__name"],
                "obligor_name": r["obligor_name"],
                "action": r["action"] or r["quote"],
                "due_date": r["due_date"],
            },
            f"assignment:{r['id']}:{r['owner_id']}",
        )
        for r in rows
    ]
    return await notify_many("assignment", notices)


async def last_ids() -> tuple[int, int]:
    """(highest warning id, highest failure id): the marks ``notify_after_sweep`` compares against."""
    w = await ObligationWarning.all().order_by("-id").limit(1).values_list("id", flat=True)
    f = await IntegrityFailure.all().order_by("-id").limit(1).values_list("id", flat=True)
    return (int(w[0]) if w else 0), (int(f[0]) if f else 0)  # type: ignore[call-overload]
