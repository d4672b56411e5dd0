"""Document kind and mode from the title and the head: written on texts that are not in any corpus document."""

import pytest

from extractors.model import DocumentKind
from extractors.pipeline import detect_kind
from extractors.rules import document_mode


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("国有建设用地使用权出让合同\n出让人：某市自然资源局", DocumentKind.INVESTMENT_PROMOTION),
        ("新能源电池生产基地项目投资意向书\n", DocumentKind.INVESTMENT_PROMOTION),
        ("政府和社会资本合作（PPP）项目合同（示范文本）\n", DocumentKind.PPP),
        ("污水处理厂特许经营协议书（草案）\n", DocumentKind.PPP),
        # a contract whose preamble cites regulations is still a contract
        (
            "物流园区入园协议\n根据《招商引资优惠政策实施办法》《行政许可条例》，双方约定如下",
            DocumentKind.INVESTMENT_PROMOTION,
        ),
        # a regulation or notice about contracts is not a contract
        ("某县人民政府关于印发《招商引资项目履约监管办法》的通知\n", DocumentKind.POLICY_COMMITMENT),
        ("政府投资项目合同管理规定（试行）\n第一条", DocumentKind.POLICY_COMMITMENT),
        ("优化营商环境三年行动方案\n", DocumentKind.POLICY_COMMITMENT),
        ("PROJECT DEVELOPMENT AGREEMENT\nThis Agreement is made", DocumentKind.INVESTMENT_PROMOTION),
        # no telling title, but both parties defined at the head
        ("编号：2023-017\n甲方：某镇人民政府\n乙方：某某科技有限公司\n", DocumentKind.INVESTMENT_PROMOTION),
    ],
)
def test_title_decides_the_kind(text: str, kind: DocumentKind) -> None:
    assert detect_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a preamble sentence ending in 方案 is not a title; the text is about a concession
        (
            "为改善城区供水条件，经县政府研究，依据《市政公用事业特许经营条例》，特制定本实施方案。\n"
            "第一条 项目名称：某县第二水厂。\n第二条 实施机构：县住房和城乡建设局。",
            DocumentKind.PPP,
        ),
        # BOT / 特许权 are PPP words as much as 特许经营
        (
            "甲方：某市人民政府\n乙方：某某交通投资有限公司\n双方以BOT方式建设本项目，特签订本特许权合同书",
            DocumentKind.PPP,
        ),
        ("河道整治项目特许权协议\n", DocumentKind.PPP),
        # an untitled excerpt that speaks of its parties is a contract, even if it mentions a 方案
        (
            "项目公司应于每季度末向主管部门报送运营报告。\n项目公司应按照本协议约定编制大修实施方案。",
            DocumentKind.INVESTMENT_PROMOTION,
        ),
        # an untitled notice opens with its addressees, even if it speaks of 甲方 and 乙方
        (
            "各区县人民政府，市政府各部门：\n招商引资合同中甲方应为区县人民政府，乙方应为投资企业。",
            DocumentKind.POLICY_COMMITMENT,
        ),
        # a BOT-like run of capitals inside an English word is not BOT
        ("Robotics Park Regulations\n", DocumentKind.POLICY_COMMITMENT),
    ],
)
def test_untitled_or_sentence_headed_texts(text: str, kind: DocumentKind) -> None:
    assert detect_kind(text) == kind


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        # a contract word inside the title wins when the title does not end with a policy word
        ("市政道路施工合同通用条款\n", DocumentKind.INVESTMENT_PROMOTION),
        ("产业园入驻协议之补充条款\n", DocumentKind.INVESTMENT_PROMOTION),
        ("SHAREHOLDERS AGREEMENT between Alpha Ltd and Beta Ltd\n", DocumentKind.INVESTMENT_PROMOTION),
        ("Contract for the Supply of Street Lighting\n", DocumentKind.INVESTMENT_PROMOTION),
        # … but a law, a regulation or a notice about contracts is none
        ("中华人民共和国民法典\n", DocumentKind.POLICY_COMMITMENT),
        ("某省建设工程合同法实施若干问题\n", DocumentKind.OTHER),  # 合同法 names a law, not this text
        ("Contract Law of the Republic of Examplia\n", DocumentKind.POLICY_COMMITMENT),
        ("Regulations on Procurement Contracts of Example County\n", DocumentKind.POLICY_COMMITMENT),
        ("关于规范招商引资合同签订工作\n", DocumentKind.POLICY_COMMITMENT),
    ],
)
def test_contract_word_in_the_title(title: str, kind: DocumentKind) -> None:
    assert detect_kind(title) == kind


_ARTICLES = "第一条 为规范本区工作，制定本细则。\n第二条 各部门应当按职责办理。\n第三条 牵头单位负责审核。\n"


@pytest.mark.parametrize(
    ("text", "kind", "regulation", "plan", "contract"),
    [
        # a rule with articles standing on its own is a regulation
        ("某市项目审批管理细则\n" + _ARTICLES, DocumentKind.POLICY_COMMITMENT, True, False, False),
        # the same rule sent out under a notice to government units is the administration's work plan
        (
            "某区人民政府办公室关于印发《项目审批管理细则》的通知\n各镇人民政府，区政府各部门：\n现印发给你们。\n"
            "某区项目审批管理细则\n" + _ARTICLES,
            DocumentKind.POLICY_COMMITMENT,
            False,
            True,
            False,
        ),
        # a contract with numbered articles whose preamble cites a 条例 stays a contract
        (
            "厂房租赁合同\n根据《某省招商引资条例》，双方约定如下：\n" + _ARTICLES,
            DocumentKind.INVESTMENT_PROMOTION,
            False,
            False,
            True,
        ),
    ],
)
def test_document_mode(text: str, kind: DocumentKind, regulation: bool, plan: bool, contract: bool) -> None:
    assert detect_kind(text) == kind
    mode = document_mode(text, kind, "zh", None)
    assert (mode.regulation, mode.plan, mode.contract) == (regulation, plan, contract)


@pytest.mark.parametrize(
    "text",
    [
        # an excerpt of a PPP contract that never names itself one: the project company operates the facilities
        "项目公司应按照运营维护手册对管网进行巡检。\n本协议项下的项目设施由项目公司负责维修。\n",
        # a contract titled as an agreement whose payment mechanism is a PPP one
        "城区停车场建设运营合同\n甲方按年度向乙方支付可行性缺口补助。\n",
        "甲方：某县住房和城乡建设局（实施机构）\n乙方：某某环保有限公司\n",
    ],
)
def test_an_agreement_about_ppp_terms_is_ppp(text: str) -> None:
    assert detect_kind(text) == DocumentKind.PPP


def test_a_plan_naming_an_implementing_agency_stays_a_plan() -> None:
    assert detect_kind("老旧小区改造工作方案\n各实施机构应于6月底前报送计划。\n") == DocumentKind.POLICY_COMMITMENT
