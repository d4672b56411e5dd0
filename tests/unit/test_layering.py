"""Dependencies point one way: app → trackers, extractors. The pure packages import no web, ORM or queue."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"app", "litestar", "tortoise", "arq"}
PURE = {"extractors": FORBIDDEN | {"trackers"}, "trackers": FORBIDDEN | {"extractors"}}


def imported_modules(path: Path, package: str) -> set[str]:
    """Top-level names of every module a file imports (relative imports resolve into ``package``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(package if node.level else (node.module or "").split(".")[0])
    return names


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(PURE))
def test_pure_packages_import_nothing_forbidden(package: str) -> None:
    files = python_files(package)
    assert files, f"no modules found under {package}/"
    violations = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path, package) & PURE[package]) for path in files
    }
    assert {file: bad for file, bad in violations.items() if bad} == {}


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import litestar", {"litestar"}),
        ("from tortoise.models import Model", {"tortoise"}),
        ("import arq.connections as c", {"arq"}),
        ("from app.services import sweep", {"app"}),
        ("def f():\n    from extractors import extract\n", {"extractors"}),
        ("from . import states\nimport datetime", {"trackers", "datetime"}),
    ],
)
def test_the_walker_sees_every_import(tmp_path: Path, source: str, found: set[str]) -> None:
    module = tmp_path / "module.py"
    module.write_text(source, encoding="utf-8")
    assert imported_modules(module, "trackers") == found
