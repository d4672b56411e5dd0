"""Benchmark: the API's list pages against a hand-written handler serving the same page, in the same app.

    uv run python benchmarks/api.py --backend sqlite --n 100000
    uv run python benchmarks/api.py --backend postgres --n 100000   # CHENGXIN_BENCH_DATABASE_URL's server

Builds a scratch database (a SQLite file in a temp dir, or a scratch PostgreSQL database), applies the
migrations and loads N obligations over 500 agreements (200 organisations in a city → district → department
tree, due dates over four years, 60 % settled), then runs yesterday's sweep so integrity-failure records exist.
The app (``create_app``) is called in-process through httpx's ASGI transport with an administrator's bearer
token, one request at a time: what is measured is the app's own cost per request, not a network's.

For each page — ``/api/obligations/``, ``/api/agreements/``, ``/api/failures/`` (50 items each) and
``/api/stats/organisations`` (50 rows) — a reference handler is mounted on the same app: one SQL query (the
total as a scalar subquery) on the raw connection and ``msgspec.json.encode``, no authentication. Ours and
the reference alternate in ``--rounds`` rounds of ``--seconds`` each; req/s is requests over time per side.
The reference for statistics aggregates the obligation figures of each subtree (no failure tally or score):
the same scan, a lighter page. The last output line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from litestar import Response, get

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.sweep import AS_OF, random_obligation  # noqa: E402  the same obligations as the sweep's

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
AGREEMENTS = 500
PAGES = {
    "obligations": "/api/obligations/?limit=50",
    "agreements": "/api/agreements/?limit=50",
    "failures": "/api/failures/?limit=50",
    "statistics": "/api/stats/organisations?limit=50",
}

OBLIGATIONS_SQL = """
SELECT o.id, o.agreement_id, o.document_id, o.page, o.start, o."end", o.quote, o.obligor_label, o.obligor_name,
       o.obligor_role, o.responsible, o.owner_id, w.name AS owner_name, o.category, o.action, o.amount,
       o.currency, o.amount_text, o.amount_fulfilled, o.deadline_kind, o.deadline_text, o.nominal_date,
       o.due_date, o.due_provisional, o.offset_value, o.offset_unit, o.anchor, o.anchor_text, o.recurrence,
       o.conditions, o.penalty, o.confidence, o.review_status, o.state, o.fulfilled_on, o.version, o.parent_id,
       o.supersedes_id, o.state_reason, o.owner_unresolved, o.anchor_event_id,
       (SELECT COUNT(*) FROM obligation c LEFT JOIN organisation cw ON cw.id = c.owner_id
         WHERE cw.path LIKE {p}) AS total
  FROM obligation o LEFT JOIN organisation w ON w.id = o.owner_id
 WHERE w.path LIKE {p}
 ORDER BY o.due_date, o.id LIMIT 50
"""

FAILURES_SQL = """
SELECT f.id, f.kind, f.obligation_id, f.organisation_id, f.obligor_name, f.promised_to, f.state, f.severity,
       f.source, f.due_date, f.detected_on, f.days_late, f.amount_outstanding, f.clause,
       f.rectification_deadline, f.rectification_plan, f.rectified_on, f.found_on, f.objection_reason,
       f.objected_on, f.objection_rejected_on, f.repaired_on, f.published_from, f.published_until,
       f.source_reference, f.decision_note,
       (SELECT COUNT(*) FROM integrity_failure c LEFT JOIN organisation cw ON cw.id = c.organisation_id
         WHERE cw.path LIKE {p}) AS total
  FROM integrity_failure f LEFT JOIN organisation w ON w.id = f.organisation_id
 WHERE w.path LIKE {p}
 ORDER BY f.detected_on DESC, f.id DESC LIMIT 50
"""

_PARTIES = {
    "sqlite": "json_group_array(json_object('label', label, 'name', name, 'role', role, "
    "'organisation_id', organisation_id))",
    "postgres": "json_agg(json_build_object('label', label, 'name', name, 'role', role, "
    "'organisation_id', organisation_id) ORDER BY id)",
}
_COUNTS = {"sqlite": "json_group_object(k, n)", "postgres": "json_object_agg(k, n)"}

AGREEMENTS_SQL = """
SELECT a.id, a.kind, a.title, a.signed_on, a.document_id, a.owning_department_id, a.district_id,
       (SELECT {parties} FROM agreement_party WHERE agreement_id = a.id) AS parties,
       (SELECT {counts} FROM (SELECT CASE WHEN review_status = 'confirmed' THEN state ELSE review_status END AS k,
                                     COUNT(*) AS n FROM obligation WHERE agreement_id = a.id GROUP BY 1) s) AS counts,
       (SELECT COUNT(*) FROM agreement c LEFT JOIN organisation cw ON cw.id = c.owning_department_id
         WHERE cw.path LIKE {p}) AS total
  FROM agreement a LEFT JOIN organisation w ON w.id = a.owning_department_id
 WHERE w.path LIKE {p}
 ORDER BY a.id DESC LIMIT 50
