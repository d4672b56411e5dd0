"""``python -m extractors``: JSON for the scorer, the deadline sub-command, one failure path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.cli import main


def test_extract_prints_the_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "agreement.txt"
    doc.write_text(
        "项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n乙方应于本协议签订之日起30日内支付5000万元。\n"
    )
    assert main([str(doc), "--signed-on", "2019-03-15", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["document"]["kind"] == "investment_promotion"
    (ob,) = payload["obligations"]
    assert ob["obligor"] == {"label": "乙方", "name": "乙方（某某科技有限公司）", "role": "counterparty"}
    assert ob["deadline"]["date"] == "2019-04-14"
    assert ob["amount"]["value"] == 50_000_000
    parties = payload["document"]["parties"]
    assert parties[ob["party"]] == {"label": "乙方", "name": "某某科技有限公司", "role": "counterparty"}
    assert set(ob) >= {
        "text",
        "page",
        "responsible",
        "category",
        "action",
        "deadline",
        "amount",
        "confidence",
    }


def test_kind_can_be_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "x.txt"
    doc.write_text("甲方：某某区管理委员会\n乙方应当按时开工。\n")
    assert main([str(doc), "--kind", "ppp", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["document"]["kind"] == "ppp"


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\x03" * 100])
def test_unreadable_document_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    doc = tmp_path / "bad.pdf"
    doc.write_bytes(content)
    assert main([str(doc), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1


def test_missing_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.txt"), "--json"]) == 1
    assert capsys.readouterr().err.strip()


def test_deadline_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "本协议签订之日起30日内", "--anchor", "2019-03-15", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload == {
        "kind": "relative",
        "date": "2019-04-14",
        "text": "本协议签订之日起30日内",
        "offset": {"value": 30, "unit": "day"},
        "anchor": "signing",
        "anchor_text": "本协议签订",
        "recurrence": None,
    }


def test_bad_date_is_an_argument_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["deadline", "30日内", "--anchor", "2019-13-01"])
    assert exc.value.code == 2
