"""The light commands stay light: ``chengxin --help`` and ``chengxin deadline`` load no NLP, PDF, web or ORM
library (their start-up is measured in ``benchmarks/startup.py``; here only what gets imported is checked)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("spacy", "pdfplumber", "pypdfium2", "litestar", "tortoise", "arq", "rapidocr_onnxruntime")

# A fresh interpreter: this test process has long imported everything.
PROBE = """
import json, sys
{body}
print(json.dumps(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def heavy_modules_after(body: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body, heavy=HEAVY)], capture_output=True, text=True, check=True
    ).stdout
    result: list[str] = json.loads(out.splitlines()[-1])
    return result


@pytest.mark.parametrize(
    "body",
    [
        "import extractors; from extractors import DocumentKind, EXTRACTOR_VERSION, resolve_deadline",
        "from app.cli import deadline_json; deadline_json('本协议签订之日起10个工作日内', None)",
        "from app.cli import main\nsys.argv = ['chengxin', '--help']\ntry:\n    main()\nexcept SystemExit:\n    pass",
    ],
    ids=["import-extractors", "deadline", "help"],
)
def test_light_commands_import_no_heavy_library(body: str) -> None:
    assert heavy_modules_after(body) == []


def test_the_probe_sees_a_heavy_import() -> None:
    assert heavy_modules_after("import extractors.reading.pdf, pdfplumber") == ["pdfplumber"]
