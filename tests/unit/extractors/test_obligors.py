"""Who owes a clause when its subject is not the first noun phrase: the clause with the modal naming its own
subject, the owner of an attributive topic, a party named by a relative clause (issue 9, item 12).

Every sentence here is written for these tests, not taken from any corpus document."""

from __future__ import annotations

from datetime import date

import pytest

from extractors import ExtractOptions, extract
from extractors.rules import DocumentMode, _subject

_CONTRACT = DocumentMode(english=False, regulation=False, plan=False, contract=True, year=None)
_REGULATION = DocumentMode(english=False, regulation=True, plan=False, contract=False, year=None)


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # a leading chunk names someone else; the clause with the modal names its own subject
        ("县里按年度下达种植指标，甲方应当及时分配给乙方", "甲方"),
        ("申请人通过信函提出请求，受理机关应当在五日内登记", "受理机关"),
        # … but a chunk with no subject of its own keeps the one before it
        ("乙方在项目竣工后，应当办理验收", "乙方"),
        ("受理机关收到申请材料，能够当场办理的，应当当场办理", "受理机关"),
    ],
)
def test_the_clause_with_the_modal_names_its_own_subject(clause: str, subject: str) -> None:
    assert _subject(clause, _REGULATION, None) == subject


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        ("项目公司的全部经营活动必须符合国家有关规定", "项目公司"),
        ("合资企业的各项保险均应向境内保险公司投保", "合资企业"),
        ("乙方的年纳税额不得低于五百万元", "乙方"),
    ],
)
def test_the_owner_of_an_attributive_topic_owes_the_duty(clause: str, subject: str) -> None:
    assert _subject(clause, _CONTRACT, None) == subject


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        ("市政府发布的通告应当载明施工期限", "市政府"),
        ("审批机关编制、公布的办事指南应当及时更新", "审批机关"),
    ],
)
def test_the_agent_of_a_relative_clause_owes_what_it_makes(clause: str, subject: str) -> None:
    assert _subject(clause, _REGULATION, None) == subject


@pytest.mark.parametrize(
    "clause",
    [
        "年度计划的执行情况应当每季度公布",
        "向境外机构或者个人提供数据，应当遵守国家规定",  # the actor after 向 is the recipient
    ],
)
def test_a_chunk_that_starts_with_no_actor_has_no_owner(clause: str) -> None:
    assert _subject(clause, _REGULATION, None) is None


@pytest.mark.parametrize(
    "clause",
    ["受到自然灾害影响的一方，应当在三日内通知对方", "提出变更请求的一方，应当承担由此增加的费用"],
)
def test_a_party_named_by_its_relative_clause_is_the_subject(clause: str) -> None:
    subject = _subject(clause, _CONTRACT, None)
    assert subject is not None
    assert subject.endswith("的一方")


def test_whichever_party_a_relative_clause_names_is_neither_side() -> None:
    text = (
        "设备采购合同\n甲方：华岳机械有限公司\n乙方：青禾食品有限公司\n"
        "第一条 受到自然灾害影响的一方，应当在三日内书面通知对方。\n"
    )
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2021, 6, 1), learned=False))
    assert [o.obligor.role for o in result.obligations] == ["other"]


def _roles_and_names(text: str) -> list[tuple[str | None, str]]:
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2021, 6, 1), learned=False))
    return [(o.obligor.name, o.obligor.role) for o in result.obligations]


@pytest.mark.parametrize(
    "article",
    [
        "第五条 对吸纳高校毕业生就业的小微企业，给予一次性吸纳就业补贴。",
        "第五条 科技型中小企业购置研发设备的费用，按照规定给予补助。",
        "第五条 民营企业与国有企业组成联合体参加投标的，给予一定比例的价格扣除。",
    ],
)
def test_the_granting_authority_owes_a_grant(article: str) -> None:
    # written for this test (issue 9, item 12): the enterprise is the beneficiary, not the obligor
    text = "某市促进中小企业发展条例\n第一条 为了促进中小企业发展，制定本条例。\n第二条 市人民政府应当加强领导。\n"
    text += "第三条 区人民政府应当落实扶持政策。\n第四条 市财政部门应当安排专项资金。\n" + article + "\n"
    assert _roles_and_names(text)[-1] == (None, "government")


