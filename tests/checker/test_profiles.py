"""Profiles: the shipped TOML files load, bind every rule to their own clauses, and fail loudly when broken."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from koshiki.checker import cli
from koshiki.checker.findings import Severity
from koshiki.checker.profiles import PROFILE_DIR, Profile, ProfileError, available, load_profile
from koshiki.checker.registry import Rule, all_rules

CITIES = ("kyoto", "komae", "ishinomaki", "akitakata", "kawasaki")
SHIPPED = ("standard", *CITIES)
POST_RULES = sorted(r.id for r in all_rules().values() if r.subject == "post" and r.status != "removed")
ALL_RULES = sorted(r.id for r in all_rules().values() if r.status != "removed")

# Strictness order for comparing profiles: a switched-off rule is the weakest.
STRICTNESS = {"off": 0, Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


def effective_severity(profile: Profile, rule: Rule) -> Severity | str:
    """The severity a profile applies to a rule: ``off``, its own override, or the rule's default."""
    binding = profile.bindings.get(rule.id)
    if binding is None or not binding.enabled:
        return "off"
    return binding.severity or rule.default_severity


def write(directory: Path, profile_id: str, body: str) -> Path:
    path = directory / f"{profile_id}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def minimal(profile_id: str, extra: str = "") -> str:
    return f'id = "{profile_id}"\nname = "試験用 {profile_id}"\nmunicipality = "試験市"\n{extra}'


# ---- the shipped profiles ----


def test_the_five_cities_and_standard_are_shipped():
    assert set(SHIPPED) <= set(available())


@pytest.mark.parametrize("profile_id", available())
def test_every_shipped_profile_loads(profile_id):
    profile = load_profile(profile_id)
    assert profile.id == profile_id
    assert profile.name and profile.municipality
    assert profile.path == PROFILE_DIR / f"{profile_id}.toml"


@pytest.mark.parametrize("profile_id", available())
def test_every_shipped_profile_keeps_the_government_domains(profile_id):
    # A city's own list replaces standard's (params merge key by key), so it must repeat lg.jp and go.jp.
    domains = load_profile(profile_id).param("official_domains")
    assert {"lg.jp", "go.jp"} <= set(domains)


def test_standard_binds_every_post_rule_to_a_clause():
    standard = load_profile("standard")
    for rule_id in POST_RULES:
        binding = standard.bindings.get(rule_id)
        assert binding is not None and binding.enabled, f"standard does not apply {rule_id}"
        assert binding.clause.ref and binding.clause.title, rule_id


@pytest.mark.parametrize("city", CITIES)
def test_city_extends_standard_and_names_its_guideline(city):
    profile = load_profile(city)
    assert profile.extends == "standard"
    assert profile.guideline == f"shared/guidelines/{city}.md"
    with profile.path.open("rb") as fh:
        assert tomllib.load(fh).get("edition"), f"{city}: edition is missing"


@pytest.mark.parametrize("city", CITIES)
def test_city_decides_every_post_rule_in_its_own_file(city):
    """Each city binds or switches off every post rule itself, never silently inheriting standard's clause."""
    with (PROFILE_DIR / f"{city}.toml").open("rb") as fh:
        own = tomllib.load(fh).get("rules", {})
    missing = [rule_id for rule_id in POST_RULES if rule_id not in own]
    assert not missing, f"{city}.toml does not decide {missing}"


@pytest.mark.parametrize("city", CITIES)
def test_city_binds_every_active_post_rule_to_its_own_clause(city):
    profile = load_profile(city)
    active = profile.active("post")
    assert active, f"{city} applies no post rule"
    for rule, binding in active:
        assert binding.clause.profile == city, f"{city}: {rule.id} rests on {binding.clause.profile}'s clause"
        assert binding.clause.ref.strip(), f"{city}: {rule.id} has no clause ref"
        assert binding.clause.title.strip(), f"{city}: {rule.id} has no clause title"


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize("rule_id", ALL_RULES)
def test_standard_is_at_least_as_strict_as_every_city(city, rule_id):
    """standard is the strictest union: no city applies a rule more strongly than standard does."""
    rule = all_rules()[rule_id]
    std = effective_severity(load_profile("standard"), rule)
    own = effective_severity(load_profile(city), rule)
    assert STRICTNESS[std] >= STRICTNESS[own], f"{city} applies {rule_id} as {own}, standard only as {std}"


