"""Look-alike detection on handles shaped like real city accounts: one table of must-match and must-not-match.

Official handles carry the suffixes city accounts really use (``_koho``,
``_pr``, ``_official``, ``_city``, a prefecture name ``_tokyo`` or code
``_13``); imitations add or swap affixes, swap homoglyphs (0/o, 1/l/I,
rn/m, Cyrillic), double or insert letters and change separators. Handles of
other real cities and the city's own other accounts must never be called
imitations (issue 9 item 7).
"""

from __future__ import annotations

import pytest

from koshiki.directory.lookalike import compare, lookalikes, official_forms

# (candidate, official handle, a phrase of the Japanese reason)
MUST_MATCH = [
    # 港区 広報 (minato_city_koho): the handles issue 9 found missed
    ("minato_city_koho_jp", "minato_city_koho", "末尾に _jp が追加されています"),
    ("minato_city_kohoo", "minato_city_koho", "「o」が余分に入っています"),
    ("minato_city_koh0", "minato_city_koho", "数字の「0」が英字の「o」の代わりに使われています"),
    ("minato_city_koho1", "minato_city_koho", "「1」が余分に入っています"),
    # affixes added, swapped or dropped
    ("official_minato_city_koho", "minato_city_koho", "先頭に official_ が追加されています"),
    ("minato_city_koho_official", "minato_city_koho", "末尾に _official が追加されています"),
    ("minato_city_koho_info_jp", "minato_city_koho", "末尾に _info_jp が追加されています"),
    ("minato_city_pr", "minato_city_koho", "末尾が _koho から _pr に変わっています"),
    ("minato_city_kouhou", "minato_city_koho", "末尾が _koho から _kouhou に変わっています"),
    ("minato_city", "minato_city_koho", "末尾の _koho が省かれています"),
    ("minatocitykohojp", "minato_city_koho", "末尾に jp が追加されています"),
    # homoglyphs
    ("mlnato_city_koho", "minato_city_koho", "英字の「l」が英字の「i」の代わりに使われています"),
    ("minato_clty_koho", "minato_city_koho", "英字の「l」が英字の「i」の代わりに使われています"),
    ("m1nato_city_koho", "minato_city_koho", "数字の「1」が英字の「i」の代わりに使われています"),
    (
        "kyoto_city_haII",
        "kyoto_city_hall",
        "英字の「ii」が英字の「ll」の代わりに使われています",
    ),  # capital I for l
    ("rninato_city_koho", "minato_city_koho", "英字の「rn」が英字の「m」の代わりに使われています"),
    ("minаto_city_koho", "minato_city_koho", "キリル文字の「а」が英字の「a」の代わりに使われています"),
    ("minato_сity_koho", "minato_city_koho", "キリル文字の「с」が英字の「c」の代わりに使われています"),
    ("ｍｉｎａｔｏ＿ｃｉｔｙ＿ｋｏｈｏ", "minato_city_koho", "全角文字が使われています"),
    # inserted, doubled, omitted and swapped letters
    ("minatto_city_koho", "minato_city_koho", "「t」が余分に入っています"),
    ("minato_ciity_koho", "minato_city_koho", "「i」が余分に入っています"),
    ("minato_city_kohho", "minato_city_koho", "「h」が余分に入っています"),
    ("minato_cty_koho", "minato_city_koho", "「i」が抜けています"),
    ("minaot_city_koho", "minato_city_koho", "「to」の2文字が入れ替わっています"),
    # separators
    ("minato-city-koho", "minato_city_koho", "区切り記号の種類や位置が異なります"),
    ("minato.city.koho", "minato_city_koho", "区切り記号の種類や位置が異なります"),
    ("minatocitykoho", "minato_city_koho", "区切り記号「_」が省かれています"),
    ("minato__city_koho", "minato_city_koho", "区切り記号の種類や位置が異なります"),
    # _pr: 神戸市
    ("kobe_city_pr_jp", "kobe_city_pr", "末尾に _jp が追加されています"),
    ("k0be_city_pr", "kobe_city_pr", "数字の「0」が英字の「o」の代わりに使われています"),
    ("kobe_city_official", "kobe_city_pr", "末尾が _pr から _official に変わっています"),
    ("kobbe_city_pr", "kobe_city_pr", "「b」が余分に入っています"),
    # _official: 仙台市
    ("sendai_city_offical", "sendai_city_official", "末尾が _official から _offical に変わっています"),
    ("sendai_clty_official", "sendai_city_official", "英字の「l」が英字の「i」の代わりに使われています"),
    ("sendaii_city_official", "sendai_city_official", "「i」が余分に入っています"),
    ("sendai_city", "sendai_city_official", "末尾の _official が省かれています"),
    # _city: 大分市
    ("oita_city_jp", "oita_city", "末尾に _jp が追加されています"),
    ("0ita_city", "oita_city", "数字の「0」が英字の「o」の代わりに使われています"),
    ("oitta_city", "oita_city", "「t」が余分に入っています"),
    ("oita.city", "oita_city", "区切り記号の種類や位置が異なります"),
    ("oita_city_koho", "oita_city", "末尾に _koho が追加されています"),
    # prefecture name: 府中市（東京都）
    ("fuchu_tokyo_jp", "fuchu_tokyo", "末尾に _jp が追加されています"),
    ("fuchu_t0kyo", "fuchu_tokyo", "数字の「0」が英字の「o」の代わりに使われています"),
    ("fuchu_tokyoo", "fuchu_tokyo", "「o」が余分に入っています"),
    ("fuchu_tokyo_pr", "fuchu_tokyo", "末尾に _pr が追加されています"),
    # prefecture code: 中央区（東京都 = 13）
    ("chuo_city_13_jp", "chuo_city_13", "末尾に _jp が追加されています"),
    ("chuo_city_l3", "chuo_city_13", "英字の「l」が数字の「1」の代わりに使われています"),
    ("chuo_clty_13", "chuo_city_13", "英字の「l」が英字の「i」の代わりに使われています"),
    ("chuo_city13", "chuo_city_13", "区切り記号の種類や位置が異なります"),
    ("chuo_ciity_13", "chuo_city_13", "「i」が余分に入っています"),
]

