"""Shared fixtures. Database tests run on SQLite always and, when ``CHENGXIN_TEST_DATABASE_URL`` is set,
on PostgreSQL too (a fresh database per run, tables truncated per test). Redis tests need
``CHENGXIN_TEST_REDIS_URL`` and run a real arq worker."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from app.settings import Settings

PG_URL = os.environ.get("CHENGXIN_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("CHENGXIN_TEST_REDIS_URL")

if os.environ.get("CI") and not (PG_URL and REDIS_URL):
    raise RuntimeError("CI must run the PostgreSQL and Redis tests: set CHENGXIN_TEST_DATABASE_URL and _REDIS_URL")

BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])

#: the arq queue of this test run: a stray worker (an interrupted run's, another checkout's) listening on the
#: default queue cannot take its jobs; child processes (CLI, servers, workers) inherit it from the environment
RUN_QUEUE = f"chengxin-test:{os.getpid()}:{uuid.uuid4().hex[:12]}"
os.environ["CHENGXIN_QUEUE_NAME"] = RUN_QUEUE

# ---- nothing written into the working tree ----------------------------------------------------------

_REPO = Path(__file__).resolve().parent.parent
# hypothesis keeps its example database and constants cache in ./.hypothesis unless told otherwise
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="chengxin-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)
# caches, and artifacts/ (git-ignored): the browser tests save their screenshots there on purpose
_CACHES = [f":(exclude){cache}" for cache in (".venv/", ".pytest_cache/", ".mypy_cache/", ".ruff_cache/", "artifacts/")]
_CACHES.append(":(exclude,glob)**/__pycache__/**")


def _tree_state() -> set[str] | None:
    """Every change git sees in the checkout (modified, new, ignored), caches left out; None outside git."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--ignored", "--untracked-files=all", "--", ".", *_CACHES],
            cwd=_REPO,
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return set(out.splitlines())


@pytest.fixture(scope="session", autouse=True)
def working_tree_untouched() -> Iterator[None]:
    """Fails the run when a test wrote into the checkout (a ``./data`` directory, a stray file, an edited
    tracked file): tests write under ``tmp_path`` only."""
    before = _tree_state()
    yield
    after = _tree_state()
    if before is not None and after is not None and (new := sorted(after - before)):
        pytest.fail("tests wrote into the working tree:\n" + "\n".join(new), pytrace=False)


def _pg_admin_and_db(base: str) -> tuple[str, str]:
    """(URL of the server's maintenance DB, URL of a fresh database for this run)."""
    prefix, _, _ = base.rpartition("/")
    return f"{prefix}/postgres", f"{prefix}/chengxin_test_{uuid.uuid4().hex[:10]}"


