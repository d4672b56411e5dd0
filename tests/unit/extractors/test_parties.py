"""Parties: definitions, roles by substance, names of bodies and clause subjects."""

from __future__ import annotations

import re

import pytest

from extractors.parties import english_subject, find_parties, is_actor, role_of_name, subject_of


def _roles(text: str) -> dict[str | None, str]:
    return {p.label: p.role for p in find_parties(text)}


def test_roles_follow_the_defined_names() -> None:
    text = "甲方：某某经济技术开发区管理委员会\n乙方：某某新材料科技有限公司\n乙方应当投资。"
    assert _roles(text) == {"甲方": "government", "乙方": "counterparty"}


@pytest.mark.parametrize(
    "head",
    [
        "甲　方：某某县农业农村局\n乙　方：某某种业有限公司\n",  # a letter label spaced out
        "甲 方：某某县农业农村局\n乙 方：某某种业有限公司\n",
        "甲方名称：某某县农业农村局\n乙方名称：某某种业有限公司\n",  # the label with 名称/全称
        "甲方全称：某某县农业农村局\n乙方全称：某某种业有限公司\n",
        "合作方（甲方）：某某县农业农村局\n引进方（乙方）：某某种业有限公司\n",  # any -方 noun naming its letter
    ],
)
def test_party_lines_in_other_forms_name_their_parties(head: str) -> None:
    parties = {p.label: p for p in find_parties(head + "乙方应当按期投产。甲方应当协助办理手续。")}
    assert parties["甲方"].name == "某某县农业农村局"
    assert parties["甲方"].role == "government"
    assert parties["乙方"].name == "某某种业有限公司"
    assert parties["乙方"].role == "counterparty"


def test_roles_follow_substance_when_the_investor_is_party_a() -> None:
    text = "甲方：\n乙方：\n就甲方迁入乙方工业园区事宜达成协议。甲方落户乙方园区之后，乙方负责提供土地。"
    assert _roles(text) == {"甲方": "counterparty", "乙方": "government"}


def test_the_land_seller_is_the_government_side() -> None:
    text = (
        "甲方：_\n乙方：_\n甲方出让的土地价格为_万元/亩。"
        "乙方应在签定本协议后3天内支付给甲方_万元。乙方在甲方落户后可以享受优惠政策。"
    )
    assert _roles(text) == {"甲方": "government", "乙方": "counterparty"}


def test_english_definitions() -> None:
    text = 'XYZ Municipal Corporation (hereinafter referred to as the "Authority") and ABC Private Limited ("Company")'
    parties = {p.label: p.role for p in find_parties(text)}
    assert parties == {"Authority": "government", "Company": "counterparty"}


def test_english_letter_labels_aliases_and_bracketed_places_in_names() -> None:
    text = (
        "This Contract is signed by and between the Management Committee of Qiantang Economic and Technological "
        'Development Zone ("Party A") and Nova Materials (Ningbo) Co., Ltd. (hereinafter "Party B" or the '
        '"Developer").'
    )
    parties = {p.label: (p.role, p.name) for p in find_parties(text)}
    assert parties == {
        "Party A": ("government", "Management Committee of Qiantang Economic and Technological Development Zone"),
        "Party B": ("counterparty", "Nova Materials (Ningbo) Co., Ltd."),
        "Developer": ("counterparty", "Nova Materials (Ningbo) Co., Ltd."),
    }


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            "Party A: Qinghe County People's Government\nParty B: Silver Lake Paper Co., Ltd.\n",
            {"Party A": "government", "Party B": "counterparty"},
        ),
        (
            "Party A: ________\nParty B: Silver Lake Paper Limited\n",
            {"Party A": "government", "Party B": "counterparty"},
        ),
    ],
)
def test_english_party_lines_define_the_letter_labels(lines: str, expected: dict[str, str]) -> None:
    assert _roles("PURCHASE AGREEMENT\n" + lines + "1. Party B shall pay.\n") == expected


