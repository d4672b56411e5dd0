"""The statistics fixture city: obligations and failure records in 2025 with hand-computed figures.

Organisations (from ``tests.conftest.City``): 佛山市 → 市投资促进局 (investment), 市财政局 (finance),
市发展改革局 (ndrc), 市评估中心 (eval); 南海区 (district) → 南海区发展改革局 (district_ndrc).

 #  owner          agreement  category  amount     paid       due         state                fulfilled
 1  investment     A1 invest  subsidy   1,000,000  1,000,000  2025-03-31  fulfilled            2025-03-20
 2  investment     A1 invest  land      —          0          2025-04-30  fulfilled_late       2025-05-10
 3  investment     A1 invest  subsidy   500,000    200,000    2025-06-30  breached
 4  finance        A2 ppp     payment   2,000,000  2,000,000  2025-02-28  fulfilled            2025-02-27
 5  finance        A2 ppp     payment   2,000,000  0          2025-08-31  overdue
 6  finance        A2 ppp     payment   3,000,000  1,000,000  2025-09-30  partially_fulfilled
 7  district_ndrc  A3 policy  approval  —          0          2025-05-15  fulfilled            2025-05-01
 8  district_ndrc  A3 policy  approval  —          0          2025-07-15  breached
 9  district_ndrc  A3 policy  subsidy   300,000    0          2025-11-30  fulfilled_late       2025-12-05
10  investment     A1 invest  subsidy   100,000    0          2025-10-31  waived               (excluded)
11  investment     A1 invest  other     —          0          2025-12-31  pending              (due, open)
12  investment     A1 invest  subsidy   —          0          2025-03-01  proposed             (excluded)
13  investment     A1 invest  other     —          0          2025-04-01  breached, counterparty (excluded)
14  ndrc           A1 invest  other     —          0          2026-02-01  pending              (outside 2025)
15  finance        A2 ppp     payment   1,000,000  1,000,000  2024-12-31  fulfilled            (outside 2025)

Failure records:
F1 #3  investment     government_breach   serious  found            detected 2025-07-05
F2 #8  district_ndrc  government_breach   general  found_rectified  detected 2025-07-20
F3 #5  finance        government_breach   minor    repaired         detected 2025-09-10
F4 #2  investment     government_breach   minor    rectified        detected 2025-05-05
F5 #13 investment     counterparty_default serious found            detected 2025-04-10 (other side: excluded)
F6 #4  finance        government_breach   general  withdrawn        detected 2025-03-01 (withdrawn: excluded)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.conftest import City

OBLIGATIONS = [
    # n, owner, agreement, category, amount, paid, due, state, fulfilled_on, review, role
    (1, "investment", "A1", "subsidy", 1_000_000, 1_000_000, "2025-03-31", "fulfilled", "2025-03-20"),
    (2, "investment", "A1", "land", None, 0, "2025-04-30", "fulfilled_late", "2025-05-10"),
    (3, "investment", "A1", "subsidy", 500_000, 200_000, "2025-06-30", "breached", None),
    (4, "finance", "A2", "payment", 2_000_000, 2_000_000, "2025-02-28", "fulfilled", "2025-02-27"),
    (5, "finance", "A2", "payment", 2_000_000, 0, "2025-08-31", "overdue", None),
    (6, "finance", "A2", "payment", 3_000_000, 1_000_000, "2025-09-30", "partially_fulfilled", None),
    (7, "district_ndrc", "A3", "approval", None, 0, "2025-05-15", "fulfilled", "2025-05-01"),
    (8, "district_ndrc", "A3", "approval", None, 0, "2025-07-15", "breached", None),
    (9, "district_ndrc", "A3", "subsidy", 300_000, 0, "2025-11-30", "fulfilled_late", "2025-12-05"),
    (10, "investment", "A1", "subsidy", 100_000, 0, "2025-10-31", "waived", None),
    (11, "investment", "A1", "other", None, 0, "2025-12-31", "pending", None),
    (12, "investment", "A1", "subsidy", None, 0, "2025-03-01", "pending", None),
    (13, "investment", "A1", "other", None, 0, "2025-04-01", "breached", None),
    (14, "ndrc", "A1", "other", None, 0, "2026-02-01", "pending", None),
    (15, "finance", "A2", "payment", 1_000_000, 1_000_000, "2024-12-31", "fulfilled", "2024-12-20"),
]
PROPOSED = {12}
COUNTERPARTY = {13}

FAILURES = [
    # obligation, owner, kind, severity, state, detected_on
    (3, "investment", "government_breach", "serious", "found", "2025-07-05"),
    (8, "district_ndrc", "government_breach", "general", "found_rectified", "2025-07-20"),
    (5, "finance", "government_breach", "minor", "repaired", "2025-09-10"),
    (2, "investment", "government_breach", "minor", "rectified", "2025-05-05"),
    (13, "investment", "counterparty_default", "serious", "found", "2025-04-10"),
    (4, "finance", "government_breach", "general", "withdrawn", "2025-03-01"),
]


async def build_stats_city(city: City) -> dict[int, int]:
    """Inserts the agreements, obligations and failures above; returns obligation number → id."""
    from app.models import Agreement, AgreementParty, Document, IntegrityFailure, Obligation

    document = await Document.create(
        sha256="0" * 64, filename="城市.pdf", media_type="application/pdf", size=1, organisation_id=city.orgs["city"]
    )
    agreements = {}
    for key, kind, owner, district, title in [
        ("A1", "investment_promotion", "investment", "city", "智能制造产业园投资合作协议"),
        ("A2", "ppp", "finance", "city", "城市污水处理厂PPP项目合同"),
        ("A3", "policy_commitment", "district_ndrc", "district", "南海区营商环境优化实施方案"),
    ]:
        agreements[key] = await Agreement.create(
            kind=kind,
            title=title,
            signed_on=date(2025, 1, 10),
            value=Decimal("10000000.00"),
            document=document,
            extractor_version=f"test-{key}",
            owning_department_id=city.orgs[owner],
            district_id=city.orgs[district],
        )
        await AgreementParty.create(
            agreement=agreements[key],
            label="甲方",
            name="佛山市人民政府",
            role="government",
            organisation_id=city.orgs[owner],
        )
        await AgreementParty.create(
            agreement=agreements[key], label="乙方", name="广东某某科技有限公司", role="counterparty"
        )
    ids: dict[int, int] = {}
    for n, owner, agreement, category, amount, paid, due, state, fulfilled_on in OBLIGATIONS:
        ob = await Obligation.create(
            agreement=agreements[agreement],
            document=document,
            ordinal=n,
            start=0,
            end=10,
            quote=f"第{n}项义务：甲方应于{due}前完成。",
            obligor_name="乙方" if n in COUNTERPARTY else "甲方",
            obligor_role="counterparty" if n in COUNTERPARTY else "government",
            owner_id=city.orgs[owner],
            category=category,
            action=f"义务{n}",
            amount=Decimal(amount) if amount is not None else None,
            currency="CNY" if amount is not None else None,
            amount_fulfilled=Decimal(paid),
            deadline_kind="absolute",
            nominal_date=date.fromisoformat(due),
            due_date=date.fromisoformat(due),
            review_status="proposed" if n in PROPOSED else "confirmed",
            state=state,
            fulfilled_on=date.fromisoformat(fulfilled_on) if fulfilled_on else None,
        )
        ids[n] = ob.id
    for n, owner, kind, severity, state, detected in FAILURES:
        await IntegrityFailure.create(
            kind=kind,
            obligation_id=ids[n],
            organisation_id=city.orgs[owner],
            obligor_name="甲方",
            promised_to="广东某某科技有限公司",
            state=state,
            severity=severity,
            due_date=date.fromisoformat(OBLIGATIONS[n - 1][6]),
            detected_on=date.fromisoformat(detected),
            days_late=5,
            amount_outstanding=Decimal("300000.00") if n == 3 else None,
            clause=f"第{n}项义务条款",
            rectification_deadline=date(2025, 8, 31) if n == 8 else None,
        )
    return ids
