"""``manage.py load_demo``: a fictional city (みなと市) on the kyoto profile, for trying Koshiki out.

Creates several departments, one person in every role, and accounts in every
state of the kyoto lifecycle, each driven there through the real actions (so
the audit trail holds their history). A second, small town (さくら市, on
the komae profile) has a committee with an application waiting for its
meeting. The duty calendar is run once for today, so 「職務の暦」 and
「対応待ち」 have content; mails of the set-up are marked unsent. Idempotent: a
second run changes nothing and prints the logins again. All of it is
fictional; the password is for the demo only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from koshiki.campaigns import actions as campaign_actions
from koshiki.campaigns.states import PosterKind
from koshiki.citysettings.actions import do_change_city_settings
from koshiki.comments.demo import load_demo_comments
from koshiki.duties.models import DutySettings
from koshiki.duties.runner import run as run_duties
from koshiki.fiscal import fiscal_year_start
from koshiki.incidents import actions as incident_actions
from koshiki.incidents.states import Kind
from koshiki.notify.models import MailStatus, OutboxMail
from koshiki.org.models import Municipality, OrgUnit
from koshiki.org.roles import Role
from koshiki.people.actions import do_assign_role, do_create_municipality, do_create_unit
from koshiki.posts import actions as post_actions
from koshiki.registry import actions
from koshiki.registry.models import Account, Device, RosterEntry
from koshiki.security.access import REQUIRED_ROLES
from koshiki.security.demo import DEMO_TOTP_SECRET, enrol_demo
from koshiki.workdays import is_business_day

CITY = "みなと市"
PROFILE = "kyoto"
TOWN = "さくら市"  # the committee demo (komae profile: 行政情報化推進委員会)
TOWN_PROFILE = "komae"
# The demo city's own settings (市の設定), entered as the governance office would on /settings/.
MINATO_SETTINGS = {
    "public_phones": "0123-45-6789",  # 代表電話 (fictional)
    "official_domains": "city.minato.lg.jp\nlg.jp\ngo.jp",
    "romanised_names": "minato",
    "marketing_subject": "みなと市",
}
# (username, family name, given name, role, unit name or None)
TOWN_PEOPLE: list[tuple[str, str, str, str, str | None]] = [
    ("sakura.tanto", "岡田", "結衣", Role.OPERATOR, "子育て支援課"),
    ("sakura.kacho", "石川", "隆", Role.SECTION_HEAD, "子育て支援課"),
    ("sakura.jimu", "前田", "晴美", Role.GOVERNANCE_OFFICE, None),
    ("sakura.iincho", "藤田", "正人", Role.COMMITTEE_CHAIR, None),
    ("sakura.iin1", "小川", "直子", Role.COMMITTEE_MEMBER, None),
    ("sakura.iin2", "後藤", "健一", Role.COMMITTEE_MEMBER, None),
    ("sakura.iin3", "長谷川", "聡", Role.COMMITTEE_MEMBER, None),
]
DEMO_PASSWORD = "demo-pass-2025"  # demo only: printed on purpose, never use for real accounts
SITE = "http://127.0.0.1:8000"
# A post of 広報課 waiting for the section head's approval (koho.kacho sees it on the home page).
DEMO_POST = (
    "【お知らせ】みなと市民プールは7月1日から8月31日まで開場します。"
    "開場時間は9時から17時、入場料は大人200円、中学生以下100円です。"
    "詳しくは市ホームページをご覧ください。"
)
DEMO_CAMPAIGN = "みなと港まつり2026 PR"
# The third party's first draft forgets 「#PR #みなと市」 (京都市6(1)), so the pre-check has work.
DEMO_CAMPAIGN_DRAFT = (
    "みなと港まつりに行ってきました！夜の花火が海に映ってとてもきれいでした。今年は8月2日開催です🎆"
)

# (username, family name, given name, role, unit name or None, account key or None, company)
PEOPLE: list[tuple[str, str, str, str, str | None, str | None, str]] = [
    ("koho.tanto", "山田", "花子", Role.OPERATOR, "広報課", None, ""),
    ("koho.kacho", "佐藤", "一郎", Role.SECTION_HEAD, "広報課", None, ""),
    ("koho.hosa", "鈴木", "次郎", Role.SECTION_HEAD, "広報課", None, ""),
    ("kanko.tanto", "高橋", "美咲", Role.OPERATOR, "観光MICE推進室", None, ""),
    ("kanko.kacho", "田中", "健", Role.SECTION_HEAD, "観光MICE推進室", None, ""),
    ("kodomo.tanto", "伊藤", "さくら", Role.OPERATOR, "子ども若者はぐくみ室", None, ""),
    ("kodomo.kacho", "渡辺", "誠", Role.SECTION_HEAD, "子ども若者はぐくみ室", None, ""),
    ("bunka.kacho", "中村", "陽子", Role.SECTION_HEAD, "文化市民局", None, ""),
    ("kita.kacho", "小林", "大輔", Role.SECTION_HEAD, "北区", None, ""),
    ("kita.tanto", "加藤", "翔", Role.OPERATOR, "北区", None, ""),
    ("johoka", "吉田", "真理", Role.GOVERNANCE_OFFICE, None, None, ""),
    ("iinkai.iin", "山本", "修", Role.COMMITTEE_MEMBER, None, None, ""),
    ("iinkai.iincho", "松本", "浩", Role.COMMITTEE_CHAIR, None, None, ""),
    ("security", "井上", "亮", Role.SECURITY_OFFICER, None, None, ""),
    ("itaku", "木村", "彩", Role.CONTRACTOR, None, "kanko_instagram", "株式会社みなとデジタル"),
    ("shitei", "林", "拓也", Role.DESIGNATED_MANAGER, None, "zoo_x", "公益財団法人みなと動物園協会"),
    ("kansa", "清水", "恵", Role.AUDITOR, None, None, ""),
]

# Account key -> (unit, details, target state, genre)
ACCOUNTS: list[tuple[str, str, dict[str, Any], str, str]] = [
    (
        "koho_x",
        "広報課",
        {
            "platform": "x",
            "display_name": "みなと市広報課",
            "handle": "minato_koho",
            "url": "https://x.com/minato_koho",
            "reply_policy": "as_needed",
            "purpose": "市政情報を迅速に発信し、市民の利便性を高める。",
            "content": "市政・イベント・防災の情報",
            "audience": "市民及び市に関心のある方",
        },
        "listed",
        "government",
    ),
    (
        "koho_facebook",
        "広報課",
        {
            "platform": "facebook",
            "display_name": "みなと市",
            "handle": "MinatoCityOffice",
            "url": "https://www.facebook.com/MinatoCityOffice",
            "purpose": "市の魅力と暮らしの情報を届ける。",
            "content": "暮らしの情報、季節の話題",
        },
        "listed",
        "living",
    ),
    (
        "kanko_instagram",
        "観光MICE推進室",
        {
            "platform": "instagram",
            "display_name": "みなと市観光協会公式",
            "handle": "minato_kanko",
            "url": "https://www.instagram.com/minato_kanko/",
            "operator_kind": "contractor",
            "operator_company": "株式会社みなとデジタル",
            "purpose": "観光客に市の魅力を写真で伝える。",
            "content": "観光スポット・季節の行事",
        },
        "listed",
        "tourism",
    ),
    (
        "zoo_x",
        "みなと市動物園",
        {
            "platform": "x",
            "display_name": "みなと市動物園",
            "handle": "minato_zoo",
            "url": "https://x.com/minato_zoo",
            "operator_kind": "designated_manager",
            "operator_company": "公益財団法人みなと動物園協会",
            "purpose": "動物園の催しと動物の様子を伝える。",
            "content": "動物の話題、イベント、開園情報",
        },
        "listed",
        "tourism",
    ),
    (
        "kosodate_line",
        "子ども若者はぐくみ室",
        {
            "platform": "line",
            "display_name": "みなと市子育て応援",
            "purpose": "子育て世帯に手続と支援の情報を届ける。",
            "content": "子育て支援制度、健診、イベント",
        },
        "section_review",
        "",
    ),
    (
        "kita_instagram",
        "北区",
        {
            "platform": "instagram",
            "display_name": "みなと市北区役所",
            "purpose": "区の身近な話題を伝える。",
            "content": "区の行事と地域の話題",
        },
        "draft",
        "",
    ),
    (
        "bunka_youtube",
        "文化市民局",
        {
            "platform": "youtube",
            "display_name": "みなと市文化チャンネル",
            "purpose": "文化施設の催しを動画で紹介する。",
            "content": "公演・展示の紹介動画",
        },
        "under_review",
        "",
    ),
    (
        "kenko_x",
        "子ども若者はぐくみ室",
        {
            "platform": "x",
            "display_name": "みなと市すこやか子育て",
            "purpose": "健診と予防接種の案内",
            "content": "健診日程、予防接種のお知らせ",
        },
        "returned",
        "",
    ),
    (
        "kanko_youtube",
        "観光MICE推進室",
        {
            "platform": "youtube",
            "display_name": "みなと市観光チャンネル",
            "purpose": "観光の魅力を動画で発信する。",
            "content": "観光PR動画",
        },
        "approved",
        "",
    ),
    (
        "koho_instagram",
        "広報課",
        {
            "platform": "instagram",
            "display_name": "みなと市広報課フォト",
            "purpose": "市の風景と行事を写真で伝える。",
            "content": "風景写真、行事の記録",
        },
        "acquired",
        "",
    ),
    (
        "kita_x",
        "北区",
        {
            "platform": "x",
            "display_name": "みなと市北区",
            "handle": "minato_kita",
            "url": "https://x.com/minato_kita",
            "purpose": "区の防災と行事の情報",
            "content": "防災、区の行事",
        },
        "listing_requested",
        "town",
    ),
    (
        "koho_line",
        "広報課",
        {
            "platform": "line",
            "display_name": "みなと市公式LINE",
            "handle": "minatocity",
            "url": "https://line.me/R/ti/p/@minatocity",
            "purpose": "市からのお知らせを届ける。",
            "content": "市政のお知らせ、ごみ収集日",
        },
        "suspended",
        "living",
    ),
    (
        "event_x",
        "観光MICE推進室",
        {
            "platform": "x",
            "display_name": "みなと市花火大会2024",
            "handle": "minato_hanabi",
            "url": "https://x.com/minato_hanabi",
            "purpose": "花火大会の案内",
            "content": "開催情報、交通規制",
        },
        "closing",
        "tourism",
    ),
    (
        "campaign_facebook",
        "広報課",
        {
            "platform": "facebook",
            "display_name": "みなと市市制100周年",
            "handle": "minato100",
            "url": "https://www.facebook.com/minato100",
            "purpose": "周年事業の告知",
            "content": "記念行事の案内",
        },
        "closed",
        "government",
    ),
    (
        "bunka_instagram",
        "文化市民局",
        {
            "platform": "instagram",
            "display_name": "みなと市文化芸術",
            "purpose": "文化芸術の情報発信",
            "content": "展覧会情報",
        },
        "withdrawn",
        "",
    ),
]

# The kyoto steps (step id, acting username) that lead from draft to each state.
_TO_LISTED = [
    ("submit", "op"),
    ("section_approve", "head"),
    ("office_approve", "johoka"),
    ("acquire", "op"),
    ("request_listing", "op"),
    ("list", "johoka"),
]
PATHS: dict[str, list[tuple[str, str]]] = {
    "draft": [],
    "section_review": [("submit", "op")],
    "under_review": [("submit", "op"), ("section_approve", "head")],
    "returned": [("submit", "op"), ("section_approve", "head"), ("office_return", "johoka")],
    "approved": [("submit", "op"), ("section_approve", "head"), ("office_approve", "johoka")],
    "acquired": _TO_LISTED[:4],
    "listing_requested": _TO_LISTED[:5],
    "listed": _TO_LISTED,
    "suspended": [*_TO_LISTED, ("suspend", "head")],
    "closing": [*_TO_LISTED, ("request_removal", "head")],
    "closed": [*_TO_LISTED, ("request_removal", "head"), ("remove_listing", "johoka")],
    "withdrawn": [("submit", "op"), ("section_return", "head"), ("withdraw", "op")],
}
# Units: (name, kind, parent name)
UNITS = [
    ("総合企画局", "bureau", None),
    ("情報化推進室", "section", "総合企画局"),
    ("広報課", "section", "総合企画局"),
    ("文化市民局", "bureau", None),
    ("みなと市動物園", "facility", "文化市民局"),
    ("産業観光局", "bureau", None),
    ("観光MICE推進室", "section", "産業観光局"),
    ("保健福祉局", "bureau", None),
    ("子ども若者はぐくみ室", "section", "保健福祉局"),
    ("北区", "ward", None),
]
_REASONS = {
    "office_return": "運用体制の記載が不足しています。複数の職員による1日1回以上の確認体制を記載してください（4(1)イ(ア)）。",
    "section_return": "既存の広報課アカウントで発信できる内容のため、再検討してください。",
    "suspend": "担当者の異動に伴い、運用体制を見直すため一時休止します。",
    "request_removal": "イベント終了に伴い運用を終了します。",
    "withdraw": "広報課のアカウントで発信することとしたため。",
}


class Command(BaseCommand):
    help = "架空の自治体「みなと市」（京都市プロファイル）のデモデータを作成し、ログイン情報を表示します。"

    def handle(self, *args: Any, **options: Any) -> None:
        self._campaign_token = ""
        if Municipality.objects.filter(name=CITY).exists():
            self.stdout.write(f"デモデータ「{CITY}」は作成済みです（変更はありません）。")
        else:
            with transaction.atomic():
                self._create()
                self._create_town()
                self._campaign_token = self._demo_posts()
                DutySettings.objects.create(
                    municipality=Municipality.objects.get(name=CITY), record_daily_checks=True
                )
                # The previous business day's run too: the calendar shows daily checks left undone.
                before = timezone.localdate() - timedelta(days=1)
                while not is_business_day(before):
                    before -= timedelta(days=1)
                run_duties(before, send=False)
                run_duties(timezone.localdate(), send=False)
                # The set-up's own mails go nowhere: the demo starts with an empty outbox.
                OutboxMail.objects.filter(status=MailStatus.PENDING).update(
                    status=MailStatus.FAILED, last_error="デモデータの作成時のため送信していません"
                )
            self.stdout.write(f"デモデータ「{CITY}」（{PROFILE} プロファイル）を作成しました。")
        self._print_logins()
        self._print_campaign_link()

    def _create(self) -> None:
        User = get_user_model()
        users: dict[str, Any] = {}
        for username, family, given, *_ in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"last_name": family, "first_name": given, "email": f"{username}@city.minato.lg.jp"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users[username] = user
        city = do_create_municipality(None, CITY, PROFILE, "https://www.city.minato.lg.jp/", slug="minato")
        # みなと市's own numbers and domain over the kyoto profile (issue 9 item 5): without them
        # its posts would be checked against 京都市's 075-222-3111 and city.kyoto.lg.jp.
        do_change_city_settings(
            None, city, MINATO_SETTINGS, reason="みなと市の代表電話と公式ドメイン", bootstrap=True
        )
        units: dict[str, OrgUnit] = {}
        for name, kind, parent in UNITS:
            units[name] = do_create_unit(
                None, city, name, kind, units.get(parent) if parent else None, bootstrap=True
            )
        for username, _f, _g, role, unit, account_key, _company in PEOPLE:
            if account_key is None:
                do_assign_role(
                    users[username],
                    role,
                    municipality=city,
                    unit=units.get(unit) if unit else None,
                    bootstrap=True,
                    actor=None,
                )
            if role in REQUIRED_ROLES:
                enrol_demo(users[username])

        people_by_unit = {
            "広報課": ("koho.tanto", "koho.kacho"),
            "観光MICE推進室": ("kanko.tanto", "kanko.kacho"),
            "子ども若者はぐくみ室": ("kodomo.tanto", "kodomo.kacho"),
            "文化市民局": ("bunka.kacho", "bunka.kacho"),
            "みなと市動物園": ("bunka.kacho", "bunka.kacho"),
            "北区": ("kita.tanto", "kita.kacho"),
        }
        today = timezone.localdate()
        # Demo accounts were opened about 400 days ago; their 運用期間 starts on 1 April of that
        # fiscal year, so it never begins after the opening date (acquired_at).
        opened_on = today - timedelta(days=400)
        created: dict[str, Account] = {}
        for key, unit_name, details, target, genre in ACCOUNTS:
            op_name, head_name = people_by_unit[unit_name]
            op, head = users[op_name], users[head_name]
            values = {
                "responsible_title": f"{unit_name}長",
                "period_start": fiscal_year_start(opened_on),
                "operating_hours": "",
                "reply_policy": "none",
                "registration_email": f"{key.replace('_', '-')}@city.minato.lg.jp",
                "contact": f"みなと市{unit_name} 電話 000-000-0000",
                "genre": genre,
                **details,
            }
            if key == "kanko_instagram":
                # A campaign account whose 運用終了日 has passed: the duty calendar asks to close it.
                values["period_end"] = today - timedelta(days=5)
            account = actions.do_create_application(op, units[unit_name], values)
            created[key] = account
            actions.do_add_roster_entry(
                account,
                name=f"{op.last_name} {op.first_name}",
                duty=RosterEntry.Duty.POSTER,
                affiliation=unit_name,
                user=op,
                actor=op,
            )
            actions.do_add_roster_entry(
                account,
                name=f"{head.last_name} {head.first_name}",
                duty=RosterEntry.Duty.MANAGER,
                affiliation=unit_name,
                user=head,
                actor=op,
            )
            device = actions.do_register_device(
                op,
                account,
                name=f"{unit_name} 貸与タブレット",
                ownership=Device.Ownership.CITY,
                asset_number=f"R7-{account.pk:04d}",
            )
            actions.do_approve_device(head, device)
            actors = {"op": op, "head": head, "johoka": users["johoka"]}
            for step_id, who in PATHS[target]:
                actor = actors[who]
                step = actions.procedures_for(account).step(step_id)
                kwargs: dict[str, Any] = {
                    "documents": [d.id for d in step.documents],
                    "reasons": _REASONS.get(step_id, ""),
                }
                if step_id == "acquire":
                    # 京都市4(1)ア(オ): the URL may only be known after opening; the acquired demo account has none yet.
                    kwargs.update(
                        handle=details.get("handle", ""),
                        url=details.get("url", ""),
                        acquired_on=opened_on,
                    )
                if step_id == "request_removal":
                    kwargs["deleted_on"] = today
                if step_id == "office_approve":
                    # 京都市4(1)オ: a platform the city does not commonly use needs the 外部サービス利用申請 first.
                    procedures = actions.procedures_for(account)
                    for extra in procedures.steps_of_kind("external_service"):
                        if procedures.applies(extra, account.platform):
                            actions.do_step(
                                account, extra.id, actor=op, documents=[d.id for d in extra.documents]
                            )
                actions.do_step(account, step_id, actor=actor, **kwargs)
            if target in ("listed", "suspended"):
                actions.do_update_security(
                    op,
                    account,
                    {
                        "mfa_enabled": key != "koho_facebook",
                        "verified_badge": key == "koho_x",
                        "verification_available": key in ("koho_x", "koho_facebook"),
                        "password_changed_at": today - timedelta(days=30 if key != "zoo_x" else 800),
                        "last_posted_at": today - timedelta(days=2 if key != "koho_line" else 200),
                        "profile_text": f"{details['display_name']}の公式アカウントです。{details['purpose']} 個別の回答は行いません。運用ポリシー: https://www.city.minato.lg.jp/sns/",
                    },
                )
        # Contractors and designated managers hold their role for one account, with their company.
        for username, _f, _g, role, _unit, account_key, company in PEOPLE:
            if account_key is not None:
                do_assign_role(
                    users[username],
                    role,
                    municipality=city,
                    account=created[account_key],
                    company=company,
                    bootstrap=True,
                    actor=None,
                )
        # Citizens' comments on the listed accounts, classified and handled (koshiki.comments.demo).
        load_demo_comments(created, users)

        self._demo_incident(users, created["koho_x"])

    def _demo_incident(self, users: dict[str, Any], account: Account) -> None:
        """An impersonation of 広報課's X account half-way through its playbook (京都市4(4)イ)."""
        tanto, kacho = users["koho.tanto"], users["koho.kacho"]
        incident = incident_actions.do_open_incident(
            tanto,
            account.municipality,
            kind=Kind.IMPERSONATION,
            account=account,
            title="「みなと市広報課」を名乗る偽アカウント @minato_koho_jp",
            description="市民から電話で通報。アイコンと表示名が本物と同じで、給付金の申請を装ったリンクを投稿している。",
        )
        incident_actions.do_add_evidence(
            tanto,
            incident,
            url="https://x.com/minato_koho_jp",
            note="市民からの通報で確認したアカウント",
        )
        incident_actions.do_add_evidence(
            tanto,
            incident,
            text="【みなと市】物価高騰対策給付金の申請はこちらから→ http://minato-kyufu.example.com",
            note="偽アカウントの固定投稿の写し",
        )
        incident_actions.do_complete_step(tanto, incident, "record", note="プロフィールと固定投稿を保存")
        incident_actions.do_confirm_impersonation(
            kacho,
            incident,
            platform="x",
            handle="minato_koho_jp",
            url="https://x.com/minato_koho_jp",
        )

    def _demo_posts(self) -> str:
        """A post waiting for 広報課's section head, and a campaign whose third-party link is printed.

        Returns the campaign's link token: only its hash is stored, so the link is
        printed once, when the demo is created (a new one can be issued on the campaign's page).
        """
        User = get_user_model()
        tanto = User.objects.get(username="koho.tanto")
        koho_x = Account.objects.get(municipality__name=CITY, handle="minato_koho")
        draft = post_actions.do_create_draft(tanto, koho_x, DEMO_POST)
        post_actions.do_submit(tanto, draft)
        koho_facebook = Account.objects.get(municipality__name=CITY, handle="MinatoCityOffice")
        _campaign, token = campaign_actions.do_create_campaign(
            tanto,
            koho_facebook,
            name=DEMO_CAMPAIGN,
            poster_name="港のあかり",
            poster_kind=PosterKind.INFLUENCER,
            poster_account="https://www.instagram.com/minato_akari/",
            expires_at=timezone.now() + timedelta(days=60),
        )
        campaign_actions.do_submit_campaign_draft(token, DEMO_CAMPAIGN_DRAFT, "港のあかり")
        return token

    def _print_campaign_link(self) -> None:
        """The third party's submission link (only when just created: the token is not stored)."""
        token = self._campaign_token
        if token:
            link = SITE + reverse("campaigns:third_party", args=[token])
            self.stdout.write(f"第三者（インフルエンサー）の提出ページ「{DEMO_CAMPAIGN}」: {link}")
        else:
            self.stdout.write(
                f"第三者の提出ページのリンクは作成時にだけ表示されます。広報課でログインし、"
                f"「第三者への発信依頼」の「{DEMO_CAMPAIGN}」で新しい提出用リンクを発行できます。"
            )

    def _create_town(self) -> None:
        """さくら市: 子育て支援課's plan for a new account, submitted and waiting for the committee."""
        User = get_user_model()
        town = do_create_municipality(
            None, TOWN, TOWN_PROFILE, "https://www.city.sakura.example.jp/", slug="sakura"
        )
        dept = do_create_unit(None, town, "福祉部", "department", bootstrap=True)
        section = do_create_unit(None, town, "子育て支援課", "section", dept, bootstrap=True)
        users: dict[str, Any] = {}
        for username, family, given, role, unit in TOWN_PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "last_name": family,
                    "first_name": given,
                    "email": f"{username}@city.sakura.example.jp",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users[username] = user
            do_assign_role(
                user, role, municipality=town, unit=section if unit else None, bootstrap=True, actor=None
            )
            if role in REQUIRED_ROLES:
                enrol_demo(user)
        op, head = users["sakura.tanto"], users["sakura.kacho"]
        account = actions.do_create_application(
            op,
            section,
            {
                "platform": "instagram",
                "display_name": "さくら市子育て応援",
                "handle": "sakura_kosodate",
                "purpose": "子育て世帯に、健診・手当・イベントの情報を届ける。",
                "audience": "市内の子育て世帯",
                "content": "健診・予防接種の案内、手当の申請期限、子育てイベント",
                "responsible_title": "子育て支援課長",
                "reply_policy": "none",
                "genre": "health",
                "registration_email": "kosodate@city.sakura.example.jp",
                "contact": "さくら市子育て支援課 電話 000-000-0000",
                "period_start": fiscal_year_start(timezone.localdate()),
            },
        )
        actions.do_add_roster_entry(
            account, name=f"{op.last_name} {op.first_name}", duty=RosterEntry.Duty.POSTER, user=op, actor=op
        )
        procedures = actions.procedures_for(account)
        step = procedures.step("submit")
        actions.do_step(
            account,
            "submit",
            actor=head,
            documents=[d.id for d in step.documents],
            answers={
                "existing_a": "市公式Instagramは観光・イベント中心で、子育て情報は埋もれてしまう。",
                "existing_b": "健診・手当の期限など、軽微でない情報を継続して発信する。",
                "existing_c": "週2回程度で、市公式アカウントの発信を妨げない。",
                "tone": "親しみやすく、ただし期限や金額は正確に書く。",
                "approval_rule": "イベント告知は決裁不要、手当・健診の案内は課長決裁。",
            },
        )

    def _print_logins(self) -> None:
        User = get_user_model()
        self.stdout.write("")
        self.stdout.write(
            f"デモのログイン（パスワードはすべて {DEMO_PASSWORD} ／ デモ専用。本番では使わないでください）"
        )
        self.stdout.write(f"  {'ログインID':<16} {'氏名':<10} 役割")
        for username, family, given, role, unit, account_key, company in PEOPLE:
            if not User.objects.filter(username=username).exists():
                continue
            scope = unit or (
                f"{company}・{dict((a[0], a[2]['display_name']) for a in ACCOUNTS)[account_key]}"
                if account_key
                else "市全体"
            )
            code = " ＋確認コード" if role in REQUIRED_ROLES else ""
            self.stdout.write(f"  {username:<16} {family} {given:<6} {Role(role).label}（{scope}）{code}")
        for username, family, given, role, unit in TOWN_PEOPLE:
            if User.objects.filter(username=username).exists():
                self.stdout.write(
                    f"  {username:<16} {family} {given:<6} {Role(role).label}（{TOWN}・{unit or '市全体'}）"
                    + (" ＋確認コード" if role in REQUIRED_ROLES else "")
                )
        self.stdout.write("")
        self.stdout.write(
            "2段階認証: 所属長・所管課・統括情報セキュリティ責任者・委員会・監査担当のログインは、"
            "パスワードのあとに6桁の確認コードが必要です。"
        )
        self.stdout.write("  コードの表示: .venv/bin/python manage.py demo_totp ログインID")
        self.stdout.write(
            f"  または認証アプリにセットアップキー {DEMO_TOTP_SECRET} を登録（デモ専用の公開キー）"
        )
        self.stdout.write("")
        self.stdout.write(
            "http://127.0.0.1:8000/ でログインしてください。公開一覧: http://127.0.0.1:8000/public/accounts/"
        )
