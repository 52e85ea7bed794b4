"""Credit codes (GB 32100-2015) and venue address folding (DESIGN §4)."""

import pytest

from models.address import address_key
from models.credit_code import CreditCodeError, validate_credit_code, with_check_character

# Backend-independent (pure functions, no database): .ci/run runs it on PostgreSQL only.
pytestmark = pytest.mark.any_backend


def test_credit_code_examples_from_the_design() -> None:
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    with pytest.raises(CreditCodeError):
        validate_credit_code("91350100M000100Y4Z")


@pytest.mark.parametrize(
    "bad",
    ["", "91350100M000100Y4", "91350100M000100Y431", "91350100I000100Y43", "91350100M000100Y44"],
)
def test_bad_credit_codes(bad: str) -> None:
    with pytest.raises(CreditCodeError):
        validate_credit_code(bad)


def test_codes_with_letters_in_the_first_eight_characters() -> None:
    code = with_check_character("Y1350100MA0000001")
    assert validate_credit_code(code) == code


def test_address_folding() -> None:
    assert address_key("厦门市 思明区，演武路１２号（A栋）") == address_key(
        "厦门市思明区演武路12号(a栋)"
    )
    assert address_key("演武路12号") != address_key("演武路21号")
