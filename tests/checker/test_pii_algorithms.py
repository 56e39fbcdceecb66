"""The algorithms behind the pii rules: the 個人番号 check digit and phone allow-list matching."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from koshiki.checker import check
from koshiki.checker.profiles import load_profile
from koshiki.checker.rules.pii.mynumber import check_digit, is_valid_mynumber
from koshiki.checker.rules.pii.phone import allowed_numbers, find_numbers, to_e164

# ---- 個人番号 (総務省令第85号 第5条) ----

# Worked by hand: P_n is the n-th digit from the right of the 11-digit base,
# Q_n = n+1 (n <= 6) or n-5 (n >= 7); check = 0 if sum mod 11 <= 1 else 11 - (sum mod 11).
KNOWN = [
    # 1*2+0*3+9*4+8*5+7*6+6*7+5*2+4*3+3*4+2*5+1*6 = 212; 212 mod 11 = 3; 11-3 = 8
    ("12345678901", 8),
    # 9*2+0*3+1*4+2*5+3*6+4*7+5*2+6*3+7*4+8*5+9*6 = 228; 228 mod 11 = 8; 11-8 = 3
    ("98765432109", 3),
    # 1*2+3*3+6*4+7*5+7*6+7*7+1*2+4*3+1*4+9*5+2*6 = 236; 236 mod 11 = 5; 11-5 = 6
    ("29141777631", 6),
    # 6*2 = 12; 12 mod 11 = 1 -> 0 (remainder 1 gives 0, not 10)
    ("00000000006", 0),
    # 0 -> 0
    ("00000000000", 0),
    # 5*2 = 10; 10 mod 11 = 10; 11-10 = 1
    ("00000000005", 1),
    # 1*6 (P_11, Q_11 = 6) = 6; 11-6 = 5
    ("10000000000", 5),
]

# Weights of the base digits read left to right (P_11 .. P_1): the same rule, written differently.
LEFT_TO_RIGHT = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


@pytest.mark.parametrize(("base", "expected"), KNOWN)
def test_check_digit_matches_hand_computed_values(base, expected):
    assert check_digit(base) == expected
    assert is_valid_mynumber(base + str(expected))


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_check_digit_agrees_with_left_to_right_weights(base):
    remainder = sum(int(d) * w for d, w in zip(base, LEFT_TO_RIGHT, strict=True)) % 11
    assert check_digit(base) == (0 if remainder <= 1 else 11 - remainder)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_exactly_one_final_digit_is_valid(base):
    assert sum(is_valid_mynumber(base + str(d)) for d in range(10)) == 1


@pytest.mark.parametrize(
    "number", ["12345678901", "1234567890189", "12345678901a", "１２３４５６７８９０１８", ""]
)
def test_is_valid_mynumber_needs_exactly_twelve_ascii_digits(number):
    assert not is_valid_mynumber(number)


def test_check_digit_refuses_a_base_of_the_wrong_length():
    with pytest.raises(ValueError):
        check_digit("1234567890")


def test_mynumber_severity_depends_on_the_keyword_nearby():
    def severities(text: str) -> list[str]:
        return [f.severity.value for f in check(text) if f.rule == "pii.mynumber"]

    assert severities("マイナンバーは 1234-5678-9018 です") == ["error"]
    assert severities("受付番号は 1234-5678-9018 です") == ["warning"]
    assert severities("受付番号は 1234-5678-9019 です") == []
    assert severities("1234-5678-9018-7") == []


# ---- 電話番号の許可リスト ----

SAME_NUMBER = [
    "075-222-3111",
    "０７５－２２２－３１１１",
    "075(222)3111",
    "（０７５）２２２－３１１１",
    "075.222.3111",
    "075 222 3111",
    "0752223111",
    "+81-75-222-3111",
    "+81 (0)75 222 3111",
    "０７５ー２２２ー３１１１",
]


@pytest.mark.parametrize("notation", SAME_NUMBER)
def test_every_notation_normalises_to_the_same_e164(notation):
    assert to_e164(notation) == "+81752223111"


def test_to_e164_returns_none_for_what_is_not_a_number():
    assert to_e164("お問い合わせ") is None
    assert to_e164("12") is None


def test_allow_list_entries_may_carry_labels_several_numbers_and_emails():
    allowed = allowed_numbers(
        ["TEL 075-222-3111 / FAX 075-212-2902"], ["koho@city.kyoto.lg.jp", "０９０（１２３４）５６７８"]
    )
    assert allowed == {"+81752223111", "+81752122902", "+819012345678"}


@pytest.mark.parametrize("notation", SAME_NUMBER)
def test_registered_number_is_allowed_in_any_notation(notation):
    base = load_profile("standard")
    profile = dataclasses.replace(
        base, params=MappingProxyType({**base.params, "public_phones": ["075-222-3111"]})
    )
    assert [f for f in check(f"お問い合わせは {notation} まで", profile) if f.rule == "pii.phone"] == []
    # Without the allow-list the same number is a warning.
    findings = [f for f in check(f"お問い合わせは {notation} まで") if f.rule == "pii.phone"]
    assert [f.severity.value for f in findings] == ["warning"]


@pytest.mark.parametrize(
    ("number", "severity"),
    [
        ("090-1234-5678", "error"),
        ("080-1234-5678", "error"),
        ("070-1234-5678", "error"),
        ("060-1234-5678", "error"),
        ("050-1234-5678", "error"),
        ("03-1234-5678", "warning"),
        ("0120-123-456", "warning"),
    ],
)
def test_mobile_and_ip_numbers_are_errors_others_warnings(number, severity):
    findings = [f for f in check(f"連絡先 {number}") if f.rule == "pii.phone"]
    assert [f.severity.value for f in findings] == [severity]


def test_public_contacts_allow_a_number_for_one_post():
    text = "受付：090-1234-5678（実行委員会）"
    assert [f for f in check(text) if f.rule == "pii.phone"]
    context = {"public_contacts": ["090 1234 5678"]}
    assert [f for f in check(text, context=context) if f.rule == "pii.phone"] == []


def test_a_run_with_a_postal_code_and_a_number_is_split_at_the_space():
    norm = "〒060-0001 011-231-0111"
    assert [norm[a:b] for a, b, _ in find_numbers(norm)] == ["011-231-0111"]


@pytest.mark.parametrize(
    "text",
    [
        "#7119",
        "110番",
        "119",
        "2025-04-01",
        "令和7年4月1日",
        "〒604-8571",
        "1,000円",
        "120人",
        "09:00-17:00",
        "0.5 0.6 0.7 0.8 0.9",
    ],
)
def test_short_codes_dates_prices_counts_and_postal_codes_are_not_numbers(text):
    assert list(find_numbers(text)) == []
