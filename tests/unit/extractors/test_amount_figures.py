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
