"""Page controllers. Each reads its input, calls the same services the JSON API uses (or a read-only
aggregate from ``app.ui.queries``) and renders a template; forms post back here and redirect (POST → GET)."""

from __future__ import annotations

import calendar
import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie, UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, MultipartBody, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template
from tortoise.expressions import Q

import extractors
from app import clock
from app.api.deps import AppSettings, CurrentUser, Store
from app.errors import InvalidInput, NotFound
from app.exports import tables
from app.exports.tables import neutralise
from app.models import (
    Agreement,
    AgreementEvent,
    AgreementKind,
    AgreementParty,
    Document,
    DocumentStatus,
    FailureKind,
    FulfilmentEvidence,
    IntegrityFailure,
    Obligation,
    ObligationWarning,
    PartyRole,
    Role,
)
from app.security import ADMIN_ONLY, PUBLIC, REVIEWERS, STAFF, UPLOADERS, Principal
from app.services import documents as document_svc
from app.services import failures as failure_svc
from app.services import listings, notifications
from app.services import obligations as obligation_svc
from app.services.scope import get_in_scope
from app.services.sweep import sweep_obligations
from app.settings import Settings
from app.ui import charts, listing, queries
from app.ui.failure_desk import ADMISSIBLE_REASONS, failure_actions
from app.ui.forms import amount as _amount
from app.ui.forms import parse_date as _date
from app.ui.forms import required_date as _required_date
from app.ui.i18n import LANG_COOKIE, LANGS, failure_messages, translator
from app.ui.render import lang_of, page, safe_next, succeeded
from app.ui.text import find_snippet, highlight, segments
from trackers import ObligationState, ReviewStatus

AGREEMENT_PAGE = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE, Role.DEPARTMENT})
EVENT_RECORDERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE})
FULFILLERS = frozenset({Role.ADMIN, Role.INVESTMENT, Role.FINANCE, Role.DEPARTMENT})
MY_PAGE = frozenset({Role.ADMIN, Role.DEPARTMENT})
MY_STATES = (
    *queries.OPEN_STATES,
    ObligationState.BREACHED.value,
)  # what 我的义务 is about: still to be met, or breached
MY_RECORDS = 10  # failure records shown on 我的义务; the desk lists them all
# an agreement's page lists its obligations but the rejected ones
AGREEMENT_REVIEW_STATUSES = (ReviewStatus.PROPOSED, ReviewStatus.CONFIRMED)
EVALUATE_PAGE = frozenset({Role.ADMIN, Role.EVALUATOR})

# Event kinds offered in the form, with the anchor phrases obligations are written against.
EVENT_KINDS: dict[str, list[str]] = {
    "land_handed_over": ["土地交付", "交付土地", "交付项目用地", "交地", "供地"],
    "completion_accepted": ["竣工验收", "验收合格", "竣工"],
    "signing": [],
}


async def dashboard_filter(
    principal: CurrentUser,
    start: FromQuery[str] = "",
    end: FromQuery[str] = "",
    kind: FromQuery[str] = "",
    org: FromQuery[str] = "",
) -> queries.DashboardFilter:
    """The evaluators' dashboard filter (period, agreement kind, organisation) from the page's query string,
    for the page and its CSV tables alike: by default the twelve months up to today or the latest record."""
    today = clock.today()
    latest = await queries.latest_failure_date(principal)
    default_end = max(today, latest) if latest else today
    period_end = _date(end, default_end) or default_end
    default_start = (period_end.replace(day=1) - timedelta(days=335)).replace(day=1)
    period_start = _date(start, default_start) or default_start
    if period_start > period_end:
        period_start, period_end = period_end, period_start
    return queries.DashboardFilter(
        period=queries.Period(period_start, period_end),
        kind=AgreementKind(kind) if kind in {k.value for k in AgreementKind} else None,
        organisation_id=int(org) if org.isdigit() else None,
    )


DASHBOARD_FILTER = {"flt": Provide(dashboard_filter)}
DashboardFilter = NamedDependency[queries.DashboardFilter]


