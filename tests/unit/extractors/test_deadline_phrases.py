"""Deadline phrases → Deadline values (Civil Code arts. 201-202: nominal date, before holiday shifts)."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.deadlines import apply_offset, resolve_deadline
from extractors.model import Offset

ANCHOR = date(2019, 3, 15)


@pytest.mark.parametrize(
    ("phrase", "anchor", "year", "date_"),
    [
        ("2019年12月31日前", None, None, date(2019, 12, 31)),
        ("二〇一九年十二月三十一日前完成", None, None, date(2019, 12, 31)),
        ("2020年底前", None, None, date(2020, 12, 31)),
        ("到2020年，公务员信用档案覆盖率达到100％", None, None, date(2020, 12, 31)),
        ("开工时间为2011年10月", None, None, date(2011, 10, 31)),
        ("2021年第一季度", None, None, date(2021, 3, 31)),
        ("2021年上半年完成", None, None, date(2021, 6, 30)),
        ("上半年完成", None, 2020, date(2020, 6, 30)),
        ("年内完成", None, 2021, date(2021, 12, 31)),
        ("年内完成", ANCHOR, None, date(2019, 12, 31)),
        ("6月底完成", None, 2020, date(2020, 6, 30)),
        ("no later than 31 December 2020", None, None, date(2020, 12, 31)),
        ("by March 31, 2021", None, None, date(2021, 3, 31)),
    ],
)
def test_absolute_deadlines(phrase: str, anchor: date | None, year: int | None, date_: date) -> None:
    deadline = resolve_deadline(phrase, anchor, year=year)
    assert deadline.kind == "absolute"
    assert deadline.date == date_


@pytest.mark.parametrize(
    ("phrase", "date_", "value", "unit", "anchor"),
    [
        ("本协议签订之日起30日内", date(2019, 4, 14), 30, "day", "signing"),
        ("自本合同签署之日起叁拾日内", date(2019, 4, 14), 30, "day", "signing"),
        ("签订后一个月内", date(2019, 4, 15), 1, "month", "signing"),
        ("本协议签订之日起6个月内", date(2019, 9, 15), 6, "month", "signing"),
        ("本协议签订之日起2年内", date(2021, 3, 15), 2, "year", "signing"),
        ("自签约后三天到位", date(2019, 3, 18), 3, "day", "signing"),
        ("本协议生效之日起30日内", date(2019, 4, 14), 30, "day", "effective"),
        ("本协议签订之日起15个工作日内", None, 15, "workday", "signing"),
        ("取得土地使用权后6个月内开工", None, 6, "month", "other"),
        ("自货物、工程、服务交付之日起30日内支付款项", None, 30, "day", "other"),
        ("自正式受理之日起10个工作日内", None, 10, "workday", "other"),
        ("within thirty (30) days after the Effective Date", date(2019, 4, 14), 30, "day", "effective"),
        (
            "within 120 (one hundred and twenty) days from the date of this Agreement",
            date(2019, 7, 13),
            120,
            "day",
            "signing",
        ),
        ("on a date falling 42 months from Appointed Date", None, 42, "month", "other"),
        ("at least 2 (two) days prior to the Financial Close", None, -2, "day", "other"),
    ],
)
def test_offset_deadlines(phrase: str, date_: date | None, value: int, unit: str, anchor: str) -> None:
    deadline = resolve_deadline(phrase, ANCHOR)
    assert deadline.kind == "relative"
    assert deadline.date == date_
    assert deadline.offset == Offset(value, unit)  # type: ignore[arg-type]
    assert deadline.anchor == anchor


def test_month_offset_ends_on_the_last_day_of_a_shorter_month() -> None:
    deadline = resolve_deadline("签订之日起1个月内", date(2019, 1, 31))
    assert deadline.date == date(2019, 2, 28)


def test_event_anchor_keeps_its_text() -> None:
    deadline = resolve_deadline("乙方在取得土地使用权后6个月内开工", ANCHOR)
    assert deadline.anchor_text == "取得土地使用权"
    assert deadline.date is None


@pytest.mark.parametrize(
    ("phrase", "anchor_text"),
    [
        ("余款在乙方领取土地证前全部付清", "乙方领取土地证"),
        ("项目竣工投产后", "项目竣工投产"),
        ("付款期限应当自双方确认结算金额之日起算", "双方确认结算金额"),
        ("Prepare the DPR (before the Appointed Date)", "Appointed Date"),
    ],
)
def test_event_deadlines_without_offset(phrase: str, anchor_text: str) -> None:
    deadline = resolve_deadline(phrase, ANCHOR)
    assert (deadline.kind, deadline.anchor, deadline.offset, deadline.date) == (
        "relative",
        "other",
        None,
        None,
    )
    assert deadline.anchor_text == anchor_text


@pytest.mark.parametrize(
    ("phrase", "recurrence"),
    [
        ("每年6月30日前报送", "RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30"),
        ("每季度通报一次", "RRULE:FREQ=MONTHLY;INTERVAL=3;BYMONTH=3,6,9,12;BYMONTHDAY=-1"),
        ("每月5日前报送", "RRULE:FREQ=MONTHLY;BYMONTHDAY=5"),
        ("定期对下级政府进行监督检查", "periodic"),
        ("不定期开展专项治理", "irregular"),
        ("连续三年", "RRULE:FREQ=YEARLY;COUNT=3"),
        ("payable in monthly instalments", "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("the Damages shall be payable every week in advance", "RRULE:FREQ=WEEKLY"),
        (
            "within 120 days of completion of the respective Accounting Year",
            "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=-1",
        ),
    ],
)
def test_recurring_deadlines(phrase: str, recurrence: str) -> None:
    deadline = resolve_deadline(phrase, ANCHOR)
    assert deadline.kind == "recurring"
    assert deadline.recurrence == recurrence


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("尽快让科技成果产业化", "尽快"),
        ("及时公布结果", "及时"),
        ("持续推进", "持续推进"),
        ("notify the Authority forthwith", "forthwith"),
    ],
)
def test_vague_timing_has_no_date_but_keeps_the_phrase(phrase: str, text: str) -> None:
    deadline = resolve_deadline(phrase, ANCHOR)
    assert (deadline.kind, deadline.date, deadline.text) == ("none", None, text)


@pytest.mark.parametrize(
    "phrase",
    [
        "约定利率不得低于合同订立时1年期贷款市场报价利率",
        "使用年限为50年",
        "企业开办时间压缩至1个工作日以内",
        "乙方负责提供土地和厂房",
        "本合同一式陆份",
        "for each day of delay",
    ],
)
def test_phrases_without_deadline(phrase: str) -> None:
    assert resolve_deadline(phrase, ANCHOR).kind == "none"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2019, 3, 15), 1, date(2019, 4, 15)),
        (date(2019, 8, 31), 1, date(2019, 9, 30)),
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
        (date(2019, 12, 31), 2, date(2020, 2, 29)),
    ],
)
def test_month_periods_follow_article_202(start: date, months: int, expected: date) -> None:
    assert apply_offset(start, Offset(months, "month")) == expected
    if months % 12 == 0:
        assert apply_offset(start, Offset(months // 12, "year")) == expected


def test_workday_offsets_are_left_to_the_calendar() -> None:
    assert apply_offset(ANCHOR, Offset(15, "workday")) is None


def test_vague_timing_after_an_event_is_not_a_fixed_deadline() -> None:
    deadline = resolve_deadline("在保证期限届满后及时与中小企业进行核算并退还", ANCHOR)
    assert (deadline.kind, deadline.text) == ("none", "在保证期限届满后及时")


# Written for these tests (no corpus sentence): template blanks, echoed numerals, Chinese-numeral years and
# duties due when an event happens (the extraction-generalisation issue, item 5).
@pytest.mark.parametrize(
    ("phrase", "kind", "when", "offset", "anchor"),
    [
        ("承租方应于＿＿日内缴清押金", "relative", None, None, "signing"),
        ("受让人应在＿个月内完成规划报建", "relative", None, None, "signing"),
        ("乙方须于＿＿＿年＿＿月＿＿日前竣工", "absolute", None, None, None),
        ("项目须于年月日前投产", "absolute", None, None, None),
        ("出租方应在十五（１５）天内维修完毕", "relative", date(2021, 3, 16), (15, "day"), "signing"),
        ("在〔六（６）个月〕内取得施工许可", "relative", date(2021, 9, 1), (6, "month"), "signing"),
        ("工程应于二〇〇五年九月三十日前完工", "absolute", date(2005, 9, 30), None, None),
        ("一九九八年六月底前交付首期款", "absolute", date(1998, 6, 30), None, None),
        ("租赁期满时，承租人应当返还房屋", "relative", None, (0, "day"), "other"),
        ("在签署本合同时，甲方交付图纸", "relative", date(2021, 3, 1), (0, "day"), "signing"),
        ("受理投诉时，应当告知投诉人处理时限", "relative", None, (0, "day"), "other"),
    ],
)
def test_blanks_echoes_and_events(
    phrase: str, kind: str, when: date | None, offset: tuple[int, str] | None, anchor: str | None
) -> None:
    d = resolve_deadline(phrase, date(2021, 3, 1))
    assert (d.kind, d.date, (d.offset.value, d.offset.unit) if d.offset else None, d.anchor) == (
        kind,
        when,
        offset,
        anchor,
    )


SIGNED = date(2021, 3, 1)


# Written for these tests (no corpus sentence): a template's blank period in its several spellings gives a
# relative deadline without a figure, counted from the event the clause names.
@pytest.mark.parametrize(
    ("phrase", "anchor"),
    [
        ("买受人应在合同签订后＿日内付清余款", "signing"),
        ("乙方应于    日内将样品送达甲方", "signing"),
        ("甲方应在（　　）日内办理完毕审批手续", "signing"),
        ("委托方应在收到报告后____个工作日内提出书面意见", "other"),
        ("工程款在竣工验收合格后＿＿个月内付清", "other"),
        ("甲方应自接到申请之日起＿个工作日内答复", "other"),
        ("出让方应在土地交付后　　　天内办结过户", "other"),
        ("乙方应在租期届满前＿＿天书面通知甲方", "other"),
        ("承租方须提前＿＿个月告知出租方", "other"),
        ("乙方应在验收合格后个月内付清尾款", "other"),  # the blank squeezed out with the spaces around it
        ("承租人应提前个工作日通知出租人", "other"),
    ],
)
def test_blank_period_is_relative_without_a_figure(phrase: str, anchor: str) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.offset, d.date, d.anchor) == ("relative", None, None, anchor)


@pytest.mark.parametrize(
    "phrase",
    [
        "承包人应于＿年＿月＿日前进场施工",
        "出租人应于＿＿年＿＿月＿＿日以前交付房屋",
        "乙方应于  年  月  日前完成厂房建设",
    ],
)
def test_blank_date_is_absolute_without_a_date(phrase: str) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.date) == ("absolute", None)


def test_a_blank_in_a_rate_is_not_a_period() -> None:
    assert resolve_deadline("每逾期＿天，乙方应支付违约金＿元", SIGNED).kind == "none"


@pytest.mark.parametrize(
    ("phrase", "when", "offset"),
    [
        ("乙方应在合同签订后三十（３０）天内支付首付款", date(2021, 3, 31), Offset(30, "day")),
        ("甲方应于本协议签订之日起十五（15）日内交付土地", date(2021, 3, 16), Offset(15, "day")),
        ("乙方应在签约后〔十二（１２）个月〕内建成投产", date(2022, 3, 1), Offset(12, "month")),
        ("买方应于合同签订后30（三十）日内开具信用证", date(2021, 3, 31), Offset(30, "day")),
        ("卖方应在收到货款后7（七）个工作日内发货", None, Offset(7, "workday")),
    ],
)
def test_echoed_numerals_either_way_round(phrase: str, when: date | None, offset: Offset) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.date, d.offset) == ("relative", when, offset)


@pytest.mark.parametrize(
    ("phrase", "when"),
    [
        ("本合同有效期至一九九九年十二月三十一日止", date(1999, 12, 31)),
        ("力争二〇二五年底前全面建成", date(2025, 12, 31)),
        ("二〇二五年底，基本建成覆盖全市的信用信息平台", date(2025, 12, 31)),
        ("项目应于二○二三年六月前竣工", date(2023, 6, 30)),
        ("于二零二二年十月一日前交付", date(2022, 10, 1)),
    ],
)
def test_years_in_chinese_numerals(phrase: str, when: date) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.date) == ("absolute", when)


@pytest.mark.parametrize(
    ("phrase", "offset"),
    [
        ("租赁期满，承租人应将房屋交还出租人", Offset(0, "day")),
        ("承包期满或者合同解除，乙方应移交全部资产", Offset(0, "day")),
        ("并于经营期届满之日将设施移交甲方", Offset(0, "day")),
        ("工程验收完毕后，甲方应支付剩余价款", None),
        ("卖方应在收到全部货款后办理过户", None),
        ("租赁期满后十日内，乙方应搬离", Offset(10, "day")),
        ("合同期满前三个月，乙方应书面通知甲方", Offset(-3, "month")),
        ("应在经营期限届满六个月前提出续期申请", Offset(-6, "month")),
        ("甲方应提前30日书面通知乙方", Offset(-30, "day")),
        ("公司成立时，发起人应当缴足出资", Offset(0, "day")),
        ("在办理产权过户时，卖方应提供全部资料", Offset(0, "day")),
        ("the Contractor shall vacate the Site upon completion of the Works", Offset(0, "day")),
        ("upon expiry of the Concession Period, the Concessionaire shall hand over the Project", Offset(0, "day")),
        ("shall pay the Fee within 15 days after receipt of the invoice", Offset(15, "day")),
    ],
)
def test_events_as_anchors(phrase: str, offset: Offset | None) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.date, d.offset, d.anchor) == ("relative", None, offset, "other")


@pytest.mark.parametrize(
    ("phrase", "offset"),
    [
        ("签订本合同时，乙方应向甲方交付履约保证金", Offset(0, "day")),
        ("甲方应于签订合同时向乙方提供图纸", Offset(0, "day")),
        ("合同签订时由甲方付给乙方定金", Offset(0, "day")),
        ("签约时，乙方应当一次性缴清", Offset(0, "day")),
        ("自本合同签订之日起，乙方即应负责项目的日常管理", Offset(0, "day")),
        ("乙方应在签约前缴纳保证金", None),
        ("投资方应在签订协议前提交资信证明", None),
        ("the Purchaser shall pay the deposit at signing", Offset(0, "day")),
        ("the Investor shall pay 10% of the price upon signing of this Agreement", Offset(0, "day")),
        ("the Bidder shall deliver the bond on or before the execution of the Contract", None),
    ],
)
def test_before_or_at_signing_falls_due_on_the_signing_day(phrase: str, offset: Offset | None) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.date, d.offset, d.anchor) == ("relative", SIGNED, offset, "signing")


def test_signing_of_another_contract_in_a_regulation_is_another_event() -> None:
    d = resolve_deadline("用人单位签订劳动合同时，应当如实告知", SIGNED, default_anchor=None)
    assert (d.kind, d.date, d.anchor) == ("relative", None, "other")


@pytest.mark.parametrize(
    "phrase",
    [
        "失信信息公示期限届满的，不得继续公示",  # a condition, not a time
        "按照合同订立时3年期贷款利率计算",  # 时 of an attribute
        "the terms agreed upon by the Parties",
        "based upon the report of the Engineer",
        "the Concessionaire shall, upon Financial Close, forthwith pay the fee",  # the vague word decides
    ],
)
def test_event_words_that_set_no_deadline(phrase: str) -> None:
    assert resolve_deadline(phrase, SIGNED).kind == "none"


@pytest.mark.parametrize(
    ("phrase", "value", "unit", "anchor"),
    [
        ("within 10 business days upon receipt of the invoice", 10, "workday", "other"),
        ("within five (5) Business Days after the date of the notice", 5, "workday", "other"),
        ("no later than 7 working days following completion of the works", 7, "workday", "other"),
        ("within 30 days upon signing of this Agreement", 30, "day", "signing"),
        ("within two months upon the Effective Date", 2, "month", "effective"),
    ],
)
def test_english_offsets_in_business_days_and_upon_an_event(phrase: str, value: int, unit: str, anchor: str) -> None:
    """A Business Days offset no longer fails the document (the unit was read as "busine"), and "N days upon X"
    keeps its N instead of falling due on X itself."""
    deadline = resolve_deadline(phrase, ANCHOR)
    assert deadline.kind == "relative"
    assert deadline.offset == Offset(value, unit)  # type: ignore[arg-type]
    assert deadline.anchor == anchor


@pytest.mark.parametrize(
    "phrase",
    [
        "在签订本协议的同时交付",
        "本协议签订当日支付定金",
        "于签约当天缴纳",
        "应于合同签署之日移交",
        "双方签约的同时提供担保函",
    ],
)
def test_the_signing_day_itself(phrase: str) -> None:
    """当日/当天/之日/同时 of the signing: due on the signing day (offset 0), not a deadline-less clause."""
    deadline = resolve_deadline(phrase, ANCHOR)
    assert (deadline.kind, deadline.date, deadline.offset, deadline.anchor) == (
        "relative",
        ANCHOR,
        Offset(0, "day"),
        "signing",
    )


@pytest.mark.parametrize("phrase", ["自本协议签订之日起30日内", "本协议签订之日后十日内", "签约之日前"])
def test_a_period_from_the_signing_day_is_not_the_day_itself(phrase: str) -> None:
    assert resolve_deadline(phrase, ANCHOR).offset != Offset(0, "day")


@pytest.mark.parametrize(
    "phrase", ["至本协议签订之日，未设定任何抵押", "截至签约当日，项目用地无权属争议", "到合同签订之日止"]
)
def test_a_state_up_to_the_signing_day_falls_due_on_no_day(phrase: str) -> None:
    assert resolve_deadline(phrase, ANCHOR).anchor != "signing"


@pytest.mark.parametrize(
    ("phrase", "event"),
    [
        ("在买卖双方点交设备时，买方应当付清尾款", "买卖双方点交设备"),
        ("卖方保证在点交时该设备没有抵押", "点交"),
        ("当承租人退租时，出租人应当返还押金", "承租人退租"),
        ("一方违反约定时，应向守约方赔偿损失", "一方违反约定"),
        ("公司宣告破产时，管理人应清点财产", "公司宣告破产"),
        ("遇到重大灾害影响企业经营时，区政府应当给予帮扶", "遇到重大灾害影响企业经营"),
    ],
)
def test_any_event_written_with_shi_falls_due_with_it(phrase: str, event: str) -> None:
    """在/当…时 and a clause opening "X时，" anchor the duty to any event, not only to the listed verbs."""
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.offset, d.anchor, d.anchor_text) == ("relative", Offset(0, "day"), "other", event)


@pytest.mark.parametrize(
    "phrase",
    [
        "租户损失超过出租人支付的赔偿金时，差额由出租人补足",  # a comparison
        "如销售额达不到约定数额时，乙方应补足差额",  # a supposition
        "必要时，甲方应派员协助",
        "出租人应当同时退还押金",
        "乙方应当按时缴纳租金",
    ],
)
def test_shi_of_a_condition_or_a_time_word_sets_no_deadline(phrase: str) -> None:
    assert resolve_deadline(phrase, SIGNED).kind == "none"


@pytest.mark.parametrize(
    ("phrase", "event"),
    [
        ("租赁合同订立后，出租人应办理登记备案", "租赁合同订立"),
        ("施工图经建设单位审查后，承包人方可开工", "施工图经建设单位审查"),
        ("年度账目审计后，公司应当公布财务报告", "年度账目审计"),
        ("房屋交接后，买受人负责缴纳物业费", "房屋交接"),
    ],
)
def test_more_event_verbs_before_hou(phrase: str, event: str) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.anchor, d.anchor_text) == ("relative", "other", event)


@pytest.mark.parametrize(
    ("phrase", "offset", "anchor"),
    [
        ("6 个月后付清第二笔设备款", Offset(6, "month"), "other"),
        ("十日后缴清剩余租金", Offset(10, "day"), "other"),
        ("2年后返还保证金", Offset(2, "year"), "other"),
        ("签订本合同15日后支付预付款", Offset(15, "day"), "signing"),
    ],
)
def test_a_bare_period_followed_by_hou_counts_forward(phrase: str, offset: Offset, anchor: str) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.offset, d.anchor) == ("relative", offset, anchor)


def test_a_bare_period_before_a_clause_that_pays_nothing_is_no_instalment() -> None:
    assert resolve_deadline("3个月后进场施工", SIGNED).kind == "none"


def test_half_a_year_after_an_event_is_not_this_year() -> None:
    d = resolve_deadline("第二笔款项于竣工后半年内付清", SIGNED)
    assert (d.kind, d.anchor) == ("relative", "other")


@pytest.mark.parametrize("phrase", ["本细则报市人民政府批准后施行", "考核办法报上级主管部门核准后执行"])
def test_an_approval_step_before_a_rule_takes_effect_is_no_deadline(phrase: str) -> None:
    assert resolve_deadline(phrase, SIGNED, default_anchor=None).kind == "none"


@pytest.mark.parametrize(
    ("phrase", "recurrence"),
    [
        ("每会计年度结束后，公司应当编制财务报表", "yearly"),
        ("每财务年度的前两个月，董事会应当审议预算", "yearly"),
        ("每年度向股东报告经营情况", "yearly"),
    ],
)
def test_every_business_or_accounting_year_recurs(phrase: str, recurrence: str) -> None:
    d = resolve_deadline(phrase, SIGNED)
    assert (d.kind, d.offset) == ("recurring", Offset(1, "year"))
    assert d.recurrence is not None
    assert "YEARLY" in d.recurrence or d.recurrence == recurrence


@pytest.mark.parametrize(
    "phrase",
    [
        "违约方按每月2000元的标准赔偿损失",  # a rate
        "占用费按每年5.5万元计收",  # a rate
        "公司利润应逐年增长",  # a trend
        "投入应逐年提高",  # a trend
    ],
)
def test_rates_and_trends_do_not_recur(phrase: str) -> None:
    assert resolve_deadline(phrase, SIGNED).kind != "recurring"
