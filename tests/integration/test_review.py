"""The review API: parties (preview, apply, re-derive), every field of an obligation, adding a missed clause,
split and merge — on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import City, wait_for_jobs
from tests.review_contract import LAND, MISSED, SIGNED_ON, SUBSIDY, contract_pdf


async def uploaded(client: Any, city: City) -> dict[str, Any]:
    response = await client.post(
        "/api/documents",
        files={"file": ("协议.pdf", contract_pdf(), "application/pdf")},
        data={"signed_on": SIGNED_ON},
        headers=city.auth("investment"),
    )
    assert response.status_code == 202, response.text
    await wait_for_jobs(client)
    doc = (await client.get(f"/api/documents/{response.json()['id']}", headers=city.auth("investment"))).json()
    obligations = (
        await client.get(f"/api/obligations?document_id={doc['id']}", headers=city.auth("investment"))
    ).json()["items"]
    return {"doc": doc, "obligations": obligations, "agreement_id": obligations[0]["agreement_id"]}


def by_quote(obligations: list[dict[str, Any]], text: str) -> dict[str, Any]:
    (row,) = [o for o in obligations if text in o["quote"]]
    return row


async def party_a(client: Any, city: City, agreement_id: int) -> dict[str, Any]:
    parties = (await client.get(f"/api/agreements/{agreement_id}/parties", headers=city.auth("investment"))).json()
    (a,) = [p for p in parties if p["label"] == "甲方"]
    return dict(a)


async def test_party_change_is_previewed_then_rederives_its_obligations(client: Any, city: City) -> None:
    up = await uploaded(client, city)
    auth = city.auth("investment")
    agreement = up["agreement_id"]
    a = await party_a(client, city, agreement)
    change = {"name": "某镇人民政府", "role": "government", "organisation_id": city.orgs["district"]}
    preview = await client.post(f"/api/agreements/{agreement}/parties/{a['id']}/preview", json=change, headers=auth)
    assert preview.status_code == 200, preview.text
    listed = {c["obligation_id"]: c for c in preview.json()}
    land, subsidy = by_quote(up["obligations"], LAND), by_quote(up["obligations"], SUBSIDY)
    assert set(listed) == {land["id"], subsidy["id"]}  # only 甲方's rows; 乙方's are untouched
    assert {c["role_after"] for c in listed.values()} == {"government"}
    assert {c["owner_after"] for c in listed.values()} == {city.orgs["district"]}
    # a preview writes nothing
    unchanged = (await client.get(f"/api/obligations/{land['id']}", headers=auth)).json()
    assert unchanged["owner_id"] == land["owner_id"]
    assert unchanged["obligor_role"] == land["obligor_role"]

    applied = await client.patch(f"/api/agreements/{agreement}/parties/{a['id']}", json=change, headers=auth)
    assert applied.status_code == 200, applied.text
    assert applied.json()["party"] == {"id": a["id"], "label": "甲方", **change}
    assert {c["obligation_id"] for c in applied.json()["obligations"]} == set(listed)
    for row in (land, subsidy):
        now = (await client.get(f"/api/obligations/{row['id']}", headers=auth)).json()
        assert (now["obligor_role"], now["owner_id"], now["obligor_name"]) == (
            "government",
            city.orgs["district"],
            "某镇人民政府",
        )
    others = [o for o in up["obligations"] if o["id"] not in listed]
    for row in others:
        assert (await client.get(f"/api/obligations/{row['id']}", headers=auth)).json()[
            "obligor_role"
        ] == "counterparty"

    from app.models import AuditLog

    assert await AuditLog.filter(action="agreement_party.updated", entity_id=a["id"]).count() == 1
    assert await AuditLog.filter(action="obligation.rederived").count() == 2

    # back to counterparty: the managing bureau owns them again, the link to the organisation is dropped
    back = await client.patch(
        f"/api/agreements/{agreement}/parties/{a['id']}", json={"role": "counterparty"}, headers=auth
    )
    assert back.json()["party"]["organisation_id"] is None
    assert {c["owner_after"] for c in back.json()["obligations"]} == {city.orgs["investment"]}


async def test_party_change_refuses_bad_input_naming_the_field(client: Any, city: City) -> None:
    from app.models import Organisation, OrgKind

    other = await Organisation.create(name="广州市", kind=OrgKind.CITY, path="/")
    other.path = f"/{other.id}/"
    await other.save()
    up = await uploaded(client, city)
    agreement, auth = up["agreement_id"], city.auth("investment")
    a = await party_a(client, city, agreement)
    url = f"/api/agreements/{agreement}/parties/{a['id']}"
    outside = await client.patch(url, json={"role": "government", "organisation_id": other.id}, headers=auth)
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["key"] == "organisation_id"
    duplicate = await client.patch(url, json={"label": "乙方"}, headers=auth)
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"][0]["key"] == "label"
    bad_role = await client.patch(url, json={"role": "somebody"}, headers=auth)
    assert bad_role.status_code == 422
    assert "role" in bad_role.text
    refused = await client.patch(url, json={"role": "government"}, headers=city.auth("department"))
    assert refused.status_code in (403, 404)


async def test_every_field_of_an_obligation_is_editable(client: Any, city: City) -> None:
    up = await uploaded(client, city)
    auth = city.auth("investment")
    land = by_quote(up["obligations"], LAND)
    url = f"/api/obligations/{land['id']}/fields"
    # a deadline phrase is re-read by the extractor's rules, anchored on the signing date
    phrase = await client.patch(url, json={"deadline_text": "本协议签订之日起60日内"}, headers=auth)
    assert phrase.status_code == 200, phrase.text
    deadline = phrase.json()["deadline"]
    assert deadline["text"] == "本协议签订之日起60日内"
    assert deadline["due_date"] == "2026-03-11"  # 2026-01-10 + 60 days, a Wednesday
    unreadable = await client.patch(url, json={"deadline_text": "尽快"}, headers=auth)
    assert unreadable.status_code == 422
    assert unreadable.json()["errors"][0]["key"] == "deadline_text"
    # the failed edit changed nothing
    assert (await client.get(f"/api/obligations/{land['id']}", headers=auth)).json()["deadline"] == deadline
    edited = await client.patch(
        url,
        json={
            "obligor_role": "government",
            "obligor_name": "某镇人民政府",
            "owner_id": city.orgs["district"],
            "responsible": ["南海区发展改革局", " "],
            "category": "land",
            "nominal_date": "2026-04-04",  # a Saturday (and 清明): moved to the next working day
            "amount": "50000",
            "recurrence": "每年6月30日前",
        },
        headers=auth,
    )
    assert edited.status_code == 200, edited.text
    e = edited.json()
    assert (e["obligor_role"], e["obligor_name"], e["owner_id"]) == (
        "government",
        "某镇人民政府",
        city.orgs["district"],
    )
    assert e["responsible"] == ["南海区发展改革局"]
    assert (e["category"], float(e["amount"])) == ("land", 50000.0)
    assert e["deadline"]["recurrence"] == "RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30"  # the words, as a schedule
    assert e["deadline"]["nominal_date"] == "2026-04-04"
    assert date.fromisoformat(e["deadline"]["due_date"]) > date(2026, 4, 4)
    assert e["review_status"] == "proposed"
    # the span: narrowed to part of the clause, the quote follows the text
    text = up["doc"].get("text", None)
    span = await client.patch(url, json={"start": land["start"], "end": land["start"] + 2}, headers=auth)
    assert span.status_code == 200, span.text
    assert span.json()["quote"] == "甲方"
    assert text is None or text[land["start"] : land["start"] + 2] == "甲方"
    outside = await client.patch(url, json={"start": 10, "end": 10_000_000}, headers=auth)
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["key"] == "start"
    bad_category = await client.patch(url, json={"category": "nonsense"}, headers=auth)
    assert bad_category.status_code == 422
    assert "category" in bad_category.text
    negative = await client.patch(url, json={"amount": "-1"}, headers=auth)
    assert negative.status_code == 422
    assert "amount" in negative.text


async def document_text(client: Any, city: City, doc_id: int) -> str:
    from app.models import Document

    return str((await Document.get(id=doc_id)).text)


async def test_a_missed_clause_is_added_by_its_span(client: Any, city: City) -> None:
    up = await uploaded(client, city)
    auth = city.auth("investment")
    assert not [o for o in up["obligations"] if "配套道路" in o["quote"]]  # the extractor misses it
    text = await document_text(client, city, up["doc"]["id"])
    start = text.index(MISSED)
    a = await party_a(client, city, up["agreement_id"])
    await client.patch(
        f"/api/agreements/{up['agreement_id']}/parties/{a['id']}",
        json={"name": "某镇人民政府", "role": "government", "organisation_id": city.orgs["district"]},
        headers=auth,
    )
    added = await client.post(
        f"/api/documents/{up['doc']['id']}/obligations",
        json={"start": start - 1, "end": start + len(MISSED), "party_id": a["id"], "category": "construction"},
        headers=auth,
    )
    assert added.status_code == 201, added.text
    ob = added.json()
    assert ob["quote"] == MISSED  # the selection's surrounding blanks are trimmed
    assert (ob["start"], ob["end"]) == (start, start + len(MISSED))
    assert (ob["obligor_label"], ob["obligor_role"], ob["owner_id"]) == ("甲方", "government", city.orgs["district"])
    assert ob["deadline"]["nominal_date"] == "2026-09-30"
    assert ob["review_status"] == "proposed"
    assert ob["confidence"] == 1.0
    listed = (await client.get(f"/api/obligations?document_id={up['doc']['id']}", headers=auth)).json()["items"]
    assert len(listed) == len(up["obligations"]) + 1
    bad = await client.post(f"/api/documents/{up['doc']['id']}/obligations", json={"start": 5, "end": 5}, headers=auth)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["key"] == "start"


async def test_split_and_merge_rows(client: Any, city: City) -> None:
    up = await uploaded(client, city)
    auth = city.auth("investment")
    subsidy = by_quote(up["obligations"], SUBSIDY)
    at = subsidy["start"] + SUBSIDY.index("向乙方")
    split = await client.post(f"/api/obligations/{subsidy['id']}/split", json={"at": at}, headers=auth)
    assert split.status_code == 200, split.text
    first, second = split.json()
    assert first["quote"] + second["quote"] == SUBSIDY
    assert first["deadline"]["nominal_date"] == "2026-06-30"
    assert second["deadline"]["kind"] == "none"
    assert second["obligor_label"] == "甲方"
    assert second["owner_id"] == first["owner_id"]
    outside = await client.post(f"/api/obligations/{subsidy['id']}/split", json={"at": 0}, headers=auth)
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["key"] == "at"

    merged = await client.post(f"/api/obligations/{first['id']}/merge", json={"other_id": second["id"]}, headers=auth)
    assert merged.status_code == 200, merged.text
    assert merged.json()["quote"] == SUBSIDY
    assert merged.json()["deadline"]["nominal_date"] == "2026-06-30"
    gone = (await client.get(f"/api/obligations/{second['id']}", headers=auth)).json()
    assert gone["review_status"] == "rejected"
    assert gone["state_reason"] == f"merged into #{first['id']}"
    again = await client.post(f"/api/obligations/{first['id']}/merge", json={"other_id": second["id"]}, headers=auth)
    assert again.status_code == 409


async def test_review_page_sorts_by_confidence_flags_low_ones_and_warns_of_overdue_rows(
    client: Any, city: City
) -> None:
    import re

    from app.models import Obligation

    up = await uploaded(client, city)
    land, subsidy = by_quote(up["obligations"], LAND), by_quote(up["obligations"], SUBSIDY)
    await Obligation.filter(id=subsidy["id"]).update(confidence=0.4)
    await Obligation.filter(id=land["id"]).update(confidence=0.99)
    html = (await client.get(f"/documents/{up['doc']['id']}/review", headers=city.auth("investment"))).text
    order = [int(i) for i in re.findall(r'<article class="obligation review-row[^"]*" id="ob-(\d+)"', html)]
    assert order[0] == subsidy["id"]  # least confident first
    assert order[-1] == land["id"]
    assert re.search(rf'class="obligation review-row proposed low-confidence" id="ob-{subsidy["id"]}"', html)
    assert not re.search(rf'low-confidence" id="ob-{land["id"]}"', html)
    # a due date before today: the warning is shown before confirming; a future one is not
    rows = dict(re.findall(r'id="ob-(\d+)"(.*?)</article>', html, re.S))
    from app import clock

    for ob in up["obligations"]:
        warning = re.search(r'<p class="overdue-warning" role="status"( hidden)?>', rows[str(ob["id"])])
        assert warning is not None
        due = ob["deadline"]["due_date"]
        overdue = due is not None and date.fromisoformat(due) < clock.today()
        assert (warning.group(1) is None) == overdue, ob
    assert "协议各方" in html
    assert "某某科技有限公司" in html
