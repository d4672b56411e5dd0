"""The request guard and the request-body checks, as pure functions: no server needed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
import pytest

from app.api.guard import check_json, check_path_ids, check_query, json_depth, nul_field
from app.api.schemas import FulfilmentRequest, LoginRequest, PaymentRequest, ReviewRequest
from app.errors import BadRequest, InvalidInput, NotFound


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"{}", 1),
        (b"1", 0),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[[[[[["}', 1),  # brackets inside strings do not nest
        (b'{"a": "\\"[[["}', 1),  # nor after an escaped quote
        (b"[" * 100_000 + b"]" * 100_000, 100_000),
    ],
)
def test_json_depth(body: bytes, depth: int) -> None:
    assert json_depth(body) == depth


def test_deep_json_is_a_bad_request_naming_the_body() -> None:
    with pytest.raises(BadRequest) as raised:
        check_json(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
    assert raised.value.extra["errors"][0]["key"] == "body"
    check_json(b'{"a": ' * 30 + b"1" + b"}" * 30)  # 30 levels are fine


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"note": "ok"}, None),
        ({"note": "a\x00b"}, "note"),
        ({"ids": [1, "x\x00"]}, "ids[1]"),
        ({"outer": {"inner": "\x00"}}, "outer.inner"),
        ({"k\x00": 1}, "k\\0"),
        ("\x00", "body"),
    ],
)
def test_nul_field_names_the_field(value: object, field: str | None) -> None:
    assert nul_field(value) == field


def test_nul_in_json_is_refused_with_its_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_json(b'{"note": "a\\u0000b"}')
    assert raised.value.extra["errors"][0]["key"] == "note"
    check_json(b'{"note": "not json')  # malformed JSON is left to the handler's decoder


@pytest.mark.parametrize(
    ("query", "field"),
    [(b"q=%00", "q"), (b"limit=10&offset=2147483648", "offset"), (b"document_id=-99999999999", "document_id")],
)
def test_query_strings_are_checked(query: bytes, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_query(query)
    assert raised.value.extra["errors"][0]["key"] == field


def test_sane_query_strings_pass() -> None:
    check_query(b"q=%E5%8D%97%E6%B5%B7&limit=20&offset=2147483647&month=2025-06")


def test_path_ids_beyond_integer_are_not_found() -> None:
    check_path_ids({"document_id": 2**31 - 1, "kind": "x"})
    with pytest.raises(NotFound):
        check_path_ids({"document_id": 2**31})


def _decode(cls: type, body: dict[str, object]) -> object:
    return msgspec.json.decode(msgspec.json.encode(body), type=cls)


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e400", "-1", str(10**18)])
def test_amounts_must_be_finite_and_within_the_column(amount: str) -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.amount"):
        _decode(FulfilmentRequest, {"fulfilled_on": "2025-01-01", "amount": amount})


@pytest.mark.parametrize("fulfilled_on", ["9999-12-31", "0001-01-01", "1900-01-01"])
def test_dates_must_be_within_a_sane_range(fulfilled_on: str) -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.fulfilled_on"):
        _decode(FulfilmentRequest, {"fulfilled_on": fulfilled_on})


def test_a_sane_body_decodes() -> None:
    body = _decode(FulfilmentRequest, {"fulfilled_on": "2025-01-01", "amount": "1234.50"})
    assert body == FulfilmentRequest(fulfilled_on=date(2025, 1, 1), amount=Decimal("1234.50"))


def test_percentages_and_ids_are_bounded() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.performance_score"):
        _decode(
            PaymentRequest, {"year": 2025, "kind": "availability", "amount_planned": "1", "performance_score": "101"}
        )
    with pytest.raises(msgspec.ValidationError, match=r"ids\[0\]"):
        _decode(ReviewRequest, {"ids": [2**31], "decision": "confirmed"})


def test_login_names_are_bounded_by_the_column() -> None:
    with pytest.raises(msgspec.ValidationError):
        _decode(LoginRequest, {"username": "x" * 65, "password": "p"})
