"""Three published court cases replayed end to end (issue 10): the agreement and its duties as the case
describes them, the events on their dates, the sweep — and who ends up with which record.

The texts are vendored in ``tests/data/cases``. Where a case gives only a month, the 15th is used; where
it gives no period for a duty, the one chosen here is said in a comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tests.conftest import City
from tests.integration.tracking_helpers import obligation, principal
from trackers.policies import TrackingPolicies

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"


def case(name: str) -> str:
    return (CASES / f"case_{name}.txt").read_text(encoding="utf-8")


async def _government(city: City, *names: tuple[str, str, str | None]) -> None:
    """(key, name, parent key) → organisations, kinds by their names."""
    from app.models import OrgKind
    from app.services.organisations import create_organisation

    for key, name, parent in names:
        kind = (
            OrgKind.CITY
            if parent is None
            else OrgKind.DISTRICT
            if name.endswith("区") or name.endswith("新区")
            else OrgKind.DEPARTMENT
        )
        org = await create_organisation(name, kind, city.orgs[parent] if parent else None)
        city.orgs[key] = org.id


async def _agreement(city: City, owner: str, title: str, signed_on: date, parties: list[tuple[str, str, str]]) -> Any:
    from app.models import Agreement, AgreementKind, AgreementParty, Document

    doc = await Document.create(
        sha256=title.encode().hex()[:64].ljust(64, "0"),
        filename=f"{title}.pdf",
        media_type="application/pdf",
        size=1,
        status="extracted",
        organisation_id=city.orgs[owner],
    )
    ag = await Agreement.create(
        kind=AgreementKind.OTHER,
        title=title,
        signed_on=signed_on,
        document=doc,
        extractor_version="case",
        owning_department_id=city.orgs[owner],
    )
    for label, name, role in parties:
        await AgreementParty.create(agreement=ag, label=label, name=name, role=role)
    return ag


async def _records(ag: Any) -> list[tuple[str, str]]:
    from app.models import IntegrityFailure, Organisation

    out = []
    for f in await IntegrityFailure.filter(obligation__agreement_id=ag.id).order_by("id"):
        out.append((str(f.kind), (await Organisation.get(id=f.organisation_id)).name))
    return out


async def test_licheng_resettlement_government_refuses_to_deliver(city: City) -> None:
    """赵某某诉历城区政府不履行拆迁安置补偿协议: the agreement (2015-10) was signed by the district's
    雪山片区指挥部; the house was handed over for demolition; in 2017-07 the government refused the
    94 m² flat. The court ordered 历城区政府 to perform: the breach is the district government's."""
    from app.services.obligations import record_event, record_fulfilment
    from app.services.sweep import sweep_obligations

    text = case("licheng_resettlement")
    assert "历城区政府" in text
    assert "94平方米" in text
    await _government(city, ("jinan", "济南市", None), ("licheng", "历城区", "jinan"))
    await _government(city, ("xueshan", "雪山片区指挥部", "licheng"))
    ag = await _agreement(
        city,
        "xueshan",
        "拆迁安置补偿协议",
        date(2015, 10, 15),
        [("甲方", "雪山片区指挥部", "government"), ("乙方", "赵某某", "counterparty")],
    )
    handover = await obligation(
        ag,
        city,
        owner="xueshan",
        role="counterparty",
        category="other",
        nominal=date(2015, 12, 31),
        quote="赵某某将其涉案房屋交付拆除",
    )
    flat = await obligation(  # the court named the district government as the body that must perform
        ag,
        city,
        owner="licheng",
        category="other",
        deadline_kind="relative",
        offset_value=18,
        offset_unit="month",
        anchor="other",
        anchor_text="涉案房屋交付拆除后",  # 18 months: chosen here
        quote="向赵某某交付94平方米的安置房",
    )
    admin = await principal("admin")
    await record_fulfilment(admin, handover.id, date(2015, 12, 1), "房屋已交付拆除", None, today=date(2015, 12, 1))
    _, dated = await record_event(admin, ag.id, "house_handed_over", date(2015, 12, 1), "涉案房屋交付拆除")
    assert dated == 1
    await flat.refresh_from_db()
    assert flat.due_date is not None
    assert flat.due_date.isoformat().startswith("2017-06")
    await sweep_obligations(date(2018, 3, 1), TrackingPolicies())
    assert await _records(ag) == [("government_breach", "历城区")]
    await handover.refresh_from_db()
    assert handover.state == "fulfilled"  # the counterparty performed: nothing on its side


