"""The demo city's history: about thirty months, ending at ``--as-of``, of fulfilment, delays, sweeps, the
1103号 failure procedure and PPP money — every step through the services the UI calls, so the audit log,
the snapshots and the notifications are the real ones.

The schedule is a pure function of the as-of date and the documents: a ``random.Random`` seeded with the
as-of date decides each obligation's fate (on time, late within the grace period, never), the failure
records take the scenarios of ``SCENARIOS`` in turn, and every step is dated on the simulated calendar
(``today`` of the services) — so two runs on fresh databases write the same content.

    history starts (first of the month, 30 months before as-of)
      └─ fulfilment evidence on its day ─ sweep on the 1st of every month (snapshots of the month before)
           └─ each new government record → its scenario's steps, dated from its detection
      └─ PPP projects, milestones, budgets and payments of the years in the window
      └─ the last sweep, as of as-of
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.models import (
    Agreement,
    AgreementKind,
    FailureKind,
    GovernmentPaymentKind,
    IntegrityFailure,
    MilestoneKind,
    Obligation,
    Organisation,
    PartyRole,
    PaymentMechanism,
    PPPPhase,
    PPPProject,
    PPPTag,
    User,
)
from app.security import Principal, principal_for
from app.services import failures, ppp
from app.services.obligations import record_fulfilment
from app.services.sweep import sweep_obligations
from app.settings import Settings
from trackers import ObligationState, ReviewStatus
from trackers.calendar import add_months
from trackers.failures import FailureEvent, FailureSource, ObjectionReason, Severity
from trackers.ppp import payable

HISTORY_MONTHS = 30
OPEN_STATES = (ObligationState.PENDING, ObligationState.DUE_SOON, ObligationState.OVERDUE)


class Fate(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"  # within the grace period: overdue, then fulfilled late — no record
    NEVER = "never"  # breached after the grace period: a record


# (fate, weight) for government and counterparty duties
FATES = {
    PartyRole.GOVERNMENT: ((Fate.ON_TIME, 40), (Fate.LATE, 15), (Fate.NEVER, 45)),
    PartyRole.COUNTERPARTY: ((Fate.ON_TIME, 60), (Fate.LATE, 20), (Fate.NEVER, 20)),
}


class Scenario(StrEnum):
    """What happens to a government record after its detection (days after ``detected_on``)."""

    FOUND = "found"  # verified, found, published; the objection period passes
    RECTIFIED = "rectified"  # rectified within the rectification deadline: closed, never published
    REFUSED_OBJECTED_REPAIRED = "refused"  # refusal → finding; objection rejected; rectified; credit repair
    MISSED = "missed"  # the rectification deadline passes: the sweep finds it; rectified later
    WITHDRAWN = "withdrawn"  # found, objection upheld: withdrawn
    DISMISSED = "dismissed"  # verification found no failure
    AWAITING_ANSWER = "awaiting_answer"  # rectification ordered shortly before as-of: the body must answer
    IN_OBJECTION_PERIOD = "in_objection_period"  # found days before as-of: the body may still object


SCENARIOS = (
    Scenario.FOUND,
    Scenario.MISSED,
    Scenario.REFUSED_OBJECTED_REPAIRED,
    Scenario.RECTIFIED,
    Scenario.WITHDRAWN,
    Scenario.DISMISSED,
    Scenario.MISSED,
    Scenario.FOUND,
)


class Anchor(StrEnum):
    DETECTED = "detected"  # days after the record's detection
    AS_OF = "as_of"  # days before (negative) or after as-of


@dataclass(frozen=True, slots=True)
class Move:
    days: int  # from the scenario's anchor
    event: FailureEvent
    deadline_days: int | None = None  # order_rectification: the deadline, days from the same anchor
    reason: ObjectionReason | None = None  # object


E = FailureEvent
SCHEDULES: Mapping[Scenario, tuple[Anchor, tuple[Move, ...]]] = {
    Scenario.FOUND: (Anchor.DETECTED, (Move(2, E.VERIFY), Move(9, E.FIND))),
    Scenario.RECTIFIED: (
        Anchor.DETECTED,
        (Move(2, E.VERIFY), Move(4, E.ORDER_RECTIFICATION, 34), Move(20, E.RECTIFY)),
    ),
    Scenario.REFUSED_OBJECTED_REPAIRED: (
        Anchor.DETECTED,
        (
            Move(2, E.VERIFY),
            Move(4, E.ORDER_RECTIFICATION, 34),
            Move(12, E.REFUSE_RECTIFICATION),
            Move(16, E.OBJECT, reason=ObjectionReason.ALREADY_PERFORMED),
            Move(30, E.REJECT_OBJECTION),
            Move(75, E.RECTIFY),
            Move(75 + 366, E.REPAIR),  # after the longest minimum period from rectification (1 year)
        ),
    ),
    # the deadline passes unanswered: the monthly sweep finds it; rectified after the finding
    Scenario.MISSED: (Anchor.DETECTED, (Move(2, E.VERIFY), Move(4, E.ORDER_RECTIFICATION, 34), Move(95, E.RECTIFY))),
    Scenario.WITHDRAWN: (
        Anchor.DETECTED,
        (
            Move(2, E.VERIFY),
            Move(9, E.FIND),
            Move(14, E.OBJECT, reason=ObjectionReason.FACTS_INCORRECT),
            Move(28, E.UPHOLD_OBJECTION),
        ),
    ),
    Scenario.DISMISSED: (Anchor.DETECTED, (Move(3, E.DISMISS),)),
    Scenario.AWAITING_ANSWER: (Anchor.AS_OF, (Move(-22, E.VERIFY), Move(-20, E.ORDER_RECTIFICATION, 25))),
    Scenario.IN_OBJECTION_PERIOD: (Anchor.AS_OF, (Move(-30, E.VERIFY), Move(-5, E.FIND))),
}
ANSWERS = frozenset({E.RECTIFY, E.REFUSE_RECTIFICATION, E.OBJECT})  # the recorded body's moves
DECIDE = {
    E.VERIFY: failures.verify,
    E.DISMISS: failures.dismiss,
    E.FIND: failures.find,
    E.UPHOLD_OBJECTION: failures.uphold_objection,
    E.REJECT_OBJECTION: failures.reject_objection,
    E.REPAIR: failures.repair,
    E.REFUSE_RECTIFICATION: failures.refuse,
    E.RECTIFY: failures.rectify,
}
NOTES = {
    E.DISMISS: "核实：该事项已于期限内办结，系材料未及时报送",
    E.VERIFY: "经核实，该承诺事项逾期未履行",
    E.FIND: "认定为政务失信",
    E.RECTIFY: "已完成整改并报送整改报告",
}


def history_start(as_of: date) -> date:
    return add_months(as_of.replace(day=1), -HISTORY_MONTHS)


def task_deadlines(n: int, as_of: date) -> list[date]:
    """Completion dates for ``n`` tasks of an adopted plan, evenly spread from the history's start to half a
    year after as-of (so some are still ahead)."""
    start = history_start(as_of)
    span = (as_of + timedelta(days=183) - start).days
    return [start + timedelta(days=span * (i + 1) // (n + 1)) for i in range(n)]


@dataclass(order=True)
class Step:
    day: date
    seq: int
    run: Callable[[date], Awaitable[Any]] = field(compare=False)


@dataclass
class History:
    settings: Settings
    as_of: date
    people: dict[str, Principal]
    start: date = field(init=False)
    rng: random.Random = field(init=False)
    steps: list[Step] = field(default_factory=list)
    counter: itertools.count[int] = field(default_factory=itertools.count)
    handled: set[int] = field(default_factory=set)
    scenario_no: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.start = history_start(self.as_of)
        self.rng = random.Random(f"chengxin-demo:{self.as_of.isoformat()}")

    def at(self, day: date, run: Callable[[date], Awaitable[Any]]) -> None:
        """Schedule a step; one dated after as-of has not happened yet and is dropped."""
        if day <= self.as_of:
            heapq.heappush(self.steps, Step(max(day, self.start), next(self.counter), run))

    def count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1


async def people() -> dict[str, Principal]:
    return {u.username: await principal_for(u) for u in await User.all().order_by("id")}


async def simulate(settings: Settings, as_of: date) -> dict[str, int]:
    """Run the history once; returns what it did, by kind of step."""
    h = History(settings, as_of, await people())
    await _schedule_fulfilment(h)
    sweep_day = add_months(h.start, 1)
    sweep_days = []
    while sweep_day < as_of:
        sweep_days.append(sweep_day)
        sweep_day = add_months(sweep_day, 1)
    sweep_days.append(as_of)
    for day in sweep_days:
        h.at(day, lambda d: _sweep(h, d))
    await _complaint(h)
    while h.steps:
        step = heapq.heappop(h.steps)
        await step.run(step.day)
    await _ppp(h)
    return dict(sorted(h.counts.items()))


# ---- fulfilment ------------------------------------------------------------------------------------------


async def _reporter(h: History, ob: Obligation) -> Principal:
    """Who files the evidence: the owing body's own account when the demo has one, else the bureau that
    manages the agreement (the investment bureau; the finance bureau for PPP contracts)."""
    for p in h.people.values():
        if p.organisation_id == ob.owner_id and p.role.value in ("department", "finance", "investment"):
            return p
    agreement = await Agreement.get(id=ob.agreement_id)
    return h.people["finance" if agreement.kind == AgreementKind.PPP else "investment"]


def assign_fates(h: History, rows: list[Obligation]) -> dict[int, Fate]:
    """Each role's duties shuffled by the seeded RNG, then given their fates in the exact proportions of
    ``FATES`` — so how many records the history has does not depend on the luck of the draw."""
    fates: dict[int, Fate] = {}
    for role, weights in FATES.items():
        ids = [o.id for o in rows if o.obligor_role == role]
        h.rng.shuffle(ids)
        total, bounds, acc = sum(w for _, w in weights), [], 0
        for fate, weight in weights:
            acc += weight
            bounds.append((round(len(ids) * acc / total), fate))
        for i, obligation_id in enumerate(ids):
            fates[obligation_id] = next(fate for bound, fate in bounds if i < bound)
    return fates


async def _schedule_fulfilment(h: History) -> None:
    rows = await Obligation.filter(
        review_status=ReviewStatus.CONFIRMED, due_date__lte=h.as_of, state__in=list(OPEN_STATES)
    ).order_by("id")
    grace = h.settings.grace_days_government
    fates = assign_fates(h, list(rows))
    for ob in rows:
        assert ob.due_date is not None
        fate = fates.get(ob.id)
        if fate is None:
            continue
        h.count(f"fulfilment.{fate}")
        if fate == Fate.NEVER:
            continue
        if fate == Fate.ON_TIME:
            day = ob.due_date - timedelta(days=h.rng.randint(1, 20))
        else:
            day = ob.due_date + timedelta(days=h.rng.randint(3, max(4, grace - 5)))
        reporter = await _reporter(h, ob)
        amount = Decimal(str(ob.amount)) if ob.amount is not None else None
        if amount is not None and amount >= 2:
            first = (amount / 2).quantize(Decimal("0.01"))
            early = day - timedelta(days=30)
            h.at(early, _fulfil(reporter, ob.id, first, "第一期款项已支付（银行回单）", early))
            h.at(day, _fulfil(reporter, ob.id, amount - first, "余款已支付（银行回单）", day))
        else:
            h.at(day, _fulfil(reporter, ob.id, None, "已履行，书面材料已归档", day))


def _fulfil(
    who: Principal, obligation_id: int, amount: Decimal | None, note: str, fulfilled_on: date
) -> Callable[[date], Awaitable[Any]]:
    """Evidence filed on ``day`` (the first day of the history for what was done before it)."""

    async def run(day: date) -> None:
        await record_fulfilment(who, obligation_id, min(fulfilled_on, day), note, amount, today=day)

    return run


# ---- sweeps and the failure procedure --------------------------------------------------------------------


async def _sweep(h: History, day: date) -> None:
    await sweep_obligations(day, h.settings.tracking_policies())
    h.count("sweep")
    new = (
        await IntegrityFailure.filter(kind=FailureKind.GOVERNMENT_BREACH, detected_on=day)
        .exclude(id__in=list(h.handled))
        .order_by("id")
    )
    for f in new:
        h.handled.add(f.id)
        await _plan_record(h, f)


async def _answerer(h: History, f: IntegrityFailure) -> Principal:
    """The recorded body answers through its own account; a body without one through the credit office."""
    org = await Organisation.get(id=f.organisation_id)
    for p in h.people.values():
        if p.role.value in ("department", "finance", "investment") and org.path.startswith(p.organisation_path):
            return p
    return h.people["admin"]


async def _plan_record(h: History, f: IntegrityFailure) -> None:
    """Give a new government record its scenario and schedule the scenario's moves."""
    body = await _answerer(h, f)
    late = [s for s in (Scenario.AWAITING_ANSWER, Scenario.IN_OBJECTION_PERIOD) if f"record.{s}" not in h.counts]
    if body.role.value == "department" and (h.as_of - f.detected_on).days > 120 and late:
        scenario = late[0]  # the credit office's backlog: the department's oldest records reach it before as-of
    else:
        scenario = SCENARIOS[h.scenario_no % len(SCENARIOS)]
        h.scenario_no += 1
    h.count(f"record.{scenario}")
    anchor, moves = SCHEDULES[scenario]
    start = f.detected_on if anchor == Anchor.DETECTED else h.as_of
    for move in moves:
        who = body if move.event in ANSWERS else h.people["admin"]
        h.at(start + timedelta(days=move.days), _move(h, who, f.id, move, start, f.obligor_name))


