"""One table names every stored value: each member of each labelled enum has a Chinese and an English name,
and the UI catalogue, the exports and the record types read the same entry."""

from __future__ import annotations

from enum import StrEnum

import pytest

from app import labels
from app.models import (
    AgreementKind,
    DocumentStatus,
    FailureKind,
    GovernmentPaymentKind,
    OrgKind,
    PaymentMechanism,
    PPPTag,
    Role,
)
from app.ui.i18n import translator
from extractors import Category
from trackers import ObligationState, PartyRole, ReviewStatus
from trackers.failures import FailureState, Severity

GROUPS: dict[str, type[StrEnum]] = {
    "org": OrgKind,
    "role": Role,
    "status": DocumentStatus,
    "state": ObligationState,
    "review": ReviewStatus,
    "party": PartyRole,
    "kind": AgreementKind,
    "fstate": FailureState,
    "category": Category,
    "severity": Severity,
    "fkind": FailureKind,
    "mechanism": PaymentMechanism,
    "paykind": GovernmentPaymentKind,
    "ppptag": PPPTag,
}


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_member_has_both_names_and_nothing_else(group: str) -> None:
    table = labels.LABELS[group]
    assert set(table) == {str(m) for m in GROUPS[group]}
    assert all(zh and en and zh != en for zh, en in table.values())


def test_the_ui_and_the_exports_read_the_same_entry() -> None:
    zh, en = translator("zh"), translator("en")
    for group, enum in GROUPS.items():
        for member in enum:
            assert zh(f"{group}.{member}") == labels.label(group, member)
            assert en(f"{group}.{member}") == labels.label(group, member, "en")
    assert FailureKind.COUNTERPARTY_DEFAULT.label == "违约" == labels.label("fkind", "counterparty_default")
    assert labels.label("kind", AgreementKind.PPP) == "PPP项目合同"
    assert labels.label("state", "no_such_state") == "no_such_state"
