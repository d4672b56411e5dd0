"""Issue 12, point 2 over HTTP: 我的义务, an agreement's obligations, the agreements and the documents lists
search, filter, sort and page on the server, keep that state in their links, export what they select, and
never leave the caller's organisation scope — whatever the query string says."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html import unescape
from typing import Any

from app import clock
from tests.conftest import City
from tests.integration.tracking_helpers import agreement, obligation

H = dict[str, str]


def ids(html: str, attr: str) -> list[int]:
    return [int(x) for x in re.findall(rf'<(?:tr|article)[^>]* {attr}="(\d+)"', html)]


def total(html: str, element: str) -> int:
    found = re.search(rf'id="{element}">[^<\d]*(\d+)', html)
    assert found, f"no #{element}"
    return int(found.group(1))


def link(html: str, pattern: str) -> str:
    """The first href whose (unescaped) value matches ``pattern``."""
    for href in re.findall(r'href="([^"]*)"', html):
        if re.search(pattern, unescape(href)):
            return unescape(href)
    raise AssertionError(f"no link matching {pattern!r}")


async def exported(client: Any, path: str, href: str, headers: H) -> list[list[str]]:
    """The rows (header left out) of the CSV an export link points to."""
    assert href.startswith("?")
    response = await client.get(path + href.replace("format=xlsx", "format=csv"), headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


async def district_clerk(city: City) -> H:
    """An investment-bureau clerk of 南海区: the bureau roles see the subtree of their government, here 南海区."""
    from app.models import Role
    from app.security import new_api_token
    from app.services.users import add_user

    user = await add_user("nanhai_clerk", "correct horse battery", Role.INVESTMENT, city.orgs["district_ndrc"])
    return {"Authorization": f"Bearer {await new_api_token(user, 'test', read_only=False)}"}


async def my_city(city: City) -> dict[str, list[int]]:
    """One agreement with 30 open obligations of 市发展改革局 (categories, dates, warnings, confidence
    varied; one undated), 3 of 南海区发展改革局 and 2 already fulfilled (never on 我的义务)."""
    from app.models import ObligationWarning

    ag = await agreement(city)
    made: dict[str, list[int]] = {"ndrc": [], "district": [], "land": [], "overdue": [], "warned": [], "low": []}
    for i in range(30):
        nominal = None if i == 29 else date(2024, 3, 1) + timedelta(days=7 * i)
        category = "land" if i % 5 == 0 else "payment"
        state = "overdue" if i % 4 == 0 else "pending"
        ob = await obligation(
            ag, city, owner="ndrc", nominal=nominal, category=category, state=state, confidence=0.5 if i < 6 else 0.9
        )
        made["ndrc"].append(ob.id)
        if category == "land":
            made["land"].append(ob.id)
        if state == "overdue":
            made["overdue"].append(ob.id)
        if i < 6:
            made["low"].append(ob.id)
        if i in (3, 4, 5) and ob.due_date:
            await ObligationWarning.create(
                obligation=ob, window_days=7, due_date=ob.due_date, issued_on=date(2024, 3, 1)
            )
            made["warned"].append(ob.id)
        if i == 8 and ob.due_date:
            await ObligationWarning.create(
                obligation=ob, window_days=30, due_date=ob.due_date, issued_on=date(2024, 3, 1)
            )
    for i in range(3):
        ob = await obligation(
            ag,
            city,
            owner="district_ndrc",
            nominal=date(2024, 2, 1) + timedelta(days=i),
            quote="南海区专项奖励条款",
            confidence=0.9,
        )
        made["district"].append(ob.id)
    for _ in range(2):
        ob = await obligation(ag, city, owner="ndrc", nominal=date(2024, 1, 5), state="fulfilled", confidence=0.9)
        made.setdefault("fulfilled", []).append(ob.id)
    made["agreement"] = [ag.id]
    return made


async def test_my_obligations_search_filter_sort_page_export_and_scope(client: Any, city: City) -> None:
    from app.models import Obligation

    made = await my_city(city)
    admin: H = city.auth("admin")
    first = await client.get("/my", headers=admin)
    assert first.status_code == 200
    assert total(first.text, "my-total") == 33  # the fulfilled two are not 我的义务
    page1 = ids(first.text, "data-obligation")
    assert len(page1) == 25
    second = await client.get("/my" + link(first.text, r"page_no=2"), headers=admin)
    page2 = ids(second.text, "data-obligation")
    assert len(page2) == 8
    assert not set(page1) & set(page2)
    assert set(page1) | set(page2) == set(made["ndrc"]) | set(made["district"])
    # default order: due date, the undated obligation last
    assert page2[-1] == made["ndrc"][29]

    async def shown(query: str, who: H = admin) -> list[int]:
        response = await client.get(f"/my?{query}", headers=who)
        assert response.status_code == 200
        return ids(response.text, "data-obligation")

    assert set(await shown("q=南海区专项")) == set(made["district"])
    assert set(await shown("state=overdue")) == set(made["overdue"])
    assert set(await shown("category=land")) == set(made["land"])
    assert await shown("kind=ppp") == []
    assert len(await shown("kind=investment_promotion&page_no=2")) == 8
    assert set(await shown(f"district={city.orgs['district']}")) == set(made["district"])
    assert set(await shown(f"body={city.orgs['district_ndrc']}")) == set(made["district"])
    window = await shown("due_from=2024-03-01&due_to=2024-03-31")
    due = await Obligation.filter(id__in=window).values_list("due_date", flat=True)
    assert len(window) == 5
    assert all(date(2024, 3, 1) <= d <= date(2024, 3, 31) for d in due)
    assert set(await shown("warning=7")) == set(made["warned"])
    assert len(await shown("warning=30")) == 4  # the 7-day ones and the one warned 30 days ahead
    assert set(await shown("confidence=low")) == set(made["low"])
    assert len(await shown("confidence=high&page_no=2")) == 33 - 6 - 25

    # sorting, both ways; rows without a due date stay last either way
    open_ids = [*made["ndrc"], *made["district"]]
    by_due = await Obligation.filter(id__in=open_ids, due_date__isnull=False).order_by("-due_date", "-id")
    descending = await shown("sort=due-")
    assert descending == [o.id for o in by_due][:25]
    assert (await shown("sort=due-&page_no=2"))[-1] == made["ndrc"][29]
    by_body = await Obligation.filter(id__in=open_ids).order_by("owner__name", "id").values_list("id", flat=True)
    assert await shown("sort=body") == list(by_body)[:25]
    by_body_desc = await Obligation.filter(id__in=open_ids).order_by("-owner__name", "-id").values_list("id", flat=True)
    assert await shown("sort=body-") == list(by_body_desc)[:25]

    # the URL keeps the state: pager and sort links carry the filters, the sort link turns the order round
    filtered = (await client.get("/my?state=overdue&category=payment&sort=due", headers=admin)).text
    resort = link(filtered, r"sort=due-")
    assert "state=overdue" in resort
    assert "category=payment" in resort
    assert 'aria-sort="ascending"' in filtered
    paged = (await client.get("/my?confidence=high&sort=state", headers=admin)).text
    nxt = link(paged, r"page_no=2")
    assert "confidence=high" in nxt
    assert "sort=state" in nxt
    assert link(paged, r"sort=body").startswith("?confidence=high")

    # the export takes every row the filters select (not one page), in the same order
    rows = await exported(client, "/my", link(paged, r"format=xlsx"), admin)
    assert len(rows) == 27
    everything = await exported(client, "/my", link(first.text, r"format=csv"), admin)
    assert [int(r[0]) for r in everything] == page1 + page2
    land_page = (await client.get("/my?category=land", headers=admin)).text
    only_land = await exported(client, "/my", link(land_page, "format=csv"), admin)
    assert sorted(int(r[0]) for r in only_land) == sorted(made["land"])

    # nonsense in the query string: the defaults, never an error page
    odd = await client.get(
        "/my?page_no=abc&sort=drop&state=nope&category=x&kind=y&body=-1&district=abc&due_from=2024-13-45"
        "&due_to=x&warning=999&confidence=zz&format=pdf",
        headers=admin,
    )
    assert odd.status_code == 200
    assert total(odd.text, "my-total") == 33
    assert (await client.get("/my?page_no=99", headers=admin)).status_code == 200
    assert (await client.get("/my?page_no=²&body=١٢", headers=admin)).status_code == 200  # isdigit(), not ASCII
    assert (await client.get("/failures?page_no=²&district=١٢", headers=admin)).status_code == 200
    assert await shown("body=99999999") == []  # a body that does not exist has no rows, not everyone's

    # scope: 市发展改革局 sees its 30; asking for 南海区's rows gives nothing, never their rows
    department: H = city.auth("department")
    mine = await client.get("/my", headers=department)
    assert total(mine.text, "my-total") == 30
    assert await shown(f"body={city.orgs['district_ndrc']}", department) == []
    assert await shown(f"district={city.orgs['district']}", department) == []
    assert await shown("q=南海区专项", department) == []
    outside = link((await client.get(f"/my?body={city.orgs['district_ndrc']}", headers=department)).text, "format=csv")
    assert await exported(client, "/my", outside, department) == []
    assert set(await shown("", city.auth("district_department"))) == set(made["district"])


async def test_agreement_page_pages_filters_and_sorts_its_obligations(client: Any, city: City) -> None:
    from app.models import Obligation

    made = await my_city(city)
    agreement_id = made["agreement"][0]
    await Obligation.filter(id=made["ndrc"][0]).update(review_status="rejected")  # never on the page
    admin: H = city.auth("admin")
    path = f"/agreements/{agreement_id}"
    first = await client.get(path, headers=admin)
    assert first.status_code == 200
    assert total(first.text, "obligations-total") == 34  # 35 minus the rejected one
    cards = [int(x) for x in re.findall(r'<article class="obligation card" id="ob-(\d+)"', first.text)]
    assert len(cards) == 25
    assert made["ndrc"][0] not in cards
    nxt = link(first.text, r"page_no=2")
    assert nxt.endswith("#obligations")
    rest = [int(x) for x in re.findall(r'id="ob-(\d+)"', (await client.get(path + nxt, headers=admin)).text)]
    assert len(rest) == 9
    assert not set(cards) & set(rest)

    async def shown(query: str) -> list[int]:
        response = await client.get(f"{path}?{query}", headers=admin)
        assert response.status_code == 200
        return [int(x) for x in re.findall(r'<article class="obligation card" id="ob-(\d+)"', response.text)]

    assert set(await shown("q=南海区专项")) == set(made["district"])
    assert set(await shown("state=fulfilled")) == set(made["fulfilled"])
    assert set(await shown("confidence=low")) == set(made["low"][1:])
    listed = Obligation.filter(agreement_id=agreement_id).exclude(review_status="rejected")
    by_confidence = await listed.order_by("-confidence", "-id").values_list("id", flat=True)
    assert await shown("sort=confidence-") == list(by_confidence)[:25]
    overdue_page = (await client.get(f"{path}?state=overdue", headers=admin)).text
    rows = await exported(client, path, link(overdue_page, "format=xlsx"), admin)
    assert sorted(int(r[0]) for r in rows) == sorted(set(made["overdue"]) - {made["ndrc"][0]})
    assert (await client.get(f"{path}?sort=x&page_no=-3&due_from=yesterday", headers=admin)).status_code == 200
    # a department's view of the same agreement: its own obligations only, whatever body= asks for
    department: H = city.auth("department")
    theirs = await client.get(f"{path}?body={city.orgs['district_ndrc']}", headers=department)
    assert theirs.status_code == 200
    assert total(theirs.text, "obligations-total") == 0


async def test_agreements_list_searches_filters_sorts_pages_exports_in_scope(client: Any, city: City) -> None:
    from app.models import Agreement

    made: list[int] = []
    for i in range(27):
        ag = await agreement(city, signed_on=date(2023, 1, 1) + timedelta(days=10 * i))
        made.append(ag.id)
        if i % 3 == 0:
            await obligation(ag, city, owner="investment", nominal=date(2024, 1, 2), state="overdue")
    district_ids = []
    for _ in range(3):
        ag = await agreement(city, owner="district_ndrc", signed_on=None)
        district_ids.append(ag.id)
    await Agreement.filter(id__in=district_ids).update(title="南海区产业扶持协议")
    await Agreement.filter(id__in=made[:4]).update(kind="ppp")
    admin: H = city.auth("admin")

    async def shown(query: str, who: H = admin) -> tuple[list[int], str]:
        response = await client.get(f"/agreements?{query}", headers=who)
        assert response.status_code == 200
        return ids(response.text, "data-agreement"), response.text

    rows, html = await shown("")
    assert total(html, "agreements-total") == 30
    assert rows == sorted([*made, *district_ids], reverse=True)[:25]  # newest first
    rest, _ = await shown("page_no=2")
    assert len(rest) == 5
    assert not set(rows) & set(rest)
    assert set((await shown("q=南海区产业"))[0]) == set(district_ids)
    named = await (await Agreement.get(id=made[5])).document
    assert (await shown(f"q={named.filename}"))[0] == [made[5]]  # file names are searched too
    assert set((await shown("kind=ppp"))[0]) == set(made[:4])
    assert set((await shown("state=overdue"))[0]) == {made[i] for i in range(0, 27, 3)}
    assert set((await shown(f"district={city.orgs['district']}"))[0]) == set(district_ids)
    assert set((await shown(f"body={city.orgs['district_ndrc']}"))[0]) == set(district_ids)
    signed, _ = await shown("signed_from=2023-01-01&signed_to=2023-03-01")
    assert set(signed) == set(made[:6])
    by_signed = await Agreement.filter(id__in=made).order_by("signed_on", "id").values_list("id", flat=True)
    ascending, html = await shown("sort=signed")
    assert ascending == list(by_signed)[:25]  # the three unsigned (NULL) ones come after every date
    assert (await shown("sort=signed&page_no=2"))[0][-3:] == sorted(district_ids)
    descending, _ = await shown("sort=signed-")
    assert descending == list(reversed(by_signed))[:25]
    by_title = await Agreement.all().order_by("-title", "-id").values_list("id", flat=True)
    assert (await shown("sort=title-"))[0] == list(by_title)[:25]
    # state in the links and the export
    _, html = await shown("kind=investment_promotion&sort=title")
    nxt = link(html, r"page_no=2")
    assert "kind=investment_promotion" in nxt
    assert "sort=title" in nxt
    assert "kind=investment_promotion" in link(html, r"sort=title-")
    exported_rows = await exported(client, "/agreements", link(html, r"format=xlsx"), admin)
    assert len(exported_rows) == 26
    assert (await shown("page_no=x&sort=;drop&kind=?&state=?&body=abc&signed_from=0"))[0] == rows
    # scope: 南海区's clerk sees its 3 and nothing of the city's, even when asking for them
    clerk = await district_clerk(city)
    _, html = await shown("", clerk)
    assert total(html, "agreements-total") == 3
    assert (await shown(f"body={city.orgs['investment']}", clerk))[0] == []
    assert (await shown(f"q={named.filename}", clerk))[0] == []
    assert await exported(client, "/agreements", f"?body={city.orgs['investment']}&format=csv", clerk) == []
    # a department sees the agreements holding its obligations
    await obligation(await Agreement.get(id=made[1]), city, owner="ndrc", nominal=date(2024, 5, 6))
    assert (await shown("", city.auth("department")))[0] == [made[1]]


async def test_documents_list_searches_filters_sorts_pages_exports_in_scope(client: Any, city: City) -> None:
    from app.models import Document

    own_docs = [(await agreement(city)).document_id for _ in range(27)]
    district_docs = [(await agreement(city, owner="district_ndrc")).document_id for _ in range(3)]
    await Document.filter(id__in=own_docs[:5]).update(status="failed", failure_code="unreadable")
    await Document.filter(id__in=own_docs[5:9]).update(kind_hint="ppp")
    await Document.filter(id__in=district_docs).update(filename="南海区补充协议.pdf")
    admin: H = city.auth("admin")

    async def shown(query: str, who: H = admin) -> tuple[list[int], str]:
        response = await client.get(f"/documents?{query}", headers=who)
        assert response.status_code == 200
        return ids(response.text, "data-document"), response.text

    rows, html = await shown("")
    assert total(html, "documents-total") == 30
    assert rows == sorted([*own_docs, *district_docs], reverse=True)[:25]
    assert 'id="upload-form"' in html  # the upload widget stays above the list
    assert len((await shown("page_no=2"))[0]) == 5
    assert set((await shown("q=南海区补充"))[0]) == set(district_docs)
    assert set((await shown("status=failed"))[0]) == set(own_docs[:5])
    assert set((await shown("kind=ppp"))[0]) == set(own_docs[5:9])
    assert set((await shown(f"body={city.orgs['district']}"))[0]) == set(district_docs)
    today = clock.today()
    assert len((await shown(f"uploaded_from={today}&uploaded_to={today}"))[0]) == 25
    assert (await shown(f"uploaded_to={today - timedelta(days=1)}"))[0] == []
    by_name = await Document.all().order_by("filename", "id").values_list("id", flat=True)
    assert (await shown("sort=filename"))[0] == list(by_name)[:25]
    by_name_desc = await Document.all().order_by("-filename", "-id").values_list("id", flat=True)
    assert (await shown("sort=filename-"))[0] == list(by_name_desc)[:25]
    _, html = await shown("q=协议&sort=filename")  # every file name has 协议: two pages
    nxt = link(html, r"page_no=2")
    assert "q=%E5%8D%8F%E8%AE%AE" in nxt
    assert nxt.endswith("#recent")
    assert "q=%E5%8D%8F%E8%AE%AE" in link(html, r"sort=filename-")
    assert len(await exported(client, "/documents", link(html, r"format=xlsx"), admin)) == 30
    failed = link((await shown("status=failed"))[1], r"format=xlsx")
    assert sorted(int(r[0]) for r in await exported(client, "/documents", failed, admin)) == sorted(own_docs[:5])
    assert (await shown("status=x&page_no=0&uploaded_from=2024-02-30&body=1e9"))[0] == rows
    # scope: 南海区's clerk sees its 3 uploads, never the city's
    clerk = await district_clerk(city)
    assert set((await shown("", clerk))[0]) == set(district_docs)
    assert (await shown(f"body={city.orgs['investment']}", clerk))[0] == []
    assert (await shown("status=failed", clerk))[0] == []
    assert await exported(client, "/documents", f"?body={city.orgs['investment']}&format=csv", clerk) == []


async def test_failure_desk_export_carries_its_filters(client: Any, city: City) -> None:
    ag = await agreement(city)
    for i, owner in enumerate(["ndrc"] * 4 + ["district_ndrc"] * 2):
        await obligation(ag, city, owner=owner, nominal=date(2024, 1, 2) + timedelta(days=i))
    await client.post("/api/sweep", json={"as_of": "2024-06-01"}, headers=city.auth("admin"))
    admin: H = city.auth("admin")
    html = (await client.get(f"/failures?district={city.orgs['district']}&sort=due", headers=admin)).text
    href = link(html, r"format=xlsx")
    assert f"district={city.orgs['district']}" in href
    assert "sort=due" in href
    rows = await exported(client, "/failures", href, admin)
    assert [r[1] for r in rows] == ["南海区发展改革局"] * 2
    xlsx = await client.get("/failures" + href, headers=admin)
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    department = city.auth("department")
    assert await exported(client, "/failures", href, department) == []


async def test_inbox_lists_warnings_searched_filtered_sorted_paged_and_only_ones_own(client: Any, city: City) -> None:
    from app.models import InboxMessage

    def notice(user: str, n: int, event: str, subject: str = "", **more: Any) -> InboxMessage:
        return InboxMessage(
            user_id=city.users[user],
            event=event,
            dedupe_key=f"{event}-{n}",
            link="/my",
            subject=subject or f"义务{n}",
            **more,
        )

    mine = [notice("department", n, "warning", due_date=date(2024, 5, 1) + timedelta(days=n)) for n in range(32)]
    mine += [notice("department", 100 + n, "failure", text="南海区专项失信记录") for n in range(3)]
    await InboxMessage.bulk_create([*mine, notice("district_department", 1, "warning", subject="别人的预警")])
    department: H = city.auth("department")

    async def shown(query: str) -> tuple[list[int], str]:
        response = await client.get(f"/inbox?{query}", headers=department)
        assert response.status_code == 200
        return [int(x) for x in re.findall(r'data-message="(\d+)"', response.text)], response.text

    rows, html = await shown("")
    assert total(html, "inbox-total") == 35
    assert len(rows) == 30
    assert rows == sorted(rows, reverse=True)  # newest first
    assert "别人的预警" not in html
    rest, _ = await shown("page_no=2")
    assert len(rest) == 5
    assert not set(rows) & set(rest)
    _, html = await shown("event=warning")
    assert total(html, "inbox-total") == 32
    assert "event=warning" in link(html, r"page_no=2")
    assert "event=warning" in link(html, r"sort=due")
    assert len((await shown("event=failure"))[0]) == 3
    assert len((await shown("q=南海区专项"))[0]) == 3
    window, _ = await shown("due_from=2024-05-01&due_to=2024-05-05")
    assert len(window) == 5
    by_due = await InboxMessage.filter(user_id=city.users["department"], event="warning").order_by("due_date", "id")
    assert (await shown("event=warning&sort=due"))[0] == [m.id for m in by_due][:30]
    assert (await shown("event=warning&sort=due-"))[0] == [m.id for m in reversed(by_due)][:30]
    failures = await InboxMessage.filter(event="failure").order_by("id").values_list("id", flat=True)
    await InboxMessage.filter(id__in=failures[:2]).update(read_at=clock.now())
    unread, html = await shown("show=unread&event=failure")
    assert unread == [failures[2]]
    assert "show=unread" in link(html, r"sort=")
    assert (await shown("page_no=x&sort=?&event=drop&due_from=2024-02-31"))[0] == rows


async def test_upload_days_are_beijing_days_whatever_the_hour_in_utc(client: Any, city: City) -> None:
    """17:30 UTC on 1 March is 01:30 on 2 March in Beijing: the document was uploaded on 2 March."""
    from datetime import UTC, datetime

    from app.models import Document

    late = (await agreement(city)).document_id
    early = (await agreement(city)).document_id
    await Document.filter(id=late).update(created_at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC))
    await Document.filter(id=early).update(created_at=datetime(2026, 3, 1, 15, 30, tzinfo=UTC))

    async def shown(query: str) -> set[int]:
        response = await client.get(f"/documents?{query}", headers=city.auth("admin"))
        assert response.status_code == 200
        return set(ids(response.text, "data-document"))

    assert await shown("uploaded_from=2026-03-02&uploaded_to=2026-03-02") == {late}
    assert await shown("uploaded_from=2026-03-01&uploaded_to=2026-03-01") == {early}
    assert await shown("uploaded_from=2026-03-01&uploaded_to=2026-03-02") == {late, early}
