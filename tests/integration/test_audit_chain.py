"""The audit log is hash-chained: editing or deleting an entry directly in the database is found by
``audit.verify`` and ``chengxin audit verify``; concurrent writers never fork the chain."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.settings import Settings

CHENGXIN = str(Path(sys.executable).parent / "chengxin")


async def _write(n: int, start: int = 0) -> None:
    from app.services import audit

    for i in range(start, start + n):
        await audit.record(None, "test.write", "thing", i, {"n": i}, {"n": i + 1, "text": "甲方 = 乙方"})


async def _sql(statement: str) -> None:
    from tortoise import connections

    await connections.get("default").execute_script(statement)


async def test_an_untouched_chain_verifies(db: Settings) -> None:
    from app.models import AuditLog
    from app.services import audit

    await _write(5)
    report = await audit.verify(batch=2)  # several batches
    assert (report.intact, report.entries, report.unchained) == (True, 5, 0)
    rows = await AuditLog.all().order_by("id").values("prev_hash", "hash")
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert [r["prev_hash"] for r in rows[1:]] == [r["hash"] for r in rows[:-1]]
    assert report.last_hash == rows[-1]["hash"]


async def test_an_edited_and_a_deleted_entry_are_both_found(db: Settings) -> None:
    from app.models import AuditLog
    from app.services import audit

    await _write(6)
    ids = list(await AuditLog.all().order_by("id").values_list("id", flat=True))
    await _sql(f"UPDATE audit_log SET actor_label = 'someone else' WHERE id = {ids[1]}")
    await _sql(f"DELETE FROM audit_log WHERE id = {ids[4]}")
    report = await audit.verify()
    assert not report.intact
    assert [(b.entry_id, b.reason) for b in report.broken] == [
        (ids[1], "entry changed"),
        (ids[5], "entry before it missing or changed"),
    ]


async def test_an_edit_that_recomputes_the_hash_breaks_the_next_link(db: Settings) -> None:
    from app.models import AuditLog
    from app.services import audit

    await _write(3)
    first, second, _ = await AuditLog.all().order_by("id")
    first.after = {"n": 999}
    forged = {k: getattr(first, k) for k in ("at", "actor_label", "action", "entity", "entity_id", "before")}
    forged |= {"actor_id": None, "after": first.after, "prev_hash": first.prev_hash}
    await AuditLog.filter(id=first.id).update(after=first.after, hash=audit.entry_hash(forged))
    assert [(b.entry_id, b.reason) for b in (await audit.verify()).broken] == [
        (second.id, "entry before it missing or changed")
    ]
    await AuditLog.filter(id=second.id).update(prev_hash=None, hash=None)  # pretending to be pre-chain
    assert (await audit.verify()).broken[0].reason == "entry outside the chain"


async def test_concurrent_writers_do_not_fork_the_chain(db: Settings) -> None:
    """Twenty writers at once, each inside its own transaction that is still open after it audited."""
    from tortoise.transactions import in_transaction

    from app.models import AuditLog
    from app.services import audit

    async def writer(i: int) -> None:
        async with in_transaction():
            await audit.record(None, "test.concurrent", "thing", i)
            await asyncio.sleep(0.01)  # the lock must be held until this transaction commits
            await audit.record(None, "test.concurrent", "thing", i)

    await asyncio.gather(*(writer(i) for i in range(20)))
    report = await audit.verify()
    assert (report.intact, report.entries) == (True, 40)
    hashes = await AuditLog.all().values_list("prev_hash", flat=True)
    assert len(set(hashes)) == 40


async def test_rows_from_before_the_chain_are_counted_not_failed(db: Settings) -> None:
    from app.models import AuditLog
    from app.services import audit

    await AuditLog.create(actor_label="system", action="old", entity="thing", entity_id=1)
    await _write(2)
    report = await audit.verify()
    assert (report.intact, report.entries, report.unchained) == (True, 2, 1)


def test_cli_audit_verify_reports_tampering(tmp_path: Path) -> None:
    """``chengxin audit verify`` against a SQLite database: 0 when intact, 1 naming the entry when not."""
    import sqlite3

    from tortoise import Tortoise

    from app.cli import migrate_database
    from app.db import tortoise_config

    url = f"sqlite://{tmp_path / 'chengxin.sqlite3'}"
    settings = Settings(data_dir=tmp_path, database_url=url, secret_key="test")

    async def prepare() -> None:
        await migrate_database(settings)
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        try:
            await _write(4)
        finally:
            await Tortoise.close_connections()

    from tests.conftest import _forget_cached_sql

    _forget_cached_sql()
    asyncio.run(prepare())
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env |= {"CHENGXIN_DATA_DIR": str(tmp_path), "CHENGXIN_DATABASE_URL": url}

    def verify() -> subprocess.CompletedProcess[str]:
        command = [CHENGXIN, "audit", "verify"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)

    intact = verify()
    assert intact.returncode == 0, intact.stderr
    assert "4 entries" in intact.stdout
    with sqlite3.connect(tmp_path / "chengxin.sqlite3") as conn:
        conn.execute("UPDATE audit_log SET after = '{\"n\": 0}' WHERE id = 2")
        conn.execute("DELETE FROM audit_log WHERE id = 3")
    broken = verify()
    assert broken.returncode == 1
    assert "entry 2: entry changed" in broken.stdout
    assert "entry 4: entry before it missing or changed" in broken.stdout
    assert broken.stdout.index("entry 2") < broken.stdout.index("entry 4")  # the first broken link first


# ---- state changes that are audited ------------------------------------------------------------------


async def test_webhook_token_and_retry_changes_are_audited(client: Any, city: Any) -> None:
    from app.models import AuditLog, Document, DocumentStatus
    from app.services import audit
    from tests.conftest import wait_for_jobs

    client.app.state.settings = client.app.state.settings.with_(webhook_allow=("hooks.intranet.test",))

    async def resolve(host: str, port: int) -> list[str]:
        return ["10.8.0.5"]  # an allow-listed internal receiver; nothing is sent in this test

    client.app.state.resolver = resolve
    admin = city.auth("admin")
    body = {
        "organisation_id": city.orgs["city"],
        "url": "https://hooks.intranet.test/robot?access_token=SECRET-TOKEN",
        "kind": "dingtalk",
        "secret": "SECsign",
    }
    created = await client.post("/api/webhooks", json=body, headers=admin)
    assert created.status_code == 201, created.text
    sub_id = created.json()["id"]
    assert (await client.delete(f"/api/webhooks/{sub_id}", headers=admin)).status_code == 204
    # tokens are minted in a logged-in session (never with another token)
    from tests.conftest import PASSWORD

    login = await client.post("/api/auth/login", json={"username": "finance", "password": PASSWORD})
    assert login.status_code == 200, login.text
    await client.get("/api/auth/me")
    csrf = {"x-csrf-token": client.cookies.get("chengxin_csrf")}
    token = await client.post("/api/auth/tokens", json={"name": "nightly export"}, headers=csrf)
    assert token.status_code == 201, token.text
    client.cookies.clear()
    doc = await Document.create(
        organisation_id=city.orgs["investment"],
        sha256="ab" * 32,
        filename="x.pdf",
        media_type="application/pdf",
        size=1,
        status=DocumentStatus.FAILED,
    )
    retried = await client.post(f"/api/documents/{doc.id}/retry", headers=city.auth("investment"))
    assert retried.status_code == 202, retried.text
    await wait_for_jobs(client)

    entries = {
        e["action"]: e
        for e in await AuditLog.filter(
            action__in=["webhook.create", "webhook.delete", "token.create", "document.retry"]
        ).values("action", "actor_id", "entity_id", "before", "after")
    }
    assert set(entries) == {"webhook.create", "webhook.delete", "token.create", "document.retry"}
    created_entry = entries["webhook.create"]
    assert (created_entry["actor_id"], created_entry["entity_id"]) == (city.users["admin"], sub_id)
    assert created_entry["after"]["url"] == "https://hooks.intranet.test/robot"  # no access token
    assert created_entry["after"]["signed"] is True
    assert "SECRET-TOKEN" not in str(entries)
    assert "SECsign" not in str(entries)
    assert entries["webhook.delete"]["before"]["kind"] == "dingtalk"
    assert entries["token.create"]["actor_id"] == city.users["finance"]
    token_after = entries["token.create"]["after"]
    assert (token_after["user"], token_after["name"], token_after["read_only"]) == ("finance", "nightly export", True)
    assert (entries["document.retry"]["entity_id"], entries["document.retry"]["after"]) == (
        doc.id,
        {"status": "queued"},
    )
    assert (await audit.verify()).intact