def _move(
    h: History, who: Principal, failure_id: int, move: Move, start: date, obligor: str | None
) -> Callable[[date], Awaitable[Any]]:
    policy = h.settings.failure_policy()

    async def run(day: date) -> None:
        ev = move.event
        if ev == FailureEvent.ORDER_RECTIFICATION:
            assert move.deadline_days is not None
            plan = f"整改：补办{obligor or '相关'}的承诺事项，书面报告整改情况"
            deadline = start + timedelta(days=move.deadline_days)
            await failures.order_rectification(who, failure_id, day, policy, plan, deadline)
        elif ev == FailureEvent.OBJECT:
            assert move.reason is not None
            await failures.object_to(who, failure_id, day, policy, move.reason, "已按约履行，附履行凭证")
        else:
            await DECIDE[ev](who, failure_id, day, policy, NOTES.get(ev, ""))

    return run


async def _complaint(h: History) -> None:
    """A complaint through the 12345 hotline about a district's promise without a deadline in the text."""
    ob = (
        await Obligation.filter(
            review_status=ReviewStatus.CONFIRMED,
            obligor_role=PartyRole.GOVERNMENT,
            due_date__isnull=True,
            owner__kind="district",
            quote__contains="交净地",
        )
        .order_by("id")
        .first()
    )
    if ob is None:
        return
    agreement = await Agreement.get(id=ob.agreement_id)
    day = h.as_of - timedelta(days=75)
    due = (agreement.signed_on or h.start) + timedelta(days=180)
    data = failures.ManualFailure(
        organisation_id=ob.owner_id,
        source=FailureSource.HOTLINE_12345,
        clause=ob.quote,
        due_date=min(due, day),
        source_reference=f"12345-{day.strftime('%Y%m%d')}-0417",
        promised_to="乙方（投资企业）",
        severity=Severity.GENERAL,
        obligation_id=ob.id,
    )

    async def record(today: date) -> None:
        f = await failures.record_manual(h.people["admin"], data, today, h.settings.failure_policy())
        h.handled.add(f.id)
        h.count("record.hotline_12345")
        policy = h.settings.failure_policy()
        await failures.verify(h.people["admin"], f.id, today, policy, "经核实，投诉属实")
        await failures.order_rectification(
            h.people["admin"], f.id, today, policy, "限期交付净地并书面答复投诉人", h.as_of + timedelta(days=30)
        )

    h.at(day, record)


