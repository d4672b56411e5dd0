"""The annotation steps as plain functions, and spaCy kept for the trained category model only."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from extractors import nlp
from extractors.model import Category, DocumentKind
from extractors.pipeline import annotate


def test_each_step_fills_its_field() -> None:
    text = (
        "项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n"
        "乙方应于本协议签订之日起30日内支付土地出让金5000万元。"
    )
    kind = DocumentKind.INVESTMENT_PROMOTION
    parties, (found,) = annotate(text, kind=kind, language="zh", signed_on=date(2019, 3, 15))
    assert {(p.label, p.role) for p in parties} == {("甲方", "government"), ("乙方", "counterparty")}
    assert found.finding.obligor.role == "counterparty"
    assert text[found.finding.start : found.finding.end].startswith("乙方应于")
    assert found.deadline.date == date(2019, 4, 14)
    assert found.amount is not None
    assert found.amount.value == 50_000_000
    assert found.category == Category.PAYMENT


def test_offsets_map_back_past_the_layout_spaces_the_rules_do_not_see() -> None:
    text = "合同\n甲方：某某区管理委员会\n乙方：某某公司\n乙方应于本协议签订之日起 30 日 内支付土地出让金。"
    _, (found,) = annotate(text, kind=DocumentKind.INVESTMENT_PROMOTION, language="zh", signed_on=date(2019, 3, 15))
    assert text[found.finding.start : found.finding.end] == "乙方应于本协议签订之日起 30 日 内支付土地出让金"
    assert found.deadline.date == date(2019, 4, 14)


def test_a_responsible_unit_note_gives_the_units() -> None:
    text = "实施方案\n一、任务\n（一）完善机制。建立健全督导机制。（市发展改革局、市财政局按职责分工分别负责）"
    _, found = annotate(text, kind=DocumentKind.POLICY_COMMITMENT, language="zh", signed_on=None)
    assert found[0].finding.responsible == ("市发展改革局", "市财政局")
    assert found[0].finding.obligor.role == "government"


def test_trained_category_model_is_shipped_and_used() -> None:
    assert nlp.category_model() is not None
    assert nlp.category_model() is nlp.category_model()  # loaded once
    assert nlp.categorize(["乙方不得擅自改变土地用途"], english=False) == [Category.COMPLIANCE]


def test_english_clauses_are_categorized_by_keywords() -> None:
    assert nlp.categorize(["The Company shall pay the fee"], english=True) == [Category.PAYMENT]


def test_keyword_fallback() -> None:
    assert nlp.keyword_category("甲方应支付补贴") == Category.PAYMENT
    assert nlp.keyword_category("乙方不得转让") == Category.COMPLIANCE
    assert nlp.keyword_category("甲方应当如期") == Category.OTHER


def test_missing_weights_fall_back_to_keywords(tmp_path: Path) -> None:
    assert nlp.category_model(tmp_path) is None


PROBE = """
import json, sys
from datetime import date
from extractors.model import DocumentKind
from extractors.pipeline import annotate
_, found = annotate({text!r}, kind=DocumentKind.OTHER, language={language!r}, signed_on=None)
print(json.dumps([len(found), "spacy" in sys.modules]))
"""


def _spacy_loaded_after(text: str, language: str) -> list[object]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(text=text, language=language)], capture_output=True, text=True, check=True
    ).stdout
    result: list[object] = json.loads(out.splitlines()[-1])
    return result


def test_spacy_is_loaded_only_to_categorize_chinese_obligations() -> None:
    assert _spacy_loaded_after("第一条 本办法自公布之日起施行。", "zh") == [0, False]
    assert _spacy_loaded_after("The Company shall pay the fee within 30 days.", "en") == [1, False]
    assert _spacy_loaded_after("第一条 乙方应当在2020年底前竣工。", "zh") == [1, True]


def test_a_period_from_effectiveness_has_a_date_only_when_the_agreement_takes_effect_on_signing() -> None:
    head = (
        "园区项目投资协议\n甲方：某某县人民政府\n乙方：某某科技有限公司\n"
        "第一条 乙方应在本协议生效之日起30日内注册成立项目公司。\n"
    )
    validities = {"signing": "自双方签字盖章之日起生效", "approval": "经双方签字盖章并经某某市人民政府批准后生效"}
    dated = {}
    for name, validity in validities.items():
        text = f"{head}第二条 本协议一式四份，{validity}。"
        _, found = annotate(text, kind=DocumentKind.INVESTMENT_PROMOTION, language="zh", signed_on=date(2019, 3, 1))
        dated[name] = found[0].deadline.date
    assert dated == {"signing": date(2019, 3, 31), "approval": None}


def test_a_dated_heading_dates_the_items_under_it() -> None:
    text = (
        "某区2020年数字政府建设工作要点\n各街道，区直各部门：\n"
        "一、2020年底前，完成以下重点任务：\n1．建成区级政务数据共享交换平台；\n2．完成政务外网升级改造。\n"
        "（牵头单位：区大数据局）\n"
        "二、加强组织保障：\n1．各部门要明确专人负责数据工作。\n"
    )
    _, found = annotate(text, kind=DocumentKind.POLICY_COMMITMENT, language="zh", signed_on=date(2020, 2, 15))
    dates = {f.finding.start: f.deadline.date for f in found}
    assert sorted(dates.values(), key=str) == [date(2020, 12, 31), date(2020, 12, 31), None]


def test_a_plan_for_next_year_issued_in_december_dates_its_months_in_that_year() -> None:
    text = (
        "某市2020年政务公开工作要点\n各区县人民政府，市政府各部门：\n"
        "一、6月底前，各部门要完成本部门政府信息公开目录更新。（责任单位：市政府各部门）\n"
    )
    _, found = annotate(text, kind=DocumentKind.POLICY_COMMITMENT, language="zh", signed_on=date(2019, 12, 20))
    assert [f.deadline.date for f in found] == [date(2020, 6, 30)]


def test_a_plan_over_several_years_keeps_the_signing_year() -> None:
    text = (
        "某市2019-2021年数字政府建设行动计划\n各区县人民政府，市政府各部门：\n"
        "一、6月底前，各部门要完成本部门数据资源目录编制。（责任单位：市政府各部门）\n"
    )
    _, found = annotate(text, kind=DocumentKind.POLICY_COMMITMENT, language="zh", signed_on=date(2019, 3, 1))
    assert [f.deadline.date for f in found] == [date(2019, 6, 30)]


def test_the_plan_title_under_a_letterhead_gives_the_year() -> None:
    text = (
        "附件1\n某市2020年政务公开工作要点\n各区县人民政府，市政府各部门：\n"
        "一、6月底前，各部门要完成本部门政府信息公开目录更新。（责任单位：市政府各部门）\n"
    )
    _, found = annotate(text, kind=DocumentKind.POLICY_COMMITMENT, language="zh", signed_on=date(2019, 12, 20))
    assert [f.deadline.date for f in found] == [date(2020, 6, 30)]
