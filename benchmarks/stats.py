"""Organisation statistics at scale: ``GET /api/stats/organisations`` (through the whole app, in process)
against the hand-written SQL aggregate computing the same figures, on PostgreSQL with N obligations.

    uv run python benchmarks/stats.py [--n 1000000] [--runs 9]

Uses ``CHENGXIN_BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/test``) only to create a
scratch database, which it drops at the end. Data: a city with 10 districts of 20 departments each; N
obligations spread over 2024–2026 (bulk-loaded with one INSERT … SELECT over generate_series), 2 % of
them with failure records. The last output line is one JSON object: ``n``, ``ours``, ``reference`` (median
seconds) and ``ratio``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DISTRICTS = 10
DEPARTMENTS = 20
PERIOD = ("2025-01-01", "2025-12-31")

# The same figures as app.services.stats.by_organisation, written by hand: one aggregate per owner, rolled
# up over the materialised paths, joined with the failure tallies. The period is written into the text (a
# parameterised version degrades once PostgreSQL caches a generic plan for it, which would flatter us).
REFERENCE = """
WITH own AS (
    SELECT ob.owner_id, COUNT(*) AS due,
        SUM(CASE WHEN ob.state = 'fulfilled' THEN 1 ELSE 0 END) AS on_time,
        SUM(CASE WHEN ob.state = 'fulfilled_late' THEN 1 ELSE 0 END) AS late,
        SUM(CASE WHEN ob.state = 'overdue' THEN 1 ELSE 0 END) AS overdue,
        SUM(CASE WHEN ob.state = 'breached' THEN 1 ELSE 0 END) AS breached,
        SUM(CASE WHEN ob.state = 'partially_fulfilled' THEN 1 ELSE 0 END) AS partial,
        SUM(COALESCE(ob.amount, 0)) AS promised,
        SUM(CASE WHEN ob.state IN ('fulfilled', 'fulfilled_late') AND COALESCE(ob.amount_fulfilled, 0) = 0
            THEN COALESCE(ob.amount, 0) ELSE COALESCE(ob.amount_fulfilled, 0) END) AS delivered
    FROM obligation ob
    WHERE ob.review_status = 'confirmed' AND ob.due_date IS NOT NULL
      AND ob.state NOT IN ('waived', 'amended', 'suspended') AND ob.obligor_role = 'government'
      AND ob.due_date BETWEEN DATE '{start}' AND DATE '{end}'
    GROUP BY ob.owner_id
), fail AS (
    SELECT f.organisation_id, f.severity, f.state, COUNT(*) AS n
    FROM integrity_failure f
    WHERE f.kind = 'government_breach' AND f.state IN ('found', 'rectified', 'found_rectified', 'repaired')
      AND f.detected_on BETWEEN DATE '{start}' AND DATE '{end}'
    GROUP BY f.organisation_id, f.severity, f.state
), anc AS (
    SELECT o.id AS org_id, w.id AS member_id FROM organisation o JOIN organisation w ON w.path LIKE o.path || '%'
), ob AS (
    SELECT anc.org_id, SUM(due) AS due, SUM(on_time) AS on_time, SUM(late) AS late, SUM(overdue) AS overdue,
        SUM(breached) AS breached, SUM(partial) AS partial, SUM(promised) AS promised, SUM(delivered) AS delivered
    FROM anc JOIN own ON own.owner_id = anc.member_id GROUP BY anc.org_id
), fl AS (
    SELECT anc.org_id, fail.severity, fail.state, SUM(fail.n) AS n
    FROM anc JOIN fail ON fail.organisation_id = anc.member_id GROUP BY anc.org_id, fail.severity, fail.state
)
SELECT o.id, o.name, ob.due, ob.on_time, ob.late, ob.overdue, ob.breached, ob.partial, ob.promised, ob.delivered,
    fl.severity, fl.state, fl.n
