"""The finance bureau's PPP desk (``/finance``): projects with their milestone timelines and the government's
payment obligations, the yearly payments chart and the fiscal affordability check (the 5 % and 10 % lines),
and the forms that feed them — a project, a milestone's planned and actual dates, a year's payment, a level's
general public budget for a year. Each project has a page of its own (``/finance/projects/{id}``): its
phase with the form to move it on, its milestones planned against actual, its payments and its share of the
fiscal affordability limit year by year.

Each form posts here, is read into the same request body the JSON API decodes (``app.api.schemas``, with its
constraints) and calls the same service as ``/api/ppp`` (``app.services.ppp``), which applies the scope: a
finance bureau sees and edits the projects and budgets of its own government level and those below it. A
refusal goes back to the page with the message beside its field and the other values kept
(``app.ui.render.page_error_handler``); success redirects with a message. Only the finance bureau and the
administrators post (the investment bureau edits projects through the API only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Template

from app import clock
from app.api.deps import AppSettings, CurrentUser
from app.api.ppp import payment_input, project_input
from app.api.schemas import PPP_YEARS, BudgetRequest, MilestoneRequest, PaymentRequest, ProjectCreate
from app.errors import InvalidInput
from app.models import GovernmentPaymentKind, MilestoneKind, PaymentMechanism, PPPPhase, PPPTag, Role
from app.services import ppp as svc
from app.ui import charts, queries
from app.ui.forms import amount, choice, optional_date, request_body, whole_number
from app.ui.i18n import translator
from app.ui.render import lang_of, page, succeeded
from trackers.ppp import payable

FINANCE_PAGE = frozenset({Role.ADMIN, Role.FINANCE})


def _text(data: dict[str, str], key: str) -> str | None:
    value = data.get(key, "").strip()
    return value or None


def _id(data: dict[str, str], key: str) -> int | None:
    return whole_number(data.get(key), key)


def _year(data: dict[str, str]) -> int:
    year = whole_number(data.get("year"), "year")
    if year is None:
        raise InvalidInput("A year is required.", errors=[{"key": "year", "message": "required"}])
    if not PPP_YEARS[0] <= year <= PPP_YEARS[1]:
        raise InvalidInput(
            f"year must be {PPP_YEARS[0]}–{PPP_YEARS[1]}.", errors=[{"key": "year", "message": "out of range"}]
        )
    return year


def _timeline_words(t: Callable[..., str]) -> charts.TimelineWords:
    return charts.TimelineWords(
        t("timeline.planned"), t("timeline.actual"), t("timeline.planned_legend"), t("timeline.actual_legend")
    )


def _timeline(t: Callable[..., str], fp: queries.FinanceProject) -> charts.Timeline | None:
    return charts.timeline(
        [(kind, t(f"milestone.{kind}"), planned, actual) for kind, planned, actual in fp.milestones],
        words=_timeline_words(t),
    )


class FinancePages(Controller):
    include_in_schema = False

    @get("/finance", opt={"roles": FINANCE_PAGE})
    async def finance(self, request: Request[Any, Any, Any], principal: CurrentUser, settings: AppSettings) -> Template:
        t = translator(lang_of(request))
        projects = await queries.ppp_projects(principal)
        timelines = {fp.project.id: _timeline(t, fp) for fp in projects}
        policy = settings.affordability_policy()
        return page(
            request,
            "finance.html",
            projects=projects,
            timelines=timelines,
            payable=lambda p: payable(p.amount_planned, p.performance_score),
            ppp_agreements=await queries.ppp_agreements(principal),
            levels=await queries.government_levels(principal),
            budgets=await queries.budgets(principal),
            schedule_chart=charts.bar_chart(await queries.payment_schedule(principal)),
            ratio_chart=charts.affordability_chart(await queries.affordability(principal, policy), policy),
            limits=(float(policy.government_pay_limit * 100), float(policy.red_line * 100)),
            mechanisms=list(PaymentMechanism),
            phases=list(PPPPhase),
            tags=list(PPPTag),
            milestone_kinds=list(MilestoneKind),
            payment_kinds=list(GovernmentPaymentKind),
            years=PPP_YEARS,
        )

    @get("/finance/projects/{project_id:int}", opt={"roles": FINANCE_PAGE})
    async def project_page(
        self, request: Request[Any, Any, Any], principal: CurrentUser, settings: AppSettings, project_id: FromPath[int]
    ) -> Template:
        """One project: its phase and the form to move it on, its milestones planned against actual, the
        government's payments and, per year, its share of its level's fiscal affordability limit."""
        t = translator(lang_of(request))
        fp = await queries.ppp_project(principal, project_id)
        policy = settings.affordability_policy()
        return page(
            request,
            "finance_project.html",
            fp=fp,
            p=fp.project,
            timeline_chart=_timeline(t, fp),
            milestone_rows=queries.milestone_rows(fp.milestones, clock.today()),
            payable=lambda x: payable(x.amount_planned, x.performance_score),
            shares=await svc.project_affordability(principal, project_id, policy),
            red_line=float(policy.red_line * 100),
            phases=list(PPPPhase),
            next_phases=svc.next_phases(PPPPhase(fp.project.phase)),
        )

    @post("/finance/projects/{project_id:int}/phase", opt={"roles": FINANCE_PAGE})
    async def set_phase(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        project_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Response[Any]:
        """识别 → 准备 → 采购 → 执行 → 移交: the project moves forward (audited by the service)."""
        phase = choice(PPPPhase, data.get("phase"), "phase")
        project = await svc.set_phase(principal, project_id, phase)
        shown = translator(lang_of(request))(f"phase.{project.phase}")
        return succeeded(request, f"/finance/projects/{project_id}", "done.ppp_phase", phase=shown)

    @post("/finance/projects", opt={"roles": FINANCE_PAGE})
    async def create_project(
        self, request: Request[Any, Any, Any], principal: CurrentUser, data: URLEncodedBody[dict[str, str]]
    ) -> Response[Any]:
        """A new PPP project of a government level, optionally linked to its extracted PPP contract."""
        body = request_body(
            ProjectCreate,
            {
                "name": _text(data, "name"),
                "district_id": _id(data, "district_id"),
                "payment_mechanism": _text(data, "payment_mechanism"),
                "phase": _text(data, "phase"),
                "tag": _text(data, "tag"),
                "agreement_id": _id(data, "agreement_id"),
            },
        )
        project = await svc.create_project(principal, project_input(body))
        return succeeded(request, f"/finance#project-{project.id}", "done.ppp_project", name=project.name)

    @post("/finance/projects/{project_id:int}/milestones", opt={"roles": FINANCE_PAGE})
    async def set_milestone(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        project_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Response[Any]:
        """A milestone's planned and/or actual date (an empty date leaves the stored one as it is)."""
        kind = choice(MilestoneKind, data.get("kind"), "kind")
        body = request_body(
            MilestoneRequest,
            {
                "planned_on": optional_date(data.get("planned_on"), "planned_on"),
                "actual_on": optional_date(data.get("actual_on"), "actual_on"),
            },
        )
        if body.planned_on is None and body.actual_on is None:
            raise InvalidInput(
                "Enter the planned or the actual date.", errors=[{"key": "planned_on", "message": "one date"}]
            )
        await svc.set_milestone(principal, project_id, kind, body.planned_on, body.actual_on)
        shown = translator(lang_of(request))(f"milestone.{kind}")
        return succeeded(request, f"/finance#project-{project_id}", "done.ppp_milestone", kind=shown)

    @post("/finance/projects/{project_id:int}/payments", opt={"roles": FINANCE_PAGE})
    async def set_payment(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        project_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Response[Any]:
        """The government's payment obligation for a year and kind (entered again: replaced)."""
        body = request_body(
            PaymentRequest,
            {
                "year": _year(data),
                "kind": _text(data, "kind"),
                "amount_planned": amount(data.get("amount_planned"), "amount_planned"),
                "performance_score": amount(data.get("performance_score"), "performance_score"),
                "amount_paid": amount(data.get("amount_paid"), "amount_paid"),
                "paid_on": optional_date(data.get("paid_on"), "paid_on"),
            },
        )
        payment = await svc.set_payment(principal, project_id, payment_input(body))
        return succeeded(request, f"/finance#project-{project_id}", "done.ppp_payment", year=payment.year)

    @post("/finance/budgets", opt={"roles": FINANCE_PAGE})
    async def set_budget(
        self, request: Request[Any, Any, Any], principal: CurrentUser, data: URLEncodedBody[dict[str, str]]
    ) -> Response[Any]:
        """一般公共预算支出 of a government level for a year: the base of the affordability check."""
        district_id = _id(data, "district_id")
        if district_id is None:
            raise InvalidInput("Choose the government level.", errors=[{"key": "district_id", "message": "required"}])
        year = _year(data)
        body = request_body(
            BudgetRequest, {"general_expenditure": amount(data.get("general_expenditure"), "general_expenditure")}
        )
        budget = await svc.set_budget(principal, district_id, year, body.general_expenditure)
        return succeeded(request, "/finance#budgets", "done.ppp_budget", year=budget.year)
