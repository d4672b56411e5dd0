"""Agreements as an Open Contracting Data Standard (OCDS 1.1, PPP profile 1.0.0-beta4) release package.

One release per agreement (``tag``: contract, implementation):

* ``parties`` — the government bodies (``buyer``/``procuringEntity``) and counterparties (``supplier``),
  identified by their unified social credit code (scheme ``CN-USCC``) when known;
* ``contracts[0].implementation.milestones`` — the confirmed obligations: ``dueDate`` is the effective due
  date, ``dateMet`` the fulfilment date, ``status`` from the tracked state (met, partiallyMet, notMet,
  scheduled). Lateness is never written as a field: a reader derives it from ``dateMet`` > ``dueDate``.
* ``implementation.transactions`` — the payments recorded as fulfilment evidence, each linked to its
  milestone with ``relatedImplementationMilestone`` (the OCDS transaction-milestones extension shape);
* PPP agreements (a ``PPPProject`` linked to the agreement) add to ``implementation.milestones`` the
  project milestones (``ppp-milestone-…``: financial close, construction start, completion acceptance,
  commercial operation, handover): ``dueDate`` the planned date, ``dateMet`` the actual one, ``status`` met
  (actual date recorded), notMet (planned date passed without one) or scheduled; lateness is derived from
  the two dates, never written. Each government payment obligation (``GovernmentPayment``: one project,
  year and kind) is a payment milestone (``ppp-payment-…``, due at the end of its year, met when the
  payable amount — planned × performance score / 100 — is paid, partiallyMet when less was paid), and what
  was paid a ``transaction`` from the government to the project company linked to that milestone;
* ``implementation.performanceFailures`` — for PPP agreements, the integrity-failure and default records on
  the agreement's obligations (PPP performance failures), with the contracted penalty clause.

The vendored schemas under ``schema/`` (Apache-2.0, see ``schema/LICENSE``) validate it offline.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.models import (
    Agreement,
    AgreementParty,
    FailureKind,
    FulfilmentEvidence,
    GovernmentPayment,
    IntegrityFailure,
    Obligation,
    Organisation,
    PPPMilestone,
)
from trackers import ReviewStatus

BEIJING = timezone(timedelta(hours=8))
SCHEMA_DIR = Path(__file__).parent / "schema"
PACKAGE_SCHEMA_URL = (
    "https://standard.open-contracting.org/profiles/ppp/schema/1__0__0__beta4/release-package-schema.json"
)
PPP_EXTENSION_URL = "https://standard.open-contracting.org/profiles/ppp/extension/1__0__0__beta4/extension.json"
OCID_PREFIX = "ocds-chengx"  # replace with the publisher's registered prefix
PUBLISHER = "chengxin 政务诚信履约监测"

STATUS = {
    "fulfilled": "met",
    "fulfilled_late": "met",
    "partially_fulfilled": "partiallyMet",
    "overdue": "notMet",
    "breached": "notMet",
    "pending": "scheduled",
    "due_soon": "scheduled",
    "suspended": "scheduled",
}
MILESTONE_TYPE = {"payment": "payment", "subsidy": "payment", "approval": "approval", "reporting": "reporting"}
PPP_MILESTONE_TYPE = {
    "financial_close": "financing",
    "construction_start": "delivery",
    "completion_acceptance": "assessment",
    "commercial_operation": "delivery",
    "handover": "delivery",
}
PPP_MILESTONE_TITLE = {
    "financial_close": "融资交割",
    "construction_start": "开工建设",
    "completion_acceptance": "竣工验收",
    "commercial_operation": "商业运营",
    "handover": "项目移交",
}
PAYMENT_TITLE = {"availability": "可用性服务费", "viability_gap": "可行性缺口补助", "om_performance": "运维绩效服务费"}


def ppp_milestone_status(planned_on: date | None, actual_on: date | None, today: date) -> str:
    """met once the actual date is recorded; notMet when the planned date has passed without it."""
    if actual_on is not None:
        return "met"
    if planned_on is not None and planned_on < today:
        return "notMet"
    return "scheduled"


def payable(payment: GovernmentPayment) -> Decimal:
    """planned × performance score / 100 (no score yet: the planned amount)."""
    if payment.performance_score is None:
        return Decimal(payment.amount_planned)
    return (Decimal(payment.amount_planned) * Decimal(payment.performance_score) / 100).quantize(Decimal("0.01"))


def payment_status(payment: GovernmentPayment, today: date) -> str:
    paid, due = Decimal(payment.amount_paid or 0), payable(payment)
    if paid >= due:
        return "met"
    if paid > 0:
        return "partiallyMet"
    return "notMet" if date(payment.year, 12, 31) < today else "scheduled"


def ppp_implementation(
    milestones: list[PPPMilestone],
    payments: list[GovernmentPayment],
    government: list[dict[str, Any]],
    suppliers: list[dict[str, Any]],
    currency: str,
    today: date,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The PPP project's milestones and payment milestones, and the government's payments as transactions."""
    out: list[dict[str, Any]] = [
        {
            "id": f"ppp-milestone-{m.id}",
            "title": PPP_MILESTONE_TITLE.get(str(m.kind), str(m.kind)),
            "type": PPP_MILESTONE_TYPE.get(str(m.kind), "delivery"),
            "dueDate": _datetime(m.planned_on),
            "dateMet": _datetime(m.actual_on),
            "status": ppp_milestone_status(m.planned_on, m.actual_on, today),
        }
        for m in milestones
    ]
    transactions = []
    for p in payments:
        title = f"{p.year}年{PAYMENT_TITLE.get(str(p.kind), str(p.kind))}"
        status = payment_status(p, today)
        out.append(
            {
                "id": f"ppp-payment-{p.id}",
                "title": title,
                "type": "payment",
                "dueDate": _datetime(date(p.year, 12, 31)),
                "dateMet": _datetime(p.paid_on) if status == "met" else None,
                "value": {"amount": _number(payable(p)), "currency": currency},
                "status": status,
            }
        )
        if p.amount_paid:
            transactions.append(
                {
                    "id": f"ppp-payment-{p.id}",
                    "date": _datetime(p.paid_on),
                    "value": {"amount": _number(Decimal(p.amount_paid)), "currency": currency},
                    "payer": government[0] if government else None,
                    "payee": suppliers[0] if suppliers else None,
                    "relatedImplementationMilestone": {"id": f"ppp-payment-{p.id}", "title": title},
                }
            )
    return out, transactions


