"""Who owes a clause that opens with a condition (issue 9): in ``X…的，Y应当…``, ``如X…，Y应…`` and ``X…时，Y应…``
the obligor is Y, the subject before the modal, not X, the condition's subject; when no Y is named
(``X逾期付款的，应当支付违约金``) the condition's subject owes it. A 的 inside a name (…部门的工作人员) makes no
condition.

Every sentence here is written for these tests, not taken from any corpus document."""

from __future__ import annotations

from datetime import date

import pytest

from extractors import ExtractOptions, extract
from extractors.parties import subject_of
from extractors.rules import DocumentMode, _subject

_CONTRACT = DocumentMode(english=False, regulation=False, plan=False, contract=True, year=None)
_REGULATION = DocumentMode(english=False, regulation=True, plan=False, contract=False, year=None)
_PLAN = DocumentMode(english=False, regulation=False, plan=True, contract=False, year=None)


@pytest.mark.parametrize(
    ("mode", "clause", "obligor"),
    [
        # a named Y after the condition owes the clause
        (_CONTRACT, "乙方逾期付款的，甲方应当书面催告", "甲方"),
        (_CONTRACT, "乙方逾期的，甲方有权解除合同", "甲方"),
        (_CONTRACT, "甲方未按期交付场地的，乙方有权顺延工期", "乙方"),
        (_CONTRACT, "乙方逾期支付租金超过三十日的，甲方有权解除本合同", "甲方"),
        (_CONTRACT, "如乙方未按时完工，甲方应当扣减履约保证金", "甲方"),
        (_CONTRACT, "如甲方延迟付款，乙方可以暂停供货", "乙方"),
        (_CONTRACT, "若乙方违约，甲方有权没收保证金", "甲方"),
        (_CONTRACT, "乙方交付货物时，甲方应当当场验收", "甲方"),
        (_CONTRACT, "乙方提出书面申请后，甲方应当在十日内答复", "甲方"),
        (_REGULATION, "采购人拒不改正的，采购代理机构应当向财政部门报告", "采购代理机构"),
        (_REGULATION, "供应商提出质疑的，采购人应当在七个工作日内答复", "采购人"),
        (_REGULATION, "申请人提交材料不齐全的，受理机关应当一次性告知", "受理机关"),
        (_REGULATION, "投诉人撤回投诉的，财政部门应当终止投诉处理", "财政部门"),
        (_REGULATION, "企业申请补贴时，区人民政府应当在十日内审核", "区人民政府"),
        (_PLAN, "项目单位未按期开工的，县发展改革局应当收回补助资金", "县发展改革局"),
        (_PLAN, "企业完成年度目标的，市财政局按规定给予奖励", "市财政局"),
        # nested conditions: the last chunk before the modal names the obligor
        (_REGULATION, "供应商对答复不满意的，或者采购人未在规定期限内答复的，供应商可以向财政部门投诉", "供应商"),
        # no Y: the condition's subject owes the clause
        (_CONTRACT, "乙方逾期付款的，应当支付违约金", "乙方"),
        (_CONTRACT, "乙方收到款项后，应当开具发票", "乙方"),
        (_REGULATION, "当事人对处罚决定不服的，可以申请行政复议", "当事人"),
        # a 的 inside a name is no condition
        (_REGULATION, "政府采购监督管理部门的工作人员应当依法履行职责", "政府采购监督管理部门的工作人员"),
    ],
)
def test_the_subject_before_the_modal_owes_a_conditional_clause(mode: DocumentMode, clause: str, obligor: str) -> None:
    assert _subject(clause, mode, None) == obligor


def _obligors(text: str) -> list[tuple[str, str | None, str]]:
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2021, 6, 1), learned=False))
    return [(o.text, o.obligor.name, o.obligor.role) for o in result.obligations]


_REGULATION_HEAD = "某市公共资源交易管理办法\n第一条 为规范公共资源交易活动，制定本办法。\n"


