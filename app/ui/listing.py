"""What every list page shares: reading its query parameters forgivingly (a bad value means "no filter",
never an error page), and a :class:`ListView` — the list's state as the URL keeps it (filters, sort key,
page) with the links that change one of them and keep the rest: column sorting, the pager and the export.
The templates draw them with the ``sort_header``, ``pager`` and ``export_links`` macros of ``_macros.html``;
the rows come from ``app.services.listings``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import Any
from urllib.parse import urlencode

from app.api.stats import ExportFormat
from app.services.listings import Sorting
from app.ui.forms import parse_date

PAGE_SIZE = 25


def text_param(raw: str) -> str:
    """Search words: trimmed, at most 100 characters."""
    return raw.strip()[:100]


def id_param(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def page_number(raw: str) -> int:
    return max(int(raw), 1) if raw.isdigit() and len(raw) < 7 else 1


def choice(raw: str, allowed: Iterable[str | Enum]) -> str | None:
    """``raw`` if it is one of ``allowed`` (an enum's members or plain strings), else None."""
    values = {a.value if isinstance(a, Enum) else a for a in allowed}
    return raw if raw in values else None


def date_param(raw: str) -> date | None:
    return parse_date(raw)


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