# (candidate, official handle): another real account, never an imitation.
MUST_NOT_MATCH = [
    # other cities whose names are a letter or two apart
    ("kobe_city_koho", "kyoto_city_koho"),  # 神戸市 / 京都市
    ("kyoto_city_koho", "kobe_city_koho"),
    ("kofu_city_koho", "kobe_city_koho"),  # 甲府市 / 神戸市
    ("ota_city_koho", "oita_city_koho"),  # 大田区 / 大分市
    ("oita_city", "ota_city"),
    ("naha_city", "nara_city"),  # 那覇市 / 奈良市
    ("nara_city_koho", "naha_city_koho"),
    ("toyama_city_koho", "toyota_city_koho"),  # 富山市 / 豊田市
    ("toyota_city", "toyama_city"),
    ("mino_city_koho", "mito_city_koho"),  # 美濃市 / 水戸市
    ("takasago_city_koho", "takasaki_city_koho"),  # 高砂市 / 高崎市
    ("sakata_city", "sakai_city"),  # 酒田市 / 堺市
    ("kyoto_pref_koho", "kyoto_city_koho"),  # 京都府 / 京都市
    # the same name in another prefecture: codes and names tell them apart
    ("chuo_city_27", "chuo_city_13"),  # 大阪市中央区 / 東京都中央区
    ("chuo_city_28", "chuo_city_13"),
    ("fuchu_hiroshima", "fuchu_tokyo"),  # 府中市（広島県）/ 府中市（東京都）
    ("minato_osaka", "minato_tokyo"),
    ("minato_nagoya_koho", "minato_tokyo_koho"),
    # the city's other official accounts
    ("minato_city_bousai", "minato_city_koho"),
    ("minato_city_kosodate", "minato_city_koho"),
    ("minato_city_koho", "minato_city_bousai"),
    ("minato_kanko_pr", "minato_city_koho"),
    ("kobe_city_zoo", "kobe_city_pr"),
    # a word that merely starts like an affix is not that affix
    ("atre_kyoto", "theatre_kyoto"),
    ("ku_city_yokohama", "kohoku_city_yokohama"),  # 港北区: "koho" is not its prefix
    # unrelated
    ("yamada_taro", "minato_city_koho"),
    ("minato_city_fan_club", "minato_city_koho"),
]


@pytest.mark.parametrize(("handle", "official", "reason"), MUST_MATCH)
def test_imitations_of_real_shaped_handles_are_caught(handle, official, reason):
    found = dict(lookalikes(handle, [official]))
    assert official in found, f"{handle} should imitate {official}"
    assert reason in found[official]


@pytest.mark.parametrize(("handle", "official"), MUST_NOT_MATCH)
def test_other_real_accounts_are_not_called_imitations(handle, official):
    assert lookalikes(handle, [official]) == []
    assert compare(handle, official) is None


# One city's public list: its imitations point at the right account, its own accounts at none.
MINATO = ["minato_city_koho", "minato_city_bousai", "minato_kosodate_pr", "minato_city_gikai", "minato_tokyo"]


@pytest.mark.parametrize("handle", MINATO + ["MINATO_CITY_KOHO", "@minato_city_bousai"])
def test_the_citys_own_accounts_imitate_nothing(handle):
    assert lookalikes(handle, MINATO) == []


@pytest.mark.parametrize(
    ("handle", "closest"),
    [
        ("minato_city_koho_jp", "minato_city_koho"),
        ("minato_city_b0usai", "minato_city_bousai"),
        ("minato_kosodate_pr_jp", "minato_kosodate_pr"),
        ("minato_clty_gikai", "minato_city_gikai"),
        ("minato_tokyo_official", "minato_tokyo"),
    ],
)
def test_an_imitation_is_matched_first_to_the_account_it_copies(handle, closest):
    assert lookalikes(handle, MINATO)[0][0] == closest


def test_official_forms_computed_once_give_the_same_answer_as_handles():
    prepared = [official_forms(h) for h in MINATO]
    for handle, _official, _reason in MUST_MATCH[:12]:
        assert lookalikes(handle, prepared) == lookalikes(handle, MINATO)