def test_a_government_body_that_grants_is_named() -> None:
    text = (
        "某市促进中小企业发展条例\n第一条 为了促进中小企业发展，制定本条例。\n第二条 市人民政府应当加强领导。\n"
        "第三条 区人民政府应当落实扶持政策。\n第四条 市财政部门对新认定的专精特新企业给予一次性奖励。\n"
    )
    assert _roles_and_names(text)[-1] == ("市财政部门", "government")


def test_a_contract_party_that_grants_keeps_its_own_side() -> None:
    text = (
        "厂房租赁合同\n出租方：宏远机械制造有限公司\n承租方：佳禾食品有限公司\n第一条 出租方给予承租方三个月免租期。\n"
    )
    assert [role for _, role in _roles_and_names(text)] == ["counterparty"]


@pytest.mark.parametrize("clause", ["提高担保机构的风险容忍度", "支持中小企业开拓国际市场", "推动行业协会制定标准"])
def test_a_task_verb_and_its_object_are_no_subject(clause: str) -> None:
    from extractors.parties import subject_of

    assert subject_of(clause) is None


def test_a_clause_that_names_nobody_takes_the_side_of_the_regulations_addressees() -> None:
    # written for this test (issue 9, item 12): duty-bearers on every side — a clause naming nobody binds anyone
    market = (
        "某市拍卖活动条例\n第一条 为了规范拍卖活动，制定本条例。\n"
        "第二条 竞买企业应当如实申报资格。\n第三条 市商务局应当公布拍卖规则。\n"
        "第四条 拍卖代理机构不得泄露竞买人信息。\n第五条 禁止以暴力手段干扰拍卖现场秩序。\n"
    )
    assert _roles_and_names(market)[-1] == (None, "other")
    # … and in one addressed to the administration, the administration (but a bare 禁止… binds whoever acts there
    # too: test_a_bare_prohibition_binds_whoever_acts_even_in_a_regulation_for_the_administration)
    administration = (
        "某市行政审批服务条例\n第一条 为了规范审批服务，制定本条例。\n"
        "第二条 市人民政府应当统筹全市审批服务工作。\n第三条 区人民政府应当设立审批服务窗口。\n"
        "第四条 市审批服务管理局应当公布办事指南。\n第五条 不得在办事指南以外增设审批条件。\n"
    )
    assert _roles_and_names(administration)[-1] == (None, "government")


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test: a clause ending in a place (…账户内) is no condition, its party is its subject
        ("乙方认缴的出资分三期存入合资公司的银行账户内", "乙方"),
        ("甲方提供的设备应当存放在乙方的仓库中", "甲方"),
    ],
)
def test_a_clause_ending_in_a_place_keeps_its_subject(clause: str, subject: str) -> None:
    assert _subject(clause, _CONTRACT, None) == subject


def _obligors(text: str) -> list[tuple[str, str | None]]:
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2021, 6, 1), learned=False))
    return [(o.text, o.obligor.label or o.obligor.name) for o in result.obligations]


def test_a_heading_in_free_wording_owns_the_clauses_under_it() -> None:
    # written for this test (issue 9, item 12): 出租方的权利与义务 is no fixed duty-section title
    text = (
        "设备租赁合同\n出租方：宏远机械制造有限公司\n承租方：佳禾食品有限公司\n"
        "第一条 出租方的权利与义务\n１．出租方应当按期交付设备。\n２．按约定负责设备的大修。\n"
        "第二条 承租方的义务\n１．承租方应当按月支付租金。\n２．妥善保管设备，不得转租。\n"
    )
    owners = dict(_obligors(text))
    assert owners["按约定负责设备的大修"] == "出租方"
    assert owners["妥善保管设备，不得转租"] == "承租方"


def test_a_heading_of_both_parties_owns_nothing() -> None:
    from extractors.rules import _owned_heading

    assert _owned_heading("双方的责任和义务") is None
    assert _owned_heading("委托方的义务") is not None
    assert _owned_heading("违约责任") is None  # 违约 is no actor


