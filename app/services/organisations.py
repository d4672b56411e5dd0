"""Organisations (a hierarchy) and counterparties."""

from __future__ import annotations

import re
import unicodedata

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


# Names as documents write them → the key organisations are compared by. Each entry has a unit test.
NAME_ALIASES: tuple[tuple[str, str], ...] = (
    ("发展和改革", "发展改革"),
    ("人力资源和社会保障", "人力资源社会保障"),
    ("住房和城乡建设", "住房城乡建设"),
    ("发改局", "发展改革局"),
    ("人社局", "人力资源社会保障局"),
    ("住建局", "住房城乡建设局"),
    ("投促局", "投资促进局"),
    ("人民政府", ""),
    ("政府", ""),
)
PARTY_LABELS = ("甲方", "乙方", "丙方", "丁方")
_BRACKETED = re.compile(r"^(?P<outer>[^()]*)\((?P<inner>[^()]+)\)$")


def unlabelled(name: str) -> str:
    """``甲方（佛山市投资促进局）``, ``佛山市投资促进局（甲方）`` or ``甲方：佛山市投资促进局`` →
    ``佛山市投资促进局``; other names unchanged (NFKC-normalised)."""
    text = unicodedata.normalize("NFKC", name).strip()
    m = _BRACKETED.match(text)
    if m:
        outer, inner = m.group("outer").strip(" :："), m.group("inner").strip()
        if outer in PARTY_LABELS:
            return inner
        if inner in PARTY_LABELS:
            return outer
    label, colon, rest = text.partition(":")
    if colon and label.strip() in PARTY_LABELS and rest.strip():
        return rest.strip()
    return text


def name_key(name: str, root: str = "", governments: tuple[str, ...] = ()) -> str:
    """The comparison key of an organisation name: the labelled party's name, the city's own name ``root``
    (``佛山市``) reduced to its level (``佛山市财政局`` → ``市财政局``; dropped before a district or town
    in ``governments``: ``佛山市南海区财政局`` → ``南海区财政局``), aliases applied."""
    key = re.sub(r"\s+", "", unlabelled(name))
    if root and key.startswith(root):
        rest = key[len(root) :]
        key = rest if rest and rest.startswith(governments) else root[-1] + rest
    for written, canonical in NAME_ALIASES:
        key = key.replace(written, canonical)
    return key


async def match_organisation(name: str | None, within: Organisation | None) -> Organisation | None:
    """An organisation named ``name`` in the tree of ``within``'s government, if there is exactly one.

    Names match exactly or by their key (``name_key``): the labelled party's name (``甲方（X）``), without
    the city's proper name (``佛山市财政局`` = ``市财政局``), with the aliases of ``NAME_ALIASES``
    (``发展和改革局`` = ``发展改革局``, ``X人民政府`` = the government X). Never a guess: two candidates
    with the same key are no match."""
    if not name or not name.strip():
        return None
    name = unlabelled(name)
    if name in PARTY_LABELS:
        return None
    scope = within.path.split("/")[1] if within else ""
    query = Organisation.filter(path__startswith=f"/{scope}/") if scope else Organisation.all()
    exact = await query.filter(name=name).limit(2)
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        return None
    orgs = await query
    root = next((o.name for o in orgs if o.parent_id is None), "")
    governments = tuple(o.name for o in orgs if o.parent_id is not None and o.kind in (OrgKind.DISTRICT, OrgKind.TOWN))
    wanted = name_key(name, root, governments)
    if not wanted:
        return None
    matches = [o for o in orgs if name_key(o.name, root, governments) == wanted]
    return matches[0] if len(matches) == 1 else None


async def counterparty_named(name: str | None) -> Counterparty | None:
    """The enterprise a contract names as a party: found by exact name or registered (without a USCC, which
    a reviewer adds later)."""
    name = (name or "").strip()
    if len(name) < 2 or "_" in name:  # blanks in templates are not enterprises
        return None
    existing = await Counterparty.filter(name=name).first()
    return existing or await Counterparty.create(name=name[:200])