def test_english_party_lines_joined_by_a_pdf_layout_are_two_parties() -> None:
    text = "PURCHASE AGREEMENT\nParty A: Qinghe County People's Government Party B: Silver Lake Paper Co., Ltd.\n"
    assert {p.label: p.name for p in find_parties(text)} == {
        "Party A": "Qinghe County People's Government",
        "Party B": "Silver Lake Paper Co., Ltd.",
    }


def test_a_bilingual_party_line_adds_no_second_party() -> None:
    text = "协议书\n甲方：青河县人民政府\nParty A: Qinghe County People's Government\n乙方：银湖纸业有限公司\n"
    assert set(_roles(text)) == {"甲方", "乙方"}


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        ("Within 30 days, the Municipal Finance Bureau shall pay", "Municipal Finance Bureau"),
        ("The Municipal Government Supervision Office shall", "Municipal Government Supervision Office"),
        ("The Concessionaire and the Authority shall", "Authority"),
        ("Either Party shall", "Either Party"),
        ("Party B will", "Party B"),
        ("the Sponsor shall", "Sponsor"),
    ],
)
def test_the_english_subject_before_a_modal(clause: str, subject: str) -> None:
    assert english_subject(clause, clause.rindex(" ") + 1, ("Sponsor",)) == subject


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("市发展改革局", "government"),
        ("安阳市人民政府", "government"),
        ("安阳市人民政 府", "government"),
        ("国务院负责中小企业促进工作综合管理的部门", "government"),
        ("省、自治区、直辖市人民政府", "government"),
        ("人行佛山市中心支行", "government"),
        ("项目公司", "counterparty"),
        ("中小企业", "counterparty"),
        ("Concessionaire", "counterparty"),
        ("Authority", "government"),
        ("County Commerce Bureau", "government"),
        ("Administrative Committee", "government"),
        ("Municipality of Lishui", "government"),
        ("Orion Holdings", "counterparty"),
        ("机关、事业单位和大型企业", "other"),
        ("事业单位、国有大型企业", "other"),
        ("甲乙双方", "other"),
        ("合同双方", "other"),
        ("有关行业协会商会", "other"),
        ("被投诉人", "other"),
        ("投诉人", "counterparty"),
    ],
)
def test_role_of_name(name: str, role: str) -> None:
    assert role_of_name(name) == role


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        (
            "国务院负责中小企业促进工作综合管理的部门对保障中小企业款项支付工作进行综合协调",
            "国务院负责中小企业促进工作综合管理的部门",
        ),
        ("机关、事业单位使用财政资金从中小企业采购货物", "机关、事业单位"),
        ("县级以上地方人民政府部门应当每年定期报告", "县级以上地方人民政府部门"),
        ("由其上级机关、主管部门责令改正", "其上级机关、主管部门"),
        ("乙方协助为甲方获得贷款", "乙方"),
        ("合同双方应当在合同中约定检验期限", "合同双方"),
        ("受理投诉部门和有关部门按程序将有关失信情况记入信用记录", "受理投诉部门和有关部门"),
        ("并配合乙方向上级主管部门报批", None),
        ("不得拖欠中小企业的货物、工程、服务款项", None),
        # a bracket left open before the subject, and 所在 inside a body's name (not the preposition 在)
        ("（丙方如为个人，则应提供身份证明）", "丙方"),
        ("由项目所在地县级人民政府负责征地拆迁", "项目所在地县级人民政府"),
        ("企业所在园区管委会应当在五个工作日内答复", "企业所在园区管委会"),
        ("学生所在学校负责组织", "学生所在学校"),
        # a condition (…的，) and its clause are no noun phrase: the clause has no subject of its own
        ("使用公共泊位过夜的，停放期间免收管理费", None),
    ],
)
def test_subject_of(clause: str, subject: str | None) -> None:
    assert subject_of(clause) == subject


