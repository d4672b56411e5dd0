"""Organisations (a hierarchy) and counterparties."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from app.errors import Conflict, InvalidInput, NotFound
from app.models import Counterparty, Organisation, OrgKind
from app.security import Principal
from app.services import audit
from app.uscc import validate_uscc


async def create_organisation(
    name: str,
    kind: OrgKind,
    parent_id: int | None = None,
    uscc: str | None = None,
    actor: Principal | None = None,
) -> Organisation:
    name = name.strip()
    if not name:
        raise InvalidInput("Organisation name is empty.", errors=[{"key": "name", "message": "required"}])
    if uscc:
        problem = validate_uscc(uscc)
        if problem:
            raise InvalidInput(problem, errors=[{"key": "uscc", "message": problem}])
        uscc = uscc.strip().upper()
    async with in_transaction():
        parent = None
        if parent_id is not None:
            parent = await Organisation.get_or_none(id=parent_id)
            if parent is None:
                raise NotFound(f"Parent organisation {parent_id} does not exist.")
        if await Organisation.filter(name=name, parent_id=parent_id).exists():
            raise Conflict(f"An organisation named {name!r} already exists there.")
        if uscc and await Organisation.filter(uscc=uscc).exists():
            raise Conflict(f"The USCC {uscc} is already registered.")
        org = await Organisation.create(name=name, kind=kind, parent=parent, uscc=uscc)
        org.path = f"{parent.path if parent else '/'}{org.id}/"
        await org.save(update_fields=["path"])
        await audit.record(actor, "organisation.create", "organisation", org.id, None, {"name": name, "kind": kind})
    return org


async def get_or_create_organisation(name: str, kind: OrgKind, parent: Organisation | None = None) -> Organisation:
    existing = await Organisation.get_or_none(name=name, parent_id=parent.id if parent else None)
    return existing or await create_organisation(name, kind, parent.id if parent else None)


async def district_of(org: Organisation) -> Organisation | None:
    """The nearest district (or city, for city-level units) above or at ``org``."""
    ids = [int(x) for x in org.path.strip("/").split("/") if x]
    by_id = {o.id: o for o in await Organisation.filter(id__in=ids)}
    for org_id in reversed(ids):
        o = by_id.get(org_id)
        if o and o.kind == OrgKind.DISTRICT:
            return o
    return None


async def match_organisation(name: str | None, within: Organisation | None) -> Organisation | None:
    """An organisation named ``name`` (exactly, or by its name without the city/district prefix) in the
    tree of ``within``'s government, if there is exactly one."""
    if not name:
        return None
    name = name.strip()
    scope = within.path.split("/")[1] if within else ""
    query = Organisation.filter(name=name)
    if scope:
        query = query.filter(path__startswith=f"/{scope}/")
    matches = await query.limit(2)
    if len(matches) == 1:
        return matches[0]
    return None


async def create_counterparty(name: str, uscc: str | None = None) -> Counterparty:
    if uscc:
        problem = validate_uscc(uscc)
        if problem:
            raise InvalidInput(problem, errors=[{"key": "uscc", "message": problem}])
        uscc = uscc.strip().upper()
        existing = await Counterparty.get_or_none(uscc=uscc)
        if existing:
            return existing
    return await Counterparty.create(name=name.strip(), uscc=uscc)


async def counterparty_named(name: str | None) -> Counterparty | None:
    """The enterprise a contract names as a party: found by exact name or registered (without a USCC, which
    a reviewer adds later)."""
    name = (name or "").strip()
    if len(name) < 2 or "_" in name:  # blanks in templates are not enterprises
        return None
    existing = await Counterparty.filter(name=name).first()
    return existing or await Counterparty.create(name=name[:200])