async def _create_pg(admin_url: str, db_url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{db_url.rsplit("/", 1)[1]}"')
    finally:
        await conn.close()


async def _drop_pg(admin_url: str, db_url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{db_url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


def _forget_cached_sql() -> None:
    """Tortoise caches INSERT statements per (connection name, table), not per dialect; tests use both
    SQLite and PostgreSQL under the name "default" in one process, so the cache must be emptied."""
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    EXECUTOR_CACHE.clear()


def _migrate(url: str) -> None:
    from app.cli import migrate_database

    _forget_cached_sql()

    asyncio.run(migrate_database(Settings(database_url=url, secret_key="test")))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with every migration applied; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite://{path}")
    return path


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    assert PG_URL
    admin, url = _pg_admin_and_db(PG_URL)
    asyncio.run(_create_pg(admin, url))
    _migrate(url)
    yield url
    asyncio.run(_drop_pg(admin, url))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Settings:
    if backend == "postgres":
        url = request.getfixturevalue("migrated_postgres")
    else:
        template: Path = request.getfixturevalue("migrated_sqlite")
        db = tmp_path / "test.sqlite3"
        shutil.copy(template, db)
        url = f"sqlite://{db}"
    return Settings(
        data_dir=tmp_path,
        database_url=url,
        secret_key="test-secret",
        queue_name=RUN_QUEUE,
        worker_poll_delay_s=0.01,
        notify_backoff_s=0.01,  # webhook retries: 10 ms, 20 ms, … instead of 30 s, 60 s, …
        notify_max_attempts=4,
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Settings]:
    """Tortoise connected to the test database (emptied first on PostgreSQL)."""
    from tortoise import Tortoise, connections

    from app.db import tortoise_config

    _forget_cached_sql()
    await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
    if settings.db_url.startswith("postgres"):
        tables = ", ".join(
            f'"{m._meta.db_table}"' for m in Tortoise.apps["models"].values() if m._meta.db_table != "aerich"
        )
        await connections.get("default").execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    try:
        yield settings
    finally:
        await Tortoise.close_connections()


# ---- a small city with one user per role ------------------------------------------------------------


class City:
    """Organisations: 佛山市 → 市投资促进局, 市财政局, 市发展改革局, 市评估中心; 南海区 → 南海区发展改革局.
    One user per role (and a second department user in the district), each with a bearer token."""

    def __init__(self) -> None:
        self.orgs: dict[str, int] = {}
        self.tokens: dict[str, str] = {}
        self.users: dict[str, int] = {}

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


PASSWORD = "correct horse battery"


@pytest.fixture
async def city(db: Settings) -> City:
    from app.models import OrgKind, Role
    from app.security import new_api_token
    from app.services.organisations import create_organisation
    from app.services.users import add_user

    c = City()
    root = await create_organisation("佛山市", OrgKind.CITY)
    c.orgs["city"] = root.id
    for key, name in [
        ("investment", "市投资促进局"),
        ("finance", "市财政局"),
        ("ndrc", "市发展改革局"),
        ("eval", "市评估中心"),
    ]:
        c.orgs[key] = (await create_organisation(name, OrgKind.DEPARTMENT, root.id)).id
    district = await create_organisation("南海区", OrgKind.DISTRICT, root.id)
    c.orgs["district"] = district.id
    c.orgs["district_ndrc"] = (await create_organisation("南海区发展改革局", OrgKind.DEPARTMENT, district.id)).id
    for who, role, org in [
        ("admin", Role.ADMIN, "city"),
        ("investment", Role.INVESTMENT, "investment"),
        ("finance", Role.FINANCE, "finance"),
        ("department", Role.DEPARTMENT, "ndrc"),
        ("district_department", Role.DEPARTMENT, "district_ndrc"),
        ("evaluator", Role.EVALUATOR, "eval"),
    ]:
        user = await add_user(who, PASSWORD, role, c.orgs[org])
        c.users[who] = user.id
        c.tokens[who] = await new_api_token(user, "test", read_only=False)
    return c


@pytest.fixture
async def client(db: Settings) -> AsyncIterator[object]:
    """An HTTP client calling the app on the test's own event loop (Tortoise connections are per loop)."""
    import httpx

    from app.asgi import create_app
    from app.jobs import make_queue
    from app.services import notifications

    app = create_app(db, init_db=False)
    app.state.queue = queue = make_queue(db)  # what the lifespan does, on this task
    notifications.use_queue(queue)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http
    finally:
        await queue.close()
        notifications.use_queue(None)


async def wait_for_jobs(client: object) -> None:
    """Let in-process jobs finish (the in-process queue runs them as tasks on this loop)."""
    from app.jobs import InProcessQueue

    queue = client.app.state.queue  # type: ignore[attr-defined]
    if isinstance(queue, InProcessQueue):
        await queue.drain()


# ---- worker processes and queues that belong to one test --------------------------------------------


@pytest.fixture
def queue_name() -> str:
    """A queue of this test's own (within the run's ``RUN_QUEUE``), for tests whose workers must not see
    another test's jobs."""
    return f"{RUN_QUEUE}:{uuid.uuid4().hex[:12]}"


class Processes:
    """Child processes started in their own session (process group); every group still alive is killed
    when the test ends, passed, failed or interrupted."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, argv: list[str], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        log = self.logs / f"{name}.log"
        with log.open("ab") as out:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(process)
        return process

    @staticmethod
    def kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL, timeout: float = 20) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def log_tail(self, chars: int = 4000) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-chars:]}" for p in self.logs.glob("*.log"))

    def kill_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                self.kill(process)
            else:  # the leader exited: its group may still hold children (a parser child)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    group = Processes(tmp_path)
    try:
        yield group
    finally:
        group.kill_all()


def worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a ``chengxin worker`` process for ``settings``."""
    return {
        **os.environ,
        "CHENGXIN_DATABASE_URL": settings.db_url,
        "CHENGXIN_REDIS_URL": settings.redis_url or "",
        "CHENGXIN_QUEUE_NAME": settings.queue_name,
        "CHENGXIN_DATA_DIR": str(settings.data_dir),
        "CHENGXIN_SECRET_KEY": "test",
        **extra,
    }


def chengxin_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "chengxin"), *args]
