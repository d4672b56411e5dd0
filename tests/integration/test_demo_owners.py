"""The demo's integrity records are each charged to the body whose duty it was (issue 10)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


async def test_every_demo_failure_is_charged_to_the_body_that_owed(db: Any) -> None:
    from app.demo import run_demo
    from app.models import Agreement, FailureKind, IntegrityFailure, Obligation, Organisation
    from app.services.organisations import match_organisation

    await run_demo(db, date(2026, 11, 28), ROOT / "examples")
    failures = await IntegrityFailure.all()
    assert failures, "the demo records failures"
    for f in failures:
        ob = await Obligation.get(id=f.obligation_id)
        org = await Organisation.get(id=f.organisation_id)
        assert not ob.owner_unresolved
        if f.kind == FailureKind.GOVERNMENT_BREACH:
            obligor = ob.obligor_name or (ob.responsible or [None])[0]
            assert await match_organisation(obligor, org) == org, (f.id, obligor, org.name)
            assert ob.owner_id == org.id
        else:
            agreement = await Agreement.get(id=ob.agreement_id)
            assert org.id == agreement.owning_department_id
    # what no organisation of the demo city matched waits for an owner instead of being charged to the uploader
    hr = await Obligation.filter(obligor_name="市人力资源社会保障局")
    assert hr
    assert all(o.owner_unresolved and o.review_status == "proposed" for o in hr)
    assert not await IntegrityFailure.filter(obligation_id__in=[o.id for o in hr]).exists()