@pytest.mark.parametrize(
    ("np", "actor"),
    [
        ("县级以上地方人民政府", True),
        ("受理投诉部门和处理投诉部门的工作人员", True),
        ("付款期限", False),
        ("保障中小企业款项支付工作", False),
        ("甲方", True),
    ],
)
def test_is_actor(np: str, actor: bool) -> None:
    assert is_actor(np) is actor


# ------------------------------------------------------------------------------------------- party table
# Written for these tests, not taken from any corpus document: each case is a class of definition the
# table must read (the extraction-generalisation issue, item 2).


def _table(text: str) -> dict[str | None, tuple[str | None, str]]:
    return {p.label: (p.name, p.role) for p in find_parties(text)}


def test_both_parties_defined_on_one_line_are_cut_at_the_next_label() -> None:
    text = (
        "厂房租赁协议\n甲方：青溪镇人民政府（以下简称甲方）  乙方：华禾新能源科技有限公司（以下简称乙方）\n"
        "一、乙方应当按期缴纳租金。"
    )
    assert _table(text) == {
        "甲方": ("青溪镇人民政府", "government"),
        "乙方": ("华禾新能源科技有限公司", "counterparty"),
    }


@pytest.mark.parametrize("blank", ["＿＿＿＿＿＿", "________", "※※※※※※", "　　　　"])
def test_a_name_made_of_blanks_is_no_name(blank: str) -> None:
    text = f"项目入园协议\n甲方：{blank}\n乙方：{blank}\n一、乙方在甲方园区内投资建设。"
    names = {label: name for label, (name, _) in _table(text).items()}
    assert names == {"甲方": None, "乙方": None}


def test_role_nouns_are_party_labels() -> None:
    text = (
        "国有建设用地使用权出让合同\n出让人：临江市自然资源和规划局\n受让人：临江置业发展有限公司\n"
        "第一条 出让人应当按期交付土地。"
    )
    assert _table(text) == {
        "出让人": ("临江市自然资源和规划局", "government"),
        "受让人": ("临江置业发展有限公司", "counterparty"),
    }


@pytest.mark.parametrize(
    ("definition", "label", "name"),
    [
        ("北岭经济开发区管理委员会（以下简称“B”）", "B", "北岭经济开发区管理委员会"),
        ("北岭经济开发区管理委员会（下称管委会）", "管委会", "北岭经济开发区管理委员会"),
        ("北岭经济开发区管理委员会，以下简称甲方；", "甲方", "北岭经济开发区管理委员会"),
    ],
)
def test_any_defined_label(definition: str, label: str, name: str) -> None:
    text = f"投资合作协议\n{definition}\n第一条 {label}应当协助办理审批手续。"
    assert _table(text)[label] == (name, "government")


def test_the_principal_parties_take_opposite_roles() -> None:
    # only one name tells its side: the other principal is the other side
    text = "招商引资合同\n甲方：＿＿＿＿\n乙方：南川县工业园区管理委员会\n一、甲方应当在园区注册公司。"
    assert {label: role for label, (_, role) in _table(text).items()} == {"甲方": "counterparty", "乙方": "government"}


def test_two_enterprises_have_no_government_side() -> None:
    text = (
        "设备采购合同\n买方：＿＿＿＿（以下简称甲方）\n卖方：＿＿＿＿（以下简称乙方）\n"
        "第一条 乙方应当按期交货，甲方应当按期付款。"
    )
    assert {role for _, role in _table(text).values()} == {"counterparty"}


def test_signature_block_is_not_a_definition() -> None:
    text = (
        "服务协议\n甲方：东湖街道办事处\n乙方：＿＿＿＿\n一、乙方应当提供保洁服务。\n"
        "甲方（盖章）：　　　　乙方（盖章）：\n甲方代表人：＿＿＿"
    )
    assert _table(text)["甲方"] == ("东湖街道办事处", "government")


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("某市信用信息工作机构", "government"),
        ("房地产价格评估机构", "counterparty"),
        ("银行业金融机构", "counterparty"),
        ("某某银行东城支行", "counterparty"),
        ("政府采购代理机构", "other"),
        ("区政务服务中心", "government"),
        ("产品质量检测中心", None),  # 中心 alone does not say which side
    ],
)
def test_role_from_the_head_noun_of_a_body(name: str, role: str | None) -> None:
    assert role_of_name(name) == role


