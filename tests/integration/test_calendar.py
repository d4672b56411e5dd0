"""The iCalendar feed of deadlines, parsed back with ``icalendar``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import City
from tests.integration.stats_city import build_stats_city


@pytest.fixture
async def feed_city(city: City) -> City:
    from app import clock
    from app.models import IntegrityFailure, Obligation

    ids = await build_stats_city(city)
    soon = clock.today() + timedelta(days=20)
    await Obligation.filter(id__in=[ids[11], ids[7]]).update(due_date=soon, state="pending")
    await IntegrityFailure.filter(obligation_id=ids[8]).update(
        state="rectification_ordered", rectification_deadline=soon + timedelta(days=5)
    )
    city.soon = soon  # type: ignore[attr-defined]
    return city


def events(body: bytes) -> dict[str, Any]:
    cal = Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0"
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


async def test_feed_with_bearer_token(client: Any, feed_city: City) -> None:
    response = await client.get(
        f"/api/calendar/{feed_city.orgs['city']}/deadlines.ics", headers=feed_city.auth("evaluator")
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    found = events(response.content)
    obligation = next(e for uid, e in found.items() if uid.startswith("obligation-"))
    assert obligation["DTSTART"].dt == feed_city.soon  # type: ignore[attr-defined]
    assert obligation["DTEND"].dt == feed_city.soon + timedelta(days=1)  # type: ignore[attr-defined]
    assert "履约到期" in str(obligation["SUMMARY"])
    alarms = obligation.walk("VALARM")
    assert sorted(a["TRIGGER"].dt for a in alarms) == [timedelta(days=-7), timedelta(days=-1)]
    assert all(str(a["ACTION"]) == "DISPLAY" for a in alarms)
    assert sum(uid.startswith("obligation-") for uid in found) == 2
    rectification = next(e for uid, e in found.items() if uid.startswith("rectification-"))
    assert rectification["DTSTART"].dt == feed_city.soon + timedelta(days=5)  # type: ignore[attr-defined]


async def test_feed_with_token_in_url_and_scope(client: Any, feed_city: City) -> None:
    token = feed_city.tokens["district_department"]
    response = await client.get(f"/api/calendar/{feed_city.orgs['district_ndrc']}/deadlines.ics?token={token}")
    assert response.status_code == 200
    found = events(response.content)
    assert {uid.split("-")[0] for uid in found} == {"obligation", "rectification"}
    outside = await client.get(f"/api/calendar/{feed_city.orgs['finance']}/deadlines.ics?token={token}")
    assert outside.status_code == 404
    anonymous = await client.get(f"/api/calendar/{feed_city.orgs['city']}/deadlines.ics?token=cx_wrong")
    assert anonymous.status_code == 401
