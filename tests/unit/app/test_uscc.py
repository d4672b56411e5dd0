from __future__ import annotations

import pytest

from app.uscc import check_character, validate_uscc


def test_the_standards_example_is_valid() -> None:
    assert validate_uscc("91350100M000100Y43") is None  # the example code of GB 32100-2015
    assert validate_uscc(" 91350100m000100y43 ") is None  # case and surrounding blanks are forgiven


@pytest.mark.parametrize("body", ["A1440600MB2C4567", "N2440600MB2C4567", "Y1440600MB2C4567"])
def test_a_letter_first_is_allowed(body: str) -> None:
    # registering authorities A, N, Y …: python-stdnum wrongly rejects these
    code = body + "8" + check_character(body + "8")
    assert validate_uscc(code) is None


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y4", "18"),
        ("91350100M000100YI3", "非法字符"),
        ("91350100M000100Y44", "校验位"),
        ("91350100O000100Y43", "非法字符"),
    ],
)
def test_invalid_codes(code: str, fragment: str) -> None:
    problem = validate_uscc(code)
    assert problem is not None
    assert fragment in problem


def test_known_check_character() -> None:
    # 9·1 + 1·3 + 3·9 + 5·27 + 0 + 1·26 + 0 + 0 + M(21)·20 + 0·29 + 0 + 0 + 1·8 + 0 + 0 + Y(30)·30 + 4·28
    # = 1640; 1640 mod 31 = 28; 31 − 28 = 3
    assert check_character("91350100M000100Y4") == "3"
