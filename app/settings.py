"""Settings from the environment, read in one place into a frozen object passed to ``create_app``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trackers.failures import FailurePolicy
from trackers.policies import TrackingPolicies
from trackers.ppp import AffordabilityPolicy
from trackers.sweep import DEFAULT_GRACE_BY_ROLE, GracePolicy, SweepPolicy, WarningPolicy


def _default_data_dir() -> Path:
    return Path(os.environ.get("CHENGXIN_DATA_DIR", "data")).resolve()


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    database_url: str = ""  # default: SQLite file under data_dir
    redis_url: str | None = None  # None: jobs run in-process
    queue_name: str = "arq:queue"  # arq queue; distinct names let several installations share one Redis
    storage_dir: Path | None = None  # default: data_dir / "files"
    secret_key: str = ""
    session_hours: int = 8
    token_days: int = 90  # CHENGXIN_TOKEN_DAYS: API tokens expire after this many days unless asked shorter
    # CHENGXIN_TRUST_PROXY_HEADERS=1 behind a reverse proxy: X-Forwarded-Proto (Secure cookies) and the last
    # X-Forwarded-For address (login throttling) are believed; never set it when clients reach the app directly
    trust_proxy_headers: bool = False
    max_upload_mb: int = 100
    max_pages: int = 2000
    extraction_timeout_s: int = 300
    job_timeout_s: int = 600
    worker_poll_delay_s: float = 0.05
    worker_max_jobs: int = 4
    reading_slots: int = 0  # documents one process parses/OCRs at once; 0 = one per available core
    requeue_interval_s: int = 60  # how often workers look for documents whose job was lost
    requeue_after_s: int = 300  # a document queued/extracting without a change this long gets its job again
    worker_reconnect_max_s: float = 30.0  # a worker that lost Redis retries after 1 s, 2 s, … up to this
    grace_days_government: int = 30  # days an overdue government obligation waits before it is a breach
    notify_backoff_s: float = 30.0  # first retry of a failed webhook; doubles each attempt
    notify_max_attempts: int = 8
    notify_timeout_s: float = 10.0
    # webhooks go to public https addresses only; CHENGXIN_WEBHOOK_ALLOW_HTTP=1 for development, and
    # CHENGXIN_WEBHOOK_ALLOW="hooks.intranet.example,10.8.0.0/16" lets internal receivers through
    webhook_allow_http: bool = False
    webhook_allow: tuple[str, ...] = ()
    debug: bool = False
    demo: bool = False  # CHENGXIN_DEMO=1 (set by ``chengxin demo``): the login page names the demo accounts
    # tracking (issue 4)
    warning_windows: tuple[int, ...] = (30, 7, 1)  # CHENGXIN_WARNING_WINDOWS="30,7,1"
    # CHENGXIN_WARNING_WINDOWS_BY_CATEGORY="payment=60,30,7;reporting=7,1"
    warning_windows_by_category: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))
    recurrence_horizon_days: int = 366  # recurring obligations get their instances this far ahead
    objection_days: int = 15  # CHENGXIN_OBJECTION_DAYS
    publish_minor: bool = False  # CHENGXIN_PUBLISH_MINOR
    ppp_red_line: Decimal = Decimal("0.10")  # CHENGXIN_PPP_RED_LINE
    ppp_government_pay_limit: Decimal = Decimal("0.05")  # CHENGXIN_PPP_GOVERNMENT_PAY_LIMIT

    def sweep_policy(self) -> SweepPolicy:
        return SweepPolicy(
            warnings=WarningPolicy(default=self.warning_windows, by_category=dict(self.warning_windows_by_category)),
            grace=GracePolicy(by_role={**DEFAULT_GRACE_BY_ROLE, "government": self.grace_days_government}),
        )

    def failure_policy(self) -> FailurePolicy:
        return FailurePolicy(objection_days=self.objection_days, publish_minor=self.publish_minor)

    def affordability_policy(self) -> AffordabilityPolicy:
        return AffordabilityPolicy(red_line=self.ppp_red_line, government_pay_limit=self.ppp_government_pay_limit)

    def tracking_policies(self) -> TrackingPolicies:
        """Every tracking rule's configured parameters, for the sweep, confirmation, the UI and the demo."""
        return TrackingPolicies(
            sweep=self.sweep_policy(),
            failure=self.failure_policy(),
            affordability=self.affordability_policy(),
            recurrence_horizon_days=self.recurrence_horizon_days,
        )

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite://{self.data_dir / 'chengxin.sqlite3'}"

    @property
    def files_dir(self) -> Path:
        return self.storage_dir or self.data_dir / "files"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        data_dir = Path(env.get("CHENGXIN_DATA_DIR", "data")).resolve()
        secret = env.get("CHENGXIN_SECRET_KEY") or _persistent_secret(data_dir)
        storage = env.get("CHENGXIN_STORAGE_DIR")
        return cls(
            data_dir=data_dir,
            database_url=env.get("CHENGXIN_DATABASE_URL", ""),
            redis_url=env.get("CHENGXIN_REDIS_URL") or None,
            queue_name=env.get("CHENGXIN_QUEUE_NAME", "arq:queue"),
            storage_dir=Path(storage).resolve() if storage else None,
            secret_key=secret,
            session_hours=int(env.get("CHENGXIN_SESSION_HOURS", "8")),
            token_days=int(env.get("CHENGXIN_TOKEN_DAYS", "90")),
            trust_proxy_headers=env.get("CHENGXIN_TRUST_PROXY_HEADERS", "") in ("1", "true", "yes"),
            max_upload_mb=int(env.get("CHENGXIN_MAX_UPLOAD_MB", "100")),
            max_pages=int(env.get("CHENGXIN_MAX_PAGES", "2000")),
            extraction_timeout_s=int(env.get("CHENGXIN_EXTRACTION_TIMEOUT", "300")),
            job_timeout_s=int(env.get("CHENGXIN_JOB_TIMEOUT", "600")),
            worker_poll_delay_s=float(env.get("CHENGXIN_WORKER_POLL_DELAY", "0.05")),
            worker_max_jobs=int(env.get("CHENGXIN_WORKER_MAX_JOBS", "4")),
            reading_slots=int(env.get("CHENGXIN_READING_SLOTS", "0")),
            requeue_interval_s=int(env.get("CHENGXIN_REQUEUE_INTERVAL", "60")),
            requeue_after_s=int(env.get("CHENGXIN_REQUEUE_AFTER", "300")),
            worker_reconnect_max_s=float(env.get("CHENGXIN_WORKER_RECONNECT_MAX", "30")),
            grace_days_government=int(env.get("CHENGXIN_GRACE_DAYS", "30")),
            notify_backoff_s=float(env.get("CHENGXIN_NOTIFY_BACKOFF", "30")),
            notify_max_attempts=int(env.get("CHENGXIN_NOTIFY_MAX_ATTEMPTS", "8")),
            notify_timeout_s=float(env.get("CHENGXIN_NOTIFY_TIMEOUT", "10")),
            webhook_allow_http=env.get("CHENGXIN_WEBHOOK_ALLOW_HTTP", "") in ("1", "true", "yes"),
            webhook_allow=tuple(x.strip() for x in env.get("CHENGXIN_WEBHOOK_ALLOW", "").split(",") if x.strip()),
            debug=env.get("CHENGXIN_DEBUG", "") in ("1", "true", "yes"),
            demo=env.get("CHENGXIN_DEMO", "") in ("1", "true", "yes"),
            warning_windows=_windows(env.get("CHENGXIN_WARNING_WINDOWS", "30,7,1")),
            warning_windows_by_category=MappingProxyType(
                {
                    category.strip(): _windows(windows)
                    for category, _, windows in (
                        part.partition("=")
                        for part in env.get("CHENGXIN_WARNING_WINDOWS_BY_CATEGORY", "").split(";")
                        if part.strip()
                    )
                }
            ),
            recurrence_horizon_days=int(env.get("CHENGXIN_RECURRENCE_HORIZON_DAYS", "366")),
            objection_days=int(env.get("CHENGXIN_OBJECTION_DAYS", "15")),
            publish_minor=env.get("CHENGXIN_PUBLISH_MINOR", "") in ("1", "true", "yes"),
            ppp_red_line=Decimal(env.get("CHENGXIN_PPP_RED_LINE", "0.10")),
            ppp_government_pay_limit=Decimal(env.get("CHENGXIN_PPP_GOVERNMENT_PAY_LIMIT", "0.05")),
        )


def _windows(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def _persistent_secret(data_dir: Path) -> str:
    """A random secret kept in the data directory, so sessions survive restarts of a local install."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
