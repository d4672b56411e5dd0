"""PPP projects, their milestones and the government's yearly payments; budgets and fiscal affordability.

Scope: a project is visible when its district (the government level whose budget carries it) is in the
caller's scope; budgets likewise. The affordability rules are ``trackers.ppp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tortoise.transactions import in_transaction

from app.errors import Conflict, InvalidInput
from app.models import (
    Agreement,
    FiscalBudget,
    GovernmentPayment,
    GovernmentPaymentKind,
    MilestoneKind,
    Organisation,
    OrgKind,
    PaymentMechanism,
    PPPMilestone,
    PPPPhase,
    PPPProject,
    PPPTag,
)
from app.security import Principal
from app.services import audit
from app.services.scope import get_in_scope, managed_agreements
from trackers.ppp import AffordabilityPolicy, AffordabilityResult, affordability, expenditure, payable

GOVERNMENT_LEVELS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.COMMITTEE)


async def _government(principal: Principal, org_id: int) -> Organisation:
    org = await get_in_scope(Organisation, org_id, principal)
    if org.kind not in GOVERNMENT_LEVELS:
        raise InvalidInput(
            f"{org.name} is a {org.kind}, not a government level with its own budget.",
            errors=[{"key": "district_id", "message": "not a government level"}],
        )
    return org


async def get_project(principal: Principal, project_id: int) -> PPPProject:
    return await get_in_scope(PPPProject, project_id, principal)


def project_snapshot(p: PPPProject) -> dict[str, Any]:
    return {
        "name": p.name,
        "phase": p.phase,
        "tag": p.tag,
        "payment_mechanism": p.payment_mechanism,
        "district_id": p.district_id,  # type: ignore[attr-defined]
        "agreement_id": p.agreement_id,  # type: ignore[attr-defined]
    }


@dataclass(frozen=True, slots=True)
class ProjectInput:
    name: str
    district_id: int
    payment_mechanism: PaymentMechanism
    phase: PPPPhase = PPPPhase.IDENTIFICATION
    tag: PPPTag = PPPTag.STOCK
    agreement_id: int | None = None


async def create_project(principal: Principal, data: ProjectInput) -> PPPProject:
    district = await _government(principal, data.district_id)
    if not data.name.strip():
        raise InvalidInput("A project needs a name.", errors=[{"key": "name", "message": "required"}])
    if data.tag == PPPTag.NEW_MECHANISM and data.payment_mechanism != PaymentMechanism.USER_PAY:
        raise InvalidInput(
            "New-mechanism projects are user-pays concessions without fiscal subsidy of costs.",
            errors=[{"key": "payment_mechanism", "message": "must be user_pay for new_mechanism"}],
        )
    agreement = None
    if data.agreement_id is not None:
        agreement = await get_in_scope(Agreement, data.agreement_id, principal, scope=managed_agreements(principal))
    async with in_transaction():
        project = await PPPProject.create(
            name=data.name.strip(),
            district=district,
            agreement=agreement,
            phase=data.phase,
            tag=data.tag,
            payment_mechanism=data.payment_mechanism,
        )
        await audit.record(principal, "ppp.create", "ppp_project", project.id, None, project_snapshot(project))
    return project


_PHASE_ORDER = list(PPPPhase)


async def set_phase(principal: Principal, project_id: int, phase: PPPPhase) -> PPPProject:
    """Move a project along 识别 → 准备 → 采购 → 执行 → 移交 (forward only)."""
    async with in_transaction():
        project = await get_project(principal, project_id)
        if _PHASE_ORDER.index(phase) < _PHASE_ORDER.index(PPPPhase(project.phase)):
            raise Conflict(
                f"A project in {project.phase} cannot go back to {phase}.",
                errors=[{"key": "phase", "message": "backwards"}],
            )
        before = project_snapshot(project)
        project.phase = phase
        await project.save()
        await audit.record(principal, "ppp.phase", "ppp_project", project.id, before, project_snapshot(project))
    return project


def next_phases(phase: PPPPhase) -> list[PPPPhase]:
    """The phases a project in ``phase`` may move to (``set_phase``: forward only, skipping allowed)."""
    return _PHASE_ORDER[_PHASE_ORDER.index(phase) + 1 :]


async def set_milestone(
    principal: Principal, project_id: int, kind: MilestoneKind, planned_on: date | None, actual_on: date | None
) -> PPPMilestone:
    """Planned and/or actual date of a milestone (one per kind and project)."""
    project = await get_project(principal, project_id)
    async with in_transaction():
        milestone = await PPPMilestone.filter(project_id=project.id, kind=kind).first()
        before = {"planned_on": milestone.planned_on, "actual_on": milestone.actual_on} if milestone else None
        if milestone is None:
            milestone = PPPMilestone(project=project, kind=kind)
        if planned_on is not None:
            milestone.planned_on = planned_on
        if actual_on is not None:
            milestone.actual_on = actual_on
        await milestone.save()
        after = {"kind": kind, "planned_on": milestone.planned_on, "actual_on": milestone.actual_on}
        await audit.record(principal, "ppp.milestone", "ppp_project", project.id, before, after)
    return milestone


@dataclass(frozen=True, slots=True)
class PaymentInput:
    year: int
    kind: GovernmentPaymentKind
    amount_planned: Decimal
    performance_score: Decimal | None = None
    amount_paid: Decimal | None = None
    paid_on: date | None = None


async def set_payment(principal: Principal, project_id: int, data: PaymentInput) -> GovernmentPayment:
    """The government's payment obligation for a year and kind (upsert), with the assessment score."""
    project = await get_project(principal, project_id)
    if project.payment_mechanism == PaymentMechanism.USER_PAY and data.kind != GovernmentPaymentKind.OM_PERFORMANCE:
        raise InvalidInput(
            "A user-pays project carries no availability payments or viability-gap subsidies.",
            errors=[{"key": "kind", "message": "not for user_pay"}],
        )
    for key, value in (("amount_planned", data.amount_planned), ("amount_paid", data.amount_paid)):
        if value is not None and value < 0:
            raise InvalidInput(f"{key} cannot be negative.", errors=[{"key": key, "message": "negative"}])
    if data.performance_score is not None and not 0 <= data.performance_score <= 100:
        raise InvalidInput(
            "A performance score is between 0 and 100.", errors=[{"key": "performance_score", "message": "0–100"}]
        )
    async with in_transaction():
        payment = await GovernmentPayment.filter(project_id=project.id, year=data.year, kind=data.kind).first()
        before = payment_snapshot(payment) if payment else None
        if payment is None:
            payment = GovernmentPayment(project=project, year=data.year, kind=data.kind)
        payment.amount_planned = data.amount_planned
        payment.performance_score = data.performance_score
        if data.amount_paid is not None:
            payment.amount_paid = data.amount_paid
        if data.paid_on is not None:
            payment.paid_on = data.paid_on
        await payment.save()
        await audit.record(principal, "ppp.payment", "ppp_project", project.id, before, payment_snapshot(payment))
    return payment