# ---- PPP money -------------------------------------------------------------------------------------------

# 一般公共预算支出 (yuan) of the demo's government levels, and the share of it their PPP projects take in
# each year of the history, oldest first: 南海区 ends above the 10 % red line, 顺德区 between the lines,
# the city below 5 %.
BUDGETS = {"佛山市": Decimal("92000000000"), "南海区": Decimal("31000000000"), "顺德区": Decimal("27000000000")}
SHARES = {
    "佛山市": (Decimal("0.012"), Decimal("0.015"), Decimal("0.019")),
    "南海区": (Decimal("0.061"), Decimal("0.084"), Decimal("0.113")),
    "顺德区": (Decimal("0.032"), Decimal("0.041"), Decimal("0.063")),
}


@dataclass(frozen=True, slots=True)
class DemoProject:
    name: str
    district: str
    mechanism: PaymentMechanism
    payment_kind: GovernmentPaymentKind
    weight: Decimal  # its part of the district's PPP expenditure
    agreement_file: str | None = None
    tag: PPPTag = PPPTag.STOCK


PROJECTS = (
    DemoProject(
        "南海区生活垃圾焚烧发电PPP项目",
        "南海区",
        PaymentMechanism.VIABILITY_GAP,
        GovernmentPaymentKind.VIABILITY_GAP,
        Decimal("0.6"),
        "ppp_wte_contract_tpl.txt",
    ),
    DemoProject(
        "南海区城区生态水系PPP项目", "南海区", PaymentMechanism.GOVERNMENT_PAY, GovernmentPaymentKind.AVAILABILITY,
        Decimal("0.4"),
    ),
    DemoProject(
        "顺德区污水处理厂网一体化PPP项目", "顺德区", PaymentMechanism.GOVERNMENT_PAY,
        GovernmentPaymentKind.AVAILABILITY, Decimal("1"),
    ),
    DemoProject(
        "顺德区城市燃气特许经营项目", "顺德区", PaymentMechanism.USER_PAY, GovernmentPaymentKind.OM_PERFORMANCE,
        Decimal("0"), "ppp_city_gas_tpl.txt", PPPTag.NEW_MECHANISM,
    ),
    DemoProject(
        "市级垃圾发电PPP项目", "佛山市", PaymentMechanism.VIABILITY_GAP, GovernmentPaymentKind.VIABILITY_GAP,
        Decimal("1"), "ppp_anyang_waste_to_energy.pdf",
    ),
)  # fmt: skip


