"""Browser tests: the real app (``chengxin serve``) in a subprocess on a free port with its own data
directory, driven by headless system Chromium through Playwright. Skipped only when /usr/bin/chromium is
missing (Debian: ``apt-get install -y chromium chromium-driver fonts-noto-cjk``)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.demo import DEMO_PASSWORD
from tests.conftest import BACKENDS, PG_URL, _create_pg, _drop_pg, _pg_admin_and_db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "chengxin-browser"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

# Seeds the demo city's organisations and users, plus a district-government user for 南海区.
SEED = f"""
import asyncio
import concurrent.futures
from tortoise import Tortoise
from app.db import tortoise_config
from app.settings import Settings
from app.demo import seed_city
from app.models import Role, User
from app.services.users import add_user

async def main():
    settings = Settings.from_env()
    await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
    orgs = await seed_city()
    for user in await User.all():
        from app.security import hash_password
        user.password_hash = hash_password({PASSWORD!r})
        await user.save(update_fields=["password_hash"])
    await add_user("nanhai", {PASSWORD!r}, Role.DEPARTMENT, orgs["南海区"].id, display_name="南海区")
    await Tortoise.close_connections()

asyncio.run(main())
"""


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    backend: str = "sqlite"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "chengxin.sqlite3"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serve(data_dir: Path, database_url: str | None = None, *, demo: bool = False) -> Iterator[Server]:
    """Migrate and seed a database (the data dir's SQLite file unless ``database_url`` is given), run
    ``chengxin serve`` on it until the block ends. ``demo``: seed with ``chengxin demo --no-serve`` instead
    (the example documents reviewed, 30 months of history, records on /public; password ``DEMO_PASSWORD``)."""
    env = {**os.environ, "CHENGXIN_DATA_DIR": str(data_dir), "CHENGXIN_SECRET_KEY": "browser-test-secret"}
    env.pop("CHENGXIN_DATABASE_URL", None)
    env.pop("CHENGXIN_REDIS_URL", None)
    if database_url:
        env["CHENGXIN_DATABASE_URL"] = database_url
    cli = [sys.executable, "-c", "from app.cli import main; main()"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True, cwd=ROOT)
    seed = [*cli, "demo", "--no-serve"] if demo else [sys.executable, "-c", SEED]
    subprocess.run(seed, env=env, check=True, capture_output=True, cwd=ROOT)
    port = _free_port()
    log = (data_dir / "serve.log").open("w")
    proc = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,  # granian's worker processes go with it (killpg below)
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # a loaded 2-core machine can take more than 30 s to import the app
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"server did not start: {(data_dir / 'serve.log').read_text()}")
            time.sleep(0.2)
        yield Server(url, data_dir, "postgres" if database_url else "sqlite")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on SQLite, shared by the page tests of the session."""
    if not CHROMIUM.exists():
        pytest.skip("system Chromium (/usr/bin/chromium) is not installed")
    with _serve(tmp_path_factory.mktemp("browser-data")) as running:
        yield running


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on the demo's data (SQLite): every page has something on it."""
    if not CHROMIUM.exists():
        pytest.skip("system Chromium (/usr/bin/chromium) is not installed")
    with _serve(tmp_path_factory.mktemp("browser-demo"), demo=True) as running:
        yield running


@pytest.fixture(scope="module", params=BACKENDS)
def server_on_each_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server of the module's own on SQLite and, when ``CHENGXIN_TEST_DATABASE_URL`` is set, on a fresh
    PostgreSQL database of its own (dropped afterwards) — a walk-through that sweeps shares no records."""
    if not CHROMIUM.exists():
        pytest.skip("system Chromium (/usr/bin/chromium) is not installed")
    data_dir = tmp_path_factory.mktemp(f"browser-{request.param}")
    if request.param == "sqlite":
        with _serve(data_dir) as running:
            yield running
        return
    assert PG_URL
    admin, url = _pg_admin_and_db(PG_URL)
    _run_aside(_create_pg(admin, url))
    try:
        with _serve(data_dir, url) as running:
            yield running
    finally:
        _run_aside(_drop_pg(admin, url))


def _run_aside(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run ``coroutine`` on a thread of its own: the module's Playwright keeps an event loop running in
    this one when the second backend's server starts."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Module-scoped: Playwright's sync API keeps an event loop running in this thread while it is open,
    which would break the session fixtures of other test folders that call ``asyncio.run``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


AXE_JS = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: object, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of ``impacts`` on the page as it is, one line each (rule, impact, count, the
    first element and axe's summary). axe-core comes from npm (``tests/browser/package.json``; CI runs
    ``npm ci --prefix tests/browser``); without it the check fails rather than passing unchecked."""
    assert AXE_JS.exists(), f"axe-core is not installed: npm ci --prefix tests/browser ({AXE_JS} missing)"
    page.evaluate(_axe_source())  # type: ignore[attr-defined]  # evaluated, not a <script>: the CSP allows none
    found = page.evaluate(  # type: ignore[attr-defined]
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['nodes'][0]['target']} — "
        + " ".join(v["nodes"][0]["failureSummary"].split())[:300]
        for v in found
        if v["impact"] in impacts
    ]


class Screens:
    def __init__(self) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(self, page: object, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
        return path


@pytest.fixture(scope="session")
def screens() -> Screens:
    return Screens()


def demo_login(browser: Any, server: Server, username: str) -> Any:
    """A desktop page logged in through the form as one of the demo accounts (password ``DEMO_PASSWORD``)."""
    page = browser.new_context(base_url=server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, page.content()
    return page
