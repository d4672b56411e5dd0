"""What every list page shares: reading its query parameters forgivingly (a bad value means "no filter",
never an error page), and a :class:`ListView` — the list's state as the URL keeps it (filters, sort key,
page) with the links that change one of them and keep the rest: column sorting, the pager and the export.
The templates draw them with the ``sort_header`` / ``sort_link``, ``pager`` and ``export_links`` macros of
``_macros.html``; the rows come from ``app.services.listings``. The two obligation lists (我的义务 and an
agreement's) share one reader of their filters and one loader, :func:`obligation_list`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlencode

from litestar import Response

import extractors
from app.api.stats import EXPORT_ROWS, ExportFormat, spreadsheet
from app.exports import tables
from app.models import AgreementKind, Obligation, ObligationWarning
from app.services import listings
from app.services.listings import CONFIDENCE_BANDS, ObligationQuery, Sorting
from app.ui.forms import parse_date

PAGE_SIZE = 25

T = TypeVar("T")
# a list loader with its filters bound: (limit, offset, sort) → (rows, total)
Loader = Callable[[int | None, int, str], Awaitable[tuple[list[T], int]]]


def text_param(raw: str) -> str:
    """Search words: trimmed, at most 100 characters."""
    return raw.strip()[:100]


def _digits(raw: str, most: int) -> int | None:
    """``raw`` as a number if it is up to ``most`` ASCII digits (``"²".isdigit()`` is true, ``int("²")`` fails)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= most else None


def id_param(raw: str) -> int | None:
    return _digits(raw, 9)


def page_number(raw: str) -> int:
    return max(_digits(raw, 6) or 1, 1)


def choice(raw: str, allowed: Iterable[str | Enum]) -> str | None:
    """``raw`` if it is one of ``allowed`` (an enum's members or plain strings), else None."""
    values = {a.value if isinstance(a, Enum) else a for a in allowed}
    return raw if raw in values else None


def date_param(raw: str) -> date | None:
    return parse_date(raw)


def kept_date(day: date | None) -> str:
    """A date filter as the URL keeps it (empty: no filter)."""
    return day.isoformat() if day else ""


def export_format(raw: str) -> ExportFormat | None:
    """The spreadsheet a list page was asked for (``?format=xlsx`` / ``csv``), or None for the page."""
    return ExportFormat(raw) if raw in {f.value for f in ExportFormat} else None