def _datetime(d: date | None) -> str | None:
    """OCDS dates are date-times: the start of the day in Beijing."""
    return None if d is None else f"{d.isoformat()}T00:00:00+08:00"


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _clean(obj: Any) -> Any:
    """Drop None values and empty containers (OCDS prefers absent to null)."""
    if isinstance(obj, dict):
        out = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v is not None and v != [] and v != {}}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


def _org_party(org: Organisation, roles: list[str]) -> dict[str, Any]:
    identifier = (
        {"scheme": "CN-USCC", "id": org.uscc, "legalName": org.name}
        if org.uscc
        else {"scheme": "X-CHENGXIN-ORG", "id": str(org.id), "legalName": org.name}
    )
    return {
        "id": f"{identifier['scheme']}-{identifier['id']}",
        "name": org.name,
        "identifier": identifier,
        "roles": roles,
    }


def _named_party(party: AgreementParty, uscc: str | None, roles: list[str]) -> dict[str, Any]:
    if uscc:
        identifier = {"scheme": "CN-USCC", "id": uscc, "legalName": party.name}
    else:
        identifier = {"scheme": "X-CHENGXIN-PARTY", "id": str(party.id), "legalName": party.name}
    return {
        "id": f"{identifier['scheme']}-{identifier['id']}",
        "name": party.name or party.label,
        "identifier": identifier,
        "roles": roles,
    }


