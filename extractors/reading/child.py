"""The parsing child: limits its own resources, parses, and streams messages to the parent.

Started as ``python -c "...; from extractors.reading.child import main; main()"``: the job arrives on
stdin as one pickled ``(data, media_type, limits, ocr)``; messages go back on the original stdout, which
is then pointed at stderr so that a library that prints cannot corrupt the channel. Messages, in order::

    ["total", pages]            once, before the first page
    ["page", RawPage as JSON]   one per page, as soon as it is read (``raw.page_to_json``)
    ["done", peak_rss_kb]       success
    ["error", code, reason]     an ``ExtractionError`` (code = its class's ``code``), instead of "done"

each one JSON document in one ``send_bytes`` frame.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from multiprocessing.connection import Connection
from typing import Any

from extractors.errors import ExtractionError
from extractors.model import Limits
from extractors.reading.raw import page_to_json
from extractors.reading.sniff import DOCX, PDF

MB = 1024 * 1024
_TOO_MUCH_MEMORY = "文件解析所需内存超过上限 (parsing needs more memory than allowed)"
_LOOPS = "文件结构异常（循环引用或嵌套过深），无法解析 (the file's structure loops or nests too deeply)"
_DAMAGED = "文件已损坏或格式不正确，无法解析 (the file is damaged and cannot be parsed)"


def limit_resources(limits: Limits) -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: the parent's wall-clock timeout still applies
        return
    memory = limits.memory_mb * MB
    cpu = int(limits.timeout_seconds) + 1
    for name, soft, hard in (
        # RLIMIT_DATA (private writable memory) rather than RLIMIT_AS: ONNX Runtime reserves address
        # space it never touches (VmPeak 1.6 GB at 0.7 GB resident), while a decompression bomb's
        # allocations are exactly what RLIMIT_DATA counts. RLIMIT_AS backs it up at twice the budget.
        ("RLIMIT_DATA", memory, memory),
        ("RLIMIT_AS", 2 * memory, 2 * memory),
        ("RLIMIT_CPU", cpu, cpu + 5),
        ("RLIMIT_CORE", 0, 0),
    ):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            resource.setrlimit(which, (soft, hard))
        except (ValueError, OSError):
            continue


def _peak_rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> None:
    # pdfminer logs every repaired syntax error of a damaged file; the caller needs one reason, not those
    for name in ("pdfminer", "pdfplumber", "PIL"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    channel = os.dup(1)
    with contextlib.suppress(OSError):
        os.dup2(2, 1)
    sys.stdout = sys.stderr
    with Connection(os.dup(0), writable=False) as jobs:
        data, media_type, limits, ocr = jobs.recv()
    with Connection(channel, readable=False) as conn:
        run(conn, data, media_type, limits, ocr)


def run(conn: Connection, data: bytes, media_type: str, limits: Limits, ocr: bool) -> None:
    """Parse under resource limits; never raises, reports everything on ``conn``."""
    limit_resources(limits)
    try:
        _parse(conn, data, media_type, limits, ocr)
        _send(conn, "done", _peak_rss_kb())
    except ExtractionError as exc:
        _send(conn, "error", exc.code, exc.reason)
    except MemoryError:
        data = b""
        _send(conn, "error", "limit_exceeded", _TOO_MUCH_MEMORY)
    except RecursionError:
        _send(conn, "error", "corrupt", _LOOPS)
    except Exception:
        _send(conn, "error", "corrupt", _DAMAGED)


def _send(conn: Connection, *message: Any) -> None:
    conn.send_bytes(json.dumps(message, ensure_ascii=False).encode("utf-8"))


def _parse(conn: Connection, data: bytes, media_type: str, limits: Limits, ocr: bool) -> None:
    if media_type == PDF:
        from extractors.reading.pdf import read_pdf

        for page in read_pdf(data, limits.max_pages, ocr, lambda total: _send(conn, "total", total)):
            _send(conn, "page", page_to_json(page))
    elif media_type == DOCX:
        from extractors.reading.docx import read_docx

        _send(conn, "total", 1)
        _send(conn, "page", page_to_json(read_docx(data, max_unpacked=limits.memory_mb * MB // 4)))
    else:
        raise ExtractionError(f"unsupported media type {media_type}")