def test_kyoto_relation_tags_are_exactly_the_four_listed():
    params = load_profile("kyoto").params
    assert params["marketing_subject"] == "京都市"
    assert sorted(params["relation_tags"]) == sorted(["プロモーション", "PR", "宣伝", "広告"])
    assert params["relation_tags_exhaustive"] is True


def test_ishinomaki_relation_tags_are_examples():
    params = load_profile("ishinomaki").params
    assert params["marketing_subject"] == "石巻市"
    assert params["relation_tags_exhaustive"] is False


@pytest.mark.parametrize("city", ("komae", "akitakata", "kawasaki"))
def test_cities_without_a_disclosure_section_switch_promo_off(city):
    profile = load_profile(city)
    for rule_id in POST_RULES:
        if rule_id.startswith("promo."):
            assert not profile.bindings[rule_id].enabled, f"{city} applies {rule_id}"


def test_url_shorteners_are_checked_only_where_the_guideline_says_so():
    enabled = {city for city in CITIES if load_profile(city).bindings["link.shortener"].enabled}
    assert enabled == {"kyoto", "akitakata"}  # Kyoto 4(3)オ, Akitakata 4(1)


def test_account_parameters_have_sane_types():
    kawasaki = load_profile("kawasaki").params
    assert kawasaki["account_naming_prefix"] == "川崎市"
    assert isinstance(kawasaki["account_dormancy_days"], int) and kawasaki["account_dormancy_days"] > 0
    assert isinstance(kawasaki["account_password_max_age_days"], int)
    assert load_profile("ishinomaki").param("account_mfa") == "required"
    assert load_profile("kyoto").param("account_mfa") == "recommended"
    assert load_profile("akitakata").param("account_roster_renewal_month") == 4
    assert load_profile("komae").param("account_annual_review_month") == 3


