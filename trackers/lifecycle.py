"""The obligation state machine: events, the transition table as data, and who may cause what.

    pending ──warn──▶ due_soon ──become_overdue──▶ overdue ──breach──▶ breached
       │  (the sweep may skip steps: pending ──breach──▶ breached when it runs late)
       ├─fulfil──▶ fulfilled | fulfilled_late        (decided by the fulfilment date against the due date)
       ├─fulfil_partially──▶ partially_fulfilled     (overdue and breached stay where they are)
       ├─waive──▶ waived ──reopen──▶ pending
       ├─amend──▶ amended                            (terminal: a signed supplement replaced it)
       └─suspend──▶ suspended ──resume──▶ pending    (the next sweep classifies it again)
    fulfilled, fulfilled_late ──reopen──▶ pending    (evidence found wanting)

Who may cause an event (``PERMISSIONS``):

* ``warn``, ``become_overdue``, ``breach`` — the sweep (``system``) only;
* ``fulfil``, ``fulfil_partially`` (recording fulfilment evidence) — ``admin``, or ``investment``,
  ``finance``, ``department`` for obligations their organisation is responsible for (``responsible=True``);
* ``waive``, ``amend``, ``suspend``, ``resume``, ``reopen`` — ``admin``, ``investment``, ``finance``;
* ``evaluator`` — nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from trackers.errors import InvalidTransition, MissingFacts, NotPermitted
from trackers.roles import ActorRole
from trackers.states import ObligationState


class ObligationEvent(StrEnum):
    WARN = "warn"
    BECOME_OVERDUE = "become_overdue"
    BREACH = "breach"
    FULFIL = "fulfil"
    FULFIL_PARTIALLY = "fulfil_partially"
    WAIVE = "waive"
    AMEND = "amend"
    SUSPEND = "suspend"
    RESUME = "resume"
    REOPEN = "reopen"


S = ObligationState
E = ObligationEvent

# For ``fulfil`` the table gives the on-time target; a fulfilment after the due date yields fulfilled_late.
# The moves of an open obligation not yet overdue (pending, due soon, partly fulfilled); pending may also be warned.
_NOT_YET_MISSED: Mapping[ObligationEvent, ObligationState] = {
    E.BECOME_OVERDUE: S.OVERDUE,
    E.BREACH: S.BREACHED,
    E.FULFIL: S.FULFILLED,
    E.FULFIL_PARTIALLY: S.PARTIALLY_FULFILLED,
    E.WAIVE: S.WAIVED,
    E.AMEND: S.AMENDED,
    E.SUSPEND: S.SUSPENDED,
}
TRANSITIONS: Mapping[ObligationState, Mapping[ObligationEvent, ObligationState]] = {
    S.PENDING: {E.WARN: S.DUE_SOON, **_NOT_YET_MISSED},
    S.DUE_SOON: _NOT_YET_MISSED,
    S.PARTIALLY_FULFILLED: _NOT_YET_MISSED,
    S.OVERDUE: {
        E.BREACH: S.BREACHED,
        E.FULFIL: S.FULFILLED,
        E.FULFIL_PARTIALLY: S.OVERDUE,
        E.WAIVE: S.WAIVED,
        E.AMEND: S.AMENDED,
        E.SUSPEND: S.SUSPENDED,
    },
    S.BREACHED: {
        E.FULFIL: S.FULFILLED,
        E.FULFIL_PARTIALLY: S.BREACHED,
        E.WAIVE: S.WAIVED,
        E.AMEND: S.AMENDED,
    },
    S.FULFILLED: {E.REOPEN: S.PENDING},
    S.FULFILLED_LATE: {E.REOPEN: S.PENDING},
    S.WAIVED: {E.REOPEN: S.PENDING},
    S.AMENDED: {},
    S.SUSPENDED: {E.RESUME: S.PENDING, E.WAIVE: S.WAIVED, E.AMEND: S.AMENDED},
}

SWEEP_EVENTS = frozenset({E.WARN, E.BECOME_OVERDUE, E.BREACH})
EVIDENCE_EVENTS = frozenset({E.FULFIL, E.FULFIL_PARTIALLY})
OVERSIGHT_EVENTS = frozenset({E.WAIVE, E.AMEND, E.SUSPEND, E.RESUME, E.REOPEN})

R = ActorRole
PERMISSIONS: Mapping[ActorRole, frozenset[ObligationEvent]] = {
    R.ADMIN: EVIDENCE_EVENTS | OVERSIGHT_EVENTS,
    R.INVESTMENT: EVIDENCE_EVENTS | OVERSIGHT_EVENTS,
    R.FINANCE: EVIDENCE_EVENTS | OVERSIGHT_EVENTS,
    R.DEPARTMENT: EVIDENCE_EVENTS,
    R.EVALUATOR: frozenset(),
    R.SYSTEM: SWEEP_EVENTS,
}
# Roles that may record evidence only for obligations their organisation is responsible for.
OWN_EVIDENCE_ONLY = frozenset({R.INVESTMENT, R.FINANCE, R.DEPARTMENT})

TERMINAL_STATES = frozenset(state for state, events in TRANSITIONS.items() if not events)


def allowed_events(
    state: ObligationState, actor_role: ActorRole, *, responsible: bool = False
) -> list[ObligationEvent]:
    """The events this actor may cause now, in declaration order (for buttons in the UI)."""
    return [
        event
        for event in ObligationEvent
        if event in TRANSITIONS[state] and _permitted(event, actor_role, responsible=responsible)
    ]


def _permitted(event: ObligationEvent, actor_role: ActorRole, *, responsible: bool) -> bool:
    if event not in PERMISSIONS[actor_role]:
        return False
    return not (event in EVIDENCE_EVENTS and actor_role in OWN_EVIDENCE_ONLY and not responsible)


def fulfilment_state(
    due: date | None,
    fulfilled_on: date,
    amount_due: Decimal | None = None,
    amount_paid: Decimal | None = None,
) -> ObligationState:
    """fulfilled if on or before the (effective) due date or there is none, else fulfilled_late. With
    amounts: less than ``amount_due`` paid is partially_fulfilled (nothing paid: pending)."""
    if amount_due is not None and amount_paid is not None and amount_paid < amount_due:
        return S.PARTIALLY_FULFILLED if amount_paid > 0 else S.PENDING
    return S.FULFILLED if due is None or fulfilled_on <= due else S.FULFILLED_LATE


def apply(
    state: ObligationState,
    event: ObligationEvent,
    *,
    actor_role: ActorRole,
    responsible: bool = False,
    fulfilled_on: date | None = None,
    due: date | None = None,
    today: date | None = None,
) -> ObligationState:
    """The state after ``event``. ``responsible``: the actor's organisation is responsible for the
    obligation. ``fulfil`` needs ``fulfilled_on`` and the effective ``due`` date (None: no deadline); with
    ``today`` given, a fulfilment dated after ``today`` is refused.

    Raises ``NotPermitted`` (role), ``InvalidTransition`` (state, or a future fulfilment date),
    ``MissingFacts`` (fulfil without its date)."""
    if not _permitted(event, actor_role, responsible=responsible):
        why = "only on obligations of its own organisation" if event in PERMISSIONS[actor_role] else "never"
        raise NotPermitted(f"{actor_role} may {why} cause {event}", state=state, event=event, actor_role=actor_role)
    target = TRANSITIONS[state].get(event)
    if target is None:
        raise InvalidTransition(
            f"an obligation that is {state} cannot {event}", state=state, event=event, actor_role=actor_role
        )
    if event == E.FULFIL:
        if fulfilled_on is None:
            raise MissingFacts(
                "fulfilment needs the date it happened",
                state=state,
                event=event,
                actor_role=actor_role,
                missing=("fulfilled_on",),
            )
        if today is not None and fulfilled_on > today:
            raise InvalidTransition(
                f"a fulfilment cannot be dated {fulfilled_on}, after today ({today})",
                state=state,
                event=event,
                actor_role=actor_role,
            )
        return fulfilment_state(due, fulfilled_on)
    return target


@dataclass(frozen=True, slots=True)
class Payment:
    paid_on: date
    amount: Decimal  # a negative amount reverses an earlier payment


@dataclass(frozen=True, slots=True)
class FulfilmentProgress:
    state: ObligationState  # pending, partially_fulfilled, fulfilled or fulfilled_late
    paid: Decimal
    outstanding: Decimal  # never negative; an overpayment leaves 0
    completed_on: date | None  # the day the running total first reached the amount due


def fulfilment_progress(
    amount_due: Decimal, payments: Iterable[Payment], *, due: date | None = None
) -> FulfilmentProgress:
    """Partial payments add up, in date order. Complete when the running total reaches ``amount_due``;
    late when that happened after ``due``. Nothing paid (or all reversed) → pending."""
    paid = Decimal(0)
    completed_on: date | None = None
    for payment in sorted(payments, key=lambda p: p.paid_on):
        paid += payment.amount
        if completed_on is None and paid >= amount_due:
            completed_on = payment.paid_on
        elif paid < amount_due:
            completed_on = None  # a reversal reopened it
    if completed_on is not None:
        state = fulfilment_state(due, completed_on)
    elif paid > 0:
        state = S.PARTIALLY_FULFILLED
    else:
        state = S.PENDING
    return FulfilmentProgress(state, paid, max(amount_due - paid, Decimal(0)), completed_on)