def payment_snapshot(p: GovernmentPayment) -> dict[str, Any]:
    return {
        "year": p.year,
        "kind": p.kind,
        "amount_planned": p.amount_planned,
        "performance_score": p.performance_score,
        "amount_payable": payable(Decimal(p.amount_planned), _opt_dec(p.performance_score)),
        "amount_paid": p.amount_paid,
        "paid_on": p.paid_on,
    }


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def set_budget(principal: Principal, district_id: int, year: int, general_expenditure: Decimal) -> FiscalBudget:
    """一般公共预算支出 of a government level for a year, as entered by the finance bureau (upsert)."""
    district = await _government(principal, district_id)
    if general_expenditure <= 0:
        raise InvalidInput(
            "Budget expenditure must be positive.", errors=[{"key": "general_expenditure", "message": "not positive"}]
        )
    async with in_transaction():
        budget = await FiscalBudget.filter(district_id=district.id, year=year).first()
        before = {"general_expenditure": budget.general_expenditure} if budget else None
        if budget is None:
            budget = FiscalBudget(district=district, year=year, general_expenditure=general_expenditure)
        budget.general_expenditure = general_expenditure
        budget.entered_by_id = principal.user_id
        await budget.save()
        after = {"district_id": district.id, "year": year, "general_expenditure": general_expenditure}
        await audit.record(principal, "ppp.budget", "fiscal_budget", budget.id, before, after)
    return budget


@dataclass(frozen=True, slots=True)
class AffordabilityReport:
    district_id: int
    district: str
    year: int
    result: AffordabilityResult
    projects: int
    policy: AffordabilityPolicy


