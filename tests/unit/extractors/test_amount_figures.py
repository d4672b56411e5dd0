"""Money figures → Amount in yuan (or the stated currency); rates, percentages and blanks are not amounts."""

from __future__ import annotations

import pytest

from extractors.amounts import find_amount, find_amounts
from extractors.numbers import parse_number


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("人民币伍仟万元整（¥50,000,000）", 50_000_000, "CNY"),
        ("注册资本5000万元", 50_000_000, "CNY"),
        ("投资总额不低于10亿元", 1_000_000_000, "CNY"),
        ("总投资6.5亿元", 650_000_000, "CNY"),
        ("不少于200万元的流动资金贷款", 2_000_000, "CNY"),
        ("合计人民币3000万元", 30_000_000, "CNY"),
        ("壹佰万元整", 1_000_000, "CNY"),
        ("注册资本1,000万元", 10_000_000, "CNY"),
        ("￥1,200,000", 1_200_000, "CNY"),
        ("US$ 2.5 million", 2_500_000, "USD"),
        ("USD 750,000", 750_000, "USD"),
        ("Rs. 10 crore", 100_000_000, "INR"),
        ("INR 5,000,000", 5_000_000, "INR"),
        # a round figure with a scale word after the currency: not its first digit alone (RMB 2)
        ("a deposit of RMB 20 million", 20_000_000, "CNY"),
        ("no less than RMB 350 million in total", 350_000_000, "CNY"),
        ("RMB 1,500,000.", 1_500_000, "CNY"),
    ],
)
def test_amounts(text: str, value: float, currency: str) -> None:
    amount = find_amount(text)
    assert amount is not None
    assert (amount.value, amount.currency) == (value, currency)


@pytest.mark.parametrize(
    "text",
    [
        "每亩12万元",
        "土地价格为3万元/亩",
        "支付给甲方_万元",
        "增值税地方政府留成部分50%返还给企业",
        "按照每日利率万分之五支付",
        "一式陆份",
    ],
)
def test_not_amounts(text: str) -> None:
    assert find_amount(text) is None


def test_unit_price_is_skipped_but_the_total_is_found() -> None:
    amounts = find_amounts("土地单价为每亩12万元，合计人民币1800万元")
    assert [a.value for a in amounts] == [18_000_000]


def test_amount_serialises_whole_yuan_as_int() -> None:
    amount = find_amount("6.5亿元")
    assert amount is not None
    assert amount.to_dict()["value"] == 650000000


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30", 30),
        ("３０", 30),
        ("1,000.5", 1000.5),
        ("三十", 30),
        ("十五", 15),
        ("一百零五", 105),
        ("壹佰", 100),
        ("伍仟万", 50_000_000),
        ("二〇二〇", 2020),
        ("thirty", 30),
        ("one hundred and twenty", 120),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


# Written for these tests (no corpus sentence): the duty's figure, not the threshold of its condition; currencies
# written before or after the figure; Chinese capitals.
@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("投资额在1000万元以上的，给予50万元奖励", 500_000, "CNY"),
        ("年纳税额超过500万元的，奖励企业20万元", 200_000, "CNY"),
        ("对固定资产投资达到1亿元以上的项目，一次性补助100万元", 1_000_000, "CNY"),
        ("每年营业收入在5000万元以上的企业，政府给予一次性奖励10万元", 100_000, "CNY"),
        ("新增投资超过2亿元，且年产值达到5亿元的，补助200万元", 2_000_000, "CNY"),
        ("甲方应支付补偿款100万元，逾期支付的，按日加收滞纳金", 1_000_000, "CNY"),
        ("乙方应投资美金500万", 5_000_000, "USD"),
        ("注册资本为美金二百万元", 2_000_000, "USD"),
        ("港币100万元", 1_000_000, "HKD"),
        ("the Company shall invest USD 5 million in the Project", 5_000_000, "USD"),
        ("registered capital of RMB 5 million", 5_000_000, "CNY"),
        ("一次性支付5,000 USD", 5_000, "USD"),
        ("the Concessionaire shall pay 1,000,000 USD", 1_000_000, "USD"),
        ("a fee of 2 million US dollars", 2_000_000, "USD"),
        ("价款为人民币伍佰万元整", 5_000_000, "CNY"),
        ("总价款为人民币叁仟贰佰万元（￥32,000,000.00）", 32_000_000, "CNY"),
    ],
)
def test_the_duty_figure(text: str, value: float, currency: str) -> None:
    amount = find_amount(text)
    assert amount is not None
    assert (amount.value, amount.currency) == (value, currency)


