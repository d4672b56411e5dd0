"""Benchmark: what one login through the form costs, piece by piece, against the bare password hash.

    uv run python benchmarks/login.py [--rounds 20] [--backend sqlite|postgres]
    CHENGXIN_DATA_DIR=/tmp/demo uv run chengxin demo --no-serve   # then, on the demo city's content:
    uv run python benchmarks/login.py --demo-dir /tmp/demo

Builds a scratch database (a SQLite file in a temp dir, or a scratch PostgreSQL database on
``CHENGXIN_BENCH_DATABASE_URL``'s server), applies the migrations, seeds one organisation and one finance
user — or, with ``--demo-dir``, works on a copy of a demo's SQLite database and logs in as each of its five
accounts — and calls the app in-process (``create_app`` through httpx's ASGI transport), one request at a
time:

- ``cold``      the first login of a fresh app through its redirects to the landing page (templates compiled,
                caches empty: what the first person to log in after a restart waits for)
- ``hash``      one ``verify_password`` of the stored argon2id hash (the floor: what the login must cost)
- ``post``      ``POST /login`` with the right password, until its redirect (throttle, hash, session)
- ``landing``   the role's landing page the redirect leads to (``/finance``, ``/agreements`` …), rendered
                for the new session
- ``wrong``     ``POST /login`` with a wrong password (must not be faster than ``post``: no timing oracle)
- ``unknown``   ``POST /login`` naming no account (the dummy hash; likewise)

Each figure is the median of ``--rounds`` runs, in milliseconds, measured in the same run, so the ratio
``post / hash`` says how much of a login is anything but the hash. The argon2 parameters are printed too.
The last output line is one JSON object. Absolute times are noise on a shared machine; compare ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
PASSWORD = "benchmark login password"


async def median_ms(rounds: int, call: Callable[[], Awaitable[Any]]) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        await call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


async def measure(url: str, data_dir: Path, rounds: int, accounts: list[tuple[str, str]] | None) -> dict[str, Any]:
    from tortoise import Tortoise

    from app.asgi import create_app
    from app.cli import migrate_database
    from app.db import tortoise_config
    from app.models import OrgKind, Role, User
    from app.security import _hasher
    from app.services.organisations import create_organisation
    from app.services.users import add_user
    from app.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=url, secret_key="bench")
    await migrate_database(settings)
    await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
    try:
        if accounts is None:
            org = await create_organisation("佛山市", OrgKind.CITY)
            await add_user("finance", PASSWORD, Role.FINANCE, org.id)
            accounts = [("finance", PASSWORD)]
        app = create_app(settings, init_db=False)
        result: dict[str, Any] = {}
        for i, (username, password) in enumerate(accounts, start=1):
            stored = (await User.get(username=username)).password_hash
            address = f"192.0.2.{i}"  # each account from its own address: the wrong rounds stay under its limit
            result[username] = await login_figures(app, address, username, password, stored, rounds)
    finally:
        await Tortoise.close_connections()
    result["argon2"] = {"type": _hasher.type.name, "memory_kib": _hasher.memory_cost,
                        "time_cost": _hasher.time_cost, "parallelism": _hasher.parallelism}  # fmt: skip
    return result


async def login_figures(
    app: Any, address: str, username: str, password: str, stored: str, rounds: int
) -> dict[str, Any]:
    import httpx

    from app.security import verify_password

    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        page = await http.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"

        def post(username: str, password: str) -> Callable[[], Awaitable[httpx.Response]]:
            form = {"username": username, "password": password, "_csrf_token": token.group(1)}

            async def send() -> httpx.Response:
                response = await http.post("/login", data=form)
                http.cookies.delete("chengxin_session")  # each round is a fresh login
                return response

            return send

        start = time.perf_counter()
        first = await http.post("/login", data={"username": username, "password": password,
                                                "_csrf_token": token.group(1)})  # fmt: skip
        assert first.status_code in (302, 303), first.text
        session = {"chengxin_session": http.cookies.get("chengxin_session") or ""}
        landing_path = first.headers["location"]  # through ``/`` (before) or straight to the role's page
        response = await http.get(landing_path, cookies=session)
        while response.is_redirect:
            landing_path = response.headers["location"]
            response = await http.get(landing_path, cookies=session)
        assert response.status_code == 200, response.status_code
        cold = round((time.perf_counter() - start) * 1000, 1)
        http.cookies.delete("chengxin_session")

        async def landing() -> None:
            response = await http.get(landing_path, cookies=session)
            assert response.status_code == 200, response.status_code

        result: dict[str, Any] = {
            "landing_path": landing_path,
            "cold": cold,
            "hash": await median_ms(rounds, lambda: asyncio.to_thread(verify_password, stored, password)),
            "post": await median_ms(rounds, post(username, password)),
            "landing": await median_ms(rounds, landing),
            # a wrong password counts against the throttle: fewer rounds than its per-address limit
            "wrong": await median_ms(min(rounds, 4), post(username, "not the password at all")),
            "unknown": await median_ms(min(rounds, 4), post(f"nobody-{uuid.uuid4().hex[:6]}", password)),
        }
    result["post/hash"] = round(result["post"] / result["hash"], 2)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--demo-dir", type=Path, help="a data directory `chengxin demo --no-serve` filled")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chengxin-bench-login-") as tmp:
        if args.demo_dir:
            from app.demo import DEMO_PASSWORD, USERS

            shutil.copy(args.demo_dir / "chengxin.sqlite3", Path(tmp) / "bench.sqlite3")
            accounts = [(name, DEMO_PASSWORD) for name, _, _ in USERS]
            result = await measure(f"sqlite://{tmp}/bench.sqlite3", Path(tmp), args.rounds, accounts)
        elif args.backend == "sqlite":
            result = await measure(f"sqlite://{tmp}/bench.sqlite3", Path(tmp), args.rounds, None)
        else:
            import asyncpg

            base = os.environ.get("CHENGXIN_BENCH_DATABASE_URL", DEFAULT_URL)
            prefix = base.rpartition("/")[0]
            name = f"chengxin_bench_{uuid.uuid4().hex[:10]}"
            admin = await asyncpg.connect(f"{prefix}/postgres")
            await admin.execute(f'CREATE DATABASE "{name}"')
            try:
                result = await measure(f"{prefix}/{name}", Path(tmp), args.rounds, None)
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()
    figures = ("cold", "hash", "post", "landing", "wrong", "unknown")
    print(f"argon2 {result['argon2']}")
    print(f"{'account':12} " + " ".join(f"{k:>8}" for k in figures) + f" {'post/hash':>9}  (ms)")
    for name, r in result.items():
        if name != "argon2":
            line = " ".join(f"{r[k]:8.1f}" for k in figures)
            print(f"{name:12} {line} {r['post/hash']:9}  {r['landing_path']}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
