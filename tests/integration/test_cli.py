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
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, data_dir: Path, input_: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env["CHENGXIN_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [CHENGXIN, *args], env=env, capture_output=True, text=True, timeout=300, input=input_, check=False
    )


def test_demo_ingests_the_examples(tmp_path: Path) -> None:
    result = run("demo", "--no-serve", "--as-of", "2026-11-28", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    rows = re.findall(r"#\d+\s+(\S+\.(?:pdf|txt))\s+(\w+)\s+pages\s+(\d+)\s+obligations\s+(\d+)", out)
    manifest = json.loads((ROOT / "examples" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(name for name, *_ in rows) == sorted(d["file"] for d in manifest["documents"]), out
    for name, status, _pages, count in rows:
        assert status == "extracted", name
        assert int(count) > 0, name
    assert "Integrity failures" in out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = re.search(r"<!-- demo:history -->\n```\n(.*?)\n```", readme, re.S)
    assert quoted, "README quotes the demo's history"
    assert quoted.group(1) in out, (quoted.group(1), out)  # the quick start says what the demo prints
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
    swept = run("sweep", "--as-of", "2026-01-01", data_dir=tmp_path)
    assert swept.returncode == 0, swept.stderr
    assert json.loads(swept.stdout)["as_of"] == "2026-01-01"
    future = run("sweep", "--as-of", "2099-01-01", data_dir=tmp_path)  # would record breaches not yet due
    assert future.returncode == 2
    assert "in the future" in future.stderr
    assert future.stdout == ""
    not_a_date = run("sweep", "--as-of", "2026-02-30", data_dir=tmp_path)
    assert (not_a_date.returncode, "YYYY-MM-DD" in not_a_date.stderr) == (2, True)
    future_demo = run("demo", "--no-serve", "--as-of", "2099-01-01", data_dir=tmp_path)
    assert (future_demo.returncode, "in the future" in future_demo.stderr) == (2, True)


def add_user(data_dir: Path, name: str, role: str, org: str, password: str) -> subprocess.CompletedProcess[str]:
    args = ("user", "add", name, "--role", role, "--organisation", org, "--password-stdin")
    return run(*args, data_dir=data_dir, input_=password + "\n")


def passwd(data_dir: Path, name: str, password: str) -> subprocess.CompletedProcess[str]:
    return run("user", "passwd", name, "--password-stdin", data_dir=data_dir, input_=password + "\n")


def test_production_bootstrap_commands_on_an_empty_database(tmp_path: Path) -> None:
    """org add, user add (password from stdin), passwd, disable, token list/revoke — no demo data needed."""
    assert run("migrate", data_dir=tmp_path).returncode == 0
    no_org = add_user(tmp_path, "boss", "admin", "佛山市", "a long passphrase")
    assert no_org.returncode != 0
    assert "org add" in no_org.stderr
    city = run("org", "add", "佛山市", "--kind", "city", data_dir=tmp_path)
    assert city.returncode == 0, city.stderr
    district = run("org", "add", "南海区", "--kind", "district", "--parent", "佛山市", data_dir=tmp_path)
    assert district.returncode == 0, district.stderr
    assert run("org", "add", "x", "--kind", "empire", data_dir=tmp_path).returncode != 0
    assert "南海区" in run("org", "list", data_dir=tmp_path).stdout

    weak = add_user(tmp_path, "boss", "admin", "佛山市", "12345678")
    assert weak.returncode == 1
    assert "at least 12" in weak.stderr
    added = add_user(tmp_path, "boss", "admin", "佛山市", "a long passphrase")
    assert added.returncode == 0, added.stderr
    assert "a long passphrase" not in added.stdout + added.stderr  # never echoed
    assert "must be changed" in added.stdout
    clerk = add_user(tmp_path, "clerk", "department", "南海区", "another passphrase")
    assert clerk.returncode == 0, clerk.stderr
    listed = run("user", "list", data_dir=tmp_path).stdout
    assert "boss" in listed
    assert "must change password" in listed

    assert passwd(tmp_path, "clerk", "qwerty123456").returncode == 1
    reset = passwd(tmp_path, "clerk", "third passphrase!")
    assert reset.returncode == 0, reset.stderr
    assert passwd(tmp_path, "ghost", "a fine passphrase").returncode == 1

    token = run("user", "token", "clerk", "--days", "7", data_dir=tmp_path)
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("cx_")
    tokens = run("token", "list", "clerk", data_dir=tmp_path).stdout
    assert token.stdout.strip() not in tokens  # values are never listed
    token_id = tokens.split()[0]
    assert "read-only" in tokens
    assert "active" in tokens
    assert run("token", "revoke", token_id, data_dir=tmp_path).returncode == 0
    assert "revoked" in run("token", "list", data_dir=tmp_path).stdout
    assert run("token", "revoke", "999", data_dir=tmp_path).returncode == 1

    assert run("user", "disable", "clerk", data_dir=tmp_path).returncode == 0
    assert "disabled" in run("user", "list", data_dir=tmp_path).stdout
    last = run("user", "disable", "boss", data_dir=tmp_path)
    assert last.returncode == 1
    assert "last active administrator" in last.stderr


def test_demo_refuses_a_database_other_than_sqlite(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env |= {"CHENGXIN_DATA_DIR": str(tmp_path), "CHENGXIN_DATABASE_URL": "postgres://nobody@127.0.0.1:1/production"}
    refused = subprocess.run(
        [CHENGXIN, "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert refused.returncode == 2
    assert "--allow-non-sqlite" in refused.stderr
    # with the flag it goes on (and here fails to connect to the made-up server: it did not refuse)
    allowed = subprocess.run(
        [CHENGXIN, "demo", "--no-serve", "--allow-non-sqlite"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "--allow-non-sqlite" not in allowed.stderr


def _refused_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_burst_worker_without_redis_gives_up_with_one_clear_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHENGXIN_")}
    env |= {"CHENGXIN_DATA_DIR": str(tmp_path), "CHENGXIN_REDIS_URL": f"redis://:hunter2@127.0.0.1:{_refused_port()}/0"}
    result = subprocess.run(
        [CHENGXIN, "worker", "--burst"], env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("无法连接 Redis"), result.stderr
    assert "after 3 attempts" in last
    assert "hunter2" not in result.stderr  # the password never reaches the terminal
