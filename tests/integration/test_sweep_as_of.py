"""The sweep refuses a date in the future — through the API, the UI form and the service — and writes
nothing when it does (a sweep of 2031 would record breaches of deadlines that have not passed)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import City
from tests.integration.test_ui_pages import form_login


async def test_api_refuses_a_future_as_of(client: Any, city: City) -> None:
    from app import clock
    from app.models import AuditLog, IntegrityFailure

    tomorrow = clock.today() + timedelta(days=1)
    refused = await client.post("/api/sweep", json={"as_of": tomorrow.isoformat()}, headers=city.auth("admin"))
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"] == [{"key": "as_of", "message": "in the future"}]
    assert await AuditLog.filter(action="sweep").count() == 0
    assert await IntegrityFailure.all().count() == 0
    today = await client.post("/api/sweep", json={"as_of": clock.today().isoformat()}, headers=city.auth("admin"))
    assert today.status_code == 200, today.text


async def test_ui_form_refuses_a_future_as_of(client: Any, city: City) -> None:
    from app import clock

    token = await form_login(client, "admin")
    future = (clock.today() + timedelta(days=365 * 5)).isoformat()
    response = await client.post("/sweep", data={"as_of": future, "_csrf_token": token})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    ok = await client.post("/sweep", data={"as_of": clock.today().isoformat(), "_csrf_token": token})
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("as_of", "today", "refused"),
    [
        (date(2025, 6, 30), date(2025, 6, 30), False),
        (date(2025, 6, 29), date(2025, 6, 30), False),
        (date(2025, 7, 1), date(2025, 6, 30), True),
        (date(2031, 1, 1), date(2026, 12, 3), True),
        (date(2024, 2, 29), date(2024, 2, 28), True),
    ],
)
async def test_service_compares_with_the_given_today(db: Any, as_of: date, today: date, refused: bool) -> None:
    from app.services.sweep import FutureSweep, sweep_obligations

    if refused:
        with pytest.raises(FutureSweep):
            await sweep_obligations(as_of, today=today, snapshots=False)
    else:
        report = await sweep_obligations(as_of, today=today, snapshots=False)
        assert report.as_of == as_of