async def affordability_check(
    principal: Principal, district_id: int, year: int, policy: AffordabilityPolicy
) -> AffordabilityReport:
    """All PPP fiscal expenditure of the district's projects in ``year`` (payable after assessment, or paid
    when more) against its general public budget expenditure."""
    district = await _government(principal, district_id)
    rows = await GovernmentPayment.filter(project__district_id=district.id, year=year).values_list(
        "amount_planned", "performance_score", "amount_paid", "project_id"
    )
    total = expenditure((Decimal(str(p)), _opt_dec(s), Decimal(str(paid or 0))) for p, s, paid, _ in rows)
    budget = await FiscalBudget.filter(district_id=district.id, year=year).first()
    result = affordability(total, Decimal(str(budget.general_expenditure)) if budget else None, policy)
    return AffordabilityReport(district.id, district.name, year, result, len({r[3] for r in rows}), policy)


@dataclass(frozen=True, slots=True)
class ProjectShare:
    """One year of a project against the general public budget of its government level: the project's own
    PPP fiscal expenditure, its share of the budget and of the red line's ceiling, beside the whole level's
    figures (``affordability_check``: every project of the level that year)."""

    year: int
    expenditure: Decimal
    share: Decimal | None  # the project's expenditure ÷ the budget (None: no budget entered)
    of_red_line: Decimal | None  # the project's expenditure ÷ (budget × red line): its part of the ceiling
    level: AffordabilityReport


async def project_affordability(
    principal: Principal, project_id: int, policy: AffordabilityPolicy
) -> list[ProjectShare]:
    """Every year with a payment of the project, oldest first: what the project takes of its level's
    fiscal affordability limit."""
    project = await get_project(principal, project_id)
    rows = await GovernmentPayment.filter(project_id=project.id).values_list(
        "year", "amount_planned", "performance_score", "amount_paid"
    )
    by_year: dict[int, list[tuple[Decimal, Decimal | None, Decimal]]] = {}
    for year, planned, score, paid in rows:
        by_year.setdefault(int(year), []).append((Decimal(str(planned)), _opt_dec(score), Decimal(str(paid or 0))))
    shares = []
    for year in sorted(by_year):
        spent = expenditure(by_year[year])
        level = await affordability_check(principal, project.district_id, year, policy)  # type: ignore[attr-defined]
        budget = level.result.budget
        share = of_red_line = None
        if budget is not None and budget > 0:
            share = (spent / budget).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            of_red_line = (spent / (budget * policy.red_line)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        shares.append(ProjectShare(year, spent, share, of_red_line, level))
    return shares


async def project_detail(principal: Principal, project_id: int) -> PPPProject:
    """One project in scope with its milestones, payments, government level and contract loaded."""
    project = await get_project(principal, project_id)
    await project.fetch_related("milestones", "payments", "district", "agreement")
    return project


async def list_projects(principal: Principal, district_id: int | None = None) -> list[PPPProject]:
    """Projects in scope, oldest first, with their milestones and payments prefetched."""
    query = PPPProject.filter(district__path__startswith=principal.scope_path)
    if district_id is not None:
        query = query.filter(district_id=district_id)
    return list(await query.order_by("id").prefetch_related("milestones", "payments", "district"))


@dataclass(frozen=True, slots=True)
class YearPayments:
    year: int
    planned: Decimal
    payable: Decimal
    paid: Decimal


async def payment_schedule(principal: Principal) -> list[YearPayments]:
    """The government's PPP payments in scope by year: planned, payable after assessment, paid."""
    rows = await GovernmentPayment.filter(project__district__path__startswith=principal.scope_path).values_list(
        "year", "amount_planned", "performance_score", "amount_paid"
    )
    by_year: dict[int, list[Decimal]] = {}
    for year, planned, score, paid in rows:
        sums = by_year.setdefault(int(year), [Decimal(0), Decimal(0), Decimal(0)])
        sums[0] += Decimal(str(planned))
        sums[1] += payable(Decimal(str(planned)), _opt_dec(score))
        sums[2] += Decimal(str(paid or 0))
    return [YearPayments(y, *by_year[y]) for y in sorted(by_year)]


async def affordability_overview(principal: Principal, policy: AffordabilityPolicy) -> list[AffordabilityReport]:
    """``affordability_check`` for every district and year with a budget or a payment in scope."""
    pairs = {
        (int(d), int(y))
        for d, y in await FiscalBudget.filter(district__path__startswith=principal.scope_path).values_list(
            "district_id", "year"
        )
    }
    pairs |= {
        (int(d), int(y))
        for d, y in await GovernmentPayment.filter(
            project__district__path__startswith=principal.scope_path
        ).values_list("project__district_id", "year")
    }
    return [await affordability_check(principal, d, y, policy) for d, y in sorted(pairs, key=lambda p: (p[1], p[0]))]
