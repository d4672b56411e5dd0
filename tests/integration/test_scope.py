"""``get_in_scope``: a row outside the caller's scope answers exactly as one that does not exist (404), by the
model's own visibility rule, locked or not, and through the API."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import NotFound
from app.models import Agreement, Document, Obligation, Organisation
from app.services.scope import find_in_scope, get_in_scope, managed_agreements
from tests.conftest import City
from tests.integration.tracking_helpers import agreement, obligation, principal


async def test_a_row_outside_the_scope_is_a_404_like_a_missing_one(city: City) -> None:
    ag = await agreement(city, owner="district_ndrc")  # 南海区's agreement, its document and obligation
    ob = await obligation(ag, city, owner="district_ndrc")
    inside, outside = await principal("admin"), await principal("department")  # 市发展改革局 sees its subtree
    for model, row_id in [(Agreement, ag.id), (Document, ag.document_id), (Obligation, ob.id)]:
        assert (await get_in_scope(model, row_id, inside)).id == row_id
        for lock in (False, True):
            with pytest.raises(NotFound) as refused:
                await get_in_scope(model, row_id, outside, lock=lock)
            assert "does not exist or is not visible to you" in refused.value.detail
        with pytest.raises(NotFound) as missing:
            await get_in_scope(model, 999_999, inside)
        assert missing.value.detail.replace("999999", str(row_id)) == refused.value.detail
    own = city.orgs["district_ndrc"]
    assert (await get_in_scope(Organisation, own, await principal("district_department"))).id == own
    with pytest.raises(NotFound):  # its government is above its subtree
        await get_in_scope(Organisation, city.orgs["district"], await principal("district_department"))


async def test_the_model_rule_or_the_given_scope_decides(city: City) -> None:
    """A department sees an agreement holding its obligation (the model's rule) but does not manage it."""
    ag = await agreement(city, owner="investment")
    ob = await obligation(ag, city, owner="ndrc")
    department = await principal("department")
    assert (await get_in_scope(Agreement, ag.id, department)).id == ag.id
    assert await find_in_scope(Agreement, ag.id, department, scope=managed_agreements(department)) is None
    owner_loaded = await get_in_scope(Obligation, ob.id, department, related=("owner",))
    assert isinstance(owner_loaded.owner, Organisation)


async def test_the_api_answers_404_for_rows_outside_the_scope(client: Any, city: City) -> None:
    ag = await agreement(city, owner="district_ndrc")
    ob = await obligation(ag, city, owner="district_ndrc")
    for url in (f"/api/agreements/{ag.id}", f"/api/obligations/{ob.id}", f"/api/documents/{ag.document_id}"):
        assert (await client.get(url, headers=city.auth("admin"))).status_code == 200, url
        outside = await client.get(url, headers=city.auth("department"))
        assert outside.status_code == 404, url
        assert "not visible to you" in outside.json()["detail"]


async def test_the_whole_tree_is_no_condition_and_a_subtree_still_filters(client: Any, city: City) -> None:
    """The administrator's scope (``/``) adds no join to a list; a narrower scope still filters by path."""
    from app.services.scope import ROOT, within

    assert within("owner", ROOT).children == ()
    assert not within("owner", ROOT).filters
    assert within("owner", "/1/").filters == {"owner__path__startswith": "/1/"}
    for owner in ("district_ndrc", "ndrc", "investment"):
        await obligation(await agreement(city, owner=owner), city, owner=owner)
    everything = await Obligation.all().count()
    admin = (await client.get("/api/obligations/", headers=city.auth("admin"))).json()
    assert admin["total"] == everything == 3
    district = (await client.get("/api/obligations/", headers=city.auth("district_department"))).json()
    assert district["total"] == 1


async def test_list_pages_count_the_whole_scope_on_every_page_and_past_the_end(client: Any, city: City) -> None:
    """The total rides on the page's rows: it must be the scope's count on a full page, a short last page
    and a page past the end, and never count another body's rows."""
    from datetime import date

    from app.models import IntegrityFailure

    ag = await agreement(city, owner="ndrc")
    for day in range(1, 6):
        await obligation(ag, city, owner="ndrc", nominal=date(2024, 3, day))
    await obligation(await agreement(city, owner="district_ndrc"), city, owner="district_ndrc")
    for ob in await Obligation.filter(owner_id=city.orgs["ndrc"]).order_by("id"):
        await IntegrityFailure.create(
            kind="government_breach", obligation=ob, organisation_id=city.orgs["ndrc"], obligor_name="x",
            state="detected", severity="general", due_date=ob.nominal_date, detected_on=date(2024, 4, 1),
            days_late=3, clause=ob.quote,
        )  # fmt: skip
    dept = city.auth("department")
    for path in ("/api/obligations/", "/api/failures/"):
        pages = [(await client.get(f"{path}?limit=2&offset={o}", headers=dept)).json() for o in (0, 4, 6)]
        assert [p["total"] for p in pages] == [5, 5, 5], path
        assert [len(p["items"]) for p in pages] == [2, 1, 0], path
    first = (await client.get("/api/obligations/?limit=2", headers=dept)).json()["items"]
    assert [o["deadline"]["nominal_date"] for o in first] == ["2024-03-01", "2024-03-02"]
    assert first[0]["owner_name"] == "市发展改革局"
    none = (await client.get("/api/obligations/?limit=2&agreement_id=999999", headers=dept)).json()
    assert none["total"] == 0
    assert none["items"] == []


async def test_a_page_and_its_total_are_one_statement(city: City, caplog: pytest.LogCaptureFixture) -> None:
    """``rows_page`` reads a page and the whole query's count in one SELECT (each statement is a hand-off to the
    database); a page past the end, which has no row to carry the count, counts on its own."""
    import logging

    from app.services.listings import rows_page

    ag = await agreement(city, owner="ndrc")
    for _ in range(3):
        await obligation(ag, city, owner="ndrc")
    query = Obligation.filter(owner_id=city.orgs["ndrc"])
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        caplog.clear()
        rows, total = await rows_page(query, ("id",), 2, 0, ("id", "quote"), owner_name="owner__name")
        statements = [r for r in caplog.records if "SELECT" in r.getMessage()]
        assert len(statements) == 1
        assert (len(rows), total) == (2, 3)
        assert set(rows[0]) == {"id", "quote", "owner_name"}  # the count's column is not a row field
        caplog.clear()
        assert await rows_page(query, ("id",), 2, 5, ("id",)) == ([], 3)
        assert len([r for r in caplog.records if "SELECT" in r.getMessage()]) == 2
