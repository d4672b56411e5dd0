"""The sweep refuses a date in the future — through the API, the UI form and the service — and writes
nothing when it does (a sweep of 2031 would record breaches of deadlines that have not passed)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import City
from tests.integration.test_ui_pages import form_login
from trackers.policies import TrackingPolicies


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
            await sweep_obligations(as_of, TrackingPolicies(), today=today, snapshots=False)
    else:
        report = await sweep_obligations(as_of, TrackingPolicies(), today=today, snapshots=False)
        assert report.as_of == as_of


async def test_ui_sweep_and_confirmation_use_the_configured_policies(db: Any, city: City) -> None:
    """The UI sweep form and confirmation run with the installation's settings, not the rules' defaults:
    with a 5-day government grace period (default 30) an obligation 10 days overdue is breached, and a
    recurring obligation confirmed through the API gets instances only as far as the configured horizon."""
    import httpx

    from app import clock
    from app.asgi import create_app
    from app.jobs import make_queue
    from app.models import IntegrityFailure, Obligation
    from app.services import notifications
    from tests.integration.tracking_helpers import agreement, obligation

    settings = db.with_(grace_days_government=5, recurrence_horizon_days=40)
    today = clock.today()
    ag = await agreement(city)
    late = await obligation(ag, city, owner="ndrc", nominal=today - timedelta(days=10), state="overdue")
    monthly = await obligation(
        ag, city, nominal=today + timedelta(days=20), confirmed=False, recurrence="FREQ=MONTHLY;INTERVAL=1"
    )
    app = create_app(settings, init_db=False)
    app.state.queue = queue = make_queue(settings)
    notifications.use_queue(queue)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            token = await form_login(http, "admin")
            swept = await http.post("/sweep", data={"as_of": today.isoformat(), "_csrf_token": token})
            assert swept.status_code == 200, swept.text
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            confirmed = await http.post(
                "/api/obligations/confirm", json={"ids": [monthly.id]}, headers=city.auth("investment")
            )
            assert confirmed.status_code == 200, confirmed.text
    finally:
        await queue.close()
        notifications.use_queue(None)
    assert (await Obligation.get(id=late.id)).state == "breached"
    assert await IntegrityFailure.filter(obligation_id=late.id).exists()
    instances = await Obligation.filter(parent_id=monthly.id).values_list("due_date", flat=True)
    # monthly from signing: the last instance inside the 40-day horizon (the default 366 would reach further)
    assert instances
    assert today < max(instances) <= today + timedelta(days=40)
