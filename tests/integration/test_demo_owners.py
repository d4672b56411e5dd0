"""Every record the demo city writes is charged to the body whose duty it was (issues 10 and 12): a
government breach (失信) to the body that owed — the one its name matched, or the one the clerk named for it
at review, on the audit log — and a counterparty's default (违约) to the bureau managing the agreement, never
published. Generic over whatever the demo's history produces."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


async def _assigned_by_clerk(obligation_id: int, org_id: int) -> bool:
    """The audit log shows a reviewer (not the extractor) giving the obligation to ``org_id``."""
    from app.models import AuditLog

    for entry in await AuditLog.filter(entity="obligation", entity_id=obligation_id).order_by("id"):
        before, after = entry.before or {}, entry.after or {}
        if (
            entry.actor_id is not None  # type: ignore[attr-defined]
            and after.get("owner_id") == org_id
            and before.get("owner_unresolved") is True
            and after.get("owner_unresolved") is False
        ):
            return True
    return False


async def test_every_demo_failure_is_charged_to_the_body_that_owed(db: Any) -> None:
    from app.demo import run_demo
    from app.models import Agreement, FailureKind, IntegrityFailure, Obligation, Organisation, PartyRole
    from app.services.failures import published
    from app.services.organisations import match_organisation

    as_of = date(2026, 11, 28)
    await run_demo(db, as_of, ROOT / "examples")
    failures = await IntegrityFailure.all().order_by("id")
    kinds = {f.kind for f in failures}
    assert kinds == {FailureKind.GOVERNMENT_BREACH, FailureKind.COUNTERPARTY_DEFAULT}, kinds
    for f in failures:
        org = await Organisation.get(id=f.organisation_id)
        if f.obligation_id is None:
            continue
        ob = await Obligation.get(id=f.obligation_id)
        assert not ob.owner_unresolved
        if f.kind == FailureKind.GOVERNMENT_BREACH:
            assert ob.obligor_role == PartyRole.GOVERNMENT, (f.id, ob.obligor_role)
            assert ob.owner_id == org.id, (f.id, ob.owner_id, org.name)
            obligor = ob.obligor_name or (ob.responsible or [None])[0]
            matched = await match_organisation(obligor, org) == org
            assigned = ob.parent_id or ob.id  # a recurring duty's instance is owned as its parent was
            assert matched or await _assigned_by_clerk(assigned, org.id), (f.id, obligor, org.name)
        else:
            assert ob.obligor_role == PartyRole.COUNTERPARTY, (f.id, ob.obligor_role)
            agreement = await Agreement.get(id=ob.agreement_id)
            assert org.id == agreement.owning_department_id
            assert f.published_from is None
            assert f.published_until is None
    public, _ = await published(as_of, None, 1000, 0)
    assert public
    assert all(f.kind == FailureKind.GOVERNMENT_BREACH for f in public)
    # what no organisation of the demo city matched, in a document the city did not adopt, waits for an owner
    hr = await Obligation.filter(obligor_name="市人力资源社会保障局")
    assert hr
    assert all(o.owner_unresolved and o.review_status == "proposed" for o in hr)
    assert not await IntegrityFailure.filter(obligation_id__in=[o.id for o in hr]).exists()
