"""The ``chengxin`` command as a user runs it: demo, extract, deadline, user, sweep."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pdfs import agreement_pdf

CHENGXIN = str(Path(sys.executable).parent / "chengxin")


def run(*args: str, data_dir: Path, input_: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env["CHENGXIN_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [CHENGXIN, *args], env=env, capture_output=True, text=True, timeout=300, input=input_, check=False
    )


def test_demo_ingests_the_three_examples(tmp_path: Path) -> None:
    result = run("demo", "--no-serve", "--as-of", "2026-11-28", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    rows = re.findall(r"#\d+\s+(\S+\.pdf)\s+(\w+)\s+pages\s+(\d+)\s+obligations\s+(\d+)", out)
    assert len(rows) == 3, out
    for name, status, _pages, count in rows:
        assert status == "extracted", name
        assert int(count) > 0, name
    assert "Integrity failures" in out
    assert (tmp_path / "chengxin.sqlite3").exists()
    again = run("demo", "--no-serve", "--as-of", "2026-11-28", data_dir=tmp_path)  # idempotent
    assert again.returncode == 0
    assert re.findall(r"obligations\s+(\d+)", again.stdout) == [c for *_, c in rows]


def test_extract_prints_the_json_contract(tmp_path: Path) -> None:
    pdf = tmp_path / "协议.pdf"
    pdf.write_bytes(agreement_pdf())
    result = run("extract", str(pdf), "--signed-on", "2025-03-01", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["document"]["pages"] == 1
    assert body["document"]["language"] == "zh"
    assert len(body["document"]["sha256"]) == 64
    first = body["obligations"][0]
    assert set(first) >= {
        "text",
        "page",
        "start",
        "end",
        "obligor",
        "responsible",
        "category",
        "action",
        "deadline",
        "amount",
        "conditions",
        "penalty",
        "confidence",
    }
    relative = [o for o in body["obligations"] if o["deadline"]["kind"] == "relative"]
    assert any(o["deadline"]["date"] == "2025-03-31" for o in relative)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "empty"), (b"\x89PNG\r\n\x1a\n" + bytes(64), "image"), (b"%PDF-1.4\n%%EOF garbage", "PDF")],
)
def test_extract_fails_with_one_line(tmp_path: Path, content: bytes, fragment: str) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    result = run("extract", str(bad), "--json", data_dir=tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment.lower() in lines[0].lower()


def test_deadline_phrase(tmp_path: Path) -> None:
    result = run("deadline", "本协议签订之日起30日内", "--anchor", "2019-03-15", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["kind"] == "relative"
    assert body["date"] == "2019-04-14"
    assert body["due"] == "2019-04-15"  # 2019-04-14 was a Sunday
    assert body["provisional"] is False
    assert body["offset"] == {"value": 30, "unit": "day"}
    assert body["anchor"] == "signing"


def test_user_add_and_token(tmp_path: Path) -> None:
    assert run("demo", "--no-serve", data_dir=tmp_path).returncode == 0
    added = run(
        "user",
        "add",
        "clerk",
        "--role",
        "department",
        "--organisation",
        "市财政局",
        "--password-stdin",
        data_dir=tmp_path,
        input_="a long password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "created user clerk" in added.stdout
    token = run("user", "token", "clerk", data_dir=tmp_path)
    assert token.returncode == 0
    assert token.stdout.strip().startswith("cx_")
    swept = run("sweep", "--as-of", "2030-01-01", data_dir=tmp_path)
    assert swept.returncode == 0
    assert json.loads(swept.stdout)["as_of"] == "2030-01-01"
