"""``chengxin demo``: a small city, its users, the example documents, confirmed and swept."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tortoise.functions import Count

from app.demo_history import simulate, task_deadlines
from app.models import (
    AgreementKind,
    AuditLog,
    Document,
    FailureKind,
    FiscalBudget,
    FulfilmentEvidence,
    GovernmentPayment,
    IntegrityFailure,
    Obligation,
    Organisation,
    OrgKind,
    PartyRole,
    PPPProject,
    Role,
    User,
)
from app.security import Principal, principal_for
from app.services import audit
from app.services.documents import Upload, upload_document
from app.services.extraction import run_extraction
from app.services.failures import published
from app.services.obligations import ObligationEdit, review
from app.services.organisations import get_or_create_organisation
from app.services.sweep import sweep_obligations
from app.services.users import add_user
from app.settings import Settings
from app.storage import FileStore
from trackers import ReviewStatus
from trackers.calendar import add_months

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


@dataclass(frozen=True, slots=True)
class DemoDocument:
    """One entry of ``examples/manifest.json``."""

    file: str
    kind: AgreementKind
    signed_on: date | None
    government_body: str | None  # the demo body the clerk names for the government side (model contracts, plans)
    clerk_sets_deadlines: bool = False  # a plan adopted without its task table's completion dates

    @classmethod
    def from_entry(cls, entry: dict[str, Any], as_of: date) -> DemoDocument:
        signed = entry.get("signed_on")
        months = entry.get("signed_months_before_as_of")
        signed_on = (
            date.fromisoformat(signed) if signed else add_months(as_of, -int(months)) if months is not None else None
        )
        return cls(
            entry["file"],
            AgreementKind(entry["kind"]),
            signed_on,
            entry.get("demo_government_body"),
            bool(entry.get("clerk_sets_deadlines")),
        )

    @property
    def media_type(self) -> str:
        return "text/plain" if self.file.endswith(".txt") else "application/pdf"


def demo_documents(examples: Path, as_of: date) -> list[DemoDocument]:
    manifest = json.loads((examples / "manifest.json").read_text(encoding="utf-8"))
    return [DemoDocument.from_entry(e, as_of) for e in manifest["documents"]]


async def run_demo(settings: Settings, as_of: date, examples: Path) -> str:
    """Seed the city, ingest and review the examples, then — once — play the history ending at ``as_of``
    (``app.demo_history``); a second run finds the history written and only sweeps ``as_of`` again."""
    orgs = await seed_city()
    uploader = await principal_for(await User.get(username="investment"))
    store = FileStore(settings.files_dir)
    for doc in demo_documents(examples, as_of):
        upload = Upload(doc.file, (examples / doc.file).read_bytes(), doc.media_type, doc.kind, doc.signed_on)
        document, _ = await upload_document(uploader, upload, store, settings.max_upload_mb * 1024 * 1024)
        await run_extraction(document.id, settings)
        body = orgs.get(doc.government_body or "")
        await review_document(uploader, document.id, doc, body, as_of, settings.recurrence_horizon_days)
    done = await AuditLog.filter(action=HISTORY_ACTION).first()
    if done is None:
        counts = await simulate(settings, as_of)
        await audit.record(None, HISTORY_ACTION, "demo", None, None, {"as_of": as_of.isoformat(), **counts})
    report = await sweep_obligations(as_of, settings.tracking_policies())
    return await summary(as_of, report.to_dict())


HISTORY_ACTION = "demo.history"


async def review_document(
    reviewer: Principal,
    document_id: int,
    doc: DemoDocument,
    body: Organisation | None,
    as_of: date,
    horizon_days: int,
) -> int:
    """The clerk's review: confirm every proposal whose owner is known. For a model contract or a plan the
    demo city adopts (``body``), the clerk names that body for the government side's duties no organisation
    matched, fills a contract's blank dates (``____年__月__日前``: 45 days apart after the signing) and, for
    a plan whose tasks have no deadline (``clerk_sets_deadlines``), sets their completion dates spread over
    the history (``task_deadlines``). The rest wait for an owner (``owner_unresolved``) rather than being
    charged to the uploader. Returns how many were confirmed."""
    rows = await Obligation.filter(document_id=document_id, review_status=ReviewStatus.PROPOSED).order_by("ordinal")
    undated = [o for o in rows if doc.clerk_sets_deadlines and _undated_task(o)]
    deadlines = dict(zip((o.id for o in undated), task_deadlines(len(undated), as_of), strict=True))
    plain, edits, blanks = [], {}, 0
    for ob in rows:
        fields: set[str] = set()
        owner_id = nominal = None
        if ob.owner_unresolved:
            if body is None:
                continue  # waits for an owner
            owner_id = body.id
            fields.add("owner_id")
        if _blank_date(ob) and doc.signed_on is not None:
            blanks += 1
            nominal = doc.signed_on + timedelta(days=45 * blanks)
            fields.add("nominal_date")
        elif ob.id in deadlines:
            nominal = deadlines[ob.id]
            fields.add("nominal_date")
        if fields:
            edits[ob.id] = ObligationEdit(owner_id=owner_id, nominal_date=nominal, fields_set=frozenset(fields))
        else:
            plain.append(ob.id)
    if plain:
        await review(reviewer, plain, ReviewStatus.CONFIRMED, today=as_of, horizon_days=horizon_days)
    for obligation_id, edit in edits.items():
        await review(reviewer, [obligation_id], ReviewStatus.CONFIRMED, edit, today=as_of, horizon_days=horizon_days)
    return len(plain) + len(edits)


def _undated_task(ob: Obligation) -> bool:
    """A government task of a plan with no deadline at all (not a recurring duty)."""
    return ob.obligor_role == PartyRole.GOVERNMENT and ob.deadline_kind == "none" and ob.due_date is None


def _blank_date(ob: Obligation) -> bool:
    """A model contract's deadline with its date left blank: an absolute deadline that resolved to nothing."""
    return ob.due_date is None and ob.deadline_kind == "absolute" and bool(ob.deadline_text)


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
    lines += ["", *await history_summary(as_of)]
    lines += [
        "",
        f"Sweep: {json.dumps(sweep, ensure_ascii=False)}",
        f"Users (password {DEMO_PASSWORD!r}): " + ", ".join(u for u, _, _ in USERS),
    ]
    return "\n".join(lines)


