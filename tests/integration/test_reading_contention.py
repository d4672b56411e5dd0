"""Large and slow documents on a busy machine: the per-page limit is CPU time of the parsing child, so a
page that passes alone still passes when other processes take most of the core, and a page that really
needs too much fails with a reason that names the page and the limit."""

from __future__ import annotations

import os
import resource
import sys
import time

import pytest

from extractors.errors import LimitExceeded
from extractors.model import Limits
from extractors.reading.sandbox import parse_in_child
from tests.conftest import Processes
from tests.pdfs import make_pdf

pytestmark = pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs Linux CPU affinity")

PDF = "application/pdf"
DOCUMENT = make_pdf([[f"第{i}条 甲方应当在2025年12月31日前向乙方支付扶持资金{i}万元。" for i in range(1, 40)]])


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_a_busy_core_delays_a_page_instead_of_failing_it(processes: Processes) -> None:
    cpu_before = children_cpu()
    assert len(parse_in_child(DOCUMENT, PDF, Limits(), ocr=False)) == 1
    alone = children_cpu() - cpu_before  # the CPU time this one-page document needs
    limits = Limits(page_cpu_seconds=2 * alone + 0.5)
    core = min(os.sched_getaffinity(0))
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {core})  # this thread, its parsing child and the burners share one core
    try:
        for i in range(6):
            processes.start([sys.executable, "-c", "while True: pass"], dict(os.environ), f"burner-{i}")
        time.sleep(0.2)
        started = time.monotonic()
        pages = parse_in_child(DOCUMENT, PDF, limits, ocr=False)
        wall = time.monotonic() - started
    finally:
        os.sched_setaffinity(0, before)
        processes.kill_all()
    assert len(pages) == 1
    # on the clock the page took longer than its limit: a wall-clock limit would have failed it
    assert wall > limits.page_cpu_seconds, (wall, alone)
    print(f"\nalone {alone:.2f} s CPU; limit {limits.page_cpu_seconds:.2f} s CPU; on a busy core {wall:.2f} s wall")


def test_a_page_over_its_cpu_limit_fails_naming_page_and_limit() -> None:
    with pytest.raises(LimitExceeded) as caught:
        parse_in_child(DOCUMENT, PDF, Limits(page_cpu_seconds=0.01), ocr=False)
    assert "page 1" in caught.value.reason
    assert "0.01 s of CPU time" in caught.value.reason
