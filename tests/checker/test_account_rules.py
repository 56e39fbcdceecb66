"""Account rules on realistic account records, under the profiles where each rule matters.

Every case starts from ``BASE`` (a well-kept 川崎市宮前区役所 X account checked on
令和7年6月2日) and changes only what the case is about; only the findings of the
rule under test are asserted. ``severity=None`` means the rule must stay silent.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from koshiki.checker import check_subject
from koshiki.checker.registry import all_rules
from koshiki.checker.subjects import AccountRecord, Device

TODAY = date(2025, 6, 2)  # 令和7年6月2日

BASE = AccountRecord(
    platform="x",
    handle="kawasaki_miyamae",
    display_name="川崎市宮前区役所",
    today=TODAY,
    url="https://x.com/kawasaki_miyamae",
    registration_email="67kusui@city.kawasaki.jp",
    profile_text=(
        "川崎市宮前区役所の公式アカウントです。区のイベントや防災情報を発信し、区の魅力をお伝えします。"
        "個別の返信は行っていません。運用ポリシー https://www.city.kawasaki.jp/miyamae/page/0000012345.html "
        "お問い合わせ 044-856-3125"
    ),
    operator_label="宮前区役所地域みまもり支援センター",
    purpose="区のイベントや防災情報を迅速に発信し、区政への理解を深めていただくこと。",
    reply_policy="個別の返信は行っていません。",
    policy_url="https://www.city.kawasaki.jp/miyamae/page/0000012345.html",
    contact="044-856-3125",
    mfa_enabled=True,
    verified=True,
    verification_available=True,
    password_changed_at=date(2025, 4, 3),
    last_posted_at=date(2025, 5, 30),
    opened_at=date(2016, 4, 1),
    roster_renewed_at=date(2025, 4, 8),
    review_done_at=date(2025, 3, 18),
    devices=(Device("宮前区役所 貸与iPad（資産番号 R6-0123）", True),),
    status="active",
)


@dataclass(frozen=True)
class Case:
    rule: str
    profile: str
    changes: dict[str, Any]
    severity: str | None  # None: no finding of this rule
    note: str

    @property
    def record(self) -> AccountRecord:
        return replace(BASE, **self.changes)


def bad(rule: str, profile: str, severity: str, note: str, **changes: Any) -> Case:
    return Case(rule, profile, changes, severity, note)


def good(rule: str, profile: str, note: str, **changes: Any) -> Case:
    return Case(rule, profile, changes, None, note)


# fmt: off
CASES = [
    # ---- account.naming (川崎市5(2)(3)) ----
    bad("account.naming", "kawasaki", "error", "区役所名だけで「川崎市」で始まらない", display_name="宮前区役所"),
    bad("account.naming", "kawasaki", "error", "【公式】が先頭で「川崎市」で始まらない", display_name="【公式】川崎市宮前区"),
    bad("account.naming", "kawasaki", "error", "担当者の個人名", display_name="川崎市 広報 山田太郎"),
    bad("account.naming", "kawasaki", "error", "役職名だけ", display_name="川崎市長"),
    bad("account.naming", "kawasaki", "error", "姓と役職名", display_name="川崎市 渡辺課長"),
    bad("account.naming", "kawasaki", "error", "職員個人のアカウント", display_name="川崎市職員 田中一郎"),
    bad("account.naming", "standard", "error", "標準でも役職名＋個人名は不可", display_name="京都市長 松井孝治"),
    good("account.naming", "kawasaki", "区役所の組織名", display_name="川崎市宮前区役所"),
    good("account.naming", "kawasaki", "人名を含む施設名は組織名で終わる", display_name="川崎市岡本太郎美術館"),
    good("account.naming", "kawasaki", "全角空白と【公式】の飾り", display_name="川崎市　中原区役所【公式】"),
    good("account.naming", "kawasaki", "局の名前", display_name="川崎市 子ども未来局"),
    good("account.naming", "kawasaki", "市長室は組織", display_name="川崎市市長室"),
    good("account.naming", "kyoto", "京都市は命名の規則を定めていない（off）", display_name="京都市長"),
    good("account.naming", "kawasaki", "削除済みのアカウントは対象外", display_name="宮前区 広報担当 佐藤", status="closed"),
    # ---- account.org_email (川崎市5(3), 狛江市ポリシー見本第4条(2)) ----
    bad("account.org_email", "kawasaki", "error", "フリーメール", registration_email="kawasaki.miyamae2016@gmail.com"),
    bad("account.org_email", "kawasaki", "error", "他の団体の lg.jp", registration_email="t-yamada@pref.kanagawa.lg.jp"),
    bad("account.org_email", "kawasaki", "error", "運用中で未記録", registration_email=""),
    bad("account.org_email", "kawasaki", "error", "アドレスの形でない", registration_email="宮前区役所地域振興課"),
    bad("account.org_email", "komae", "error", "狛江市のWebドメインは登録用ではない", registration_email="koho@city.komae.tokyo.jp"),
    good("account.org_email", "kawasaki", "組織メールアドレス", registration_email="67kusui@city.kawasaki.jp"),
    good("account.org_email", "kawasaki", "全角・大文字で入力されたアドレス", registration_email="ＫＯＨＯ＠ＣＩＴＹ.ＫＡＷＡＳＡＫＩ.ＪＰ"),
    good("account.org_email", "komae", "狛江市のドメイン", registration_email="hisyokoho@city.komae.lg.jp"),
    good("account.org_email", "kawasaki", "開設前でアドレス未定", registration_email="", status="planned"),
    good("account.org_email", "kyoto", "京都市は定めがない（off）", registration_email="kyoto.koho@gmail.com"),
    # ---- account.mfa (石巻市3(3)カ error, 京都市4(3)ケ warning) ----
    bad("account.mfa", "ishinomaki", "error", "石巻市は必須", mfa_enabled=False),
    bad("account.mfa", "ishinomaki", "error", "設定状況が未記録", mfa_enabled=None, platform="instagram"),
    bad("account.mfa", "kyoto", "warning", "京都市は極力（警告）", mfa_enabled=False, platform="facebook"),
    bad("account.mfa", "standard", "error", "標準は必須", mfa_enabled=False, platform="line"),
    bad("account.mfa", "ishinomaki", "error", "休止中もアカウントは残る", mfa_enabled=False, status="suspended"),
    good("account.mfa", "ishinomaki", "設定済み", mfa_enabled=True),
    good("account.mfa", "kyoto", "設定済み", mfa_enabled=True, platform="youtube"),
    good("account.mfa", "standard", "その他のサービスで未記録（設定できるか不明）", mfa_enabled=None, platform="other"),
    good("account.mfa", "ishinomaki", "開設前", mfa_enabled=False, status="planned"),
    good("account.mfa", "kawasaki", "川崎市は定めがない（off）", mfa_enabled=False),
    # ---- account.password_age (川崎市5(8), 365 日) ----
    bad("account.password_age", "kawasaki", "warning", "1年以上前", password_changed_at=date(2024, 4, 1)),
    bad("account.password_age", "kawasaki", "warning", "変更日が未記録", password_changed_at=None),
    bad("account.password_age", "standard", "warning", "標準も365日", password_changed_at=date(2024, 5, 1)),
    bad("account.password_age", "kawasaki", "warning", "休止中も変更が必要", password_changed_at=date(2023, 4, 1), status="suspended"),
    good("account.password_age", "kawasaki", "今年1月に変更", password_changed_at=date(2025, 1, 10)),
    good("account.password_age", "kawasaki", "ちょうど365日（境界）", password_changed_at=date(2024, 6, 2)),
    good("account.password_age", "kawasaki", "開設前", password_changed_at=None, status="planned"),
    good("account.password_age", "kawasaki", "削除済み", password_changed_at=date(2020, 1, 1), status="closed"),
    good("account.password_age", "kyoto", "京都市は期間の定めがない（off）", password_changed_at=date(2020, 1, 1)),
    # ---- account.verified (川崎市5(6), 狛江市ポリシー見本第7条3項) ----
    bad("account.verified", "kawasaki", "warning", "取得できるのに未取得", verified=False),
    bad("account.verified", "komae", "warning", "取得状況が未記録", verified=None),
    bad("account.verified", "kawasaki", "warning", "休止中も", verified=False, status="suspended"),
    bad("account.verified", "standard", "warning", "YouTube", verified=False, platform="youtube"),
    good("account.verified", "kawasaki", "取得済み", verified=True),
    good("account.verified", "kawasaki", "認証を受けられない", verified=False, verification_available=False),
    good("account.verified", "komae", "開設前", verified=None, status="planned"),
    good("account.verified", "kyoto", "京都市は定めがない（off）", verified=False),
    # ---- account.profile_disclosure ----
    bad("account.profile_disclosure", "kawasaki", "error", "URL・問い合わせ先・ポリシーがない",
        profile_text="宮前区のイベント情報を発信します。"),
    bad("account.profile_disclosure", "kawasaki", "error", "問い合わせ先がない",
        profile_text="宮前区のイベント情報を発信します。運用ポリシー https://www.city.kawasaki.jp/miyamae/page/0000012345.html"),
    bad("account.profile_disclosure", "komae", "error", "運営主体も目的もない",
        display_name="狛江市", operator_label="狛江市 環境政策課", purpose="", profile_text="季節の花の写真をお届けします🌸"),
    bad("account.profile_disclosure", "akitakata", "error", "公式であることの記載がない",
        display_name="安芸高田市 商工観光課", profile_text="安芸高田市の観光やイベントの情報を発信しています。"),
    bad("account.profile_disclosure", "kyoto", "warning", "運用期間と返信の有無がない",
        display_name="京都市観光協会", profile_text="京都市の観光情報を発信し、京都の魅力を伝えます。"),
    bad("account.profile_disclosure", "ishinomaki", "warning", "運用中なのにプロフィール欄が空", profile_text=""),
    good("account.profile_disclosure", "kawasaki", "必要な項目がそろっている"),
    good("account.profile_disclosure", "kawasaki", "電話番号の書き方が台帳と違う",
         profile_text="川崎市宮前区役所 https://www.city.kawasaki.jp/miyamae/ 運用ポリシーはこちら "
         "https://www.city.kawasaki.jp/miyamae/page/0000012345.html 問合せ 044(856)3125"),
    good("account.profile_disclosure", "komae", "運営主体と目的",
         display_name="狛江市 環境政策課", operator_label="環境政策課",
         profile_text="狛江市環境政策課が運営しています。ごみの減量やリサイクルの情報を発信し、"
         "市民の皆さんの暮らしに役立つことを目的としています。"),
    good("account.profile_disclosure", "akitakata", "公式アカウントの記載",
         display_name="安芸高田市", profile_text="安芸高田市の公式アカウントです。市政情報をお届けします。"),
    good("account.profile_disclosure", "kyoto", "京都市の4項目がそろっている",
         display_name="京都市動物園", operator_label="京都市動物園",
         profile_text="京都市動物園の公式アカウントです。園の動物やイベントの情報を発信し、動物園の魅力をお伝えします。"
         "運用期間：令和7年4月1日～令和8年3月31日。個別の回答は行いませんので、あらかじめ御了承ください。"),
    good("account.profile_disclosure", "kawasaki", "開設前で文面がまだない", profile_text="", status="planned"),
    # ---- account.dormant (川崎市5(9), 180 日) ----
    bad("account.dormant", "kawasaki", "warning", "213日投稿なし", last_posted_at=date(2024, 11, 1)),
    bad("account.dormant", "kawasaki", "warning", "開設から一度も投稿なし", last_posted_at=None, opened_at=date(2024, 10, 1)),
    bad("account.dormant", "kawasaki", "warning", "最終投稿日も開設日も未記録", last_posted_at=None, opened_at=None),
    bad("account.dormant", "standard", "warning", "標準も180日", last_posted_at=date(2024, 9, 1)),
    good("account.dormant", "kawasaki", "3日前に投稿", last_posted_at=date(2025, 5, 30)),
    good("account.dormant", "kawasaki", "ちょうど180日（境界）", last_posted_at=date(2024, 12, 4)),
    good("account.dormant", "kawasaki", "今年度開設でまだ投稿なし", last_posted_at=None, opened_at=date(2025, 4, 1)),
    good("account.dormant", "komae", "休止中（保全）は投稿しないのが当然", last_posted_at=date(2023, 3, 1), status="suspended"),
    good("account.dormant", "kyoto", "京都市は定めがない（off）", last_posted_at=date(2023, 3, 1)),
    # ---- account.roster_stale (安芸高田市7(7)) ----
    bad("account.roster_stale", "akitakata", "error", "令和7年度の名簿が5月を過ぎても未提出", roster_renewed_at=date(2024, 4, 10)),
    bad("account.roster_stale", "akitakata", "warning", "4月中は提出期間", roster_renewed_at=date(2024, 4, 12),
        today=date(2025, 4, 10)),
    bad("account.roster_stale", "akitakata", "error", "一度も提出していない", roster_renewed_at=None, opened_at=date(2023, 7, 1)),
    bad("account.roster_stale", "akitakata", "error", "休止中も名簿は要る", roster_renewed_at=date(2024, 4, 1), status="suspended"),
    good("account.roster_stale", "akitakata", "今年度4月に提出済み", roster_renewed_at=date(2025, 4, 8)),
    good("account.roster_stale", "akitakata", "今年度に開設（申請時に提出済み）", roster_renewed_at=None,
         opened_at=date(2025, 7, 1), today=date(2025, 9, 1)),
    good("account.roster_stale", "akitakata", "年度末でも当年度の4月1日提出で足りる", roster_renewed_at=date(2025, 4, 1),
         today=date(2026, 3, 31)),
    good("account.roster_stale", "akitakata", "開設前", roster_renewed_at=None, status="planned"),
    good("account.roster_stale", "kawasaki", "川崎市は定めがない（off）", roster_renewed_at=None),
    # ---- account.review_due (狛江市4(5)ア) ----
    bad("account.review_due", "komae", "error", "令和6年度末の確認がない", review_done_at=date(2024, 3, 25),
        today=date(2025, 4, 15)),
    bad("account.review_due", "komae", "warning", "3月に入って今年度の確認がまだ", review_done_at=date(2025, 3, 25),
        today=date(2026, 3, 10)),
    bad("account.review_due", "komae", "error", "一度も確認していない", review_done_at=None),
    bad("account.review_due", "komae", "error", "12月の確認は年度末の確認に当たらない", review_done_at=date(2024, 12, 20)),
    good("account.review_due", "komae", "令和7年3月に確認済み", review_done_at=date(2025, 3, 18), today=date(2025, 4, 15)),
    good("account.review_due", "komae", "まだ確認の時期ではない", review_done_at=date(2025, 3, 18), today=date(2025, 12, 1)),
    good("account.review_due", "komae", "確認期間の後に開設", review_done_at=None, opened_at=date(2025, 2, 10),
         today=date(2025, 4, 15)),
    good("account.review_due", "komae", "遅れて4月に確認（令和6年度分）", review_done_at=date(2025, 4, 20)),
    good("account.review_due", "komae", "運用停止中", review_done_at=None, status="suspended"),
    good("account.review_due", "kyoto", "京都市は定めがない（off）", review_done_at=None),
    # ---- account.device (京都市4(1)イ(イ), 川崎市5(10), 石巻市3(1)イ(イ)) ----
    bad("account.device", "kawasaki", "error", "私物のスマートフォン", devices=(Device("担当者私物の iPhone", False),)),
    bad("account.device", "kyoto", "error", "2台のうち1台が未承認",
        devices=(Device("広報担当 貸与PC", True), Device("自宅のノートパソコン", False))),
    bad("account.device", "kawasaki", "error", "運用中なのに端末が登録されていない", devices=()),
    bad("account.device", "ishinomaki", "warning", "石巻市は各課で調達（警告）", devices=(Device("委託業者の私物タブレット", False),)),
    bad("account.device", "kawasaki", "error", "開設前でも未承認の端末は指摘", devices=(Device("新規購入予定のiPad", False),),
        status="planned"),
    good("account.device", "kawasaki", "承認済みの貸与端末"),
    good("account.device", "kawasaki", "開設前でまだ端末がない", devices=(), status="planned"),
    good("account.device", "komae", "狛江市は定めがない（off）", devices=(Device("私物スマホ", False),)),
    good("account.device", "kyoto", "削除済み", devices=(Device("私物スマホ", False),), status="closed"),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.profile}-{c.note}" for c in CASES])
def test_account_rule_case(case: Case) -> None:
    findings = [f for f in check_subject(case.record, "account", case.profile) if f.rule == case.rule]
    if case.severity is None:
        assert not findings, f"{case.note}: {[f.message for f in findings]}"
        return
    assert len(findings) == 1, f"{case.note}: {[f.message for f in findings]}"
    finding = findings[0]
    assert finding.severity.value == case.severity, f"{case.note}: {finding.message}"
    assert (finding.start, finding.end) == (0, 0)
    assert finding.clause.profile == case.profile and finding.clause.ref
    assert finding.message and "\n" not in finding.message


ACCOUNT_RULES = sorted(r.id for r in all_rules().values() if r.subject == "account")


@pytest.mark.parametrize("rule_id", ACCOUNT_RULES)
def test_every_account_rule_has_enough_cases(rule_id: str) -> None:
    cases = [c for c in CASES if c.rule == rule_id]
    assert sum(c.severity is None for c in cases) >= 4
    assert sum(c.severity is not None for c in cases) >= 4


def test_the_well_kept_base_account_has_no_finding_under_kawasaki() -> None:
    assert check_subject(BASE, "account", "kawasaki") == []


def test_findings_quote_what_was_found() -> None:
    record = replace(BASE, display_name="宮前区役所", registration_email="miyamae@gmail.com")
    messages = {f.rule: f.message for f in check_subject(record, "account", "kawasaki")}
    assert "「宮前区役所」" in messages["account.naming"] and "川崎市" in messages["account.naming"]
    assert "gmail.com" in messages["account.org_email"]


def test_dates_in_messages_use_the_japanese_era() -> None:
    record = replace(BASE, password_changed_at=date(2024, 4, 1))
    (finding,) = [f for f in check_subject(record, "account", "kawasaki") if f.rule == "account.password_age"]
    assert "令和6年4月1日" in finding.message and "365" in finding.message


def test_profile_disclosure_suggests_text_from_the_registry() -> None:
    record = replace(BASE, profile_text="宮前区のイベント情報を発信します。")
    (finding,) = [
        f for f in check_subject(record, "account", "kawasaki") if f.rule == "account.profile_disclosure"
    ]
    assert finding.suggestion is not None and finding.suggestion.replacement
    assert BASE.policy_url in finding.suggestion.replacement
    assert "044-856-3125" in finding.suggestion.replacement


def test_naming_suggests_the_prefixed_organisation_name() -> None:
    record = replace(BASE, display_name="宮前区 広報 鈴木", operator_label="宮前区役所")
    (finding,) = [f for f in check_subject(record, "account", "kawasaki") if f.rule == "account.naming"]
    assert finding.suggestion is not None and finding.suggestion.replacement == "川崎市宮前区役所"


def test_record_refuses_unknown_platform_and_status() -> None:
    with pytest.raises(ValueError, match="platform"):
        replace(BASE, platform="tiktok")
    with pytest.raises(ValueError, match="status"):
        replace(BASE, status="listed")


@pytest.mark.parametrize(
    "rule", [r for r in all_rules().values() if r.subject == "account"], ids=lambda r: r.id
)
def test_account_rule_docstring_has_the_five_sections(rule) -> None:
    doc = inspect.cleandoc(rule.doc)
    assert doc.splitlines()[0].strip() and not doc.startswith("#")
    assert re.findall(r"^## .*$", doc, re.MULTILINE) == [
        "## 何を検出するか",
        "## なぜ問題か",
        "## 例",
        "## 代わりに",
        "## 参考",
    ]
    assert rule.status == "stable"


_TEXT = st.text(max_size=300)
_DAY = st.one_of(st.none(), st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 12, 31)))


@settings(max_examples=150, deadline=None)
@given(
    display_name=_TEXT,
    email=_TEXT,
    profile_text=_TEXT,
    operator_label=_TEXT,
    contact=_TEXT,
    policy_url=_TEXT,
    posted=_DAY,
    changed=_DAY,
    reviewed=_DAY,
    today=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    profile=st.sampled_from(["standard", "kyoto", "komae", "ishinomaki", "akitakata", "kawasaki"]),
)
def test_account_rules_never_raise_on_any_text_or_date(
    display_name,
    email,
    profile_text,
    operator_label,
    contact,
    policy_url,
    posted,
    changed,
    reviewed,
    today,
    profile,
) -> None:
    record = replace(
        BASE,
        display_name=display_name,
        registration_email=email,
        profile_text=profile_text,
        operator_label=operator_label,
        contact=contact,
        policy_url=policy_url,
        last_posted_at=posted,
        password_changed_at=changed,
        review_done_at=reviewed,
        roster_renewed_at=reviewed,
        opened_at=posted,
        today=today,
    )
    for finding in check_subject(record, "account", profile):
        assert finding.message
