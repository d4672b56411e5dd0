"""Job ids and schedules: pure functions of their arguments."""

from __future__ import annotations

import pytest

import extractors
from app.jobs import cron_name, cron_times, extraction_job_id, notification_job_id

V = extractors.EXTRACTOR_VERSION


@pytest.mark.parametrize(
    ("queue", "document", "attempt", "expected"),
    [
        ("arq:queue", 7, None, f"arq:queue:extract:7:{V}"),
        ("city-a", 7, None, f"city-a:extract:7:{V}"),
        ("city-b", 7, None, f"city-b:extract:7:{V}"),
        ("city-a", 7, "3f2a", f"city-a:extract:7:{V}:3f2a"),
    ],
)
def test_extraction_job_id(queue: str, document: int, attempt: str | None, expected: str) -> None:
    assert extraction_job_id(queue, document, attempt) == expected


def test_job_ids_of_two_queues_differ() -> None:
    assert extraction_job_id("a", 1) != extraction_job_id("b", 1)
    assert notification_job_id("a", 1) != notification_job_id("b", 1)
    assert cron_name("a", "sweep_daily") != cron_name("b", "sweep_daily")


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        (1, {"second": set(range(60))}),
        (2, {"second": set(range(0, 60, 2))}),
        (7, {"second": set(range(0, 60, 10))}),  # rounded up to a divisor of 60
        (30, {"second": {0, 30}}),
        (45, {"second": {0}}),
        (60, {"minute": set(range(60)), "second": {0}}),
        (300, {"minute": set(range(0, 60, 5)), "second": {0}}),
        (420, {"minute": set(range(0, 60, 10)), "second": {0}}),
        (3600, {"minute": {0}, "second": {0}}),
    ],
)
def test_cron_times(interval: int, expected: dict[str, set[int]]) -> None:
    assert cron_times(interval) == expected
