"""Tracking through the HTTP API: waive, amend, suspend/resume, evidence files, deadlines that follow the
documents, provisional dates, recurring instances, warnings, and the sweep against its reference."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import City
from tests.integration.tracking_helpers import agreement, obligation, principal
from trackers.policies import TrackingPolicies


async def test_waive_and_reopen_with_roles_and_audit(client: Any, city: City) -> None:
    from app.models import AuditLog

    ag = await agreement(city)
    ob = await obligation(ag, city, nominal=date(2030, 6, 30))
    url = f"/api/obligations/{ob.id}"
    for who in ("department", "evaluator", "district_department"):
        denied = await client.post(f"{url}/waive", json={"reason": "x"}, headers=city.auth(who))
        assert denied.status_code == 403, who
    waived = await client.post(f"{url}/waive", json={"reason": "乙方书面豁免"}, headers=city.auth("investment"))
    assert waived.status_code == 200, waived.text
    assert waived.json()["state"] == "waived"
    assert waived.json()["state_reason"] == "乙方书面豁免"
    again = await client.post(f"{url}/waive", json={"reason": "again"}, headers=city.auth("investment"))
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    reopened = await client.post(f"{url}/reopen", json={"reason": "豁免撤回"}, headers=city.auth("finance"))
    assert reopened.json()["state"] == "pending"
    actions = await AuditLog.filter(entity="obligation", entity_id=ob.id).values_list("action", flat=True)
    assert list(actions) == ["obligation.waive", "obligation.reopen"]
    empty = await client.post(f"{url}/waive", json={"reason": ""}, headers=city.auth("investment"))
    assert empty.status_code in (400, 422)


async def test_amendment_by_supplement_keeps_history(client: Any, city: City) -> None:
    ag = await agreement(city)
    ob = await obligation(ag, city, nominal=date(2030, 3, 31), amount=Decimal(5_000_000))
    response = await client.post(
        f"/api/obligations/{ob.id}/amend",
        json={"supplement": "补充协议（一）2024-05-01", "amount": "3000000", "nominal_date": "2024-10-01"},
        headers=city.auth("investment"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    old, new = body["amended"], body["replacement"]
    assert old["state"] == "amended"
    assert old["amount"] == "5000000.00" or Decimal(old["amount"]) == 5_000_000
    assert new["supersedes_id"] == ob.id
    assert Decimal(new["amount"]) == 3_000_000
    assert new["deadline"]["nominal_date"] == "2024-10-01"
    assert new["deadline"]["due_date"] == "2024-10-08"  # National Day holiday: next working day
    assert new["review_status"] == "confirmed"
    assert new["state"] == "pending"
    # an amended obligation is terminal
    again = await client.post(
        f"/api/obligations/{ob.id}/amend", json={"supplement": "补充协议（二）"}, headers=city.auth("investment")
    )
    assert again.status_code == 409
    denied = await client.post(
        f"/api/obligations/{new['id']}/amend", json={"supplement": "x"}, headers=city.auth("department")
    )
    assert denied.status_code == 403


async def test_suspended_obligations_are_left_alone_by_the_sweep(client: Any, city: City) -> None:
    ag = await agreement(city)
    ob = await obligation(ag, city, nominal=date(2024, 6, 28))
    url = f"/api/obligations/{ob.id}"
    bad = await client.post(f"{url}/suspend", json={"ground": "weather"}, headers=city.auth("investment"))
    assert bad.status_code == 422
    assert "force_majeure" in bad.json()["detail"]
    suspended = await client.post(
        f"{url}/suspend", json={"ground": "force_majeure", "note": "台风不可抗力通知"}, headers=city.auth("investment")
    )
    assert suspended.json()["state"] == "suspended"
    await client.post("/api/sweep", json={"as_of": "2024-09-01"}, headers=city.auth("admin"))
    assert (await client.get(url, headers=city.auth("investment"))).json()["state"] == "suspended"
    resumed = await client.post(
        f"{url}/resume", json={"note": "通知解除", "nominal_date": "2024-09-28"}, headers=city.auth("investment")
    )
    body = resumed.json()
    assert body["state"] == "pending"
    assert body["deadline"]["due_date"] == "2024-09-29"  # Saturday → Sunday 2024-09-29, a make-up working day
    await client.post("/api/sweep", json={"as_of": "2024-09-10"}, headers=city.auth("admin"))
    assert (await client.get(url, headers=city.auth("investment"))).json()["state"] == "due_soon"


async def test_evidence_file_is_stored_content_addressed(client: Any, city: City, db: Any) -> None:
    import hashlib

    from app.models import FulfilmentEvidence
    from app.storage import FileStore

    ag = await agreement(city)
    ob = await obligation(ag, city, owner="ndrc", nominal=date(2024, 10, 1), amount=Decimal(1000))
    content = "付款凭证 No. 001".encode()
    url = f"/api/obligations/{ob.id}/evidence"
    part = await client.post(
        url,
        files={"file": ("凭证.pdf", content, "application/pdf")},
        data={"fulfilled_on": "2024-09-30", "amount": "400", "note": "first instalment"},
        headers=city.auth("department"),
    )
    assert part.status_code == 200, part.text
    assert part.json()["state"] == "partially_fulfilled"
    rest = await client.post(
        url,
        files={"file": ("凭证2.pdf", b"second", "application/pdf")},
        data={"fulfilled_on": "2024-10-08", "amount": "600"},
        headers=city.auth("department"),
    )
    assert rest.json()["state"] == "fulfilled"  # 10-08 is the effective due date: on time
    assert Decimal(rest.json()["amount_fulfilled"]) == 1000
    digest = hashlib.sha256(content).hexdigest()
    assert FileStore(db.files_dir).get(digest) == content
    assert await FulfilmentEvidence.filter(obligation_id=ob.id, file_sha256=digest).exists()
    outside = await client.post(
        url,
        files={"file": ("x.pdf", b"x", "application/pdf")},
        data={"fulfilled_on": "2024-10-08"},
        headers=city.auth("district_department"),
    )
    assert outside.status_code == 404
    evaluator = await client.post(url, files={"file": ("x.pdf", b"x")}, headers=city.auth("evaluator"))
    assert evaluator.status_code == 403
    no_file = await client.post(url, data={"fulfilled_on": "2024-10-08"}, headers=city.auth("department"))
    assert no_file.status_code in (400, 422)


# ---- deadlines that follow the documents ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "nominal", "due"),
    [
        (30, "day", "2024-04-04", "2024-04-07"),  # Qingming 04-04..06; Sunday 04-07 is a make-up working day
        (1, "month", "2024-04-05", "2024-04-07"),  # same day next month, a holiday → make-up Sunday
        (3, "workday", None, "2024-03-08"),  # working days counted on the calendar, anchor not counted
        (7, "month", "2024-10-05", "2024-10-08"),  # National Day
    ],
)
async def test_recording_an_event_resolves_anchored_obligations(
    client: Any, city: City, value: int, unit: str, nominal: str | None, due: str
) -> None:
    ag = await agreement(city)
    anchored = await obligation(
        ag,
        city,
        deadline_kind="relative",
        offset_value=value,
        offset_unit=unit,
        anchor="event",
        anchor_text="土地交付之日起",
    )
    other = await obligation(
        ag, city, deadline_kind="relative", offset_value=10, offset_unit="day", anchor="event", anchor_text="竣工验收后"
    )
    response = await client.post(
        f"/api/agreements/{ag.id}/events",
        json={"kind": "land_handover", "occurred_on": "2024-03-05", "description": "土地交付"},
        headers=city.auth("investment"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["resolved_obligations"] == 1
    got = (await client.get(f"/api/obligations/{anchored.id}", headers=city.auth("investment"))).json()["deadline"]
    assert got["nominal_date"] == nominal
    assert got["due_date"] == due
    assert got["provisional"] is False
    untouched = (await client.get(f"/api/obligations/{other.id}", headers=city.auth("investment"))).json()
    assert untouched["deadline"]["due_date"] is None


async def test_recalendar_settles_provisional_dates(city: City) -> None:
    from app.models import Obligation
    from app.services.tracking import recalendar
    from trackers.calendar import default_calendar

    ag = await agreement(city)
    ob = await obligation(ag, city, nominal=date(2027, 1, 1))  # beyond the package's calendar
    assert ob.due_provisional
    assert ob.due_date == date(2027, 1, 1)
    newer = default_calendar().with_year(
        2027, holidays=frozenset({date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}), makeup_workdays=frozenset()
    )
    assert await recalendar(default_calendar()) == {"dates": 1, "moved": 0, "settled": 0}  # still provisional
    result = await recalendar(newer)
    assert result == {"dates": 1, "moved": 1, "settled": 1}
    await ob.refresh_from_db()
    assert ob.due_date == date(2027, 1, 4)
    assert ob.due_provisional is False
    assert await recalendar(newer) == {"dates": 0, "moved": 0, "settled": 0}
    assert await Obligation.filter(due_provisional=True).count() == 0


def test_recalendar_command(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from app.cli import cli

    result = CliRunner().invoke(
        cli, ["recalendar"], env={"CHENGXIN_DATA_DIR": str(tmp_path), "CHENGXIN_DATABASE_URL": ""}
    )
    assert result.exit_code == 0, result.output
    assert '"moved": 0' in result.output


async def test_recurring_obligation_generates_instances_on_confirmation(client: Any, city: City) -> None:
    from app.models import Obligation

    ag = await agreement(city, signed_on=date(2024, 1, 10))
    parent = await obligation(
        ag, city, confirmed=False, deadline_kind="recurring", recurrence="每年", deadline_text="连续三年每年6月30日前"
    )
    confirmed = await client.post(f"/api/obligations/{parent.id}/confirm", headers=city.auth("investment"))
    assert confirmed.status_code == 200, confirmed.text
    children = await Obligation.filter(parent_id=parent.id).order_by("nominal_date")
    assert [c.nominal_date for c in children] == [date(2024, 6, 30), date(2025, 6, 30), date(2026, 6, 30)]
    assert [c.due_date for c in children] == [date(2024, 7, 1), date(2025, 6, 30), date(2026, 6, 30)]
    assert {c.review_status for c in children} == {"confirmed"}
    # each instance is tracked on its own; the sweep does not duplicate them
    first = await client.post("/api/sweep", json={"as_of": "2024-07-02"}, headers=city.auth("admin"))
    assert first.json()["instances"] == 0
    await children[0].refresh_from_db()
    assert children[0].state == "overdue"
    await children[1].refresh_from_db()
    assert children[1].state == "pending"
    assert await Obligation.filter(parent_id=parent.id).count() == 3


async def test_sweep_generates_instances_within_the_horizon(city: City) -> None:
    from app.models import Obligation
    from app.services.sweep import sweep_obligations

    ag = await agreement(city, signed_on=date(2024, 1, 10))
    parent = await obligation(ag, city, deadline_kind="recurring", recurrence="每季度")
    report = await sweep_obligations(date(2024, 5, 1), TrackingPolicies(recurrence_horizon_days=100))
    assert report.instances == 2  # 03-31 and 06-30 (≤ 2024-08-09)
    dates = await Obligation.filter(parent_id=parent.id).order_by("nominal_date").values_list("nominal_date", flat=True)
    assert list(dates) == [date(2024, 3, 31), date(2024, 6, 30)]
    again = await sweep_obligations(date(2024, 5, 1), TrackingPolicies(recurrence_horizon_days=100))
    assert again.instances == 0


async def test_warnings_once_each_scoped_and_configurable(client: Any, city: City, db: Any) -> None:
    from app.models import ObligationWarning
    from app.services.sweep import sweep_obligations

    ag = await agreement(city)
    city_ob = await obligation(ag, city, nominal=date(2024, 7, 31))
    district_ob = await obligation(ag, city, owner="district_ndrc", nominal=date(2024, 7, 31), category="reporting")
    settings = db.with_(warning_windows_by_category={"reporting": (10, 2)})
    for day in range(1, 32):  # a daily sweep through July
        await sweep_obligations(date(2024, 7, day), settings.tracking_policies())
    windows = {
        ob.id: sorted(await ObligationWarning.filter(obligation_id=ob.id).values_list("window_days", flat=True))
        for ob in (city_ob, district_ob)
    }
    assert windows == {city_ob.id: [1, 7, 30], district_ob.id: [2, 10]}
    mine = (await client.get("/api/warnings", headers=city.auth("district_department"))).json()
    assert {w["obligation_id"] for w in mine["items"]} == {district_ob.id}
    assert mine["total"] == 2
    everything = (await client.get("/api/warnings?window_days=30", headers=city.auth("admin"))).json()
    assert [w["obligation_id"] for w in everything["items"]] == [city_ob.id]
    assert everything["items"][0]["issued_on"] == "2024-07-01"
    assert (await client.get("/api/warnings", headers=city.auth("evaluator"))).status_code == 200


# ---- the sweep against its reference ---------------------------------------------------------------------

STATES = ["pending", "due_soon", "overdue", "partially_fulfilled", "breached", "fulfilled", "suspended", "waived"]
OFFSETS = [-400, -31, -30, -29, -1, 0, 1, 7, 29, 30, 31, 90]
ROLES = ["government", "counterparty", "unknown"]
CATEGORIES = ["payment", "land", "reporting"]


async def test_set_based_sweep_agrees_with_classify_on_a_grid(city: City) -> None:
    from app.models import Obligation, ObligationWarning
    from app.services.sweep import sweep_obligations
    from extractors import Category
    from trackers import ObligationState
    from trackers.sweep import SweepPolicy, WarningPolicy, classify, plan_sweep, planned_warning

    as_of = date(2024, 10, 8)
    policy = SweepPolicy(warnings=WarningPolicy(by_category={"land": (60, 10)}))
    ag = await agreement(city)
    rows = []
    grid = list(itertools.product(STATES, OFFSETS, ROLES, CATEGORIES))
    for i, (state, offset, role, category) in enumerate(grid):
        rows.append(
            Obligation(
                agreement_id=ag.id,
                document_id=ag.document_id,
                ordinal=i,
                start=0,
                end=1,
                quote="q",
                obligor_role=role,
                owner_id=city.orgs["investment"],
                category=category,
                deadline_kind="absolute",
                nominal_date=as_of + timedelta(days=offset),
                due_date=as_of + timedelta(days=offset),
                review_status="confirmed",
                state=state,
            )
        )
    await Obligation.bulk_create(rows, batch_size=500)
    await sweep_obligations(as_of, TrackingPolicies(sweep=policy), snapshots=False)
    got = dict(await Obligation.filter(agreement_id=ag.id).values_list("ordinal", "state"))
    mismatches = [
        (grid[i], got[i], str(classify(ObligationState(s), as_of + timedelta(days=o), as_of, policy, c, r)))
        for i, (s, o, r, c) in enumerate(grid)
        if got[i] != classify(ObligationState(s), as_of + timedelta(days=o), as_of, policy, c, r)
    ]
    assert mismatches == []
    assert len(grid) == 864
    # warnings: each row gets the band the plan gives its new state (issued after the state steps)
    plan = plan_sweep(as_of, policy, categories=[str(c) for c in Category])
    expected_warnings = {
        i: w
        for i, (s, o, r, c) in enumerate(grid)
        if (
            w := planned_warning(
                plan,
                classify(ObligationState(s), as_of + timedelta(days=o), as_of, policy, c, r),
                as_of + timedelta(days=o),
                c,
            )
        )
        is not None
    }
    issued = dict(
        await ObligationWarning.filter(obligation__agreement_id=ag.id).values_list("obligation__ordinal", "window_days")
    )
    assert issued == expected_warnings
    assert set(issued.values()) == {1, 7, 10, 30, 60}


async def test_sweep_twice_changes_nothing(client: Any, city: City) -> None:
    from app.models import AuditLog, IntegrityFailure, Obligation, ObligationWarning

    ag = await agreement(city)
    for offset in (-60, -5, 0, 3, 20, 100):
        await obligation(ag, city, nominal=date(2024, 6, 3) + timedelta(days=offset))
        await obligation(ag, city, nominal=date(2024, 6, 3) + timedelta(days=offset), role="counterparty")

    async def state() -> tuple[Any, ...]:
        return (
            sorted(await Obligation.all().values_list("id", "state")),
            sorted(await ObligationWarning.all().values_list("obligation_id", "window_days", "issued_on")),
            sorted(await IntegrityFailure.all().values_list("id", "kind", "state", "severity")),
            await AuditLog.all().count(),
        )

    first = await client.post("/api/sweep", json={"as_of": "2024-06-03"}, headers=city.auth("admin"))
    assert first.json()["government_failures"] == 1
    assert first.json()["counterparty_defaults"] == 2
    before = await state()
    second = await client.post("/api/sweep", json={"as_of": "2024-06-03"}, headers=city.auth("admin"))
    assert second.json() | {"moved": {}} == {
        "as_of": "2024-06-03",
        "moved": {},
        "warnings": 0,
        "government_failures": 0,
        "counterparty_defaults": 0,
        "instances": 0,
        "rectification_missed": 0,
        "snapshots": 0,
    }
    assert not any(second.json()["moved"].values())
    assert await state() == before
    for who in ("investment", "finance", "department", "evaluator"):
        assert (
            await client.post("/api/sweep", json={"as_of": "2024-06-03"}, headers=city.auth(who))
        ).status_code == 403


async def test_principal_helper_sees_scope(city: City) -> None:
    p = await principal("district_department")
    assert p.scope_path.endswith(f"/{city.orgs['district_ndrc']}/")


async def test_monthly_catch_up_records_breaches_without_a_record(city: City) -> None:
    from app.models import IntegrityFailure
    from app.services.sweep import sweep_obligations

    ag = await agreement(city)
    ob = await obligation(ag, city, nominal=date(2024, 1, 31), state="breached")  # e.g. role corrected later
    daily = await sweep_obligations(date(2024, 5, 2), TrackingPolicies(), snapshots=False)
    assert daily.failures == 0
    monthly = await sweep_obligations(date(2024, 6, 1), TrackingPolicies(), snapshots=False)
    assert monthly.failures == 1
    assert await IntegrityFailure.filter(obligation_id=ob.id, kind="government_breach").count() == 1
    again = await sweep_obligations(date(2024, 6, 1), TrackingPolicies(), snapshots=False)
    assert again.failures == 0