async def history_summary(as_of: date) -> list[str]:
    """What the history left: evidence, sweeps, government records by state, what is public, PPP money."""
    entry = await AuditLog.filter(action=HISTORY_ACTION).order_by("id").first()
    played: dict[str, Any] = dict(entry.after or {}) if entry else {}
    lines = [f"History (30 months to {played.get('as_of', as_of.isoformat())})"]
    lines.append(f"  {'fulfilment records':<22} {await FulfilmentEvidence.all().count():>5}")
    lines.append(f"  {'sweeps':<22} {int(played.get('sweep', 0)):>5}")
    states = (
        await IntegrityFailure.filter(kind=FailureKind.GOVERNMENT_BREACH)
        .annotate(n=Count("id"))
        .group_by("state")
        .values("state", "n")
    )
    listed = ", ".join(f"{r['state']} {r['n']}" for r in sorted(states, key=lambda r: str(r["state"])))
    lines.append(f"  {'government records':<22} {sum(r['n'] for r in states):>5}  ({listed})")
    _, public = await published(as_of, None, 1, 0)
    lines.append(f"  {'published on /public':<22} {public:>5}")
    lines.append(
        f"  {'PPP projects':<22} {await PPPProject.all().count():>5}  "
        f"(payments {await GovernmentPayment.all().count()}, budgets {await FiscalBudget.all().count()})"
    )
    return lines
