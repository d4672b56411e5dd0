"""/api/file-grants: which evaluators may download original contract files (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import JSONBody

from app.api.deps import CurrentUser
from app.api.ids import MAX_ID, IdPath
from app.models import FileGrant
from app.security import ADMIN_ONLY
from app.services import file_grants as svc

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]


class FileGrantCreate(msgspec.Struct, forbid_unknown_fields=True):
    organisation_id: Id | None = None
    user_id: Id | None = None


class FileGrantRead(msgspec.Struct):
    id: int
    organisation_id: int | None
    user_id: int | None
    granted_by_id: int | None
    created_at: datetime


def grant_read(g: FileGrant) -> FileGrantRead:
    return FileGrantRead(
        id=g.id,
        organisation_id=g.organisation_id,  # type: ignore[attr-defined]
        user_id=g.user_id,  # type: ignore[attr-defined]
        granted_by_id=g.granted_by_id,  # type: ignore[attr-defined]
        created_at=g.created_at,
    )


class FileGrantController(Controller):
    path = "/api/file-grants"
    tags = ["organisations"]

    @get("/", opt={"roles": ADMIN_ONLY})
    async def list_grants(self) -> list[FileGrantRead]:
        return [grant_read(g) for g in await svc.list_file_grants()]

    @post("/", opt={"roles": ADMIN_ONLY}, status_code=201)
    async def grant(self, principal: CurrentUser, data: JSONBody[FileGrantCreate]) -> FileGrantRead:
        """Let every evaluator of ``organisation_id``, or the one user ``user_id``, download original files."""
        return grant_read(
            await svc.grant_file_access(principal, organisation_id=data.organisation_id, user_id=data.user_id)
        )

    @delete("/{grant_id:int}", opt={"roles": ADMIN_ONLY})
    async def revoke(self, principal: CurrentUser, grant_id: IdPath) -> None:
        await svc.revoke_file_access(principal, grant_id)
