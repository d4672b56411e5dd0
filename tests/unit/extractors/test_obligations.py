"""Obligations end to end over text: which clauses are duties, how they are split, whose they are."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from extractors import DocumentKind, ExtractionResult, ExtractOptions, extract
from extractors.model import Offset


def _extract(
    text: str, kind: DocumentKind | None = None, signed_on: date | None = date(2019, 3, 15)
) -> ExtractionResult:
    return extract(text.encode("utf-8"), ExtractOptions(kind=kind, signed_on=signed_on))


def _texts(result: ExtractionResult) -> list[str]:
    return [o.text for o in result.obligations]


IP = DocumentKind.INVESTMENT_PROMOTION


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方应当按时足额缴纳土地出让金。",
        "甲方负责完成项目用地的报批工作。",
        "乙方须保证项目公司的资本金足额到位。",
        "乙方承诺项目达产后年纳税额不低于3000万元。",
        "甲方保证提供的土地属于工业用地。",
        "乙方不得擅自改变土地用途。",
        "甲方同意按照本协议约定出让项目用地。",
        "甲方给予乙方设备投资补贴。",
        "由甲方承担土地平整费用。",
        "甲方将协助乙方办理相关手续。",
        "乙方必须遵守国家环保法律法规。",
    ],
)
def test_modal_and_commitment_forms_are_obligations(sentence: str) -> None:
    result = _extract("项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n" + sentence, IP)
    assert _texts(result) == [sentence.rstrip("。")]


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方有权要求甲方提供相关资料。",
        "乙方可以享受开发区各项优惠政策。",
        "本协议所称项目用地，是指位于开发区内的地块。",
        "项目用地面积约为105.8亩。",
        "因本协议发生的争议，双方应协商解决。",
        "本协议一式陆份，自双方签字盖章之日起生效。",
        "鼓励乙方引进高层次人才。",
    ],
)
def test_rights_definitions_facts_and_boilerplate_are_not(sentence: str) -> None:
    result = _extract("项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n" + sentence, IP)
    assert _texts(result) == []


def test_investment_agreement_parties_deadlines_and_amounts() -> None:
    text = (
        "项目投资合同书\n甲方：某某经济技术开发区管理委员会\n乙方：某某新材料科技有限公司\n"
        "第一条 乙方应于本合同签订之日起30日内注册成立项目公司，"
        "注册资本不低于人民币伍仟万元整（¥50,000,000）。\n"
        "第二条 甲方负责在2020年6月30日前将净地交付乙方使用。\n"
    )
    result = _extract(text)
    assert result.document.kind == DocumentKind.INVESTMENT_PROMOTION
    first, second = result.obligations
    assert (first.obligor.label, first.obligor.role) == ("乙方", "counterparty")
    assert first.deadline.date == date(2019, 4, 14)
    assert first.amount is not None
    assert first.amount.value == 50_000_000
    assert (second.obligor.label, second.obligor.role) == ("甲方", "government")
    assert second.deadline.date == date(2020, 6, 30)


def test_duty_section_items_without_modal_and_reversed_roles() -> None:
    text = (
        "合作投资协议书\n甲方：\n乙方：\n就甲方迁入乙方工业园区事宜达成如下协议。\n1、甲方责任：\n"
        "1） 甲方招聘企业员工时，在同等条件下，优先考虑本地人员。\n2、乙方责任：\n"
        "1） 甲方落户乙方园区之后三个月内，乙方协助为甲方获得不少于200万元的流动资金贷款。\n"
    )
    result = _extract(text)
    first, second = result.obligations
    assert (first.obligor.label, first.obligor.role) == ("甲方", "counterparty")
    assert (second.obligor.label, second.obligor.role) == ("乙方", "government")
    assert (second.deadline.kind, second.deadline.anchor) == ("relative", "other")
    assert second.amount is not None
    assert second.amount.value == 2_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a new modal after one already seen starts a new clause
        (
            "第七条 机关、事业单位和大型企业不得要求中小企业接受不合理的付款期限，"
            "不得拖欠中小企业的货物、工程、服务款项。",
            2,
        ),
        # verb phrases coordinated under one modal stay together
        ("第七条 中小企业应当依法经营，诚实守信，按照合同约定提供合格的货物、工程和服务。", 1),
        # a different deadline splits
        ("第十条 合同双方应当在合同中约定检验期限，并在该期限内完成检验或者验收。", 2),
        # permission and referral parts are not duties; the 但… part is
        ("第九条 合同另有约定的，从其约定，但付款期限最长不得超过60日。", 1),
        ("第二十五条 情况复杂的，可适当延长，但处理期限最长不得超过90日。", 1),
        ("第三十五条 对负有责任的领导人员依法给予处分；构成犯罪的，依法追究刑事责任。", 1),
        ("第三十条 国家鼓励法律服务机构为中小企业提供公益法律服务。", 0),
        ("第三条 本条例所称中小企业，是指在中华人民共和国境内依法设立的企业。", 0),
    ],
)
def test_regulation_granularity(text: str, expected: int) -> None:
    body = (
        "保障中小企业款项支付条例\n第一章 总 则\n"
        "第一条 为了促进及时支付中小企业款项，制定本条例。\n第二条 本条例自2025年6月1日起施行。\n"
    )
    result = _extract(body + text, DocumentKind.POLICY_COMMITMENT)
    assert len(result.obligations) == expected


def test_regulation_assignment_and_liability_are_government_duties() -> None:
    text = (
        "某某条例\n第一条 为了规范管理，制定本条例。\n第二条 本条例自2025年6月1日起施行。\n"
        "第三条 审计机关依法对机关、事业单位支付中小企业款项情况实施审计监督。\n"
        "第四条 大型企业违反本条例的，由市场监督管理部门依法处理。\n"
    )
    result = _extract(text, DocumentKind.POLICY_COMMITMENT)
    assert [(o.obligor.name, o.obligor.role) for o in result.obligations] == [
        ("审计机关", "government"),
        ("市场监督管理部门", "government"),
    ]


def test_policy_plan_tasks_take_the_lead_unit_of_their_note() -> None:
    text = (
        "某市加强政务诚信建设实施方案\n一、加快构建政务诚信监督体系\n"
        "（一）实行逐级督导制度。市政府各部门要切实转变观念；将重点工作纳入绩效考核内容。"
        "（市绩效办，镇级以上人民政府按职责分工分别负责）\n"
        "（二）加强公务员诚信教育。深入开展公务员诚信教育，到2020年，信用档案覆盖率达到100％。（市人力资源社会保障局负责）\n"
    )
    result = _extract(text, signed_on=date(2018, 10, 16))
    assert result.document.kind == DocumentKind.POLICY_COMMITMENT
    assert _texts(result) == [
        "市政府各部门要切实转变观念",
        "将重点工作纳入绩效考核内容",
        "深入开展公务员诚信教育，到2020年，信用档案覆盖率达到100％",
    ]
    assert result.obligations[0].obligor.name == "市绩效办"
    assert result.obligations[0].responsible == ("市绩效办", "镇级以上人民政府")
    assert all(o.obligor.role == "government" for o in result.obligations)
    assert result.obligations[2].deadline.date == date(2020, 12, 31)


def test_lead_and_cooperating_units() -> None:
    text = (
        "重点任务分工方案\n一、推进简政放权\n（一）规范审批。\n"
        "1.严格落实行政许可设定审查制度。（牵头单位：区政府办公室、区司法局；责任单位：区政府有关部门）\n"
    )
    (task,) = _extract(text).obligations
    assert task.obligor.name == "区政府办公室"
    assert task.responsible == ("区政府办公室", "区司法局", "区政府有关部门")


def test_covering_notice_directive_goes_to_the_first_addressee() -> None:
    text = (
        "某市人民政府关于印发实施方案的通知\n各区人民政府，市政府各部门、直属各机构：\n"
        "现将《实施方案》印发给你们，请认真组织实施。\n某市人民政府\n2018年10月16日\n"
    )
    (directive,) = _extract(text).obligations
    assert directive.text == "请认真组织实施"
    assert directive.obligor.name == "各区人民政府"
    assert directive.responsible == ("各区人民政府", "市政府各部门", "直属各机构")


def test_task_deadline_from_the_note() -> None:
    text = "工作要点\n一、深化改革\n1.全面推行企业开办一网通办。（责任单位：市市场监管局；完成时限：2021年6月底前）\n"
    (task,) = _extract(text).obligations
    assert task.deadline.date == date(2021, 6, 30)


def test_ppp_contract() -> None:
    text = (
        "某某垃圾发电PPP项目合同\n2.2 市人民政府授权甲方为本项目实施机构。\n"
        "2.3 项目公司负责本项目的投资、融资、设计、建设、运营和维护工作。\n"
        "2.4 甲乙双方的一切活动，必须遵守中华人民共和国法律。\n"
        "2.5 本合同部分条款无效，不影响本合同其他条款的效力。\n"
    )
    result = _extract(text)
    assert result.document.kind == DocumentKind.PPP
    assert [(o.obligor.name, o.obligor.role) for o in result.obligations] == [
        ("项目公司", "counterparty"),
        ("甲乙双方", "other"),
    ]


def test_english_concession_clauses() -> None:
    text = (
        "CONCESSION AGREEMENT\n\n"
        "21.1.1 The Concessionaire hereby agrees and undertakes that it shall achieve Financial Close "
        "within 120 (one hundred and twenty) days from the date of this Agreement. In the event of delay, "
        "the Concessionaire shall be entitled to a further period not exceeding 90 (ninety) days, "
        "subject to payment of Damages to the "
        "Authority, provided that the Damages shall be payable every week in advance.\n"
        "21.1.2 The Authority may terminate this Agreement. "
        "The Authority shall extend the Concession Period.\n"
    )
    result = _extract(text, signed_on=date(2019, 4, 1))
    assert result.document.language == "en"
    obligations = result.obligations
    assert [o.obligor.role for o in obligations] == [
        "counterparty",
        "counterparty",
        "counterparty",
        "government",
    ]
    assert obligations[0].deadline.date == date(2019, 7, 30)
    assert obligations[2].deadline.kind == "recurring"
    assert obligations[1].text.startswith("subject to payment of Damages")


def test_offsets_point_into_the_result_text() -> None:
    result = _extract("项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n乙方应当按时开工。", IP)
    (ob,) = result.obligations
    assert result.text[ob.start : ob.end] == ob.text
    assert ob.category.value in {c.value for c in type(ob.category)}
    assert 0 < ob.confidence <= 1


def test_unit_notes_on_lines_of_their_own() -> None:
    text = (
        "重点任务清单\n一、提升政务服务效能\n（一）深化一网通办改革。\n"
        "1.推进政务服务事项全程网上办理。\n2.优化不动产登记流程。\n"
        "责任单位：区政务服务中心、区自然资源局\n完成时限：2022年6月底前\n"
        "（二）加强监管执法。\n3.全面推行双随机一公开监管。\n牵头单位：区市场监管局；配合单位：区有关部门\n"
    )
    result = _extract(text)
    assert [(o.text, o.obligor.name) for o in result.obligations] == [
        ("推进政务服务事项全程网上办理", "区政务服务中心"),
        ("优化不动产登记流程", "区政务服务中心"),
        ("全面推行双随机一公开监管", "区市场监管局"),
    ]
    assert result.obligations[0].deadline.date == date(2022, 6, 30)


def test_a_note_sentence_after_the_task_names_its_units_and_time() -> None:
    text = (
        "行动方案\n一、重点任务\n（一）优化审批服务。要推行工程建设项目联合验收。"
        "责任单位：市住建局、市规划局，时间：2020年底。\n"
        "（二）加强要素保障。要建立用地指标周转机制。\n责任单位：市自然资源局\n时间安排：2020年9月底前\n"
    )
    result = _extract(text)
    assert [(o.text, o.obligor.name, o.responsible, o.deadline.date) for o in result.obligations] == [
        ("要推行工程建设项目联合验收", "市住建局", ("市住建局", "市规划局"), date(2020, 12, 31)),
        ("要建立用地指标周转机制", "市自然资源局", ("市自然资源局",), date(2020, 9, 30)),
    ]


def test_an_item_number_before_a_month_keeps_the_month() -> None:
    text = "行动方案\n一、重点任务\n4.10月底前，完成全区政务服务事项梳理。（区政务办负责）\n"
    (task,) = _extract(text, signed_on=date(2020, 3, 1)).obligations
    assert task.text == "10月底前，完成全区政务服务事项梳理"
    assert task.deadline.date == date(2020, 10, 31)


def test_a_plan_task_keeps_its_completion_time() -> None:
    text = (
        "行动方案\n一、重点任务\n1.升级12345热线受理系统，年内完成系统切换。（市政务办负责）\n"
        "2.6月底前启动园区道路改造，年底前全部完工。（市城管局负责）\n"
    )
    result = _extract(text, signed_on=date(2020, 3, 1))
    assert [(o.text, o.deadline.date) for o in result.obligations] == [
        ("升级12345热线受理系统，年内完成系统切换", date(2020, 12, 31)),
        ("6月底前启动园区道路改造", date(2020, 6, 30)),
        ("年底前全部完工", date(2020, 12, 31)),
    ]


def test_bare_imperatives_of_numbered_plan_items_are_tasks_without_a_note() -> None:
    text = (
        "专项整治工作方案\n一、总体目标\n全面提升全市物业服务水平。\n二、工作任务\n"
        "1.摸底排查。全面排查各小区物业企业、业主委员会履职情况。\n"
        "2.现状分析。全市现有住宅小区三百余个。\n"
        "3.清理欠费。集中清理截至2019年6月底，各区、各街道拖欠物业企业的费用。\n"
        "（三）规范收费。进一步规范物业收费行为，严防违规收费。\n"
    )
    result = _extract(text)
    assert [(o.text, o.obligor.role, o.obligor.name) for o in result.obligations] == [
        ("全面排查各小区物业企业、业主委员会履职情况", "government", None),
        ("集中清理截至2019年6月底，各区、各街道拖欠物业企业的费用", "government", None),
        ("进一步规范物业收费行为，严防违规收费", "government", None),
    ]


def test_labelled_task_paragraphs_and_titles_naming_a_commitment_scheme() -> None:
    text = (
        "优化营商环境实施方案\n一、主要任务\n（一）打造便利的准入环境\n"
        "目标任务：2021年6月底前，依托电子证照库，压缩企业开办时间至2个工作日。\n"
        "（二）推行证明事项告知承诺制。梳理可告知承诺的证明事项清单。（市司法局负责）\n"
    )
    result = _extract(text, signed_on=date(2021, 1, 1))
    assert [(o.text, o.deadline.date) for o in result.obligations] == [
        ("2021年6月底前，依托电子证照库，压缩企业开办时间至2个工作日", date(2021, 6, 30)),
        ("梳理可告知承诺的证明事项清单", None),
    ]


def test_task_table_rows_take_their_cooperating_units_and_time_limit() -> None:
    text = (
        "重点工作任务分解表\n| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n"
        "| 1 | 编制园区产业发展规划 | 县发改局 | 县自然资源局 | 2021年9月底前 |\n"
    )
    (task,) = _extract(text, signed_on=date(2021, 1, 1)).obligations
    assert (task.text, task.responsible, task.deadline.date) == (
        "编制园区产业发展规划",
        ("县发改局", "县自然资源局"),
        date(2021, 9, 30),
    )


def test_task_table_written_one_cell_a_line() -> None:
    text = (
        "重点工作任务分解表\n序号\n重点任务\n牵头单位\n完成时限\n"
        "1\n编制园区产业发展规划\n县发改局\n2021年9月底前\n"
        "2\n建成农产品冷链物流中心\n县商务局、县供销社\n2021年12月底前\n"
    )
    result = _extract(text, signed_on=date(2021, 1, 1))
    assert [(o.text, o.obligor.name, o.responsible, o.deadline.date) for o in result.obligations] == [
        ("编制园区产业发展规划", "县发改局", ("县发改局",), date(2021, 9, 30)),
        ("建成农产品冷链物流中心", "县商务局", ("县商务局", "县供销社"), date(2021, 12, 31)),
    ]


def test_a_note_after_sibling_items_closes_them_all() -> None:
    text = (
        "工作方案\n一、主要任务\n（一）完善路网。加快推进乡村道路硬化。\n"
        "（二）改善环境。推进农村垃圾集中收运。\n牵头单位：县住建局；配合单位：各乡镇\n"
        "二、保障措施\n（一）强化督查。建立月通报制度。（县督查室负责）\n"
    )
    result = _extract(text)
    assert [(o.text, o.obligor.name) for o in result.obligations] == [
        ("加快推进乡村道路硬化", "县住建局"),
        ("推进农村垃圾集中收运", "县住建局"),
        ("建立月通报制度", "县督查室"),
    ]


def test_the_time_a_note_states_is_the_task_deadline() -> None:
    text = (
        "工作方案\n一、主要任务\n（一）建设平台。推进政务数据共享平台建设，年内完成平台建设。\n"
        "责任单位：市大数据局\n时间安排：2021年9月底\n"
    )
    (task,) = _extract(text, signed_on=date(2021, 1, 1)).obligations
    assert (task.deadline.date, task.deadline.text) == (date(2021, 9, 30), "2021年9月底")


@pytest.mark.parametrize(
    "task",
    ["加快村级综合服务站建设", "成立乡村振兴工作专班", "安排专项资金支持冷链建设", "启动老旧小区改造二期工程"],
)
def test_a_numbered_plan_item_opening_with_a_verb_of_work_is_a_task(task: str) -> None:
    text = f"工作方案\n一、主要任务\n3.强化保障。{task}。\n"
    assert _texts(_extract(text)) == [task]


def test_regulation_lists_lead_takes_first_item_and_verb_items_are_duties() -> None:
    text = (
        "某某条例\n第一条 为了规范管理，制定本条例。\n第二条 本条例自2025年6月1日起施行。\n"
        "第十条 县级以上人民政府发展改革部门应当履行下列职责：\n（一）组织编制发展规划；\n"
        "（二）监督检查政策落实情况；\n（三）本级人民政府规定的其他职责。\n"
        "第三十一条 机关违反本条例，有下列情形之一的，由其上级机关责令改正：\n"
        "（一）未在规定的期限内支付款项；\n（二）拖延检验、验收。\n"
    )
    texts = _texts(_extract(text, DocumentKind.POLICY_COMMITMENT))
    assert texts == [
        "县级以上人民政府发展改革部门应当履行下列职责：\n（一）组织编制发展规划",
        "监督检查政策落实情况",
        "机关违反本条例，有下列情形之一的，由其上级机关责令改正：\n（一）未在规定的期限内支付款项",
    ]


def test_duty_heading_in_an_article_sets_the_obligor() -> None:
    text = (
        "项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n第三条 乙方的义务\n"
        "1.按时缴纳土地出让金。\n2.在开发区注册成立项目公司。\n第四条 乙方的权利\n1.享受开发区优惠政策。\n"
    )
    result = _extract(text)
    assert [(o.text, o.obligor.label) for o in result.obligations] == [
        ("按时缴纳土地出让金", "乙方"),
        ("在开发区注册成立项目公司", "乙方"),
    ]


def test_a_note_closing_a_block_covers_the_tasks_above_it() -> None:
    text = (
        "工作方案\n一、主要任务\n（一）优化服务。\n1.建立企业服务专员制度。\n2.开展政策宣讲活动。（市工信局负责）\n"
        "（二）加强保障。\n3.建立联席会议制度。（市发改委牵头，市财政局配合）\n"
    )
    result = _extract(text)
    assert [(o.text, o.obligor.name) for o in result.obligations] == [
        ("建立企业服务专员制度", "市工信局"),
        ("开展政策宣讲活动", "市工信局"),
        ("建立联席会议制度", "市发改委"),
    ]
    assert result.obligations[2].responsible == ("市发改委", "市财政局")


def test_english_enumeration_under_an_obligation_lead() -> None:
    text = (
        "CONCESSION AGREEMENT\n\n"
        "5.1 The Concessionaire shall, within 30 days from the date of this Agreement:\n"
        "(a) furnish the Performance Security;\n(b) not erect any structure on the Site;\n"
        "(c) Procure insurance.\n"
        "5.2 This Agreement shall come into force on the Appointed Date.\n"
    )
    obligations = _extract(text, signed_on=date(2020, 1, 1)).obligations
    assert [o.text.split()[0] for o in obligations] == ["The", "not", "Procure"]
    assert obligations[0].text.endswith("furnish the Performance Security")
    assert {o.deadline.date for o in obligations} == {date(2020, 1, 31)}
    assert {o.obligor.role for o in obligations} == {"counterparty"}


def test_action_and_penalty() -> None:
    text = (
        "项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n"
        "乙方应于2020年6月30日前开工建设，逾期每日按1万元向甲方支付违约金。\n"
    )
    (ob,) = _extract(text).obligations
    assert ob.action == "于2020年6月30日前开工建设"
    assert ob.penalty == "逾期每日按1万元向甲方支付违约金"
    assert ob.amount is None  # a daily rate, not a sum


def test_two_dates_in_one_sentence_are_two_items() -> None:
    text = (
        "项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n三、乙方的义务\n"
        "1.项目开工时间为2011年10月，至2013年3月土建完工。\n"
    )
    result = _extract(text)
    assert [(o.text, o.deadline.date) for o in result.obligations] == [
        ("项目开工时间为2011年10月", date(2011, 10, 31)),
        ("至2013年3月土建完工", date(2013, 3, 31)),
    ]


def test_short_title_of_a_numbered_task_is_not_an_item() -> None:
    text = "工作方案\n一、保障措施\n1.加强组织领导。各地要建立工作专班，统筹推进各项工作。（市发改委负责）\n"
    assert _texts(_extract(text)) == ["各地要建立工作专班，统筹推进各项工作"]


def test_task_division_table_rows() -> None:
    text = (
        "重点任务分工表\n序号\t重点任务\t牵头单位\t完成时限\n"
        "1\t建立企业服务专员制度，实现重点企业全覆盖\t市工信局、市商务局\t2021年6月底前\n"
        "2\t开展政策宣讲活动  市发改委  2021年底前\n"
    )
    result = _extract(text, signed_on=None)
    assert [(o.text, o.obligor.name, o.deadline.date) for o in result.obligations] == [
        ("建立企业服务专员制度，实现重点企业全覆盖", "市工信局", date(2021, 6, 30)),
        ("开展政策宣讲活动", "市发改委", date(2021, 12, 31)),
    ]
    assert result.obligations[0].responsible == ("市工信局", "市商务局")


def test_numbered_items_of_a_contract_duty_article() -> None:
    text = (
        "项目投资协议\n甲方：某某科技有限公司\n乙方：某某开发区管理委员会\n第五条 乙方的权利和义务\n"
        "（一）乙方负责提供项目用地。\n（二）协助甲方办理项目备案手续。\n（三）乙方有权监督项目建设。\n"
        "第六条 甲方的义务\n（一）按时缴纳土地出让金。\n"
    )
    result = _extract(text)
    assert [(o.text, o.obligor.label, o.obligor.role) for o in result.obligations] == [
        ("乙方负责提供项目用地", "乙方", "government"),
        ("协助甲方办理项目备案手续", "乙方", "government"),
        ("按时缴纳土地出让金", "甲方", "counterparty"),
    ]


def test_article_headings_end_a_duty_section() -> None:
    text = (
        "项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n第三条 乙方的义务\n"
        "1.项目达产后，乙方年纳税额不低于3000万元。\n第四条 争议解决\n"
        "因本合同引起的争议，双方应协商解决；协商不成的，提交甲方所在地人民法院诉讼解决。\n第五条 其他\n"
        "本合同一式陆份，自双方签字盖章之日起生效。\n"
    )
    result = _extract(text)
    assert [(o.text, o.obligor.label) for o in result.obligations] == [
        ("项目达产后，乙方年纳税额不低于3000万元", "乙方"),
    ]


def _rule_roles(text: str) -> dict[str, str]:
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2021, 6, 1), learned=False))
    return {o.obligor.name or "": o.obligor.role for o in result.obligations}


def test_units_of_no_stated_side_take_the_side_of_the_regulations_addressees() -> None:
    # written for this test (issue 9, item 12): a regulation addressed to the administration
    administration = (
        "某市行政审批服务条例\n第一条 为了规范审批服务，制定本条例。\n"
        "第二条 市人民政府应当统筹全市审批服务工作。\n第三条 区人民政府应当设立审批服务窗口。\n"
        "第四条 市审批服务管理局应当公布办事指南。\n第五条 窗口承办单位应当在三个工作日内答复申请人。\n"
    )
    assert _rule_roles(administration)["窗口承办单位"] == "government"
    # … and one whose duty-bearers are on every side: the same unit stays of no side
    market = (
        "某市拍卖活动条例\n第一条 为了规范拍卖活动，制定本条例。\n"
        "第二条 竞买企业应当如实申报资格。\n第三条 市商务局应当公布拍卖规则。\n"
        "第四条 拍卖代理机构不得泄露竞买人信息。\n第五条 窗口承办单位应当在三个工作日内答复申请人。\n"
    )
    assert _rule_roles(market)["窗口承办单位"] == "other"


def test_a_bare_prohibition_binds_whoever_acts_even_in_a_regulation_for_the_administration() -> None:
    # written for this test: 禁止… names nobody and binds every actor; a subject-less 应当 clause stays the state's
    text = (
        "某市营商环境条例\n第一条 为了优化营商环境，制定本条例。\n"
        "第二条 市人民政府应当统筹营商环境工作。\n第三条 区人民政府应当设立企业服务窗口。\n"
        "第四条 市商务局应当公布办事指南。\n第五条 禁止向市场主体摊派费用。\n"
        "第六条 应当每年评估营商环境。\n"
    )
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2021, 6, 1), learned=False))
    roles = {o.text: o.obligor.role for o in result.obligations}
    assert roles["禁止向市场主体摊派费用"] == "other"
    assert roles["应当每年评估营商环境"] == "government"


def test_the_public_a_regulation_serves_is_counterparty_and_no_addressee() -> None:
    # written for this test: callers of a hotline are the public (counterparty), and their duties do not make
    # a regulation addressed to the administration one addressed to every side
    text = (
        "某市便民热线条例\n第一条 为了规范便民热线，制定本条例。\n"
        "第二条 市人民政府应当统筹便民热线工作。\n第三条 市热线工作机构应当受理来电。\n"
        "第四条 区人民政府应当设立热线分中心。\n第五条 来电人应当如实反映问题。\n"
        "第六条 举报人应当提供必要线索。\n第七条 窗口承办单位应当在三个工作日内答复来电人。\n"
    )
    roles = _rule_roles(text)
    assert roles["来电人"] == "counterparty"
    assert roles["举报人"] == "counterparty"
    assert roles["窗口承办单位"] == "government"


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("本协议经双方法定代表人签字并加盖公章后方能生效。", "validity"),
        ("本细则由市发展改革委负责解释。", "interpretation"),
        ("（注：本条按项目的实际情况填写。）", "form_note"),
        ("第三条所列设备，须根据实际情况选择√。", "form_instruction"),
        ("为明确双方在项目建设中的权利义务，经平等协商，特订立本协议。", "purpose"),
        ("协议履行期间，任何一方不得擅自变更或者解除合同。", "amendment"),
        ("项目公司的董事会应由七名董事组成。", "content"),
        ("乙方逾期未提出书面异议的，视为同意验收结果。", "deeming"),
        ("甲方收到乙方提交的全部材料并签收，即为乙方应当履行的报送义务完成。", "deeming"),
        ("附件与正文不一致的，以正文为准。", "precedence"),
        ("今年全区营商环境工作要坚持以新发展理念为指导。", "guiding"),
        ("│序号│设备名称│应交数量│", "drawn_table"),
        ("（注：出资比例可由双方协商确定，须报主管部门备案。）", "template_note"),
        ("本协议及其附件须经市商务局批准。", "formality"),
        ("本合同应由双方法定代表人签字。", "formality"),
        ("本协议于2021年3月8日在某市签署。", "signing"),
        ("滞纳金的计算方法为：＿＿＿＿", "form_field"),
        ("以划拨方式取得用地的，应当填划拨决定书的文号。", "form_instruction"),
        ("甲、乙方根据《中华人民共和国公司法》的规定，同意在某市共同投资设立某某科技有限公司。", "founding"),
        ("遭受洪水的一方，其证明材料须由当地公证机关出具。", "evidence"),
        ("上述证明书应当由项目所在地的商会证明。", "evidence"),
    ],
)
def test_clauses_with_a_modal_that_impose_no_duty(sentence: str, kind: str) -> None:
    from extractors.rules import non_duty

    assert non_duty(sentence.rstrip("。")) == kind
    result = _extract("项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n" + sentence, IP)
    assert _texts(result) == []


def test_a_sanction_after_the_duty_does_not_make_it_a_deeming_clause() -> None:
    sentence = "乙方应于取得施工许可后三个月内开工，否则视为放弃用地。"
    result = _extract("项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n" + sentence, IP)
    assert len(result.obligations) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方逾期付款的，甲方可要求乙方支付违约金。",
        "甲方应有权对项目建设进度进行检查。",
        "甲方保留对该地块规划调整的权利。",
    ],
)
def test_rights_written_with_a_modal_or_can_are_not_duties(sentence: str) -> None:
    result = _extract("项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n" + sentence, IP)
    assert _texts(result) == []


def test_a_right_does_not_veto_the_duty_after_it() -> None:
    sentence = "乙方有权使用园区的公共设施，设施的日常维护费用由乙方承担。"
    result = _extract("项目投资协议\n甲方：某某区管理委员会\n乙方：某某科技有限公司\n" + sentence, IP)
    assert _texts(result) == ["设施的日常维护费用由乙方承担"]


@pytest.mark.parametrize("sentence", ["国务院对审批时限另有规定的，依照其规定。"])
def test_referrals_to_other_rules_are_not_duties(sentence: str) -> None:
    text = "某某办法\n第一条 为了规范管理，制定本办法。\n第二条 " + sentence + "\n第三条 市商务局应当公开审批结果。\n"
    assert _texts(_extract(text)) == ["市商务局应当公开审批结果"]


def test_a_regulations_own_jurisdiction_is_a_government_obligor() -> None:
    text = (
        "某某省促进条例\n第一条 为了规范管理，制定本条例。\n第二条 本条例自2025年6月1日起施行。\n"
        "第三条 本省应当建立民营企业诉求快速响应机制。\n"
    )
    result = _extract(text, DocumentKind.POLICY_COMMITMENT)
    assert [(o.obligor.name, o.obligor.role) for o in result.obligations] == [("本省", "government")]


_REGULATION_HEAD = "某某市促进条例\n第一条 为了规范管理，制定本条例。\n第二条 本条例自2025年6月1日起施行。\n"


@pytest.mark.parametrize(
    ("article", "obligor"),
    [
        # a government subject and a verb phrase, no modal: the regulation assigns the task (sentences written
        # for this test in the general form of the class)
        ("第三条 本市建立农产品质量追溯体系，定期发布追溯结果。", "本市"),
        ("第三条 区人民政府统筹本辖区养老服务设施的布局和建设。", "区人民政府"),
        ("第三条 县级以上人民政府水行政主管部门依法查处河道内的违法采砂行为。", "县级以上人民政府水行政主管部门"),
        ("第三条 市交通运输部门依托城市交通平台归集公交运营数据。", "市交通运输部门"),
    ],
)
def test_a_government_act_without_a_modal_is_a_duty(article: str, obligor: str) -> None:
    result = _extract(_REGULATION_HEAD + article, DocumentKind.POLICY_COMMITMENT)
    assert [(o.obligor.name, o.obligor.role) for o in result.obligations] == [(obligor, "government")]


@pytest.mark.parametrize(
    "article",
    [
        "第三条 本市鼓励社会资本参与老旧小区改造。",  # encouragement
        "第三条 市人民政府是本条例的实施主体。",  # copula
        "第三条 政府采购项目的验收结果按照国家有关规定公开。",  # 政府 only modifies 采购项目
        "第三条 国家机关违反本条例规定，不履行职责。",  # the condition of a sanction
        "第三条 统一适用政府采购的有关规定。",  # a verb phrase is no subject
    ],
)
def test_a_government_word_without_a_task_is_not_a_duty(article: str) -> None:
    assert _texts(_extract(_REGULATION_HEAD + article, DocumentKind.POLICY_COMMITMENT)) == []


def test_a_topic_noun_phrase_is_no_duty_of_its_own() -> None:
    article = "第三条 两个以上部门共同编制的规划，由牵头编制的部门负责报批。"
    texts = _texts(_extract(_REGULATION_HEAD + article, DocumentKind.POLICY_COMMITMENT))
    assert texts == ["由牵头编制的部门负责报批"]


@pytest.mark.parametrize(
    "lead",
    ["第三条 区应急管理机构主要职责：", "第三条 区应急管理机构的具体职能是：", "第三条 区应急管理机构履行下列职责："],
)
def test_a_list_of_a_bodys_duties_without_a_modal(lead: str) -> None:
    article = (
        f"{lead}\n（一）统筹编制本区应急预案；\n（二）协调、督促街道办事处开展应急演练；\n"
        "（三）本级人民政府规定的其他职能。\n"
    )
    result = _extract(_REGULATION_HEAD + article, DocumentKind.POLICY_COMMITMENT)
    assert [o.text.split("\n")[-1] for o in result.obligations] == [
        "（一）统筹编制本区应急预案",
        "协调、督促街道办事处开展应急演练",
    ]  # the noun-phrase item (其他职能) is no duty
    assert {(o.obligor.name, o.obligor.role) for o in result.obligations} == {("区应急管理机构", "government")}


def test_a_subjectless_sentence_after_a_government_act_continues_it() -> None:
    article = "第三条 本市建立农村电商服务体系。培育农村电商带头人，优化县乡村三级物流配送网络。"
    result = _extract(_REGULATION_HEAD + article, DocumentKind.POLICY_COMMITMENT)
    assert [(o.text, o.obligor.role) for o in result.obligations] == [
        ("本市建立农村电商服务体系", "government"),
        ("培育农村电商带头人，优化县乡村三级物流配送网络", "government"),
    ]


@pytest.mark.parametrize("markers", [("①", "②"), ("Ａ．", "Ｂ．"), ("— ", "— "), ("（ⅰ）", "（ⅱ）")])
def test_items_under_a_duty_lead_with_other_list_markers(markers: tuple[str, str]) -> None:
    text = (
        "厂房租赁合同\n甲方：某某产业园管理委员会\n乙方：某某机械有限公司\n"
        f"第四条 乙方应当履行下列义务：\n{markers[0]}按月支付租金；\n{markers[1]}按期办理消防验收。\n"
    )
    texts = _texts(_extract(text))
    assert texts[1:] == ["按期办理消防验收"]


def test_an_english_contract_with_business_day_offsets_is_read() -> None:
    """Business Days used to raise KeyError inside the deadline reader, failing the whole document."""
    text = (
        "CONCESSION AGREEMENT\n"
        "The Authority shall pay each invoice within five (5) Business Days after the date of its receipt.\n"
        "The Concessionaire shall submit the design within 30 days upon signing of this Agreement.\n"
    )
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2021, 6, 1), learned=False))
    deadlines = [(o.deadline.offset, o.deadline.anchor, o.deadline.date) for o in result.obligations]
    assert deadlines == [
        (Offset(5, "workday"), "other", None),
        (Offset(30, "day"), "signing", date(2021, 7, 1)),
    ]


_CONTRACT_HEAD = "厂房建设合作协议\n甲方：某某区管理委员会\n乙方：某某机械有限公司\n"


@pytest.mark.parametrize(
    ("sentence", "obligor"),
    [
        # 由X + any verb: the contract says X acts (sentences written for this test)
        ("厂区围墙由甲方统一修建。", "甲方"),
        ("股东会每年召开一次，由董事长召集。", "董事长"),
        ("超出预算的部分由乙方与监理单位另行核算。", "乙方与监理单位"),
    ],
)
def test_a_contract_clause_naming_who_acts_with_by_is_a_duty(sentence: str, obligor: str) -> None:
    result = _extract(_CONTRACT_HEAD + sentence, IP)
    assert [o.text for o in result.obligations] == [sentence.rstrip("。")]
    assert (result.obligations[0].obligor.name or "").startswith(obligor)


@pytest.mark.parametrize(
    "sentence",
    [
        "董事长由甲方委派。",  # an appointment gives a power
        "厂房的装修方案由董事会另行决定。",  # so does a decision
        "由甲方提供的图纸不准确。",  # a relative clause
        "董事会由五名董事组成。",  # composition
        "项目用地可由乙方自行平整。",  # a permission
        "本协议于2020年5月1日由双方在某市签署。",  # the signing statement
    ],
)
def test_by_x_without_a_duty(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == []


def test_a_permission_in_an_aside_vetoes_no_duty() -> None:
    sentence = "厂区道路由乙方统一铺设（可由乙方委托的施工单位代建的除外）。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


@pytest.mark.parametrize(
    "sentence",
    [
        # the condition or purpose a clause opens with stays with it, even before a new subject
        "如乙方未按期交付设备，或交付的设备不合格，乙方应赔偿甲方的损失。",
        "如双方同意延长租期，乙方应提前三十日提出书面申请。",
        "为确保工程按期完工，甲方应按月拨付工程款。",
    ],
)
def test_a_leading_condition_stays_with_its_clause(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_a_bracketed_template_note_is_no_duty() -> None:
    sentence = "（注：付款方式可由双方另行约定，但须经主管部门同意。）"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == []


def test_a_template_note_that_binds_a_party_is_read_as_clauses() -> None:
    note_line = "（注：乙方以专利技术作价出资时，甲、乙双方须另行签订评估协议，作为本协议附件。）"
    text = _CONTRACT_HEAD + "第五条 乙方以现金出资。\n" + note_line + "\n"
    result = _extract(text, IP)
    assert "乙方以专利技术作价出资时，甲、乙双方须另行签订评估协议，作为本协议附件" in _texts(result)
    note = next(o for o in result.obligations if "评估协议" in o.text)
    assert note.obligor is not None
    assert note.obligor.role == "other"


def test_a_note_naming_the_parties_without_binding_them_stays_no_duty() -> None:
    sentence = "（注：违约金比例由双方商定，对甲方应写明上限。）"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == []


def test_a_party_does_not_pay_itself() -> None:
    text = (
        _CONTRACT_HEAD
        + "第九条 乙方未按期清运渣土的，由甲方报请有关部门责令乙方限期清运，"
        + "如逾期仍不清运的，每逾期一日，应向甲方支付违约金＿＿元。\n"
    )
    (finding,) = _extract(text, IP).obligations
    assert finding.obligor is not None
    assert finding.obligor.label == "乙方"


def test_the_payer_named_before_its_modal_stays_the_obligor() -> None:
    text = _CONTRACT_HEAD + "第九条 甲方验收合格后，乙方应向甲方支付保证金＿＿元。\n"
    (finding,) = _extract(text, IP).obligations
    assert finding.obligor is not None
    assert finding.obligor.label == "乙方"


def test_each_party_share_of_a_capital_breakdown_is_its_own_duty() -> None:
    text = (
        _CONTRACT_HEAD + "第六条 项目公司注册资本为＿＿万元。其中：甲方＿＿万元，占＿＿％；乙方＿＿万元，占＿＿％。\n"
    )
    shares = [o for o in _extract(text, IP).obligations if "占" in o.text]
    assert [o.obligor.label if o.obligor else None for o in shares] == ["甲方", "乙方"]
    assert "乙方＿＿万元，占＿＿％" in _texts(_extract(text, IP))


def test_a_form_field_listing_the_shares_is_no_duty() -> None:
    text = _CONTRACT_HEAD + "第六条 各方认缴额及比例：甲方＿＿万元，占＿＿％；乙方＿＿万元，占＿＿％。\n"
    assert [t for t in _texts(_extract(text, IP)) if "占" in t] == []


def test_a_permissive_aside_neither_vetoes_nor_makes_a_duty() -> None:
    assert _texts(_extract(_CONTRACT_HEAD + "乙方职工的社保关系保持不变（如需转移，可由甲方协助办理）。", IP)) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "本合同自生效之日起十日内，由甲方向登记机关申请备案。",  # 自生效之日起 opens a period, not validity
        "乙方自行拆迁的，甲方应付给乙方拆迁补助费。",  # 应付给: a duty to pay, unlike 应付款
        "乙方按其出资比例承担合作企业的债务清偿义务。",
    ],
)
def test_duties_that_looked_like_validity_or_payables(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方对厂房拥有完全的经营管理权，可自行安排生产。",  # a right
        "甲方系代表区政府签订本协议并承担约定的权利和义务。",  # a recital of status
    ],
)
def test_rights_and_status_are_not_duties(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == []


def test_a_signature_block_is_no_task_table() -> None:
    block = (
        "甲方　　　　　　　　　　　　乙方\n单位：（公章）　　　　　　　单位：（公章）\n"
        "开户银行及帐号：　　　　　　开户银行及帐号：\n"
    )
    assert _texts(_extract(_CONTRACT_HEAD + "乙方应按期缴纳租金。\n" + block, IP)) == ["乙方应按期缴纳租金"]


def test_a_part_split_off_by_its_deadline_is_still_checked_for_validity() -> None:
    sentence = "本协议须报市政府备案，并自备案之日起生效。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == ["本协议须报市政府备案"]


def test_an_exemption_and_a_permission_do_not_swallow_the_duty_after_them() -> None:
    sentence = "因第三方原因造成的停电，甲方无须承担责任，但可协助抢修，抢修费用由乙方承担。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == ["抢修费用由乙方承担"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # another body named by 由 starts a clause of its own
        (
            "乙方按月缴纳场地使用费，超出部分由甲方另行核算。",
            ["乙方按月缴纳场地使用费", "超出部分由甲方另行核算"],
        ),
        # … but not when it is the object of a consent or the other branch of a permission
        ("双方同意，由项目公司承接本项目的运营。", ["双方同意，由项目公司承接本项目的运营"]),
        ("设备可由乙方自行采购，或由甲方统一采购。", []),
    ],
)
def test_a_clause_of_another_body_named_by_by(sentence: str, expected: list[str]) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == expected


def test_by_x_names_a_body_of_the_actor_and_a_court_judges() -> None:
    from extractors.rules import by_agent

    assert by_agent("由项目公司董事会另行决定") is None  # the board decides: a power
    assert by_agent("由项目公司董事会组织验收") == "项目公司董事会"
    assert by_agent("由人民法院依法判决") is None


@pytest.mark.parametrize("sentence", ["年利润不足部分，按保底租金5000元缴纳。", "首期按＿＿万元支付。"])
def test_a_contract_payment_of_a_stated_sum_is_a_duty(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


@pytest.mark.parametrize(
    "sentence",
    [
        # a contract states what its party does without a modal (sentences written for this test)
        "合资公司按照国家有关规定缴纳各项社会保险费。",
        "副总经理协助总经理处理日常事务。",
        "乙方依照本协议的约定向甲方报送项目建设进度。",
    ],
)
def test_a_contract_party_act_without_a_modal_is_a_duty(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


@pytest.mark.parametrize(
    "sentence",
    [
        "合资公司的组织形式为有限责任公司。",  # a description
        "甲方对乙方内部的股权纠纷，一律不负责任。",  # an exemption
        "市税务部门按照国家规定征收相关税费。",  # a public body the contract only mentions
    ],
)
def test_a_contract_description_or_exemption_is_no_party_act(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == []


def test_a_contracts_recitals_are_facts_until_its_terms_begin() -> None:
    text = (
        _CONTRACT_HEAD
        + "鉴于：\n一、甲方已取得市人民政府同意建设本项目的批复；\n二、区财政局同意将补贴资金列入年度预算；\n"
        + "三、乙方为依法设立的有限责任公司，主要从事装备制造。\n双方经协商，达成如下协议：\n"
        + "第一条 甲方同意将项目用地出让给乙方。\n"
    )
    assert _texts(_extract(text, IP)) == ["甲方同意将项目用地出让给乙方"]


def test_a_duty_with_a_strong_modal_is_read_even_among_recitals() -> None:
    text = _CONTRACT_HEAD + "鉴于：\n一、乙方应于本协议签订后十日内缴纳保证金。\n"
    assert _texts(_extract(text, IP)) == ["乙方应于本协议签订后十日内缴纳保证金"]


def test_the_items_of_a_list_of_principles_are_not_duties_of_their_own() -> None:
    text = _CONTRACT_HEAD + "第三条 双方应当遵循以下原则：\n（1）依法合规；\n（2）符合城市总体规划。\n"
    assert _texts(_extract(text, IP)) == ["双方应当遵循以下原则：\n（1）依法合规"]


def test_necessary_is_not_must() -> None:
    assert _texts(_extract(_CONTRACT_HEAD + "项目包括焚烧所必须的预处理设施。", IP)) == []


@pytest.mark.parametrize(
    "sentence",
    ["甲方将其污水处理厂的特许经营权授予乙方。", "甲方特许乙方在特许期内独家经营本项目供水业务。"],
)
def test_a_grant_of_a_concession_is_a_commitment(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, DocumentKind.PPP)) == [sentence.rstrip("。")]


def test_its_own_is_no_grant_without_a_transfer() -> None:
    from extractors.rules import STRONG_MODAL

    assert STRONG_MODAL.search("乙方将其营业执照复印件存档备查") is None


def test_each_instalment_of_a_payment_schedule_is_an_item() -> None:
    sentence = "工程交付验收后，甲方支付首期40%的建设款，6个月后支付第二期30%，12个月后支付其余30%。"
    result = _extract(_CONTRACT_HEAD + sentence, DocumentKind.PPP)
    assert [(o.text, o.obligor.label) for o in result.obligations] == [
        ("工程交付验收后，甲方支付首期40%的建设款", "甲方"),
        ("6个月后支付第二期30%", "甲方"),
        ("12个月后支付其余30%", "甲方"),
    ]


def test_a_time_phrase_without_a_payment_does_not_split() -> None:
    sentence = "乙方应在开工前完成场地平整，3个月后按图纸要求进场施工。"
    assert len(_extract(_CONTRACT_HEAD + sentence, DocumentKind.PPP).obligations) == 1


@pytest.mark.parametrize(
    "text",
    [
        "第九条　出租方关于消防设施正常使用的承诺\n",  # a title naming a duty as a noun
        "１．甲方权利和义务；\n",  # an entry of a list of contents
        "合资公司的注册资本为人民币＿＿＿＿元。\n",  # a sum described, not paid
    ],
)
def test_titles_and_described_sums_are_not_duties(text: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + text, IP)) == []


def test_a_partys_contribution_of_a_sum_is_a_duty() -> None:
    sentence = "甲、乙方的出资额共为人民币＿＿＿＿元，作为合资公司的注册资本。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_not_permitted_is_a_prohibition() -> None:
    sentence = "承包的林地不得出租，不准改作建设用地。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == ["承包的林地不得出租", "不准改作建设用地"]


def test_a_topic_before_a_by_clause_is_its_own() -> None:
    sentence = "设备安装完成后，在质保期内的零星维修，由乙方负责。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


@pytest.mark.parametrize(
    "sentence", ["租赁合同签订后，报区商务局备案。", "年度财务报告经董事会审议后，报审批机关核准。"]
)
def test_a_filing_with_an_authority_is_a_duty_without_a_subject(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_a_report_is_no_filing() -> None:
    from extractors.rules import REPORT_TO_AUTHORITY

    assert REPORT_TO_AUTHORITY.match("报告董事会审批情况") is None


def test_the_items_under_a_responsibilities_and_duties_heading_are_the_partys() -> None:
    text = _CONTRACT_HEAD + "三、甲方责任和义务：\n1、为乙方办理施工许可提供必要帮助。\n"
    result = _extract(text, IP)
    assert [(o.text, o.obligor.label) for o in result.obligations] == [("为乙方办理施工许可提供必要帮助", "甲方")]


def test_a_label_before_a_party_act_is_not_its_subject() -> None:
    text = _CONTRACT_HEAD + "一、项目用地：甲方提供约20亩的工业用地。\n"
    assert _texts(_extract(text, IP)) == ["项目用地：甲方提供约20亩的工业用地"]


def test_noun_items_under_a_contract_duty_lead_are_not_duties() -> None:
    text = _CONTRACT_HEAD + "第八条 乙方对下列设施承担保修责任：\n1．屋面防水　　保修　　年；\n2．外墙　保修　年。\n"
    assert _texts(_extract(text, IP)) == ["乙方对下列设施承担保修责任：\n1．屋面防水　　保修　　年"]


def test_verb_items_under_a_contract_duty_lead_still_are() -> None:
    text = _CONTRACT_HEAD + "第八条 乙方应当履行下列义务：\n１．按月支付租金；\n２．办理消防验收。\n"
    assert _texts(_extract(text, IP))[1:] == ["办理消防验收"]


def test_being_answerable_to_someone_completes_the_duty_before_it() -> None:
    sentence = "各部门经理负责本部门的日常工作，并对总经理负责。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_what_a_party_bears_as_a_noun_phrase_is_no_modal() -> None:
    from extractors.rules import STRONG_MODAL

    assert STRONG_MODAL.search("乙方对集体承担的义务相应减少") is None
    assert STRONG_MODAL.search("乙方承担相应的保密义务") is not None


def test_a_non_duty_clause_is_recognised_before_its_full_stop() -> None:
    from extractors.rules import non_duty

    assert non_duty("由协议双方按照法定程序于2020年5月1日在某市签署本协议。") == "signing"


def test_a_precedence_in_an_aside_does_not_make_its_clause_one() -> None:
    sentence = "乙方应在收到用地红线图（以书面通知为准）后30日内提交规划方案。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_a_condition_ending_in_an_aside_stays_with_its_clause() -> None:
    sentence = "厂房闲置超过一年的（指未投入生产使用），乙方须按每年每亩500元的标准支付闲置费。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_the_parts_of_a_breakdown_stay_with_the_sum_they_break_down() -> None:
    text = (
        _CONTRACT_HEAD
        + "乙方投资＿＿万元，其中：货币＿＿万元；设备＿＿万元；专利技术＿＿万元。\n乙方应按期缴纳出资。\n"
    )
    assert _texts(_extract(text, IP)) == [
        "乙方投资＿＿万元，其中：货币＿＿万元；设备＿＿万元；专利技术＿＿万元",
        "乙方应按期缴纳出资",
    ]


def test_a_very_short_complement_stays_with_its_clause() -> None:
    sentence = "乙方应于每月5日前报送统计报表，并承担责任。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_an_exception_opens_the_clause_and_its_modal_is_not_the_clauses() -> None:
    late = "乙方逾期交付的，除应继续交付外，还应按日支付违约金。"
    assert _texts(_extract(_CONTRACT_HEAD + late, IP)) == [late.rstrip("。")]
    right = "乙方擅自转租的，除应赔偿损失外，甲方有权解除合同。"
    assert _texts(_extract(_CONTRACT_HEAD + right, IP)) == []


# --------------------------------------------------------------------------------------------- English
# sentences written for these tests: an investment agreement of a county, a concession, a bilingual contract
_EN_HEAD = (
    "INVESTMENT AGREEMENT\n\n"
    'This Agreement is made between the People\'s Government of Lishui County (hereinafter the "Government") '
    'and Greenfield Solar Energy Co., Ltd. (hereinafter the "Sponsor").\n\n'
)


def _en(body: str) -> ExtractionResult:
    return extract((_EN_HEAD + body).encode("utf-8"), ExtractOptions(signed_on=date(2020, 5, 1), learned=False))


def test_english_paragraphs_of_a_chinese_contract_are_read_as_english() -> None:
    text = (
        "投资协议书\n甲方：石门县人民政府\n乙方：远景风电科技有限公司\n"
        "第一条 甲方应在本协议签订之日起60日内完成项目用地征收。\n"
        "Article 1 Party A shall complete the acquisition of the Project Land within 60 days from the date of "
        "this Agreement.\n"
        "第二条 乙方有权享受县级招商引资优惠政策。\n"
        "Article 2 Party B shall be entitled to the investment incentives of the County.\n"
        "Article 3 Party B undertakes to register its operating company in the County.\n"
    )
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2020, 5, 1), learned=False))
    assert result.document.language == "zh"
    english = [o for o in result.obligations if o.text.startswith("Party")]
    assert [o.text.split()[:2] for o in english] == [["Party", "A"], ["Party", "B"]]
    assert [o.obligor.role for o in english] == ["government", "counterparty"]
    assert english[0].obligor.name == "Party A（石门县人民政府）"
    assert english[0].deadline.date == date(2020, 6, 30)


def test_english_sentences_inside_a_chinese_paragraph_are_read_as_english() -> None:
    text = (
        "设备采购协议\n甲方：河口县人民政府\n乙方：新禾机电有限公司\n"
        "第一条 乙方负责设备的安装调试。Party B is responsible for the installation of the equipment. "
        "甲方有权派员监督。Party A shall have the right to send staff to supervise the installation.\n"
        "第二条 甲方应当按期支付货款。Party A shall pay the price on time.\n"
    )
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2020, 5, 1), learned=False))
    assert [(o.text, o.obligor.role) for o in result.obligations] == [
        ("乙方负责设备的安装调试", "counterparty"),
        ("Party B is responsible for the installation of the equipment.", "counterparty"),
        ("甲方应当按期支付货款", "government"),
        ("Party A shall pay the price on time.", "government"),
    ]


def test_english_sub_items_in_lower_case_are_duties_of_the_lead() -> None:
    result = _en(
        "3.1 The Government shall:\n"
        "(a) hand over the Site to the Sponsor within 90 days from the date of this Agreement;\n"
        "(b) to arrange the connection of the Site to the public grid;\n"
        "(c) not levy any fee on the Project other than those set out in Annex 2;\n"
        "(d) the documents listed in Annex 3.\n"
    )
    texts = _texts(result)
    assert texts[0].startswith("The Government shall:")
    assert texts[0].endswith("from the date of this Agreement")
    assert [t.split()[0] for t in texts[1:]] == ["to", "not"]  # (d) is a noun phrase, no duty of its own
    assert {o.obligor.role for o in result.obligations} == {"government"}


@pytest.mark.parametrize(
    ("sentence", "role", "name"),
    [
        ("The Lishui County Finance Bureau shall pay the subsidy to the Sponsor.", "government", "Finance Bureau"),
        ("The Administrative Committee is responsible for the resettlement of residents.", "government", "Committee"),
        ("The Municipal Development and Reform Commission will approve the tariff.", "government", "Commission"),
        ("The Sponsor shall bear the cost of the grid connection.", "counterparty", "Greenfield Solar"),
        ("The EPC Contractor must complete the Works before the Scheduled Date.", "counterparty", "Contractor"),
        ("Each Party shall keep the terms of this Agreement confidential.", "other", "Party"),
        ("Both Parties shall cooperate in the approval of the Project.", "other", "Parties"),
        ("The Government hereby grants to the Sponsor the right to use the Site.", "government", "Government"),
        ("The Sponsor covenants to maintain the Plant in good repair.", "counterparty", "Sponsor"),
        ("The relevant departments are responsible for issuing the permits.", "government", None),
    ],
)
def test_english_subjects_are_any_party_or_body_named_by_its_head(sentence: str, role: str, name: str | None) -> None:
    (ob,) = _en("5.1 " + sentence + "\n").obligations
    assert ob.obligor.role == role
    assert name is None or name in (ob.obligor.name or "")


@pytest.mark.parametrize(
    "sentence",
    [
        "The Government shall not be liable for any indirect loss of the Sponsor.",
        "Any dispute arising from this Agreement shall be settled by the Parties through friendly consultation.",
        "The Parties shall try to resolve any dispute by negotiation before arbitration.",
        "This Agreement is signed in six counterparts, each of which shall be an original.",
        '"Site" shall mean the land described in Annex 1.',
        "The Sponsor shall be deemed to have inspected the Site.",
        "This Agreement shall be governed by the laws of the People's Republic of China.",
        "The Sponsor may sublet part of the Site with the consent of the Government.",
        "The Sponsor is entitled to the tax incentives of the Province.",
        "The Government shall have the right to audit the accounts of the Project.",
        "Should the Sponsor fail to pay the rent, the Government may terminate this Agreement.",
        "This Agreement shall be executed in three originals of equal force.",
        "Any amendment to this Agreement shall be made in writing and signed by both Parties.",
    ],
)
def test_english_rights_definitions_exclusions_and_boilerplate_are_not_duties(sentence: str) -> None:
    assert _texts(_en("5.1 " + sentence + "\n")) == []


_EN_LINES_HEAD = (
    "LAND DEVELOPMENT AGREEMENT\n\n"
    "Party A: The People's Government of Dongshan Town\nParty B: Harbour Feed Co., Ltd.\n\n"
)


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("Party A should complete the relocation of the farmers before 1 July 2020.", "government"),
        ("Party A promises to connect the site to the town sewer.", "government"),
        ("Party B guarantees that the feed mill will meet the emission standards.", "counterparty"),
        ("Party B needs to submit the design plan to the town for the record.", "counterparty"),
        ("It is the responsibility of Party A to widen the access road.", "government"),
        ("It shall be the obligation of Party B to insure the buildings.", "counterparty"),
    ],
)
def test_english_duties_of_parties_defined_on_party_lines(sentence: str, role: str) -> None:
    text = _EN_LINES_HEAD + "Article 3\n3.1 " + sentence + "\n"
    (ob,) = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2020, 5, 1), learned=False)).obligations
    assert ob.obligor.role == role


def test_a_permission_with_an_aside_after_shall_is_no_duty() -> None:
    sentence = (
        "Upon a default, the Government shall, without prejudice to its other remedies, be entitled to the deposit."
    )
    assert _texts(_en("7.1 " + sentence + "\n")) == []


def test_items_of_a_lead_subject_to_the_agreement_are_its_sub_items() -> None:
    result = _en(
        "6.1 The Government undertakes to perform, subject to and in accordance with this Agreement, the following:\n"
        "(a) approve the layout plan of the Plant;\n"
        "(b) issue, within 20 days of the application, the construction permit;\n"
        "(c) observe its obligations under the Annexes.\n"
    )
    texts = _texts(result)
    assert len(texts) == 3
    assert texts[0].startswith("The Government undertakes")
    assert "approve the layout plan" in texts[0]
    assert [t.split()[0] for t in texts[1:]] == ["issue,", "observe"]


def test_a_pronoun_subject_after_a_long_condition_is_the_party_named_before() -> None:
    sentence = (
        "If the Sponsor fails to complete the grid connection before the date fixed in the timetable of Annex 4, "
        "it shall pay a penalty to the Government."
    )
    (ob,) = _en("8.2 " + sentence + "\n").obligations
    assert ob.obligor.label == "Sponsor"


def test_an_english_plan_reads_its_tasks_with_their_lead_units() -> None:
    text = (
        "WORK PLAN OF LINQU COUNTY FOR PROMOTING PRIVATE INVESTMENT\n\n"
        "Key Tasks\n"
        "1. Publish a list of projects open to private capital every quarter. (Lead unit: County Development and "
        "Reform Bureau; cooperating units: County Finance Bureau, County Natural Resources Bureau)\n"
        "2. The approval time of enterprise investment projects shall be shortened to 30 working days. "
        "(Responsible unit: County Administrative Approval Bureau)\n"
        "3. All departments shall report the progress of their tasks to the County Government Office.\n"
    )
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2020, 5, 1), learned=False))
    obligations = result.obligations
    assert [o.text.split()[0] for o in obligations] == ["Publish", "The", "All"]
    assert [o.obligor.role for o in obligations] == ["government"] * 3
    assert obligations[0].obligor.name == "County Development and Reform Bureau"
    assert obligations[0].responsible == (
        "County Development and Reform Bureau",
        "County Finance Bureau",
        "County Natural Resources Bureau",
    )
    assert obligations[1].obligor.name == "County Administrative Approval Bureau"


@pytest.mark.parametrize(
    ("article", "role", "name"),
    [
        ("People's governments at or above the county level shall organise the training of officials.", "government",
         "People's governments at or above the county level"),
        ("Government organs and state-owned enterprises shall publish their payment records.", "other",
         "Government organs and state-owned enterprises"),
        ("Large enterprises shall not delay payments to their suppliers.", "counterparty", "Large enterprises"),
        ("Government organs may not require suppliers to pay a deposit.", "government", "Government organs"),
        ("The body in charge of the statistics of the province under the provincial government shall publish "
         "the payment data.", "government", None),
        # a regulation's clause that names nobody binds the state
        ("The payment data of each quarter shall be published within 15 days after the quarter ends.", "government",
         None),
    ],
)  # fmt: skip
def test_an_english_regulation_names_bodies_in_lower_case(article: str, role: str, name: str | None) -> None:
    text = "REGULATIONS OF EASTLAKE PROVINCE ON PAYMENTS\n\nArticle 5 " + article + "\n"
    result = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2020, 5, 1), learned=False))
    (ob,) = result.obligations
    assert ob.obligor.role == role
    assert name is None or ob.obligor.name == name


@pytest.mark.parametrize(
    "article",
    [
        "These Regulations shall apply to the payment of goods purchased by government organs.",
        "Where other laws provide otherwise, those provisions shall prevail.",
        "The State encourages large enterprises to pay their suppliers in advance.",
        "Government organs may entrust a bank with the payment.",
    ],
)
def test_an_english_regulation_s_scope_and_permissions_are_no_duties(article: str) -> None:
    text = "REGULATIONS OF EASTLAKE PROVINCE ON PAYMENTS\n\nArticle 5 " + article + "\n"
    assert _texts(extract(text.encode("utf-8"), ExtractOptions(learned=False))) == []


def test_a_wrapped_english_line_keeps_its_deadline() -> None:
    """A PDF wraps lines inside a deadline phrase (5 working\\ndays); the deadline reader sees one line."""
    filler = "The Authority shall maintain the approach roads to the Site in good repair at its own cost. " * 3
    body = textwrap.fill(
        filler + "The Concessionaire shall deliver the performance security to the Independent Engineer "
        "within 5 working days after the date of its receipt. " + filler,
        width=65,
    )
    assert "working\ndays" in body
    text = "CONCESSION AGREEMENT\n\n" + body + "\n"
    obligations = extract(text.encode("utf-8"), ExtractOptions(signed_on=date(2020, 5, 1), learned=False)).obligations
    (ob,) = [o for o in obligations if "performance security" in o.text]
    assert ob.deadline.offset == Offset(5, "workday")


@pytest.mark.parametrize(
    ("sentence", "obligor"),
    [
        # written for this test: the predicate states whose duties they are, without a modal
        ("总经理的职责是主持公司的生产经营工作，组织实施董事会的决议。", "总经理"),
        ("董事会的主要职责为决定公司的经营计划和投资方案。", "董事会"),
    ],
)
def test_a_sentence_stating_a_bodys_duties_is_a_duty_of_that_body(sentence: str, obligor: str) -> None:
    result = _extract(_CONTRACT_HEAD + sentence, IP)
    assert [(o.text, o.obligor.name) for o in result.obligations] == [(sentence.rstrip("。"), obligor)]


def test_a_heading_naming_a_bodys_duties_is_no_duty() -> None:
    # written for this test: the colon announces the list; it states no duty itself
    from extractors.rules import _duties_owner

    assert _duties_owner("总经理的职责是：") is None
    assert _duties_owner("本协议的目的是促进项目建设") is None


def test_a_bracketed_clause_with_its_own_duty_is_read_apart() -> None:
    # written for this test: the aside has its own condition and obligor; the clause outside it is a duty too
    sentence = "乙方应于2021年5月1日前腾空仓库（仓库内的设备由甲方负责拆除，甲方应承担拆除费用）。"
    texts = _texts(_extract(_CONTRACT_HEAD + sentence, IP))
    assert texts[0] == "乙方应于2021年5月1日前腾空仓库"
    assert "仓库内的设备由甲方负责拆除" in texts[1]


@pytest.mark.parametrize(
    "sentence",
    [
        # written for this test: asides that explain, or hold no duty of their own, stay with their clause
        "乙方应于2021年5月1日前支付租金（即第一季度的租金，按月计算共三个月）。",
        "乙方应按时缴纳水费（注：水价应按物价部门的规定执行）。",
        "乙方应当按期交付厂房（乙方可以分批交付，每批不少于两栋）。",
    ],
)
def test_an_aside_that_explains_stays_with_its_clause(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_another_partys_right_after_a_duty_is_a_clause_of_its_own() -> None:
    # written for this test: the court clause after the right would otherwise rule the duty out with it
    sentence = "乙方逾期交付厂房的，应按日向甲方支付违约金，甲方并可向当地人民法院起诉。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == ["乙方逾期交付厂房的，应按日向甲方支付违约金"]


def test_by_x_stops_at_the_actor_before_a_verb_of_asking() -> None:
    # written for this test: 申请…部门 is what 甲方 does, not a body of 甲方
    from extractors.rules import by_agent

    assert by_agent("由甲方申请区城管部门对违章建筑限期拆除") == "甲方"
    assert by_agent("由合资公司董事会召集并主持") == "合资公司董事会"


@pytest.mark.parametrize(
    "sentence",
    [
        # written for this test: a manner or means before the verb of a party's act without a modal
        "双方按各自的出资比例分担项目的经营亏损。",
        "各方按出资比例分享公司的利润。",
        "合资公司通过公开招标的方式聘请审计机构。",
    ],
)
def test_a_party_act_with_a_manner_before_its_verb_is_a_duty(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_a_party_with_a_manner_but_no_act_is_no_duty() -> None:
    # written for this test: 按 starts no act when no verb of one follows
    assert _texts(_extract(_CONTRACT_HEAD + "乙方按行业分类属于装备制造业。", IP)) == []


def test_another_partys_act_or_a_right_after_a_party_act_is_a_clause_of_its_own() -> None:
    # written for this test: the two acts have different obligors; the right after an act is no duty
    texts = _texts(
        _extract(
            _CONTRACT_HEAD
            + "甲方按程序将地块挂牌出让，乙方通过竞买取得土地使用权。乙方按期缴纳租金，可申请减免物业费。",
            IP,
        )
    )
    assert texts == ["甲方按程序将地块挂牌出让", "乙方通过竞买取得土地使用权", "乙方按期缴纳租金"]


def test_a_duty_with_its_own_modal_after_a_party_act_is_a_clause_of_its_own() -> None:
    # written for this test: the act is stated without a modal, the revision after it with 并应
    texts = _texts(
        _extract(
            _CONTRACT_HEAD + "项目公司在运营开始前编制设施养护规程，并应根据养护的实际情况及时对该规程进行修订。",
            IP,
        )
    )
    assert texts == ["项目公司在运营开始前编制设施养护规程", "并应根据养护的实际情况及时对该规程进行修订"]


def test_the_authorised_party_owes_the_acts_it_is_authorised_to_and_a_later_timed_act_is_its_own_item() -> None:
    # written for this test: 甲方 authorises 乙方 to build and run the plant; the hand-over has a time of its own
    result = _extract(
        _CONTRACT_HEAD + "甲方授权乙方在合作期内按批准的方案建设厂房，按约定的标准提供物业服务，"
        "并在合作期满之日将厂房无偿移交给甲方。",
        IP,
    )
    assert _texts(result) == [
        "甲方授权乙方在合作期内按批准的方案建设厂房，按约定的标准提供物业服务",
        "并在合作期满之日将厂房无偿移交给甲方",
    ]
    assert [o.obligor.label for o in result.obligations] == ["乙方", "乙方"]
    assert [o.deadline.kind for o in result.obligations] == ["none", "relative"]


def test_the_authorised_party_owes_the_duty_it_is_authorised_to_take_on() -> None:
    # written for this test: 乙方 is authorised to be responsible for the upkeep
    result = _extract(_CONTRACT_HEAD + "甲方授权乙方负责厂房的日常管理。", IP)
    assert [o.obligor.label for o in result.obligations] == ["乙方"]


def test_a_body_with_its_duty_after_what_the_duty_is_about_is_a_clause_of_its_own() -> None:
    # written for this test: 主管部门对该项补贴申请应… follows the company's duty in the same sentence
    result = _extract(_CONTRACT_HEAD + "乙方应按时提交补贴申请材料，主管部门对该项补贴申请应及时予以答复。", IP)
    assert _texts(result) == ["乙方应按时提交补贴申请材料", "主管部门对该项补贴申请应及时予以答复"]
    assert [o.obligor.role for o in result.obligations] == ["counterparty", "government"]


def test_what_a_party_may_ask_another_to_give_is_no_duty() -> None:
    # written for this test: 给予 is the body's act that 乙方 may ask for, not a duty of 乙方
    assert _texts(_extract(_CONTRACT_HEAD + "乙方可提请甲方给予租金减免，减免标准可参照同类园区确定。", IP)) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "乙方年产值超过一亿元的，乙方可提请甲方组织表彰，表彰标准可参考同类园区的投资分摊提取一定比例。",
        "乙方可提请甲方组织验收。",
    ],
)
def test_what_a_party_may_propose_or_refer_to_is_no_duty(sentence: str) -> None:
    # written for this test: 可提请 / 可参考 grant a right, as 可申请 / 可参照 do
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == []


def test_an_inline_label_before_the_clause_names_no_party() -> None:
    # written for this test: 供地方式： is a label; 乙方承诺： names the party itself
    result = _extract(_CONTRACT_HEAD + "供地方式：乙方按程序竞买取得项目用地。\n乙方承诺：按期开工建设。", IP)
    assert [o.obligor.label for o in result.obligations] == ["乙方", "乙方"]
    assert all("供地方式" not in (o.obligor.name or "") for o in result.obligations)


def test_a_modal_after_a_topic_with_its_party_stays_one_clause() -> None:
    # written for this test: 合资公司对…人员 is the topic of the duty after it, not an act of its own
    sentence = "合资公司对聘用的人员，应进行岗前培训。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


@pytest.mark.parametrize(
    "sentence",
    [
        # written for this test: an opening chunk that only names an event is the condition of the clause after it
        "合作期满或提前终止合作，合作公司应依法组织清算。",
        "解除合同，乙方按已付租金的百分之十向甲方支付违约金。",
    ],
)
def test_an_event_a_sentence_opens_with_stays_with_its_clause(sentence: str) -> None:
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_an_opening_chunk_with_an_act_of_its_own_is_no_bare_event() -> None:
    from extractors.rules import _bare_event

    assert _bare_event("租期届满或提前解约，")
    assert not _bare_event("乙方按月缴纳租金，")
    assert not _bare_event("甲方应于五日内验收，")


def test_a_lead_that_closes_with_a_template_note_after_its_colon_still_leads_its_items() -> None:
    # written for this test: the note after the colon does not end the list the lead announces
    text = (
        _CONTRACT_HEAD + "第八条 乙方对所供设备提供如下保证：（注：仅在乙方供应设备时订立此条。）\n"
        "１．乙方保证所供设备是全新的；\n２．乙方保证按期完成设备的安装调试。\n"
    )
    texts = _texts(_extract(text, IP))
    assert texts[0].startswith("乙方对所供设备提供如下保证")
    assert texts[0].endswith("乙方保证所供设备是全新的")
    assert len(texts) == 2


def test_by_x_with_a_right_names_no_actor() -> None:
    # written for this test: 由乙方享有 grants 乙方 a right; the party that agrees owes the grant
    from extractors.rules import by_agent

    assert by_agent("甲方同意由乙方享有该地块十年的经营权") is None
    assert by_agent("甲方同意由乙方负责该地块的平整") == "乙方"


def test_a_short_complement_after_a_semicolon_completes_the_clause_before_it() -> None:
    # written for this test: 应负赔偿责任 has no subject of its own; it is the sanction of the clause before it
    sentence = "监理人员玩忽职守，经甲方查实，予以撤换，给乙方造成损失；应负赔偿责任。"
    texts = _texts(_extract(_CONTRACT_HEAD + sentence, IP))
    assert texts[-1].endswith("给乙方造成损失；应负赔偿责任")


def test_a_party_handing_over_or_paying_without_a_modal_commits_to_it() -> None:
    # written for this test: 交给/付给 are commitment verbs of the party the clause opens with
    sentence = "乙方在园区内的旧厂房共三栋，全部交给甲方拆除。"
    assert _texts(_extract(_CONTRACT_HEAD + sentence, IP)) == [sentence.rstrip("。")]


def test_a_training_item_under_a_duty_lead_is_a_sub_item() -> None:
    # written for this test: 培训… is a verb-phrase item of the lead's duty, like 提供… and 承担…
    text = (
        _CONTRACT_HEAD + "第五条 乙方应负责办理下列事宜：\n（一）提供设备安装所需的技术人员；\n"
        "（二）培训合资公司的技术工人；\n（三）承担技术人员的差旅费用。\n"
    )
    assert "培训合资公司的技术工人" in _texts(_extract(text, IP))


@pytest.mark.parametrize("scope", ["本市推进物流发展工作适用本条例。", "本省扶持农业合作社的工作适用本办法。"])
def test_a_scope_clause_is_no_obligation(scope: str) -> None:
    # written for this test: 适用本条例 states what a regulation covers, though 本市推进… reads as a task
    text = (
        "某市物流发展条例\n第一条 为了促进物流发展，制定本条例。\n"
        f"第二条 {scope}\n第三条 市交通运输局应当编制物流规划。\n"
    )
    assert _texts(_extract(text)) == ["市交通运输局应当编制物流规划"]
