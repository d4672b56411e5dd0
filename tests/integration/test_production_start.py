"""The README's "First production start" runs verbatim against a fresh PostgreSQL database: the commands are
read out of the README (the environment block gets this test's own values), then the admin logs in, must
change the password first, and finds an installation with one organisation, one account and no demo data."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import PG_URL, _create_pg, _drop_pg, _pg_admin_and_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "first start passphrase 7"
NEW_PASSWORD = "a passphrase of my very own"

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs CHENGXIN_TEST_DATABASE_URL (PostgreSQL)")


def readme_block(marker: str) -> list[str]:
    """The lines of the ``sh`` block that follows ``<!-- production-start:MARKER -->`` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- production-start:{marker} -->\s*```sh\n(.*?)```", text, re.S)
    assert match, f"README has no production-start:{marker} block"
    return [line for line in match.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_blocks_are_what_this_test_expects() -> None:
    names = [re.match(r"export (CHENGXIN_\w+)=", line) for line in readme_block("environment")]
    assert all(names), readme_block("environment")
    assert {m.group(1) for m in names if m} == {
        "CHENGXIN_DATABASE_URL",
        "CHENGXIN_DATA_DIR",
        "CHENGXIN_SECRET_KEY",
        "CHENGXIN_HOST",
        "CHENGXIN_PORT",
    }
    commands = readme_block("commands")
    assert commands[-1].startswith("uv run chengxin serve")
    assert not any("demo" in c for c in commands)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fresh_database() -> Iterator[str]:
    assert PG_URL
    admin, url = _pg_admin_and_db(PG_URL)
    asyncio.run(_create_pg(admin, url))
    yield url
    asyncio.run(_drop_pg(admin, url))


def test_first_production_start_verbatim(fresh_database: str, tmp_path: Path) -> None:
    if shutil.which("uv") is None:
        pytest.fail("the README's commands run with uv, which is not on PATH")
    port = free_port()
    values = {
        "CHENGXIN_DATABASE_URL": fresh_database,
        "CHENGXIN_DATA_DIR": str(tmp_path / "data"),
        "CHENGXIN_SECRET_KEY": "test-secret-for-the-production-start",
        "CHENGXIN_HOST": "127.0.0.1",
        "CHENGXIN_PORT": str(port),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")} | values
    *setup, serve = readme_block("commands")
    for line in setup:
        # a new session has no terminal: the hidden password prompt reads standard input
        done = subprocess.run(
            ["bash", "-c", line],
            cwd=ROOT,
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
            capture_output=True,
            text=True,
            timeout=300,
            start_new_session=True,
            check=False,
        )
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        assert PASSWORD not in done.stdout
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["bash", "-c", f"exec {serve}"], cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.5)
        with httpx.Client(base_url=base, timeout=30) as http:
            demo = http.post("/api/auth/login", json={"username": "admin", "password": "chengxin-demo"})
            assert demo.status_code == 401
            login = http.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
            assert login.status_code == 200, login.text
            assert login.json()["role"] == "admin"
            first = http.get("/api/documents")
            assert first.status_code == 403
            assert first.json()["code"] == "password_change_required"
            http.get("/api/auth/me")
            csrf = {"x-csrf-token": http.cookies.get("chengxin_csrf") or ""}
            changed = http.post(
                "/api/auth/password",
                json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                headers=csrf,
            )
            assert changed.status_code == 200, changed.text
            assert http.get("/api/documents").json()["total"] == 0  # no demo data
            users = http.get("/api/admin/users").json()
            assert [u["username"] for u in users] == ["admin"]
            assert [o["name"] for o in http.get("/api/organisations").json()] == ["佛山市"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
