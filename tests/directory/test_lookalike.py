"""Look-alike handles: imitations of official handles are caught, unrelated handles are not."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koshiki.directory.lookalike import compare, damerau_levenshtein, lookalikes, same_handle

# A city's official handles, as its public list would hold them.
OFFICIAL = ["kyoto_city", "kyotocity_koho", "kyoto_city_zoo", "visitkyoto_jp", "Kyoto_Bousai"]


@pytest.mark.parametrize(
    ("handle", "official", "reason"),
    [
        ("kyot0_city", "kyoto_city", "数字の「0」が英字の「o」の代わりに使われています"),
        ("kyoto_clty", "kyoto_city", "英字の「l」が英字の「i」の代わりに使われています"),
        ("kyoto_c1ty", "kyoto_city", "数字の「1」が英字の「i」の代わりに使われています"),
        ("kyoto_city_jp", "kyoto_city", "末尾に _jp が追加されています"),
        ("official_kyoto_city", "kyoto_city", "先頭に official_ が追加されています"),
        ("kyoto_city_support", "kyoto_city", "末尾に _support が追加されています"),
        ("ｋｙｏｔｏ＿ｃｉｔｙ", "kyoto_city", "全角文字が使われています"),
        ("KyotoCity", "kyoto_city", "区切り記号「_」が省かれています"),
        ("kyoto.city", "kyoto_city", "区切り記号の種類や位置が異なります"),
        ("kyоto_city", "kyoto_city", "キリル文字の「о」が英字の「o」の代わりに使われています"),
        ("kyoto_ctiy", "kyoto_city", "「it」の2文字が入れ替わっています"),
        ("kyoto_cty", "kyoto_city", "「i」が抜けています"),
        ("kyotto_city", "kyoto_city", "「t」が余分に入っています"),
        ("visitkyoto", "visitkyoto_jp", "末尾の _jp が省かれています"),
        ("kyoto_bousal", "Kyoto_Bousai", "英字の「l」が英字の「i」の代わりに使われています"),
        ("kyoto_city_zo0", "kyoto_city_zoo", "数字の「0」が英字の「o」の代わりに使われています"),
    ],
)
def test_imitations_are_lookalikes_with_a_japanese_reason(handle, official, reason):
    found = dict(lookalikes(handle, OFFICIAL))
    assert official in found, f"{handle} should imitate {official}: {found}"
    assert reason in found[official]
    assert lookalikes(handle, OFFICIAL)[0][0] == official  # the closest official comes first


@pytest.mark.parametrize(
    "handle",
    [
        "osaka_city",
        "kobe_city",
        "tokyo_city",
        "kyoto_pref",
        "kyoto",
        "city_kyoto",
        "nara_city",
        "kyoto_univ",
        "kyotocitybus_fan",
        "yamada_taro",
        "",
        "@",
    ],
)
def test_unrelated_handles_are_not_lookalikes(handle):
    assert lookalikes(handle, OFFICIAL) == []


@pytest.mark.parametrize(
    "handle", ["kyoto_city", "Kyoto_City", "@kyoto_city", " @KYOTO_CITY ", "kyoto_bousai"]
)
def test_an_official_handle_is_not_a_lookalike_of_anything(handle):
    assert lookalikes(handle, OFFICIAL) == []


def test_one_letter_substitution_in_a_short_name_is_another_city_not_an_imitation():
    # 奈良市と那覇市: short names differ by one letter far too often.
    assert lookalikes("naha_city", ["nara_city"]) == []
    assert lookalikes("kyoto_citu", ["kyoto_city"]) == []


def test_long_names_tolerate_two_edits():
    assert lookalikes("kawasaki_miyamea_ku", ["kawasaki_miyamae_ku"])
    assert lookalikes("kawasaki_miyamae_kuu", ["kawasaki_miyamae_ku"])


def test_same_handle_ignores_case_and_at_sign():
    assert same_handle("@Kyoto_City", "kyoto_city")
    assert not same_handle("ｋｙｏｔｏ_city", "kyoto_city")
    assert not same_handle("", "")


def test_damerau_levenshtein_is_bounded():
    assert damerau_levenshtein("kyotocity", "kyotocity", 2) == 0
    assert damerau_levenshtein("kyotocity", "kyotcoity", 2) == 1
    assert damerau_levenshtein("kyotocity", "osakacity", 2) == 3  # bound + 1
    assert damerau_levenshtein("a" * 100, "b" * 100, 1) == 2


# Generating long random text is slow on a loaded machine: that says nothing about the code.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=300), st.lists(st.text(max_size=120), max_size=5))
def test_lookalikes_never_raise(handle, officials):
    for official, reason in lookalikes(handle, officials):
        assert official in officials and reason


def test_compare_is_none_for_identical_and_empty():
    assert compare("kyoto_city", "KYOTO_CITY") is None
    assert compare("", "kyoto_city") is None
