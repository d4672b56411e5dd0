"""The states tracked objects move through. Values are stored in the database as they are."""

from __future__ import annotations

from enum import StrEnum


class ReviewStatus(StrEnum):
    """An extracted obligation before tracking: only confirmed ones are tracked."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class ObligationState(StrEnum):
    """Fulfilment state of a confirmed obligation."""

    PENDING = "pending"
    DUE_SOON = "due_soon"  # inside the warning window
    OVERDUE = "overdue"  # past its due date, inside the grace period
    BREACHED = "breached"  # past the grace period: a failure record exists
    FULFILLED = "fulfilled"
    FULFILLED_LATE = "fulfilled_late"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    WAIVED = "waived"
    AMENDED = "amended"  # replaced by a signed supplement; history kept
    SUSPENDED = "suspended"  # condition precedent unmet or force majeure in force


OPEN_STATES = frozenset(
    {
        ObligationState.PENDING,
        ObligationState.DUE_SOON,
        ObligationState.OVERDUE,
        ObligationState.PARTIALLY_FULFILLED,
    }
)
