"""Deadlines, fulfilment, breaches and scoring: pure rules over values (no web, database or clock)."""

from trackers.states import OPEN_STATES, ObligationState, ReviewStatus

__all__ = ["OPEN_STATES", "ObligationState", "ReviewStatus"]
