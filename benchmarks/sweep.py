"""Benchmark: the daily sweep and the integrity statistics at N obligations on PostgreSQL.

    uv run python benchmarks/sweep.py --n 1000000

Creates a scratch database on the server of ``CHENGXIN_BENCH_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/test``), applies the migrations, loads N obligations with COPY
(200 organisations in a city → district → department tree; due dates spread over four years around the
sweep date; 60 % already settled) and brings them to the state of yesterday's sweep. Then, on the same
data in the same run, best of ``--repeat``:

* ``ours``: the full daily sweep (``sweep_obligations``: recurring instances, every state step, warnings,
  failure records, missed rectification deadlines);
* ``ours_states``: the sweep's state steps alone (``move_states``, what the reference does), in their
  transaction;
* ``reference``: the single equivalent hand-written ``UPDATE … SET state = CASE …``;
* ``stats``: ``stats_for_scope`` (``app.services.stats.by_organisation`` for every organisation, rolled up,
  with scores) against ``stats_reference``, the
  hand-written SQL aggregate of the same figures run directly on asyncpg.

Between runs the obligation states are restored and the rows the sweep inserted deleted. The scratch
database is dropped at the end. The last output line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from trackers import ObligationState
from trackers.policies import TrackingPolicies
from trackers.sweep import SweepPolicy, classify, plan_sweep

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
AS_OF = date(2025, 6, 16)
CATEGORIES = ["payment", "investment", "land", "approval", "construction", "reporting", "service", "other"]

REFERENCE_SWEEP = """
UPDATE obligation SET state = CASE
    WHEN due_date < $1::date - CASE WHEN obligor_role = 'counterparty' THEN 0 ELSE 30 END THEN 'breached'
    WHEN due_date < $1::date THEN 'overdue'
    ELSE 'due_soon' END
 WHERE review_status = 'confirmed'
   AND state IN ('pending', 'due_soon', 'overdue', 'partially_fulfilled')
   AND due_date <= $1::date + 30
   AND NOT (state = 'overdue'
            AND due_date >= $1::date - CASE WHEN obligor_role = 'counterparty' THEN 0 ELSE 30 END)
   AND NOT (state IN ('due_soon', 'partially_fulfilled') AND due_date >= $1::date)
"""

REFERENCE_STATS = """
WITH per_owner AS (
  SELECT owner_id, COUNT(*) AS due,
         COUNT(*) FILTER (WHERE state = 'fulfilled') AS on_time,
         COUNT(*) FILTER (WHERE state = 'fulfilled_late') AS late,
         COUNT(*) FILTER (WHERE state = 'overdue') AS overdue,
         COUNT(*) FILTER (WHERE state = 'breached') AS breached,
         COUNT(*) FILTER (WHERE state = 'partially_fulfilled') AS partial,
         SUM(COALESCE(amount, 0)) AS promised,
         SUM(CASE WHEN state IN ('fulfilled', 'fulfilled_late') AND COALESCE(amount_fulfilled, 0) = 0
                  THEN COALESCE(amount, 0) ELSE COALESCE(amount_fulfilled, 0) END) AS delivered
    FROM obligation
   WHERE review_status = 'confirmed' AND obligor_role = 'government'
     AND due_date BETWEEN $1 AND $2 AND state NOT IN ('waived', 'amended', 'suspended')
   GROUP BY owner_id
), per_org AS (
  SELECT organisation_id, severity, state, COUNT(*) AS n
    FROM integrity_failure
   WHERE kind = 'government_breach' AND detected_on BETWEEN $1 AND $2
     AND state IN ('found', 'rectified', 'found_rectified', 'repaired')
   GROUP BY organisation_id, severity, state
)
SELECT a.id, SUM(p.due), SUM(p.on_time), SUM(p.late), SUM(p.overdue), SUM(p.breached), SUM(p.partial),
       SUM(p.promised), SUM(p.delivered),
       (SELECT array_agg(ARRAY[f.severity, f.state, f.n::text]) FROM per_org f
          JOIN organisation c ON c.id = f.organisation_id WHERE c.path LIKE a.path || '%')
  FROM organisation a
  JOIN organisation b ON b.path LIKE a.path || '%'
  LEFT JOIN per_owner p ON p.owner_id = b.id
 GROUP BY a.id
