"""An iCalendar (RFC 5545) feed of an organisation's deadlines: open obligations and rectification
deadlines, all-day events with reminders (VALARM) 7 days and 1 day before."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from app.models import IntegrityFailure, Obligation, Organisation

REMINDER_DAYS = (7, 1)
PRODID = "-//chengxin//deadlines//ZH"


def _alarms(event: Event, summary: str) -> None:
    for days in REMINDER_DAYS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{days}天后到期：{summary}")
        alarm.add("trigger", timedelta(days=-days))
        event.add_component(alarm)


def _event(uid: str, day: date, summary: str, description: str, stamp: datetime, categories: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", [categories])
    event.add("transp", "TRANSPARENT")
    _alarms(event, summary)
    return event


def deadlines_calendar(
    organisation: Organisation,
    obligations: Sequence[Obligation],
    failures: Sequence[IntegrityFailure],
    host: str = "chengxin",
    now: datetime | None = None,
) -> bytes:
    stamp = now or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{organisation.name} 履约期限")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    for ob in obligations:
        if ob.due_date is None:
            continue
        what = (ob.action or ob.quote or "").strip()[:60]
        amount = f"，金额{ob.amount}元" if ob.amount is not None else ""
        description = f"{ob.quote}\n义务人：{ob.obligor_name or ''}{amount}\n状态：{ob.state}"
        if ob.due_provisional:
            description += "\n（到期日为暂定：次年节假日安排公布后可能调整）"
        cal.add_component(
            _event(f"obligation-{ob.id}@{host}", ob.due_date, f"【履约到期】{what}", description, stamp, "履约期限")
        )
    for f in failures:
        if f.rectification_deadline is None:
            continue
        cal.add_component(
            _event(
                f"rectification-{f.id}@{host}",
                f.rectification_deadline,
                f"【整改期限】失信记录{f.id}",
                f"{f.clause}\n原约定期限：{f.due_date}，逾期{f.days_late}天",
                stamp,
                "整改期限",
            )
        )
    return bytes(cal.to_ical())
