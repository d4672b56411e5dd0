"""The spaCy pipeline: built once from the shipped config, registered components, span extensions."""

from __future__ import annotations

from datetime import date

import spacy
from spacy.tokens import Span

from extractors.model import Category, DocumentKind
from extractors.nlp import CONFIG_PATH, annotate, get_nlp
from extractors.nlp.components import keyword_category, register_extensions

PIPELINE = [
    "chengxin_parties",
    "chengxin_structure",
    "chengxin_obligations",
    "chengxin_deadlines",
    "chengxin_amounts",
    "chengxin_category",
]


def test_pipeline_is_built_from_config_once() -> None:
    nlp = get_nlp("zh")
    assert nlp is get_nlp("zh")
    assert nlp.pipe_names == PIPELINE
    assert nlp.lang == "zh"
    assert get_nlp("en").lang == "en"
    assert CONFIG_PATH.name == "config.cfg"


def test_chinese_is_segmented_per_character_losslessly() -> None:
    doc = get_nlp("zh").make_doc("甲方应于30日内\n支付")
    assert doc.text == "甲方应于30日内\n支付"
    assert [t.text for t in doc][:4] == ["甲", "方", "应", "于"]


def test_components_write_spans_and_extensions() -> None:
    doc = annotate(
        "项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n乙方应于本协议签订之日起30日内支付土地出让金5000万元。",
        kind=DocumentKind.INVESTMENT_PROMOTION,
        language="zh",
        signed_on=date(2019, 3, 15),
    )
    assert {s.text for s in doc.spans["parties"]} >= {"甲方", "乙方"}
    assert [s.label_ for s in doc.spans["paragraphs"]][:1] == ["body"]
    (span,) = doc.spans["obligations"]
    assert span.label_ == "counterparty"
    assert span._.deadline.date == date(2019, 4, 14)
    assert span._.amount.value == 50_000_000
    assert span._.category == Category.PAYMENT


def test_notes_are_spans() -> None:
    doc = annotate(
        "实施方案\n一、任务\n（一）完善机制。建立健全督导机制。（市发展改革局、市财政局按职责分工分别负责）",
        kind=DocumentKind.POLICY_COMMITMENT,
        language="zh",
        signed_on=None,
    )
    assert [s.label_ for s in doc.spans["notes"]] == ["NOTE"]
    assert doc.spans["obligations"][0]._.finding.responsible == ("市发展改革局", "市财政局")


def test_components_work_in_a_user_built_pipeline() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("chengxin_structure")
    nlp.add_pipe("chengxin_obligations")
    nlp.add_pipe("chengxin_deadlines")
    doc = nlp("第一条 乙方应当在2020年底前竣工。")
    assert doc.spans["obligations"][0]._.deadline.date == date(2020, 12, 31)


def test_extensions_are_registered_only_once() -> None:
    register_extensions()
    register_extensions()
    assert Span.has_extension("deadline")


def test_trained_category_model_is_shipped_and_used() -> None:
    classifier = get_nlp("zh").get_pipe("chengxin_category")
    assert classifier.model is not None  # type: ignore[attr-defined]
    doc = annotate(
        "合同\n甲方：某某区管理委员会\n乙方：某某公司\n乙方不得擅自改变土地用途。",
        kind=DocumentKind.INVESTMENT_PROMOTION,
        language="zh",
        signed_on=None,
    )
    assert doc.spans["obligations"][0]._.category == Category.COMPLIANCE


def test_keyword_fallback() -> None:
    assert keyword_category("甲方应支付补贴") == Category.PAYMENT
    assert keyword_category("乙方不得转让") == Category.COMPLIANCE
