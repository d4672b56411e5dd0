"""Unified social credit code (统一社会信用代码, GB 32100-2015) validation by its check character."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str | None:
    """Return an error message, or ``None`` when ``code`` is a well-formed USCC with a correct check."""
    code = code.strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为18位 (a USCC has 18 characters)"
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return f"统一社会信用代码含非法字符 {bad[0]!r} (invalid character)"
    if check_character(code[:17]) != code[17]:
        return "统一社会信用代码校验位错误 (wrong check character)"
    return None
