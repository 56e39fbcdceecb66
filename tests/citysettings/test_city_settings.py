"""City settings (issue 9 item 5): the governance office's versioned values over the city's profile.

They change what the checker finds for that city's posts and accounts, every
save is a new version with an audit event (before -> after), bad values are
refused in Japanese with nothing stored, and only the city's own office may
change them.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from koshiki.audit.models import AuditEvent
from koshiki.citysettings.actions import SettingsError, do_change_city_settings
from koshiki.citysettings.effective import effective_profile
from koshiki.citysettings.models import CitySettings
from koshiki.errors import ActionError
from koshiki.posts import actions
from koshiki.registry.attention import account_findings

pytestmark = pytest.mark.django_db

# 京都市の代表番号ではなく、区役所の窓口の番号を書いた投稿。
WARD_POST = "住民票の写しは北区役所でも受け取れます。お問い合わせは北区役所市民窓口課（075-432-1199）まで。"


def _rules(draft) -> set[str]:  # noqa: ANN001
    return {f["rule"] for f in draft.current_revision.findings}


def test_an_office_setting_changes_a_finding_and_is_versioned_and_audited(kyoto):
    before = actions.do_create_draft(kyoto.operator, kyoto.account, WARD_POST)
    assert "pii.phone" in _rules(before)

    row = do_change_city_settings(
        kyoto.office,
        kyoto.municipality,
        {"public_phones": "075-222-3111\n075-432-1199"},
        reason="北区役所市民窓口課の番号を公表番号に追加",
    )
    assert row.version == 1 and row.values == {"public_phones": ["075-222-3111", "075-432-1199"]}
    after = actions.do_create_draft(kyoto.operator, kyoto.account, WARD_POST)
    assert "pii.phone" not in _rules(after)

    event = AuditEvent.objects.get(action="city_settings.change")
    assert event.summary["before"] == {"public_phones": ["075-222-3111"]}
    assert event.summary["after"] == {"public_phones": ["075-222-3111", "075-432-1199"]}
    assert event.summary["details"]["version"] == 1

    second = do_change_city_settings(
        kyoto.office, kyoto.municipality, {"marketing_subject": "京都市観光協会"}
    )
    assert second.version == 2
    # A later version keeps the earlier change: only the named key moved.
    assert second.values == {
        "public_phones": ["075-222-3111", "075-432-1199"],
        "marketing_subject": "京都市観光協会",
    }
    assert [r.version for r in CitySettings.objects.filter(municipality=kyoto.municipality)] == [2, 1]


def test_findings_checked_before_a_settings_change_are_stale(kyoto):
    draft = actions.do_create_draft(kyoto.operator, kyoto.account, "市民プールは7月1日にオープンします。")
    do_change_city_settings(kyoto.office, kyoto.municipality, {"public_phones": "075-222-3111\n075-432-1199"})
    with pytest.raises(ActionError, match="チェックの基準"):
        actions.do_submit(kyoto.operator, draft)


def test_setting_a_value_back_to_the_profiles_removes_the_override(kyoto):
    do_change_city_settings(kyoto.office, kyoto.municipality, {"public_phones": "075-432-1199"})
    row = do_change_city_settings(kyoto.office, kyoto.municipality, {"public_phones": "075-222-3111"})
    assert row.values == {}
    assert effective_profile(kyoto.municipality).param("public_phones") == ["075-222-3111"]
    with pytest.raises(ActionError, match="変更がありません"):
        do_change_city_settings(kyoto.office, kyoto.municipality, {"public_phones": "075-222-3111"})


def test_account_findings_follow_the_citys_naming_prefix(make_city):
    city = make_city("kawasaki")
    assert "account.naming" not in {f.rule for f in account_findings(city.account)}
    do_change_city_settings(city.office, city.municipality, {"account_naming_prefix": "かわさき市"})
    naming = [f for f in account_findings(city.account) if f.rule == "account.naming"]
    assert naming and "「かわさき市」で始まっていません" in naming[0].message


@pytest.mark.parametrize(
    ("form", "key", "problem"),
    [
        ({"public_phones": "075 222 3111"}, "public_phones", "半角数字とハイフン"),
        ({"official_domains": "https://www.city.kyoto.lg.jp/"}, "official_domains", "https:// や / は不要"),
        ({"account_dormancy_days": "半年"}, "account_dormancy_days", "整数で入力してください"),
        ({"account_dormancy_days": "0"}, "account_dormancy_days", "整数で入力してください"),
        ({"account_naming_pattern": "京都市(広報"}, "account_naming_pattern", "正規表現として読めません"),
        ({"public_phones": "075-222-3111\n075-222-3111"}, "public_phones", "同じものが2回"),
        ({"checker_rules": "off"}, "checker_rules", "変更できない項目です"),
    ],
)
def test_bad_values_are_refused_in_japanese_and_nothing_is_stored(kyoto, form, key, problem):
    with pytest.raises(SettingsError) as excinfo:
        do_change_city_settings(kyoto.office, kyoto.municipality, form)
    assert problem in excinfo.value.errors[key]
    assert not CitySettings.objects.exists()
    assert not AuditEvent.objects.filter(action="city_settings.change").exists()


@pytest.mark.parametrize("who", ["operator", "head", "auditor", "member", "security", "nobody"])
def test_only_the_governance_office_changes_settings(kyoto, who):
    with pytest.raises(PermissionDenied):
        do_change_city_settings(getattr(kyoto, who), kyoto.municipality, {"public_phones": "075-432-1199"})
    assert not CitySettings.objects.exists()


def test_another_citys_office_cannot_change_settings(kyoto, make_city):
    komae = make_city("komae")
    with pytest.raises(PermissionDenied):
        do_change_city_settings(komae.office, kyoto.municipality, {"public_phones": "03-3430-1111"})
    assert not CitySettings.objects.exists()
    # Its own settings do not reach the other city's checks.
    do_change_city_settings(komae.office, komae.municipality, {"public_phones": "03-3430-1199"})
    assert effective_profile(kyoto.municipality).param("public_phones") == ["075-222-3111"]


def test_the_settings_page_saves_a_version_and_shows_errors(kyoto, client_for):
    office = client_for(kyoto.office)
    page = office.get("/settings/")
    assert page.status_code == 200 and "公表している電話番号" in page.content.decode()
    bad = office.post("/settings/", {"public_phones": "075-222-311１１１", "reason": ""})
    assert bad.status_code == 400 and "半角数字とハイフン" in bad.content.decode()
    assert not CitySettings.objects.exists()
    good = office.post(
        "/settings/", {"public_phones": "075-222-3111\n075-432-1199", "reason": "北区役所を追加"}
    )
    assert good.status_code == 302
    history = office.get("/settings/").content.decode()
    assert "第1版" in history and "075-432-1199" in history and "北区役所を追加" in history


def test_other_roles_read_the_settings_but_cannot_post_them(kyoto, client_for):
    head = client_for(kyoto.head)
    page = head.get("/settings/")
    assert page.status_code == 200 and "設定を変更できるのは所管課です" in page.content.decode()
    assert head.post("/settings/", {"public_phones": "075-432-1199"}).status_code == 403
    assert client_for(kyoto.nobody).get("/settings/").status_code == 403
    assert not CitySettings.objects.exists()
