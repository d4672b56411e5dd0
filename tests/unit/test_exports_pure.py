"""Export and notification building blocks that need no database: the iCalendar builder, webhook formats,
the backoff schedule."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date

import pytest
from icalendar import Calendar


def test_pure_calendar_marks_provisional_dates() -> None:
    from app.exports.ical import deadlines_calendar
    from app.models import Obligation, Organisation

    org = Organisation(id=1, name="南海区", kind="district", path="/1/")
    ob = Obligation(
        id=7,
        quote="甲方应于2027年1月4日前支付",
        action="支付补贴",
        obligor_name="甲方",
        due_date=date(2027, 1, 4),
        due_provisional=True,
        state="pending",
        amount=None,
    )
    cal = Calendar.from_ical(deadlines_calendar(org, [ob], []))
    (event,) = cal.walk("VEVENT")
    assert "暂定" in str(event["DESCRIPTION"])
    assert str(event["UID"]) == "obligation-7@chengxin"


def test_backoff_doubles() -> None:
    from app.services.notifications import backoff
    from app.settings import Settings

    s = Settings(notify_backoff_s=30)
    assert [backoff(s, n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_json_webhook_signature_covers_timestamp_and_body() -> None:
    from app.services.webhook_formats import build_request, sign_json

    request = build_request("json", "http://x/hook", "k", "failure", {"organisation": "南海区"}, 5, 1_700_000_000.5)
    assert request.headers["X-Chengxin-Timestamp"] == "1700000000"
    expected = hmac.new(b"k", b"1700000000." + request.body, hashlib.sha256).hexdigest()
    assert (
        request.headers["X-Chengxin-Signature"] == f"sha256={expected}" == sign_json("k", 1_700_000_000, request.body)
    )
    assert json.loads(request.body)["data"] == {"organisation": "南海区"}


def test_robot_answers() -> None:
    from app.services.webhook_formats import accepted

    assert accepted("wecom", 200, b'{"errcode":0}') == (True, None)
    assert accepted("json", 204, b"")[0]
    assert accepted("dingtalk", 200, b'{"errcode":310000,"errmsg":"sign not match"}') == (False, "errcode 310000")
    assert accepted("json", 500, b"boom") == (False, "HTTP 500")  # never the answer's text
    assert accepted("json", 302, b"") == (False, "HTTP 302")  # redirects are not followed
    assert accepted("wecom", 200, b'{"errcode":"<html>internal"}') == (False, "errcode not 0")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 757", "'+86 757"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("", ""),
        ("1=1", "1=1"),
        ("'=1", "'=1"),
        ("甲方", "甲方"),
    ],
)
def test_neutralise(text: str, written: str) -> None:
    from app.exports.tables import neutralise

    assert neutralise(text) == written
