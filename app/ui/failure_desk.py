"""The failure-record desk: the list of integrity-failure records (政务失信 and 违约) with search, filters,
sorting and pages kept in the URL, and one record's page — its whole history, its dates and deadlines, who
acts next, the clause and its source, the evidence filed, and only the steps the state machine allows today
(``trackers.failures.available_failure_events``). Roles and scope as ``/api/failures``: every staff role,
records of organisations inside the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Template

from app import clock
from app.api.deps import AppSettings, CurrentUser
from app.errors import InvalidInput
from app.exports import tables
from app.models import AuditLog, Document, FailureKind, FulfilmentEvidence, IntegrityFailure, Obligation, Role
from app.security import STAFF, Principal
from app.services import documents as document_svc
from app.services import failures as failure_svc
from app.services import listings
from app.ui import listing, queries
from app.ui.forms import optional_date, required_date
from app.ui.render import page, safe_next, succeeded
from trackers import ActorRole
from trackers.failures import (
    INADMISSIBLE_REASONS,
    FailureEvent,
    FailurePolicy,
    FailureState,
    ObjectionReason,
    available_failure_events,
    next_actors,
    objection_deadline,
    repair_opens_on,
)

ADMISSIBLE_REASONS = [r for r in ObjectionReason if r not in INADMISSIBLE_REASONS]
# the order a page lists the steps in: the recorded body's answers, then the credit office's decisions
STEP_ORDER = (
    FailureEvent.RECTIFY,
    FailureEvent.REFUSE_RECTIFICATION,
    FailureEvent.OBJECT,
    FailureEvent.VERIFY,
    FailureEvent.DISMISS,
    FailureEvent.ORDER_RECTIFICATION,
    FailureEvent.FIND,
    FailureEvent.UPHOLD_OBJECTION,
    FailureEvent.REJECT_OBJECTION,
    FailureEvent.REPAIR,
)
DECISIONS = frozenset(STEP_ORDER[3:])


async def failure_actions(
    principal: Principal, failure: IntegrityFailure, policy: FailurePolicy | None = None
) -> list[str]:
    """The workflow steps this caller may take on the record today: what the state machine accepts from
    the stored facts (one objection, its period, repair eligibility …), never a template's guess."""
    responsible = failure_svc.is_responsible(principal, await failure.organisation)
    allowed = available_failure_events(
        FailureState(failure.state),
        ActorRole(principal.role.value),
        failure_svc.record_facts(failure),
        clock.today(),
        responsible=responsible,
        policy=policy,
    )
    return [str(e) for e in STEP_ORDER if e in allowed]


@dataclass(frozen=True, slots=True)
class Moment:
    """One line of a record's history: a step taken (``done``) or a date ahead (a deadline, a window)."""

    day: date
    key: str  # message key
    who: str = ""
    note: str = ""
    done: bool = True


async def history(f: IntegrityFailure, policy: FailurePolicy) -> list[Moment]:
    """Detected → verified → order → answer → objection → finding → repair → publication: the audit log's
    entries for the record, the dates stored on it, and the deadlines still ahead."""
    moments = [Moment(f.detected_on, f"source.{f.source}", "", f.source_reference or "")]
    entries = await AuditLog.filter(entity="integrity_failure", entity_id=f.id).order_by("id")
    for e in entries:
        step = e.action.removeprefix("failure.")
        if step == "record":
            continue  # the detection line above
        after = e.after or {}
        note = ""
        if step == FailureEvent.ORDER_RECTIFICATION:
            note = str(after.get("rectification_plan") or "")
        elif step == FailureEvent.OBJECT:
            note = f.objection_note or ""
        elif after.get("decision_note") and after.get("decision_note") != (e.before or {}).get("decision_note"):
            note = str(after["decision_note"])  # the report or reasons given with this step (整改情况, 核实意见 …)
        day = clock.to_beijing_date(e.at)
        moments.append(Moment(day, f"step.{step}", e.actor_label, note))
    today = clock.today()
    ahead: list[Moment] = []
    if f.state == FailureState.RECTIFICATION_ORDERED and f.rectification_deadline:
        ahead.append(Moment(f.rectification_deadline, "desk.rectification_due", done=False))
    if f.state == FailureState.FOUND and f.found_on and not f.objected_on:
        closes = objection_deadline(f.found_on, policy)
        ahead.append(Moment(closes, "desk.objection_until", done=closes < today))
    if f.published_from:
        ahead.append(Moment(f.published_from, "desk.published_from", done=f.published_from <= today))
    if f.published_until:
        ahead.append(Moment(f.published_until, "desk.published_until", done=f.published_until <= today))
    if f.state == FailureState.FOUND_RECTIFIED and f.rectified_on:
        opens = repair_opens_on(f.rectified_on, failure_svc.record_facts(f).severity, policy)
        ahead.append(Moment(opens, "desk.repair_opens", done=opens <= today))
    return sorted(moments, key=lambda m: m.day) + sorted(ahead, key=lambda m: m.day)