"""

STATS_SQL = """
WITH per_owner AS MATERIALIZED (
  SELECT owner_id, COUNT(*) AS due,
         SUM(CASE WHEN state = 'fulfilled' THEN 1 ELSE 0 END) AS fulfilled_on_time,
         SUM(CASE WHEN state = 'fulfilled_late' THEN 1 ELSE 0 END) AS fulfilled_late,
         SUM(CASE WHEN state = 'overdue' THEN 1 ELSE 0 END) AS overdue,
         SUM(CASE WHEN state = 'breached' THEN 1 ELSE 0 END) AS breached,
         SUM(CASE WHEN state = 'partially_fulfilled' THEN 1 ELSE 0 END) AS partially_fulfilled
    FROM obligation
   WHERE review_status = 'confirmed' AND obligor_role = 'government'
     AND state NOT IN ('waived', 'amended', 'suspended')
   GROUP BY owner_id
)
SELECT a.id, a.name, a.kind, COALESCE(SUM(p.due), 0) AS due, COALESCE(SUM(p.fulfilled_on_time), 0) AS on_time,
       COALESCE(SUM(p.fulfilled_late), 0) AS late, COALESCE(SUM(p.overdue), 0) AS overdue,
       COALESCE(SUM(p.breached), 0) AS breached, COALESCE(SUM(p.partially_fulfilled), 0) AS partial,
       (SELECT COUNT(*) FROM organisation t WHERE t.path LIKE {p}) AS total
  FROM organisation a
  JOIN organisation b ON b.path LIKE a.path || '%'
  LEFT JOIN per_owner p ON p.owner_id = b.id
 WHERE a.path LIKE {p}
 GROUP BY a.id, a.name, a.kind, a.path
 ORDER BY a.path LIMIT 50
"""


def log(*args: Any) -> None:
    print(*args, file=sys.stderr, flush=True)


async def load(n: int, seed: int) -> tuple[int, str]:
    """Organisations through the service (their paths), agreements and obligations in bulk; the city's id
    and an administrator's bearer token."""
    from tortoise import Tortoise

    from app.models import OrgKind, Role
    from app.security import new_api_token
    from app.services.organisations import create_organisation
    from app.services.users import add_user

    conn = Tortoise.get_connection("default")
    city = await create_organisation("基准市", OrgKind.CITY)
    owners: list[int] = []
    for d in range(19):
        district = await create_organisation(f"区{d}", OrgKind.DISTRICT, city.id)
        owners.append(district.id)
        for k in range(9):
            owners.append((await create_organisation(f"区{d}局{k}", OrgKind.DEPARTMENT, district.id)).id)
    user = await add_user("bench", "Tall-Ginkgo-Ledger-93", Role.ADMIN, city.id)
    token = await new_api_token(user, "bench", read_only=True)
    pg = conn.capabilities.dialect == "postgres"

    def sql(text: str, count: int) -> str:
        return text.format(*(f"${i + 1}" if pg else "?" for i in range(count)))

    rng = random.Random(seed)
    now = datetime.now(UTC)
    docs: list[list[Any]] = []
    agreements: list[list[Any]] = []
    for i in range(AGREEMENTS):
        dept = rng.choice(owners)
        docs.append([uuid.uuid4().hex * 2, f"协议{i}.pdf", "application/pdf", 1, 0, "extracted", False, dept, now, now])
    await conn.execute_many(
        sql(
            "INSERT INTO document (sha256, filename, media_type, size, pages_done, status, ocr, organisation_id, "
            "created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            10,
        ),
        docs,
    )
    for i, d in enumerate(await conn.execute_query_dict("SELECT id, organisation_id FROM document ORDER BY id")):
        agreements.append(
            ["investment_promotion", f"投资合作协议{i}", d["id"], "bench", d["organisation_id"], "CNY", now]
        )
    await conn.execute_many(
        sql(
            "INSERT INTO agreement (kind, title, document_id, extractor_version, owning_department_id, currency, "
            "created_at) VALUES ({}, {}, {}, {}, {}, {}, {})",
            7,
        ),
        agreements,
    )
    ags = await conn.execute_query_dict("SELECT id, document_id FROM agreement")
    parties = []
    for a in ags:
        parties.append([a["id"], "甲方", "基准市人民政府", "government"])
        parties.append([a["id"], "乙方", "某某科技有限公司", "counterparty"])
    await conn.execute_many(
        sql("INSERT INTO agreement_party (agreement_id, label, name, role) VALUES ({}, {}, {}, {})", 4), parties
    )
    columns = [
        "ordinal", "start", '"end"', "quote", "obligor_name", "obligor_role", "responsible", "category", "action",
        "amount", "deadline_kind", "nominal_date", "due_date", "due_provisional", "conditions", "confidence",
        "review_status", "state", "amount_fulfilled", "version", "owner_unresolved", "created_at", "updated_at",
        "agreement_id", "document_id", "owner_id",
    ]  # fmt: skip
    insert = sql(
        f"INSERT INTO obligation ({', '.join(columns)}) VALUES ({', '.join('{}' for _ in columns)})", len(columns)
    )
    batch: list[list[Any]] = []
    for i in range(n):
        a = ags[i % len(ags)]
        due, role, category, state, amount, paid, review = random_obligation(rng)
        name = "基准市人民政府" if role == "government" else "某某科技有限公司"
        amounts = (str(amount) if amount is not None else None, str(paid)) if not pg else (amount, paid)
        batch.append(
            [i, 0, 10, "乙方应按期履行。", name, role, "[]", category, "按期履行", amounts[0], "absolute", due, due,
             False, "[]", 0.9, review, state if review == "confirmed" else "pending", amounts[1], 1, False, now,
             now, a["id"], a["document_id"], rng.choice(owners)]
        )  # fmt: skip
        if len(batch) == 20_000:
            await conn.execute_many(insert, batch)
            batch = []
    if batch:
        await conn.execute_many(insert, batch)
    await conn.execute_script("ANALYZE")
    return city.id, token


