"""The faster field readers give what tortoise's own give, and refuse what tortoise's own refuse."""

from __future__ import annotations

from datetime import date

import pytest
from tortoise import fields
from tortoise.exceptions import FieldError

from app.fields import CharEnumField, DateField, JSONField
from app.models import Obligation
from trackers import ObligationState


@pytest.mark.parametrize(
    "stored",
    ["2026-02-28", "2024-02-29", "2026-02-28 00:00:00", "2026-02-28T00:00:00+08:00", date(2026, 2, 28), None],
)
def test_date_reads_as_tortoise_does(stored: object) -> None:
    assert DateField(null=True).to_python_value(stored) == fields.DateField(null=True).to_python_value(stored)


@pytest.mark.parametrize("stored", ["2026-02-30", "2026-13-01", "20260228xx", "2026-W05-1"])
def test_date_refuses_what_tortoise_refuses(stored: str) -> None:
    try:
        fields.DateField(null=True).to_python_value(stored)
    except ValueError as refusal:  # iso8601's ParseError or the date's own ValueError
        theirs = type(refusal)
    else:
        pytest.fail(f"tortoise took {stored!r}")
    with pytest.raises(theirs):
        DateField(null=True).to_python_value(stored)


@pytest.mark.parametrize(
    "stored", ['["市财政局","区政府"]', b'{"a": [1, 2.5, null, true]}', "[]", ["already", "decoded"], None]
)
def test_json_reads_as_tortoise_does(stored: object) -> None:
    assert JSONField(null=True).to_python_value(stored) == fields.JSONField(null=True).to_python_value(stored)


def test_json_refuses_broken_text() -> None:
    with pytest.raises(FieldError):
        JSONField(null=True).to_python_value('["unclosed"')


def test_enum_reads_members_and_refuses_strays() -> None:
    field = CharEnumField(ObligationState, max_length=24, null=True)
    assert field.to_python_value("overdue") is ObligationState.OVERDUE
    assert field.to_python_value(None) is None
    with pytest.raises(ValueError, match="not a valid ObligationState"):
        field.to_python_value("late-ish")


def test_models_use_them_and_migrations_see_the_same_fields() -> None:
    meta = Obligation._meta.fields_map
    assert type(meta["due_date"]) is DateField
    assert type(meta["conditions"]) is JSONField
    assert type(meta["state"]).__mro__[1] is fields.data.CharEnumFieldInstance
    # aerich describes a field by its class name: the same names, so no migration
    assert meta["due_date"].describe(True)["field_type"] == "DateField"
    assert meta["state"].describe(True)["field_type"] == "CharEnumFieldInstance"
    assert meta["conditions"].describe(True)["field_type"] == "JSONField"
