"""The demo city (issue 12): ``chengxin demo`` run twice on fresh data directories writes the same content,
and every role lands on a page with that content — through the app's own HTTP client, on SQLite."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# what the demo writes; timestamps (when the run happened) and secrets are not content
CONTENT_TABLES = (
    "organisation",
    "document",
    "agreement",
    "agreement_party",
    "obligation",
    "obligation_warning",
    "fulfilment_evidence",
    "integrity_failure",
    "integrity_snapshot",
    "ppp_project",
    "ppp_milestone",
    "government_payment",
    "fiscal_budget",
)


def content_digest(db: Path) -> tuple[str, dict[str, int]]:
    """SHA-256 over every content table's rows (every column but timestamps), and the row counts."""
    conn = sqlite3.connect(db)
    try:
        digest, counts = hashlib.sha256(), {}
        for table in CONTENT_TABLES:
            columns = [
                name
                for name, kind in conn.execute(f"SELECT name, type FROM pragma_table_info('{table}')")
                if kind.upper() not in ("TIMESTAMP", "DATETIME")
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f"SELECT {quoted} FROM {table} ORDER BY id").fetchall()
            counts[table] = len(rows)
            digest.update(json.dumps([table, columns, rows], ensure_ascii=False, default=str).encode())
        # the audit trail: which steps were taken on what, in which order
        steps = conn.execute("SELECT action, entity, entity_id FROM audit_log ORDER BY id").fetchall()
        counts["audit_log"] = len(steps)
        digest.update(json.dumps(steps).encode())
        return digest.hexdigest(), counts
    finally:
        conn.close()


def start_demo(data_dir: Path, as_of: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env["CHENGXIN_DATA_DIR"] = str(data_dir)
    return subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "demo", "--no-serve", "--as-of", as_of],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Two demos on fresh data directories (in parallel) as of today, then a re-run of the first."""
    from app import clock

    as_of = clock.today().isoformat()
    dirs = [tmp_path_factory.mktemp("demo-a"), tmp_path_factory.mktemp("demo-b")]
    outputs = []
    for process in [start_demo(d, as_of) for d in dirs]:
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, err.decode()[-3000:]
        outputs.append(out.decode())
    first = content_digest(dirs[0] / "chengxin.sqlite3")
    second = content_digest(dirs[1] / "chengxin.sqlite3")
    assert first == second, (first[1], second[1])
    again = start_demo(dirs[0], as_of)
    out, err = again.communicate(timeout=900)
    assert again.returncode == 0, err.decode()[-3000:]
    outputs.append(out.decode())
    return dirs[0], outputs


def test_demo_twice_writes_the_same_content_and_again_changes_nothing(demo_runs: tuple[Path, list[str]]) -> None:
    data_dir, outputs = demo_runs
    _, counts = content_digest(data_dir / "chengxin.sqlite3")
    assert outputs[0] == outputs[1] == outputs[2]  # the summary, too
    assert counts["document"] >= 12
    assert counts["integrity_failure"] >= 8
    assert counts["ppp_project"] >= 3
    assert counts["government_payment"]
    assert counts["fiscal_budget"]
    assert counts["fulfilment_evidence"]
    assert counts["integrity_snapshot"]
    assert counts["obligation_warning"]
    conn = sqlite3.connect(data_dir / "chengxin.sqlite3")
    states = {s for (s,) in conn.execute("SELECT state FROM integrity_failure WHERE kind = 'government_breach'")}
    # the whole 1103号 procedure: detected → verified → order → answer → objection → finding → repair
    assert {"rectification_ordered", "found", "found_rectified", "rectified", "repaired", "withdrawn"} <= states
    history = conn.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'demo.history'").fetchone()[0]
    assert history == 1
    printed = re.search(r"government_breach\s+\w+\s+(\d+)", outputs[0])
    assert printed, outputs[0]


async def _client(data_dir: Path, *, demo: bool = True) -> Any:
    import httpx

    from app.asgi import create_app
    from app.settings import Settings

    settings = Settings(data_dir=data_dir, secret_key="demo-test", demo=demo)
    app = create_app(settings, init_db=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def _login(http: Any, who: str) -> str:
    from app.demo import DEMO_PASSWORD

    page = await http.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    response = await http.post(
        "/login", data={"username": who, "password": DEMO_PASSWORD, "_csrf_token": token, "next_path": "/"}
    )
    assert response.status_code in (302, 303), response.text
    landing = await http.get(response.headers["location"], follow_redirects=True)
    assert landing.status_code == 200, landing.text
    return str(landing.text)


async def test_every_role_lands_on_a_page_with_the_demo_content(demo_runs: tuple[Path, list[str]]) -> None:
    from tortoise import Tortoise

    from app import clock
    from app.db import tortoise_config

    data_dir, _ = demo_runs
    db = data_dir / "chengxin.sqlite3"
    conn = sqlite3.connect(db)
    today = clock.today().isoformat()
    published = conn.execute(
        "SELECT o.name FROM integrity_failure f JOIN organisation o ON o.id = f.organisation_id "
        "WHERE f.kind = 'government_breach' AND f.published_from <= ? AND f.published_until > ?",
        (today, today),
    ).fetchall()
    department_org = conn.execute(
        "SELECT o.id FROM user u JOIN organisation o ON o.id = u.organisation_id WHERE u.username = 'department'"
    ).fetchone()[0]
    to_answer = [
        i
        for (i,) in conn.execute(
            "SELECT id FROM integrity_failure WHERE organisation_id = ? "
            "AND state IN ('rectification_ordered', 'found')",
            (department_org,),
        )
    ]
    projects = [n for (n,) in conn.execute("SELECT name FROM ppp_project")]
    filenames = [n for (n,) in conn.execute("SELECT filename FROM document")]
    conn.close()
    assert published
    assert to_answer
    assert projects

    await Tortoise.init(config=tortoise_config(f"sqlite://{db}"), _enable_global_fallback=True)
    try:
        async with await _client(data_dir) as http:
            public = await http.get("/public")
            assert public.status_code == 200
            assert all(name in public.text for (name,) in published)

            login = await http.get("/login")
            for user in ("admin", "investment", "finance", "department", "evaluator"):
                assert f"<code>{user}</code>" in login.text
            assert "chengxin-demo" in login.text

        for who, must_show in (
            ("department", [f"/failures/{i}" for i in to_answer]),
            ("finance", projects),
            ("investment", filenames[:3] + filenames[-3:]),
            ("evaluator", ["南海区", "顺德区"]),
            ("admin", ["/agreements/"]),
        ):
            async with await _client(data_dir) as http:
                page = await _login(http, who)
                for text in must_show:
                    assert text in page, (who, text)
                assert "暂无数据" not in page, who

        from app.models import User
        from app.security import principal_for
        from app.services.ppp import affordability_overview
        from app.settings import Settings
        from trackers.ppp import Affordability

        finance = await principal_for(await User.get(username="finance"))
        reports = await affordability_overview(finance, Settings(data_dir=data_dir).affordability_policy())
        statuses = {r.result.status for r in reports}
        # PPP projects above the 10 % line, between the lines, below 5 %
        assert {
            Affordability.RED_LINE_BREACHED,
            Affordability.GOVERNMENT_PAY_BLOCKED,
            Affordability.WITHIN_LIMITS,
        } <= statuses, statuses

        async with await _client(data_dir, demo=False) as http:
            login = await http.get("/login")
            assert "chengxin-demo" not in login.text
            assert "<code>admin</code>" not in login.text
    finally:
        await Tortoise.close_connections()
