"""A table of self-written deadline phrases, each with the kind, date and offset the corpus conventions give it
(signed on 2019-03-01, the document's year 2019): dates without a year, full-width and Chinese numerals, quarters
and halves, years named relative to the document's, periods of quarters or half a year, and English dates."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.deadlines import effective_on_signing, resolve_deadline
from extractors.model import Anchor

SIGNED_ON = date(2019, 3, 1)


@pytest.mark.parametrize(
    ("phrase", "default_anchor", "kind", "date_", "offset"),
    [
        ("9月30日前完成", None, "absolute", "2019-09-30", None),
        ("10月底前完成摸底工作", None, "absolute", "2019-10-31", None),
        ("6月底前完成", None, "absolute", "2019-06-30", None),
        ("12月31日以前报送", None, "absolute", "2019-12-31", None),
        ("2019年12 月31日前完成", None, "absolute", "2019-12-31", None),
        ("2019 年 6 月底前完成", None, "absolute", "2019-06-30", None),
        ("2019\n年6月\n30日前完成", None, "absolute", "2019-06-30", None),
        ("２０１９年１２月３１日前", None, "absolute", "2019-12-31", None),
        ("二〇一九年十二月三十一日前完成", None, "absolute", "2019-12-31", None),
        ("一九九九年十月底前", None, "absolute", "1999-10-31", None),
        ("二〇二〇年底前建成", None, "absolute", "2020-12-31", None),
        ("二○二○年六月三十日以前", None, "absolute", "2020-06-30", None),
        ("上半年完成", None, "absolute", "2019-06-30", None),
        ("下半年启动", None, "absolute", "2019-12-31", None),
        ("一季度完成", None, "absolute", "2019-03-31", None),
        ("第三季度末前完成", None, "absolute", "2019-09-30", None),
        ("年中完成", None, "absolute", "2019-06-30", None),
        ("年内完成", None, "absolute", "2019-12-31", None),
        ("明年6月底前完成", None, "absolute", "2020-06-30", None),
        ("项目投产次年6月底前", "signing", "none", None, None),
        ("投产次年底前完成", "signing", "none", None, None),
        ("明年底前完成", None, "absolute", "2020-12-31", None),
        ("当年完成", None, "absolute", "2019-12-31", None),
        ("2020年12月31日以前", None, "absolute", "2020-12-31", None),
        ("2011年10月开工", None, "absolute", "2011-10-31", None),
        ("到2020年实现全覆盖", None, "absolute", "2020-12-31", None),
        ("2021年第一季度前完成", None, "absolute", "2021-03-31", None),
        ("2020年上半年完成", None, "absolute", "2020-06-30", None),
        ("2020年一季度", None, "absolute", "2020-03-31", None),
        ("2020年6月中旬前", None, "absolute", "2020-06-30", None),
        ("乙方应在本协议签订后三个月内开工", "signing", "relative", "2019-06-01", (3, "month")),
        ("乙方应在签约后一个季度内开工", "signing", "relative", "2019-06-01", (3, "month")),
        ("甲方应在签订本协议之日起三十（３０）日内交地", "signing", "relative", "2019-03-31", (30, "day")),
        ("本协议签订之日起30（三十）日内", "signing", "relative", "2019-03-31", (30, "day")),
        ("乙方应在本协议签订满一年后投产", "signing", "relative", "2020-03-01", (1, "year")),
        ("自本协议签订之日起满一年", "signing", "relative", "2020-03-01", (1, "year")),
        ("签约后前三个月", "signing", "relative", "2019-06-01", (3, "month")),
        ("本协议签订之日起２０日内", "signing", "relative", "2019-03-21", (20, "day")),
        ("本协议签订之日起十五日内", "signing", "relative", "2019-03-16", (15, "day")),
        ("自本协议生效之日起60日内", "signing", "relative", "2019-04-30", (60, "day")),
        ("取得土地证后6个月内开工", "signing", "relative", None, (6, "month")),
        ("within 30 days of the Effective Date", "signing", "relative", "2019-03-31", (30, "day")),
        ("no later than 31 December 2020", "signing", "absolute", "2020-12-31", None),
        ("by March 2021", "signing", "absolute", "2021-03-31", None),
        ("by the end of March 2021", "signing", "absolute", "2021-03-31", None),
        ("within thirty (30) days after signing", "signing", "relative", "2019-03-31", (30, "day")),
        ("within 3 months after the signing of this Agreement", "signing", "relative", "2019-06-01", (3, "month")),
        ("on or before December 31, 2020", "signing", "absolute", "2020-12-31", None),
        ("before 30 June 2020", "signing", "absolute", "2020-06-30", None),
        ("within 2 years from the date hereof", "signing", "relative", "2021-03-01", (2, "year")),
        ("签约后10个工作日内", "signing", "relative", None, (10, "workday")),
        ("签约后30个日历天内", "signing", "relative", "2019-03-31", (30, "day")),
        ("合同签订后三周年内", "signing", "relative", "2022-03-01", (3, "year")),
        ("本协议签订之日起满三周年", "signing", "relative", "2022-03-01", (3, "year")),
        ("公司成立三周年", "signing", "none", None, None),
        ("本协议签订之日起两年内", "signing", "relative", "2021-03-01", (2, "year")),
        ("本协议签订后半年内", "signing", "relative", "2019-09-01", (6, "month")),
        ("尽快完成", None, "none", None, None),
        ("每年6月30日前报送", None, "recurring", None, None),
        ("2019年12月底前", None, "absolute", "2019-12-31", None),
        ("于2019年12月31日之前", None, "absolute", "2019-12-31", None),
        ("截至2020年底", None, "absolute", "2020-12-31", None),
        ("2020年前完成", None, "absolute", "2020-12-31", None),
        ("力争到2022年", None, "absolute", "2022-12-31", None),
        ("11月15日前", None, "absolute", "2019-11-15", None),
        ("12月中旬前完成", None, "absolute", "2019-12-31", None),
        ("9月底", None, "absolute", "2019-09-30", None),
        ("十月底前完成", None, "absolute", "2019-10-31", None),
        ("九月三十日前完成", None, "absolute", "2019-09-30", None),
    ],
)
def test_deadline_table(
    phrase: str, default_anchor: Anchor | None, kind: str, date_: str | None, offset: tuple[int, str] | None
) -> None:
    deadline = resolve_deadline(phrase, SIGNED_ON, year=2019, default_anchor=default_anchor)
    assert deadline.kind == kind
    assert deadline.date == (date.fromisoformat(date_) if date_ else None)
    if offset is not None:
        assert deadline.offset is not None
        assert (deadline.offset.value, deadline.offset.unit) == offset


@pytest.mark.parametrize(
    ("phrase", "date_"),
    [
        ("乙方应于2020.12.31前完成竣工验收", date(2020, 12, 31)),
        ("项目须在2020/6/30前投产", date(2020, 6, 30)),
    ],
)
def test_dates_with_dots_or_slashes(phrase: str, date_: date) -> None:
    deadline = resolve_deadline(phrase, SIGNED_ON)
    assert (deadline.kind, deadline.date) == ("absolute", date_)


def test_capital_numerals_echoed_in_digits() -> None:
    deadline = resolve_deadline("乙方应于签订本协议之日起叁拾（30）日内缴纳", SIGNED_ON)
    assert (deadline.kind, deadline.date) == ("relative", date(2019, 3, 31))


@pytest.mark.parametrize(
    ("phrase", "date_"),
    [
        ("自2019年4月1日起，乙方应于2019年12月31日前完成厂房建设", date(2019, 12, 31)),
        ("2019年3月至2020年6月，完成全部项目建设", date(2020, 6, 30)),
        ("乙方应在2019年6月1日至2019年12月31日期间完成设备安装", date(2019, 12, 31)),
        ("按照2019年3月5日印发的方案，于2019年6月30日前完成", date(2019, 6, 30)),
        ("根据2018年12月5日签订的框架协议，乙方应于2019年底前完成投资", date(2019, 12, 31)),
        ("自2019年4月1日起，乙方应在年内完成", date(2019, 12, 31)),
    ],
)
def test_the_date_due_not_the_start_of_the_period_or_a_past_act(phrase: str, date_: date) -> None:
    deadline = resolve_deadline(phrase, SIGNED_ON)
    assert (deadline.kind, deadline.date) == ("absolute", date_)


def test_a_start_date_alone_is_still_read() -> None:
    deadline = resolve_deadline("自2019年4月1日起乙方应当遵守本规定", SIGNED_ON)
    assert (deadline.kind, deadline.date) == ("absolute", date(2019, 4, 1))


@pytest.mark.parametrize(
    ("text", "on_signing"),
    [
        ("第九条 本协议自双方签字盖章之日起生效。", True),
        ("本合同经双方法定代表人签字并加盖公章后生效", True),
        ("本协议经双方签字盖章并报县人民政府批准后生效。", False),
        ("本合同自乙方缴纳履约保证金之日起生效", False),
        ("本协议一式四份，双方各执两份。", True),
    ],
)
def test_effective_on_signing(text: str, on_signing: bool) -> None:
    assert effective_on_signing(text) is on_signing


def test_a_period_from_a_later_effectiveness_has_no_date() -> None:
    deadline = resolve_deadline("本协议生效之日起30日内", SIGNED_ON, effective_is_signing=False)
    assert (deadline.kind, deadline.date, deadline.anchor) == ("relative", None, "effective")


@pytest.mark.parametrize(
    ("phrase", "kind", "date_"),
    [
        ("下半\n年完成", "absolute", date(2019, 12, 31)),
        ("乙方应在签\n约后6个月\n内开工", "relative", date(2019, 9, 1)),
        ("二〇一九年十二月三十\n一日前", "absolute", date(2019, 12, 31)),
        ("2019年12月3\n1日前", "absolute", date(2019, 12, 31)),
    ],
)
def test_a_line_break_inside_the_phrase(phrase: str, kind: str, date_: date) -> None:
    deadline = resolve_deadline(phrase, SIGNED_ON, year=2019)
    assert (deadline.kind, deadline.date) == (kind, date_)


@pytest.mark.parametrize(
    "phrase",
    [
        "The Company shall, within 7 days of the date of this MoU, deposit the fee",
        "The Contractor shall, within 7 days from the date of this Contract, furnish the bond",
        "The Investor shall pay within 7 days from the date hereof",
    ],
)
def test_the_date_of_this_document_is_its_signing(phrase: str) -> None:
    deadline = resolve_deadline(phrase, SIGNED_ON)
    assert (deadline.anchor, deadline.date) == ("signing", date(2019, 3, 8))


@pytest.mark.parametrize(
    ("phrase", "date_"),
    [
        ("二O一九年十二月底前完成", date(2019, 12, 31)),
        ("二Ｏ二O年六月三十日前", date(2020, 6, 30)),
        ("今年6月底前", date(2019, 6, 30)),
        ("明年一季度完成", date(2020, 3, 31)),
        ("明年3月31日前", date(2020, 3, 31)),
    ],
)
def test_years_as_typed_or_named(phrase: str, date_: date) -> None:
    deadline = resolve_deadline(phrase, SIGNED_ON, year=2019, default_anchor=None)
    assert (deadline.kind, deadline.date) == ("absolute", date_)


@pytest.mark.parametrize(
    ("phrase", "date_"),
    [
        ("The Company shall complete the works by 31.12.2020", date(2020, 12, 31)),
        ("on or before 30/06/2020", date(2020, 6, 30)),
        ("before 12/31/2020", date(2020, 12, 31)),
        ("到“十三五”末，全市建成10个示范园区", date(2020, 12, 31)),
        ("十四五期末实现全覆盖", date(2025, 12, 31)),
    ],
)
def test_day_first_dates_and_plan_periods(phrase: str, date_: date) -> None:
    deadline = resolve_deadline(phrase, SIGNED_ON, year=2019)
    assert (deadline.kind, deadline.date) == ("absolute", date_)


def test_an_ordinal_day_after_an_event() -> None:
    deadline = resolve_deadline("on the 30th day after the Effective Date", SIGNED_ON)
    assert (deadline.kind, deadline.date) == ("relative", date(2019, 3, 31))


def test_a_plan_period_without_its_end_is_no_date() -> None:
    assert resolve_deadline("“十三五”期间，累计投入", SIGNED_ON, year=2019, default_anchor=None).kind == "none"


@pytest.mark.parametrize(
    ("phrase", "kind", "date_"),
    [
        ("2019—2021年完成全部老旧小区改造", "absolute", date(2021, 12, 31)),
        ("2019年-2020年，建成5个园区", "absolute", date(2020, 12, 31)),
        ("按照《某市2019-2021年行动计划（2019-2021年）》", "none", None),
        ("2019-2021年行动计划提出", "none", None),
    ],
)
def test_a_span_of_years_ends_with_the_last_unless_it_names_a_plan(phrase: str, kind: str, date_: date | None) -> None:
    deadline = resolve_deadline(phrase, SIGNED_ON, year=2019, default_anchor=None)
    assert (deadline.kind, deadline.date) == (kind, date_)