async def _ppp(h: History) -> None:
    finance = h.people["finance"]
    years = list(range(h.as_of.year - 2, h.as_of.year + 1))
    orgs = {o.name: o for o in await Organisation.filter(name__in=list(BUDGETS))}
    for name, budget in BUDGETS.items():
        for i, year in enumerate(years):
            grown = (budget * (Decimal(1) + Decimal("0.04") * i)).quantize(Decimal(1))
            await ppp.set_budget(finance, orgs[name].id, year, grown)
            h.count("ppp.budget")
    for n, spec in enumerate(PROJECTS):
        agreement = None
        if spec.agreement_file:
            agreement = await Agreement.filter(document__filename=spec.agreement_file).order_by("id").first()
        project = await ppp.create_project(
            finance,
            ppp.ProjectInput(
                spec.name,
                orgs[spec.district].id,
                spec.mechanism,
                PPPPhase.IDENTIFICATION,
                spec.tag,
                agreement.id if agreement else None,
            ),
        )
        for phase in (PPPPhase.PREPARATION, PPPPhase.PROCUREMENT, PPPPhase.EXECUTION):
            await ppp.set_phase(finance, project.id, phase)
        await _milestones(h, finance, project, n)
        h.count("ppp.project")
        if spec.weight == 0:
            continue
        for i, year in enumerate(years):
            budget = (BUDGETS[spec.district] * (Decimal(1) + Decimal("0.04") * i)).quantize(Decimal(1))
            planned = (budget * SHARES[spec.district][i] * spec.weight).quantize(Decimal("0.01"))
            past = date(year, 12, 20) <= h.as_of
            score = Decimal(h.rng.randint(86, 100)) if past else None
            paid = payable(planned, score) if past else None
            await ppp.set_payment(
                finance,
                project.id,
                ppp.PaymentInput(year, spec.payment_kind, planned, score, paid, date(year, 12, 20) if past else None),
            )
            h.count("ppp.payment")


async def _milestones(h: History, finance: Principal, project: PPPProject, n: int) -> None:
    """Planned dates spread over the history; actual dates where they passed, some of them late."""
    base = add_months(h.start, 2 + 3 * n)
    plan = (
        (MilestoneKind.FINANCIAL_CLOSE, base),
        (MilestoneKind.CONSTRUCTION_START, add_months(base, 3)),
        (MilestoneKind.COMPLETION_ACCEPTANCE, add_months(base, 18)),
        (MilestoneKind.COMMERCIAL_OPERATION, add_months(base, 20)),
    )
    for kind, planned in plan:
        actual = planned + timedelta(days=h.rng.choice((0, 0, 12, 45)))
        await ppp.set_milestone(finance, project.id, kind, planned, actual if actual <= h.as_of else None)
