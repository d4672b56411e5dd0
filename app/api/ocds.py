"""/api/ocds/release-package: agreements in scope as an OCDS release package (PPP profile)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromQuery, Parameter

from app.api.deps import CurrentUser
from app.api.ids import IdQuery
from app.api.stats import STATS_ROLES
from app.exports import ocds
from app.models import Agreement, AgreementKind
from app.services.listings import subtree_path


class OcdsController(Controller):
    path = "/api/ocds"
    tags = ["exports"]

    @get(
        "/release-package",
        opt={"roles": STATS_ROLES},
        media_type="application/json",
        response_description="OCDS 1.1 release package with the PPP profile's extensions",
    )
    async def release_package(
        self,
        request: Request[Any, Any, Any],
        principal: CurrentUser,
        agreement_id: IdQuery = None,
        agreement_kind: FromQuery[AgreementKind | None] = None,
        organisation_id: IdQuery = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> Response[bytes]:
        """One release per agreement (owning department in scope or under ``organisation_id``)."""
        path = await subtree_path(principal.scope_path, organisation_id)
        query = Agreement.filter(owning_department__path__startswith=path) if path else Agreement.filter(id=-1)
        if agreement_id is not None:
            query = query.filter(id=agreement_id)
        if agreement_kind is not None:
            query = query.filter(kind=agreement_kind)
        agreements = await query.order_by("id").offset(offset).limit(limit)
        package = await ocds.release_package(agreements, str(request.url))
        return Response(ocds.dumps(package), media_type="application/json")
