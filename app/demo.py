"""``chengxin demo``: a small city, its users, the example documents, confirmed and swept."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from tortoise.functions import Count

from app.models import Document, IntegrityFailure, Obligation, Organisation, OrgKind, Role, User
from app.security import Principal, principal_for
from app.services.documents import Upload, upload_document
from app.services.extraction import run_extraction
from app.services.obligations import review
from app.services.organisations import get_or_create_organisation
from app.services.sweep import sweep_obligations
from app.services.users import add_user
from app.settings import Settings
from app.storage import FileStore
from trackers import ReviewStatus

DEMO_PASSWORD = "chengxin-demo"

CITY = "佛山市"
DEPARTMENTS = [
    "市投资促进局",
    "市财政局",
    "市发展改革局",
    "市政务服务数据管理局",
    "市绩效管理试点工作领导小组办公室",
]
DISTRICTS = {"南海区": ["南海区投资促进局", "南海区财政局"], "顺德区": ["顺德区投资促进局"]}
USERS = [
    ("admin", Role.ADMIN, CITY),
    ("investment", Role.INVESTMENT, "市投资促进局"),
    ("finance", Role.FINANCE, "市财政局"),
    ("department", Role.DEPARTMENT, "市发展改革局"),
    ("evaluator", Role.EVALUATOR, CITY),
]


async def seed_city() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    city = await get_or_create_organisation(CITY, OrgKind.CITY)
    orgs[CITY] = city
    for name in DEPARTMENTS:
        orgs[name] = await get_or_create_organisation(name, OrgKind.DEPARTMENT, city)
    for district, departments in DISTRICTS.items():
        d = await get_or_create_organisation(district, OrgKind.DISTRICT, city)
        orgs[district] = d
        for name in departments:
            orgs[name] = await get_or_create_organisation(name, OrgKind.DEPARTMENT, d)
    for username, role, org_name in USERS:
        if not await User.filter(username=username).exists():
            await add_user(  # the demo's well-known accounts: the published password, no forced change
                username, DEMO_PASSWORD, role, orgs[org_name].id, display_name=username, enforce_policy=False
            )
    return orgs


async def run_demo(settings: Settings, as_of: date, examples: Path) -> str:
    await seed_city()
    uploader = await principal_for(await User.get(username="investment"))
    store = FileStore(settings.files_dir)
    manifest = json.loads((examples / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["documents"]:
        from app.models import AgreementKind

        data = (examples / entry["file"]).read_bytes()
        upload = Upload(
            entry["file"],
            data,
            "application/pdf",
            AgreementKind(entry["kind"]),
            date.fromisoformat(entry["signed_on"]) if entry.get("signed_on") else None,
        )
        document, _ = await upload_document(uploader, upload, store, settings.max_upload_mb * 1024 * 1024)
        await run_extraction(document.id, settings)
    await confirm_all(uploader, settings.recurrence_horizon_days)
    report = await sweep_obligations(as_of, settings.tracking_policies())
    return await summary(as_of, report.to_dict())


async def confirm_all(reviewer: Principal, horizon_days: int) -> int:
    """Confirm every proposal whose owner is known. Those no organisation of the demo city matched stay
    proposed with ``owner_unresolved`` — a clerk assigns them — rather than being charged to the uploader."""
    ids = await Obligation.filter(review_status=ReviewStatus.PROPOSED, owner_unresolved=False).values_list(
        "id", flat=True
    )
    if ids:
        await review(reviewer, list(ids), ReviewStatus.CONFIRMED, horizon_days=horizon_days)  # type: ignore[arg-type]
    return len(ids)


async def summary(as_of: date, sweep: dict[str, object]) -> str:
    lines = [f"chengxin demo — sweep as of {as_of.isoformat()}", ""]
    lines.append("Documents")
    for d in await Document.all().order_by("id"):
        n = await Obligation.filter(document_id=d.id).count()
        reason = f"  ({d.failure_reason})" if d.failure_reason else ""
        lines.append(
            f"  #{d.id:<3} {d.filename:<40} {d.status!s:<10} pages {d.pages or '?':>3}  obligations {n:>3}{reason}"
        )
    lines += ["", "Obligations by status"]
    by_state = (
        await Obligation.annotate(n=Count("id"))
        .group_by("review_status", "state")
        .values("review_status", "state", "n")
    )
    for row in sorted(by_state, key=lambda r: (r["review_status"], r["state"])):
        label = row["state"] if row["review_status"] == "confirmed" else row["review_status"]
        lines.append(f"  {label:<22} {row['n']:>5}")
    unresolved = await Obligation.filter(owner_unresolved=True).count()
    lines.append(f"  {'awaiting an owner':<22} {unresolved:>5}")
    lines += ["", "Obligations by obligor (top 15)"]
    obligors: Counter[tuple[str, str]] = Counter()
    for name, label, role in await Obligation.all().values_list("obligor_name", "obligor_label", "obligor_role"):
        obligors[(str(name or label or "(not named)"), str(role))] += 1
    for (name, role), n in obligors.most_common(15):
        lines.append(f"  {name[:30]:<32} {role:<13} {n:>5}")
    failures = (
        await IntegrityFailure.annotate(n=Count("id")).group_by("kind", "severity").values("kind", "severity", "n")
    )
    lines += ["", "Integrity failures"]
    if not failures:
        lines.append("  none")
    for row in sorted(failures, key=lambda r: (r["kind"], r["severity"])):
        lines.append(f"  {row['kind']:<22} {row['severity']:<8} {row['n']:>5}")
    lines += [
        "",
        f"Sweep: {json.dumps(sweep, ensure_ascii=False)}",
        f"Users (password {DEMO_PASSWORD!r}): " + ", ".join(u for u, _, _ in USERS),
    ]
    return "\n".join(lines)