class DocumentPages(Controller):
    include_in_schema = False

    @get("/documents", opt={"roles": UPLOADERS})
    async def documents(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        q: FromQuery[str] = "",
        status: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        body_id: Annotated[str, QueryParameter(name="body")] = "",
        uploaded_from: FromQuery[str] = "",
        uploaded_to: FromQuery[str] = "",
        sort: FromQuery[str] = "",
        page_no: FromQuery[str] = "1",
        fmt: Annotated[str, QueryParameter(name="format")] = "",
    ) -> Template | Response[bytes]:
        """The upload widget, then the documents uploaded in the caller's scope: searched by file name,
        filtered, sorted and paged in the URL."""
        q = listing.text_param(q)
        flt = listings.DocumentQuery(
            organisation_id=listing.id_param(body_id),
            status=listing.choice(status, DocumentStatus),
            kind=listing.choice(kind, AgreementKind),
            uploaded_from=listing.date_param(uploaded_from),
            uploaded_to=listing.date_param(uploaded_to),
            q=q or None,
        )
        kept = {
            "q": q,
            "status": flt.status or "",
            "kind": flt.kind or "",
            "body": body_id,
            "uploaded_from": listing.kept_date(flt.uploaded_from),
            "uploaded_to": listing.kept_date(flt.uploaded_to),
        }
        view = listing.ListView.read(listings.DOCUMENT_SORTING, kept, sort, page_no, anchor="recent")
        listed = await listing.rows_or_export(
            view, fmt, partial(listings.list_documents, principal.scope_path, flt), tables.documents_table, "documents"
        )
        if isinstance(listed, Response):
            return listed
        rows, view = listed
        return page(
            request,
            "documents.html",
            documents=[(d, document_svc.outcome(d)) for d in rows],
            uploaded_on={d.id: clock.to_beijing_date(d.created_at) for d in rows},
            view=view,
            flt=flt,
            q=q,
            kinds=list(AgreementKind),
            statuses=list(DocumentStatus),
            bodies=await queries.organisations_in_scope(principal),
            failure_messages=failure_messages(lang_of(request)),
        )

    @get("/documents/{document_id:int}/review", opt={"roles": REVIEWERS})
    async def review_page(
        self, request: Request[Any, Any, Any], principal: CurrentUser, document_id: FromPath[int]
    ) -> Template:
        document = await document_svc.get_document(principal, document_id)
        rows, _ = await listings.list_obligations(
            principal.scope_path, listings.ObligationQuery(document_id=document_id), 500
        )
        # least confident first: the rows most likely to need a correction come before the sure ones
        rows.sort(key=lambda o: (o.review_status == ReviewStatus.REJECTED, o.confidence, o.start, o.id))
        text = document.text or ""
        items = [(o, highlight(text, o.start, o.end)) for o in rows]
        organisations = await queries.organisations_in_scope(principal)
        agreement = await Agreement.filter(document_id=document.id).order_by("-id").first()
        parties = await AgreementParty.filter(agreement_id=agreement.id).order_by("id") if agreement else []
        return page(
            request,
            "review.html",
            document=document,
            items=items,
            organisations=organisations,
            agreement=agreement,
            parties=parties,
            roles=list(PartyRole),
            categories=[str(c) for c in extractors.Category],
            review_data=_review_data(request, document, agreement, organisations),
        )

    @get("/documents/{document_id:int}/text", opt={"roles": STAFF})  # evaluators read clauses too
    async def document_text(
        self, request: Request[Any, Any, Any], principal: CurrentUser, document_id: FromPath[int]
    ) -> Template:
        """The whole extracted text with every (not rejected) obligation's clause marked."""
        document = await document_svc.get_document(principal, document_id)
        spans = await (
            Obligation.filter(obligation_svc.visible_obligations(principal), document_id=document.id)
            .exclude(review_status=ReviewStatus.REJECTED)
            .values_list("start", "end", "id")
        )
        parts = segments(document.text or "", [(int(a), int(b), int(i)) for a, b, i in spans])
        return page(request, "document_text.html", document=document, parts=parts)

    @post("/documents/{document_id:int}/review", opt={"roles": REVIEWERS})
    async def review_form(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        settings: AppSettings,
        document_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Response[Any]:
        """Save edited obligor / deadline / amount of every changed row, then confirm or reject the ticked ones."""
        horizon = settings.recurrence_horizon_days
        document = await document_svc.get_document(principal, document_id)
        rows = await Obligation.filter(obligation_svc.visible_obligations(principal), document_id=document.id).order_by(
            "id"
        )
        in_scope = {org.id for org in await queries.organisations_in_scope(principal)}
        for ob in rows:
            if f"obligor_{ob.id}" not in data:
                continue
            edit = _row_edit(ob, data, in_scope)
            if edit is not None:
                await obligation_svc.review(
                    principal, [ob.id], ReviewStatus(ob.review_status), edit, horizon_days=horizon
                )
        selected = [ob.id for ob in rows if data.get(f"sel_{ob.id}") == "1"]
        action = data.get("action", "save")
        target = f"/documents/{document.id}/review"
        if action in ("confirm", "reject") and selected:
            decision = ReviewStatus.CONFIRMED if action == "confirm" else ReviewStatus.REJECTED
            await obligation_svc.review(principal, selected, decision, horizon_days=horizon)
            return succeeded(request, target, f"done.review_{action}", n=len(selected))
        return succeeded(request, target, "done.review_saved")


def _review_data(
    request: Request[Any, Any, Any], document: Document, agreement: Agreement | None, organisations: list[Any]
) -> dict[str, Any]:
    """What review.js needs to redraw a row after a save: ids, today, names of roles, categories, bodies."""
    t = translator(lang_of(request))
    return {
        "document": document.id,
        "agreement": agreement.id if agreement else None,
        "today": clock.today().isoformat(),
        "organisations": {str(o.id): o.name for o in organisations},
        "roles": {str(r): t(f"party.{r}") for r in PartyRole},
        "categories": {str(c): t(f"category.{c}") for c in extractors.Category},
    }


def _row_edit(ob: Obligation, data: dict[str, str], in_scope: set[int]) -> obligation_svc.ObligationEdit | None:
    fields: dict[str, Any] = {}
    obligor = data.get(f"obligor_{ob.id}", "").strip()
    if obligor != (ob.obligor_name or ""):
        fields["obligor_name"] = obligor or None
    due_text = data.get(f"due_{ob.id}", "").strip()
    nominal = _date(due_text) if due_text else None
    if due_text and nominal is None:
        raise InvalidInput(
            f"Deadline of obligation {ob.id} must be a date as YYYY-MM-DD.",
            errors=[{"key": f"due_{ob.id}", "message": "not a date"}],
        )
    if nominal != ob.nominal_date and not (nominal is None and ob.nominal_date is None):
        fields["nominal_date"] = nominal
    amount = _amount(data.get(f"amount_{ob.id}"), f"amount_{ob.id}")
    if amount != ob.amount:
        fields["amount"] = amount
    owner = data.get(f"owner_{ob.id}", "")
    if owner.isdigit() and int(owner) != ob.owner_id:
        if int(owner) not in in_scope:  # checked here too, for a message on the page
            raise InvalidInput(
                "The responsible organisation is outside your scope.",
                errors=[{"key": f"owner_{ob.id}", "message": "not in scope"}],
            )
        fields["owner_id"] = int(owner)
    if not fields:
        return None
    return obligation_svc.ObligationEdit(**fields, fields_set=frozenset(fields))


class AgreementPages(Controller):
    include_in_schema = False

    @get("/agreements", opt={"roles": AGREEMENT_PAGE})
    async def agreements(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        q: FromQuery[str] = "",
        kind: FromQuery[str] = "",
        holding: Annotated[str, QueryParameter(name="state")] = "",
        body_id: Annotated[str, QueryParameter(name="body")] = "",
        district: FromQuery[str] = "",
        signed_from: FromQuery[str] = "",
        signed_to: FromQuery[str] = "",
        sort: FromQuery[str] = "",
        page_no: FromQuery[str] = "1",
        fmt: Annotated[str, QueryParameter(name="format")] = "",
    ) -> Template | Response[bytes]:
        """The agreements the caller sees, searched, filtered (``state``: holding a confirmed obligation in
        that state), sorted and paged in the URL, each with its obligations at a glance."""
        q = listing.text_param(q)
        flt = listings.AgreementQuery(
            organisation_id=listing.id_param(body_id),
            district_id=listing.id_param(district),
            kind=listing.choice(kind, AgreementKind),
            obligation_state=listing.choice(holding, ObligationState),
            signed_from=listing.date_param(signed_from),
            signed_to=listing.date_param(signed_to),
            q=q or None,
        )
        kept = {
            "q": q,
            "kind": flt.kind or "",
            "state": flt.obligation_state or "",
            "body": body_id,
            "district": district,
            "signed_from": listing.kept_date(flt.signed_from),
            "signed_to": listing.kept_date(flt.signed_to),
        }
        view = listing.ListView.read(listings.AGREEMENT_SORTING, kept, sort, page_no)
        load = partial(
            listings.list_agreements, principal.scope_path, obligation_svc.visible_agreements(principal), flt
        )
        listed = await listing.rows_or_export(view, fmt, load, tables.agreements_table, "agreements")
        if isinstance(listed, Response):
            return listed
        rows, view = listed
        glance = await queries.agreement_glance([a.id for a in rows])
        organisations = await queries.organisations_in_scope(principal)
        return page(
            request,
            "agreements.html",
            agreements=rows,
            glance=glance,
            view=view,
            flt=flt,
            q=q,
            kinds=list(AgreementKind),
            states=list(ObligationState),
            bodies=organisations,
            districts=queries.local_governments(organisations),
        )

    @get("/agreements/{agreement_id:int}", opt={"roles": STAFF})  # read-only for evaluators
    async def agreement(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        settings: AppSettings,
        agreement_id: FromPath[int],
    ) -> Template | Response[bytes]:
        return await self._agreement_page(request, principal, settings, agreement_id)

    async def _agreement_page(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        settings: Settings,
        agreement_id: int,
        status_code: int = 200,
        **event_form: Any,
    ) -> Template | Response[bytes]:
        """The agreement page, its obligations searched, filtered, sorted and paged in the URL (or exported);
        ``event_form`` carries the event form's values, its inline errors and its preview when the page
        answers a submission of that form."""
        agreement = await get_in_scope(Agreement, agreement_id, principal)
        listed = await listing.obligation_list(
            request.query_params if request.method == "GET" else {},
            principal.scope_path,
            listings.ObligationQuery(agreement_id=agreement.id, review_statuses=AGREEMENT_REVIEW_STATUSES),
            [str(s) for s in ObligationState],
            settings.warning_windows,
            anchor="obligations",
            export_name=f"agreement-{agreement.id}-obligations",
        )
        if isinstance(listed, Response):
            return listed
        obligations = listed.rows
        evidence: dict[int, list[FulfilmentEvidence]] = defaultdict(list)
        for e in await FulfilmentEvidence.filter(obligation_id__in=[o.id for o in obligations]).order_by("id"):
            evidence[e.obligation_id].append(e)  # type: ignore[attr-defined]
        events = await AgreementEvent.filter(agreement_id=agreement.id).order_by("occurred_on", "id")
        can_record = principal.role in EVENT_RECORDERS
        anchors = await obligation_svc.list_anchors(principal, agreement.id) if can_record else []
        return page(
            request,
            "agreement.html",
            status_code=status_code,
            agreement=agreement,
            **listed.context(),
            bodies=await queries.organisations_in_scope(principal),
            periods=await queries.instance_periods(o.id for o in obligations),
            evidence=evidence,
            events=events,
            event_kinds=list(EVENT_KINDS),
            anchors=[str(a["anchor_text"]) for a in anchors],
            event_values=event_form.get("values", {}),
            event_errors=event_form.get("errors", {}),
            event_preview=event_form.get("preview"),
            can_record=can_record,
            can_fulfil=principal.role in FULFILLERS,
            can_review=principal.role in REVIEWERS,
            can_download=principal.role in AGREEMENT_PAGE,
        )

    @post("/agreements/{agreement_id:int}/events", opt={"roles": EVENT_RECORDERS})
    async def record_event(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        settings: AppSettings,
        agreement_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Response[Any]:
        """Preview (``action=preview``) or record an event. A refusal — no date, an anchor no obligation
        names — re-renders the page with the message beside its field and every value kept."""
        values = {k: data.get(k, "").strip() for k in ("kind", "occurred_on", "anchor_text", "description")}
        kind, description = values["kind"], values["description"]
        label = translator("zh")(f"event.{kind}") if kind in EVENT_KINDS else ""
        anchors = [values["anchor_text"]] if values["anchor_text"] else [*EVENT_KINDS.get(kind, []), label]
        try:
            occurred_on = _required_date(values["occurred_on"], "occurred_on")
            args = (principal, agreement_id, kind, occurred_on, description or label, [a for a in anchors if a])
            if data.get("action") == "preview":
                planned = await obligation_svc.plan_event(*args)
                preview = [(p.obligation.id, p.obligation.quote, p.due_date) for p in planned]
                return await self._agreement_page(
                    request, principal, settings, agreement_id, values=values, preview=preview
                )
            await obligation_svc.record_event(*args)
        except InvalidInput as exc:
            t = translator(lang_of(request))
            errors = {str(e.get("key")): t(f"event_error.{e.get('key')}") for e in exc.extra.get("errors", [])}
            if "anchor_texts" in errors:
                named = "、".join(str(a) for a in exc.extra.get("anchors", [])) or t("none")
                errors["anchor_texts"] += named
            return await self._agreement_page(
                request,
                principal,
                settings,
                agreement_id,
                status_code=422,
                values=values,
                errors=errors or {"form": exc.detail},
            )
        shown = translator(lang_of(request))(f"event.{kind}") if kind in EVENT_KINDS else kind
        return succeeded(request, f"/agreements/{agreement_id}", "done.event", kind=shown)

    @post("/agreements/{agreement_id:int}/events/{event_id:int}/undo", opt={"roles": EVENT_RECORDERS})
    async def undo_event(
        self, principal: CurrentUser, agreement_id: FromPath[int], event_id: FromPath[int]
    ) -> Redirect:
        """Undo a wrongly recorded event (audited); the obligations it dated get their dates back."""
        await obligation_svc.undo_event(principal, agreement_id, event_id)
        return Redirect(f"/agreements/{agreement_id}")

    @post("/agreements/{agreement_id:int}/title", opt={"roles": REVIEWERS})
    async def retitle(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        agreement_id: FromPath[int],
        data: URLEncodedBody[dict[str, str]],
    ) -> Response[Any]:
        """Correct the agreement's title; a blank or overlong one goes back beside the field."""
        agreement = await obligation_svc.retitle_agreement(principal, agreement_id, data.get("title", ""))
        return succeeded(request, f"/agreements/{agreement_id}", "done.retitle", title=agreement.title)

    @get("/evidence/{evidence_id:int}/file", opt={"roles": AGREEMENT_PAGE})
    async def evidence_file(self, principal: CurrentUser, store: Store, evidence_id: FromPath[int]) -> Response[bytes]:
        """An attachment of fulfilment evidence, always as a download (never rendered by the browser)."""
        evidence = await FulfilmentEvidence.get_or_none(id=evidence_id)
        if evidence is None or not evidence.file_sha256:
            raise NotFound(f"Evidence {evidence_id} has no attachment.")
        await obligation_svc.get_obligation(principal, evidence.obligation_id)  # type: ignore[attr-defined]
        name = quote(evidence.file_name or "evidence", safe="")
        return Response(
            store.get(evidence.file_sha256),
            media_type="application/octet-stream",
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @post("/obligations/{obligation_id:int}/fulfilment", opt={"roles": FULFILLERS})
    async def record_fulfilment(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        store: Store,
        settings: AppSettings,
        obligation_id: FromPath[int],
        data: MultipartBody[dict[str, Any]],
    ) -> Response[Any]:
        ob = await obligation_svc.get_obligation(principal, obligation_id)
        file = data.get("file")
        sha = name = None
        if isinstance(file, UploadFile) and file.filename:
            content = await file.read()
            if len(content) > settings.max_upload_mb * 1024 * 1024:
                raise InvalidInput("The attachment is too large.", errors=[{"key": "file", "message": "too large"}])
            if content:
                sha, name = store.put(content), document_svc.clean_filename(file.filename)
        await obligation_svc.record_fulfilment(
            principal,
            obligation_id,
            _required_date(str(data.get("fulfilled_on") or ""), "fulfilled_on"),
            str(data.get("note") or ""),
            _amount(str(data.get("amount") or ""), "amount"),
            today=clock.today(),
            file_sha256=sha,
            file_name=name,
        )
        target = "/my" if principal.role == Role.DEPARTMENT else f"/agreements/{ob.agreement_id}#ob-{ob.id}"
        return succeeded(request, target, "done.fulfilment")


class WorkPages(Controller):
    """My obligations (departments), evaluation, search, calendar, sweep (PPP finance: ``app.ui.finance_desk``)."""

    include_in_schema = False

    @get("/my", opt={"roles": MY_PAGE})
    async def my_obligations(
        self, request: Request[Any, Any, Any], principal: CurrentUser, settings: AppSettings
    ) -> Template | Response[bytes]:
        """The confirmed obligations still to be met (or breached) in the caller's scope, searched, filtered,
        sorted and paged in the URL (``app.ui.listing.obligation_list``), with the early warnings each has;
        then the latest failure records."""
        listed = await listing.obligation_list(
            request.query_params,
            principal.scope_path,
            listings.ObligationQuery(review_status=ReviewStatus.CONFIRMED, states=MY_STATES),
            MY_STATES,
            settings.warning_windows,
            anchor="my-obligations",
            export_name="my-obligations",
        )
        if isinstance(listed, Response):
            return listed
        # 本单位失信记录 (government breaches) and counterparty defaults: the latest, the rest on the desk
        failures, failure_total = await listings.list_failures(
            principal.scope_path, listings.FailureQuery(kind=FailureKind.GOVERNMENT_BREACH), MY_RECORDS
        )
        defaults, default_total = await listings.list_failures(
            principal.scope_path, listings.FailureQuery(kind=FailureKind.COUNTERPARTY_DEFAULT), MY_RECORDS
        )
        organisations = await queries.organisations_in_scope(principal)
        return page(
            request,
            "my.html",
            **listed.context(),
            kinds=list(AgreementKind),
            bodies=organisations,
            districts=queries.local_governments(organisations),
            periods=await queries.instance_periods([o.id for o in listed.rows] + [f.obligation_id for f in failures]),
            failures=failures,
            failure_total=failure_total,
            defaults=defaults,
            default_total=default_total,
            actions={f.id: await failure_actions(principal, f) for f in failures},
            reasons=ADMISSIBLE_REASONS,
            today=clock.today(),
        )

    @get("/evaluate", opt={"roles": EVALUATE_PAGE}, dependencies=DASHBOARD_FILTER)
    async def evaluate(self, request: Request[Any, Any, Any], principal: CurrentUser, flt: DashboardFilter) -> Template:
        rows = await queries.ratings(principal, flt)
        trend = await queries.breaches_per_month(principal, flt)
        upcoming = await queries.upcoming(principal, clock.today(), flt=flt)
        district_rates = [
            (r.label, float(r.on_time_rate * 100))
            for r in rows
            if r.organisation_kind in ("district", "town") and r.on_time_rate is not None
        ][:12]
        return page(
            request,
            "evaluate.html",
            flt=flt,
            ratings=rows,
            trend_chart=charts.line_chart(trend, integer=True),
            rate_chart=charts.bar_chart(district_rates, unit="%", top=100.0),
            trend_total=int(sum(v for _, v in trend)),
            upcoming=upcoming,
            organisations=await queries.organisations_in_scope(principal),
            kinds=list(AgreementKind),
            api_query=urlencode(
                {
                    "from": flt.period.start.isoformat(),
                    "to": flt.period.end.isoformat(),
                    **({"agreement_kind": flt.kind.value} if flt.kind else {}),
                    **({"organisation_id": flt.organisation_id} if flt.organisation_id else {}),
                }
            ),
            report_org=flt.organisation_id or principal.organisation_id,
            query=urlencode(
                {
                    "start": flt.period.start.isoformat(),
                    "end": flt.period.end.isoformat(),
                    "kind": flt.kind.value if flt.kind else "",
                    "org": flt.organisation_id or "",
                }
            ),
        )

    @get("/evaluate.csv", opt={"roles": EVALUATE_PAGE}, dependencies=DASHBOARD_FILTER)
    async def evaluate_csv(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        flt: DashboardFilter,
        table: FromQuery[str] = "ranking",
    ) -> Response[bytes]:
        """The dashboard's tables as CSV (UTF-8 with BOM for Excel): ``table`` = ranking | trend | upcoming."""
        t = translator(lang_of(request))
        buf = io.StringIO()
        out = csv.writer(buf)
        if table == "trend":
            out.writerow([t("col.month"), t("state.breached")])
            for month, n in await queries.breaches_per_month(principal, flt):
                out.writerow([month, int(n)])
        elif table == "upcoming":
            out.writerow([t("col.due"), t("col.organisation"), t("col.obligor"), t("col.state"), t("col.clause")])
            for o in await queries.upcoming(principal, clock.today(), flt=flt, limit=1000):
                out.writerow(
                    [o.due_date, _csv_cell(o.owner.name), _csv_cell(o.obligor_name or ""), t(f"state.{o.state}"),
                     _csv_cell(o.quote)]
                )  # fmt: skip
        else:
            table = "ranking"
            out.writerow(
                [t("col.rank"), t("col.organisation"), t("col.due_count"), t("col.on_time"), t("col.late"),
                 t("state.overdue"), t("state.breached"), t("col.breaches"), t("col.rate"), t("col.score"),
                 t("col.grade"), t("filter.from"), t("filter.to")]
            )  # fmt: skip
            for r in await queries.ratings(principal, flt):
                out.writerow(
                    [r.rank, _csv_cell(r.label), r.due, r.fulfilled_on_time, r.fulfilled_late, r.overdue, r.breached,
                     r.failures, "" if r.on_time_rate is None else f"{r.on_time_rate * 100:.1f}%", r.score, r.grade,
                     flt.period.start.isoformat(), flt.period.end.isoformat()]
                )  # fmt: skip
        return Response(
            ("\ufeff" + buf.getvalue()).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename=chengxin-{table}.csv"},
        )

    @get("/search", opt={"roles": STAFF})
    async def search(self, request: Request[Any, Any, Any], principal: CurrentUser, q: FromQuery[str] = "") -> Template:
        q = q.strip()[:100]
        agreements: list[Agreement] = []
        obligations: list[Obligation] = []
        documents: list[tuple[Document, Any]] = []
        if q:
            agreements = (
                await Agreement.filter(obligation_svc.visible_agreements(principal), title__icontains=q)
                .distinct()
                .order_by("-id")
                .limit(50)
            )
            obligations = (
                await Obligation.filter(
                    obligation_svc.visible_obligations(principal),
                    Q(quote__icontains=q) | Q(action__icontains=q) | Q(obligor_name__icontains=q),
                )
                .exclude(review_status=ReviewStatus.REJECTED)
                .order_by("due_date", "id")
                .limit(50)
            )
            docs = (
                await Document.filter(document_svc.visible_documents(principal), text__icontains=q)
                .distinct()
                .order_by("-id")
                .limit(30)
            )
            documents = [(d, find_snippet(d.text or "", q)) for d in docs]
        return page(request, "search.html", q=q, agreements=agreements, obligations=obligations, documents=documents)

    @get("/calendar", opt={"roles": STAFF})
    async def calendar_page(
        self, request: Request[Any, Any, Any], principal: CurrentUser, month: FromQuery[str] = ""
    ) -> Template:
        today = clock.today()
        first = _date(f"{month}-01") if month else None
        first = first or today.replace(day=1)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        rows = await (
            Obligation.filter(
                obligation_svc.visible_obligations(principal),
                due_date__gte=weeks[0][0],
                due_date__lte=weeks[-1][-1],
            )
            .exclude(review_status=ReviewStatus.REJECTED)
            .order_by("due_date", "id")
            .limit(1000)
        )
        by_day: dict[date, list[Obligation]] = defaultdict(list)
        for o in rows:
            if o.due_date:
                by_day[o.due_date].append(o)
        prev_month = (first - timedelta(days=1)).replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return page(
            request,
            "calendar.html",
            ics=f"/api/calendar/{principal.organisation_id}/deadlines.ics",
            first=first,
            weeks=weeks,
            by_day=by_day,
            prev=f"{prev_month:%Y-%m}",
            next=f"{next_month:%Y-%m}",
        )

    @get("/sweep", opt={"roles": ADMIN_ONLY})
    async def sweep_page(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "sweep.html", result=None, as_of=clock.today())

    @post("/sweep", opt={"roles": ADMIN_ONLY})
    async def sweep_form(
        self, request: Request[Any, Any, Any], settings: AppSettings, data: URLEncodedBody[dict[str, str]]
    ) -> Template:
        """Run the sweep and say what it did, in words, with a link to every record and warning it made."""
        as_of = _required_date(data.get("as_of"), "as_of")
        warnings_before, failures_before = await notifications.last_ids()
        report = await sweep_obligations(as_of, settings.tracking_policies())
        new_failures = (
            await IntegrityFailure.filter(id__gt=failures_before)
            .order_by("id")
            .limit(200)
            .prefetch_related("organisation")
        )
        new_warnings = (
            await ObligationWarning.filter(id__gt=warnings_before)
            .order_by("due_date", "id")
            .limit(200)
            .prefetch_related("obligation")
        )
        return page(
            request,
            "sweep.html",
            result=report.to_dict(),
            as_of=as_of,
            new_failures=new_failures,
            new_warnings=new_warnings,
        )


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in free text — the rule of the table exports."""
    return neutralise(value)


class PublicPages(Controller):
    include_in_schema = False

    @get("/public", opt={"roles": PUBLIC})
    async def public_failures(
        self, request: Request[Any, Any, Any], q: FromQuery[str] = "", page_no: FromQuery[int] = 1
    ) -> Template:
        q = q.strip()[:100]
        page_no = max(page_no, 1)
        rows, total = await failure_svc.published(clock.today(), q or None, 20, (page_no - 1) * 20)
        periods = await queries.instance_periods(f.obligation_id for f in rows)
        return page(
            request,
            "public.html",
            failures=rows,
            periods=periods,
            total=total,
            q=q,
            page_no=page_no,
            pages=(total + 19) // 20,
        )

    @get("/lang/{code:str}", opt={"roles": PUBLIC})
    async def switch_language(self, code: FromPath[str], next_path: FromQuery[str] = "/") -> Redirect:
        lang = code if code in LANGS else "zh"
        return Redirect(
            safe_next(next_path),
            cookies=[Cookie(key=LANG_COOKIE, value=lang, path="/", max_age=365 * 24 * 3600, samesite="lax")],
        )
