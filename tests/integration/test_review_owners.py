"""Issue 10: owners resolved without guessing, government breach vs counterparty default everywhere,
events that say what they do, overdue-on-confirmation warnings."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import extractors
from app import clock
from tests.conftest import City
from tests.integration.tracking_helpers import agreement, obligation

GOV: Any = "government"
CP: Any = "counterparty"


def _ob(n: int, obligor: extractors.Party, responsible: tuple[str, ...] = ()) -> extractors.Obligation:
    return extractors.Obligation(
        text=f"第{n}项义务。", page=1, start=n * 10, end=n * 10 + 6, obligor=obligor, responsible=responsible
    )


async def _extract(city: City, uploader: str, org: str, obligations: list[extractors.Obligation]) -> Any:
    from app.models import Document, Obligation, User
    from app.services.extraction import save_extraction

    user = await User.get(username=uploader)
    doc = await Document.create(
        sha256=f"{len(obligations):02d}{uploader}".ljust(64, "0"),
        filename="协议.pdf",
        media_type="application/pdf",
        size=1,
        organisation_id=city.orgs[org],
        uploaded_by=user,
    )
    info = extractors.DocumentInfo(
        sha256=doc.sha256,
        pages=1,
        language="zh",
        kind=extractors.DocumentKind("investment_promotion"),
        title="投资合作协议",
        signed_on=date(2024, 1, 10),
        parties=(
            extractors.Party("甲方", "佛山市财政局", GOV),
            extractors.Party("乙方", "某某科技有限公司", CP),
            extractors.Party("丙方", None, GOV),
        ),
    )
    result = extractors.ExtractionResult(info, tuple(obligations), text="x" * 200, extractor_version="t")
    ag = await save_extraction(doc, result)
    rows = await Obligation.filter(agreement_id=ag.id).order_by("ordinal").prefetch_related("owner")
    return ag, rows


async def test_owners_come_from_parties_labels_and_lead_units_never_a_guess(city: City) -> None:
    _ag, rows = await _extract(
        city,
        "investment",
        "investment",
        [
            _ob(0, extractors.Party("甲方", "甲方", GOV)),  # the label points at the party 佛山市财政局
            _ob(1, extractors.Party(None, "甲方（佛山市发展和改革局）", GOV)),  # labelled name, alias
            _ob(2, extractors.Party("丙方", "丙方", GOV)),  # a party without a name: nobody to charge
            _ob(3, extractors.Party("乙方", "乙方", CP)),  # the counterparty: tracked by the managing bureau
            _ob(4, extractors.Party(None, None, GOV), ("市行政服务中心", "市财政局")),  # lead unknown
            _ob(5, extractors.Party(None, None, GOV), ("佛山市南海区发展改革局", "市财政局")),
        ],
    )
    got = [(r.owner.name, r.owner_unresolved) for r in rows]
    assert got == [
        ("市财政局", False),
        ("市发展改革局", False),
        ("市投资促进局", True),
        ("市投资促进局", False),
        ("市投资促进局", True),  # never the co-responsible 市财政局
        ("南海区发展改革局", False),
    ]
    assert rows[0].proposal["obligor_role"] == "government"
    assert rows[1].proposal["obligor"] == "甲方（佛山市发展和改革局）"


async def test_an_owner_outside_the_uploaders_scope_is_left_unresolved(city: City) -> None:
    _, rows = await _extract(
        city, "district_department", "district_ndrc", [_ob(0, extractors.Party(None, "佛山市财政局", GOV))]
    )
    assert rows[0].owner_unresolved
    assert rows[0].owner_id == city.orgs["district_ndrc"]


async def test_unresolved_rows_block_confirmation_until_assigned(client: Any, city: City) -> None:
    ag = await agreement(city)
    a = await obligation(ag, city, confirmed=False, owner_unresolved=True)
    b = await obligation(ag, city, confirmed=False)
    response = await client.post(
        "/api/obligations/confirm", json={"ids": [a.id, b.id]}, headers=city.auth("investment")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["unresolved"] == [a.id]
    assert response.json()["errors"][0]["key"] == "owner_id"
    await b.refresh_from_db()
    assert b.review_status == "proposed"  # all or none
    assigned = await client.post(
        "/api/obligations/owner",
        json={"ids": [a.id], "organisation_id": city.orgs["finance"]},
        headers=city.auth("investment"),
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()[0]["owner_unresolved"] is False
    response = await client.post(
        "/api/obligations/confirm", json={"ids": [a.id, b.id]}, headers=city.auth("investment")
    )
    assert response.status_code == 200, response.text


async def test_an_owner_outside_scope_needs_an_explicit_decision_and_sees_only_its_obligations(
    client: Any, city: City
) -> None:
    from app.models import Organisation, OrgKind
    from app.services.organisations import create_organisation

    other_city = await create_organisation("广州市", OrgKind.CITY)
    body = await create_organisation("广州市财政局", OrgKind.DEPARTMENT, other_city.id)
    from app.models import Role
    from app.security import new_api_token
    from app.services.users import add_user

    user = await add_user("gz", "correct horse battery", Role.DEPARTMENT, body.id)
    city.tokens["gz"] = await new_api_token(user, "t", read_only=False)
    ag = await agreement(city)
    mine = await obligation(ag, city, confirmed=False, owner_unresolved=True)
    kept = await obligation(ag, city, confirmed=False)
    refused = await client.post(
        "/api/obligations/owner", json={"ids": [mine.id], "organisation_id": body.id}, headers=city.auth("investment")
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["key"] == "outside_scope"
    done = await client.post(
        "/api/obligations/owner",
        json={"ids": [mine.id], "organisation_id": body.id, "outside_scope": True},
        headers=city.auth("investment"),
    )
    assert done.status_code == 200, done.text
    assert (await Organisation.get(id=done.json()[0]["owner_id"])).name == "广州市财政局"
    # the managing bureau still tracks it; the other body sees that obligation, not the rest nor the text
    assert (await client.get(f"/api/obligations/{mine.id}", headers=city.auth("investment"))).status_code == 200
    assert (await client.get(f"/api/obligations/{mine.id}", headers=city.auth("gz"))).status_code == 200
    assert (await client.get(f"/api/obligations/{kept.id}", headers=city.auth("gz"))).status_code == 404
    listed = (await client.get("/api/obligations", headers=city.auth("gz"))).json()["items"]
    assert [o["id"] for o in listed] == [mine.id]
    assert (await client.get(f"/api/documents/{ag.document_id}", headers=city.auth("gz"))).status_code == 404
    from app.models import AuditLog

    entry = await AuditLog.filter(action="obligation.assign_owner", entity_id=mine.id).first()
    assert entry is not None
    assert entry.after is not None
    assert entry.after["outside_scope"] is True


async def _swept_pair(client: Any, city: City) -> tuple[Any, Any]:
    """A government breach of 市发展改革局 and a counterparty default on an agreement the investment
    bureau manages (the default's row wrongly owned by 市发展改革局: the record must not follow it)."""
    ag = await agreement(city)
    gov = await obligation(ag, city, owner="ndrc", nominal=date(2024, 1, 31))
    cp = await obligation(ag, city, owner="ndrc", role="counterparty", nominal=date(2024, 1, 31))
    swept = await client.post("/api/sweep", json={"as_of": "2024-04-01"}, headers=city.auth("admin"))
    assert swept.json()["government_failures"] == 1
    assert swept.json()["counterparty_defaults"] == 1
    return gov, cp


async def test_a_counterparty_default_is_the_managing_bureaus_违约_never_a_失信(client: Any, city: City) -> None:
    from app.models import IntegrityFailure

    gov, cp = await _swept_pair(client, city)
    breach = await IntegrityFailure.get(obligation_id=gov.id)
    default = await IntegrityFailure.get(obligation_id=cp.id)
    assert (breach.kind, breach.organisation_id) == ("government_breach", city.orgs["ndrc"])
    assert (default.kind, default.organisation_id) == ("counterparty_default", city.orgs["investment"])
    # the department's 本单位失信记录 lists only its own breach
    my = (await client.get("/my", headers=city.auth("department"))).text
    assert f'data-failure="{breach.id}"' in my
    assert f'data-failure="{default.id}"' not in my
    admin_my = (await client.get("/my", headers=city.auth("admin"))).text
    table, _, rest = admin_my.partition('id="my-defaults"')
    assert f'data-failure="{default.id}"' not in table.split('id="my-failures"', 1)[1]
    assert f'data-failure="{default.id}"' in rest
    # the record page says which
    page = (await client.get(f"/failures/{default.id}", headers=city.auth("admin"))).text
    assert 'id="failure-kind">违约<' in page
    page = (await client.get(f"/failures/{breach.id}", headers=city.auth("admin"))).text
    assert 'id="failure-kind">政务失信<' in page
    # the API filters by type
    listed = (await client.get("/api/failures?kind=government_breach", headers=city.auth("admin"))).json()
    assert [f["id"] for f in listed["items"]] == [breach.id]


async def test_exports_carry_the_type(client: Any, city: City) -> None:
    _gov, _cp = await _swept_pair(client, city)
    text = (await client.get("/api/exports/failures?format=csv", headers=city.auth("admin"))).text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    col = rows[0].index("类型")
    assert sorted(r[col] for r in rows[1:]) == ["政务失信", "违约"]


async def test_public_api_and_notices_never_show_a_default_as_失信(client: Any, city: City) -> None:
    from app.models import FailureKind, IntegrityFailure
    from app.services.notifications import _failure_notice
    from app.services.webhook_formats import markdown

    gov, _cp = await _swept_pair(client, city)
    today = clock.today()
    await IntegrityFailure.all().update(
        published_from=date(2024, 1, 1), published_until=today.replace(year=today.year + 1)
    )
    public = (await client.get("/api/public/failures")).json()["items"]
    assert [p["id"] for p in public] == [(await IntegrityFailure.get(obligation_id=gov.id)).id]
    rows = (
        await IntegrityFailure.all()
        .order_by("id")
        .values(
            "id",
            "kind",
            "organisation_id",
            "organisation__name",
            "obligation_id",
            "obligor_name",
            "promised_to",
            "severity",
            "due_date",
            "days_late",
            "amount_outstanding",
            "clause",
        )
    )
    notices = {r["kind"]: _failure_notice(r, "k").payload for r in rows}
    assert notices[FailureKind.COUNTERPARTY_DEFAULT]["kind_label"] == "违约"
    assert notices[FailureKind.GOVERNMENT_BREACH]["kind_label"] == "政务失信"
    title, text = markdown("failure", notices[FailureKind.COUNTERPARTY_DEFAULT])
    assert title == "新增违约记录"
    assert "失信" not in text
    assert markdown("failure", notices[FailureKind.GOVERNMENT_BREACH])[0] == "新增失信记录"


async def test_ratings_count_only_government_breaches(client: Any, city: City) -> None:
    from app.services.stats import StatsFilter, by_organisation

    await _swept_pair(client, city)
    from app.models import IntegrityFailure

    await IntegrityFailure.all().update(state="found")
    rows = {
        r.label: r
        for r in await by_organisation("/", StatsFilter(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)))
    }
    assert rows["市发展改革局"].failures == 1
    assert rows["市投资促进局"].failures == 0  # its counterparty's default is no 失信 of its own


