"""/api/webhooks: subscriptions of endpoints (plain JSON, WeCom or DingTalk robots) to notifications about an
organisation and everything under it, and the record of their deliveries.

A URL must be https and resolve to public addresses only (``app.services.egress``); a refused URL is a 422
naming ``url``. The resolver is ``app.state.resolver`` when set (tests), the system's otherwise."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import JSONBody, Parameter

from app.api.deps import AppSettings, CurrentUser
from app.api.ids import IdPath
from app.errors import InvalidInput
from app.models import NotificationDelivery, Organisation, Role, WebhookKind, WebhookSubscription
from app.security import Principal
from app.services import egress
from app.services.notifications import EVENTS, create_subscription, delete_subscription
from app.services.scope import get_in_scope

MANAGERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE})


class SubscriptionCreate(msgspec.Struct, forbid_unknown_fields=True):
    organisation_id: int
    url: Annotated[str, msgspec.Meta(min_length=8, max_length=1000, pattern="^https?://")]
    kind: WebhookKind = WebhookKind.JSON
    secret: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    events: list[str] = []


class SubscriptionRead(msgspec.Struct):
    id: int
    organisation_id: int
    kind: str
    url: str
    events: list[str]
    signed: bool
    is_active: bool
    created_at: datetime


class DeliveryRead(msgspec.Struct):
    id: int
    event: str
    status: str
    attempts: int
    next_attempt: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    payload: dict[str, Any]


_RECORDED_ERROR = re.compile(r"HTTP \d{3}|errcode -?\d{1,12}|errcode not 0|unreachable|refused: [a-z ]{1,80}")


def shown_error(error: str | None) -> str | None:
    """A delivery's error as the API shows it: only the forms ``deliver`` records today, so a row written
    before answers' bodies stopped being kept shows ``error``, not the body."""
    if error is None or _RECORDED_ERROR.fullmatch(error):
        return error
    return "error"


def subscription_read(s: WebhookSubscription) -> SubscriptionRead:
    return SubscriptionRead(
        id=s.id,
        organisation_id=s.organisation_id,  # type: ignore[attr-defined]
        kind=str(s.kind),
        url=s.url,
        events=list(s.events or []),
        signed=bool(s.secret),
        is_active=s.is_active,
        created_at=s.created_at,
    )


async def _visible(principal: Principal, subscription_id: int) -> WebhookSubscription:
    return await get_in_scope(WebhookSubscription, subscription_id, principal)


class WebhookController(Controller):
    path = "/api/webhooks"
    tags = ["notifications"]

    @get("/", opt={"roles": MANAGERS})
    async def list_subscriptions(self, principal: CurrentUser) -> list[SubscriptionRead]:
        rows = await WebhookSubscription.filter(organisation__path__startswith=principal.scope_path).order_by("id")
        return [subscription_read(s) for s in rows]

    @post("/", opt={"roles": MANAGERS}, status_code=201)
    async def subscribe(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        settings: AppSettings,
        data: JSONBody[SubscriptionCreate],
    ) -> SubscriptionRead:
        """Events: ``warning`` (early warnings), ``failure`` (new records), ``rectification_deadline``;
        empty means all. The URL must be https and reach a public address (or one the operator allows)."""
        unknown = sorted(set(data.events) - set(EVENTS))
        if unknown:
            raise InvalidInput(f"Unknown events {unknown}.", errors=[{"key": "events", "message": "unknown"}])
        resolve: egress.Resolver = request.app.state.get("resolver") or egress.system_resolve
        try:
            await egress.check_target(data.url, egress.EgressPolicy.from_settings(settings), resolve)
        except egress.EgressError as exc:
            raise InvalidInput(f"url refused: {exc.reason}.", errors=[{"key": "url", "message": exc.reason}]) from None
        org = await get_in_scope(Organisation, data.organisation_id, principal)
        sub = await create_subscription(principal, org, data.kind, data.url, data.secret, data.events)
        return subscription_read(sub)

    @delete("/{subscription_id:int}", opt={"roles": MANAGERS})
    async def unsubscribe(self, principal: CurrentUser, subscription_id: IdPath) -> None:
        await delete_subscription(principal, await _visible(principal, subscription_id))

    @get("/{subscription_id:int}/deliveries", opt={"roles": MANAGERS})
    async def deliveries(
        self,
        principal: CurrentUser,
        subscription_id: IdPath,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> list[DeliveryRead]:
        sub = await _visible(principal, subscription_id)
        rows = await NotificationDelivery.filter(subscription=sub).order_by("-id").offset(offset).limit(limit)
        return [
            DeliveryRead(
                id=d.id,
                event=d.event,
                status=str(d.status),
                attempts=d.attempts,
                next_attempt=d.next_attempt,
                last_error=shown_error(d.last_error),
                delivered_at=d.delivered_at,
                payload=dict(d.payload),
            )
            for d in rows
        ]
