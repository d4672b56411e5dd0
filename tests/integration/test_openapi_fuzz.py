"""Schemathesis over the OpenAPI document: every operation, a bounded number of generated requests each,
against the app in-process with an admin bearer token — no request may answer 5xx.

The app and Tortoise live on one event loop in a helper thread (Tortoise connections belong to a loop);
hypothesis drives the synchronous test and hands each request to that loop."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from app.settings import Settings

T = TypeVar("T")
MAX_EXAMPLES = 8


def _items(files: Any) -> list[tuple[str, Any]]:
    return list(files.items()) if isinstance(files, dict) else list(files)


def _bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else json.dumps(value)).encode()


def _part(value: Any) -> Any:
    if isinstance(value, tuple):
        filename, content, *rest = value
        return (filename, _bytes(content), *rest)
    return (None, _bytes(value)) if not isinstance(value, bytes | str) else value


class Portal:
    """An event loop in a thread running the app; ``call`` sends one request through it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.token = self.run(self._start())

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    async def _start(self) -> str:
        from tortoise import Tortoise

        from app.asgi import create_app
        from app.db import tortoise_config
        from app.jobs import make_queue
        from app.models import OrgKind, Role
        from app.security import new_api_token
        from app.services.organisations import create_organisation
        from app.services.users import add_user
        from tests.conftest import City
        from tests.integration.stats_city import build_stats_city

        await Tortoise.init(config=tortoise_config(self.settings.db_url), _enable_global_fallback=True)
        city = City()
        root = await create_organisation("佛山市", OrgKind.CITY)
        city.orgs["city"] = root.id
        for key, name in [("investment", "市投资促进局"), ("finance", "市财政局"), ("ndrc", "市发展改革局")]:
            city.orgs[key] = (await create_organisation(name, OrgKind.DEPARTMENT, root.id)).id
        district = await create_organisation("南海区", OrgKind.DISTRICT, root.id)
        city.orgs["district"] = district.id
        city.orgs["district_ndrc"] = (await create_organisation("南海区发展改革局", OrgKind.DEPARTMENT, district.id)).id
        await build_stats_city(city)
        from app.models import Document
        from app.storage import FileStore

        sha = FileStore(self.settings.files_dir).put(b"%PDF-1.4 fuzz")  # the fixture document's bytes exist
        await Document.all().update(sha256=sha)
        admin = await add_user("admin", "correct horse battery", Role.ADMIN, root.id)
        self.app = create_app(self.settings, init_db=False)
        self.app.state.queue = self.queue = make_queue(self.settings)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://testserver")
        return await new_api_token(admin, "fuzz", read_only=False)

    def call(self, kwargs: dict[str, Any]) -> httpx.Response:
        return self.run(self._call(kwargs))

    async def _call(self, kwargs: dict[str, Any]) -> httpx.Response:
        kwargs = dict(kwargs)
        method, url = kwargs.pop("method"), kwargs.pop("url")
        allowed = {"headers", "params", "json", "data", "files", "content"}
        extra = {k: v for k, v in kwargs.items() if k in allowed and v is not None}
        if kwargs.get("cookies"):  # httpx deprecates per-request cookies: send them as a header
            cookie = "; ".join(f"{k}={v}" for k, v in kwargs["cookies"].items())
            extra["headers"] = {**(extra.get("headers") or {}), "Cookie": cookie}
        if isinstance(extra.get("data"), bytes | str):
            extra["content"] = extra.pop("data")
        elif isinstance(extra.get("data"), dict):
            extra["data"] = {k: v if isinstance(v, str | bytes) else json.dumps(v) for k, v in extra["data"].items()}
        if "files" in extra:  # requests accepts any value in a multipart part; httpx wants str or bytes
            extra["files"] = [(name, _part(value)) for name, value in _items(extra["files"])]
        return await self.client.request(method, url, **extra)

    def close(self) -> None:
        async def stop() -> None:
            from tortoise import Tortoise

            from app.jobs import InProcessQueue

            await self.client.aclose()
            if isinstance(self.queue, InProcessQueue):
                for task in self.queue._tasks.values():
                    task.cancel()
            await self.queue.close()
            await Tortoise.close_connections()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@pytest.fixture(scope="module")
def portal(migrated_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    tmp = tmp_path_factory.mktemp("fuzz")
    db = tmp / "fuzz.sqlite3"
    shutil.copy(migrated_sqlite, db)
    p = Portal(Settings(data_dir=tmp, database_url=f"sqlite://{db}", secret_key="fuzz", notify_backoff_s=0.01))
    yield p
    p.close()


def test_no_server_errors(portal: Portal) -> None:
    """Each operation gets its own bounded hypothesis run (schemathesis' pytest plugin reads a private pytest
    attribute that pytest 9 removed, so the cases are drawn from each operation's strategy here)."""
    schema = schemathesis.openapi.from_dict(portal.app.openapi_schema.to_schema())
    auth = {"Authorization": f"Bearer {portal.token}"}
    server_errors: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def check(case: Any) -> None:
            response = portal.call(case.as_transport_kwargs(base_url="http://testserver", headers=auth))
            if response.status_code >= 500:
                server_errors.append(
                    f"{case.method} {case.formatted_path} {response.status_code}: {response.text[:300]}"
                )

        check()
    assert operations >= 30
    assert not server_errors, "\n".join(sorted(set(server_errors))[:20])