@dataclass(frozen=True, slots=True)
class ListView:
    """One list page's state: ``kept`` are the filters as given in the URL (empty ones left out)."""

    sorting: Sorting
    kept: Mapping[str, str]
    sort: str
    page_no: int
    total: int = 0
    size: int = PAGE_SIZE
    anchor: str = ""  # a fragment the links end with (a list inside a longer page)

    @classmethod
    def read(cls, sorting: Sorting, filters: Mapping[str, str], sort: str, page_no: str, **more: Any) -> ListView:
        """The state from raw parameters: an unknown sort key → the list's default, a bad page → 1."""
        kept = {k: v for k, v in filters.items() if v}
        return cls(sorting, kept, sorting.normalise(sort), page_number(page_no), **more)

    @property
    def offset(self) -> int:
        return (self.page_no - 1) * self.size

    @property
    def pages(self) -> int:
        return max((self.total + self.size - 1) // self.size, 1)

    def counted(self, total: int) -> ListView:
        return replace(self, total=total)

    def _link(self, params: Mapping[str, Any], fragment: bool = True) -> str:
        tail = f"#{self.anchor}" if fragment and self.anchor else ""
        return f"?{urlencode({**self.kept, **params})}{tail}"  # relative: the page's own path

    def sort_link(self, key: str) -> str:
        """Sort by ``key``; a second click on the sorted column turns the order round. Back to page 1."""
        return self._link({"sort": f"{key}-" if self.sort == key else key})

    def aria_sort(self, key: str) -> str:
        return "ascending" if self.sort == key else "descending" if self.sort == f"{key}-" else "none"

    def page_link(self, number: int) -> str:
        return self._link({"sort": self.sort, "page_no": number})

    def export_link(self, fmt: str) -> str:
        """Every row the filters select (not only this page), in this order, as a spreadsheet."""
        return self._link({"sort": self.sort, "format": fmt}, fragment=False)


async def rows_or_export(
    view: ListView, fmt: str, load: Loader[T], table: Callable[[list[T]], tables.Table], export_name: str
) -> tuple[list[T], ListView] | Response[bytes]:
    """The page of rows ``view`` shows and the view with their total — or, with ``fmt`` ``xlsx``/``csv``,
    every row the filters select (up to ``EXPORT_ROWS``), in the view's order, as a spreadsheet."""
    if (wanted := export_format(fmt)) is not None:
        everything, _ = await load(EXPORT_ROWS, 0, view.sort)
        return spreadsheet(table(everything), wanted, export_name)
    rows, total = await load(view.size, view.offset, view.sort)
    return rows, view.counted(total)


def obligation_filters(
    params: Mapping[str, str], base: ObligationQuery, states: Iterable[str], windows: Iterable[int]
) -> tuple[ObligationQuery, dict[str, str]]:
    """The obligation filters of a list page (我的义务, an agreement's obligations) from its query string,
    on top of what the page fixes in ``base`` (its agreement, its states): the query, and the filters to
    keep in the URL. ``states`` are the states one may pick, ``windows`` the warning windows."""
    q = text_param(params.get("q", ""))
    window = id_param(params.get("warning", ""))
    flt = replace(
        base,
        organisation_id=id_param(params.get("body", "")),
        district_id=id_param(params.get("district", "")),
        agreement_kind=choice(params.get("kind", ""), AgreementKind),
        category=choice(params.get("category", ""), extractors.Category),
        state=choice(params.get("state", ""), states),
        due_from=date_param(params.get("due_from", "")),
        due_to=date_param(params.get("due_to", "")),
        warning_within=window if window in set(windows) else None,
        confidence=choice(params.get("confidence", ""), CONFIDENCE_BANDS),
        q=q or None,
    )
    kept = {
        "q": q,
        "state": flt.state or "",
        "category": flt.category or "",
        "kind": flt.agreement_kind or "",
        "body": str(flt.organisation_id or ""),
        "district": str(flt.district_id or ""),
        "due_from": kept_date(flt.due_from),
        "due_to": kept_date(flt.due_to),
        "warning": str(flt.warning_within or ""),
        "confidence": flt.confidence or "",
    }
    return flt, kept


@dataclass(frozen=True, slots=True)
class ObligationList:
    """One page of an obligation list with what its template needs (``context()``)."""

    flt: ObligationQuery
    view: ListView
    rows: list[Obligation]
    warnings: Mapping[int, list[ObligationWarning]]  # per obligation on the page, shortest window first
    states: tuple[str, ...]
    windows: tuple[int, ...]

    def context(self) -> dict[str, Any]:
        return {
            "flt": self.flt,
            "view": self.view,
            "obligations": self.rows,
            "warnings": self.warnings,
            "states": self.states,
            "windows": self.windows,
            "categories": list(extractors.Category),
            "bands": list(CONFIDENCE_BANDS),
        }


async def obligation_list(
    params: Mapping[str, str],
    scope_path: str,
    base: ObligationQuery,
    states: Iterable[str],
    windows: Iterable[int],
    *,
    anchor: str,
    export_name: str,
) -> ObligationList | Response[bytes]:
    """The page of obligations ``params`` ask for (filters, ``sort``, ``page_no``) with their warnings — or,
    with ``format=xlsx|csv``, every row the filters select as a spreadsheet."""
    states, windows = tuple(states), tuple(sorted(set(windows)))
    flt, kept = obligation_filters(params, base, states, windows)
    view = ListView.read(
        listings.OBLIGATION_SORTING, kept, params.get("sort", ""), params.get("page_no", ""), anchor=anchor
    )
    listed = await rows_or_export(
        view,
        params.get("format", ""),
        partial(listings.list_obligations, scope_path, flt),
        tables.obligations_table,
        export_name,
    )
    if isinstance(listed, Response):
        return listed
    rows, view = listed
    warnings: dict[int, list[ObligationWarning]] = defaultdict(list)
    for w in await ObligationWarning.filter(obligation_id__in=[o.id for o in rows]).order_by("window_days"):
        warnings[w.obligation_id].append(w)  # type: ignore[attr-defined]
    return ObligationList(flt, view, rows, warnings, states, windows)