@pytest.mark.parametrize(
    ("np", "actor"),
    [
        ("用气方", True),
        ("承揽人", True),
        ("受托者", True),
        ("价格评估机构", True),
        ("投标联合体", True),
        ("联合体", True),
        ("采购人或者采购代理机构", True),
        ("地方", False),
        ("供水方的水价", False),
        ("方", False),
    ],
)
def test_role_nouns_are_actors(np: str, actor: bool) -> None:
    assert is_actor(np) is actor


# ------------------------------------------------------------------------------------------- name grammar
# Written for these tests (issue 9, items 2 and 12): the word that gives a body its side must head its name;
# a verb inside a role noun (采购人, 使用者, 行业组织) does not end the subject.


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("政府采购评审专家", None),  # 政府 only modifies 评审专家
        ("财政性资金的使用团体", None),
        ("审批委员会成员", None),
        ("市场监管局执法人员", "government"),  # a body's staff keep its side
        ("区财政局", "government"),
        ("区住房城乡建设局和物业服务企业", "other"),
        ("乡镇人民政府和农村集体经济组织", "other"),  # a body of no stated side beside a government one
        ("市人民政府有关部门和单位", "government"),  # 单位 adds nobody new
    ],
)
def test_the_head_of_a_name_tells_its_side(name: str, role: str | None) -> None:
    assert role_of_name(name) == role


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        ("采购人应当在收到样品后五日内组织检验", "采购人"),
        ("林地使用者不得改变林地用途", "林地使用者"),
        ("水利工程使用单位应当每年报告运行情况", "水利工程使用单位"),
        ("乙方在签订合同后应当支付定金", "乙方"),  # the subject ends before its adverbial
    ],
)
def test_a_role_noun_is_read_whole_before_its_modal(clause: str, subject: str) -> None:
    assert subject_of(clause) == subject


@pytest.mark.parametrize(
    "subject",
    ["甲、乙方", "甲乙方", "甲、乙双方", "出租方和承租方", "违约方", "守约方", "过错方", "该方"],
)
def test_both_parties_or_whichever_party_is_neither_side(subject: str) -> None:
    # written for this test (issue 9, item 2): two enterprises lease a workshop
    parties = find_parties(
        "厂房租赁合同\n出租方：宏远机械制造有限公司\n承租方：佳禾食品有限公司\n第一条 承租方应当按月支付租金。"
    )
    assert {p.label: p.role for p in parties} == {"出租方": "counterparty", "承租方": "counterparty"}
    assert role_of_name(subject, parties) == "other"


def test_acting_as_a_party_is_no_definition() -> None:
    # written for this test: 作为乙方 speaks of a successor, it does not name 乙方
    text = (
        "供热特许经营协议\n甲方：北川县城市管理局\n乙方：＿＿＿＿\n"
        "项目公司成立后，由项目公司在本协议项下作为乙方履行义务。\n第一条 乙方应当按期供热。"
    )
    assert _table(text)["乙方"] == (None, "counterparty")


def test_an_investment_agreement_has_a_government_side_even_unnamed() -> None:
    text = "产业项目投资协议书\n甲方：\n乙方：\n经友好协商，就乙方投资建设食品加工项目达成协议。\n一、乙方应当开工。"
    assert _roles(text) == {"甲方": "government", "乙方": "counterparty"}


