"""统一社会信用代码 checks (GB 32100-2015).

python-stdnum implements the check character; its `validate` only accepts codes whose first
eight characters are digits, while registration-authority codes such as N (农业) or Y (其他)
are legal, so the format check for those is done here with stdnum's alphabet and checksum.
"""

from stdnum.cn import uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


class CreditCodeError(ValueError):
    pass


def normalize_credit_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def validate_credit_code(raw: str) -> str:
    """Return the normalized code or raise CreditCodeError with a reason a person can act on."""
    code = normalize_credit_code(raw)
    if len(code) != 18:
        raise CreditCodeError("统一社会信用代码应为18位")
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise CreditCodeError(f"统一社会信用代码含有不允许使用的字符：{''.join(bad)}")
    if uscc.calc_check_digit(code[:17]) != code[17]:
        raise CreditCodeError("统一社会信用代码校验码不正确（GB 32100-2015）")
    return code


def with_check_character(first17: str) -> str:
    """Complete a 17-character prefix with its check character (for demo data and tests)."""
    return first17 + uscc.calc_check_digit(first17)
