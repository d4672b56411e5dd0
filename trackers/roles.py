"""Who acts (user roles) and who owes (party roles). Values are stored in the database as they are."""

from __future__ import annotations

from enum import StrEnum


class ActorRole(StrEnum):
    """The role of whoever causes an event."""

    ADMIN = "admin"  # the credit office running the platform: may do anything a person may do
    INVESTMENT = "investment"  # investment-promotion bureau / development-zone committee
    FINANCE = "finance"  # finance bureau
    DEPARTMENT = "department"  # any other responsible unit
    EVALUATOR = "evaluator"  # third-party integrity evaluator: reads, never changes state
    SYSTEM = "system"  # the scheduled sweep


class PartyRole(StrEnum):
    """The side an obligor is on (same values as the extractors' ``Party.role``)."""

    GOVERNMENT = "government"
    COUNTERPARTY = "counterparty"
    OTHER = "other"
    UNKNOWN = "unknown"
