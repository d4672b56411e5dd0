"""Each compound of the marker lexicon, on a sentence of its own: the compound is no marker, the marker is."""

from __future__ import annotations

from datetime import date

import pytest

from extractors import DocumentKind, ExtractOptions, extract
from extractors.deadlines import resolve_deadline
from extractors.lexicon import COMPOUNDS, mask
from extractors.rules import PERMISSION, STRONG_MODAL


@pytest.mark.parametrize(("word", "compound"), [(w, c) for w, cs in COMPOUNDS.items() for c in cs])
def test_every_compound_is_masked_and_keeps_its_length(word: str, compound: str) -> None:
    text = f"甲{compound}乙"
    masked = mask(text, [word])
    assert len(masked) == len(text)
    assert compound not in masked


@pytest.mark.parametrize(
    "sentence",
    [
        "企业确需加速折旧的，报税务机关备案。",
        "所需经费列入年度预算。",
        "甲方对乙方的家庭纠纷不负责任。",
        "乙方不同意变更的，按原合同执行。",
        "乙方收取的保证金按年计息。",
        "项目的建设需要占用集体土地。",
    ],
)
def test_compounds_are_not_duty_markers(sentence: str) -> None:
    assert STRONG_MODAL.search(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "marker"),
    [
        ("乙方需按期办理登记。", "需"),
        ("区财政局负责拨付补贴资金。", "负责"),
        ("甲方同意出让该地块。", "同意"),
        ("乙方保证按期竣工。", "保证"),
    ],
)
def test_the_markers_themselves_still_count(sentence: str, marker: str) -> None:
    found = STRONG_MODAL.search(sentence)
    assert found is not None
    assert found.group(0) == marker


@pytest.mark.parametrize(
    ("sentence", "is_permission"),
    [
        ("该地块的所有权归国家。", False),
        ("因不可抗力造成损失的，双方互不承担责任。", False),
        ("乙方有权查阅相关资料。", True),
        ("乙方可向甲方申请延期。", True),
    ],
)
def test_permission_markers(sentence: str, is_permission: bool) -> None:
    assert (PERMISSION.search(sentence) is not None) is is_permission


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("承办单位应当在规定期限内答复", "none"),
        ("逾期超过法定期限的，予以退回", "none"),
        ("市统计局应当定期发布统计数据", "recurring"),
    ],
)
def test_periodic_only_for_the_word_itself(phrase: str, kind: str) -> None:
    assert resolve_deadline(phrase).kind != "recurring" if kind == "none" else resolve_deadline(phrase).kind == kind


def test_a_clause_with_only_a_compound_is_no_obligation() -> None:
    text = (
        "某市促进条例\n第一条 为了促进发展，制定本条例。\n"
        "第二条 企业确需延期的，报市商务局备案。\n第三条 市商务局应当公开备案结果。\n"
    )
    result = extract(
        text.encode("utf-8"), ExtractOptions(kind=DocumentKind.POLICY_COMMITMENT, signed_on=date(2020, 1, 1))
    )
    assert [o.text for o in result.obligations] == ["市商务局应当公开备案结果"]