def test_items_announced_without_a_colon_take_the_leads_subject() -> None:
    # written for this test (issue 9, item 12): the lead ends in ；, not ：, so its items are no sub-items
    text = (
        "房屋买卖合同\n出卖人（甲方）：华岳置业有限公司\n买受人（乙方）：李某\n"
        "第一条 乙方应当按以下时间将房款汇入甲方指定的账户；\n"
        "１．于2021年7月1日前支付房款的30%；\n２．于2021年9月1日前支付房款的70%。\n"
        "第二条 甲方应当在收到全部房款后交付房屋。\n"
    )
    owners = _obligors(text)
    assert [owner for clause, owner in owners if "支付房款" in clause] == ["乙方", "乙方"]
    assert owners[-1][1] == "甲方"


def test_a_condition_with_a_weak_modal_names_no_subject() -> None:
    # written for this test: 同意 inside 如…的 condition makes it no clause of its own to take a subject from
    assert _subject("如双方同意延期，乙方应当补交押金", _CONTRACT, None) == "乙方"


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test (issue 9, item 12): a body's name ends at its head noun, its predicate follows
        ("有关部门出台扶持政策，应当及时公布办理条件", "有关部门"),
        ("市场监管部门查证属实的，应当责令整改", "市场监管部门"),
        # … but not where the name goes on
        ("市场监管部门工作人员查证属实的，应当报告", None),
    ],
)
def test_a_body_before_its_predicate_is_the_subject(clause: str, subject: str | None) -> None:
    assert _subject(clause, _REGULATION, None) == subject


def test_a_regulations_addressees_are_counted_once_each() -> None:
    # written for this test: one company owes many clauses, four government bodies one each — the
    # regulation still addresses the administration, so its unit of no stated side is a government one
    text = (
        "某市公共资源交易管理条例\n第一条 为了规范交易活动，制定本条例。\n"
        "第二条 市人民政府应当加强领导。\n第三条 市发展改革委应当制定目录。\n"
        "第四条 市财政局应当安排经费。\n第五条 市公共资源交易管理办公室应当公布规则。\n"
        "第六条 交易平台运营公司应当保障系统运行。\n第七条 交易平台运营公司应当备份数据。\n"
        "第八条 交易平台运营公司应当公开收费标准。\n第九条 交易平台运营公司不得泄露投标信息。\n"
        "第十条 交易平台运营公司应当接受监督。\n第十一条 窗口承办单位应当在三个工作日内答复。\n"
    )
    assert _roles_and_names(text)[-1] == ("窗口承办单位", "government")


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test (issue 9, item 12): a passive agent before a verb of deciding or bearing
        ("设备的作价应由甲、乙双方按市场价格协商确定", "甲、乙双方"),
        ("检测所需的一切费用由承租方负担", "承租方"),
        ("补偿标准由区人民政府核定", "区人民政府"),
        # … but not an agent that only qualifies a noun
        ("应当按照由董事会确定的方案分配利润", None),
    ],
)
def test_a_passive_agent_owes_what_it_decides_or_bears(clause: str, subject: str | None) -> None:
    assert _subject(clause, _CONTRACT, None) == subject


def test_an_attributive_topic_in_a_chunk_of_its_own_is_owned() -> None:
    # written for this test: the topic 项目公司的全部经营活动 stands before the comma, the modal after it
    assert _subject("项目公司的全部经营活动，必须符合国家有关规定", _CONTRACT, None) == "项目公司"
    # … but a modal chunk that names its own subject keeps it
    assert _subject("合资企业的年度报表，乙方应当及时报送", _CONTRACT, None) == "乙方"


def test_a_list_of_what_a_right_covers_names_no_subject_for_the_items_after_it() -> None:
    # written for this test: 包括机构设置 lists what the right covers; 机构 there is no actor
    text = (
        "厂房承包经营合同\n甲方：东岭镇集体资产管理办公室\n乙方：周某\n"
        "三、乙方的权利和义务：\n"
        "（１）对承包的车间享有经营自主权，包括机构设置、人员配备，以及工资分配方式的确定等。\n"
        "（２）必须按月报送财务报表。\n"
    )
    assert dict(_obligors(text))["必须按月报送财务报表"] == "乙方"


