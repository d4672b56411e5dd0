"""One feedback mechanism for every form: after a POST the page redirects (POST → GET) and the next page
shows what happened — a success message, or the errors beside their fields with the submitted values put
back. The message travels in a short-lived cookie signed with the installation's secret (HMAC-SHA256), read
and cleared by the next page; it carries only message keys, field names and the user's own values.

    set_flash(response, request, Flash(...))   on the answer to a POST
    take_flash(request) -> Flash | None        in ``render.page``; the page deletes the cookie
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

FLASH_COOKIE = "chengxin_flash"
MAX_VALUES_BYTES = 2400  # a cookie holds ~4 KB; values beyond this are not put back (the errors still show)


@dataclass(frozen=True, slots=True)
class Flash:
    kind: str  # "ok" | "error"
    key: str  # message key (app.ui.i18n)
    values: dict[str, Any] = field(default_factory=dict)  # placeholders of the message
    fields: dict[str, str] = field(default_factory=dict)  # field name → message key
    form: dict[str, str] = field(default_factory=dict)  # field name → the value the user submitted
    action: str = ""  # the form's action path, so the values go back into the right form

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "values": self.values,
            "fields": self.fields,
            "form": self.form,
            "action": self.action,
        }


def _secret(request: Request[Any, Any, Any]) -> bytes:
    return str(request.app.state.settings.secret_key).encode()


def _sign(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, b"flash:" + body, hashlib.sha256).hexdigest()[:32]


def encode(secret: bytes, flash: Flash) -> str:
    form = dict(flash.form)
    while form and len(json.dumps(form, ensure_ascii=False).encode()) > MAX_VALUES_BYTES:
        form.popitem()
    data = Flash(flash.kind, flash.key, flash.values, flash.fields, form, flash.action).to_json()
    body = base64.urlsafe_b64encode(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    return f"{body.decode()}.{_sign(secret, body)}"


def decode(secret: bytes, value: str) -> Flash | None:
    body, _, signature = value.rpartition(".")
    if not body or not hmac.compare_digest(signature, _sign(secret, body.encode())):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
        return Flash(
            kind=str(data["kind"]),
            key=str(data["key"]),
            values={str(k): v for k, v in dict(data.get("values") or {}).items()},
            fields={str(k): str(v) for k, v in dict(data.get("fields") or {}).items()},
            form={str(k): str(v) for k, v in dict(data.get("form") or {}).items()},
            action=str(data.get("action") or ""),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def set_flash(response: Response[Any], request: Request[Any, Any, Any], flash: Flash) -> Response[Any]:
    response.set_cookie(
        Cookie(
            key=FLASH_COOKIE,
            value=encode(_secret(request), flash),
            path="/",
            max_age=120,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    )
    return response


def take_flash(request: Request[Any, Any, Any]) -> Flash | None:
    raw = request.cookies.get(FLASH_COOKIE)
    return decode(_secret(request), raw) if raw else None


def clear_flash(response: Response[Any]) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/")