FROM organisation o LEFT JOIN ob ON ob.org_id = o.id LEFT JOIN fl ON fl.org_id = o.id
ORDER BY o.path
"""


async def create_database(base: str) -> tuple[str, str]:
    import asyncpg

    prefix, _, _ = base.rpartition("/")
    admin, url = f"{prefix}/postgres", f"{prefix}/chengxin_bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
    finally:
        await conn.close()
    return admin, url


async def drop_database(admin: str, url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


async def load(url: str, n: int) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "INSERT INTO organisation (id, name, kind, path, created_at) VALUES (1, '市', 'city', '/1/', now())"
        )
        orgs: list[tuple[int, str, str, int, str]] = []
        next_id = 2
        for d in range(DISTRICTS):
            district = next_id
            next_id += 1
            orgs.append((district, f"区{d}", "district", 1, f"/1/{district}/"))
            for k in range(DEPARTMENTS):
                orgs.append((next_id, f"区{d}部门{k}", "department", district, f"/1/{district}/{next_id}/"))
                next_id += 1
        await conn.executemany(
            "INSERT INTO organisation (id, name, kind, parent_id, path, created_at) VALUES ($1, $2, $3, $4, $5, now())",
            orgs,
        )
        await conn.execute("SELECT setval(pg_get_serial_sequence('organisation', 'id'), $1)", next_id)
        departments = [o[0] for o in orgs if o[2] == "department"]
        await conn.execute(
            "INSERT INTO document (sha256, filename, media_type, size, pages_done, status, ocr, organisation_id, "
            "created_at, updated_at) "
            "VALUES ($1, 'bench.pdf', 'application/pdf', 1, 0, 'extracted', false, 1, now(), now())",
            "0" * 64,
        )
        await conn.execute(
            "INSERT INTO agreement (kind, document_id, extractor_version, owning_department_id, currency, created_at) "
            "SELECT (ARRAY['investment_promotion','ppp','policy_commitment'])[1 + i % 3], 1, 'bench-' || i, "
            "($1::int[])[1 + i % $2], 'CNY', now() FROM generate_series(0, 999) AS i",
            departments,
            len(departments),
        )
        started = time.perf_counter()
        await conn.execute(
            """
            INSERT INTO obligation (agreement_id, document_id, ordinal, start, "end", quote, obligor_role,
                responsible, owner_id, category, action, amount, amount_fulfilled, deadline_kind, nominal_date,
                due_date, due_provisional, conditions, confidence, review_status, state, fulfilled_on, version,
                created_at, updated_at)
            SELECT 1 + i % 1000, 1, i, 0, 10, '甲方应按约定履行义务。', CASE WHEN i % 5 = 0 THEN 'counterparty'
                ELSE 'government' END, '[]', ($1::int[])[1 + (i * 7) % $2],
                (ARRAY['payment','subsidy','land','approval','other'])[1 + i % 5], '',
                CASE WHEN i % 3 = 0 THEN (1 + i % 97) * 10000 END,
                CASE WHEN i % 6 = 0 THEN (1 + i % 97) * 5000 ELSE 0 END,
                'absolute', DATE '2024-01-01' + (i % 1096), DATE '2024-01-01' + (i % 1096), false, '[]', 0.9,
                CASE WHEN i % 50 = 0 THEN 'proposed' ELSE 'confirmed' END,
                (ARRAY['fulfilled','fulfilled','fulfilled','fulfilled_late','overdue','breached',
                       'partially_fulfilled','pending','waived','fulfilled'])[1 + (i / 7) % 10],
                NULL, 1, now(), now()
            FROM generate_series(1, $3) AS i
            """,
            departments,
            len(departments),
            n,
        )
        await conn.execute(
            """
            INSERT INTO integrity_failure (kind, obligation_id, organisation_id, state, severity, source, due_date,
                detected_on, days_late, clause, created_at, updated_at)
            SELECT CASE WHEN o.obligor_role = 'government' THEN 'government_breach' ELSE 'counterparty_default' END,
                o.id, o.owner_id, (ARRAY['found','found_rectified','repaired','rectified','detected'])[1 + o.id % 5],
                (ARRAY['minor','general','serious'])[1 + o.id % 3], 'sweep', o.due_date, o.due_date + 10, 10,
                o.quote, now(), now()
            FROM obligation o WHERE o.state = 'breached' AND o.id % 3 = 0
            """
        )
        await conn.execute("ANALYZE")
        print(f"loaded {n} obligations in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        await conn.close()


async def measure(url: str, runs: int) -> dict[str, float]:
    import asyncpg
    import httpx
    from tortoise import Tortoise

    from app.asgi import create_app
    from app.db import tortoise_config
    from app.models import Role
    from app.security import new_api_token
    from app.services.users import add_user
    from app.settings import Settings

    settings = Settings(database_url=url, secret_key="bench", data_dir=Path("/tmp/chengxin-bench"))
    await Tortoise.init(config=tortoise_config(settings.db_url), _enable_global_fallback=True)
    admin = await add_user("bench-admin", "correct horse battery", Role.ADMIN, 1)
    token = await new_api_token(admin, "bench", read_only=True)
    app = create_app(settings, init_db=False)
    from app.jobs import make_queue

    app.state.queue = make_queue(settings)
    reference_conn = await asyncpg.connect(url)
    reference_sql = REFERENCE.format(start=PERIOD[0], end=PERIOD[1])
    ours: list[float] = []
    reference: list[float] = []
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {token}"}
            url_path = f"/api/stats/organisations?from={PERIOD[0]}&to={PERIOD[1]}&limit=500"
            first = (await client.get(url_path, headers=headers)).json()  # warm-up
            await reference_conn.fetch(reference_sql)
            for _ in range(runs):
                started = time.perf_counter()
                response = await client.get(url_path, headers=headers)
                ours.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
                started = time.perf_counter()
                rows = await reference_conn.fetch(reference_sql)
                reference.append(time.perf_counter() - started)
            assert len({r["id"] for r in rows}) == first["total"], (len(rows), first["total"])
            ref_city = next(r for r in rows if r["id"] == 1)
            city = next(i for i in first["items"] if i["organisation_kind"] == "city")
            assert city["due"] == ref_city["due"], (city, ref_city)  # the same figures, not just the same speed
            assert city["breached"] == ref_city["breached"], (city, ref_city)
            print(
                f"city: due {city['due']}, on time {city['fulfilled_on_time']}, breached {city['breached']}, "
                f"score {city['score']} {city['grade']}",
                flush=True,
            )
    finally:
        await reference_conn.close()
        await app.state.queue.close()
        await Tortoise.close_connections()
    return {"ours": statistics.median(ours), "reference": statistics.median(reference)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (prints its URL)")
    args = parser.parse_args()
    base = os.environ.get("CHENGXIN_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    admin, url = await create_database(base)
    try:
        from app.cli import migrate_database
        from app.settings import Settings

        await migrate_database(Settings(database_url=url, secret_key="bench"))
        await load(url, args.n)
        result = await measure(url, args.runs)
    finally:
        if args.keep:
            print(f"kept {url}")
        else:
            await drop_database(admin, url)
    ratio = result["ours"] / result["reference"]
    print(f"ours {result['ours'] * 1000:.1f} ms, reference {result['reference'] * 1000:.1f} ms (median of {args.runs})")
    print(
        json.dumps(
            {
                "n": args.n,
                "ours": round(result["ours"], 4),
                "reference": round(result["reference"], 4),
                "ratio": round(ratio, 3),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