@pytest.mark.parametrize("city", CITIES)
def test_docs_profiles_md_shows_each_citys_current_bindings(city):
    """docs/profiles.md records every decision; its rows must agree with the TOML."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "profiles.md").read_text(encoding="utf-8")
    profile = load_profile(city)
    start = text.index(f"（`{city}`）")
    section = text[start : text.find("\n## ", start)]
    for rule_id in POST_RULES:
        binding = profile.bindings[rule_id]
        rule = all_rules()[rule_id]
        if not binding.enabled:
            row = f"| `{rule_id}` | — | — | off |"
        elif binding.severity:
            row = f"| `{rule_id}` | {binding.clause.ref} | {binding.clause.title} | **{binding.severity.value}** |"
        else:
            row = f"| `{rule_id}` | {binding.clause.ref} | {binding.clause.title} | {rule.default_severity.value}（既定） |"
        assert row in section, f"docs/profiles.md ({city}) does not show: {row}"


# ---- extends ----


def test_extends_merges_params_and_bindings(tmp_path):
    write(
        tmp_path,
        "base",
        minimal(
            "base",
            'guideline = "base.md"\n'
            '[params]\nofficial_domains = ["lg.jp"]\nmarketing_subject = "基本市"\n'
            '[rules."pii.phone"]\nref = "1(1)"\ntitle = "電話番号"\nseverity = "error"\n'
            '[rules."pii.email"]\nref = "1(2)"\ntitle = "メール"\n'
            '[rules."style.repetition"]\nref = "1(3)"\ntitle = "繰り返し"\n'
            '[rules."style.repetition".options]\nthreshold = 0.8\n',
        ),
    )
    write(
        tmp_path,
        "child",
        minimal(
            "child",
            'extends = "base"\n'
            '[params]\nmarketing_subject = "子市"\npublic_phones = ["03-1234-5678"]\n'
            '[rules."pii.phone"]\nref = "2(1)"\ntitle = "子の電話番号"\n'
            '[rules."style.repetition"]\nref = "2(3)"\ntitle = "子の繰り返し"\n'
            '[rules."style.repetition".options]\nmin_length = 20\n'
            '[rules."pii.email"]\nseverity = "off"\n',
        ),
    )
    child = load_profile("child", directory=tmp_path)
    assert child.extends == "base"
    # params: inherited, overridden and added keys
    assert child.param("official_domains") == ["lg.jp"]
    assert child.param("marketing_subject") == "子市"
    assert child.param("public_phones") == ["03-1234-5678"]
    # bindings: the child's clause, the parent's severity and merged options
    phone = child.bindings["pii.phone"]
    assert (phone.clause.profile, phone.clause.ref, phone.clause.title) == ("child", "2(1)", "子の電話番号")
    assert phone.severity is Severity.ERROR
    assert dict(child.bindings["style.repetition"].options) == {"threshold": 0.8, "min_length": 20}
    assert not child.bindings["pii.email"].enabled
    # the parent itself is unchanged
    base = load_profile("base", directory=tmp_path)
    assert base.param("marketing_subject") == "基本市"
    assert base.bindings["pii.email"].enabled
    assert base.bindings["pii.phone"].clause.profile == "base"


def test_a_binding_the_child_does_not_mention_keeps_the_parents_clause(tmp_path):
    write(tmp_path, "base", minimal("base", '[rules."pii.email"]\nref = "1(2)"\ntitle = "メール"\n'))
    write(tmp_path, "child", minimal("child", 'extends = "base"\n'))
    binding = load_profile("child", directory=tmp_path).bindings["pii.email"]
    assert (binding.clause.profile, binding.clause.ref) == ("base", "1(2)")


# ---- broken profiles: ProfileError naming file, key and problem ----


def assert_profile_error(
    excinfo: pytest.ExceptionInfo[ProfileError], path: Path, key: str, problem: str
) -> None:
    message = str(excinfo.value)
    assert str(path) in message, message
    assert key in message, message
    assert problem in message, message
    assert excinfo.value.key == key


def test_a_cycle_in_extends_is_refused(tmp_path):
    write(tmp_path, "a", minimal("a", 'extends = "b"\n'))
    b = write(tmp_path, "b", minimal("b", 'extends = "a"\n'))
    with pytest.raises(ProfileError) as excinfo:
        load_profile("a", directory=tmp_path)
    assert_profile_error(excinfo, b, "extends", "継承が循環しています")
    assert "a -> b -> a" in str(excinfo.value)


def test_a_profile_extending_itself_is_refused(tmp_path):
    path = write(tmp_path, "self", minimal("self", 'extends = "self"\n'))
    with pytest.raises(ProfileError) as excinfo:
        load_profile("self", directory=tmp_path)
    assert_profile_error(excinfo, path, "extends", "継承が循環しています")


def test_unconfirmed_comments_cannot_be_routed_to_hiding(tmp_path):
    """The safeguard of issue 7 (no legitimate comment hidden) cannot be switched off by data."""
    path = write(tmp_path, "x", minimal("x", '[comments]\nunconfirmed_action = "hide_or_delete"\n'))
    with pytest.raises(ProfileError) as excinfo:
        load_profile("x", directory=tmp_path)
    assert_profile_error(excinfo, path, "comments.unconfirmed_action", "hide_or_delete 以外")


def test_an_unknown_rule_id_is_refused(tmp_path):
    path = write(tmp_path, "x", minimal("x", '[rules."pii.fax"]\nref = "1"\ntitle = "FAX"\n'))
    with pytest.raises(ProfileError) as excinfo:
        load_profile("x", directory=tmp_path)
    assert_profile_error(excinfo, path, 'rules."pii.fax"', "規則カタログにない規則 id です")


def test_a_bad_severity_is_refused(tmp_path):
    path = write(
        tmp_path, "x", minimal("x", '[rules."pii.phone"]\nref = "1"\ntitle = "電話"\nseverity = "fatal"\n')
    )
    with pytest.raises(ProfileError) as excinfo:
        load_profile("x", directory=tmp_path)
    assert_profile_error(excinfo, path, 'rules."pii.phone".severity', "error / warning / info / off")
    assert "fatal" in str(excinfo.value)


def test_an_enabled_rule_without_a_ref_is_refused(tmp_path):
    path = write(tmp_path, "x", minimal("x", '[rules."pii.phone"]\ntitle = "電話"\n'))
    with pytest.raises(ProfileError) as excinfo:
        load_profile("x", directory=tmp_path)
    assert_profile_error(excinfo, path, 'rules."pii.phone"', "条項の ref と title が必要です")


def test_malformed_toml_is_refused(tmp_path):
    path = write(tmp_path, "x", 'id = "x"\nname = "試験\n')
    with pytest.raises(ProfileError) as excinfo:
        load_profile("x", directory=tmp_path)
    assert_profile_error(excinfo, path, "(syntax)", "TOML として読めません")


def test_an_unknown_top_level_key_is_refused(tmp_path):
    path = write(tmp_path, "x", minimal("x", 'colour = "red"\n'))
    with pytest.raises(ProfileError) as excinfo:
        load_profile("x", directory=tmp_path)
    assert_profile_error(excinfo, path, "colour", "不明な項目です")


def test_an_unknown_profile_id_is_refused(tmp_path):
    write(tmp_path, "present", minimal("present"))
    with pytest.raises(ProfileError) as excinfo:
        load_profile("absent", directory=tmp_path)
    assert_profile_error(excinfo, tmp_path / "absent.toml", "id", "プロファイル 'absent' はありません")
    assert "present" in str(excinfo.value)


# ---- the CLI ----


def test_cli_lists_all_six_profiles(capsys):
    assert cli.main(["profiles"]) == 0
    out = capsys.readouterr().out
    for profile_id in SHIPPED:
        assert profile_id in out
    for municipality in ("京都市", "狛江市", "石巻市", "安芸高田市", "川崎市"):
        assert municipality in out


def test_cli_lists_all_six_profiles_as_json(capsys):
    assert cli.main(["profiles", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["profiles"]
    ids = [row["id"] for row in rows]
    assert set(ids) == set(available()) and set(SHIPPED) <= set(ids)
    by_id = {row["id"]: row for row in rows}
    for city in CITIES:
        assert by_id[city]["extends"] == "standard"
    assert "link.shortener" not in by_id["kawasaki"]["active_rules"]


# ---- rule options: declared on the rule, checked when the profile loads ----


def _with_options(tmp_path: Path, rule_id: str, options: str) -> Path:
    body = f'[rules."{rule_id}"]\nref = "1"\ntitle = "試験"\noptions = {{ {options} }}\n'
    return write(tmp_path, "opts", minimal("opts", body))


def test_an_unset_option_takes_the_rules_declared_default(tmp_path):
    write(tmp_path, "plain", minimal("plain", '[rules."style.repetition"]\nref = "1"\ntitle = "繰り返し"\n'))
    options = load_profile("plain", directory=tmp_path).bindings["style.repetition"].options
    assert dict(options) == {"threshold": 0.9, "min_length": 15}


@pytest.mark.parametrize(
    ("rule_id", "options", "key", "problem"),
    [
        ("style.repetition", "threshold = 1.5", "options.threshold", "0.01 以上 1 以下"),
        ("style.repetition", "threshold = 0", "options.threshold", "0.01 以上 1 以下"),
        ("style.repetition", 'threshold = "0.9"', "options.threshold", "数値で指定"),
        ("style.repetition", "min_length = 12.5", "options.min_length", "整数で指定"),
        ("style.repetition", "min_length = true", "options.min_length", "整数で指定"),
        ("style.repetition", "treshold = 0.8", "options.treshold", "使える設定: threshold、min_length"),
        ("link.external", 'allowed_hosts = "www.youtube.com"', "options.allowed_hosts", "ホスト名の配列"),
        ("pii.phone", "window = 30", "options.window", "使える設定: なし"),
    ],
)
def test_a_bad_option_names_the_file_and_the_key(tmp_path, rule_id, options, key, problem):
    path = _with_options(tmp_path, rule_id, options)
    with pytest.raises(ProfileError) as caught:
        load_profile("opts", directory=tmp_path)
    message = str(caught.value)
    assert str(path) in message and f'rules."{rule_id}".{key}' in message and problem in message


def test_every_shipped_option_is_declared_by_its_rule():
    for profile_id in available():
        for rule_id, binding in load_profile(profile_id).bindings.items():
            assert set(binding.options) == {o.name for o in all_rules()[rule_id].options}, (
                profile_id,
                rule_id,
            )


def test_the_rule_page_lists_its_options():
    from koshiki.checker.docs import render_rule_page
    from koshiki.checker.registry import get_rule

    page = render_rule_page(get_rule("style.repetition"))
    assert "## 設定（options）" in page
    assert "| `threshold` | 数値 | `0.9` | 0.01〜1 |" in page
    assert "| `min_length` | 整数 | `15` | 0〜10000 |" in page
    assert "## 設定" not in render_rule_page(get_rule("pii.phone"))
