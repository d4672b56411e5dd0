"""What a caller sees: one visibility rule per model, and ``get_in_scope`` — "exists and is visible to you, else
404" — written once for controllers, pages and services.

An object outside the caller's scope answers exactly like one that does not exist (404), so ids of other
governments' records leak nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict, TypeVar, Unpack

from tortoise.expressions import Q
from tortoise.models import Model

from app.errors import NotFound
from app.models import (
    Agreement,
    Document,
    InboxMessage,
    IntegrityFailure,
    Obligation,
    Organisation,
    PPPProject,
    Role,
    WebhookSubscription,
)
from app.security import Principal

M = TypeVar("M", bound=Model)


ROOT = "/"  # every organisation's path starts with it: the whole tree


def within(relation: str, path: str) -> Q:
    """Rows whose organisation (reached through ``relation``, e.g. ``"owner"``; ``""``: the row is one) lies in
    the subtree at ``path``. The whole tree is no condition at all — no join, no LIKE over every row (an
    administrator's list pages count 100,000 obligations by their primary key alone)."""
    if path == ROOT:
        return Q()
    prefix = f"{relation}__" if relation else ""
    return Q(**{f"{prefix}path__startswith": path})


def owned_within(relation: str, principal: Principal) -> Q:
    """Rows whose organisation lies in the caller's subtree (see ``within``)."""
    return within(relation, principal.scope_path)


def visible_obligations(principal: Principal) -> Q:
    """Obligations the caller sees: owned inside its scope; the bureaus also every obligation of the
    agreements their scope manages (one assigned to another government's body stays theirs to track).
    The body an obligation is assigned to sees that obligation and its clause — never the document."""
    own = owned_within("owner", principal)
    if principal.role == Role.DEPARTMENT or principal.scope_path == ROOT:  # (an empty Q would widen an OR)
        return own
    return own | owned_within("agreement__owning_department", principal)


def managed_agreements(principal: Principal) -> Q:
    """Agreements whose owning department is inside the scope: the ones the caller may review and record
    events on."""
    return owned_within("owning_department", principal)


def visible_agreements(principal: Principal) -> Q:
    """Agreements the caller sees: owned inside the scope; departments also those holding their obligations
    (filter with ``.distinct()``: the obligation join repeats rows)."""
    if principal.role == Role.DEPARTMENT and principal.scope_path != ROOT:
        return managed_agreements(principal) | owned_within("obligations__owner", principal)
    return managed_agreements(principal)


def visible_documents(principal: Principal) -> Q:
    """Documents uploaded inside the caller's scope. A body given obligations of a document from outside
    sees those obligations and their clauses, never the document itself (issue 10)."""
    return owned_within("organisation", principal)


def own_messages(principal: Principal) -> Q:
    return Q(user_id=principal.user_id)


# model → (what the 404 calls it, its visibility rule)
RULES: dict[type[Model], tuple[str, Callable[[Principal], Q]]] = {
    Obligation: ("Obligation", visible_obligations),
    Agreement: ("Agreement", visible_agreements),  # a join to its obligations: DISTINCT
    Document: ("Document", visible_documents),
    IntegrityFailure: ("Integrity-failure record", lambda p: owned_within("organisation", p)),
    Organisation: ("Organisation", lambda p: owned_within("", p)),
    PPPProject: ("PPP project", lambda p: owned_within("district", p)),
    WebhookSubscription: ("Subscription", lambda p: owned_within("organisation", p)),
    InboxMessage: ("Message", own_messages),
}


def not_found(model: type[Model], object_id: int) -> NotFound:
    noun = RULES[model][0] if model in RULES else model.__name__
    return NotFound(f"{noun} {object_id} does not exist or is not visible to you.")


async def find_in_scope(
    model: type[M],
    object_id: int,
    principal: Principal,
    *,
    scope: Q | None = None,
    lock: bool = False,
    related: tuple[str, ...] = (),
) -> M | None:
    """The row ``object_id`` of ``model`` if the caller sees it (by the model's rule, or ``scope`` when given),
    else None. ``lock``: found first, then locked by id (PostgreSQL cannot lock the outer join a visibility
    rule may need); call it inside a transaction. ``related``: relations to prefetch."""
    rule = scope if scope is not None else RULES[model][1](principal)
    query = model.filter(rule, id=object_id)
    if model is Agreement:
        query = query.distinct()  # the rule joins an agreement's obligations: one row each
    if lock:
        if not await query.exists():
            return None
        query = model.filter(id=object_id).select_for_update()
    if related:
        query = query.prefetch_related(*related)
    return await query.first()


class ScopeOptions(TypedDict, total=False):
    """``find_in_scope``'s keyword options, passed on unchanged by ``get_in_scope``."""

    scope: Q | None
    lock: bool
    related: tuple[str, ...]


async def get_in_scope(model: type[M], object_id: int, principal: Principal, **options: Unpack[ScopeOptions]) -> M:
    """As ``find_in_scope``, but an object that does not exist or is not visible is a 404 (``NotFound``)."""
    row = await find_in_scope(model, object_id, principal, **options)
    if row is None:
        raise not_found(model, object_id)
    return row