@pytest.mark.parametrize(
    ("clause", "organ"),
    [
        ("合资公司设财务部，负责公司的会计核算", "财务部"),
        ("项目公司设监理组，负责工程质量的检查", "监理组"),
        ("合作企业设总工程师一人，负责生产技术工作", "总工程师"),
    ],
)
def test_the_organ_a_party_sets_up_owes_what_it_is_set_up_for(clause: str, organ: str) -> None:
    # written for this test: the chunk after 设 names whose duty 负责… is
    assert _subject(clause, _CONTRACT, None) == organ


def test_a_party_that_sets_up_an_organ_gives_it_its_side() -> None:
    # written for this test: 管理机构 alone would read as a government body; set up by the company, it is not
    text = (
        "合资经营合同\n甲方：北川投资有限公司\n乙方：西林贸易有限公司\n"
        "第九条 合资公司设管理机构，负责公司的日常经营管理工作。\n"
    )
    assert _roles_and_names(text) == [("管理机构", "counterparty")]


def test_a_party_that_sets_up_a_company_keeps_the_duty() -> None:
    # written for this test: 项目公司 is no organ of 乙方 but the company it founds; 乙方 stays the subject
    assert _subject("乙方设立项目公司，负责项目的建设", _CONTRACT, None) == "乙方"


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test: a party's label is a whole name; 保证/组织 after it is its verb, not part of a name
        ("乙方保证所供设备全部移交给合资公司", "乙方"),
        ("甲方组织区内有关单位召开协调会", "甲方"),
    ],
)
def test_a_partys_label_is_not_read_on_into_the_object_of_its_verb(clause: str, subject: str) -> None:
    from extractors.parties import subject_of

    assert subject_of(clause) == subject


def test_a_purpose_before_the_subject_is_skipped() -> None:
    # written for this test: 为确保… is a purpose; the subject of the duty is named after it
    assert _subject("为确保工程按期完工，甲、乙各方应相互提供履约保函", _CONTRACT, None) == "甲、乙各方"


def test_a_party_in_a_leading_condition_is_named_by_its_label() -> None:
    # written for this test: the condition's subject is 甲方, not 甲方收到款项后
    assert _subject("甲方收到款项后，应在三日内开具发票", _CONTRACT, None) == "甲方"


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test: a verb of paying or handing over ends the subject, or starts a clause without one
        ("即付给甲方履约保证金十万元", None),
        ("租户缴纳物业费二百元", "租户"),
        ("园区拨给乙方启动资金", "园区"),
    ],
)
def test_a_verb_of_paying_ends_the_subject(clause: str, subject: str | None) -> None:
    from extractors.parties import subject_of

    assert subject_of(clause) == subject


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test: the party's label opens the condition; the clause after it has no subject
        ("承租方超过约定期限交还设备时，应按日支付滞纳金", "承租方"),
        ("供方除免收运费外，还应赔偿需方的损失", "供方"),
    ],
)
def test_a_party_label_opening_the_condition_owes_the_clause(clause: str, subject: str) -> None:
    assert _subject(clause, _CONTRACT, None) == subject


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        # written for this test: an adverb between the subject and its modal or verb ends the subject
        ("守约方仍应按期履行交货义务", "守约方"),
        ("监理单位具体负责施工现场的质量检查", "监理单位"),
    ],
)
def test_an_adverb_after_the_subject_ends_it(clause: str, subject: str) -> None:
    from extractors.parties import subject_of

    assert subject_of(clause) == subject


def test_a_projects_milestone_that_names_nobody_is_the_investors() -> None:
    # written for this test: 本项目 names no party; building and starting production are the investor's duty
    text = "项目投资协议\n甲方：某某区管委会\n乙方：某某材料有限公司\n第五条 本项目应于2022年6月30日前竣工投产。\n"
    assert dict(_obligors(text))["本项目应于2022年6月30日前竣工投产"] == "乙方"
