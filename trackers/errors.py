"""Errors raised by the trackers. Every error carries structured fields and a stable ``code``.

    TrackerError                    base; ``reason`` is a one-line sentence, ``code`` a stable key
     ├── InvalidPeriod              a period or offset that cannot be counted (n < 1, unknown unit)
     ├── InvalidRule                a recurrence rule or policy that contradicts itself
     ├── InvalidCounts              scoring counts that do not add up
     └── TransitionError            a state machine refused an event; ``state``, ``event``, ``actor_role``
          ├── InvalidTransition     the event does not apply in this state
          ├── NotPermitted          the actor's role may not cause this event (or not on others' records)
          ├── MissingFacts          the event needs facts that were not given; ``missing`` names them
          ├── InadmissibleObjection an objection reason the rules never accept; ``objection_reason``
          ├── PeriodClosed          the event came after its period ended; ``closed_on``
          └── TooEarly              the event is not possible yet; ``opens_on``

The web app maps ``TransitionError`` subclasses to 409/403/422 problem responses by ``code``.
"""

from __future__ import annotations

from datetime import date


class TrackerError(Exception):
    code = "tracker_error"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidPeriod(TrackerError):
    code = "invalid_period"

    def __init__(self, reason: str, *, value: int | None = None, unit: str | None = None) -> None:
        super().__init__(reason)
        self.value = value
        self.unit = unit


class InvalidRule(TrackerError):
    code = "invalid_rule"


class InvalidCounts(TrackerError):
    code = "invalid_counts"


class TransitionError(TrackerError):
    code = "transition_error"

    def __init__(self, reason: str, *, state: str, event: str, actor_role: str | None = None) -> None:
        super().__init__(reason)
        self.state = state
        self.event = event
        self.actor_role = actor_role


class InvalidTransition(TransitionError):
    code = "invalid_transition"


class NotPermitted(TransitionError):
    code = "not_permitted"


class MissingFacts(TransitionError):
    code = "missing_facts"

    def __init__(
        self, reason: str, *, state: str, event: str, actor_role: str | None = None, missing: tuple[str, ...]
    ) -> None:
        super().__init__(reason, state=state, event=event, actor_role=actor_role)
        self.missing = missing


class InadmissibleObjection(TransitionError):
    code = "inadmissible_objection"

    def __init__(
        self, reason: str, *, state: str, event: str, actor_role: str | None = None, objection_reason: str
    ) -> None:
        super().__init__(reason, state=state, event=event, actor_role=actor_role)
        self.objection_reason = objection_reason


class PeriodClosed(TransitionError):
    code = "period_closed"

    def __init__(self, reason: str, *, state: str, event: str, actor_role: str | None = None, closed_on: date) -> None:
        super().__init__(reason, state=state, event=event, actor_role=actor_role)
        self.closed_on = closed_on


class TooEarly(TransitionError):
    code = "too_early"

    def __init__(self, reason: str, *, state: str, event: str, actor_role: str | None = None, opens_on: date) -> None:
        super().__init__(reason, state=state, event=event, actor_role=actor_role)
        self.opens_on = opens_on