async def test_jinzhou_pre_expropriation_never_took_effect(city: City) -> None:
    """韩某某诉松山征收办不履行预征收行政协议: the 预签约协议 takes effect only at a 70 % signing rate;
    25.4 % was reached, so the agreement never took effect and no one breached it."""
    from app.services.sweep import sweep_obligations
    from app.services.tracking import SuspensionGround, suspend

    text = case("jinzhou_preexpropriation")
    assert "70%" in text
    assert "25.4%" in text
    await _government(city, ("jinzhou", "锦州市", None), ("songshan", "松山新区", "jinzhou"))
    await _government(city, ("office", "松山新区国有土地上房屋征收办公室", "songshan"))
    ag = await _agreement(
        city,
        "office",
        "国有土地上房屋征收产权调换安置预签约协议书",
        date(2016, 6, 15),
        [("甲方", "松山新区国有土地上房屋征收办公室", "government"), ("乙方", "韩某某", "counterparty")],
    )
    resettle = await obligation(
        ag, city, owner="office", category="other", nominal=date(2017, 6, 30), quote="安置回迁住宅"
    )
    vacate = await obligation(
        ag,
        city,
        owner="office",
        role="counterparty",
        category="other",
        nominal=date(2016, 12, 31),
        quote="被征收人按期搬迁",
    )
    admin = await principal("admin")
    await suspend(admin, resettle.id, SuspensionGround.CONDITION_PRECEDENT, "预签约比例25.4%，未达到70%")
    await suspend(admin, vacate.id, SuspensionGround.CONDITION_PRECEDENT, "协议未生效")
    await sweep_obligations(date(2018, 3, 1), TrackingPolicies())
    assert await _records(ag) == []
    await resettle.refresh_from_db()
    assert resettle.state == "suspended"


async def test_jingzhou_concession_rescinded_for_the_concessionaires_default(city: City) -> None:
    """某国际公司诉荆州市政府解除特许权协议: the government granted the BOT right (2008-04); the project
    stalled from 2015-07; the 违约整改通知书 (2015-11) gave 60 days to resume; nothing resumed, and the
    rescission was upheld. A 违约 record of the bureau managing the agreement, no 政务失信."""
    from app.services.obligations import record_event, record_fulfilment
    from app.services.sweep import sweep_obligations

    text = case("jingzhou_concession")
    assert "60日内组织施工单位全面复工" in text
    await _government(city, ("jingzhou", "荆州市", None), ("transport", "荆州市交通运输局", "jingzhou"))
    ag = await _agreement(
        city,
        "transport",
        "武汉至监利高速公路洪湖至监利段项目特许权协议",
        date(2008, 4, 15),
        [("甲方", "荆州市交通运输局", "government"), ("乙方", "湖北某高速公路有限公司", "counterparty")],
    )
    grant = await obligation(
        ag, city, owner="jingzhou", category="other", nominal=date(2008, 4, 15), quote="授予乙方项目投资经营权"
    )
    resume = await obligation(
        ag,
        city,
        owner="transport",
        role="counterparty",
        category="other",
        deadline_kind="relative",
        offset_value=60,
        offset_unit="day",
        anchor="other",
        anchor_text="违约整改通知书下达之日起",
        quote="在60日内组织施工单位全面复工",
    )
    admin = await principal("admin")
    await record_fulfilment(
        admin, grant.id, date(2008, 4, 15), "投资协议订立，授予投资经营权", None, today=date(2008, 4, 15)
    )
    _, dated = await record_event(admin, ag.id, "notice", date(2015, 11, 15), "违约整改通知书")
    assert dated == 1
    await sweep_obligations(date(2016, 11, 1), TrackingPolicies())
    assert await _records(ag) == [("counterparty_default", "荆州市交通运输局")]
    await grant.refresh_from_db()
    assert grant.state == "fulfilled"
    await resume.refresh_from_db()
    assert resume.state == "breached"
