"""/api/ppp: PPP projects, milestones, yearly government payments, budgets and fiscal affordability."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from app.api.deps import AppSettings, CurrentUser
from app.api.schemas import (
    AffordabilityRead,
    BudgetRead,
    BudgetRequest,
    MilestoneRead,
    MilestoneRequest,
    Page,
    PaymentRead,
    PaymentRequest,
    PhaseRequest,
    ProjectCreate,
    ProjectRead,
)
from app.models import FiscalBudget, GovernmentPayment, MilestoneKind, PPPMilestone, PPPProject, Role
from app.security import STAFF
from app.services import ppp as svc
from trackers.ppp import payable

PROJECT_EDITORS = frozenset({Role.ADMIN, Role.FINANCE, Role.INVESTMENT})
BUDGET_EDITORS = frozenset({Role.ADMIN, Role.FINANCE})


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


def payment_read(p: GovernmentPayment) -> PaymentRead:
    score = None if p.performance_score is None else _dec(p.performance_score)
    return PaymentRead(
        year=p.year,
        kind=p.kind,
        amount_planned=_dec(p.amount_planned),
        performance_score=score,
        amount_payable=payable(_dec(p.amount_planned), score),
        amount_paid=_dec(p.amount_paid),
        paid_on=p.paid_on,
    )


def milestone_read(m: PPPMilestone) -> MilestoneRead:
    return msgspec.convert(m, MilestoneRead, from_attributes=True)


async def project_read(p: PPPProject) -> ProjectRead:
    milestones = await PPPMilestone.filter(project_id=p.id).order_by("id")
    payments = await GovernmentPayment.filter(project_id=p.id).order_by("year", "kind")
    return ProjectRead(
        id=p.id,
        name=p.name,
        district_id=p.district_id,  # type: ignore[attr-defined]
        agreement_id=p.agreement_id,  # type: ignore[attr-defined]
        phase=p.phase,
        tag=p.tag,
        payment_mechanism=p.payment_mechanism,
        milestones=[milestone_read(m) for m in milestones],
        payments=[payment_read(x) for x in payments],
    )


def project_input(data: ProjectCreate) -> svc.ProjectInput:
    """The service's input from a request body (the API's JSON, or the finance page's form)."""
    return msgspec.convert(data, svc.ProjectInput, from_attributes=True)


def payment_input(data: PaymentRequest) -> svc.PaymentInput:
    """The service's input from a request body (the API's JSON, or the finance page's form)."""
    return msgspec.convert(data, svc.PaymentInput, from_attributes=True)


class PPPController(Controller):
    path = "/api/ppp"
    tags = ["ppp"]

    @get("/projects", opt={"roles": STAFF})
    async def list_projects(
        self,
        principal: CurrentUser,
        district_id: FromQuery[int | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Page:
        query = PPPProject.filter(district__path__startswith=principal.scope_path)
        if district_id is not None:
            query = query.filter(district_id=district_id)
        total = await query.count()
        rows = await query.order_by("id").offset(offset).limit(limit)
        return Page(items=[await project_read(p) for p in rows], total=total, limit=limit, offset=offset)

    @post("/projects", opt={"roles": PROJECT_EDITORS}, status_code=201)
    async def create_project(self, principal: CurrentUser, data: JSONBody[ProjectCreate]) -> ProjectRead:
        """A PPP project of a government level (district), optionally linked to its PPP contract."""
        project = await svc.create_project(principal, project_input(data))
        return await project_read(project)

    @get("/projects/{project_id:int}", opt={"roles": STAFF})
    async def get_project(self, principal: CurrentUser, project_id: FromPath[int]) -> ProjectRead:
        return await project_read(await svc.get_project(principal, project_id))

    @post("/projects/{project_id:int}/phase", opt={"roles": PROJECT_EDITORS}, status_code=200)
    async def set_phase(
        self, principal: CurrentUser, project_id: FromPath[int], data: JSONBody[PhaseRequest]
    ) -> ProjectRead:
        """识别 → 准备 → 采购 → 执行 → 移交, forward only."""
        return await project_read(await svc.set_phase(principal, project_id, data.phase))

    @put("/projects/{project_id:int}/milestones/{kind:str}", opt={"roles": PROJECT_EDITORS})
    async def set_milestone(
        self,
        principal: CurrentUser,
        project_id: FromPath[int],
        kind: FromPath[MilestoneKind],
        data: JSONBody[MilestoneRequest],
    ) -> MilestoneRead:
        """Planned and/or actual date of financial close, construction start, completion acceptance,
        commercial operation or handover."""
        return milestone_read(await svc.set_milestone(principal, project_id, kind, data.planned_on, data.actual_on))

    @put("/projects/{project_id:int}/payments", opt={"roles": PROJECT_EDITORS})
    async def set_payment(
        self, principal: CurrentUser, project_id: FromPath[int], data: JSONBody[PaymentRequest]
    ) -> PaymentRead:
        """The government's payment for a year and kind, with the performance score that scales it."""
        payment = await svc.set_payment(principal, project_id, payment_input(data))
        return payment_read(payment)

    @put("/budgets/{district_id:int}/{year:int}", opt={"roles": BUDGET_EDITORS})
    async def set_budget(
        self, principal: CurrentUser, district_id: FromPath[int], year: FromPath[int], data: JSONBody[BudgetRequest]
    ) -> BudgetRead:
        """一般公共预算支出 of a government level for a year (entered by the finance bureau)."""
        b = await svc.set_budget(principal, district_id, year, data.general_expenditure)
        return BudgetRead(district_id=district_id, year=b.year, general_expenditure=_dec(b.general_expenditure))

    @get("/budgets", opt={"roles": STAFF})
    async def list_budgets(self, principal: CurrentUser, year: FromQuery[int | None] = None) -> list[BudgetRead]:
        query = FiscalBudget.filter(district__path__startswith=principal.scope_path)
        if year is not None:
            query = query.filter(year=year)
        return [
            BudgetRead(district_id=b.district_id, year=b.year, general_expenditure=_dec(b.general_expenditure))  # type: ignore[attr-defined]
            for b in await query.order_by("year", "district_id")
        ]

    @get("/affordability", opt={"roles": STAFF})
    async def affordability(
        self, principal: CurrentUser, settings: AppSettings, district: FromQuery[int], year: FromQuery[int]
    ) -> AffordabilityRead:
        """财政承受能力: the district's PPP fiscal expenditure in the year against 10 % (red line: no new PPP
        projects) and 5 % (no new government-pay projects) of its general public budget expenditure."""
        policy = settings.affordability_policy()
        report = await svc.affordability_check(principal, district, year, policy)
        r = report.result
        return AffordabilityRead(
            district_id=report.district_id,
            district=report.district,
            year=report.year,
            expenditure=r.expenditure,
            budget=r.budget,
            share=r.share,
            status=r.status,
            new_ppp_allowed=r.new_ppp_allowed,
            new_government_pay_allowed=r.new_government_pay_allowed,
            projects=report.projects,
            red_line=policy.red_line,
            government_pay_limit=policy.government_pay_limit,
        )
