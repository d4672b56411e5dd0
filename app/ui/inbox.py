"""The in-app inbox behind the bell: each user's notices (warnings, assignments, rectification orders,
decisions on failure records), unread first marked, each leading to its page. The messages are written by
``app.services.notifications.notify_many``; this module only reads them and marks them read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.api.deps import CurrentUser
from app.api.guard import bound_path_ids
from app.models import InboxMessage, Obligation
from app.security import STAFF, Principal
from app.services import listings
from app.services.notifications import EVENTS
from app.services.scope import get_in_scope
from app.ui import listing
from app.ui.render import UNREAD_KEY, page, succeeded

INBOX_PAGE = 30


async def unread_count(user_id: int) -> int:
    return await InboxMessage.filter(user_id=user_id, read_at__isnull=True).count()


async def before_page(request: Request[Any, Any, Any]) -> None:
    """Before every page: the app's path-id bound (this hook replaces the app-level one on the UI router),
    then the unread count for the bell in the header."""
    await bound_path_ids(request)
    principal: Principal | None = request.scope.get("user")
    scope: dict[str, Any] = request.scope  # type: ignore[assignment]
    scope[UNREAD_KEY] = await unread_count(principal.user_id) if principal is not None else 0


class InboxPages(Controller):
    include_in_schema = False

    @get("/inbox", opt={"roles": STAFF})
    async def inbox(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        show: FromQuery[str] = "all",
        q: FromQuery[str] = "",
        event: FromQuery[str] = "",
        due_from: FromQuery[str] = "",
        due_to: FromQuery[str] = "",
        sort: FromQuery[str] = "",
        page_no: FromQuery[str] = "1",
    ) -> Template:
        """The caller's notices — early warnings among them — searched, filtered by kind, unread and due
        date, sorted and paged in the URL."""
        q = listing.text_param(q)
        flt = listings.InboxQuery(
            user_id=principal.user_id,
            event=listing.choice(event, EVENTS),
            unread=show == "unread",
            due_from=listing.date_param(due_from),
            due_to=listing.date_param(due_to),
            q=q or None,
        )
        kept = {
            "show": "unread" if flt.unread else "",
            "q": q,
            "event": flt.event or "",
            "due_from": listing.kept_date(flt.due_from),
            "due_to": listing.kept_date(flt.due_to),
        }
        view = listing.ListView.read(listings.INBOX_SORTING, kept, sort, page_no, size=INBOX_PAGE)
        rows, total = await listings.list_inbox(flt, view.size, view.offset, view.sort)
        return page(
            request,
            "inbox.html",
            messages=rows,
            show="unread" if flt.unread else "all",
            flt=flt,
            events=EVENTS,
            view=view.counted(total),
        )

    @get("/inbox/{message_id:int}", opt={"roles": STAFF})
    async def open_message(self, principal: CurrentUser, message_id: FromPath[int]) -> Redirect:
        """Opening a notice marks it read and goes to the thing it is about."""
        message = await get_in_scope(InboxMessage, message_id, principal)
        if message.read_at is None:
            await InboxMessage.filter(id=message.id).update(read_at=datetime.now(UTC))
        return Redirect(message.link if message.link.startswith("/") and not message.link.startswith("//") else "/")

    @post("/inbox/{message_id:int}/read", opt={"roles": STAFF, "session_write": True})
    async def mark(
        self, request: Request[Any, Any, Any], principal: CurrentUser, message_id: FromPath[int]
    ) -> Response[Any]:
        """Toggle read/unread."""
        message = await get_in_scope(InboxMessage, message_id, principal)
        read_at = None if message.read_at else datetime.now(UTC)
        await InboxMessage.filter(id=message.id).update(read_at=read_at)
        return succeeded(request, "/inbox", "done.inbox_unread" if read_at is None else "done.inbox_read")

    @post("/inbox/read-all", opt={"roles": STAFF, "session_write": True})
    async def mark_all(self, request: Request[Any, Any, Any], principal: CurrentUser) -> Response[Any]:
        n = await InboxMessage.filter(user_id=principal.user_id, read_at__isnull=True).update(read_at=datetime.now(UTC))
        return succeeded(request, "/inbox", "done.inbox_all", n=n)

    @get("/obligations/{obligation_id:int}", opt={"roles": STAFF})
    async def obligation(self, principal: CurrentUser, obligation_id: FromPath[int]) -> Redirect:
        """An obligation's place: its card on the agreement page (which every staff role may read)."""
        ob = await get_in_scope(Obligation, obligation_id, principal)
        return Redirect(f"/agreements/{ob.agreement_id}#ob-{ob.id}")
