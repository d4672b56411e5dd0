"""Every tracking rule's parameters in one object: what the sweep, the failure workflow, the PPP limits and
recurring instances run with. The defaults are the rules' own (each policy class documents its source);
an installation's values come from ``app.settings.Settings.tracking_policies()``, built once and passed to
every entry point (web, CLI, worker, demo), so no caller falls back to a default of its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from trackers.failures import FailurePolicy
from trackers.ppp import AffordabilityPolicy
from trackers.sweep import SweepPolicy


@dataclass(frozen=True, slots=True)
class TrackingPolicies:
    sweep: SweepPolicy = field(default_factory=SweepPolicy)
    failure: FailurePolicy = field(default_factory=FailurePolicy)
    affordability: AffordabilityPolicy = field(default_factory=AffordabilityPolicy)
    recurrence_horizon_days: int = 366  # recurring obligations get their instances this far ahead
