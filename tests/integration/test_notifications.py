"""Notifications: signed JSON webhooks, WeCom and DingTalk robot formats, retries with backoff — against a
local HTTP receiver; through the sweep; and with Redis through a real arq worker."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import REDIS_URL, City, wait_for_jobs
from tests.receiver import Receiver


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The receiver listens on plain http on 127.0.0.1: allowed the way an operator allows an internal one."""
    return settings.with_(webhook_allow_http=True, webhook_allow=("127.0.0.1/32",))


@pytest.fixture
async def receiver() -> Any:
    r = await Receiver().start()
    yield r
    await r.close()


async def subscribe(client: Any, city: City, url: str, kind: str = "json", **extra: Any) -> dict[str, Any]:
    body = {"organisation_id": city.orgs["city"], "url": url, "kind": kind, **extra}
    response = await client.post("/api/webhooks", json=body, headers=city.auth("admin"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_signed_json_webhook(client: Any, city: City, receiver: Receiver) -> None:
    from app.services.notifications import notify

    await subscribe(client, city, receiver.url, secret="s3cret", events=["failure"])
    ids = await notify("failure", {"organisation": "南海区发展改革局", "days_late": 12}, city.orgs["district_ndrc"])
    assert len(ids) == 1
    assert await notify("warning", {"organisation": "x"}, city.orgs["district_ndrc"]) == []  # not subscribed
    await wait_for_jobs(client)
    (got,) = receiver.requests
    timestamp = got.headers["x-chengxin-timestamp"]
    expected = hmac.new(b"s3cret", f"{timestamp}.".encode() + got.body, hashlib.sha256).hexdigest()
    assert got.headers["x-chengxin-signature"] == f"sha256={expected}"
    body = got.json()
    assert (body["event"], body["data"]["days_late"], body["delivery_id"]) == ("failure", 12, ids[0])


async def test_receiver_failing_twice_then_accepting(client: Any, city: City, receiver: Receiver) -> None:
    from app.models import NotificationDelivery
    from app.services.notifications import notify

    receiver.fail_first = 2
    sub = await subscribe(client, city, receiver.url)
    (delivery_id,) = await notify("warning", {"organisation": "市财政局", "window_days": 7}, city.orgs["finance"])
    await wait_for_jobs(client)
    assert receiver.attempts == 3
    assert len(receiver.requests) == 1
    delivery = await NotificationDelivery.get(id=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, None)
    listed = (await client.get(f"/api/webhooks/{sub['id']}/deliveries", headers=city.auth("admin"))).json()
    assert listed[0]["status"] == "delivered"


async def test_gives_up_after_max_attempts(client: Any, city: City, receiver: Receiver) -> None:
    from app.models import NotificationDelivery
    from app.services.notifications import notify

    receiver.fail_first = 100
    await subscribe(client, city, receiver.url)
    (delivery_id,) = await notify("warning", {"organisation": "市财政局"}, city.orgs["finance"])
    await wait_for_jobs(client)
    delivery = await NotificationDelivery.get(id=delivery_id)
    assert delivery.status == "failed"
    assert delivery.attempts == client.app.state.settings.notify_max_attempts
    assert "HTTP 503" in (delivery.last_error or "")


async def test_wecom_and_dingtalk_formats(client: Any, city: City, receiver: Receiver) -> None:
    from app.services.notifications import notify

    await subscribe(client, city, receiver.url + "?key=abc", kind="wecom")
    await subscribe(client, city, receiver.url + "?access_token=t", kind="dingtalk", secret="SECabc")
    await notify(
        "rectification_deadline",
        {"organisation": "市投资促进局", "rectification_deadline": "2025-08-31", "clause": "甲方应于…"},
        city.orgs["investment"],
    )
    await wait_for_jobs(client)
    by_kind = {("dingtalk" if "access_token" in r.query else "wecom"): r for r in receiver.requests}
    wecom = by_kind["wecom"].json()
    assert wecom["msgtype"] == "markdown"
    assert "整改期限提醒" in wecom["markdown"]["content"]
    assert "2025-08-31" in wecom["markdown"]["content"]
    ding = by_kind["dingtalk"]
    assert ding.json()["markdown"]["title"] == "整改期限提醒"
    assert "市投资促进局" in ding.json()["markdown"]["text"]
    ts = ding.query["timestamp"][0]
    sign = base64.b64encode(hmac.new(b"SECabc", f"{ts}\nSECabc".encode(), hashlib.sha256).digest()).decode()
    assert ding.query["sign"] == [sign]  # URL-encoded in the query, as DingTalk's 加签 requires


async def test_robot_errcode_is_a_failure(client: Any, city: City, receiver: Receiver) -> None:
    from app.models import NotificationDelivery
    from app.services.notifications import notify

    receiver.answer = b'{"errcode": 310000, "errmsg": "sign not match"}'
    await subscribe(client, city, receiver.url, kind="dingtalk")
    (delivery_id,) = await notify("warning", {"organisation": "x"}, city.orgs["finance"])
    await wait_for_jobs(client)
    delivery = await NotificationDelivery.get(id=delivery_id)
    assert delivery.status == "failed"
    assert "310000" in (delivery.last_error or "")


async def test_sweep_notifies_new_warnings_and_failures_once(client: Any, city: City, receiver: Receiver) -> None:
    from app.models import IntegrityFailure, Obligation
    from tests.integration.stats_city import build_stats_city

    await subscribe(client, city, receiver.url)
    ids = await build_stats_city(city)
    await Obligation.filter(id=ids[11]).update(state="pending")  # due 2025-12-31
    await Obligation.filter(id=ids[5]).update(state="overdue")  # due 2025-08-31, unpaid
    await IntegrityFailure.filter(obligation_id=ids[8]).update(
        state="rectification_ordered", rectification_deadline=date(2025, 12, 8)
    )
    response = await client.post("/api/sweep", json={"as_of": "2025-12-01"}, headers=city.auth("admin"))
    assert response.status_code == 200, response.text
    report = response.json()
    await wait_for_jobs(client)
    events = sorted(r.json()["event"] for r in receiver.requests)
    assert events.count("warning") == report["warnings"] >= 1
    assert events.count("failure") == report["government_failures"] + report["counterparty_defaults"] >= 1
    assert events.count("rectification_deadline") == 1
    failure = next(r.json()["data"] for r in receiver.requests if r.json()["event"] == "failure")
    assert failure["amount_outstanding"] == str(Decimal("2000000.00"))
    before = len(receiver.requests)
    await client.post("/api/sweep", json={"as_of": "2025-12-01"}, headers=city.auth("admin"))
    await wait_for_jobs(client)
    assert len(receiver.requests) == before  # idempotent: nothing new, nothing sent twice


async def test_subscriptions_are_scoped_and_validated(client: Any, city: City) -> None:
    bad = await client.post(
        "/api/webhooks",
        json={"organisation_id": city.orgs["city"], "url": "http://127.0.0.1:9/x", "events": ["nope"]},
        headers=city.auth("admin"),
    )
    assert bad.status_code == 422
    denied = await client.get("/api/webhooks", headers=city.auth("evaluator"))
    assert denied.status_code == 403


@pytest.mark.redis
@pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")  # arq's Worker.close
@pytest.mark.skipif(not REDIS_URL, reason="needs CHENGXIN_TEST_REDIS_URL")
async def test_through_a_real_arq_worker(db: Any, city: City, receiver: Receiver) -> None:
    from tortoise import Tortoise

    from app.db import tortoise_config
    from app.jobs import make_queue
    from app.models import NotificationDelivery, WebhookSubscription
    from app.services import notifications
    from app.worker import build_worker

    assert REDIS_URL
    queue_name = f"chengxin-test:{uuid.uuid4().hex}"  # Redis may be shared: a queue of our own
    settings = db.with_(redis_url=REDIS_URL, notify_backoff_s=0.05, queue_name=queue_name)
    receiver.fail_first = 2
    await WebhookSubscription.create(organisation_id=city.orgs["city"], url=receiver.url, secret="k")
    queue = make_queue(settings)
    notifications.use_queue(queue)  # what the app's lifespan does
    try:
        (delivery_id,) = await notifications.notify("failure", {"organisation": "市财政局"}, city.orgs["finance"])
    finally:
        await queue.close()
        notifications.use_queue(None)
    worker = build_worker(settings, burst=True)
    try:
        await worker.main()
    finally:
        await worker.close()
    await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
    delivery = await NotificationDelivery.get(id=delivery_id)
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert receiver.attempts == 3
    assert json.loads(receiver.requests[0].body)["event"] == "failure"


async def test_in_process_retries_stop_at_close_and_resume_at_start(db: Any, city: City, receiver: Receiver) -> None:
    from app.jobs import InProcessQueue
    from app.models import NotificationDelivery, WebhookSubscription
    from app.services import notifications

    receiver.fail_first = 1
    await WebhookSubscription.create(organisation_id=city.orgs["city"], url=receiver.url)
    slow = InProcessQueue(db.with_(notify_backoff_s=3600))
    notifications.use_queue(slow)
    (delivery_id,) = await notifications.notify("warning", {"organisation": "x"}, city.orgs["finance"])
    for _ in range(200):  # the first attempt fails, then the task sleeps for an hour
        if (await NotificationDelivery.get(id=delivery_id)).attempts:
            break
        await asyncio.sleep(0.01)
    await asyncio.wait_for(slow.close(), timeout=5)  # closing does not wait for the backoff
    assert (await NotificationDelivery.get(id=delivery_id)).status == "retrying"
    await NotificationDelivery.filter(id=delivery_id).update(next_attempt=None)  # as if the hour had passed
    fresh = InProcessQueue(db)
    notifications.use_queue(fresh)
    assert await notifications.resume_pending(fresh) == 1
    await fresh.drain()
    notifications.use_queue(None)
    delivery = await NotificationDelivery.get(id=delivery_id)
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


async def test_failure_workflow_steps_notify_after_commit(client: Any, city: City, receiver: Receiver) -> None:
    """A record made by hand, an order to rectify (its deadline) and a finding (here by refusal) each notify
    once; ``find`` from a verified record goes through the same hook."""
    from datetime import timedelta

    from app import clock

    await subscribe(client, city, receiver.url)
    admin = city.auth("admin")
    body = {
        "organisation_id": city.orgs["district_ndrc"],
        "source": "court",
        "source_reference": "(2024)粤0605执123号",
        "clause": "判决南海区发展改革局支付工程款",
        "due_date": "2024-03-01",
        "amount_outstanding": "12000000",
        "promised_to": "某建设公司",
    }
    created = await client.post("/api/failures", json=body, headers=admin)
    assert created.status_code == 201, created.text
    fid = created.json()["id"]
    assert (await client.post(f"/api/failures/{fid}/verify", json={}, headers=admin)).status_code == 200
    deadline = (clock.today() + timedelta(days=30)).isoformat()
    order = {"plan": "30日内支付工程款", "deadline": deadline}
    ordered = await client.post(f"/api/failures/{fid}/rectification-order", json=order, headers=admin)
    assert ordered.status_code == 200, ordered.text
    found = await client.post(f"/api/failures/{fid}/refuse", json={"note": "无预算"}, headers=admin)  # a finding
    assert found.status_code == 200, found.text
    await wait_for_jobs(client)
    events = sorted(((r.json()["event"], r.json()["data"]["step"]) for r in receiver.requests), key=str)
    assert events == [
        ("decision", "verify"),  # the other steps go out as decisions (issue 12)
        ("failure", "found"),
        ("failure", "recorded"),
        ("rectification_deadline", "rectification_ordered"),
    ]
    data = {r.json()["data"]["step"]: r.json()["data"] for r in receiver.requests}
    assert data["rectification_ordered"]["rectification_deadline"] == deadline
    assert data["recorded"]["failure_id"] == fid
    assert (data["recorded"]["organisation"], data["recorded"]["amount_outstanding"]) == (
        "南海区发展改革局",
        "12000000.00",
    )
    assert data["found"]["state"] == "found"