# ---- events -------------------------------------------------------------------------------------------


async def _anchored(city: City) -> tuple[Any, list[Any]]:
    ag = await agreement(city)
    rows = [
        await obligation(
            ag,
            city,
            confirmed=False,
            deadline_kind="relative",
            offset_value=30,
            offset_unit="day",
            anchor="other",
            anchor_text="乙方取得土地使用权证之日起",
        ),
        await obligation(
            ag,
            city,
            confirmed=False,
            deadline_kind="relative",
            offset_value=3,
            offset_unit="month",
            anchor="other",
            anchor_text="取得土地使用权证后",
        ),
        await obligation(
            ag,
            city,
            confirmed=False,
            deadline_kind="relative",
            offset_value=10,
            offset_unit="day",
            anchor="other",
            anchor_text="竣工验收后",
        ),
    ]
    return ag, rows


async def test_event_lists_previews_dates_exactly_the_preview_and_undoes(client: Any, city: City) -> None:
    from app.models import AuditLog, Obligation

    ag, (a, b, c) = await _anchored(city)
    auth = city.auth("investment")
    anchors = (await client.get(f"/api/agreements/{ag.id}/anchors", headers=auth)).json()
    assert {x["anchor_text"]: x["obligation_ids"] for x in anchors} == {
        "乙方取得土地使用权证之日起": [a.id],
        "取得土地使用权证后": [b.id],
        "竣工验收后": [c.id],
    }
    body = {"anchor_texts": ["取得土地使用权证"], "occurred_on": "2024-03-05"}
    preview = (await client.post(f"/api/agreements/{ag.id}/events/preview", json=body, headers=auth)).json()
    assert preview["summary"].startswith("dates 2 obligations: ")
    planned = {p["obligation_id"]: p["due_date"] for p in preview["obligations"]}
    assert planned == {a.id: "2024-04-07", b.id: "2024-06-05"}
    recorded = await client.post(
        f"/api/agreements/{ag.id}/events",
        json={"kind": "land_certificate", "occurred_on": "2024-03-05", "anchor_texts": ["取得土地使用权证"]},
        headers=auth,
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["resolved_obligations"] == 2
    dated = {o.id: o.due_date for o in await Obligation.filter(agreement_id=ag.id, due_date__isnull=False)}
    assert {i: d.isoformat() for i, d in dated.items()} == planned
    undone = await client.post(f"/api/agreements/{ag.id}/events/{recorded.json()['id']}/undo", headers=auth)
    assert undone.status_code == 200, undone.text
    assert await Obligation.filter(agreement_id=ag.id, due_date__isnull=False).count() == 0
    assert await AuditLog.filter(action="agreement.event_undone", entity_id=ag.id).exists()
    again = await client.post(f"/api/agreements/{ag.id}/events/{recorded.json()['id']}/undo", headers=auth)
    assert again.status_code == 409


async def test_an_event_no_obligation_names_is_refused(client: Any, city: City) -> None:
    from app.models import AgreementEvent

    ag, _ = await _anchored(city)
    response = await client.post(
        f"/api/agreements/{ag.id}/events",
        json={"kind": "land_handover", "occurred_on": "2024-03-05", "description": "土地交付"},
        headers=city.auth("investment"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["key"] == "anchor_texts"
    assert "竣工验收后" in response.json()["anchors"]
    assert not await AgreementEvent.filter(agreement_id=ag.id).exists()


def _field_error(html: str, key: str) -> str:
    found = re.search(rf'<p class="field-error" role="alert" data-for="{key}">([^<]*)</p>', html)
    assert found, html
    return found.group(1)


async def test_the_agreement_page_refuses_events_inline_previews_exactly_what_is_dated_and_undoes(
    client: Any, city: City
) -> None:
    from app.models import AgreementEvent, AuditLog, Obligation
    from tests.integration.test_ui_pages import form_login

    ag, (_, b, _) = await _anchored(city)
    token = await form_login(client, "investment")
    url = f"/agreements/{ag.id}"
    shown = (await client.get(url)).text
    for text in ("乙方取得土地使用权证之日起", "取得土地使用权证后", "竣工验收后"):  # the anchors to choose from
        assert f'<option value="{text}">{text}</option>' in shown
    form = {"_csrf_token": token, "kind": "land_handed_over", "occurred_on": "2024-03-05", "description": "土地交付"}

    # an event no obligation names: refused beside its field, in Chinese, on the agreement page, values kept
    refused = await client.post(f"{url}/events", data=form | {"action": "record"})
    assert refused.status_code == 422
    message = _field_error(refused.text, "anchor_texts")
    assert message.startswith("起算事件：该事件不是本协议任何义务的起算事件，未记录。")
    assert "竣工验收后" in message
    assert 'id="event-form"' in refused.text
    assert 'value="土地交付"' in refused.text
    assert 'value="2024-03-05"' in refused.text
    # an impossible date: the same, beside the date
    bad_date = await client.post(f"{url}/events", data=form | {"occurred_on": "2024-02-30", "action": "record"})
    assert bad_date.status_code == 422
    assert _field_error(bad_date.text, "occurred_on").startswith("发生日期：请填写有效日期")
    assert 'value="土地交付"' in bad_date.text
    assert not await AgreementEvent.filter(agreement_id=ag.id).exists()

    # the preview lists what recording dates, and changes nothing
    chosen = form | {"anchor_text": "取得土地使用权证后", "description": ""}
    preview = await client.post(f"{url}/events", data=chosen | {"action": "preview"})
    assert preview.status_code == 200, preview.text
    listed = {int(i) for i in re.findall(r'<li data-obligation="(\d+)">', preview.text)}
    assert listed == {b.id}
    assert f"将确定以下 {len(listed)} 项义务的期限" in preview.text
    assert 'value="取得土地使用权证后" selected' in preview.text
    assert not await Obligation.filter(agreement_id=ag.id, due_date__isnull=False).exists()
    recorded = await client.post(f"{url}/events", data=chosen | {"action": "record"})
    assert recorded.status_code in (302, 303), recorded.text
    dated = {o.id for o in await Obligation.filter(agreement_id=ag.id, due_date__isnull=False)}
    assert dated == listed
    (event,) = await AgreementEvent.filter(agreement_id=ag.id)

    # undone from the page: the dates go, the undo is audited, the event stays listed as undone
    undone = await client.post(f"{url}/events/{event.id}/undo", data={"_csrf_token": token})
    assert undone.status_code in (302, 303), undone.text
    assert not await Obligation.filter(agreement_id=ag.id, due_date__isnull=False).exists()
    assert await AuditLog.filter(action="agreement.event_undone", entity_id=ag.id).exists()
    after = (await client.get(url)).text
    assert f'<li data-event="{event.id}" class="undone">' in after
    assert "已撤销" in after


async def test_an_obligation_is_anchored_on_an_event_by_hand(client: Any, city: City) -> None:
    ag, (a, _b, c) = await _anchored(city)
    auth = city.auth("investment")
    recorded = await client.post(
        f"/api/agreements/{ag.id}/events",
        json={"kind": "acceptance", "occurred_on": "2024-05-06", "anchor_texts": ["竣工验收"]},
        headers=auth,
    )
    assert recorded.json()["resolved_obligations"] == 1
    anchored = await client.post(
        f"/api/obligations/{a.id}/anchor", json={"event_id": recorded.json()["id"]}, headers=auth
    )
    assert anchored.status_code == 200, anchored.text
    assert anchored.json()["anchor_event_id"] == recorded.json()["id"]
    assert anchored.json()["deadline"]["due_date"] == "2024-06-05"
    unknown = await client.post(f"/api/obligations/{a.id}/anchor", json={"event_id": 999999}, headers=auth)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["key"] == "event_id"
    await client.post(f"/api/agreements/{ag.id}/events/{recorded.json()['id']}/undo", headers=auth)
    await a.refresh_from_db()
    await c.refresh_from_db()
    assert a.due_date is None
    assert c.due_date is None


async def test_confirming_overdue_obligations_warns(client: Any, city: City) -> None:
    ag = await agreement(city)
    late = await obligation(ag, city, confirmed=False, nominal=date(2024, 1, 31))
    later = await obligation(ag, city, confirmed=False, nominal=clock.today().replace(year=clock.today().year + 1))
    none = await obligation(ag, city, confirmed=False)
    response = await client.post(
        "/api/obligations/confirm", json={"ids": [late.id, later.id, none.id]}, headers=city.auth("investment")
    )
    assert response.status_code == 200, response.text
    assert response.json()["overdue_on_confirmation"] == [late.id]
    assert {o["review_status"] for o in response.json()["obligations"]} == {"confirmed"}


# ---- corrections are data ------------------------------------------------------------------------------

TEXT = "第一条 甲方应于2025年3月1日前支付补助资金100万元。第二条 乙方应当按期开工建设。第三条 甲方负责协调供电。"


def _scorer() -> Any:
    import importlib.util
    from pathlib import Path

    path = Path("/work/shared/tools/score_extraction.py")
    if not path.exists():  # pragma: no cover - the shared tools live beside the repository
        import pytest

        pytest.skip("the shared scorer is not available")
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _clause(quote: str, obligor: extractors.Party, **kw: Any) -> extractors.Obligation:
    start = TEXT.index(quote)
    return extractors.Obligation(text=quote, page=1, start=start, end=start + len(quote), obligor=obligor, **kw)


async def test_corpus_export_is_the_confirmed_facts_and_differs_from_the_proposal_by_the_corrections(
    client: Any, city: City, tmp_path: Any
) -> None:
    import json

    from app.models import Document, User
    from app.services.corpus import export_corpus
    from app.services.extraction import save_extraction

    doc = await Document.create(
        sha256="c" * 64,
        filename="协议.pdf",
        media_type="application/pdf",
        size=1,
        organisation_id=city.orgs["investment"],
        uploaded_by=await User.get(username="investment"),
        language="zh",
    )
    info = extractors.DocumentInfo(
        sha256=doc.sha256,
        pages=1,
        language="zh",
        kind=extractors.DocumentKind("investment_promotion"),
        title="投资合作协议",
        signed_on=date(2024, 1, 10),
        parties=(extractors.Party("甲方", "佛山市财政局", GOV), extractors.Party("乙方", "某某科技有限公司", CP)),
    )
    clauses = (
        _clause(
            "甲方应于2025年3月1日前支付补助资金100万元。",
            extractors.Party("甲方", "甲方", GOV),
            deadline=extractors.Deadline(kind="absolute", date=date(2025, 3, 1), text="2025年3月1日前"),
            amount=extractors.Amount(1_000_000.0, "CNY", "100万元"),
        ),
        _clause("乙方应当按期开工建设。", extractors.Party("乙方", "乙方", GOV)),  # role wrong: a correction
        _clause("甲方负责协调供电。", extractors.Party("甲方", "甲方", GOV)),  # to be rejected
    )
    ag = await save_extraction(doc, extractors.ExtractionResult(info, clauses, text=TEXT, extractor_version="t"))
    auth = city.auth("investment")
    rows = (await client.get(f"/api/obligations?agreement_id={ag.id}", headers=auth)).json()["items"]
    by_quote = {r["quote"]: r for r in rows}
    first, second, third = (by_quote[c.text] for c in clauses)
    fixed = await client.patch(
        f"/api/obligations/{second['id']}",
        json={"obligor_role": "counterparty", "nominal_date": "2025-06-30", "review_status": "confirmed"},
        headers=auth,
    )
    assert fixed.status_code == 200, fixed.text
    assert (await client.post(f"/api/obligations/{third['id']}/reject", headers=auth)).status_code == 200
    assert (await client.post("/api/obligations/confirm", json={"ids": [first["id"]]}, headers=auth)).status_code == 200

    assert await export_corpus(tmp_path) == [f"chengxin_{doc.id}"]
    text = (tmp_path / f"chengxin_{doc.id}.txt").read_text(encoding="utf-8")
    exported = json.loads((tmp_path / f"chengxin_{doc.id}.gold.json").read_text(encoding="utf-8"))
    assert text == TEXT
    assert all(g["quote"] in text for g in exported["obligations"])
    # scored with the corpus scorer, the confirmed facts as the API shows them score 1.0 against the export
    scorer = _scorer()
    confirmed = [
        r
        for r in (await client.get(f"/api/obligations?agreement_id={ag.id}", headers=auth)).json()["items"]
        if r["review_status"] == "confirmed"
    ]
    predictions = [
        {
            "text": r["quote"],
            "obligor": {"name": r["obligor_name"] or r["obligor_label"], "role": r["obligor_role"]},
            "responsible": r["responsible"],
            "deadline": {"kind": r["deadline"]["kind"], "date": r["deadline"]["nominal_date"]},
            "amount": {"value": float(r["amount"]), "currency": r["currency"]} if r["amount"] else None,
        }
        for r in confirmed
    ]
    bucket = scorer.Bucket()
    scorer.score_doc(predictions, exported["obligations"], [bucket])
    scores = bucket.as_dict()
    assert scores["f1"] == 1.0
    for name in ("obligor_role_acc", "obligor_acc", "deadline_kind_acc", "deadline_date_acc", "amount_acc"):
        assert scores[name] == 1.0, name
    # … and differs from the proposal exactly by the corrections made
    from app.models import Obligation

    proposals = {o.id: o.proposal for o in await Obligation.filter(agreement_id=ag.id)}
    expected = [proposals[first["id"]], proposals[second["id"]]]
    expected[1] = expected[1] | {
        "obligor_role": "counterparty",
        "deadline": expected[1]["deadline"] | {"kind": "absolute", "date": "2025-06-30"},
    }
    assert exported["obligations"] == expected
    rates = (await client.get(f"/api/agreements/{ag.id}/corrections", headers=city.auth("evaluator"))).json()
    assert rates["proposed"] == 3
    assert rates["corrected"] == {"role": 1, "obligor": 0, "deadline": 1, "amount": 0, "text": 0}
    assert rates["rejected"] == 1
    assert rates["added"] == 0
    assert rates["rates"]["role"] == 1 / 3