def reference_app_routes(dialect: str) -> list[Any]:
    """The hand-written handlers: one query on the raw connection, rows to JSON with msgspec."""
    from tortoise import Tortoise

    from app.security import PUBLIC

    p = "$1" if dialect == "postgres" else "?"
    obligations_sql = OBLIGATIONS_SQL.format(p=p)
    failures_sql = FAILURES_SQL.format(p=p)
    agreements_sql = AGREEMENTS_SQL.format(p=p, parties=_PARTIES[dialect], counts=_COUNTS[dialect])
    stats_sql = STATS_SQL.format(p=p)
    nested = ("deadline_kind", "deadline_text", "nominal_date", "due_date", "due_provisional", "offset_value")
    nested_rest = ("offset_unit", "anchor", "anchor_text", "recurrence")

    def raw(value: Any) -> Any:
        return msgspec.Raw(value.encode()) if isinstance(value, str) else value

    async def rows(query: str) -> list[dict[str, Any]]:
        params = ["/%"] * (query.count("?") or 1)  # SQLite's ? once per use, PostgreSQL's $1 reused
        return list(await Tortoise.get_connection("default").execute_query_dict(query, params))

    def page(items: list[dict[str, Any]], total: int) -> Response[bytes]:
        body = msgspec.json.encode({"items": items, "total": total, "limit": 50, "offset": 0})
        return Response(body, media_type="application/json")

    @get("/bench/obligations", opt={"roles": PUBLIC})
    async def obligations() -> Response[bytes]:
        found = await rows(obligations_sql)
        items = []
        for r in found:
            item = {k: v for k, v in r.items() if k not in nested and k not in nested_rest and k != "total"}
            item["responsible"], item["conditions"] = raw(r["responsible"]), raw(r["conditions"])
            item["deadline"] = {
                "kind": r["deadline_kind"], "text": r["deadline_text"], "nominal_date": r["nominal_date"],
                "due_date": r["due_date"], "provisional": bool(r["due_provisional"]),
                "offset_value": r["offset_value"], **{k: r[k] for k in nested_rest},
            }  # fmt: skip
            items.append(item)
        return page(items, found[0]["total"] if found else 0)

    @get("/bench/agreements", opt={"roles": PUBLIC})
    async def agreements() -> Response[bytes]:
        found = await rows(agreements_sql)
        items = [
            {**{k: v for k, v in r.items() if k not in ("parties", "counts", "total")},
             "parties": raw(r["parties"]) if r["parties"] is not None else [],
             "obligations": raw(r["counts"]) if r["counts"] is not None else {}}
            for r in found
        ]  # fmt: skip
        return page(items, found[0]["total"] if found else 0)

    @get("/bench/failures", opt={"roles": PUBLIC})
    async def failures() -> Response[bytes]:
        found = await rows(failures_sql)
        return page([{k: v for k, v in r.items() if k != "total"} for r in found], found[0]["total"] if found else 0)

    @get("/bench/statistics", opt={"roles": PUBLIC})
    async def statistics() -> Response[bytes]:
        found = await rows(stats_sql)
        return page([{k: v for k, v in r.items() if k != "total"} for r in found], found[0]["total"] if found else 0)

    return [obligations, agreements, failures, statistics]


