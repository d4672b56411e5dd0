"""The append-only, tamper-evident audit log: who changed what, when, before and after.

Each entry carries ``prev_hash``, the ``hash`` of the entry before it, and its own ``hash`` = SHA-256 of its
canonical form (``canonical``: sorted-key compact JSON of every column but ``id`` and ``hash``). Editing an
entry breaks its own hash; deleting one breaks the link of the entry after it; ``verify`` walks the chain
and reports every broken link (``chengxin audit verify``). Removing entries from the end leaves no trace in
the chain itself — compare the count and last hash ``verify`` prints with one kept elsewhere.

Writers are serialised so the chain never forks: on PostgreSQL a transaction-scoped advisory lock held
until the writing transaction commits; on SQLite the database's single writer (a no-op write takes the
write lock before the head is read). ``prev_hash`` is unique, so a writer that slipped past the lock fails
instead of forking.

``record`` is the one way in (``record_many`` for a batch); call it inside the transaction of the change it
describes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.models import AuditLog
from app.security import Principal

GENESIS = "0" * 64
LOCK_KEY = 0x63686E67_61756474 & 0x7FFFFFFFFFFFFFFF  # pg_advisory_xact_lock key: "chngaudt"
_HASHED = ("at", "actor_id", "actor_label", "action", "entity", "entity_id", "before", "after", "prev_hash")


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _at(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(entry: dict[str, Any]) -> bytes:
    """The bytes an entry's hash is computed over (``entry`` holds the ``_HASHED`` columns)."""
    values = {k: entry.get(k) for k in _HASHED}
    values["at"] = _at(values["at"]) if isinstance(values["at"], datetime) else values["at"]
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """One audit entry to write: who (``None``: the system), what, on which row, before and after."""

    actor: Principal | None
    action: str
    entity: str
    entity_id: int | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


async def record(
    actor: Principal | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one entry, e.g. ``record(principal, "webhook.create", "webhook", sub.id, None, {...})``."""
    await record_many([Entry(actor, action, entity, entity_id, before, after)])


async def record_many(entries: Sequence[Entry]) -> None:
    if not entries:
        return
    async with in_transaction() as conn:
        previous = await _lock_and_read_head(conn)
        rows = []
        for e in entries:
            values: dict[str, Any] = {
                "at": datetime.now(UTC),
                "actor_id": e.actor.user_id if e.actor else None,
                "actor_label": e.actor.username if e.actor else "system",
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "before": jsonable(e.before) if e.before is not None else None,
                "after": jsonable(e.after) if e.after is not None else None,
                "prev_hash": previous,
            }
            previous = entry_hash(values)
            rows.append(AuditLog(**values, hash=previous))
        for row in rows:  # one by one: ids must follow the chain
            await row.save(using_db=conn)


async def _lock_and_read_head(conn: BaseDBAsyncClient) -> str:
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY])
    else:  # take SQLite's write lock now, so no other process appends between our read and our insert
        await conn.execute_query("UPDATE audit_log SET id = id WHERE id = (SELECT MAX(id) FROM audit_log)")
    head = await AuditLog.filter(hash__not_isnull=True).using_db(conn).order_by("-id").first().values("hash")
    return str(head["hash"]) if head else GENESIS


# ---- verification --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BrokenLink:
    entry_id: int
    reason: str  # "entry changed" | "entry before it missing or changed" | "entry outside the chain"


@dataclass(frozen=True, slots=True)
class ChainReport:
    entries: int = 0  # chained entries checked
    unchained: int = 0  # entries written before the chain began (not verifiable)
    last_hash: str = GENESIS
    broken: list[BrokenLink] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.broken


async def verify(batch: int = 2000) -> ChainReport:
    """Walk the whole log in id order and report every broken link (the first one first)."""
    conn = connections.get("default")
    broken: list[BrokenLink] = []
    expected = GENESIS
    entries = unchained = 0
    chain_started = False
    last_id = 0
    while True:
        rows = (
            await AuditLog.filter(id__gt=last_id)
            .using_db(conn)
            .order_by("id")
            .limit(batch)
            .values("id", "hash", *_HASHED)
        )
        if not rows:
            break
        for row in rows:
            last_id = row["id"]
            if row["hash"] is None and row["prev_hash"] is None:
                if chain_started:
                    broken.append(BrokenLink(row["id"], "entry outside the chain"))
                else:
                    unchained += 1
                continue
            chain_started = True
            entries += 1
            if row["prev_hash"] != expected:
                broken.append(BrokenLink(row["id"], "entry before it missing or changed"))
            if entry_hash(row) != row["hash"]:
                broken.append(BrokenLink(row["id"], "entry changed"))
            expected = str(row["hash"])
    return ChainReport(entries, unchained, expected, broken)