@pytest.mark.parametrize(
    ("article", "obligor", "role"),
    [
        # a liability clause whose enforcing body stands before the modal: that body, not the offender
        ("经营者未按规定报送年度报告的，市场监督管理部门应当责令改正。", "市场监督管理部门", "government"),
        ("交易主体有弄虚作假行为的，监督部门应当依法予以处罚。", "监督部门", "government"),
        ("代理机构拒不改正的，采购单位应当向行政监督部门报告，行政监督部门应当依法处理。", "采购单位", "government"),
        # … and one that names no enforcer keeps none, whatever the condition names
        ("代理机构违反规定，情节严重的，处一万元以上三万元以下的罚款。", None, "government"),
        ("交易中心的工作人员泄露保密信息的，应当依法给予处分。", None, "government"),
    ],
)
def test_the_body_before_a_liabilitys_modal_enforces_it(article: str, obligor: str | None, role: str) -> None:
    found = _obligors(f"{_REGULATION_HEAD}第二条 {article}\n")
    assert [(name, r) for _, name, r in found] == [(obligor, role)]


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # the subject before the modal, not the condition's
        ("乙方逾期的，甲方应当支付违约金", "甲方"),
        ("采购人拒不改正的，采购代理机构应当向财政部门报告", "采购代理机构"),
        ("如甲方延迟付款，乙方可以暂停供货", "乙方"),
        ("乙方交付货物时，甲方应当当场验收", "甲方"),
        # no subject after the condition: the condition's own
        ("乙方逾期付款的，应当支付违约金", "乙方"),
        # no condition
        ("甲方应当在十日内付款", "甲方"),
        ("政府采购监督管理部门的工作人员应当依法履行职责", "政府采购监督管理部门的工作人员"),
    ],
)
def test_subject_of_a_clause_that_opens_with_a_condition(clause: str, subject: str) -> None:
    assert subject_of(clause) == subject


@pytest.mark.parametrize(
    ("mode", "clause", "obligor"),
    [
        # 发现 ends the condition's subject: it is the verb, not part of the name
        (_REGULATION, "监督部门发现交易主体有违规行为的，应当责令其改正", "监督部门"),
        (_REGULATION, "承办单位发现诉求涉及其他部门职责的，应当及时转办", "承办单位"),
        (_CONTRACT, "乙方发现设备存在缺陷的，应当及时通知甲方", "乙方"),
    ],
)
def test_the_actor_of_a_condition_that_discovers_owes_the_clause_after_it(
    mode: DocumentMode, clause: str, obligor: str
) -> None:
    assert _subject(clause, mode, None) == obligor


@pytest.mark.parametrize(
    ("chunk", "subject"),
    [
        ("违法行为人拒绝接受检查", "违法行为人"),  # 为 inside 行为 ends no subject
        ("失信行为人逾期未履行", "失信行为人"),
        ("乙方为甲方提供担保", "乙方"),  # … as a preposition it does
    ],
)
def test_wei_inside_a_noun_ends_no_subject(chunk: str, subject: str) -> None:
    assert subject_of(chunk) == subject


@pytest.mark.parametrize(
    ("clause", "obligor"),
    [
        # 违约方/违约人 is a party's name, not the verb 违约 before its subject
        ("如双方同意延期交货，违约方仍应支付延期违约金", "违约方"),
        ("违约方应当赔偿守约方的直接损失", "违约方"),
        ("违约人应当在十日内支付违约金", "违约人"),
        # … and 违约 as the verb still ends the condition's subject
        ("乙方违约的，甲方有权解除合同", "甲方"),
        ("甲方违约造成乙方损失的，应当赔偿", "甲方"),
    ],
)
def test_the_party_in_breach_is_named_by_its_label(clause: str, obligor: str) -> None:
    assert _subject(clause, _CONTRACT, None) == obligor


@pytest.mark.parametrize(
    ("clause", "obligor"),
    [
        # no Y: the modal that starts the clause has the party the condition names as its subject
        ("甲方提前解约的，应当赔偿乙方损失", "甲方"),
        ("承租方擅自转租的，应当支付违约金", "承租方"),
        ("乙方未按期交房的，还应退还定金", "乙方"),
        # … but a clause that opens with a topic of its own states the case, not who owes
        ("丙方借用甲方的场地办展的，展出期间不收场地费", None),
    ],
)
def test_the_party_a_de_condition_names_owes_a_clause_with_no_subject(clause: str, obligor: str | None) -> None:
    assert _subject(clause, _CONTRACT, None) == obligor