async def rate(client: Any, url: str, headers: dict[str, str], seconds: float) -> tuple[int, float]:
    done, t0 = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - t0) < seconds:
        response = await client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.text[:300]}")
        done += 1
    return done, elapsed


async def full_pages(client: Any, path: str, headers: dict[str, str], name: str) -> None:
    """Both sides serve the same, full page: 50 items and the same total (an empty page measures nothing)."""
    ours = (await client.get(path, headers=headers)).json()
    ref = (await client.get(f"/bench/{name}")).json()
    if len(ours["items"]) != 50 or len(ref["items"]) != 50 or ours["total"] != ref["total"]:
        raise SystemExit(
            f"{name}: ours {len(ours['items'])} of {ours['total']}, reference {len(ref['items'])} of {ref['total']}"
        )


async def run(args: argparse.Namespace, url: str, data_dir: Path) -> dict[str, Any]:
    import httpx
    from tortoise import Tortoise

    from app.asgi import create_app
    from app.cli import migrate_database
    from app.db import tortoise_config
    from app.services.sweep import sweep_obligations
    from app.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=url, secret_key="bench")
    await migrate_database(settings)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        t0 = time.perf_counter()
        _, token = await load(args.n, args.seed)
        # catch_up: the obligations are loaded as earlier sweeps left them (already breached), so only a catch-up
        # run writes their failure records; without it the failure page measured an empty list
        policies = settings.tracking_policies()
        await sweep_obligations(AS_OF - timedelta(days=1), policies, snapshots=False, catch_up=True)
        log(f"loaded {args.n} obligations and swept in {time.perf_counter() - t0:.1f}s")
        dialect = Tortoise.get_connection("default").capabilities.dialect
        app = create_app(settings, init_db=False)
        logging.getLogger("httpx").setLevel(logging.WARNING)  # its per-request INFO line would be timed on both sides
        for route in reference_app_routes(dialect):
            app.register(route)
        app.state.queue = None  # list pages enqueue nothing
        headers = {"Authorization": f"Bearer {token}"}
        result: dict[str, Any] = {"backend": args.backend, "n": args.n}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for name, path in PAGES.items():
                if args.pages and name not in args.pages:
                    continue
                ours_n = ref_n = 0
                ours_t = ref_t = 0.0
                await rate(client, path, headers, 0.5)  # warm up both
                await rate(client, f"/bench/{name}", {}, 0.5)
                await full_pages(client, path, headers, name)
                if args.profile:
                    await _profile(client, path, headers, args.profile, args.profile_sort)
                for _ in range(args.rounds):
                    n1, t1 = await rate(client, path, headers, args.seconds)
                    n2, t2 = await rate(client, f"/bench/{name}", {}, args.seconds)
                    ours_n, ours_t, ref_n, ref_t = ours_n + n1, ours_t + t1, ref_n + n2, ref_t + t2
                ours, ref = ours_n / ours_t, ref_n / ref_t
                result[name] = {"ours": round(ours, 1), "reference": round(ref, 1), "ratio": round(ours / ref, 2)}
                log(f"{name}: ours {ours:.1f} req/s, reference {ref:.1f} req/s, ratio {ours / ref:.2f}")
        return result
    finally:
        await Tortoise.close_connections()


async def _profile(client: Any, path: str, headers: dict[str, str], seconds: float, order: str) -> None:
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    await rate(client, path, headers, seconds)
    profile.disable()
    pstats.Stats(profile, stream=sys.stderr).sort_stats(order).print_stats(45)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--pages", nargs="*", choices=list(PAGES), help="only these pages")
    parser.add_argument("--profile", type=float, default=0.0, help="cProfile our handler for this many seconds")
    parser.add_argument("--profile-sort", default="cumulative", help="pstats order: cumulative, tottime, …")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chengxin-bench-") as tmp:
        if args.backend == "sqlite":
            result = await run(args, f"sqlite://{tmp}/bench.sqlite3", Path(tmp))
        else:
            import asyncpg

            base = os.environ.get("CHENGXIN_BENCH_DATABASE_URL", DEFAULT_URL)
            prefix = base.rsplit("/", 1)[0]
            name = f"chengxin_bench_{uuid.uuid4().hex[:8]}"
            admin = await asyncpg.connect(f"{prefix}/postgres")
            await admin.execute(f'CREATE DATABASE "{name}"')
            try:
                result = await run(args, f"{prefix}/{name}", Path(tmp))
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await admin.close()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