"""  # the same figures as app.services.stats.by_organisation (what /api/ratings and the snapshots serve)


def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


async def best(repeat: int, setup: Callable[[], Awaitable[None]], body: Callable[[], Awaitable[Any]]) -> float:
    times = []
    for _ in range(repeat):
        await setup()
        t0 = time.perf_counter()
        await body()
        times.append(time.perf_counter() - t0)
    return min(times)


def random_obligation(rng: random.Random) -> tuple[date, str, str, str, Decimal | None, Decimal, str]:
    """One synthetic obligation as yesterday's sweep left it — (due, role, category, state, amount, paid,
    review): due dates over four years around ``AS_OF``, 60 % already settled. ``benchmarks/api.py`` loads
    the same mix."""
    due = AS_OF + timedelta(days=rng.randrange(-730, 730))
    role = rng.choices(["government", "counterparty", "unknown"], [50, 40, 10])[0]
    category = rng.choice(CATEGORIES)
    r = rng.random()
    if r < 0.5:
        state = "fulfilled"
    elif r < 0.6:
        state = "fulfilled_late"
    elif r < 0.62:
        state = "waived"
    else:
        state = str(classify(ObligationState.PENDING, due, AS_OF - timedelta(days=1), None, category, role))
    amount = Decimal(rng.randrange(1, 1000) * 10_000) if rng.random() < 0.3 else None
    paid = amount if amount is not None and state.startswith("fulfilled") else Decimal(0)
    review = "confirmed" if rng.random() < 0.95 else "proposed"
    return due, role, category, state, amount, paid, review


async def load(conn: Any, n: int, seed: int) -> None:

    now = datetime.now(UTC)
    city = await conn.fetchval(
        "INSERT INTO organisation (name, kind, path, created_at) VALUES ('基准市', 'city', '/', $1) RETURNING id", now
    )
    await conn.execute("UPDATE organisation SET path = $1 WHERE id = $2", f"/{city}/", city)
    owners = []
    for d in range(19):
        district = await conn.fetchval(
            "INSERT INTO organisation (name, kind, parent_id, path, created_at) "
            "VALUES ($1, 'district', $2, '/', $3) RETURNING id",
            f"区{d}",
            city,
            now,
        )
        await conn.execute("UPDATE organisation SET path = $1 WHERE id = $2", f"/{city}/{district}/", district)
        for k in range(9):
            dept = await conn.fetchval(
                "INSERT INTO organisation (name, kind, parent_id, path, created_at) "
                "VALUES ($1, 'department', $2, '/', $3) RETURNING id",
                f"区{d}局{k}",
                district,
                now,
            )
            await conn.execute("UPDATE organisation SET path = $1 WHERE id = $2", f"/{city}/{district}/{dept}/", dept)
            owners.append(dept)
        owners.append(district)
    doc = await conn.fetchval(
        "INSERT INTO document (sha256, filename, media_type, size, pages_done, status, ocr, organisation_id, "
        "created_at, updated_at) VALUES ($1, 'bench.pdf', 'application/pdf', 1, 0, 'extracted', false, $2, $3, $3) "
        "RETURNING id",
        uuid.uuid4().hex * 2,
        city,
        now,
    )
    agreement = await conn.fetchval(
        "INSERT INTO agreement (kind, document_id, extractor_version, owning_department_id, currency, created_at) "
        "VALUES ('investment_promotion', $1, 'bench', $2, 'CNY', $3) RETURNING id",
        doc,
        city,
        now,
    )
    rng = random.Random(seed)
    columns = [
        "ordinal", "start", "end", "quote", "obligor_role", "responsible", "category", "action", "amount",
        "deadline_kind", "nominal_date", "due_date", "due_provisional", "conditions", "confidence",
        "review_status", "state", "amount_fulfilled", "version", "created_at", "updated_at", "agreement_id",
        "document_id", "owner_id",
    ]  # fmt: skip
    batch: list[tuple[Any, ...]] = []
    for i in range(n):
        due, role, category, state, amount, paid, review = random_obligation(rng)
        batch.append(
            (i, 0, 10, "乙方应按期履行。", role, "[]", category, "", amount, "absolute", due, due, False, "[]", 0.9,
             review, state if review == "confirmed" else "pending", paid, 1, now, now, agreement, doc,
             rng.choice(owners))
        )  # fmt: skip
        if len(batch) == 100_000:
            await conn.copy_records_to_table("obligation", records=batch, columns=columns)
            batch = []
    if batch:
        await conn.copy_records_to_table("obligation", records=batch, columns=columns)
    await conn.execute("VACUUM ANALYZE obligation")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    import asyncpg
    from tortoise import Tortoise
    from tortoise.transactions import in_transaction

    from app.cli import migrate_database
    from app.db import tortoise_config
    from app.services.ratings import stats_for_scope
    from app.services.sweep import CATEGORIES as SWEPT_CATEGORIES
    from app.services.sweep import move_states, sweep_obligations
    from app.settings import Settings

    base = os.environ.get("CHENGXIN_BENCH_DATABASE_URL", DEFAULT_URL)
    prefix = base.rsplit("/", 1)[0]
    name = f"chengxin_bench_{uuid.uuid4().hex[:8]}"
    url = f"{prefix}/{name}"
    admin = await asyncpg.connect(f"{prefix}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await migrate_database(Settings(database_url=url, secret_key="bench"))
        conn = await asyncpg.connect(url)
        t0 = time.perf_counter()
        await load(conn, args.n, args.seed)
        log(f"loaded {args.n} obligations in {time.perf_counter() - t0:.1f}s")
        await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
        # yesterday's sweep: failure records and warnings exist, as they would in production
        await sweep_obligations(AS_OF - timedelta(days=1), TrackingPolicies(), snapshots=False)
        await conn.execute("CREATE TABLE bench_state AS SELECT id, state FROM obligation")
        await conn.execute("ALTER TABLE bench_state ADD PRIMARY KEY (id)")
        await conn.execute("ANALYZE")

        async def restore() -> None:
            await conn.execute(
                "UPDATE obligation o SET state = b.state FROM bench_state b WHERE b.id = o.id AND o.state <> b.state"
            )
            await conn.execute("DELETE FROM obligation_warning WHERE issued_on = $1", AS_OF)
            await conn.execute("DELETE FROM integrity_failure WHERE detected_on = $1", AS_OF)
            await conn.execute("DELETE FROM audit_log WHERE action = 'sweep' AND after->>'as_of' = $1", str(AS_OF))

        async def reference() -> None:
            await conn.execute(REFERENCE_SWEEP, AS_OF)

        moved_ref = await conn.fetch(REFERENCE_SWEEP.replace("UPDATE obligation SET state =", "SELECT id, ").replace(
            " WHERE review_status", " AS new_state FROM obligation WHERE review_status", 1), AS_OF)  # fmt: skip
        ours = await best(args.repeat, restore, lambda: sweep_obligations(AS_OF, TrackingPolicies(), snapshots=False))
        after_ours = dict(
            await conn.fetch("SELECT id, state FROM obligation WHERE id = ANY($1::int[])", [r[0] for r in moved_ref])
        )
        plan = plan_sweep(AS_OF, SweepPolicy(), categories=SWEPT_CATEGORIES)

        async def states_alone() -> None:
            async with in_transaction() as tx:
                await move_states(tx, plan)

        ours_states = await best(args.repeat, restore, states_alone)
        ref = await best(args.repeat, restore, reference)
        after_ref = dict(
            await conn.fetch("SELECT id, state FROM obligation WHERE id = ANY($1::int[])", [r[0] for r in moved_ref])
        )
        same = after_ours == after_ref and all(after_ref[r[0]] == r[1] for r in moved_ref)
        log(f"sweep moved {len(moved_ref)} rows; ours and the reference agree: {same}")

        period = (date(AS_OF.year, 1, 1), AS_OF)
        stats = await best(args.repeat, _noop, lambda: stats_for_scope("/", *period))
        stats_ref = await best(args.repeat, _noop, lambda: conn.fetch(REFERENCE_STATS, *period))
        await conn.close()
        await Tortoise.close_connections()
        result = {
            "n": args.n,
            "ours": round(ours, 4),
            "ours_states": round(ours_states, 4),
            "reference": round(ref, 4),
            "ratio": round(ours / ref, 2) if ref else None,
            "states_ratio": round(ours_states / ref, 2) if ref else None,
            "moved": len(moved_ref),
            "agree": same,
            "stats": round(stats, 4),
            "stats_reference": round(stats_ref, 4),
            "stats_ratio": round(stats / stats_ref, 2) if stats_ref else None,
        }
        print(json.dumps(result), flush=True)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _noop() -> None:
    return None


if __name__ == "__main__":
    asyncio.run(main())
