"""Server-rendered pages (Chinese first). Forms carry CSRF tokens; every value is escaped by Jinja."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.utils.scope.state import ScopeState

from app.api.auth import session_cookie
from app.api.deps import AppSettings, CurrentUser, Queue, Store  # noqa: F401
from app.errors import AppError
from app.models import Document, Obligation
from app.security import PUBLIC, SESSION_COOKIE, STAFF, Principal
from app.services import users
from app.services.documents import visible_documents
from app.services.obligations import visible_obligations


def _csrf(request: Request[Any, Any, Any]) -> str:
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


class UIController(Controller):
    include_in_schema = False

    @get("/login", opt={"roles": PUBLIC})
    async def login_page(self, request: Request[Any, Any, Any]) -> Template:
        return Template("login.html", context={"csrf": _csrf(request), "error": None})

    @post("/login", opt={"roles": PUBLIC})
    async def login_form(
        self,
        request: Request[Any, Any, Any],
        settings: AppSettings,
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        try:
            raw, _ = await users.login(data.get("username", ""), data.get("password", ""), settings.session_hours)
        except AppError as exc:
            return Template("login.html", context={"csrf": _csrf(request), "error": exc.detail}, status_code=exc.status)
        return Redirect("/", cookies=[session_cookie(raw, settings)])

    @post("/logout", opt={"roles": STAFF})
    async def logout_form(self, request: Request[Any, Any, Any]) -> Redirect:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            await users.logout(raw)
        return Redirect("/login", cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")])

    @get("/", opt={"roles": PUBLIC})
    async def home(self, request: Request[Any, Any, Any]) -> Response[Any]:
        principal: Principal | None = request.scope.get("user")
        if principal is None:
            return Redirect("/login")
        documents = await Document.filter(visible_documents(principal)).distinct().order_by("-id").limit(50)
        obligations = await Obligation.filter(visible_obligations(principal)).order_by("due_date", "id").limit(200)
        return Template(
            "home.html",
            context={
                "csrf": _csrf(request),
                "user": principal,
                "documents": documents,
                "obligations": obligations,
            },
        )
