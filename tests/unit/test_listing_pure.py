"""The list machinery without a database: sort keys → ``order_by`` arguments, forgiving parameters, and the
links a list page draws keeping its state."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from app.models import FailureKind
from app.services.listings import AGREEMENT_SORTING, FAILURE_SORTING, OBLIGATION_SORTING, Sorting
from app.ui import listing

SORTING = Sorting({"due": "due_date", "body": "owner__name"}, default="due", nullable=frozenset({"due_date"}))


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("due", ("due_date_missing", "due_date", "id")),
        ("due-", ("due_date_missing", "-due_date", "-id")),  # NULL last in both directions
        ("body", ("owner__name", "id")),
        ("body-", ("-owner__name", "-id")),
        ("", ("due_date_missing", "due_date", "id")),  # unknown → the default
        ("id; drop table", ("due_date_missing", "due_date", "id")),
        ("-", ("due_date_missing", "due_date", "id")),
        ("body--", ("due_date_missing", "due_date", "id")),
    ],
)
def test_sort_keys_become_order_by_arguments(sort: str, order: tuple[str, ...]) -> None:
    assert SORTING.order(sort) == order


@pytest.mark.parametrize("sorting", [FAILURE_SORTING, OBLIGATION_SORTING, AGREEMENT_SORTING])
def test_every_list_default_is_one_of_its_keys(sorting: Sorting) -> None:
    assert sorting.normalise(sorting.default) == sorting.default
    assert sorting.default.removesuffix("-") in sorting.columns
    assert sorting.nullable <= set(sorting.columns.values())


@pytest.mark.parametrize(
    ("raw", "page"), [("1", 1), ("7", 7), ("0", 1), ("-2", 1), ("abc", 1), ("", 1), ("9999999", 1), ("²", 1)]
)
def test_page_numbers_are_forgiving(raw: str, page: int) -> None:
    assert listing.page_number(raw) == page


def test_parameters_outside_their_choices_mean_no_filter() -> None:
    assert listing.id_param("12") == 12
    assert listing.id_param("1e3") is None
    assert listing.id_param("12345678901") is None
    assert listing.id_param("١٢") is None  # Arabic-Indic digits: isdigit() but not an id
    assert listing.choice("government_breach", FailureKind) == "government_breach"
    assert listing.choice("nope", FailureKind) is None
    assert listing.choice("low", ["low", "high"]) == "low"
    assert listing.date_param("2024-02-29") == date(2024, 2, 29)
    assert listing.date_param("2023-02-29") is None
    assert listing.text_param("  词 " + "x" * 200)[:3] == "词 x"
    assert len(listing.text_param("x" * 200)) == 100
    assert listing.export_format("xlsx") == "xlsx"
    assert listing.export_format("pdf") is None


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def test_links_keep_the_filters_and_change_one_thing() -> None:
    view = listing.ListView.read(SORTING, {"q": "土地", "state": "", "body": "3"}, "body", "2", anchor="rows")
    view = view.counted(60)
    assert (view.page_no, view.pages, view.offset) == (2, 3, 25)
    assert query(view.page_link(3)) == {"q": ["土地"], "body": ["3"], "sort": ["body"], "page_no": ["3"]}
    assert view.page_link(3).endswith("#rows")
    assert query(view.sort_link("body"))["sort"] == ["body-"]  # the sorted column turns round
    assert query(view.sort_link("due"))["sort"] == ["due"]
    assert "page_no" not in query(view.sort_link("due"))  # a new order starts at page 1
    assert (view.aria_sort("body"), view.aria_sort("due")) == ("ascending", "none")
    export = view.export_link("csv")
    assert query(export) == {"q": ["土地"], "body": ["3"], "sort": ["body"], "format": ["csv"]}
    assert "#" not in export


def test_an_empty_list_has_one_page() -> None:
    view = listing.ListView.read(SORTING, {}, "nonsense", "5").counted(0)
    assert (view.sort, view.pages) == ("due", 1)
