"""Run a parser in a child process with resource limits; the parent only waits, relays and enforces.

The child (``extractors.reading.child.run``) sets RLIMIT_AS (``Limits.memory_mb``) and RLIMIT_CPU
(``Limits.timeout_seconds``) on itself; the parent enforces the wall-clock ``Limits.timeout_seconds`` and
a per-page stall limit, relays progress as pages arrive, and kills the child on any way out. Children are
forked from a fork server that has pdfplumber and pypdfium2 imported, so a child starts in milliseconds
(``spawn`` where there is no fork server). A child that dies without a word (segfault in a C parser,
killed by a limit) becomes a one-line ``ExtractionError``, never a traceback or a hang.

The monotonic clock is read here only to enforce the time limit; no result depends on it.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable
from multiprocessing.context import BaseContext
from typing import Any

from extractors.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    ExtractionError,
    LimitExceeded,
    UnsupportedFormat,
)
from extractors.model import Limits
from extractors.reading.raw import RawPage

PAGE_TIMEOUT_SECONDS = 60.0  # no single page (OCR included) may take longer than this

_ERRORS: dict[str, type[ExtractionError]] = {
    cls.code: cls
    for cls in (CorruptDocument, EmptyDocument, EncryptedDocument, LimitExceeded, UnsupportedFormat)
}

_context: BaseContext | None = None


def _get_context() -> BaseContext:
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(["extractors.reading._preload"])
            _context = forkserver
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _timeout(limits: Limits) -> LimitExceeded:
    seconds = f"{limits.timeout_seconds:g}"
    return LimitExceeded(f"文件处理超过 {seconds} 秒时限 (processing took longer than {seconds} s)")


def _died(exitcode: int | None, limits: Limits) -> ExtractionError:
    if exitcode is not None and -exitcode in (signal.SIGXCPU, signal.SIGKILL):
        return _timeout(limits) if -exitcode == signal.SIGXCPU else LimitExceeded(
            f"文件解析所需内存超过 {limits.memory_mb} MB 上限 (parsing needs more than {limits.memory_mb} MB)"
        )
    return CorruptDocument("文件已损坏，解析程序异常退出 (the file is damaged: the parser crashed on it)")


def parse_in_child(
    data: bytes,
    media_type: str,
    limits: Limits,
    ocr: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[RawPage]:
    from extractors.reading import child

    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    process: Any = context.Process(  # type: ignore[attr-defined]
        target=child.run, args=(sender, data, media_type, limits, ocr), name="chengxin-reader"
    )
    process.start()
    sender.close()
    deadline = time.monotonic() + limits.timeout_seconds
    pages: list[RawPage] = []
    total = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _timeout(limits)
            if not receiver.poll(min(remaining, PAGE_TIMEOUT_SECONDS)):
                if deadline - time.monotonic() <= 0:
                    raise _timeout(limits)
                page = len(pages) + 1
                raise LimitExceeded(
                    f"第 {page} 页处理超过 {PAGE_TIMEOUT_SECONDS:g} 秒，文件可能有异常结构 "
                    f"(page {page} took longer than {PAGE_TIMEOUT_SECONDS:g} s)"
                )
            try:
                message = receiver.recv()
            except (EOFError, OSError):
                process.join(5)
                raise _died(process.exitcode, limits) from None
            kind = message[0]
            if kind == "total":
                total = message[1]
            elif kind == "page":
                pages.append(message[1])
                if progress is not None:
                    progress(len(pages), max(total, len(pages)))
            elif kind == "done":
                return pages
            else:
                _, code, reason = message
                raise _ERRORS.get(code, CorruptDocument)(reason)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
        process.close()
