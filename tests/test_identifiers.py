"""Login IDs and handles that cannot pass for another (koshiki.identifiers; issue 10 item 4)."""

from __future__ import annotations

import pytest

from koshiki.identifiers import (
    HANDLE_SYNTAX,
    IdentifierError,
    confusable_with,
    normalise_login_id,
    skeleton,
    validate_handle,
)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("koho.tanaka\u200b", "見えない文字（ZERO WIDTH SPACE）"),
        ("koho\u2060tanaka", "見えない文字（WORD JOINER）"),
        ("koho.\u202etanaka", "見えない文字（RIGHT-TO-LEFT OVERRIDE）"),
        ("\ufeffkoho.tanaka", "見えない文字（ZERO WIDTH NO-BREAK SPACE）"),
        ("koho tanaka", "空白"),
        ("koho\u3000tanaka", "空白"),  # the full-width space a Japanese IME types
        ("koho\ttanaka", "制御文字"),
        ("koho\x07tanaka", "制御文字"),
        ("kоho.tanaka", "複数の文字体系"),  # the o is Cyrillic
        ("koho.tαnaka", "複数の文字体系"),  # the a is Greek
        ("koho/tanaka", "使える記号"),
        ("koho'tanaka", "使える記号"),
        ("", "入力してください"),
        ("k" * 151, "150文字以内"),
    ],
)
def test_login_ids_with_invisible_foreign_or_odd_characters_are_refused(value, message):
    with pytest.raises(IdentifierError, match=message):
        normalise_login_id(value)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("koho.tanaka", "koho.tanaka"),
        ("ｋｏｈｏ．ｔａｎａｋａ", "koho.tanaka"),  # full-width typed by an IME: NFKC
        ("kanko_2025", "kanko_2025"),
        ("tanaka@city.example.lg.jp", "tanaka@city.example.lg.jp"),
        ("広報課たなか", "広報課たなか"),  # Han + Hiragana is one Japanese writing
        ("ｺｳﾎｳ.tanaka", "コウホウ.tanaka"),  # half-width katakana with Latin: Japanese, NFKC
    ],
)
def test_ordinary_login_ids_pass_and_are_stored_nfkc(value, stored):
    assert normalise_login_id(value) == stored


def test_look_alike_login_ids_share_a_skeleton_and_are_found():
    existing = ["koho.tanto", "kanko.kacho", "johoka"]
    assert confusable_with("koho.tanto\u200b", existing) == "koho.tanto"
    assert confusable_with("KOHO.TANTO", existing) == "koho.tanto"
    assert confusable_with("ｊｏｈｏｋａ", existing) == "johoka"
    # All-Cyrillic passes the mixed-script check, but not the skeleton one.
    assert confusable_with("соһо", ["coho"]) == "coho"
    assert skeleton("Kanko.Kacho") == skeleton("kanko.kacho")
    assert confusable_with("koho.tanto2", existing) is None
    assert confusable_with("kanko.tanto", existing) is None


@pytest.mark.parametrize(
    ("platform", "value", "stored"),
    [
        ("x", "@minato_koho", None),
        ("x", "＠minato_koho", "minato_koho"),
        ("instagram", "minato.kanko_official", None),
        ("facebook", "MinatoCityOffice", None),
        ("facebook", "100064512345678", None),
        ("line", "minatocity", None),
        ("youtube", "minato-city.koho", None),
        ("youtube", "UCabcdefghijklmnopqrstuv", None),
        ("youtube", "みなと市公式チャンネル", None),
        ("other", "minato.koho", None),
        ("x", "", ""),
    ],
)
def test_handles_in_their_platforms_syntax_pass(platform, value, stored):
    expected = stored if stored is not None else value.lstrip("@")
    assert validate_handle(platform, value) == expected


@pytest.mark.parametrize(
    ("platform", "value", "message"),
    [
        ("x", "minato_city_koho_official", "15文字まで"),  # 25 characters: X allows 15
        ("x", "minato.koho", "15文字まで"),  # X has no periods
        ("x", "minato koho", "空白"),
        ("x", "minato_koho\u200b", "見えない文字"),
        ("x", "minаto_koho", "複数の文字体系"),  # Cyrillic а
        ("instagram", "minato-kanko", "30文字まで"),  # Instagram has no hyphens
        ("instagram", "m" * 31, "30文字まで"),
        ("facebook", "minato_city", "ピリオド"),
        ("line", "minato city", "空白"),
        ("youtube", "mk", "3〜30文字"),
        ("other", "minato/koho", "「/ \\? #」"),
    ],
)
def test_handles_outside_their_platforms_syntax_are_refused(platform, value, message):
    with pytest.raises(IdentifierError, match=message):
        validate_handle(platform, value)


def test_every_registry_platform_has_its_syntax_as_data():
    from koshiki.checker.subjects import PLATFORMS

    assert set(PLATFORMS) == set(HANDLE_SYNTAX)


@pytest.mark.django_db
def test_the_demo_city_passes_the_validators():
    """load_demo's logins and handles are what a real city could type (they are copied from it)."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from koshiki.registry.models import Account

    call_command("load_demo", stdout=StringIO())
    usernames = list(get_user_model().objects.values_list("username", flat=True))
    assert len(usernames) > 20
    for username in usernames:
        assert normalise_login_id(username) == username
        assert confusable_with(username, [u for u in usernames if u != username]) is None
    handles = list(Account.objects.exclude(handle="").values_list("platform", "handle"))
    assert len(handles) > 8
    for platform, handle in handles:
        assert validate_handle(platform, handle) == handle, (platform, handle)