def test_a_quoted_label_cut_off_by_the_head_is_no_label() -> None:
    # the head of a text whose first clause starts early is its first 120 characters
    lead = "合作协议\n甲方：\n乙方：\n经协商达成如下协议。\n一、企业名称："
    pad = "某" * (118 - len(lead) - len("新设企业暂定名为（以下简称"))
    text = lead + pad + "新设企业暂定名为（以下简称“新企业”），由乙方负责筹建。\n二、乙方应当出资。\n"
    assert text.index("“") < 120 < text.index("”")
    assert set(_roles(text)) == {"甲方", "乙方"}


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("本省", "government"),
        ("本自治州", "government"),
        ("海关", "government"),
        ("各地区", "government"),
        ("县级以上地方人民政府有关主管部门", "government"),
        ("市（县）住房保障局", "government"),
        ("本省民营企业", "counterparty"),  # starts with the jurisdiction, headed by the enterprise
    ],
)
def test_the_administration_named_by_its_jurisdiction_is_government(name: str, role: str) -> None:
    assert role_of_name(name) == role
    assert is_actor(name)


def test_the_government_lexicon_is_data() -> None:
    from extractors.parties import GOVERNMENT_ACTORS

    assert "本市" in GOVERNMENT_ACTORS
    assert all(w and "#" not in w for w in GOVERNMENT_ACTORS)


# ------------------------------------------------------------------------------------------- heads inside words
# Written for these tests (issue 9, item 12): a one-character government head (局, 厅, 委) or a government word
# (审计) inside a word that names no body does not make a government actor.


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("园区产业布局", None),
        ("全局", None),
        ("委托方", None),
        ("受托方和委托方", None),
        ("会计师事务所审计师", None),
        ("县审计局", "government"),
        ("市商务局", "government"),
        ("区教委", "government"),
        ("省交通运输厅", "government"),
        ("市场监管局执法人员", "government"),
    ],
)
def test_a_head_inside_another_word_tells_no_side(name: str, role: str | None) -> None:
    assert role_of_name(name) == role


def test_a_layout_is_no_actor() -> None:
    assert not is_actor("全市物流布局")
    assert is_actor("市物流局")


def test_every_word_that_is_no_body_holds_a_head() -> None:
    from extractors.lexicon import NOT_BODY_WORDS

    assert all(re.search(r"局|厅|委|审计|法人", w) for w in NOT_BODY_WORDS)


# ------------------------------------------------------------------------------------------- subject boundaries
# Written for these tests (issue 9, item 12): where a subject noun phrase ends — not at 应 inside 供应商, 经 inside
# 经理 or a verb inside a name (采购, 组织, 保证), and at 不 or 委托 after the name.


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        ("供应商应当按时提交样品", "供应商"),
        ("中标供应商在签订合同后应当缴纳履约保证金", "中标供应商"),
        ("总经理应当每月向董事会报告经营情况", "总经理"),
        ("项目经理须常驻施工现场", "项目经理"),
        ("承租方不按期交付租金的", "承租方"),
        ("担保公司不收取反担保费用", "担保公司"),
        ("不动产登记机构应当及时办理", "不动产登记机构"),
        ("采购评审专家在评审中发现违法行为的", "采购评审专家"),
        ("各级行政机关、群团组织和事业单位进行采购活动", "各级行政机关、群团组织和事业单位"),
        ("行业协会和其他社会组织向主管部门报送数据", "行业协会和其他社会组织"),
        ("企业、个人或者其他组织申请查询信用记录的", "企业、个人或者其他组织"),
        ("审批机关委托评估机构对项目进行评估的", "审批机关"),
        ("委托人应当按期支付报酬", "委托人"),
        ("县人民政府组织实施", "县人民政府"),
        ("机关、事业单位使用财政资金从中小企业采购货物", "机关、事业单位"),
    ],
)
def test_where_a_subject_ends(clause: str, subject: str) -> None:
    assert subject_of(clause) == subject


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test (issue 9, item 12): 当 inside 当事人 ends no subject
        ("拍卖当事人违反约定的，应当赔偿损失", "拍卖当事人"),
        # a name read past its verb to the noun of a person, before a verb that ends no subject
        ("政府采购评审专家有回避情形的", "政府采购评审专家"),
        # … but not into another word (评审方法 holds 方, no party; 政府采购 is the activity, no subject either)
        ("政府采购评审方法分为两种", None),
    ],
)
def test_a_name_read_past_a_verb_ends_at_a_person_or_a_body(clause: str, subject: str | None) -> None:
    assert subject_of(clause) == subject


