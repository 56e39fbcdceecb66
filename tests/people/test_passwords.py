"""Guessable passwords of 12 characters and more are refused in Japanese (issue 10 item 6)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from koshiki.errors import ActionError
from koshiki.org.roles import Role
from koshiki.people.actions import do_change_own_password, do_create_person
from koshiki.people.passwords import GuessablePasswordValidator, city_words
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def _refusal(password, user=None):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize(
    "password",
    [
        "Password2025!",  # 13 characters: Django's own list does not have it
        "qwertyuiop123",
        "1q2w3e4r5t6y7u",
        "iloveyou12345",
        "Welcome@2025!",
        "passwordpassword",
        "Summer2024!!!",
    ],
)
def test_common_long_passwords_are_refused_in_japanese(password):
    assert len(password) >= 12
    assert "推測されやすいため使えません" in _refusal(password)


@pytest.mark.parametrize(
    "password",
    [
        "Kyoto2025Kyoto!",
        "kyoto-2025-0401",
        "京都市2025年4月1日",
        "きょうと20250401",
        "キョウトシ2025年4月!",
        "koshiki2025!!!",
        "公式パスワード2025!",
        "Koshiki@Kyoto12",
    ],
)
def test_the_citys_and_the_products_names_with_digits_are_refused(city, password):
    assert len(password) >= 12
    assert "推測されやすいため使えません" in _refusal(password)


def test_a_city_is_known_by_kanji_kana_and_romaji(city):
    city.municipality.website = "https://www.city.kyoto.lg.jp/"
    words = city_words(city.municipality)
    assert {"京都市", "京都", "キョウトシ", "きょうと", "kyoto"} <= words
    assert not words & {"www", "city", "lg", "jp"}


@pytest.mark.parametrize(
    "password",
    ["haru-no-kouhou-77", "Minato-Koho-Haru-2025", "kyoto-sakura-hanami-ame-77", "correct horse battery"],
)
def test_long_unrelated_passphrases_pass(city, password):
    validate_password(password, None)


def test_the_persons_own_login_and_name_count_as_guessable():
    user = make_user("koho.yamamoto", family="山本", given="花子")
    user.email = "hanako.yamamoto@city.kyoto.lg.jp"
    # The pieces of the login ID and mail address are words an attacker tries first.
    with pytest.raises(ValidationError, match="推測されやすい"):
        GuessablePasswordValidator().validate("yamamotohanako12", user)


def test_the_initial_and_the_own_password_are_both_checked(city):
    with pytest.raises(ActionError, match="推測されやすいため使えません"):
        do_create_person(
            city.people["office"],
            city.municipality,
            username="koho.ishida",
            family_name="石田",
            given_name="",
            password="Kyoto2025Kyoto!",
            role=Role.OPERATOR,
            unit=city.units["a"],
        )
    person = do_create_person(
        city.people["office"],
        city.municipality,
        username="koho.ishida",
        family_name="石田",
        given_name="",
        password="ishida-shoki-pass-48",
        role=Role.OPERATOR,
        unit=city.units["a"],
    )
    with pytest.raises(ActionError, match="推測されやすいため使えません"):
        do_change_own_password(person, "ishida-shoki-pass-48", "koshiki2025!!!")


def test_the_password_page_shows_the_refusal(city, client_for):
    user = make_user("koho.ueda", password="ueda-no-pass-2024-aki")
    page = client_for(user).post(
        "/password/",
        {
            "old_password": "ueda-no-pass-2024-aki",
            "new_password1": "qwertyuiop123",
            "new_password2": "qwertyuiop123",
        },
    )
    assert page.status_code == 200 and "推測されやすいため使えません" in page.content.decode()
