import pytest
from django.core.exceptions import ValidationError

from dangjian.orgs.validators import mask_id, parse_citizen_id, validate_credit_code


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [("11010519491231002X", "1949-12-31", "F"), ("440524188001010014", "1880-01-01", "M")],
)
def test_it_accepts_valid_ids_and_reads_birth_date_and_sex(number, birth, sex):
    cid = parse_citizen_id(number)
    assert cid.birth_date.isoformat() == birth
    assert cid.sex == sex


def test_a_lowercase_x_is_accepted():
    assert parse_citizen_id("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "校验位不正确"),
        ("110105194902300027", "出生日期 19490230 不存在"),
        ("110105491231002", "15 位旧身份证号"),
        ("11010519491231002", "应为 18 位"),
        ("1101051949123100ZX", "应为 18 位"),
        ("110105299912310023", "不合理"),
    ],
)
def test_it_refuses_bad_ids_with_a_clear_message(number, message):
    with pytest.raises(ValidationError) as exc:
        parse_citizen_id(number)
    assert message in exc.value.messages[0]


def test_masking_keeps_the_last_four_only():
    assert mask_id("11010519491231002X") == "**************002X"


def test_masking_an_older_masked_form_hides_its_area_code_too():
    assert mask_id("110105********002X") == "**************002X"


def test_credit_codes_are_checked():
    validate_credit_code("91350100M000100Y43")
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code("91350100M000100Y44")
    with pytest.raises(ValidationError, match="18 位"):
        validate_credit_code("9135")