@pytest.mark.parametrize(
    "name",
    ["评标委员会", "评标委员会和谈判小组", "竞争性谈判小组", "询价小组", "磋商小组", "第三方", "第三人"],
)
def test_evaluation_panels_and_third_parties_are_of_no_side(name: str) -> None:
    # written for this test: experts drawn from every side, and whoever else a clause involves
    assert role_of_name(name) == "other"


def test_a_name_read_past_a_verb_does_not_cross_a_relative_clause() -> None:
    assert subject_of("各级行政机关组织的评选活动，应当优先推荐守信企业") == "各级行政机关"


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test (issue 9, item 12): a list of bodies whose last one has a relative clause
        (
            "登记机关、许可机关以及依法负有监管职责的其他部门应当共享信息",
            "登记机关、许可机关以及依法负有监管职责的其他部门",
        ),
        # … but a name before an adverbial is still the subject
        ("甲方在收到发票后应当付款", "甲方"),
        ("区财政局以及时拨付为原则", "区财政局"),
    ],
)
def test_a_list_goes_on_after_yiji(clause: str, subject: str) -> None:
    assert subject_of(clause) == subject


def test_include_starts_no_name() -> None:
    assert subject_of("包括机构设置和人员配备") is None


def test_a_liaison_unit_is_one_name() -> None:
    # written for this test: 对 inside 对接 is no preposition
    assert subject_of("招商对接单位负责项目的初步评估") == "招商对接单位"


@pytest.mark.parametrize(
    "name",
    [
        # written for this test: the press and trade bodies are of no side, even beside a jurisdiction's word
        "县电台、报刊等媒体",
        "本省晚报、网站等媒体",
        "物流协会和其他物流行业组织",
        "本区餐饮协会",
    ],
)
def test_the_press_and_trade_bodies_are_of_no_side(name: str) -> None:
    assert role_of_name(name) == "other"


@pytest.mark.parametrize(
    "name",
    # written for this test: the public a regulation serves
    ["来电人", "来访人", "被征收人", "公民、法人或者其他组织", "自然人", "信息主体", "热线服务对象"],
)
def test_the_public_is_counterparty(name: str) -> None:
    assert role_of_name(name) == "counterparty"


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test: 政府采购 is the activity, not the government purchasing
        ("政府采购档案应当妥善保存十五年", None),
        ("政府采购法第九条所称的政策目标，应当在采购文件中载明", None),
        # … but a body named after it, and the government itself, are subjects
        ("政府采购监督管理部门应当公布投诉渠道", "政府采购监督管理部门"),
        ("政府应当公布采购目录", "政府"),
    ],
)
def test_government_procurement_is_no_subject(clause: str, subject: str | None) -> None:
    assert subject_of(clause) == subject


@pytest.mark.parametrize(
    ("name", "role"),
    [
        # written for this test: units and persons at once are of no side
        ("相关单位和人员", "other"),
        ("上述单位或者个人", "other"),
        # … but a unit with its own staff is the unit, whose side the name does not tell
        ("相关单位及其工作人员", None),
    ],
)
def test_units_and_persons_together_are_of_no_side(name: str, role: str | None) -> None:
    assert role_of_name(name) == role


@pytest.mark.parametrize(
    ("name", "role"),
    [
        # written for this test: the parties of a PPP or concession text by their role nouns
        ("项目授权主体", "government"),
        ("项目融资机构", "counterparty"),
        ("供热项目特许经营者", "counterparty"),
        ("融资机构", "counterparty"),
    ],
)
def test_role_of_a_ppp_party_noun(name: str, role: str) -> None:
    assert role_of_name(name) == role
