"""Webhooks cannot be aimed at internal services: refused when subscribing (422 naming ``url``) and again
before every send, the connection pinned to the address that was checked, redirects not followed, and the
delivery record keeping the status code only.

Nothing here connects anywhere: names (under the reserved ``.test``) are answered by a fake resolver
(``app.state.resolver`` and the ``resolve`` argument of ``deliver``) and sends go to an
``httpx.MockTransport`` that records them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from app.settings import Settings
from tests.conftest import City

DNS: dict[str, list[str]] = {
    "hooks.chengxin.test": ["93.184.215.14"],
    "internal.chengxin.test": ["10.1.2.3"],
    "intranet.gov.test": ["10.8.0.5"],
}


async def fake_resolve(host: str, port: int) -> Sequence[str]:
    del port
    if host not in DNS:
        raise OSError("Name or service not known")
    return DNS[host]


class Recorder:
    """A transport that records each request and answers with ``answer`` (or raises ``error``)."""

    def __init__(self, answer: httpx.Response | None = None, error: Exception | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer or httpx.Response(200, json={"errcode": 0})
        self.error = error

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            if self.error is not None:
                raise self.error
            return self.answer

        return httpx.MockTransport(handle)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(webhook_allow=("intranet.gov.test",))  # production: https only


async def post_subscription(client: Any, city: City, url: str) -> httpx.Response:
    client.app.state.resolver = fake_resolve
    body = {"organisation_id": city.orgs["city"], "url": url}
    response: httpx.Response = await client.post("/api/webhooks", json=body, headers=city.auth("admin"))
    return response


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00:ec2::254]/latest",
        "https://localhost:8443/hook",
        "https://internal.chengxin.test/hook",  # a name resolving to a private address
        "http://hooks.chengxin.test/hook",  # plain http outside development
        "https://nowhere.chengxin.test/hook",  # does not resolve
    ],
)
async def test_subscribing_an_internal_or_insecure_url_is_refused(client: Any, city: City, url: str) -> None:
    from app.models import WebhookSubscription

    response = await post_subscription(client, city, url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["key"] for e in response.json()["errors"]] == ["url"]
    assert await WebhookSubscription.all().count() == 0


async def test_public_https_and_allow_listed_hosts_are_accepted(client: Any, city: City) -> None:
    for url in ("https://hooks.chengxin.test/hook", "https://intranet.gov.test/hook"):
        response = await post_subscription(client, city, url)
        assert response.status_code == 201, (url, response.text)


async def _delivery(city: City, url: str, kind: str = "json") -> int:
    """A subscription written directly (as if made before a DNS change) and one pending delivery, written
    directly too so that no queue sends it with the system resolver."""
    from app.models import DeliveryStatus, NotificationDelivery, WebhookSubscription

    sub = await WebhookSubscription.create(organisation_id=city.orgs["city"], url=url, kind=kind)
    delivery = await NotificationDelivery.create(
        subscription=sub,
        event="failure",
        dedupe_key="k",
        payload={"organisation": "市财政局"},
        status=DeliveryStatus.PENDING,
    )
    return delivery.id


async def test_send_is_pinned_to_the_checked_address(db: Settings, city: City) -> None:
    from app.models import NotificationDelivery
    from app.services.notifications import deliver

    recorder = Recorder()
    delivery_id = await _delivery(city, "https://hooks.chengxin.test:8443/hook?x=1")
    assert await deliver(delivery_id, db, recorder.transport(), fake_resolve) is None
    (sent,) = recorder.requests
    assert str(sent.url) == "https://93.184.215.14:8443/hook?x=1"  # connects to the address it checked
    assert sent.headers["host"] == "hooks.chengxin.test:8443"
    assert sent.extensions["sni_hostname"] == "hooks.chengxin.test"  # the certificate is checked for the name
    assert (await NotificationDelivery.get(id=delivery_id)).status == "delivered"


async def test_a_name_that_now_resolves_inside_is_refused_at_send_time(db: Settings, city: City) -> None:
    """DNS rebinding: the name was public when subscribed, it points inside when the delivery goes out."""
    from app.models import NotificationDelivery
    from app.services.notifications import deliver

    recorder = Recorder()
    delivery_id = await _delivery(city, "https://hooks.chengxin.test/hook")
    DNS["hooks.chengxin.test"], original = ["127.0.0.1"], DNS["hooks.chengxin.test"]
    try:
        assert await deliver(delivery_id, db, recorder.transport(), fake_resolve) is None
    finally:
        DNS["hooks.chengxin.test"] = original
    assert recorder.requests == []  # nothing was sent
    delivery = await NotificationDelivery.get(id=delivery_id)
    assert (delivery.status, delivery.attempts) == ("failed", 1)  # refused for good, not retried
    assert delivery.last_error == "refused: the host resolves to an internal address"


@pytest.mark.parametrize(
    "url",
    ["https://10.0.0.1/hook", "https://169.254.169.254/", "https://[::1]/", "http://hooks.chengxin.test/hook"],
)
async def test_stored_internal_urls_are_never_contacted(db: Settings, city: City, url: str) -> None:
    from app.models import NotificationDelivery
    from app.services.notifications import deliver

    recorder = Recorder()
    delivery_id = await _delivery(city, url)
    await deliver(delivery_id, db, recorder.transport(), fake_resolve)
    assert recorder.requests == []
    assert (await NotificationDelivery.get(id=delivery_id)).status == "failed"


async def test_allow_listed_internal_receiver_is_delivered(db: Settings, city: City) -> None:
    from app.models import NotificationDelivery
    from app.services.notifications import deliver

    recorder = Recorder()
    delivery_id = await _delivery(city, "https://intranet.gov.test/hook")
    await deliver(delivery_id, db, recorder.transport(), fake_resolve)
    assert [str(r.url) for r in recorder.requests] == ["https://10.8.0.5/hook"]
    assert (await NotificationDelivery.get(id=delivery_id)).status == "delivered"


async def test_redirects_are_not_followed(db: Settings, city: City) -> None:
    from app.models import NotificationDelivery
    from app.services.notifications import deliver

    recorder = Recorder(httpx.Response(302, headers={"Location": "http://127.0.0.1:6379/"}))
    delivery_id = await _delivery(city, "https://hooks.chengxin.test/hook")
    await deliver(delivery_id, db, recorder.transport(), fake_resolve)
    assert len(recorder.requests) == 1
    delivery = await NotificationDelivery.get(id=delivery_id)
    assert (delivery.status, delivery.last_error) == ("retrying", "HTTP 302")


@pytest.mark.parametrize(
    ("recorder", "kind", "kept"),
    [
        (Recorder(httpx.Response(500, text="redis_version:7.2.4 internal page")), "json", "HTTP 500"),
        (Recorder(httpx.Response(200, json={"errcode": 93000, "errmsg": "secret body"})), "wecom", "errcode 93000"),
        (Recorder(error=httpx.ConnectError("[Errno 111] Connection refused")), "json", "unreachable"),
        (Recorder(error=httpx.ReadTimeout("timed out")), "json", "unreachable"),
        (Recorder(error=httpx.RemoteProtocolError("Server disconnected")), "json", "unreachable"),
    ],
)
async def test_deliveries_keep_only_the_status(
    client: Any, city: City, recorder: Recorder, kind: str, kept: str
) -> None:
    """Neither the answer's text nor the kind of connection error reaches the record or the API."""
    from app.models import WebhookSubscription
    from app.services.notifications import deliver

    delivery_id = await _delivery(city, "https://hooks.chengxin.test/hook", kind)
    await deliver(delivery_id, client.app.state.settings, recorder.transport(), fake_resolve)
    sub = await WebhookSubscription.get(url="https://hooks.chengxin.test/hook")
    listed = (await client.get(f"/api/webhooks/{sub.id}/deliveries", headers=city.auth("admin"))).json()
    assert [d["last_error"] for d in listed] == [kept]


async def test_errors_recorded_before_the_change_are_not_shown(client: Any, city: City) -> None:
    from app.models import NotificationDelivery, WebhookSubscription

    delivery_id = await _delivery(city, "https://hooks.chengxin.test/hook")
    await NotificationDelivery.filter(id=delivery_id).update(
        status="failed", last_error="HTTP 500: <html>redis_version:7.2.4</html>"
    )
    sub = await WebhookSubscription.get(url="https://hooks.chengxin.test/hook")
    listed = (await client.get(f"/api/webhooks/{sub.id}/deliveries", headers=city.auth("admin"))).json()
    assert [d["last_error"] for d in listed] == ["error"]


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (None, None),
        ("HTTP 503", "HTTP 503"),
        ("errcode 310000", "errcode 310000"),
        ("unreachable", "unreachable"),
        ("refused: the host resolves to an internal address", "refused: the host resolves to an internal address"),
        ("HTTP 503: try again", "error"),
        ("ConnectError: [Errno 111] Connection refused", "error"),
        ("errcode 310000: sign not match", "error"),
    ],
)
def test_shown_error(error: str | None, shown: str | None) -> None:
    from app.api.webhooks import shown_error

    assert shown_error(error) == shown
