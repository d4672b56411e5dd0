"""/api/organisations: the hierarchy of governments and departments."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody

from app.api.deps import CurrentUser
from app.api.schemas import OrganisationCreate, OrganisationRead, organisation_read
from app.models import Organisation
from app.security import ADMIN_ONLY, STAFF
from app.services.organisations import create_organisation


class OrganisationController(Controller):
    path = "/api/organisations"
    tags = ["organisations"]

    @get("/", opt={"roles": STAFF})
    async def list_organisations(self, principal: CurrentUser) -> list[OrganisationRead]:
        rows = await Organisation.filter(path__startswith=principal.scope_path).order_by("path")
        return [organisation_read(o) for o in rows]

    @post("/", opt={"roles": ADMIN_ONLY}, status_code=201)
    async def create(self, principal: CurrentUser, data: JSONBody[OrganisationCreate]) -> OrganisationRead:
        return organisation_read(await create_organisation(data.name, data.kind, data.parent_id, data.uscc, principal))