async def release_package(agreements: list[Agreement], base_url: str, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    ids = [a.id for a in agreements]
    parties = (
        await AgreementParty.filter(agreement_id__in=ids).select_related("organisation", "counterparty").order_by("id")
    )
    obligations = await Obligation.filter(agreement_id__in=ids, review_status=ReviewStatus.CONFIRMED).order_by(
        "due_date", "id"
    )
    evidence = await FulfilmentEvidence.filter(obligation__agreement_id__in=ids, amount__isnull=False).order_by(
        "fulfilled_on", "id"
    )
    failures = await IntegrityFailure.filter(obligation__agreement_id__in=ids).order_by("id")
    ppp_milestones: dict[int, list[PPPMilestone]] = defaultdict(list)
    for m in (
        await PPPMilestone.filter(project__agreement_id__in=ids).select_related("project").order_by("planned_on", "id")
    ):
        ppp_milestones[m.project.agreement_id].append(m)  # type: ignore[attr-defined]
    ppp_payments: dict[int, list[GovernmentPayment]] = defaultdict(list)
    for gp in (
        await GovernmentPayment.filter(project__agreement_id__in=ids)
        .select_related("project")
        .order_by("year", "kind", "id")
    ):
        ppp_payments[gp.project.agreement_id].append(gp)  # type: ignore[attr-defined]
    by_agreement: dict[str, dict[int, list[Any]]] = {k: defaultdict(list) for k in ("parties", "obligations")}
    for p in parties:
        by_agreement["parties"][p.agreement_id].append(p)
    ob_by_id = {o.id: o for o in obligations}
    for o in obligations:
        by_agreement["obligations"][o.agreement_id].append(o)
    evidence_by_agreement: dict[int, list[FulfilmentEvidence]] = defaultdict(list)
    for e in evidence:
        ob = ob_by_id.get(e.obligation_id)  # type: ignore[attr-defined]
        if ob is not None:
            evidence_by_agreement[ob.agreement_id].append(e)
    failures_by_agreement: dict[int, list[IntegrityFailure]] = defaultdict(list)
    for f in failures:
        ob = ob_by_id.get(f.obligation_id)
        if ob is not None:
            failures_by_agreement[ob.agreement_id].append(f)
    releases = [
        _release(
            a,
            by_agreement["parties"][a.id],
            by_agreement["obligations"][a.id],
            evidence_by_agreement[a.id],
            failures_by_agreement[a.id],
            ob_by_id,
            now,
            ppp_milestones[a.id],
            ppp_payments[a.id],
        )
        for a in agreements
    ]
    package: dict[str, Any] = _clean(
        {
            "uri": base_url,
            "version": "1.1",
            "extensions": [PPP_EXTENSION_URL],
            "publishedDate": now.isoformat(timespec="seconds"),
            "publisher": {"name": PUBLISHER},
            "releases": releases,
        }
    )
    return package


def _release(
    a: Agreement,
    parties: list[AgreementParty],
    obligations: list[Obligation],
    evidence: list[FulfilmentEvidence],
    failures: list[IntegrityFailure],
    ob_by_id: dict[int, Obligation],
    now: datetime,
    ppp_milestones: list[PPPMilestone] | None = None,
    ppp_payments: list[GovernmentPayment] | None = None,
) -> dict[str, Any]:
    ocid = f"{OCID_PREFIX}-{a.id}"
    party_blocks: dict[str, dict[str, Any]] = {}
    government: list[dict[str, Any]] = []
    suppliers: list[dict[str, Any]] = []
    for p in parties:
        if p.organisation is not None:
            block = _org_party(
                p.organisation, ["buyer", "procuringEntity"] if str(p.role) == "government" else ["supplier"]
            )
        else:
            uscc = p.counterparty.uscc if p.counterparty is not None else None
            block = _named_party(
                p, uscc, ["supplier"] if str(p.role) == "counterparty" else ["buyer", "procuringEntity"]
            )
        if block["id"] in party_blocks:
            continue
        party_blocks[block["id"]] = block
        (government if "buyer" in block["roles"] else suppliers).append({"id": block["id"], "name": block["name"]})
    milestones = [
        {
            "id": f"obligation-{o.id}",
            "title": (o.action or o.quote)[:200],
            "type": MILESTONE_TYPE.get(o.category, "delivery"),
            "description": o.quote,
            "dueDate": _datetime(o.due_date),
            "dateMet": _datetime(o.fulfilled_on) if str(o.state) in ("fulfilled", "fulfilled_late") else None,
            "dateModified": o.updated_at.isoformat(timespec="seconds") if o.updated_at else None,
            "status": STATUS.get(str(o.state)),
        }
        for o in obligations
    ]
    currency = a.currency or "CNY"
    transactions = []
    for e in evidence:
        ob = ob_by_id[e.obligation_id]  # type: ignore[attr-defined]
        payer, payee = (government, suppliers) if str(ob.obligor_role) == "government" else (suppliers, government)
        transactions.append(
            {
                "id": f"payment-{e.id}",
                "source": None,
                "date": _datetime(e.fulfilled_on),
                "value": {"amount": _number(e.amount), "currency": ob.currency or currency},
                "payer": payer[0] if payer else None,
                "payee": payee[0] if payee else None,
                "relatedImplementationMilestone": {"id": f"obligation-{ob.id}", "title": (ob.action or ob.quote)[:200]},
            }
        )
    if ppp_milestones or ppp_payments:
        today = now.astimezone(BEIJING).date()
        more, paid = ppp_implementation(
            ppp_milestones or [], ppp_payments or [], government, suppliers, currency, today
        )
        milestones += more
        transactions += paid
    performance_failures = [
        {
            "id": f"failure-{f.id}",
            "period": {"startDate": _datetime(f.due_date), "endDate": _datetime(f.detected_on)},
            "category": ob_by_id[f.obligation_id].category,
            "description": FailureKind(f.kind).label,  # 政务失信 (government side) or 违约 (the partner's default)
            "events": 1,
            "penaltyContracted": ob_by_id[f.obligation_id].penalty or None,
        }
        for f in failures
        if f.state not in ("withdrawn", "dismissed")
    ]
    contract: dict[str, Any] = {
        "id": f"{ocid}-contract",
        "awardID": f"{ocid}-award",
        "title": a.title,
        "status": "active",
        "dateSigned": _datetime(a.signed_on),
        "value": {"amount": _number(a.value), "currency": currency} if a.value is not None else None,
        "implementation": {
            "milestones": milestones,
            "transactions": transactions,
            "performanceFailures": performance_failures if str(a.kind) == "ppp" else [],
        },
    }
    return {
        "ocid": ocid,
        "id": f"{ocid}-{now.strftime('%Y%m%dT%H%M%S')}",
        "date": now.isoformat(timespec="seconds"),
        "tag": ["contract", "implementation"],
        "initiationType": "tender",
        "language": "zh",
        "parties": list(party_blocks.values()),
        "buyer": government[0] if government else None,
        "awards": [{"id": f"{ocid}-award", "status": "active", "suppliers": suppliers}],
        "contracts": [contract],
    }


def dumps(package: dict[str, Any]) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=None, separators=(",", ":")).encode()