@pytest.mark.parametrize(
    "text",
    ["年产值5000万元以上的企业享受本政策", "投资额达到1亿元的，优先安排用地", "全市常住人口500万", "职工3万人"],
)
def test_thresholds_and_counts_are_not_the_duty_figure(text: str) -> None:
    assert find_amount(text) is None


def test_every_figure_is_still_listed() -> None:
    assert [a.value for a in find_amounts("投资额在1000万元以上的，给予50万元奖励")] == [10_000_000, 500_000]


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("乙方投资美金500万", 5_000_000, "USD"),
        ("The Company shall invest USD 5 million", 5_000_000, "USD"),
        ("乙方注册资本人民币壹仟万元整", 10_000_000, "CNY"),
        ("项目总投资5000万元人民币", 50_000_000, "CNY"),
        ("乙方应支付保证金¥1,000,000", 1_000_000, "CNY"),
        ("总投资1,000万元", 10_000_000, "CNY"),
        ("乙方应缴纳履约保证金1000000元人民币", 1_000_000, "CNY"),
        ("总投资２０００万元", 20_000_000, "CNY"),
        ("总投资 2 000万元", 20_000_000, "CNY"),
        ("an amount of 1,000,000 US Dollars", 1_000_000, "USD"),
        ("支付100万元至甲方账户", 1_000_000, "CNY"),
        ("乙方应在2020年底前支付100万元至2021年", 1_000_000, "CNY"),
    ],
)
def test_amounts_as_written(text: str, value: float, currency: str) -> None:
    amount = find_amount(text)
    assert amount is not None
    assert (amount.value, amount.currency) == (value, currency)


@pytest.mark.parametrize(
    "text",
    ["投资额为3000万元至5000万元", "补助资金3-5万元", "甲方奖励乙方10万元到20万元", "投资强度不低于300万元/亩"],
)
def test_a_range_of_sums_is_no_amount(text: str) -> None:
    assert find_amount(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("对投资额超过5000万元的项目，给予100万元奖励", 1_000_000),
        ("年纳税额首次突破1000万元，给予一次性奖励20万元", 200_000),
        ("凡投资1000万元以上项目，甲方给予10万元补助", 100_000),
        ("乙方承诺投资总额不低于10亿元，其中固定资产投资8亿元", 1_000_000_000),
        ("乙方投资总额达到10亿元", 1_000_000_000),
    ],
)
def test_the_duty_sum_not_the_threshold_of_its_condition(text: str, value: float) -> None:
    amount = find_amount(text)
    assert amount is not None
    assert amount.value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("支付保证金5000\n万元", 50_000_000), ("人民币\n伍仟万元整", 50_000_000), ("投资5000万\n元", 50_000_000)],
)
def test_a_line_break_inside_the_figure(text: str, value: float) -> None:
    amount = find_amount(text)
    assert amount is not None
    assert amount.value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("a fee of RMB50 million", 50_000_000), ("a deposit of RMB 2.5 million", 2_500_000), ("RMB 300,000", 300_000)],
)
def test_rmb_with_a_scale_word(text: str, value: float) -> None:
    amount = find_amount(text)
    assert amount is not None
    assert (amount.value, amount.currency) == (value, "CNY")
