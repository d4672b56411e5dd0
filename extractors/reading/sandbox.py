"""Run a parser in a child process with resource limits; the parent only waits, relays and enforces.

The child (``extractors.reading.child``) is a fresh interpreter started with ``subprocess`` (not
``multiprocessing``, whose children re-import the caller's ``__main__`` script). It sets RLIMIT_DATA /
RLIMIT_AS (``Limits.memory_mb``) and RLIMIT_CPU (``Limits.timeout_seconds``) on itself; the parent
enforces the per-page limit ``Limits.page_cpu_seconds`` in CPU time of the child (read from ``/proc``; wall
time where there is none), a generous wall-clock limit (``WALL_FACTOR`` × ``timeout_seconds``) and a stall
limit (a child that uses no CPU for ``STALL_SECONDS`` is hung), relays progress as pages arrive, and kills
the child on every way out. CPU time, not wall time: when jobs compete for the cores, a page takes longer
on the clock but not in CPU seconds, so a busy machine delays a document instead of failing it. A child
that dies without a word (a C parser crashing, a limit's signal) becomes a one-line ``ExtractionError``,
never a traceback or a hang.

The monotonic clock and ``/proc`` are read here only to enforce the time limits; no result depends on them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import IO, cast

from extractors.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    ExtractionError,
    LimitExceeded,
    UnsupportedFormat,
)
from extractors.model import Limits
from extractors.reading.raw import RawPage, page_from_json

WALL_FACTOR = 2.0  # wall-clock limit = this × the CPU limit (a worker reads one document per core)
STALL_SECONDS = 60.0  # a child that uses no CPU for this long (wall) is hung
POLL_SECONDS = 0.5  # how often the parent looks at the child's CPU time while waiting for a page
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # one page's text and tables
_GARBLED_REPLY = "文件解析结果异常，无法读取 (the parser's reply was unreadable)"

_ERRORS: dict[str, type[ExtractionError]] = {
    cls.code: cls for cls in (CorruptDocument, EmptyDocument, EncryptedDocument, LimitExceeded, UnsupportedFormat)
}

# The child needs the reading layer only: ``extractors`` is registered as a bare namespace so that its
# ``__init__`` (the NLP pipeline and whatever models it imports) is not run in every child.
_BOOTSTRAP = """\
import importlib.util, sys, types
sys.path[:0] = {path!r}
spec = importlib.util.find_spec("extractors")
package = types.ModuleType("extractors")
package.__path__ = list(spec.submodule_search_locations)
sys.modules["extractors"] = package
from extractors.reading.child import main
main()
"""


def _start_child() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", _BOOTSTRAP.format(path=[p for p in sys.path if p])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        close_fds=True,
    )


def _timeout(limits: Limits) -> LimitExceeded:
    seconds = f"{limits.timeout_seconds:g}"
    return LimitExceeded(f"文件处理超过 {seconds} 秒时限 (processing took longer than {seconds} s)")


def _page_limit(page: int, limits: Limits) -> LimitExceeded:
    seconds = f"{limits.page_cpu_seconds:g}"
    return LimitExceeded(
        f"第 {page} 页的读取或文字识别（OCR）超过 {seconds} 秒 CPU 时间，文件可能有异常结构 "
        f"(reading or OCR of page {page} needed more than {seconds} s of CPU time)"
    )


def _stalled(page: int) -> LimitExceeded:
    return LimitExceeded(
        f"第 {page} 页处理停滞超过 {STALL_SECONDS:g} 秒，解析程序无响应 "
        f"(the parser stopped working on page {page} for {STALL_SECONDS:g} s)"
    )


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, all threads) a running process has used; None where ``/proc`` cannot
    tell (not Linux, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime (fields 14 and 15)


class _PageClock:
    """Time one page has taken: CPU seconds of the child where known, wall seconds otherwise."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.page_started_cpu = self.cpu_seen = 0.0
        self.page_started_wall = self.cpu_moved_at = time.monotonic()

    def _cpu(self, now: float) -> float:
        cpu = cpu_seconds(self.pid)
        return cpu if cpu is not None else now - self.page_started_wall + self.page_started_cpu

    def next_page(self) -> None:
        now = time.monotonic()
        self.page_started_cpu, self.page_started_wall = self._cpu(now), now

    def check(self, page: int, limits: Limits) -> None:
        now = time.monotonic()
        cpu = self._cpu(now)
        if cpu > self.cpu_seen:
            self.cpu_seen, self.cpu_moved_at = cpu, now
        if cpu - self.page_started_cpu > limits.page_cpu_seconds:
            raise _page_limit(page, limits)
        if now - self.cpu_moved_at > STALL_SECONDS:
            raise _stalled(page)


def _died(exitcode: int | None, limits: Limits) -> ExtractionError:
    """The child ended without a word: a limit's signal, or a crash in a C parser (pdfium aborts when
    an allocation fails, so SIGABRT under RLIMIT_DATA means the memory budget ran out)."""
    signals = {-signal.SIGXCPU: "cpu", -signal.SIGKILL: "memory", -signal.SIGABRT: "memory"}
    if exitcode is not None and signals.get(exitcode) == "cpu":
        return _timeout(limits)
    if exitcode is not None and signals.get(exitcode) == "memory":
        return LimitExceeded(
            f"文件解析所需内存超过 {limits.memory_mb} MB 上限，文件可能被恶意构造 "
            f"(parsing needs more than {limits.memory_mb} MB: a malformed or malicious file)"
        )
    if exitcode == 1:  # ``child.run`` never raises: the interpreter itself could not start it
        return ExtractionError("文件解析程序无法启动 (the parser process could not start)")
    return CorruptDocument("文件已损坏，解析程序异常退出 (the file is damaged: the parser crashed on it)")


def parse_in_child(
    data: bytes,
    media_type: str,
    limits: Limits,
    ocr: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[RawPage]:
    process = _start_child()
    stdin, stdout = cast(IO[bytes], process.stdin), cast(IO[bytes], process.stdout)
    receiver = Connection(os.dup(stdout.fileno()), writable=False)
    stdout.close()
    try:
        with Connection(os.dup(stdin.fileno()), readable=False) as jobs:
            jobs.send((data, media_type, limits, ocr))
    except OSError:
        pass  # the child died before reading its job; its exit status says why, below
    finally:
        stdin.close()
    deadline = time.monotonic() + limits.timeout_seconds * WALL_FACTOR
    clock = _PageClock(process.pid)
    pages: list[RawPage] = []
    total = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _timeout(limits)
            if not receiver.poll(min(remaining, POLL_SECONDS)):
                clock.check(len(pages) + 1, limits)
                continue
            try:
                message = json.loads(receiver.recv_bytes(MAX_MESSAGE_BYTES))
            except (EOFError, OSError):
                try:
                    exitcode = process.wait(5)
                except subprocess.TimeoutExpired:
                    exitcode = None
                raise _died(exitcode, limits) from None
            except ValueError:
                raise CorruptDocument(_GARBLED_REPLY) from None
            kind = message[0]
            if kind == "total":
                total = int(message[1])
                if progress is not None:  # the page count is known before the first (OCR) page is done
                    progress(0, total)
            elif kind == "page":
                clock.check(len(pages) + 1, limits)  # a page read between two looks is measured too
                pages.append(page_from_json(message[1]))
                clock.next_page()
                if progress is not None:
                    progress(len(pages), max(total, len(pages)))
            elif kind == "done":
                return pages
            else:
                _, code, reason = message
                raise _ERRORS.get(code, CorruptDocument)(reason)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        receiver.close()