class FailurePages(Controller):
    """An integrity-failure record: the recorded body answers it (rectification, refusal, objection), the
    credit office runs the 1103号 steps. Forms post here and call the same services as ``/api/failures``."""

    include_in_schema = False

    @get("/failures", opt={"roles": STAFF})
    async def failure_list(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        q: FromQuery[str] = "",
        record_state: Annotated[str, QueryParameter(name="state")] = "",
        kind: FromQuery[str] = "",
        body_id: Annotated[str, QueryParameter(name="body")] = "",
        district: FromQuery[str] = "",
        sort: FromQuery[str] = "",
        page_no: FromQuery[str] = "1",
        fmt: Annotated[str, QueryParameter(name="format")] = "",
    ) -> Template | Response[bytes]:
        q = listing.text_param(q)
        flt = listings.FailureQuery(
            organisation_id=listing.id_param(body_id),
            district_id=listing.id_param(district),
            kind=listing.choice(kind, FailureKind),
            state=listing.choice(record_state, FailureState),
            q=q or None,
        )
        kept = {"q": q, "state": flt.state or "", "kind": flt.kind or "", "body": body_id, "district": district}
        view = listing.ListView.read(listings.FAILURE_SORTING, kept, sort, page_no)
        listed = await listing.rows_or_export(
            view, fmt, partial(listings.list_failures, principal.scope_path, flt), tables.failures_table, "failures"
        )
        if isinstance(listed, Response):
            return listed
        rows, view = listed
        organisations = await queries.organisations_in_scope(principal)
        return page(
            request,
            "failures.html",
            failures=rows,
            view=view,
            periods=await queries.instance_periods(f.obligation_id for f in rows),
            q=q,
            flt=flt,
            states=list(FailureState),
            kinds=list(FailureKind),
            bodies=organisations,
            districts=queries.local_governments(organisations),
        )

    @get("/failures/{failure_id:int}", opt={"roles": STAFF})
    async def failure_page(
        self, request: Request[Any, Any, Any], principal: CurrentUser, settings: AppSettings, failure_id: FromPath[int]
    ) -> Template:
        failure = await failure_svc.get_failure(principal, failure_id)
        await failure.fetch_related("organisation")
        policy = settings.failure_policy()
        obligation = (
            await Obligation.filter(id=failure.obligation_id).prefetch_related("agreement").first()
            if failure.obligation_id
            else None
        )
        document: Document | None = None
        evidence: list[FulfilmentEvidence] = []
        if obligation is not None:
            document = await Document.filter(
                document_svc.visible_documents(principal), id=obligation.document_id
            ).first()
            evidence = list(await FulfilmentEvidence.filter(obligation_id=obligation.id).order_by("id"))
        facts = failure_svc.record_facts(failure)
        return page(
            request,
            "failure.html",
            f=failure,
            obligation=obligation,
            document=document,
            evidence=evidence,
            can_download=principal.role != Role.EVALUATOR,
            timeline=await history(failure, policy),
            next_actors=next_actors(FailureState(failure.state), facts, clock.today(), policy),
            objection_deadline=objection_deadline(failure.found_on, policy) if failure.found_on else None,
            actions=await failure_actions(principal, failure, policy),
            reasons=ADMISSIBLE_REASONS,
            today=clock.today(),
        )

    @post("/failures/{failure_id:int}/steps", opt={"roles": STAFF})
    async def failure_step(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        settings: AppSettings,
        failure_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Response[Any]:
        step = data.get("step", "")
        note = data.get("note", "").strip()[:2000]
        today, policy = clock.today(), settings.failure_policy()
        if step == FailureEvent.RECTIFY:
            rectified_on = optional_date(data.get("rectified_on"), "rectified_on")
            await failure_svc.rectify(principal, failure_id, today, policy, note, rectified_on)
        elif step == FailureEvent.REFUSE_RECTIFICATION:
            await failure_svc.refuse(principal, failure_id, today, policy, note)
        elif step == FailureEvent.OBJECT:
            reason = data.get("reason", "")
            if reason not in {r.value for r in ADMISSIBLE_REASONS}:
                raise InvalidInput(
                    "Choose a reason for the objection.", errors=[{"key": "reason", "message": "required"}]
                )
            evidence = data.get("evidence", "").strip()[:2000]
            text = f"{note}\n证据：{evidence}" if evidence else note
            await failure_svc.object_to(principal, failure_id, today, policy, ObjectionReason(reason), text)
        elif principal.role != Role.ADMIN:
            raise InvalidInput(f"Unknown step {step!r}.", errors=[{"key": "step", "message": "unknown"}])
        elif step == FailureEvent.ORDER_RECTIFICATION:
            plan = data.get("plan", "").strip()[:2000]
            await failure_svc.order_rectification(
                principal, failure_id, today, policy, plan, required_date(data.get("deadline"), "deadline")
            )
        elif step in DECISIONS:
            decide = {
                FailureEvent.VERIFY: failure_svc.verify,
                FailureEvent.DISMISS: failure_svc.dismiss,
                FailureEvent.FIND: failure_svc.find,
                FailureEvent.UPHOLD_OBJECTION: failure_svc.uphold_objection,
                FailureEvent.REJECT_OBJECTION: failure_svc.reject_objection,
                FailureEvent.REPAIR: failure_svc.repair,
            }[FailureEvent(step)]
            await decide(principal, failure_id, today, policy, note)
        else:
            raise InvalidInput(f"Unknown step {step!r}.", errors=[{"key": "step", "message": "unknown"}])
        return succeeded(request, safe_next(data.get("next"), f"/failures/{failure_id}"), f"done.{step}")
