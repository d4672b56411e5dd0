"""Who may download original contract files. Staff may; evaluators (a third party) see statistics, records
and clause text, and the files only when an admin granted it to their organisation or to them
(``FileGrant``). Granting and revoking are audited."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.models import FileGrant, Organisation, Role, User
from app.security import Principal
from app.services import audit


async def may_download_files(principal: Principal) -> bool:
    if principal.role != Role.EVALUATOR:
        return True
    return await FileGrant.filter(Q(user_id=principal.user_id) | Q(organisation_id=principal.organisation_id)).exists()


async def require_file_access(principal: Principal) -> None:
    if not await may_download_files(principal):
        raise Forbidden(
            "Evaluators may download original files only with a grant from an administrator; "
            "statistics, records and clause text remain available."
        )


def grant_snapshot(grant: FileGrant) -> dict[str, int | None]:
    return {"organisation_id": grant.organisation_id, "user_id": grant.user_id}  # type: ignore[attr-defined]


async def grant_file_access(actor: Principal, *, organisation_id: int | None, user_id: int | None) -> FileGrant:
    """A grant to every user of one organisation or to one user (exactly one of the two)."""
    if (organisation_id is None) == (user_id is None):
        raise InvalidInput(
            "Give exactly one of organisation_id and user_id.",
            errors=[{"key": "organisation_id", "message": "exactly one of organisation_id, user_id"}],
        )
    if organisation_id is not None and not await Organisation.exists(id=organisation_id):
        raise NotFound(f"Organisation {organisation_id} does not exist.")
    if user_id is not None and not await User.exists(id=user_id):
        raise NotFound(f"User {user_id} does not exist.")
    async with in_transaction():
        if await FileGrant.exists(organisation_id=organisation_id, user_id=user_id):
            raise Conflict("This grant exists already.")
        grant = await FileGrant.create(organisation_id=organisation_id, user_id=user_id, granted_by_id=actor.user_id)
        await audit.record(actor, "file_grant.create", "file_grant", grant.id, None, grant_snapshot(grant))
    return grant


async def revoke_file_access(actor: Principal, grant_id: int) -> None:
    async with in_transaction():
        grant = await FileGrant.get_or_none(id=grant_id)
        if grant is None:
            raise NotFound(f"File grant {grant_id} does not exist.")
        await audit.record(actor, "file_grant.delete", "file_grant", grant.id, grant_snapshot(grant))
        await grant.delete()


async def list_file_grants() -> list[FileGrant]:
    return await FileGrant.all().order_by("id")
