"""extractors/ is pure: it imports no web, database or job-queue package and never reads env or clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import extractors

FORBIDDEN = {"app", "litestar", "tortoise", "arq", "os.environ", "dotenv"}
SOURCES = sorted(Path(extractors.__file__).parent.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_forbidden_imports_env_or_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        for name in names:
            assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
        if isinstance(node, ast.Attribute):
            dotted = ast.unparse(node)
            assert dotted not in {
                "os.environ",
                "date.today",
                "datetime.now",
                "datetime.utcnow",
                "time.time",
            }, f"{path.name} reads {dotted}"
