"""Builders for tracking tests: an agreement with obligations written straight to the database (the
extraction path has its own tests), and a principal for calling services directly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.conftest import City

_counter = {"doc": 0}


async def agreement(city: City, owner: str = "investment", signed_on: date | None = date(2024, 1, 10)) -> Any:
    from app.models import Agreement, AgreementKind, AgreementParty, Document, PartyRole

    _counter["doc"] += 1
    n = _counter["doc"]
    doc = await Document.create(
        sha256=f"{n:064x}",
        filename=f"协议{n}.pdf",
        media_type="application/pdf",
        size=1,
        status="extracted",
        organisation_id=city.orgs[owner],
    )
    ag = await Agreement.create(
        kind=AgreementKind.INVESTMENT_PROMOTION,
        title=f"投资合作协议{n}",
        signed_on=signed_on,
        document=doc,
        extractor_version="test",
        owning_department_id=city.orgs[owner],
    )
    await AgreementParty.create(agreement=ag, label="甲方", name="佛山市人民政府", role=PartyRole.GOVERNMENT)
    await AgreementParty.create(agreement=ag, label="乙方", name="某某科技有限公司", role=PartyRole.COUNTERPARTY)
    return ag


async def obligation(
    ag: Any,
    city: City,
    *,
    owner: str = "investment",
    nominal: date | None = None,
    role: str = "government",
    category: str = "payment",
    amount: Decimal | None = None,
    confirmed: bool = True,
    state: str = "pending",
    **extra: Any,
) -> Any:
    from app.models import Obligation
    from trackers.calendar import effective_due

    due = effective_due(nominal) if nominal else None
    ordinal = await Obligation.filter(agreement_id=ag.id).count()
    fields: dict[str, Any] = {
        "agreement": ag,
        "document_id": ag.document_id,
        "ordinal": ordinal,
        "start": 0,
        "end": 10,
        "quote": f"甲方应于规定期限内履行第{ordinal + 1}项义务。",
        "obligor_name": "佛山市人民政府" if role == "government" else "某某科技有限公司",
        "obligor_role": role,
        "owner_id": city.orgs[owner],
        "category": category,
        "amount": amount,
        "currency": "CNY" if amount is not None else None,
        "deadline_kind": "absolute" if nominal else "none",
        "nominal_date": nominal,
        "due_date": due.date if due else None,
        "due_provisional": due.provisional if due else False,
        "review_status": "confirmed" if confirmed else "proposed",
        "state": state,
    }
    fields.update(extra)
    return await Obligation.create(**fields)


async def principal(who: str) -> Any:
    from app.models import User
    from app.security import principal_for

    return await principal_for(await User.get(username=who))
