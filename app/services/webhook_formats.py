"""The HTTP request each subscription kind expects — pure functions, no I/O.

* ``json`` — the event as JSON; ``X-Chengxin-Timestamp`` (Unix seconds) and ``X-Chengxin-Signature``
  (``sha256=`` + hex HMAC-SHA256 of ``"{timestamp}.{body}"`` with the subscription's secret). Receivers
  recompute it and reject stale timestamps.
* ``wecom`` — WeCom (企业微信) group robot: ``{"msgtype": "markdown", "markdown": {"content": …}}``.
* ``dingtalk`` — DingTalk (钉钉) group robot: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``;
  with a secret the URL gets ``timestamp`` (ms) and ``sign`` = Base64(HMAC-SHA256(secret,
  "{timestamp}\\n{secret}")), URL-encoded, as DingTalk's "加签" requires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

TITLES = {
    "warning": "履约预警",
    "failure": "新增失信记录",
    "rectification_deadline": "整改期限提醒",
    "assignment": "义务分派",
    "decision": "失信记录处理进展",
}

_LABELS = [
    ("kind_label", "类型"),
    ("organisation", "责任单位"),
    ("obligor_name", "义务人"),
    ("action", "义务内容"),
    ("due_date", "到期日"),
    ("window_days", "剩余天数"),
    ("days_late", "逾期天数"),
    ("severity", "严重程度"),
    ("amount_outstanding", "未履行金额（元）"),
    ("rectification_deadline", "整改期限"),
    ("clause", "条款原文"),
]


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    url: str
    body: bytes
    headers: dict[str, str]


def sign_json(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return quote_plus(base64.b64encode(mac.digest()).decode())


def markdown(event: str, payload: dict[str, Any]) -> tuple[str, str]:
    """(title, markdown text) for chat robots."""
    title = TITLES.get(event, event)
    if event == "failure" and payload.get("kind") == "counterparty_default":
        title = "新增违约记录"  # a counterparty's default is never announced as 失信
    lines = [f"### {title}"]
    for key, label in _LABELS:
        value = payload.get(key)
        if value not in (None, ""):
            text = str(value)
            lines.append(f"> {label}：{text[:200]}")
    if payload.get("url"):
        lines.append(f"[查看详情]({payload['url']})")
    return title, "\n".join(lines)


def build_request(
    kind: str, url: str, secret: str | None, event: str, payload: dict[str, Any], delivery_id: int, now_s: float
) -> WebhookRequest:
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "chengxin-webhook/1"}
    if kind == "wecom":
        _, text = markdown(event, payload)
        body = {"msgtype": "markdown", "markdown": {"content": text}}
        return WebhookRequest(url, json.dumps(body, ensure_ascii=False).encode(), headers)
    if kind == "dingtalk":
        title, text = markdown(event, payload)
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if secret:
            ts = int(now_s * 1000)
            url = f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={dingtalk_sign(secret, ts)}"
        return WebhookRequest(url, json.dumps(body, ensure_ascii=False).encode(), headers)
    timestamp = int(now_s)
    raw = json.dumps(
        {"event": event, "delivery_id": delivery_id, "timestamp": timestamp, "data": payload},
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    headers |= {
        "X-Chengxin-Event": event,
        "X-Chengxin-Delivery": str(delivery_id),
        "X-Chengxin-Timestamp": str(timestamp),
    }
    if secret:
        headers["X-Chengxin-Signature"] = sign_json(secret, timestamp, raw)
    return WebhookRequest(url, raw, headers)


def accepted(kind: str, status: int, body: bytes) -> tuple[bool, str | None]:
    """Chat robots answer 200 with ``errcode`` ≠ 0 on errors; plain webhooks succeed with any 2xx (a
    redirect is a failure: it is not followed). The error keeps the status and a robot's numeric errcode,
    never the text of the answer (it could be a page of an internal service)."""
    if not 200 <= status < 300:
        return False, f"HTTP {status}"
    if kind in ("wecom", "dingtalk"):
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            return True, None
        code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
        if code != 0:
            return False, f"errcode {code}" if isinstance(code, int) else "errcode not 0"
    return True, None
